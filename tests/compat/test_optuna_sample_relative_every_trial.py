"""A sampler written for Optuna (``optuna.samplers.BaseSampler``) gets ``sample_relative`` once at
the start of every trial, as Optuna documents it and calls it, even when
``infer_relative_search_space`` returns an empty space (Optuna 5.1 passes ``{}``). A third-party
sampler (session 26, ``qemqemqem/optuna``'s llm_guided sampler) builds the whole configuration
there, on the first trial too. A value ``sample_relative`` returns for a parameter outside the space
it was given is refused with a ``ValueError`` when that parameter is suggested, as in Optuna.

The call sequences below are Optuna 5.1's, recorded with the same sampler
(benchmarks/history/s26/optuna_wild6.md)."""

from __future__ import annotations

from typing import Any

import pytest

import tunewise as optuna
from tunewise.trial import TrialState


class Recording(optuna.samplers.BaseSampler):
    """Relative space: empty, or the last COMPLETE trial's; sample_relative returns ``relative``."""

    def __init__(self, space: str, relative: dict[str, Any]) -> None:
        self.space, self.relative = space, relative
        self.calls: list[tuple[Any, ...]] = []

    def infer_relative_search_space(self, study, trial):  # type: ignore[no-untyped-def]
        self.calls.append(("infer", trial.number))
        done = [t for t in study.trials if t.state == TrialState.COMPLETE]
        return {} if self.space == "empty" or not done else dict(done[-1].distributions)

    def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
        self.calls.append(("relative", trial.number, sorted(search_space)))
        return dict(self.relative)

    def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
        self.calls.append(("independent", trial.number, param_name))
        return 0.25

    def before_trial(self, study, trial):  # type: ignore[no-untyped-def]
        self.calls.append(("before", trial.number))

    def after_trial(self, study, trial, state, values):  # type: ignore[no-untyped-def]
        self.calls.append(("after", trial.number, state.name))


def _objective(trial: optuna.Trial) -> float:
    return trial.suggest_float("x", 0, 1) + trial.suggest_float("y", 0, 1)


def _per_trial(number: int, space: list[str]) -> list[tuple[Any, ...]]:
    return [
        ("before", number),
        ("infer", number),
        ("relative", number, space),
        ("independent", number, "x"),
        ("independent", number, "y"),
        ("after", number, "COMPLETE"),
    ]


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("empty", _per_trial(0, []) + _per_trial(1, [])),  # Optuna 5.1: sample_relative with {} every trial
        ("last", _per_trial(0, []) + _per_trial(1, ["x", "y"])),
    ],
)
def test_sample_relative_is_called_at_every_trial_as_in_optuna(space: str, expected: list[tuple[Any, ...]]) -> None:
    sampler = Recording(space, {})
    study = optuna.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=2)
    assert sampler.calls == expected
    assert [t.params for t in study.trials] == [{"x": 0.25, "y": 0.25}] * 2


def test_a_configuration_built_in_sample_relative_is_used_from_the_first_trial() -> None:
    """The llm_guided pattern: the whole configuration comes from sample_relative, which caches it;
    sample_independent (called for names outside the relative space) reads the cache."""

    class WholeConfiguration(optuna.samplers.BaseSampler):
        def __init__(self) -> None:
            self.cache: dict[int, dict[str, float]] = {}

        def infer_relative_search_space(self, study, trial):  # type: ignore[no-untyped-def]
            return {}

        def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
            self.cache[trial.number] = {"x": 0.1 * (trial.number + 1), "y": 0.5}
            return {}

        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            return self.cache[trial.number][param_name]

    study = optuna.create_study(sampler=WholeConfiguration())
    study.optimize(_objective, n_trials=3)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    assert [t.params["x"] for t in study.trials] == pytest.approx([0.1, 0.2, 0.3])


@pytest.mark.parametrize("space", ["empty", "last"])
def test_a_relative_value_outside_the_relative_space_is_refused_when_suggested(space: str) -> None:
    # Optuna 5.1: ValueError "The parameter x was sampled by `sample_relative` method but it is not
    # contained in the relative search space." at trial 0, whose space is empty in both modes.
    sampler = Recording(space, {"x": 0.5})
    study = optuna.create_study(sampler=sampler)
    with pytest.raises(ValueError, match=r"'x'.*not in the relative search space"):
        study.optimize(_objective, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert sampler.calls == [("before", 0), ("infer", 0), ("relative", 0, []), ("after", 0, "FAIL")]


def test_a_stray_relative_value_for_a_parameter_never_suggested_is_harmless() -> None:
    sampler = Recording("empty", {"unused": 3})
    study = optuna.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 2
    assert all("unused" not in t.params for t in study.trials)


def test_the_proposal_is_not_bound_to_a_trial_number_unless_the_sampler_reads_it() -> None:
    """Calling sample_relative at every trial must not make every proposal depend on the predicted
    trial number (reading ``trial.number`` before the start binds it: a proposal whose number another
    worker takes is dropped). Only a stray relative value, which is refused by number, reads it."""
    from tunewise.study import _PendingTrial

    class Quiet(optuna.samplers.BaseSampler):
        def infer_relative_search_space(self, study, trial):  # type: ignore[no-untyped-def]
            return {}

        def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
            return {}

        def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
            return 0.5

    study = optuna.create_study(sampler=Quiet())
    pending = _PendingTrial(study)
    study._propose_before_start(pending)
    assert pending.number_used is None
    stray = optuna.create_study(sampler=Recording("empty", {"x": 0.5}))
    pending = _PendingTrial(stray)
    stray._propose_before_start(pending)
    assert pending.number_used == 0
