"""Optuna's ``sampler.reseed_rng()`` on every built-in sampler: a seeded sampler given a fresh
stream no longer repeats its seed's draws, and one left alone still does. A ``BaseSampler`` of
one's own keeps its own ``reseed_rng``."""

from __future__ import annotations

import pytest

import tunewise as optuna


def _objective(trial: optuna.Trial) -> float:
    return trial.suggest_float("a", 1, 9) + trial.suggest_int("n", 1, 9)


def _params(sampler: optuna.samplers.BaseSampler) -> list[dict]:
    study = optuna.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=6)
    return [t.params for t in study.trials]


@pytest.mark.parametrize("name", ["RandomSampler", "TPESampler", "NSGAIISampler", "QMCSampler"])
def test_reseed_rng_leaves_the_seeds_stream(name: str) -> None:
    cls = getattr(optuna.samplers, name)
    reseeded = cls(seed=3)
    reseeded.reseed_rng()
    assert _params(cls(seed=3)) == _params(cls(seed=3))
    assert _params(reseeded) != _params(cls(seed=3))


def test_the_default_sampler_has_reseed_rng() -> None:
    optuna.create_study().sampler.reseed_rng()


def test_a_base_sampler_of_ones_own_keeps_its_reseed_rng() -> None:
    calls: list[str] = []

    class Mine(optuna.samplers.BaseSampler):
        def infer_relative_search_space(self, study, trial):
            return {}

        def sample_relative(self, study, trial, search_space):
            return {}

        def sample_independent(self, study, trial, param_name, param_distribution):
            return param_distribution.low

        def reseed_rng(self) -> None:
            calls.append("reseed_rng")

    Mine().reseed_rng()
    assert calls == ["reseed_rng"]
