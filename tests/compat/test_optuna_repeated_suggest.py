"""A parameter suggested twice in one trial, as Optuna handles it: the same distribution returns
the same value silently; another range warns and keeps the first value and distribution; another
kind or other categorical choices raise ValueError."""

from __future__ import annotations

import warnings

import pytest

import tunewise as optuna


def _trial() -> tuple[optuna.Study, optuna.Trial]:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    return study, study.ask()


def test_the_same_distribution_twice_returns_the_same_value_silently() -> None:
    _, trial = _trial()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trial.suggest_int("n", 1, 9) == trial.suggest_int("n", 1, 9)


def test_another_range_warns_and_keeps_the_first_value_and_distribution() -> None:
    study, trial = _trial()
    x = trial.suggest_float("x", 0, 10)
    with pytest.warns(RuntimeWarning, match="'x'"):
        again = trial.suggest_float("x", 0, 1)
    assert again == x
    study.tell(trial, 0.0)
    assert study.trials[0].distributions["x"] == optuna.distributions.FloatDistribution(0, 10)
    assert study.trials[0].params["x"] == x


def test_another_kind_or_other_choices_raise() -> None:
    _, trial = _trial()
    trial.suggest_float("x", 0, 10)
    with pytest.raises(ValueError, match="'x'"):
        trial.suggest_int("x", 0, 10)
    trial.suggest_categorical("c", ["a", "b", "c"])
    with pytest.raises(ValueError, match="'c'"):
        trial.suggest_categorical("c", ["a", "b"])


def test_a_new_range_in_the_next_trial_is_still_fine() -> None:
    study, trial = _trial()
    trial.suggest_float("x", 0, 10)
    study.tell(trial, 1.0)
    trial = study.ask()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 0 <= trial.suggest_float("x", 0, 1) <= 1
