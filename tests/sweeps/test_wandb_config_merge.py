"""wandb.init(config=...) under a sweep holds what W&B's config holds (s28 run-side probe,
benchmarks/history/s28/wandb_wild8.md): W&B 0.31 applies the sweep's values over the program's
config with a recursive merge (Config.merge_locked), so a nested default the sweep does not set is
kept, and its config turns tuples into lists (json_friendly_val)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import tunewise as tw
from tunewise.sweeps import SweepConfig, SweepRunner

PROGRAM = textwrap.dedent("""
    import json
    import os
    import wandb

    run = wandb.init(config={"optimizer": {"name": "sgd", "lr": 0.5, "momentum": 0.9, "betas": {"b1": 0.8, "b2": 0.99}},
                             "widths": (8, 16), "seed": 3})
    cfg = wandb.config
    wandb.config.update({"optimizer": {"lr": 123.0}})  # after init, a sweep key stays the sweep's (no merge)
    seen = {"optimizer": cfg.optimizer, "widths": cfg.widths, "widths_is_list": isinstance(cfg.widths, list),
            "seed": cfg.seed}
    with open(os.path.join(os.environ["TUNEWISE_RUN_DIR"], "seen.json"), "w") as f:
        json.dump(seen, f)
    wandb.log({"val_loss": cfg.optimizer["lr"]})
    wandb.finish()
""")


def test_nested_sweep_values_merge_into_nested_init_defaults_and_tuples_read_back_as_lists(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(PROGRAM)
    cfg = SweepConfig.from_dict(
        {
            "program": str(tmp_path / "train.py"),
            "metric": {"name": "val_loss"},
            "log_dir": str(tmp_path / "runs"),
            "timeout": 60,
            "method": "grid",
            "parameters": {
                "optimizer": {"parameters": {"lr": {"values": [0.01]}, "betas": {"parameters": {"b1": {"value": 0.7}}}}}
            },
        }
    )
    study = SweepRunner(cfg, storage="memory", echo=None).run()
    [trial] = study.trials
    assert trial.state == tw.TrialState.COMPLETE and trial.value == 0.01
    seen = json.loads((Path(trial.system_attrs["sweep_run_dir"]) / "seen.json").read_text())
    # The sweep's lr and betas.b1 win; name, momentum and betas.b2 keep the program's values (W&B: the same).
    assert seen["optimizer"] == {"name": "sgd", "lr": 0.01, "momentum": 0.9, "betas": {"b1": 0.7, "b2": 0.99}}
    assert seen["widths"] == [8, 16] and seen["widths_is_list"] and seen["seed"] == 3


SCRIPT = textwrap.dedent("""
    import json
    import wandb

    def train():
        wandb.init(config={"optimizer": {"name": "sgd", "lr": 0.5, "momentum": 0.9}, "widths": (8, 16)})
        cfg = wandb.config
        print("SEEN " + json.dumps({"optimizer": cfg.optimizer, "widths_is_list": isinstance(cfg.widths, list)}))
        wandb.log({"loss": cfg.optimizer["lr"]})
        wandb.finish()

    sweep_id = wandb.sweep({"name": "merge", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
                            "parameters": {"optimizer": {"parameters": {"lr": {"values": [0.01]}}}}})
    wandb.agent(sweep_id, function=train, count=1)
""")


def test_the_same_in_wandb_agent_with_a_function_under_sweep_python(tmp_path: Path) -> None:
    """The run-side probe ran this way (wandb.agent(sweep_id, function=...) in the script's process)."""
    (tmp_path / "sweep.py").write_text(SCRIPT)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tunewise",
            "sweep",
            "python",
            "--storage",
            f"sqlite:///{tmp_path / 's.db'}",
            str(tmp_path / "sweep.py"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    [line] = [x for x in out.stdout.splitlines() if x.startswith("SEEN ")]
    seen = json.loads(line[5:])
    assert seen == {"optimizer": {"name": "sgd", "lr": 0.01, "momentum": 0.9}, "widths_is_list": True}
