"""The end of a ``max_trials`` budget with a new trial queued (an ASHA promotion enqueued as the
budget ran out, or a user's ``enqueue_trial``) next to a retry of a stale trial.

Found by benchmarks/history/s18/fault_probe.py (promote): every worker spun forever at the end of
the budget (``optimize`` never returned) because a queued trial that is no retry cannot start
then, and the start claimed the oldest WAITING trial instead of the retry (or started the queued
trial past the budget when a retry was waiting)."""

from __future__ import annotations

import threading

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.exceptions import MaxTrialsReached
from tunewise.storage import get_storage
from tunewise.trial import TrialState


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_optimize_returns_when_a_new_trial_is_queued_as_the_budget_runs_out(backend, tmp_path):
    study = tw.create_study(study_name=unique("queued-at-end"), storage=backend_url(backend, tmp_path),
                            heartbeat_interval=0.2, grace_period=1.0, max_trials=2)

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            study.enqueue_trial({"x": 0.5})  # queued after the last trial of the budget started
        return x

    done = threading.Event()
    runner = threading.Thread(target=lambda: (study.optimize(objective), done.set()), daemon=True)
    runner.start()
    runner.join(20)
    assert done.is_set(), "optimize() did not return at the end of its budget"
    # The queued trial stays for a later run (with a larger budget), not run past this one.
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.WAITING]


@pytest.mark.parametrize("backend", BACKENDS)
def test_past_the_budget_only_the_retry_starts_not_the_trial_queued_before_it(backend, tmp_path):
    storage = get_storage(backend_url(backend, tmp_path))
    sid = storage.create_study(unique("retry-after-queued"), ["minimize"])
    for _ in range(2):
        t = storage.start_trial(sid, max_started=2)
        storage.finish_trial(t.trial_id, TrialState.FAILED, None)  # as a stale trial is failed
    queued = storage.enqueue_trial(sid, {"x": 0.1})  # e.g. an ASHA promotion
    retry = storage.enqueue_trial(sid, {"x": 0.2}, system_attrs={"retried_from": 1})
    started = storage.start_trial(sid, max_started=2)
    assert started.number == retry.number  # the retry runs again; the queued trial would overshoot
    with pytest.raises(MaxTrialsReached):
        storage.start_trial(sid, max_started=2)
    states = {t.number: t.state for t in storage.get_trials(sid)}
    assert states[queued.number] == TrialState.WAITING
    # With room in the budget the queue is served in order again.
    assert storage.start_trial(sid, max_started=3).number == queued.number


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_the_end_of_a_budget_finds_a_waiting_retry_without_reading_the_waiting_trials(backend, tmp_path,
                                                                                     monkeypatch):
    import time

    from tunewise.storage import _heartbeat

    study = tw.create_study(study_name=unique("retry-query"), storage=backend_url(backend, tmp_path),
                            heartbeat_interval=0.2, grace_period=1.0)
    storage, sid = study._storage, study._study_id
    for i in range(20):
        study.enqueue_trial({"x": i / 20})  # queued configurations, no retries
    reads = []
    real = storage.get_trials
    monkeypatch.setattr(storage, "get_trials", lambda s, states=None: reads.append(states) or real(s, states))
    assert _heartbeat.await_running(study, time.time() + 5) is False  # nothing runs, no retry queued
    storage.enqueue_trial(sid, {"x": 0.5}, system_attrs={"retried_from": 3})
    assert _heartbeat.await_running(study, time.time() + 5) is True
    assert [s for s in reads if s is None or TrialState.WAITING in s] == []
