"""Optuna's MedianPruner/PercentilePruner rules on two edges: with ``interval_steps`` the trial is
judged at the first step it reports in each interval (so sparse reports are still judged), and
with no COMPLETE trial at all nothing is pruned, not even a NaN report."""

from __future__ import annotations

import math

import pytest

import tunewise as optuna


def _study_with_one_complete_trial(pruner: optuna.pruners.BasePruner, steps: int) -> optuna.Study:
    study = optuna.create_study(pruner=pruner)
    first = study.ask()
    for step in range(steps):
        first.report(0.0, step)
    study.tell(first, 0.0)
    return study


@pytest.mark.parametrize(
    ("n_warmup_steps", "interval_steps", "report_every", "expected"),
    [
        (0, 1, 1, [0, 1, 2, 3, 4, 5, 6, 7, 8]),
        (0, 3, 1, [0, 3, 6]),  # dense reports: every interval_steps-th step, as before
        (0, 3, 2, [0, 1, 4, 5, 6, 7]),  # reports at 0, 2, 4, 6, 8: 0, 4 and 6 open an interval
        (1, 4, 3, [3, 4, 5, 6, 7, 8]),  # reports at 0 (warm-up), 3, 6: 3 opens [1, 5), 6 opens [5, 9)
    ],
)
def test_interval_steps_judge_the_first_report_of_each_interval(
    n_warmup_steps: int, interval_steps: int, report_every: int, expected: list[int]
) -> None:
    pruner = optuna.pruners.MedianPruner(0, n_warmup_steps, interval_steps)
    study = _study_with_one_complete_trial(pruner, steps=9)
    trial = study.ask()
    pruned = []
    for step in range(9):
        if step % report_every == 0:
            trial.report(1.0, step)  # worse than the completed trial's 0.0
        if trial.should_prune():
            pruned.append(step)
    assert pruned == expected


@pytest.mark.parametrize("pruner", [optuna.pruners.MedianPruner(0, 0), optuna.pruners.PercentilePruner(25.0, 0, 0)])
def test_nothing_is_pruned_before_a_trial_completes(pruner: optuna.pruners.BasePruner) -> None:
    study = optuna.create_study(pruner=pruner)
    trial = study.ask()
    with pytest.warns(RuntimeWarning):
        trial.report(math.nan, 0)
    assert not trial.should_prune()
    study.tell(trial, 1.0)
    trial = study.ask()
    with pytest.warns(RuntimeWarning):
        trial.report(math.nan, 0)
    assert trial.should_prune()  # a NaN report is the worst value once there is a comparison
