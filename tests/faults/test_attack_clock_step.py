"""The system clock steps back (NTP, an operator) just after a worker died (session 29): its
trial's last heartbeat then lies ahead of the clock, and used to look fresh for as long as the
step (benchmarks/history/s29/faults_clock_jump.py: a dead worker's trial failed after 63.6 s
instead of about 3.5 s, with the clock stepped back 60 s, and the other worker waiting for it at
the end of the budget). The stale check now starts such a heartbeat's age at the check, so the
trial is failed a grace period later. (SQLite and memory read this process's clock; PostgreSQL
reads the server's.)"""

from __future__ import annotations

import time

import pytest

from tunewise.storage import InMemoryStorage, SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.trial import TrialState


@pytest.fixture(params=["memory", "sqlite"])
def storage(request, tmp_path):
    s = InMemoryStorage() if request.param == "memory" else SQLStorage(f"sqlite:///{tmp_path / 'c.db'}")
    yield s
    s.close()


def test_a_dead_workers_trial_is_failed_a_grace_period_after_the_clock_steps_back(storage, monkeypatch):
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    sid = storage.create_study("clock", ["minimize"])
    dead = storage.start_trial(sid)  # its worker beats once, then dies
    assert storage.record_heartbeat(dead.trial_id)

    def check():
        return [t.number for t, _ in storage.recover_stale_trials(sid, 2.0, lambda t: StaleOutcome())]

    offset[0] = -60.0  # the clock steps back a minute
    assert check() == []  # its beat lies ahead: not stale yet (its age starts now)
    offset[0] = -60.0 + 1.0
    assert check() == []  # within the grace period
    offset[0] = -60.0 + 2.5  # a grace period later, not a minute later
    assert check() == [dead.number]
    assert storage.get_trial(dead.trial_id).state == TrialState.FAILED


def test_a_live_trial_is_not_failed_when_the_clock_steps_back(storage, monkeypatch):
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    sid = storage.create_study("clock", ["minimize"])
    live = storage.start_trial(sid)
    offset[0] = -60.0
    assert storage.recover_stale_trials(sid, 2.0, lambda t: StaleOutcome()) == []
    offset[0] = -60.0 + 1.5
    assert storage.record_heartbeat(live.trial_id)  # it goes on beating on the new clock
    offset[0] = -60.0 + 3.0
    assert storage.recover_stale_trials(sid, 2.0, lambda t: StaleOutcome()) == []
    assert storage.get_trial(live.trial_id).state == TrialState.RUNNING


def test_a_clock_stepped_forward_does_not_fail_live_trials(tmp_path, monkeypatch):
    """A forward step past the grace period made every trial whose worker had not beaten since look
    stale to the next check (1 live trial failed in 4 runs of faults_clock_jump.py --mode forward).
    The checking process notices its wall clock ran ahead of its monotonic clock and waits two
    heartbeat intervals for the workers to beat on the new clock; a dead worker's trial is still
    failed after that."""
    import tunewise as tw
    from tunewise.storage._heartbeat import fail_stale

    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    study = tw.create_study(
        storage=f"sqlite:///{tmp_path / 'f.db'}", heartbeat_interval=0.2, grace_period=1.0, max_retries=0
    )
    storage, sid = study.storage, study._study_id
    live = storage.start_trial(sid)  # run by another process, which beats every 0.2 s
    assert fail_stale(study) == []
    offset[0] = 60.0  # the clock steps a minute ahead before the worker's next beat
    assert fail_stale(study) == []  # before: the live trial, failed as stale
    time.sleep(1.5)  # two heartbeat intervals and a second: the worker beat on the new clock meanwhile
    assert storage.record_heartbeat(live.trial_id)
    dead = storage.start_trial(sid)  # and another worker dies at once
    assert fail_stale(study) == []
    time.sleep(1.1)
    assert storage.record_heartbeat(live.trial_id)
    assert [t.number for t in fail_stale(study)] == [dead.number]
    assert storage.get_trial(live.trial_id).state == TrialState.RUNNING
