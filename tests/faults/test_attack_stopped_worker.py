"""A worker stopped with SIGSTOP (or hung) past the grace period while the budget runs out: its
trial is failed as stale and retried by another worker, and optimize() returns instead of
waiting for the stopped process forever; nothing is lost or left RUNNING."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, signal, sys, time
    import tunewise as tw

    url = sys.argv[1]
    study = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=0.3, grace_period=1.0, max_retries=1)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1 and not trial.system_attrs.get("retry_of") and "stopped" not in os.environ:
            os.environ["stopped"] = "1"
            os.kill(os.getpid(), signal.SIGSTOP)  # stopped for good: only SIGKILL ends it
        time.sleep(0.3)
        return x

    t0 = time.monotonic()
    study.optimize(objective, n_trials=int(sys.argv[2]), n_jobs=2)
    states = [t.state.name for t in study.trials]
    print("SECONDS", round(time.monotonic() - t0, 1))
    print("STATES", ",".join(states))
""")


def _run(tmp_path, n_trials):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(script), f"sqlite:///{tmp_path}/s.db", str(n_trials)],
                          capture_output=True, text=True, timeout=90)


@pytest.mark.slow
def test_optimize_returns_when_a_stopped_worker_holds_a_trial_failed_as_stale(tmp_path):
    out = _run(tmp_path, 8)
    assert out.returncode == 0, out.stderr[-3000:]
    states = out.stdout.split("STATES ")[1].split()[0].split(",")
    assert "RUNNING" not in states
    assert len(states) == 8 and states.count("FAIL") == 1  # n_trials counts the stale one too
    assert "was failed as stale; killing it" in out.stderr


@pytest.mark.slow
def test_optimize_returns_when_the_stopped_worker_holds_the_last_trial(tmp_path):
    # Nobody else asks for a trial, so the parent finds it stale itself; its retry is queued
    # (WAITING) for the next run rather than lost.
    out = _run(tmp_path, 2)
    assert out.returncode == 0, out.stderr[-3000:]
    states = out.stdout.split("STATES ")[1].split()[0].split(",")
    assert sorted(states) == ["COMPLETE", "FAIL", "WAITING"]
