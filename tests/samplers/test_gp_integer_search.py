"""GPSampler's coordinate search over integer cells and categorical choices (``_integer_search``,
on by default since session 28; issue 18)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import tunewise as tw
from tunewise.samplers import _gp_acq
from tunewise.samplers._gp import _cell_axes, _snapper

INTS = [tw.distributions.Int(0, 30), tw.distributions.Int(0, 30)]


def _bumpy(t: tw.Trial) -> float:
    a, b = t.suggest_int("a", 0, 30), t.suggest_int("b", 0, 30)
    return float(np.sin(a / 3.0) * np.cos(b / 4.0) + 0.001 * (a - 20) ** 2 + 0.02 * abs(b - 5))


def test_the_coordinate_search_finds_the_best_untried_cell_the_relaxed_search_misses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every model-based proposal of a 25-trial study on a 31 x 31 integer grid, searched again under
    the same model both ways: the coordinate search's proposal has the best log EI of all untried
    cells; the search on the continuous relaxation falls short by more than 0.5 nat somewhere."""
    calls: list[tuple[Any, ...]] = []
    optimize = _gp_acq.AcquisitionOptimizer.optimize

    def spy(self: Any, *args: Any) -> Any:
        calls.append((self, args, copy.deepcopy(self.rng)))
        return optimize(self, *args)

    monkeypatch.setattr(_gp_acq.AcquisitionOptimizer, "optimize", spy)
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=2))
    study.optimize(_bumpy, n_trials=25)
    assert len(calls) >= 10
    grid = np.array([[INTS[0].to_unit(a), INTS[1].to_unit(b)] for a in range(31) for b in range(31)])
    no_cat = np.zeros((len(grid), 0))
    old_gaps, new_gaps = [], []
    for acq, args, rng in calls:
        values = acq.value(grid, no_cat)
        best_untried = float(np.max(np.where(acq._is_taken(grid, no_cat), -np.inf, values)))
        for cells, gaps in ((None, old_gaps), (_cell_axes(INTS), new_gaps)):
            acq.cells, acq.rng = cells, copy.deepcopy(rng)
            num, cat, value = optimize(acq, *args)
            assert not acq._is_taken(num[None], cat[None])[0]
            gaps.append(best_untried - value)
    assert max(new_gaps) < 1e-9
    assert max(old_gaps) > 0.5


def test_the_switch_leaves_continuous_spaces_alone() -> None:
    def objective(t: tw.Trial) -> float:
        return (t.suggest_float("x", -2, 2) - 0.3) ** 2 + abs(t.suggest_float("y", 0, 1, log=False) - 0.6)

    runs = []
    for on in (False, True):
        sampler = tw.samplers.GPSampler(seed=0)
        sampler._integer_search = on
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=16)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]


def test_integer_search_proposals_stay_on_valid_untried_values() -> None:
    def objective(t: tw.Trial) -> float:
        a = t.suggest_int("a", 1, 300, log=True)
        b = t.suggest_float("b", 0.0, 2.0, step=0.25)
        c = t.suggest_int("c", 0, 1000, step=5)
        d = t.suggest_float("d", -1.0, 1.0)
        return abs(np.log(a / 40)) + (b - 1.25) ** 2 + abs(c - 735) / 500 + d * d

    sampler = tw.samplers.GPSampler(seed=3)
    sampler._integer_search = True
    study = tw.create_study(sampler=sampler)
    study.optimize(objective, n_trials=25)
    points = [tuple(t.params.values()) for t in study.trials]
    assert len(set(points)) == len(points)
    for a, b, c, d in points:
        assert isinstance(a, int) and 1 <= a <= 300
        assert b in np.arange(0.0, 2.01, 0.25)
        assert c % 5 == 0 and 0 <= c <= 1000
        assert -1.0 < d < 1.0
    assert study.best_value < 0.5


def test_long_integer_ranges_get_a_spread_and_the_current_cells_neighbours() -> None:
    (axis,) = _cell_axes([tw.distributions.Int(0, 999)])
    d = tw.distributions.Int(0, 999)
    cells = axis(np.array([d.to_unit(500)]))
    values = sorted({d.from_unit(u) for u in cells[0]})
    assert {498, 499, 501, 502} <= set(values)  # the current cell stays unless beaten
    assert len(values) >= 128 and values[0] < 10 and values[-1] > 990
    (short,) = _cell_axes([tw.distributions.Int(1, 100, log=True)])
    assert sorted(tw.distributions.Int(1, 100, log=True).from_unit(u) for u in short(np.zeros(1))[0]) == list(
        range(1, 101)
    )


class _TwoBowls:
    """A stand-in for the GP: choice 0 has a shallow bowl at a = 3, choice 1 a deeper one at a = 8."""

    dist = tw.distributions.Int(0, 10)

    def predict(self, x_num: np.ndarray, x_cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = np.array([self.dist.from_unit(float(u)) for u in x_num[:, 0]])
        mu = np.where(x_cat[:, 0] == 0, 0.5 + 0.1 * np.abs(a - 3), 0.05 * np.abs(a - 8))
        return mu, np.full(len(mu), 0.1)


def _two_bowls_search(taken: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray, Any]:
    d = _TwoBowls.dist
    acq = _gp_acq.AcquisitionOptimizer(
        _TwoBowls(),  # type: ignore[arg-type]
        1.0,
        [2],
        _snapper([d]),
        np.random.default_rng(0),
        taken=taken,
        open_dims=np.zeros(1, dtype=bool),
    )
    acq.cells = _cell_axes([d])
    met_num, met_cat = acq._cell_search(np.array([[d.to_unit(0)]]), np.array([[0.0]]), [0])
    return met_num, met_cat, acq


def test_the_coordinate_search_revisits_the_categorical_after_the_numbers_move() -> None:
    """From a = 0 with choice 0, the integer step moves to choice 0's bowl (a = 3); there choice 1 is
    better, and from there the next integer step reaches its deeper bowl (a = 8). A search that sets
    the categorical only before the numbers move stops at a = 3 with choice 0."""
    d = _TwoBowls.dist
    met_num, met_cat, acq = _two_bowls_search(None)
    best = int(np.argmax(acq.value(met_num, met_cat)))
    assert (d.from_unit(float(met_num[best, 0])), int(met_cat[best, 0])) == (8, 1)


def test_the_categorical_step_keeps_the_best_untried_choice() -> None:
    d = _TwoBowls.dist
    taken = (np.array([[d.to_unit(8)]]), np.array([[1.0]]))
    met_num, met_cat, acq = _two_bowls_search(taken)
    points = {(d.from_unit(float(u)), int(c)) for u, c in zip(met_num[:, 0], met_cat[:, 0], strict=True)}
    assert (8, 1) not in points
    best = int(np.argmax(acq.value(met_num, met_cat)))
    assert d.from_unit(float(met_num[best, 0])) in (7, 9) and int(met_cat[best, 0]) == 1


def test_categorical_spaces_get_new_points_until_exhausted() -> None:
    """Spaces with categoricals take the new search too (with or without numbers): on a 3 x 4 grid
    of choices, every model-based proposal is a point no earlier trial had while one is left."""

    def objective(t: tw.Trial) -> float:
        a = t.suggest_categorical("a", ["x", "y", "z"])
        b = t.suggest_categorical("b", [1, 2, 3, 4])
        return {"x": 0.0, "y": 1.0, "z": 0.5}[a] + abs(b - 3)

    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=4)
    sampler._integer_search = True
    study = tw.create_study(sampler=sampler)
    study.optimize(objective, n_trials=16)
    points = [(t.params["a"], t.params["b"]) for t in study.trials]
    for i in range(4, len(points)):
        if len(set(points[:i])) < 12:
            assert points[i] not in points[:i], (i, points)
    assert len(set(points)) == 12
    assert study.best_params == {"a": "x", "b": 3}
