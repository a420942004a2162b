"""A step reported twice keeps its first value, with a UserWarning, as in Optuna: also the last
step reported (a loop reporting a training and a validation score at the same step)."""

from __future__ import annotations

import pytest

import tunewise as optuna


def test_the_last_step_reported_again_keeps_its_first_value() -> None:
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    trial = study.ask()
    trial.report(1.0, 0)
    trial.report(0.8, 1)
    with pytest.warns(UserWarning, match="step 1 again"):
        trial.report(0.1, 1)
    assert trial.intermediate_values == {0: 1.0, 1: 0.8}
    study.tell(trial, 0.8)
    assert study.trials[0].intermediate_values == {0: 1.0, 1: 0.8}


def test_the_pruner_judges_the_first_value_of_a_step() -> None:
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=1))
    first = study.ask()
    first.report(0.5, 0)
    study.tell(first, 0.5)
    trial = study.ask()
    trial.report(0.4, 0)  # better than the median
    with pytest.warns(UserWarning):
        trial.report(9.0, 0)  # ignored: would be worse
    assert not trial.should_prune()
