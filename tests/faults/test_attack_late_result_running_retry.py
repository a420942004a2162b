"""A late result whose retry another worker has already started (left open in session 23).

Worker A's trial was failed as stale (A was stopped past the grace period), its retry was queued
with the same parameters, and worker B started that retry. When A resumed and reported, its result
was kept only as ``late_result`` data, and B ran the same parameters to the end: a whole run
computed twice. Now A's ``tell`` finishes the running retry with the late result when the retry
reruns exactly A's parameters (one atomic finish that only a RUNNING trial takes), and B's run
stops at its next report: the storage refuses the report, and the loop ends the run quietly,
leaving the retry with that one result. Nothing is left RUNNING and nothing counts twice.

The worker stop is played in one process (the stale trial failed with the retry tunewise plans);
``benchmarks/history/s24/faults_late_running_retry.py`` plays it with SIGSTOP across processes.
"""

from __future__ import annotations

import time

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique
from tunewise.storage import InMemoryStorage, SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.storage._heartbeat import _retry_plan
from tunewise.trial import TrialState


def _two_workers(backend, tmp_path, name):  # type: ignore[no-untyped-def]
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else SQLStorage(url)
    a = tw.create_study(study_name=name, storage=storage, heartbeat_interval=0, sampler=tw.samplers.RandomSampler())
    b = tw.load_study(
        study_name=name, storage=storage if url is None else SQLStorage(url), sampler=tw.samplers.RandomSampler()
    )
    return a, b


def _fail_as_stale(study: tw.Study, saved_params: bool) -> None:
    """What a reaper does to A's trial: FAILED, and its retry queued as tunewise plans it."""
    storage = study._storage
    time.sleep(0.05)

    def outcome(t):  # type: ignore[no-untyped-def]
        plan = _retry_plan(t, 1)
        assert plan is not None
        params, attrs = plan
        return StaleOutcome(retry=(params if saved_params else {}, attrs))

    ended = storage.recover_stale_trials(study._study_id, 0.01, outcome)
    assert len(ended) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_late_result_settles_a_retry_another_worker_runs_and_that_run_stops(backend, tmp_path):
    a, b = _two_workers(backend, tmp_path, unique("late-running-retry"))
    t0 = a.ask()
    x = t0.suggest_float("x", 0, 1)
    t0.flush()  # saved: the retry reruns x
    _fail_as_stale(a, saved_params=True)
    steps: list[int] = []

    def objective(trial: tw.Trial) -> float:
        assert trial.suggest_float("x", 0, 1) == x  # the retry of A's trial
        for step in range(10):
            steps.append(step)
            trial.report(float(step), step)
            if step == 1:
                a.tell(t0, 0.25)  # A resumes and reports late, while B runs the retry
        return 1.0

    b.optimize(objective, n_trials=1)  # does not raise
    assert steps == [0, 1, 2]  # stopped at its first report after A's result
    trials = b.get_trials()
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.COMPLETE]
    failed, retry = trials
    assert failed.system_attrs["late_result"]["values"] == [0.25]
    assert retry.values == [0.25] and retry.params == {"x": x}
    assert retry.system_attrs["late_result_of"] == failed.number
    assert retry.system_attrs["retried_from"] == failed.number
    assert {0, 1} <= set(retry.intermediate_values)  # B's reports so far are kept


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_retry_that_runs_parameters_of_its_own_runs_on(backend, tmp_path):
    """Saved without parameters, the retry samples anew: another configuration, not a rerun."""
    a, b = _two_workers(backend, tmp_path, unique("late-running-retry-own"))
    t0 = a.ask()
    t0.suggest_float("x", 0, 1)
    _fail_as_stale(a, saved_params=False)
    steps: list[int] = []

    def objective(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        for step in range(3):
            steps.append(step)
            trial.report(float(step), step)
            if step == 0:
                a.tell(t0, 0.25)
        return 1.0

    b.optimize(objective, n_trials=1)
    assert steps == [0, 1, 2]
    failed, retry = b.get_trials()
    assert failed.state == TrialState.FAIL and failed.system_attrs["late_result"]["values"] == [0.25]
    assert retry.state == TrialState.COMPLETE and retry.values == [1.0]
    assert "late_result_of" not in retry.system_attrs


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_retry_finished_first_keeps_its_own_result(backend, tmp_path):
    """The retry's worker finishes before the late result arrives: one COMPLETE, the late one kept as data."""
    a, b = _two_workers(backend, tmp_path, unique("late-after-retry"))
    t0 = a.ask()
    x = t0.suggest_float("x", 0, 1)
    t0.flush()
    _fail_as_stale(a, saved_params=True)
    b.optimize(lambda trial: trial.suggest_float("x", 0, 1) + 1.0, n_trials=1)
    a.tell(t0, 0.25)
    failed, retry = b.get_trials()
    assert failed.state == TrialState.FAIL and failed.system_attrs["late_result"]["values"] == [0.25]
    assert retry.state == TrialState.COMPLETE and retry.values == [x + 1.0]
    assert "late_result_of" not in retry.system_attrs


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_retry_that_reports_nothing_runs_to_its_end_and_its_result_does_not_count_twice(backend, tmp_path, caplog):
    a, b = _two_workers(backend, tmp_path, unique("late-running-retry-quiet"))
    t0 = a.ask()
    x = t0.suggest_float("x", 0, 1)
    t0.flush()
    _fail_as_stale(a, saved_params=True)

    def objective(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        a.tell(t0, 0.25)  # nothing reported after it: this run cannot learn of it before its end
        return 1.0

    with caplog.at_level("WARNING", logger="tunewise"):
        b.optimize(objective, n_trials=1)
    failed, retry = b.get_trials()
    assert [failed.state, retry.state] == [TrialState.FAIL, TrialState.COMPLETE]
    assert retry.values == [0.25] and retry.params == {"x": x}
    assert "this result does not count" in caplog.text
