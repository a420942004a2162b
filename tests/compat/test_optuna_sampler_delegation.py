"""A sampler written for Optuna that delegates to a built-in one, calling its
``infer_relative_search_space``, ``sample_relative`` and ``sample_independent`` with the study
and trial it was handed (a wrapper that logs, times or filters a built-in sampler)."""

from __future__ import annotations

import pytest

import tunewise as optuna


class Delegating(optuna.samplers.BaseSampler):
    def __init__(self, inner: optuna.samplers.BaseSampler) -> None:
        self.inner = inner
        self.relative_calls = 0

    def infer_relative_search_space(self, study, trial):
        return self.inner.infer_relative_search_space(study, trial)

    def sample_relative(self, study, trial, search_space):
        self.relative_calls += 1
        return self.inner.sample_relative(study, trial, search_space)

    def sample_independent(self, study, trial, param_name, param_distribution):
        return self.inner.sample_independent(study, trial, param_name, param_distribution)


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 0, 3)
    return (x - 1) ** 2 + n


@pytest.mark.parametrize("inner", [lambda: optuna.samplers.RandomSampler(seed=0),
                                   lambda: optuna.samplers.TPESampler(seed=0, n_startup_trials=5)])
def test_a_wrapper_of_a_built_in_sampler_runs_its_search(inner) -> None:
    sampler = Delegating(inner())
    study = optuna.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=25)
    assert sampler.relative_calls > 0
    for t in study.trials:
        assert -5 <= t.params["x"] <= 5 and t.params["n"] in range(4)
    assert study.best_value < 1.5


def test_the_relative_space_and_proposal_of_a_built_in_sampler() -> None:
    seen: dict[str, object] = {}

    class Recording(Delegating):
        def sample_relative(self, study, trial, search_space):
            params = super().sample_relative(study, trial, search_space)
            seen["space"], seen["params"] = dict(search_space), dict(params)
            return params

    study = optuna.create_study(sampler=Recording(optuna.samplers.TPESampler(seed=1, n_startup_trials=2)))
    study.optimize(_objective, n_trials=6)
    assert set(seen["space"]) == {"x", "n"}  # type: ignore[arg-type]
    assert set(seen["params"]) <= {"x", "n"}  # type: ignore[arg-type]
    assert seen["params"]  # TPE proposes jointly once past its start-up trials


def test_a_direct_call_with_the_study_and_a_frozen_trial() -> None:
    space = {"x": optuna.distributions.FloatDistribution(-1, 1), "n": optuna.distributions.IntDistribution(1, 9)}
    sampler = optuna.samplers.TPESampler(seed=0, n_startup_trials=0)
    study = optuna.create_study(sampler=sampler)
    study.tell(study.ask(space), 0.5)
    study.ask()
    running = study.trials[-1]
    params = sampler.sample_relative(study, running, space)
    assert set(params) == {"x", "n"} and -1 <= params["x"] <= 1 and isinstance(params["n"], int)
    assert 1 <= sampler.sample_independent(study, running, "n", space["n"]) <= 9
