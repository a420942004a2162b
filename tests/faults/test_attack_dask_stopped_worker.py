"""A Dask worker process stopped for good (SIGSTOP, or hung) while it holds a trial task
(session 28's open case): the client fails its trial as stale like any other, removes the
worker from the cluster and finishes the budget on the other worker, instead of waiting until
Dask's own worker timeout (about 10 minutes in session 28)."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

import tunewise as tw
from tunewise.execution import _dask

pytest.importorskip("distributed")  # the dask_client fixture (tests/conftest.py) needs it


def _run(dask_client, study, objective, pid_file, **budget):
    done = threading.Event()
    errors = []

    def run():
        try:
            study.optimize(objective, executor=tw.DaskExecutor(dask_client), **budget)
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    try:
        returned = done.wait(60)
    finally:
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert returned, "optimize() still waits for the stopped worker's task"
    assert not errors, errors


def _stop_when_named(pid_file):
    """SIGSTOP the process whose pid appears in ``pid_file``, from this process (a worker that
    stops itself ran on for a while in session 29's sandbox)."""

    def watch():
        while not pid_file.exists():
            time.sleep(0.01)
        time.sleep(0.05)  # the whole pid is written
        os.kill(int(pid_file.read_text()), signal.SIGSTOP)

    threading.Thread(target=watch, daemon=True).start()


def _study(tmp_path):
    return tw.create_study(
        storage=f"sqlite:///{tmp_path / 'tw.db'}",
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=0.2,
        grace_period=1.0,
        max_retries=1,
    )


def test_a_worker_stopped_inside_a_trial_has_it_failed_as_stale_and_the_run_goes_on(dask_client, tmp_path):
    study = _study(tmp_path)
    pid_file = tmp_path / "stopped.pid"

    def objective(trial):
        import time

        from tunewise.storage._heartbeat import _monitor

        x = trial.suggest_float("x", 0, 1)
        if trial.number == 2:  # its retry has another number: only the first run stops
            time.sleep(0.5)  # the trial is announced and beats before its process stops
            # Stopped outside a heartbeat's write: a process stopped holding SQLite's write lock
            # stops every worker (another attack, s24-s26).
            with _monitor(trial.study).writing:
                pid_file.write_text(str(os.getpid()))
                time.sleep(60)
        return x

    _stop_when_named(pid_file)
    _run(dask_client, study, objective, pid_file, max_trials=6)
    trials = study.trials
    states = [t.state for t in trials]
    assert states.count(tw.TrialState.COMPLETE) == 6 and tw.TrialState.RUNNING not in states
    (failed,) = [t for t in trials if t.state == tw.TrialState.FAILED]
    assert failed.number == 2 and failed.system_attrs["fail_reason"].startswith("stale: no heartbeat")
    (retry,) = [t for t in trials if t.system_attrs.get("retried_from") == 2]
    assert retry.state == tw.TrialState.COMPLETE and retry.params == failed.params


def test_a_worker_stopped_between_trials_is_removed_and_the_budget_is_met(dask_client, tmp_path, monkeypatch):
    # Stopped when idle, its next task pinned to it never starts: no trial of its own to go
    # stale; its silence at the scheduler counts (shortened here from 10 s; a loaded machine
    # delays a healthy worker's beats by 2 s).
    monkeypatch.setattr(_dask, "_MIN_WORKER_SILENCE", 5.0, raising=False)  # (absent before the fix)
    study = _study(tmp_path)
    pid_file = tmp_path / "stopped.pid"

    def objective(trial):
        trial.set_user_attr("pid", os.getpid())
        return trial.suggest_float("x", 0, 1)

    def stop_its_worker(study, trial):
        # In this process, after the worker returned trial 1 and before its next task is sent.
        if trial.number == 1:
            pid_file.write_text(str(trial.user_attrs["pid"]))
            os.kill(trial.user_attrs["pid"], signal.SIGSTOP)

    _run(dask_client, study, objective, pid_file, n_trials=6, callbacks=[stop_its_worker])
    trials = study.trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 6
    assert int(pid_file.read_text()) not in {t.user_attrs["pid"] for t in trials[2:]}
