"""Optuna's ``optuna.exceptions`` names that scripts catch: ``UpdateFinishedTrialError`` is
raised where Optuna raises it (a write to a finished trial through the trial or the storage)
and stays a ``RuntimeError``; ``CLIUsageError`` exists and is a tunewise error."""

from __future__ import annotations

from pathlib import Path

import pytest

import tunewise as optuna
from tunewise.exceptions import CLIUsageError, OptunaError, TunewiseError, UpdateFinishedTrialError


def test_update_finished_trial_error_is_both_optuna_and_runtime_error() -> None:
    assert issubclass(UpdateFinishedTrialError, OptunaError)
    assert issubclass(UpdateFinishedTrialError, RuntimeError)
    assert issubclass(CLIUsageError, TunewiseError)
    assert optuna.exceptions.UpdateFinishedTrialError is UpdateFinishedTrialError
    assert optuna.exceptions.CLIUsageError is CLIUsageError


@pytest.fixture(params=["memory", "sqlite"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    return None if request.param == "memory" else f"sqlite:///{tmp_path / 'db.sqlite3'}"


def test_report_to_a_told_trial_raises_update_finished_trial_error(storage: str | None) -> None:
    study = optuna.create_study(storage=storage)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    study.tell(trial, 1.0)
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError, match="COMPLETE"):
        trial.report(0.5, step=1)
    with pytest.raises(RuntimeError):  # the clause written before the name existed still catches it
        trial.report(0.5, step=2)
    assert study.trials[0].intermediate_values == {}


def test_storage_update_of_a_finished_trial_raises_and_changes_nothing(storage: str | None) -> None:
    study = optuna.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    frozen = study.trials[0]
    assert frozen.state == optuna.trial.TrialState.COMPLETE
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        study._storage.update_trial(frozen.trial_id, user_attrs={"late": 1})
    assert study.trials[0].user_attrs == {}


def test_pruned_and_failed_trials_are_finished_too() -> None:
    study = optuna.create_study()
    pruned, failed = study.ask(), study.ask()
    study.tell(pruned, state=optuna.trial.TrialState.PRUNED)
    study.tell(failed, state=optuna.trial.TrialState.FAILED)
    for trial, state in ((pruned, "PRUNED"), (failed, "FAILED")):
        with pytest.raises(UpdateFinishedTrialError, match=state):
            trial.report(1.0, step=0)
