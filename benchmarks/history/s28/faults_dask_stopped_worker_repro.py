"""A Dask worker process stopped (SIGSTOP, or hung) for good inside a trial (session 28): its trial
is failed as stale and retried on the other worker, and optimize() returns once the budget is
used instead of waiting for that task forever (the process executor kills such a worker)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

import tunewise as tw

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_optimize_returns_when_a_dask_worker_is_stopped_for_good_inside_a_trial(client, tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    pid_file = tmp_path / "stopped.pid"
    study = tw.create_study(
        storage=url,
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=0.3,
        grace_period=1.0,
        max_retries=1,
    )

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 2:  # its retry has another number, so only the first run stops
            pid_file.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGSTOP)
        return x

    done = threading.Event()

    def run():
        study.optimize(objective, max_trials=6, executor=tw.DaskExecutor(client))
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        returned = done.wait(60)
    finally:
        if pid_file.exists():  # the nanny starts a fresh worker in its place
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert returned, "optimize() still waits for the stopped worker's task"
    trials = study.trials
    assert [t.state for t in trials].count(tw.TrialState.COMPLETE) == 6
    stale = [t for t in trials if t.state == tw.TrialState.FAIL]
    assert len(stale) == 1 and stale[0].number == 2 and "no heartbeat" in stale[0].system_attrs["fail_reason"]
    assert any(t.system_attrs.get("retried_from") == 2 and t.state == tw.TrialState.COMPLETE for t in trials)
    assert tw.TrialState.RUNNING not in [t.state for t in trials]
