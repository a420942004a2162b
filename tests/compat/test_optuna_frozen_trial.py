"""FrozenTrial as scripts written for Optuna build and change it: ``value=`` and datetimes in the
constructor, ``value`` and ``distributions`` set on it, and trials sorted by number."""

from __future__ import annotations

import datetime

import pytest

import tunewise as optuna
from tunewise.distributions import FloatDistribution
from tunewise.trial import FrozenTrial, TrialState


def _trial(**kw) -> FrozenTrial:
    start = datetime.datetime(2026, 1, 1, 12, 0, 0)
    args = dict(number=0, trial_id=0, state=TrialState.COMPLETE, datetime_start=start,
                datetime_complete=start + datetime.timedelta(seconds=3), params={"x": 1.0},
                distributions={"x": FloatDistribution(0, 10)}, user_attrs={}, system_attrs={},
                intermediate_values={})
    args.update(kw)
    return FrozenTrial(**args)


def test_the_constructor_takes_value_and_datetimes() -> None:
    trial = _trial(value=0.2)
    assert trial.value == 0.2 and trial.values == [0.2]
    assert trial.datetime_start == datetime.datetime(2026, 1, 1, 12, 0, 0)
    assert trial.duration == datetime.timedelta(seconds=3)
    with pytest.raises(ValueError):
        _trial(value=0.2, values=[0.2])


def test_a_trial_built_this_way_can_be_added_to_a_study() -> None:
    study = optuna.create_study()
    study.add_trial(_trial(value=0.5))
    assert study.best_value == 0.5 and study.best_params == {"x": 1.0}


def test_value_and_distributions_can_be_set() -> None:
    trial = _trial(value=0.2)
    trial.value = 0.1
    assert trial.values == [0.1]
    trial.distributions = {"x": FloatDistribution(1, 9)}
    assert trial.distributions == {"x": FloatDistribution(1, 9)}


def test_trials_sort_by_number() -> None:
    first, second = _trial(value=1.0), _trial(value=0.0, number=1, trial_id=1)
    assert first < second and first <= second and not second < first
    assert sorted([second, first]) == [first, second]
    with pytest.raises(TypeError):
        first < 1  # noqa: B015
