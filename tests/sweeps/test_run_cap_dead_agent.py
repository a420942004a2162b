"""An agent SIGKILLed mid-run in a sweep that ends by ``run_cap`` (session 30).

Its run held one of the run_cap slots and stayed RUNNING (its heartbeats stop). The other agent
took the remaining slots and, finding run_cap reached, ended the sweep at once: the dead run
stayed RUNNING for good and the sweep had run_cap - 1 results (found by
benchmarks/history/s30/faults_sweep_agents.py: 2 RUNNING left, 10 of 12). The grid's end had
this fixed in s27; now run_cap's end does the same: wait for the other agents' runs, fail the
dead one after the grace period and run its retry (a retry takes no slot: its run had one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import tunewise as tw
from tunewise.sweeps import SweepConfig
from tunewise.sweeps._runner import SweepRunner

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


def test_a_run_whose_agent_was_killed_is_run_again_when_run_cap_is_reached(tmp_path: Path, monkeypatch):
    from tunewise.sweeps import _runner

    (tmp_path / "train.py").write_text(KILLS_ITS_AGENT)
    (tmp_path / "sweep.yaml").write_text(
        "name: capped\nprogram: train.py\nmethod: random\nseed: 0\nmetric: {name: loss, goal: minimize}\n"
        "parameters:\n  lr: {min: 0.0001, max: 1.0}\nrun_cap: 4\n"
    )
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
    (dead,) = tw.load_study(study_name="capped", storage=url).trials
    assert dead.state == tw.TrialState.RUNNING
    # Another agent, with a short grace period; its clock for the dead run starts now
    monkeypatch.setattr(_runner, "AGENT_HEARTBEAT", {"heartbeat_interval": 0.5, "grace_period": 3.0})
    tw.storage.SQLStorage(url).record_heartbeat(dead.trial_id)
    said = []
    study = SweepRunner(SweepConfig.from_file(tmp_path / "sweep.yaml"), storage=url, echo=said.append).run()
    trials = study.trials
    assert [t.number for t in trials if t.state == tw.TrialState.RUNNING] == []  # before: [0]
    assert trials[0].state == tw.TrialState.FAILED and "stale" in trials[0].system_attrs["fail_reason"]
    complete = [t for t in trials if t.state == tw.TrialState.COMPLETE]
    assert len(complete) == 4  # before: 3
    assert dead.params["lr"] in [t.params["lr"] for t in complete]  # the dead run's configuration, run again
    assert any("run_cap of 4 runs reached" in line for line in said)
