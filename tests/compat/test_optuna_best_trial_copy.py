"""``study.best_trial`` and ``study.best_trials`` are copies a script may change, as in Optuna
(which deep-copies them): ``params = study.best_trial.params; params.update(fixed)`` (the usual
way to build a model from the best trial) must not add ``fixed`` to the study's trials, its
``trials_dataframe()`` columns or a later ``best_trial``, in memory or in a SQL storage."""

from __future__ import annotations

import pathlib

import pytest

import tunewise as optuna


def _objective(trial: optuna.Trial) -> float:
    trial.set_user_attr("folds", [0.5, 0.6])
    return (trial.suggest_float("x", 0, 1) - 0.3) ** 2 + trial.suggest_int("n", 1, 3)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_changing_best_trial_leaves_the_study_alone(backend: str, tmp_path: pathlib.Path) -> None:
    storage = None if backend == "memory" else f"sqlite:///{tmp_path}/s.db"
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=6)
    best = study.best_trial
    best.params.update({"objective": "binary", "verbosity": -1})
    best.user_attrs["note"] = "refit"
    best.user_attrs["folds"].append(0.7)
    best.system_attrs["mine"] = 1

    again = study.best_trial
    stored = study.trials[best.number]
    for trial in (again, stored):
        assert sorted(trial.params) == ["n", "x"]
        assert trial.user_attrs == {"folds": [0.5, 0.6]}
        assert "mine" not in trial.system_attrs
    assert [c for c in study.trials_dataframe().columns if c.startswith("params_")] == ["params_n", "params_x"]
    assert study.best_params == {"x": stored.params["x"], "n": stored.params["n"]}


def test_changing_best_trials_leaves_the_study_alone() -> None:
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=8)
    front = study.best_trials
    numbers = [t.number for t in front]
    for trial in front:
        trial.params["extra"] = 1
        trial.user_attrs["k"] = 1
    assert [t.number for t in study.best_trials] == numbers
    assert all("extra" not in t.params and "k" not in t.user_attrs for t in study.trials)
