"""W&B's Python sweep API run by `tunewise sweep python SCRIPT`: wandb.sweep(config) +
wandb.agent(id, function, count) in one process, with the stand-in as wandb."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import tunewise as tw

SCRIPT = textwrap.dedent('''
    import math
    import wandb

    def train():
        with wandb.init(project="demo", config={"lr": 0.5, "epochs": 6}) as run:
            cfg = wandb.config
            if cfg.optimizer == "broken":
                raise RuntimeError("this optimizer does not exist")
            for epoch in range(cfg.epochs):
                loss = (math.log10(cfg.lr) + 2) ** 2 + 1.0 / (epoch + 1)
                wandb.log({"val_loss": loss, "epoch": epoch})
            run.summary["val_loss"] = loss

    if __name__ == "__main__":
        sweep_id = wandb.sweep({
            "name": "script-sweep", "method": "random", "seed": 0,
            "metric": {"name": "val_loss", "goal": "minimize"},
            "parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1.0},
                           "optimizer": {"values": ["adam", "sgd", "broken"]}},
        }, project="demo")
        wandb.agent(sweep_id, function=train, count=9)
        print("agent done", wandb.__version__)
''')


def _run(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "sweep.py").write_text(SCRIPT)
    return subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                           f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "sweep.py"), *extra],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)


def test_wandb_sweep_and_agent_run_every_run_in_one_process(tmp_path):
    out = _run(tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "agent done 0.19.0+tunewise.standin" in out.stdout  # the stand-in, and the script went on
    study = tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}")
    assert len(study.trials) == 9
    for t in study.trials:
        if t.params["optimizer"] == "broken":  # the function raised: FAILED, and the agent went on
            assert t.state == tw.TrialState.FAILED and "this optimizer does not exist" in t.system_attrs["fail_reason"]
        else:
            assert t.state == tw.TrialState.COMPLETE
            expected = (__import__("math").log10(t.params["lr"]) + 2) ** 2 + 1.0 / 6
            assert abs(t.value - expected) < 1e-9  # the summary's value of the metric
            assert sorted(t.intermediate_values) == [1, 2, 3, 4, 5, 6]  # one report per wandb.log
    assert any(t.state == tw.TrialState.FAILED for t in study.trials)
    again = _run(tmp_path)  # the same sweep resumes: 9 more runs
    assert again.returncode == 0, again.stderr[-2000:]
    assert len(tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}").trials) == 18


def test_early_termination_stops_a_run_inside_its_wandb_log(tmp_path):
    script = SCRIPT.replace('"metric": {"name": "val_loss", "goal": "minimize"},',
                            '"metric": {"name": "val_loss", "goal": "minimize"}, '
                            '"early_terminate": {"type": "hyperband", "min_iter": 1},')
    script = script.replace('"values": ["adam", "sgd", "broken"]', '"values": ["adam", "sgd"]')
    script = script.replace("count=9", "count=20")
    assert script.count("hyperband") == 1
    (tmp_path / "sweep.py").write_text(script)
    out = subprocess.run([sys.executable, "-m", "tunewise", "sweep", "python", "--storage",
                          f"sqlite:///{tmp_path / 's.db'}", str(tmp_path / "sweep.py")],
                         capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    study = tw.load_study(study_name="script-sweep", storage=f"sqlite:///{tmp_path / 's.db'}")
    pruned = study.get_trials(states=(tw.TrialState.PRUNED,))
    assert len(study.trials) == 20 and pruned
    assert all(len(t.intermediate_values) < 6 for t in pruned)
    assert not study.get_trials(states=(tw.TrialState.RUNNING, tw.TrialState.FAILED))
