"""A sampler whose proposal raises is asked once for that trial, as Optuna asks it: the error is
raised at the trial's first suggest (the trial fails with it) without calling the sampler again.
Before, tunewise proposed before the start, swallowed the error there and proposed again at the
first suggest, so ``sample_relative`` ran twice (session 26, ``qemqemqem/optuna``'s llm_guided
sampler: its model was queried twice for the failing trial). Optuna 5.1: the calls are
``[0, 1, 2, 3]`` and ``[0]`` below (benchmarks/history/s26/optuna_wild6.md)."""

from __future__ import annotations

import pytest

import tunewise as optuna
from tunewise.trial import TrialState


class FlakyModel(optuna.samplers.BaseSampler):
    def __init__(self, failing: int) -> None:
        self.failing, self.calls = failing, []  # type: list[int]

    def infer_relative_search_space(self, study, trial):  # type: ignore[no-untyped-def]
        return {}

    def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
        self.calls.append(trial.number)
        if trial.number < self.failing:
            raise RuntimeError(f"model down at trial {trial.number}")
        return {}

    def sample_independent(self, study, trial, param_name, param_distribution):  # type: ignore[no-untyped-def]
        return 0.5


def test_a_failing_proposal_is_asked_once_per_trial() -> None:
    sampler = FlakyModel(failing=2)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, catch=(RuntimeError,))
    assert sampler.calls == [0, 1, 2, 3]
    assert [t.state for t in study.trials] == [TrialState.FAIL] * 2 + [TrialState.COMPLETE] * 2
    assert [t.params for t in study.trials[2:]] == [{"x": 0.5}] * 2


def test_the_error_is_the_samplers_and_raised_from_the_first_suggest() -> None:
    sampler = FlakyModel(failing=1)
    study = optuna.create_study(sampler=sampler)
    with pytest.raises(RuntimeError, match="model down at trial 0"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert sampler.calls == [0]
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_after_a_caught_error_the_next_suggest_asks_again() -> None:
    # Optuna keeps no proposal after the error: a later suggest in the same trial asks again
    # (Optuna 5.1 with this sampler: calls [0, 0], the trial COMPLETE with {"y": 0.5}).
    class DownOnce(FlakyModel):
        def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
            self.calls.append(trial.number)
            if len(self.calls) == 1:
                raise RuntimeError("model down once")
            return {}

    sampler = DownOnce(failing=0)
    study = optuna.create_study(sampler=sampler)

    def objective(trial: optuna.Trial) -> float:
        try:
            trial.suggest_float("x", 0, 1)
        except RuntimeError:
            pass
        return trial.suggest_float("y", 0, 1)

    study.optimize(objective, n_trials=1)
    assert sampler.calls == [0, 0]
    assert study.trials[0].state == TrialState.COMPLETE and study.trials[0].params == {"y": 0.5}
