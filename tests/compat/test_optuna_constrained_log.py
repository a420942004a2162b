"""The INFO line of a finished trial names the best *feasible* trial, as ``study.best_trial``
does and as Optuna prints it (a third-party script with ``TPESampler(constraints_func=...)``
printed an infeasible trial as the best)."""

from __future__ import annotations

import logging

import pytest

import tunewise as tw


def _constrained_study(values: list[float]) -> tw.Study:
    # Feasible when x >= 0.5: the constraint value 0.5 - x must be <= 0.
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0, constraints_func=lambda t: [0.5 - t.params["x"]]))
    for x in values:
        study.enqueue_trial({"x": x})
    return study


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tunewise" and r.getMessage().startswith("Trial ")]


def test_an_infeasible_trial_is_never_named_the_best(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")
    study = _constrained_study([0.9, 0.1, 0.7])
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=3)
    assert study.best_trial.number == 2
    assert _lines(caplog) == [
        "Trial 0 finished with value: 0.9 and parameters: {'x': 0.9}. Best is trial 0 with value: 0.9.",
        "Trial 1 finished with value: 0.1 and parameters: {'x': 0.1}. Best is trial 0 with value: 0.9.",
        "Trial 2 finished with value: 0.7 and parameters: {'x': 0.7}. Best is trial 2 with value: 0.7.",
    ]


def test_no_best_is_named_before_a_feasible_trial_finishes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")
    study = _constrained_study([0.1, 0.8])
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    assert _lines(caplog) == [
        "Trial 0 finished with value: 0.1 and parameters: {'x': 0.1}.",
        "Trial 1 finished with value: 0.8 and parameters: {'x': 0.8}. Best is trial 1 with value: 0.8.",
    ]
    infeasible_only = _constrained_study([0.2])
    infeasible_only.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    with pytest.raises(ValueError, match="feasible"):  # study.best_trial has none to give either
        _ = infeasible_only.best_trial


def test_lines_come_back_with_the_feasible_best_after_verbosity_was_lowered(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")
    study = _constrained_study([0.9, 0.2, 0.6])
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    tw.logging.set_verbosity(tw.logging.WARNING)
    try:
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)  # infeasible, not logged
    finally:
        tw.logging.set_verbosity(tw.logging.INFO)
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
    assert _lines(caplog)[-1] == ("Trial 2 finished with value: 0.6 and parameters: {'x': 0.6}. "
                                  "Best is trial 2 with value: 0.6.")
