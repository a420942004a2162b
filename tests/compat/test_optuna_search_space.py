"""Optuna's ``optuna.search_space.IntersectionSearchSpace`` (the class a sampler of one's own keeps)."""

from __future__ import annotations

import pytest

import tunewise as optuna


def test_intersection_search_space_class_follows_the_study() -> None:
    from tunewise.search_space import IntersectionSearchSpace

    def objective(trial: optuna.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        return x + (trial.suggest_int("n", 1, 3) if trial.number % 2 else 0)

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {}
    study.optimize(objective, n_trials=1)
    assert space.calculate(study) == {"x": optuna.distributions.FloatDistribution(0, 1)}
    study.optimize(objective, n_trials=1)  # trial 1 adds n; trial 0 has no n
    assert list(space.calculate(study, use_cache=True)) == ["x"]
    pruned = IntersectionSearchSpace(include_pruned=True)
    trial = study.ask()
    trial.suggest_float("y", 0, 1)
    study.tell(trial, state=optuna.TrialState.PRUNED)
    assert list(pruned.calculate(study)) == [] and list(space.calculate(study)) == ["x"]
    with pytest.raises(ValueError, match="one per study"):
        space.calculate(optuna.create_study())
