"""A subclass of a built-in sampler written for Optuna overrides ``before_trial(study, trial)``
and ``after_trial(study, trial, state, values)``: both are called once per trial with Optuna's
arguments, and the built-in sampler keeps sampling as before."""

from __future__ import annotations

import pytest

import tunewise as optuna
from tunewise.trial import TrialState


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 1:
        raise optuna.TrialPruned()
    return x


@pytest.mark.parametrize("base", [optuna.samplers.RandomSampler, optuna.samplers.TPESampler])
def test_optuna_style_hooks_of_a_built_in_sampler_subclass_are_called(base: type) -> None:
    calls: list[tuple] = []

    class Logged(base):  # type: ignore[misc, valid-type]
        def before_trial(self, study, trial) -> None:
            calls.append(("before", trial.number, study.study_name))

        def after_trial(self, study, trial, state, values) -> None:
            calls.append(("after", trial.number, state, values))

    study = optuna.create_study(study_name="hooks", sampler=Logged(seed=0))
    study.optimize(_objective, n_trials=3)
    assert [c[:2] for c in calls] == [("before", 0), ("after", 0), ("before", 1), ("after", 1),
                                      ("before", 2), ("after", 2)]
    assert calls[0][2] == "hooks"
    assert calls[3][2:] == (TrialState.PRUNED, None)
    assert calls[5][2] == TrialState.COMPLETE and calls[5][3] == [study.trials[2].value]
    # The built-in sampler still samples: the seeded draws match an unmodified sampler's.
    plain = optuna.create_study(sampler=base(seed=0))
    plain.optimize(_objective, n_trials=3)
    assert [t.params for t in study.trials] == [t.params for t in plain.trials]


def test_tunewise_style_hooks_of_a_subclass_are_unchanged() -> None:
    seen: list[int] = []

    class Counting(optuna.samplers.RandomSampler):
        def after_trial(self, study, trial) -> None:
            super().after_trial(study, trial)
            seen.append(trial.number)

    optuna.create_study(sampler=Counting(seed=0)).optimize(_objective, n_trials=2)
    assert seen == [0, 1]


def test_an_optuna_style_sample_independent_override_is_used() -> None:
    seen: list[str] = []

    class Clamped(optuna.samplers.RandomSampler):
        def sample_independent(self, study, trial, param_name, param_distribution):
            seen.append(param_name)
            value = super().sample_independent(study, trial, param_name, param_distribution)
            return min(value, 0.5) if param_name == "x" else value

    study = optuna.create_study(sampler=Clamped(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 0, 3), n_trials=8)
    assert seen.count("x") == 8 and seen.count("n") == 8
    assert all(t.params["x"] <= 0.5 for t in study.trials)
    assert len({t.params["x"] for t in study.trials}) > 1  # the built-in draws still vary
