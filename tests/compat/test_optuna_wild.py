"""Optuna behaviour that third-party scripts rely on (benchmarks/history/s20/optuna_wild.md): each
test states what Optuna does, checked against the installed Optuna where it is there."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest

import tunewise as tw


def _two_objective_trials() -> list[tuple[float, float]]:
    return [(i / 19, (1 - i / 19) ** 2 + ((7 * i) % 5) / 10) for i in range(20)]


def _tunewise_mo_study() -> Any:
    study = tw.create_study(directions=["minimize", "minimize"])
    dist = {"x": tw.distributions.FloatDistribution(0, 1)}
    for x, y in _two_objective_trials():
        study.add_trial(tw.create_trial(params={"x": x}, distributions=dist, values=[x, y]))
    return study


def _optuna_mo_study() -> Any:
    optuna = pytest.importorskip("optuna")
    study = optuna.create_study(directions=["minimize", "minimize"])
    dist = {"x": optuna.distributions.FloatDistribution(0, 1)}
    for x, y in _two_objective_trials():
        study.add_trial(optuna.trial.create_trial(params={"x": x}, distributions=dist, values=[x, y]))
    return study


def _points(fig: Any, name: str) -> set[tuple[float, ...]]:
    return {tuple(round(float(v), 9) for v in p) for d in fig.data if d.name == name for p in zip(d.x, d.y)}


def test_plot_pareto_front_constraints_func_marks_the_trials_it_judges_infeasible() -> None:
    """Optuna's plot_pareto_front(study, constraints_func=f) (deprecated in Optuna 4, still drawn):
    trials where f(trial) has a value > 0 are infeasible, and the front is that of the feasible ones
    (optuna-book's list_3_9 passes it)."""
    pytest.importorskip("plotly")

    def constraints(trial: Any) -> list[float]:
        return [trial.values[0] - 0.5]

    fig = tw.visualization.plot_pareto_front(_tunewise_mo_study(), constraints_func=constraints)
    infeasible = _points(fig, "Infeasible")
    front = _points(fig, "Pareto front")
    assert infeasible == {(x, y) for x, y in (tuple(round(v, 9) for v in p) for p in _two_objective_trials())
                          if x > 0.5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna: constraints_func is deprecated (FutureWarning)
        ofig = pytest.importorskip("optuna").visualization.plot_pareto_front(_optuna_mo_study(),
                                                                             constraints_func=constraints)
    # Optuna's traces: infeasible (grey), dominated feasible, then the front; all unnamed.
    o_infeasible, _, o_front = ({tuple(round(float(v), 9) for v in p) for p in zip(d.x, d.y)} for d in ofig.data)
    assert infeasible == o_infeasible and front == o_front
    mfig = tw.visualization.matplotlib.plot_pareto_front(_tunewise_mo_study(), constraints_func=constraints)
    assert mfig is not None


def test_plot_pareto_front_targets_draws_each_trial_at_the_coordinates_it_returns() -> None:
    """Optuna's plot_pareto_front(study, targets=f, target_names=[...]): each COMPLETE trial is
    drawn at f(trial) (here the objectives swapped), the axes named by target_names."""
    pytest.importorskip("plotly")
    fig = tw.visualization.plot_pareto_front(_tunewise_mo_study(), targets=lambda t: (t.values[1], t.values[0]),
                                             target_names=["b", "a"])
    drawn = {p for d in fig.data for p in zip(d.x, d.y)}
    assert {(round(x, 9), round(y, 9)) for x, y in drawn} == {
        (round(y, 9), round(x, 9)) for x, y in _two_objective_trials()}
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("b", "a")
    ofig = pytest.importorskip("optuna").visualization.plot_pareto_front(
        _optuna_mo_study(), targets=lambda t: (t.values[1], t.values[0]), target_names=["b", "a"])
    assert {(round(x, 9), round(y, 9)) for d in ofig.data for x, y in zip(d.x, d.y)} == {
        (round(x, 9), round(y, 9)) for x, y in drawn}
    with pytest.raises(ValueError, match="sequence of target values"):
        tw.visualization.plot_pareto_front(_tunewise_mo_study(), targets=lambda t: 1.0)
    assert not math.isnan(fig.data[0].x[0])

