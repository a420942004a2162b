"""The contract every sampler keeps with the study (one parametrized suite, every sampler)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

import tunewise as tw
from tunewise.trial import TrialState

logging.getLogger("tunewise").setLevel(logging.ERROR)

S = tw.samplers


def _factories() -> dict[str, Callable[[int], Any]]:
    out: dict[str, Callable[[int], Any]] = {
        "random": lambda seed: S.RandomSampler(seed=seed),
        "qmc": lambda seed: S.QMCSampler(seed=seed),
        "tpe": lambda seed: S.TPESampler(seed=seed, n_startup_trials=4),
        "tpe-univariate": lambda seed: S.TPESampler(seed=seed, n_startup_trials=4, multivariate=False),
        "tpe-nogroup": lambda seed: S.TPESampler(seed=seed, n_startup_trials=4, group=False),
        "auto": lambda seed: S.AutoSampler(seed=seed, n_startup_trials=4),
        # Without reports every finished trial is one observation at a "full" budget.
        "bohb": lambda seed: S.BOHBSampler(seed=seed, min_points_in_model=2),
        "bohb-gp": lambda seed: S.BOHBSampler(seed=seed, model="gp", min_points_in_model=2),
    }
    if hasattr(S, "GPSampler"):
        out["gp"] = lambda seed: S.GPSampler(seed=seed, n_startup_trials=4)
    return out


FACTORIES = _factories()
NAMES = list(FACTORIES)


def _mixed(trial: tw.Trial) -> float:
    """Every kind of distribution, plus a conditional branch."""
    x = trial.suggest_float("x", -2.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9)
    units = trial.suggest_int("units", 8, 512, log=True)
    k = trial.suggest_int("k", 0, 30, step=5)
    opt = trial.suggest_categorical("opt", ["adam", "sgd", None, 3])
    value = (x - 1) ** 2 + abs(lr - 1e-3) * 100 + q + n / 10 + abs(units - 64) / 100 + k / 50
    if opt == "sgd":
        value += trial.suggest_float("momentum", 0.0, 0.99)
    elif opt == "adam":
        value += trial.suggest_int("beta_exp", 1, 4) / 10
    return value


@pytest.mark.parametrize("name", NAMES)
def test_proposals_stay_inside_every_kind_of_distribution(name: str) -> None:
    study = tw.create_study(sampler=FACTORIES[name](0))
    study.optimize(_mixed, n_trials=12)
    dists = study.distributions
    assert {"x", "lr", "q", "n", "units", "k", "opt"} <= set(dists)
    for t in study.trials:
        assert t.state == TrialState.COMPLETE
        for p, v in t.params.items():
            assert dists[p].contains(v), (p, v, dists[p])
        # Conditional parameters appear exactly in their branch.
        assert ("momentum" in t.params) == (t.params["opt"] == "sgd")
        assert ("beta_exp" in t.params) == (t.params["opt"] == "adam")
    ints = [t.params["units"] for t in study.trials]
    assert all(isinstance(v, int) for v in ints)


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_trials_and_other_seed_differs(name: str) -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        study = tw.create_study(sampler=FACTORIES[name](seed))
        study.optimize(_mixed, n_trials=7)
        return [t.params for t in study.trials]

    first = run(3)
    assert first == run(3)
    assert first != run(4)


@pytest.mark.parametrize("name", NAMES)
def test_pruned_and_failed_trials_are_tolerated(name: str) -> None:
    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        y = trial.suggest_int("y", 0, 5)
        if trial.number % 3 == 1:
            raise RuntimeError("boom")
        if trial.number % 3 == 2:
            trial.report(x + y, step=0)
            trial.report(x + y - 0.1, step=1)
            raise tw.TrialPruned()
        return (x - 0.3) ** 2 + y

    study = tw.create_study(sampler=FACTORIES[name](1))
    study.optimize(objective, n_trials=12, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(TrialState.FAILED) == 4 and states.count(TrialState.PRUNED) == 4
    assert all(0 <= t.params["x"] <= 1 and t.params["y"] in range(6) for t in study.trials)


@pytest.mark.parametrize("name", NAMES)
def test_a_distribution_change_mid_study_gets_the_study_error(name: str) -> None:
    study = tw.create_study(sampler=FACTORIES[name](0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with pytest.raises(ValueError, match="keeps one distribution per study"):
        study.optimize(lambda t: t.suggest_float("x", 0, 2), n_trials=1)
    # The study goes on with the original distribution.
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert sum(t.state == TrialState.COMPLETE for t in study.trials) == 7


@pytest.mark.parametrize("name", NAMES)
def test_maximize_direction_and_enqueued_values(name: str) -> None:
    study = tw.create_study(direction="maximize", sampler=FACTORIES[name](2))
    study.enqueue_trial({"x": 0.25, "c": "b"})
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_categorical("c", ["a", "b"]) == "b"),
                   n_trials=7)
    assert study.trials[0].params == {"x": 0.25, "c": "b"}
    assert study.best_value >= 1.25


def test_grid_sampler_keeps_the_contract_where_it_applies() -> None:
    grid = {"n": [1, 2, 3], "opt": ["adam", "sgd"]}
    study = tw.create_study(sampler=S.GridSampler(grid))
    study.optimize(lambda t: t.suggest_int("n", 1, 3) + (t.suggest_categorical("opt", ["adam", "sgd"]) == "sgd"))
    seen = sorted((t.params["n"], t.params["opt"]) for t in study.trials)
    assert seen == sorted((n, o) for n in grid["n"] for o in grid["opt"])
    with pytest.raises(ValueError, match="keeps one distribution per study"):
        study2 = tw.create_study(sampler=S.GridSampler({"n": [1, 2]}))
        study2.optimize(lambda t: t.suggest_int("n", 1, 3), n_trials=1)
        study2.optimize(lambda t: t.suggest_int("n", 1, 4), n_trials=1)
