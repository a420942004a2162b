"""``optimize`` takes the numbers Optuna takes: ``n_trials`` as a float (``argparse`` with
``type=float``, ``1e3``) or a numpy integer (read from an array or a frame), ``timeout`` and
``n_jobs`` as numpy numbers. Optuna counts trials while ``i < n_trials``, so ``n_trials=2.5`` runs 3.
"""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as optuna


def _objective(trial: optuna.Trial) -> float:
    return trial.suggest_float("x", 0, 1)


@pytest.mark.parametrize(
    ("n_trials", "expected"),
    [(3.0, 3), (2.5, 3), (np.int64(2), 2), (np.int32(4), 4), (np.float64(2.0), 2), (0.0, 0)],
)
def test_n_trials_takes_floats_and_numpy_numbers(n_trials: object, expected: int) -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=n_trials)  # type: ignore[arg-type]
    assert len(study.trials) == expected


def test_timeout_and_n_jobs_take_numpy_numbers() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=np.int64(3), timeout=np.int64(600), n_jobs=np.int64(1))  # type: ignore[arg-type]
    assert len(study.trials) == 3


@pytest.mark.parametrize("n_trials", [-1, -0.5, float("nan"), "3", True])
def test_n_trials_still_rejects_what_is_not_a_count(n_trials: object) -> None:
    study = optuna.create_study()
    with pytest.raises(ValueError, match="n_trials"):
        study.optimize(_objective, n_trials=n_trials)  # type: ignore[arg-type]
    assert study.trials == []
