"""Several workers at the end of a ``max_trials`` budget, on a GridSampler study.

A worker that has not read the other workers' starts yet still sees room in the budget, so it
proposes: the GridSampler claims a point, and the storage's start (the atomic budget check)
refuses the trial. Before the fix the claim stayed, so that point never ran, even after the
budget was raised (phase 2 of ``benchmarks/history/s22/faults_budget_end.py``: 1-2 of 40 points
missing per run with 3 processes). Now the refused start gives the claim back
(``BaseStorage.release_claim``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.exceptions import MaxTrialsReached
from tunewise.storage import BaseStorage, SQLStorage
from tunewise.trial import TrialState

GRID = {"x": [0.0, 1.0, 2.0, 3.0]}


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 3)


def _handle(url: str | None, shared: BaseStorage) -> BaseStorage:
    """Another worker's own storage handle (its own cache of what it has read); in memory, the
    one storage (which every reader sees whole: no stale view, the test then checks no regression)."""
    return shared if url is None else SQLStorage(url)


@pytest.mark.parametrize("runner", ["a new worker", "the same worker"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_grid_point_claimed_for_a_start_the_budget_refused_runs_when_the_budget_is_raised(backend, runner,
                                                                                           tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("grid-refused")
    first = tw.create_study(study_name=name, storage=url, max_trials=2)
    storage = first._storage
    a = tw.load_study(study_name=name, storage=_handle(url, storage), sampler=tw.samplers.GridSampler(GRID))
    b = tw.load_study(study_name=name, storage=_handle(url, storage), sampler=tw.samplers.GridSampler(GRID))
    ta = a.ask()
    a.tell(ta, _objective(ta))
    tb = b.ask()  # the budget's last trial: worker a has not read it
    b.tell(tb, _objective(tb))
    with pytest.raises(MaxTrialsReached):
        a.ask()  # proposes (the grid claims a point), then the start is refused
    assert [t.state for t in a.get_trials()] == [TrialState.COMPLETE] * 2
    raised = tw.load_study(study_name=name, storage=url if url is not None else storage, max_trials=4,
                           sampler=tw.samplers.GridSampler(GRID))
    # The worker whose claim was given back may run on itself: its sampler has passed that point.
    (raised if runner == "a new worker" else a).optimize(_objective)
    trials = raised.get_trials()
    assert sorted(t.params["x"] for t in trials) == GRID["x"]  # every point once
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 4


_WORKER = textwrap.dedent("""
    import sys, time
    import tunewise as tw
    name, url = sys.argv[1], sys.argv[2]
    study = tw.load_study(study_name=name, storage=url,
                          sampler=tw.samplers.GridSampler({"i": list(range(24))}))
    def objective(t):
        i = t.suggest_categorical("i", list(range(24)))
        time.sleep(0.01)
        return float(i)
    study.optimize(objective)
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_grid_points_run_once_across_worker_processes_and_a_raised_budget(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("grid-procs")
    tw.create_study(study_name=name, storage=url, max_trials=12, heartbeat_interval=1.0, grace_period=5.0)
    for max_trials in (12, 24):
        tw.load_study(study_name=name, storage=url, max_trials=max_trials)
        workers = [subprocess.Popen([sys.executable, "-c", _WORKER, name, url]) for _ in range(3)]
        assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
        trials = tw.load_study(study_name=name, storage=url).get_trials()
        assert len(trials) == max_trials  # budget exact: no retry here, no WAITING left
        assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(t.params["i"] for t in trials) == list(range(24))


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_grid_point_claimed_when_the_start_took_a_retry_past_the_budget_is_not_left_waiting(backend, tmp_path):
    """The worker's start found the budget used, waited, and took the retry of a dead worker's
    trial instead: the grid point it had claimed was queued WAITING past the budget (a later run
    would start that stale proposal first). It is given back now, and runs once when the budget
    is raised."""
    url = backend_url(backend, tmp_path)
    name = unique("grid-retry-past-budget")
    grid = {"x": [float(i) for i in range(6)]}
    tw.create_study(study_name=name, storage=url, max_trials=3, heartbeat_interval=0.1, grace_period=0.3)
    a = tw.load_study(study_name=name, storage=SQLStorage(url), sampler=tw.samplers.GridSampler(grid))
    dead = SQLStorage(url)

    def objective(trial: tw.Trial) -> float:
        if trial.number == 1:  # another worker starts the budget's last trial and dies at once (no beats)
            dead.start_trial(dead.get_study_id(name))
        return trial.suggest_float("x", 0, 5)

    a.optimize(objective)  # trials 0, 1; then a proposal (a point claimed), the start waits, runs the retry
    trials = a.get_trials()
    assert [t.state for t in trials] == [TrialState.COMPLETE, TrialState.COMPLETE, TrialState.FAILED,
                                         TrialState.COMPLETE]
    assert trials[3].system_attrs["retried_from"] == 2
    raised = tw.load_study(study_name=name, storage=url, max_trials=6, sampler=tw.samplers.GridSampler(grid))
    raised.optimize(objective)
    trials = raised.get_trials()
    assert sorted(t.params["x"] for t in trials if t.state == TrialState.COMPLETE) == grid["x"]
    assert not [t for t in trials if t.state in (TrialState.WAITING, TrialState.RUNNING)]
