"""A Dask worker that stops after its task wrote its trial finished, but before the client got
the task's result (session 29's open case 1, session 30).

Heard or not, the trial it wrote is reported to the callbacks once and counts against
``n_trials``: exactly ``n_trials`` trials run and ``optimize()`` returns. Before session 30, a
trial whose announcement never reached the client was not reported and one trial too many ran
(budget +1); one whose announcement did arrive was never checked again (its trial was finished,
so it could not go stale) and ``optimize()`` waited for Dask's own worker timeout."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

import tunewise as tw
from tunewise.execution import _dask

pytest.importorskip("distributed")  # the dask_client fixture (tests/conftest.py) needs it

N_TRIALS = 6
STOPS = 2  # the number of the trial whose worker stops after writing it


@pytest.mark.parametrize("announcement", ["unheard", "heard"])
def test_a_trial_written_by_a_worker_that_then_stops_counts_once(dask_client, tmp_path, monkeypatch, announcement):
    monkeypatch.setattr(_dask, "_MIN_WORKER_SILENCE", 5.0)  # 10 s by default
    study = tw.create_study(
        storage=f"sqlite:///{tmp_path / 'tw.db'}",
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=0.2,
        grace_period=1.0,
        max_retries=1,
    )
    pid_file = tmp_path / "stopped.pid"
    if announcement == "unheard":  # the task's event naming its trial never reaches the client
        handle = _dask._DaskRun._handle

        def drop(self, kind, *item):
            if kind == "started" and study.storage.get_trial(item[0]["trial"]).number == STOPS:
                return None
            return handle(self, kind, *item)

        monkeypatch.setattr(_dask._DaskRun, "_handle", drop)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == STOPS:
            storage, me = trial.study.storage, trial._trial_id
            finish = storage.finish_trial

            def finish_then_hang(trial_id, *args, **kwargs):
                written = finish(trial_id, *args, **kwargs)
                if trial_id == me:  # COMPLETE in the storage; the task never returns
                    pid_file.write_text(str(os.getpid()))
                    time.sleep(600)
                return written

            storage.finish_trial = finish_then_hang
        return x

    def stop_it():  # SIGSTOP from here: the worker's beats to the scheduler stop too
        while not pid_file.exists():
            time.sleep(0.01)
        time.sleep(0.05)
        os.kill(int(pid_file.read_text()), signal.SIGSTOP)

    threading.Thread(target=stop_it, daemon=True).start()
    reported, errors, done = [], [], threading.Event()

    def run():
        try:
            study.optimize(objective, n_trials=N_TRIALS, executor=tw.DaskExecutor(dask_client),
                           callbacks=[lambda s, t: reported.append(t.number)])
        except BaseException as e:  # noqa: BLE001 - asserted below
            errors.append(e)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    try:
        returned = done.wait(60)
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert returned, "optimize() still waits for the stopped worker's task"
    assert not errors, errors
    trials = study.trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * N_TRIALS  # none more, none RUNNING
    assert sorted(reported) == list(range(N_TRIALS))  # the stopped worker's trial reported, once
    assert trials[STOPS].system_attrs["executor_task"].startswith("tunewise-")
