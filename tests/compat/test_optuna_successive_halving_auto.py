"""``SuccessiveHalvingPruner(min_resource="auto")`` (Optuna's default) as Optuna 5.1 reads it (s31, third-party
batch 11: optunahub-registry's successive-halving example): nothing is pruned and no rung result recorded until a
trial completes, then the rungs start at the completed trials' last step // 100 (at least 1). tunewise started
the rungs at step 1 from the first trial, so its second trial competed with the first and was pruned where
Optuna's completes, and 300-step curves were cut at steps 1, 4, 16 where Optuna's rungs are 2, 8, 32. The
expected stops are Optuna 5.1's on the same replayed curves (the test passes with ``import optuna`` here and
in ``_pruner_replay.py``).
"""

from __future__ import annotations

import pytest

import tunewise as optuna
from tests.compat._pruner_replay import CURVES, replay


def stretch(curve: list[float], n: int, every: int) -> list[float]:
    return [curve[min(i // every, len(curve) - 1)] for i in range(n)]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, [None, None, 1, 4, 1, 1, 1]),
        ({"reduction_factor": 2}, [None, None, 1, 4, 1, 1, 1]),
        ({"min_resource": 1}, [None, 1, 1, 4, 1, 1, 1]),
    ],
)
def test_auto_waits_for_a_completed_trial(kwargs: dict[str, int], expected: list[int | None]) -> None:
    curves = [stretch(c, 12, 1) for c in CURVES]
    assert replay(optuna.pruners.SuccessiveHalvingPruner(**kwargs), curves) == expected


def test_auto_scales_the_rungs_by_the_completed_trial_length() -> None:
    # 300 steps: Optuna's rungs start at 299 // 100 = 2 (then 8, 32, 128), not at 1.
    curves = [stretch(c, 300, 3) for c in CURVES]
    assert replay(optuna.pruners.SuccessiveHalvingPruner(), curves) == [None, None, 2, 32, 2, 2, 2]
