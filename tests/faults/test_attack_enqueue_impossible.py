"""Enqueued values that the parameter's distribution can never take (session 28's open case 3).

Where the distribution is known from earlier trials, ``enqueue_trial`` refuses the value at once,
naming it; otherwise the trial that suggests it fails there, FAILED with that error (as Optuna
5.1 does: ``benchmarks/history/s29/faults_probe_enqueue_optuna.txt``), never RUNNING and never
COMPLETE with a value outside its space. A number outside the range still runs with a warning
(Optuna's fixed params); a value <= 0 on a log scale cannot (session 29: it ran, on a linear
scale, COMPLETE with lr = -1.0).
"""

from __future__ import annotations

import math

import pytest

import tunewise as tw


def objective(t):
    return (
        t.suggest_float("x", 0, 1)
        + t.suggest_int("n", 0, 5)
        + t.suggest_int("k", 1, 64, log=True)
        + len(t.suggest_categorical("c", ["a", "b"]))
        + t.suggest_float("lr", 1e-5, 1e-1, log=True)
    )


IMPOSSIBLE = [
    {"lr": 0.0},
    {"lr": -1.0},
    {"k": 0},
    {"k": -4},
    {"x": math.nan},
    {"x": math.inf},
    {"x": "abc"},
    {"x": None},
    {"x": [0.5]},
    {"x": True},
    {"n": 2.5},
    {"n": "3"},
    {"c": "nope"},
]


@pytest.fixture(params=["memory", "sqlite"])
def storage(request, tmp_path):
    return None if request.param == "memory" else f"sqlite:///{tmp_path / 'q.db'}"


@pytest.mark.parametrize("params", IMPOSSIBLE, ids=repr)
def test_a_known_distribution_refuses_the_value_at_enqueue(storage, params):
    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=1)
    (name,) = params
    with pytest.raises(ValueError, match=f"for parameter '{name}' is outside its distribution"):
        study.enqueue_trial(params)
    # Also from another handle on the storage (another process knows the distribution from the storage).
    if storage is not None:
        with pytest.raises(ValueError, match="outside its distribution"):
            tw.load_study(study.study_name, storage).enqueue_trial(params)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE]  # nothing queued


@pytest.mark.parametrize("params", [{"lr": -1.0}, {"k": 0}], ids=repr)
def test_an_unknown_distribution_fails_the_trial_where_it_suggests_the_value(storage, params):
    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    study.enqueue_trial(params)
    study.enqueue_trial(params, user_attrs={"second": True})  # still unknown: accepted
    with pytest.raises(ValueError, match="a log scale holds only positive values"):
        study.optimize(objective, n_trials=3)
    first, second = study.trials
    assert first.state == tw.TrialState.FAILED and list(params)[0] not in first.params
    assert second.state == tw.TrialState.WAITING
    # Known now: refused at enqueue.
    with pytest.raises(ValueError, match="outside its distribution"):
        study.enqueue_trial(params)
    # With catch=, the study goes on past the queued one.
    study.optimize(objective, n_trials=3, catch=(ValueError,))
    assert [t.state for t in study.trials] == [tw.TrialState.FAILED] * 2 + [tw.TrialState.COMPLETE] * 2


def test_an_impossible_value_in_a_worker_process_fails_its_trial_and_leaves_none_running(tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'w.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"lr": 0.0})
    with pytest.raises(ValueError, match="a log scale holds only positive values"):
        study.optimize(objective, n_trials=4, n_jobs=2)
    states = [t.state for t in study.trials]
    assert states.count(tw.TrialState.FAILED) == 1
    assert tw.TrialState.RUNNING not in states and tw.TrialState.WAITING not in states
    assert all(t.params["lr"] > 0 for t in study.trials if t.state == tw.TrialState.COMPLETE)


def test_a_number_outside_the_range_still_runs_with_a_warning_as_in_optuna(storage):
    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=1)
    study.enqueue_trial({"lr": 0.5, "k": 128})
    with pytest.warns(UserWarning, match="is outside"):
        study.optimize(objective, n_trials=1)
    t = study.trials[1]
    assert t.state == tw.TrialState.COMPLETE and (t.params["lr"], t.params["k"]) == (0.5, 128)
    assert t.distributions["lr"] == tw.distributions.Float(1e-5, 0.5, log=True)


def test_numpy_scalars_are_enqueued_as_the_values_they_hold(storage):
    import numpy as np

    study = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": np.float32(0.5), "n": np.int64(3), "c": np.str_("b"), "k": np.int32(8)})
    study.optimize(objective, n_trials=1)
    (t,) = study.trials
    assert t.state == tw.TrialState.COMPLETE
    assert (t.params["x"], t.params["n"], t.params["c"], t.params["k"]) == (0.5, 3, "b", 8)
    assert type(t.params["n"]) is int and type(t.params["x"]) is float
