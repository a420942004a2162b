"""Optuna's public base classes and their methods, as scripts written for Optuna import and call
them: ``optuna.distributions.BaseDistribution`` (with ``single``, ``to_internal_repr``,
``to_external_repr``), ``check_distribution_compatibility`` and ``optuna.trial.BaseTrial``."""

from __future__ import annotations

import pytest

import tunewise as optuna
from tunewise.distributions import (
    BaseDistribution,
    CategoricalChoiceType,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    check_distribution_compatibility,
)
from tunewise.trial import BaseTrial


def test_every_distribution_is_a_base_distribution() -> None:
    for dist in (FloatDistribution(0, 1), IntDistribution(1, 4), CategoricalDistribution(["a", "b"])):
        assert isinstance(dist, BaseDistribution)
    assert CategoricalChoiceType is not None


def test_internal_and_external_representations_round_trip() -> None:
    cat = CategoricalDistribution([None, "relu", 2.5])
    assert cat.to_internal_repr("relu") == 1
    assert cat.to_external_repr(2.0) == 2.5
    assert IntDistribution(1, 9).to_external_repr(3.0) == 3
    assert isinstance(IntDistribution(1, 9).to_external_repr(3.0), int)
    assert FloatDistribution(0, 1).to_internal_repr(1) == 1.0


def test_single_is_true_only_for_one_value() -> None:
    assert FloatDistribution(2.0, 2.0).single()
    assert not FloatDistribution(0.0, 1.0).single()
    assert IntDistribution(3, 3).single()
    assert not IntDistribution(3, 4).single()
    assert CategoricalDistribution(["only"]).single()
    assert not CategoricalDistribution(["a", "b"]).single()


def test_check_distribution_compatibility_follows_optunas_rule() -> None:
    check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(-5, 5))  # a new range
    check_distribution_compatibility(IntDistribution(0, 4), IntDistribution(0, 8, step=2))
    with pytest.raises(ValueError, match="kind"):
        check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 1))
    with pytest.raises(ValueError, match="log"):
        check_distribution_compatibility(FloatDistribution(1, 2), FloatDistribution(1, 2, log=True))
    with pytest.raises(ValueError, match="choices"):
        check_distribution_compatibility(CategoricalDistribution([1, 2]), CategoricalDistribution([1]))


class _Middle(optuna.samplers.BaseSampler):
    """A sampler written for Optuna, annotated with Optuna's base classes."""

    def infer_relative_search_space(self, study, trial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(self, study, trial, search_space: dict[str, BaseDistribution]) -> dict:
        return {}

    def sample_independent(self, study, trial, param_name: str, param_distribution: BaseDistribution):
        assert isinstance(param_distribution, BaseDistribution)
        if isinstance(param_distribution, CategoricalDistribution):
            return param_distribution.to_external_repr(len(param_distribution.choices) // 2)
        return param_distribution.low if param_distribution.single() else param_distribution.high


def test_a_sampler_typed_with_base_distribution_runs() -> None:
    study = optuna.create_study(sampler=_Middle())
    study.optimize(lambda t: t.suggest_float("x", 0, 2) + t.suggest_categorical("c", [1, 2, 3]), n_trials=2)
    assert study.best_params == {"x": 2.0, "c": 2}


def test_base_trial_covers_every_trial_kind() -> None:
    def objective(trial: BaseTrial) -> float:
        return trial.suggest_float("x", 0, 1)

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (isinstance(t, BaseTrial) and objective(t)) or 0.0, n_trials=1)
    assert isinstance(study.best_trial, BaseTrial)
    fixed = optuna.trial.FixedTrial({"x": 0.25})
    assert isinstance(fixed, BaseTrial) and objective(fixed) == 0.25
    assert objective(study.best_trial) == study.best_value


@pytest.mark.parametrize("bad", ["foo", [], {}, (), float("nan")])
def test_to_internal_repr_refuses_what_is_not_a_value(bad: object) -> None:
    for dist in (FloatDistribution(2, 7), IntDistribution(1, 10)):
        with pytest.raises(ValueError):
            dist.to_internal_repr(bad)


def test_to_internal_repr_refuses_non_positive_values_on_a_log_scale() -> None:
    with pytest.raises(ValueError):
        FloatDistribution(1, 10, log=True).to_internal_repr(0.0)
    with pytest.raises(ValueError):
        IntDistribution(1, 10, log=True).to_internal_repr(-1)
    assert FloatDistribution(2, 7).to_internal_repr("1.5") == 1.5
