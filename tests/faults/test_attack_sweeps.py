"""W&B scripts that misbehave under `tunewise sweep`: a metric logged as a string (or None) fails
the run with a reason that says what wandb.log got, not only that no metric was printed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.sweeps import SweepConfig, SweepRunner

NON_NUMERIC = textwrap.dedent("""
    import wandb
    run = wandb.init()
    wandb.log({"val_loss": "bad", "epoch": 1})
    wandb.log({"val_loss": None})
""")


def test_a_non_numeric_metric_fails_the_run_with_a_reason_naming_the_value(tmp_path: Path):
    (tmp_path / "train.py").write_text(NON_NUMERIC)
    cfg = SweepConfig.from_dict(
        {
            "program": str(tmp_path / "train.py"),
            "metric": {"name": "val_loss"},
            "log_dir": str(tmp_path / "runs"),
            "timeout": 60,
            "method": "grid",
            "parameters": {"x": {"value": 1}},
        }
    )
    study = SweepRunner(cfg, storage="memory", echo=None).run()
    (trial,) = study.trials
    assert trial.state == tw.TrialState.FAILED
    reason = trial.system_attrs["fail_reason"]
    assert "never printed the metric 'val_loss'" in reason
    assert "wandb.log got 'bad' (str) for the sweep's metric 'val_loss', not a number" in reason
    assert "wandb.log got None (NoneType)" in reason


# The agent (`tunewise sweep run`) is SIGKILLed while its program runs (here the program kills it,
# the first time). Its run stays RUNNING: its heartbeats stop. Another agent ran the rest of the
# grid and, finding the grid run through, ended the sweep: the killed run stayed RUNNING for good
# and its grid point never ran (benchmarks/history/s27/faults.md). Now an agent whose grid ran
# through waits for the other agents' runs, as optimize() does, fails the dead one after the grace
# period and runs its retry.
KILLS_ITS_AGENT = textwrap.dedent("""
    import os, signal, sys
    lr = float(sys.argv[1].split("=")[1])
    marker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agent-killed")
    if not os.path.exists(marker):
        open(marker, "w").close()
        os.kill(os.getppid(), signal.SIGKILL)  # the agent dies while this run runs
        sys.exit(0)
    print(f"loss={(lr - 0.01) ** 2}")
""")


def _first_agent_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sweep: str,
                        name: str) -> tuple[str, tw.FrozenTrial]:
    """Run one agent of ``sweep`` whose program kills it in its first run; return the storage URL
    and that run, left RUNNING. Another agent started after this gets a short grace period, and
    its clock for the dead run starts now."""
    from tunewise.sweeps import _runner

    (tmp_path / "train.py").write_text(KILLS_ITS_AGENT)
    (tmp_path / "sweep.yaml").write_text(sweep)
    url = f"sqlite:///{tmp_path / 'tunewise.db'}"
    root = Path(__file__).resolve().parents[2]
    agent = subprocess.run(
        [sys.executable, "-m", "tunewise", "sweep", "run", str(tmp_path / "sweep.yaml"), "--storage", url],
        env=dict(os.environ, PYTHONPATH=str(root / "src")),
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert agent.returncode == -signal.SIGKILL and (tmp_path / "agent-killed").exists()
    (dead,) = tw.load_study(study_name=name, storage=url).trials
    assert dead.state == tw.TrialState.RUNNING
    monkeypatch.setattr(_runner, "AGENT_HEARTBEAT", {"heartbeat_interval": 0.5, "grace_period": 3.0})
    tw.storage.SQLStorage(url).record_heartbeat(dead.trial_id)
    return url, dead


def test_a_run_whose_agent_was_killed_is_run_again_by_another_agent(tmp_path: Path, monkeypatch):
    url, _ = _first_agent_killed(
        tmp_path, monkeypatch,
        "name: killed-agent\nprogram: train.py\nmethod: grid\nmetric: {name: loss, goal: minimize}\n"
        "parameters:\n  lr: {values: [0.001, 0.01, 0.1, 1.0]}\n",
        "killed-agent",
    )
    study = SweepRunner(SweepConfig.from_file(tmp_path / "sweep.yaml"), storage=url, echo=None).run()
    trials = study.trials
    assert [t.number for t in trials if t.state == tw.TrialState.RUNNING] == []  # before: [0]
    assert trials[0].state == tw.TrialState.FAILED and "stale" in trials[0].system_attrs["fail_reason"]
    assert sorted(t.params["lr"] for t in trials if t.state == tw.TrialState.COMPLETE) == [0.001, 0.01, 0.1, 1.0]


def test_a_run_whose_agent_was_killed_is_run_again_when_run_cap_is_reached(tmp_path: Path, monkeypatch):
    """The same in a sweep that ends by ``run_cap`` (s30): the dead run held one of the slots, and
    the other agent, finding run_cap reached, ended the sweep at once, leaving it RUNNING for good
    with run_cap - 1 results (benchmarks/history/s30/faults_sweep_agents.py: 2 RUNNING, 10 of 12).
    Now run_cap's end waits for the other agents' runs as the grid's end does, and the retry
    takes no slot (its run had one)."""
    url, dead = _first_agent_killed(
        tmp_path, monkeypatch,
        "name: capped\nprogram: train.py\nmethod: random\nseed: 0\nmetric: {name: loss, goal: minimize}\n"
        "parameters:\n  lr: {min: 0.0001, max: 1.0}\nrun_cap: 4\n",
        "capped",
    )
    said: list[str] = []
    study = SweepRunner(SweepConfig.from_file(tmp_path / "sweep.yaml"), storage=url, echo=said.append).run()
    trials = study.trials
    assert [t.number for t in trials if t.state == tw.TrialState.RUNNING] == []  # before: [0]
    assert trials[0].state == tw.TrialState.FAILED and "stale" in trials[0].system_attrs["fail_reason"]
    complete = [t for t in trials if t.state == tw.TrialState.COMPLETE]
    assert len(complete) == 4  # before: 3
    assert dead.params["lr"] in [t.params["lr"] for t in complete]  # the dead run's configuration, run again
    assert any("run_cap of 4 runs reached" in line for line in said)


# The agent is SIGKILLed while a program that prints nothing until its end runs: the program, in a
# session of its own, ran on to its end (s27: all of its remaining work, holding its CPU or GPU)
# though nobody would read its result, while another agent reran its configuration. Now it gets
# SIGTERM when the agent dies (Linux: PR_SET_PDEATHSIG).
SILENT_RUN = textwrap.dedent("""
    import os, sys, time
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "program.pid"), "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)
    print("loss=1.0")
""")


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_program_of_a_killed_agent_does_not_run_on(tmp_path: Path):
    (tmp_path / "train.py").write_text(SILENT_RUN)
    (tmp_path / "sweep.yaml").write_text(
        "name: orphan\nprogram: train.py\nmethod: grid\nmetric: {name: loss, goal: minimize}\n"
        "parameters:\n  lr: {values: [0.1]}\n"
    )
    root = Path(__file__).resolve().parents[2]
    agent = subprocess.Popen(
        [sys.executable, "-m", "tunewise", "sweep", "run", str(tmp_path / "sweep.yaml")],
        env=dict(os.environ, PYTHONPATH=str(root / "src")),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = tmp_path / "program.pid"
    pid = None
    try:
        for _ in range(600):  # the program has started (at most 60 s)
            if pid_file.exists() and pid_file.read_text():
                pid = int(pid_file.read_text())
                break
            time.sleep(0.1)
        assert pid is not None and _running(pid)
        agent.kill()
        agent.wait()
        for _ in range(100):  # (at most 10 s: a bound on the wait, not a measured time)
            if not _running(pid):
                break
            time.sleep(0.1)
        assert not _running(pid)  # before: still sleeping, with nobody to read its result
    finally:
        agent.kill()
        if pid is not None and _running(pid):
            os.kill(pid, signal.SIGKILL)
