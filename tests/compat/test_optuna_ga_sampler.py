"""``optuna.samplers.BaseGASampler`` imports, and subclassing or creating it says what to use."""

from __future__ import annotations

import pytest

import tunewise as optuna


def test_base_ga_sampler_imports_and_refuses_with_what_to_use() -> None:
    from tunewise.samplers import BaseGASampler

    with pytest.raises(NotImplementedError, match="NSGAIISampler.*BaseSampler"):
        class MyGA(BaseGASampler):  # noqa: F841 - defining it is what raises
            def select_parent(self, study: object, generation: int) -> list[object]:
                return []
    with pytest.raises(NotImplementedError, match="no tunewise counterpart"):
        optuna.samplers.BaseGASampler(population_size=10)
    # The samplers it points to are there and run.
    study = optuna.create_study(directions=["minimize", "minimize"],
                                sampler=optuna.samplers.NSGAIISampler(population_size=4, seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)), n_trials=8)
    assert len(study.trials) == 8
