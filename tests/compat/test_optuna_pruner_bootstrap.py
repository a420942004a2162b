"""``bootstrap_count`` of Optuna's SuccessiveHalvingPruner / HyperbandPruner (s31, third-party batch 11).

tunewise refused any ``bootstrap_count`` other than 0 with a ValueError, so a script passing it stopped at
construction. Optuna stops a trial at a rung that holds at most ``bootstrap_count`` results (its own included).
The expected stops below are Optuna 5.1's on the same replayed curves
(benchmarks/history/s31/optuna_wild11_probe.py and the check beside it).
"""

from __future__ import annotations

import pytest

import tunewise as optuna
from tests.compat._pruner_replay import CURVES, replay


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"min_resource": 1, "reduction_factor": 2, "bootstrap_count": 2}, [1, 1, 1, 2, 1, 1, 1]),
        ({"min_resource": 2, "reduction_factor": 2, "bootstrap_count": 1}, [2, 2, 2, 4, 2, 2, 2]),
        ({"min_resource": 1, "reduction_factor": 3, "bootstrap_count": 0}, [None, 1, 1, 3, 1, 1, 1]),
    ],
)
def test_successive_halving_bootstrap_count_as_optuna(kwargs: dict[str, int], expected: list[int | None]) -> None:
    assert replay(optuna.pruners.SuccessiveHalvingPruner(**kwargs), CURVES) == expected


@pytest.mark.parametrize(
    ("bootstrap_count", "expected"),
    [(100, [2, 2, 2, 2, 2, 2, 2]), (2, [2, 2, 2, None, 2, 2, 2]), (0, [None, 2, 2, None, 2, 2, 2])],
)
def test_hyperband_bootstrap_count_as_optuna(bootstrap_count: int, expected: list[int | None]) -> None:
    # One bracket (max_resource < min_resource * reduction_factor), so Optuna's name-hashed
    # bracket choice does not enter.
    pruner = optuna.pruners.HyperbandPruner(min_resource=2, max_resource=3, reduction_factor=2,
                                            bootstrap_count=bootstrap_count)
    assert replay(pruner, [curve[:4] for curve in CURVES]) == expected


def test_bootstrap_count_refusals_as_optuna() -> None:
    with pytest.raises(ValueError, match="bootstrap_count"):
        optuna.pruners.SuccessiveHalvingPruner(bootstrap_count=-1)
    with pytest.raises(ValueError, match="min_resource == 'auto' are mutually incompatible"):
        optuna.pruners.SuccessiveHalvingPruner(bootstrap_count=1)
    with pytest.raises(ValueError, match="max_resource == 'auto' are mutually incompatible"):
        optuna.pruners.HyperbandPruner(bootstrap_count=1)


def test_the_pruners_hand_bootstrap_count_to_the_scheduler_they_build() -> None:
    # s32: the pruners set ASHAScheduler._bootstrap_count from outside (pruners.py wrote another
    # module's private attribute); the count now goes through the schedulers' private constructor
    # argument, and a scheduler built with it stops where the pruner does.
    scheduler = optuna.schedulers.ASHAScheduler(min_resource=1, max_resource=10**9, reduction_factor=2,
                                                hedge_threshold=None, _bootstrap_count=2)
    assert replay(scheduler, CURVES) == [1, 1, 1, 2, 1, 1, 1]
    hyperband = optuna.schedulers.HyperbandScheduler(min_resource=2, max_resource=3, reduction_factor=2,
                                                     _bootstrap_count=2)
    assert replay(hyperband, [curve[:4] for curve in CURVES]) == [2, 2, 2, None, 2, 2, 2]
    assert optuna.schedulers.ASHAScheduler()._bootstrap_count == 0
