"""``trials_dataframe()`` names the states as Optuna does, so ``df[df.state == "FAIL"]`` works."""

from __future__ import annotations

import pytest

import tunewise as optuna


def test_the_state_column_uses_optunas_names() -> None:
    pytest.importorskip("pandas")
    study = optuna.create_study()
    study.tell(study.ask(), 1.0)
    study.tell(study.ask(), state=optuna.trial.TrialState.PRUNED)
    study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    study.ask()
    study.enqueue_trial({})
    df = study.trials_dataframe()
    assert list(df["state"]) == ["COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"]
    assert len(df[df.state == "FAIL"]) == 1
