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


def _off_range_objective(trial: Any) -> float:
    # Dou-Meishi/optuna-examples study-4413.py grids num_epochs 10 and hidden_size 32 for these.
    epochs = trial.suggest_int("num_epochs", 500, 5000, step=500)
    hidden = trial.suggest_int("hidden_size", 64, 512, step=64)
    lr = trial.suggest_float("lr", 5e-5, 5e-3, log=True)
    return epochs / 1000 + hidden / 100 + lr


def test_grid_values_the_suggest_call_cannot_return_run_as_in_optuna(tmp_path: Any) -> None:
    """Optuna runs a GridSampler value that is off the suggest call's step or outside its range,
    with a UserWarning, and records it: trials with exactly the grid's values, the whole grid run."""
    grid = {"num_epochs": [10, 100, 1000], "hidden_size": [32], "lr": [1e-4]}
    storage = f"sqlite:///{tmp_path / 'grid.db'}"
    study = tw.create_study(sampler=tw.samplers.GridSampler(grid), storage=storage, study_name="g")
    with pytest.warns(UserWarning, match="runs with it, as in Optuna"):
        study.optimize(_off_range_objective)
    ours = sorted(tuple(sorted(t.params.items())) for t in tw.load_study(study_name="g", storage=storage).trials)
    optuna = pytest.importorskip("optuna")
    ostudy = optuna.create_study(sampler=optuna.samplers.GridSampler(grid))
    with pytest.warns(UserWarning):
        ostudy.optimize(_off_range_objective)
    assert ours == sorted(tuple(sorted(t.params.items())) for t in ostudy.trials)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 3
    for t in study.trials:  # each trial's recorded distribution holds its value
        assert all(t.distributions[k].contains(v) for k, v in t.params.items())


def test_enqueued_and_held_values_outside_the_range_run_as_in_optuna() -> None:
    """Optuna's fixed params (enqueue_trial, PartialFixedSampler): a number outside the suggest
    call's range or off its step is used, with a UserWarning; a choice not offered is an error."""
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    study.enqueue_trial({"num_epochs": 10, "hidden_size": 100})
    with pytest.warns(UserWarning, match=r"Enqueued value 10 for parameter 'num_epochs' is outside"):
        study.optimize(_off_range_objective, n_trials=12)  # TPE then models the widened trial
    assert (study.trials[0].params["num_epochs"], study.trials[0].params["hidden_size"]) == (10, 100)
    assert all(500 <= t.params["num_epochs"] <= 5000 for t in study.trials[1:])
    held = tw.create_study(sampler=tw.samplers.PartialFixedSampler({"lr": 0.5}, tw.samplers.RandomSampler(seed=0)))
    with pytest.warns(UserWarning, match=r"PartialFixedSampler's value 0.5 for parameter 'lr' is outside"):
        held.optimize(_off_range_objective, n_trials=3)
    assert {t.params["lr"] for t in held.trials} == {0.5}
    optuna = pytest.importorskip("optuna")
    ostudy = optuna.create_study()
    ostudy.enqueue_trial({"num_epochs": 10, "hidden_size": 100})
    with pytest.warns(UserWarning, match="out of range"):
        ostudy.optimize(_off_range_objective, n_trials=1)
    assert ostudy.trials[0].params["num_epochs"] == 10
    choice = tw.create_study()
    choice.enqueue_trial({"c": "z"})
    with pytest.raises(ValueError, match="'z' for parameter 'c' is outside"):
        choice.optimize(lambda t: len(t.suggest_categorical("c", ["a", "b"])), n_trials=1)


def test_str_of_a_trial_state_is_optunas() -> None:
    """Optuna's TrialState shows its name (``__str__ = enum.Enum.__str__``): scripts filter trials
    with ``str(t.state) == "TrialState.COMPLETE"``. The state still equals its value."""
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise tw.TrialPruned()
        if trial.number == 2:
            return float("nan")  # recorded FAILED, Optuna's FAIL
        return x

    study.optimize(objective, n_trials=4)
    names = [str(t.state) for t in study.trials]
    assert names == ["TrialState.COMPLETE", "TrialState.PRUNED", "TrialState.FAIL", "TrialState.COMPLETE"]
    assert [f"{t.state}" for t in study.trials] == names
    optuna = pytest.importorskip("optuna")
    assert [str(s) for s in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED,
                             optuna.trial.TrialState.FAIL)] == ["TrialState.COMPLETE", "TrialState.PRUNED",
                                                                "TrialState.FAIL"]
    assert study.trials[0].state == "COMPLETE" and tw.TrialState("FAILED") is tw.TrialState.FAIL
    df = study.trials_dataframe(attrs=("number", "state"))
    assert list(df["state"]) == ["COMPLETE", "PRUNED", "FAIL", "COMPLETE"]


def test_numpy_values_as_user_attrs_are_kept() -> None:
    """Optuna's in-memory study keeps any user attribute; objectives often set numpy values
    (``np.argmax(...)``, a fold-score array). tunewise keeps them as the Python numbers and lists
    they hold (its storages are JSON), and still refuses what JSON cannot hold."""
    import numpy as np

    values = {"best_epoch": np.int64(7), "acc": np.float32(0.5), "folds": np.array([0.5, 0.75]),
              "flags": {"early": np.bool_(True)}, "pair": (np.int64(1), 2)}

    def objective(trial: Any) -> float:
        for k, v in values.items():
            trial.set_user_attr(k, v)
        return 1.0

    study = tw.create_study()
    study.optimize(objective, n_trials=1)
    assert study.trials[0].user_attrs == {"best_epoch": 7, "acc": 0.5, "folds": [0.5, 0.75],
                                          "flags": {"early": True}, "pair": [1, 2]}
    assert type(study.trials[0].user_attrs["best_epoch"]) is int
    study.set_user_attr("n_features", np.int64(30))
    assert study.user_attrs["n_features"] == 30
    optuna = pytest.importorskip("optuna")
    ostudy = optuna.create_study()
    ostudy.optimize(objective, n_trials=1)
    assert ostudy.trials[0].user_attrs["best_epoch"] == 7 and list(ostudy.trials[0].user_attrs["folds"]) == [0.5, 0.75]
    with pytest.raises(TypeError, match="JSON.serializable"):
        tw.create_study().set_user_attr("opaque", object())
