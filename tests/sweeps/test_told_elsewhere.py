"""A run's trial told from outside while the agent runs it (`tunewise tell` on it, another process):
the stored result stays, the agent says so and goes on with its next run. Before s29 it ended on
the error the refused report or tell raised (a SweepRunnerError), the rest of its budget unrun."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import tunewise as tw
from tests.sweeps.test_sweeps import _write
from tunewise.sweeps import SweepConfig, SweepRunner

# Run 1 prints its first report, then waits for the test to tell its trial from outside; with
# "more" it then reports again (a report the storage refuses) and would run on for a minute.
PROGRAM = r"""
import os, signal, sys, time
n = int(os.environ["TUNEWISE_TRIAL_NUMBER"])
here = os.environ["TELL_DIR"]
x = float(sys.argv[1].split("=")[1])
print(f"loss={x}", flush=True)
if n == 1:
    def on_term(signum, frame):
        open(os.path.join(here, "killed"), "w").close()
        sys.exit(143)
    signal.signal(signal.SIGTERM, on_term)
    open(os.path.join(here, "reported"), "w").close()
    for _ in range(1000):
        if os.path.exists(os.path.join(here, "told")):
            break
        time.sleep(0.02)
    if os.environ["TELL_MODE"] == "more":
        print(f"loss={x / 2}", flush=True)
        time.sleep(60)
"""


@pytest.mark.parametrize("mode", ["more", "end"], ids=["reports-after-the-tell", "ends-after-the-tell"])
def test_an_agent_whose_run_is_told_from_outside_goes_on_and_finishes_its_budget(tmp_path, monkeypatch, mode):
    monkeypatch.setenv("TELL_DIR", str(tmp_path))
    monkeypatch.setenv("TELL_MODE", mode)
    path = _write(
        tmp_path,
        {
            "program": "prog.py",
            "method": "random",
            "metric": {"name": "loss"},
            "parameters": {"x": {"min": 0.0, "max": 1.0}},
            "run_cap": 3,
        },
        py=PROGRAM,
    )
    url = f"sqlite:///{tmp_path / 'sweep.db'}"

    def tell_run_1_from_outside() -> None:  # as `tunewise tell` would, with a study of its own
        reported = tmp_path / "reported"
        for _ in range(1500):
            if reported.exists():
                break
            threading.Event().wait(0.02)
        tw.load_study(study_name="sweep", storage=url).tell(1, 123.0)
        (tmp_path / "told").touch()

    teller = threading.Thread(target=tell_run_1_from_outside)
    teller.start()
    said: list[str] = []
    study = SweepRunner(SweepConfig.from_file(path), storage=url, echo=said.append).run()
    teller.join()
    trials = tw.load_study(study_name="sweep", storage=url).trials
    assert [t.number for t in trials] == [0, 1, 2]  # the budget ran; nothing run twice
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 3
    assert trials[1].value == 123.0  # the outside result stays
    assert trials[0].value == trials[0].params["x"] and trials[2].value == trials[2].params["x"]
    assert any("[run 1] was finished elsewhere meanwhile (COMPLETE with values [123.0]" in s for s in said)
    assert study.trials[1].value == 123.0
    # A run whose reports are refused is stopped: nothing it computes can count.
    assert (tmp_path / "killed").exists() == (mode == "more")
    assert Path(trials[1].system_attrs["sweep_run_dir"]).is_dir()


WANDB_SCRIPT = r"""
import os
import tunewise
import wandb

runs = []

def train():
    with wandb.init(project="demo") as run:
        x = wandb.config.x
        runs.append(x)
        wandb.log({"loss": x})
        if len(runs) == 2:  # the agent's second run is told from outside
            other = tunewise.load_study(study_name="told", storage=os.environ["TELL_URL"])
            (running,) = other.get_trials(states=(tunewise.TrialState.RUNNING,))
            other.tell(running.number, 123.0)
        wandb.log({"loss": x / 2})  # refused once the run's trial was told
        run.summary["loss"] = x / 2

if __name__ == "__main__":
    sweep_id = wandb.sweep({"name": "told", "method": "random", "seed": 0, "metric": {"name": "loss"},
                            "parameters": {"x": {"min": 0.0, "max": 1.0}}}, project="demo")
    wandb.agent(sweep_id, function=train, count=3)
    print("agent done")
"""


def test_a_wandb_agent_whose_run_is_told_from_outside_goes_on(tmp_path):
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 's.db'}"
    (tmp_path / "sweep.py").write_text(WANDB_SCRIPT)
    out = subprocess.run(
        [sys.executable, "-m", "tunewise", "sweep", "python", "--storage", url, str(tmp_path / "sweep.py")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "TELL_URL": url},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "agent done" in out.stdout
    assert "[run 1] was finished elsewhere meanwhile (COMPLETE with values [123.0]" in out.stdout
    trials = tw.load_study(study_name="told", storage=url).trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 3
    assert trials[1].value == 123.0
    assert trials[0].value == trials[0].params["x"] / 2 and trials[2].value == trials[2].params["x"] / 2
