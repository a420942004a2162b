"""The contract every sampler keeps with the study: the suite of ``tunewise.testing.sampler``, run
over every sampler we ship (and the grid sampler's own rules)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tunewise as tw
from tunewise.testing.sampler import GRID, SamplerTests, check_deterministic, check_writes_nothing

logging.getLogger("tunewise").setLevel(logging.ERROR)

S = tw.samplers

# What a warm start carries from earlier tasks: some parameters of the suite's space, some not.
_PRIOR = [{"x": 1.0, "lr": 1e-3, "opt": "adam", "n": 3}, {"x": 0.5, "units": 64, "opt": "sgd", "momentum": 0.9},
          {"x": 2.5, "q": 0.5, "k": 10, "opt": None}]
_INITIAL = [{"x": 0.9, "opt": "adam"}, {"x": 1.1, "k": 5, "c": "b"}]


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
        "grid": lambda seed: S.GridSampler(GRID),
        "nsga2": lambda seed: S.NSGAIISampler(seed=seed, population_size=4),
        "nsga3": lambda seed: S.NSGAIIISampler(seed=seed, population_size=4),
        "warm-start-tpe": lambda seed: S.WarmStartSampler(S.TPESampler(seed=seed, n_startup_trials=4), _PRIOR,
                                                          initial_configs=_INITIAL, seed=seed),
        # the suite's "units" held at 64: the base models and proposes the other parameters
        "partial-fixed-auto": lambda seed: S.PartialFixedSampler({"units": 64}, S.AutoSampler(seed=seed,
                                                                                                n_startup_trials=4)),
        "warm-start-random": lambda seed: S.WarmStartSampler(S.RandomSampler(seed=seed), _PRIOR, n0=50,
                                                             max_probability=0.8, seed=seed, local_fraction=0.5),
    }
    if hasattr(S, "GPSampler"):
        out["gp"] = lambda seed: S.GPSampler(seed=seed, n_startup_trials=4)
    return out


FACTORIES = _factories()
NAMES = list(FACTORIES)
UNSEEDED = {"grid"}


class TestEverySampler(SamplerTests):
    @pytest.fixture(params=NAMES)
    def sampler_name(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def make_sampler(self, sampler_name: str) -> Callable[[int], Any]:
        return FACTORIES[sampler_name]

    def test_deterministic(self, make_sampler: Callable[[int], Any], sampler_name: str) -> None:
        check_deterministic(make_sampler, seeded=sampler_name not in UNSEEDED)

    @pytest.mark.slow
    def test_runs_in_worker_processes(self, make_sampler: Callable[[int], Any], tmp_path: Path) -> None:
        super().test_runs_in_worker_processes(make_sampler, tmp_path)

    def test_evolving_space(self, make_sampler: Callable[[int], Any], sampler_name: str) -> None:
        if sampler_name == "grid":
            pytest.skip("a grid's values are fixed: its space cannot evolve")
        super().test_evolving_space(make_sampler)


def test_grid_sampler_keeps_the_contract_where_it_applies() -> None:
    grid = {"n": [1, 2, 3], "opt": ["adam", "sgd"]}
    study = tw.create_study(sampler=S.GridSampler(grid))
    study.optimize(lambda t: t.suggest_int("n", 1, 3) + (t.suggest_categorical("opt", ["adam", "sgd"]) == "sgd"))
    seen = sorted((t.params["n"], t.params["opt"]) for t in study.trials)
    assert seen == sorted((n, o) for n in grid["n"] for o in grid["opt"])
    with pytest.raises(ValueError, match="not its kind"):
        study2 = tw.create_study(sampler=S.GridSampler({"n": [1, 2]}))
        study2.optimize(lambda t: t.suggest_int("n", 1, 3), n_trials=1)
        study2.optimize(lambda t: t.suggest_float("n", 1, 4), n_trials=1)


class _Writer(tw.samplers.RandomSampler):
    """Writes through the Study its context still reaches (deprecated): the suite must catch it."""

    def propose(self, study: Any, trial: Any) -> dict[str, Any]:
        with pytest.warns(DeprecationWarning):
            study.set_user_attr("proposed_for", trial.number)
        return {}


def test_the_suite_catches_a_sampler_that_writes() -> None:
    with pytest.raises(AssertionError, match=r"_Writer.propose wrote to the storage \(set_study_attr"):
        check_writes_nothing(lambda seed: _Writer(seed=seed))
