"""``study.stop()`` called by the objective ends ``optimize``, as in Optuna, also when the
objective runs in worker processes (``n_jobs > 1``) whose study is another object."""

from __future__ import annotations

import time

import pytest

import tunewise as optuna


def _stop_at_trial_3(trial: optuna.Trial) -> float:
    if trial.number >= 3:
        trial.study.stop()
    return float(trial.number)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_stop_from_the_objective_ends_an_unbounded_optimize(n_jobs: int) -> None:
    study = optuna.create_study()
    started = time.monotonic()
    # timeout only bounds a regression (which ran until it): the stop must end the call first.
    study.optimize(_stop_at_trial_3, n_jobs=n_jobs, timeout=60)
    assert time.monotonic() - started < 30
    # The stopping trial finishes; another worker may have run a few more while it ran.
    assert 4 <= len(study.trials) < 20
    assert all(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
