"""PartialFixedSampler: held parameters keep their values; the base searches the rest as if they
were not there (Optuna's semantics), in one process and in worker processes."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pytest

import tunewise as tw
from tunewise.samplers import StudyContext, TrialContext

logging.getLogger("tunewise").setLevel(logging.ERROR)


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -3, 3)
    z = trial.suggest_float("z", -3, 3)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return (x - 1) ** 2 + (z + 0.5) ** 2 + {"a": 1.0, "b": 0.0, "c": 3.0}[c]


class _Recorder(tw.samplers.RandomSampler):
    """Notes what the base is shown: the space and the parameters of the trials."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed=seed)
        self.spaces: list[set[str]] = []
        self.trial_params: list[set[str]] = []
        self.told: list[set[str]] = []

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any]:
        self.spaces.append(set(study.distributions))
        self.trial_params.append(set().union(*(t.params for t in study.get_trials())))
        return {}

    def after_trial(self, study: StudyContext, trial: tw.FrozenTrial) -> None:
        self.told.append(set(trial.params))


def test_the_base_sees_neither_the_held_parameter_nor_its_values() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=6)
    base = _Recorder(seed=1)
    study.sampler = tw.samplers.PartialFixedSampler({"c": "a"}, base)
    study.optimize(objective, n_trials=6)
    assert [t.params["c"] for t in study.trials[6:]] == ["a"] * 6
    assert base.spaces and all(space == {"x", "z"} for space in base.spaces)
    assert all(names == {"x", "z"} for names in base.trial_params)
    assert base.told == [{"x", "z"}] * 6
    # the stored trials keep every parameter
    assert all(set(t.params) == {"x", "z", "c"} for t in study.trials)


@pytest.mark.parametrize("make_base", [
    lambda: tw.samplers.AutoSampler(seed=0),
    lambda: tw.samplers.TPESampler(seed=0),
    lambda: tw.samplers.CmaEsSampler(seed=0),
], ids=["auto", "tpe", "cmaes"])
def test_the_search_goes_on_around_the_held_value_without_repeating_a_point(make_base: Any) -> None:
    study = tw.create_study(sampler=make_base())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # CMA-ES draws the categorical with its independent sampler here
        study.optimize(objective, n_trials=15)
    study.sampler = tw.samplers.PartialFixedSampler({"c": "a"}, study.sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # c is no longer the base's to sample: no CMA-ES warning about it
        study.optimize(objective, n_trials=25)
    later = study.trials[15:]
    assert {t.params["c"] for t in later} == {"a"}
    assert len({(t.params["x"], t.params["z"]) for t in later}) == 25
    # the held objective's optimum is 1.0 at x = 1, z = -0.5; a random point averages about 7
    assert min(t.value for t in later if t.value is not None) < 1.2


def test_a_held_value_outside_the_distribution_is_an_error_naming_it_and_loses_nothing() -> None:
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=3)
    study.sampler = tw.samplers.PartialFixedSampler({"c": "q"}, study.sampler)
    with pytest.raises(ValueError, match=r"fixed parameter 'c' = 'q' is outside"):
        study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 3 + [tw.TrialState.FAILED]


def test_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="fixed_params"):
        tw.samplers.PartialFixedSampler([("c", "a")], tw.samplers.RandomSampler())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="base_sampler"):
        tw.samplers.PartialFixedSampler({"c": "a"}, "tpe")  # type: ignore[arg-type]


def test_worker_processes_hold_the_value(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'held.db'}"
    sampler = tw.samplers.PartialFixedSampler({"c": "b"}, tw.samplers.AutoSampler(seed=0))
    study = tw.create_study(storage=storage, sampler=sampler)
    study.optimize(objective, n_trials=12, n_jobs=2)
    assert len(study.trials) == 12
    assert {t.params["c"] for t in study.trials} == {"b"}
    assert all(t.state == tw.TrialState.COMPLETE for t in study.trials)
