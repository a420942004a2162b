"""method: grid and q_uniform as W&B's engine runs them (wandb/sweeps ``grid_search_next_runs`` and
``HyperParameter.ppf``): the expected points are those of W&B's own tests (tests/test_grid_search.py)."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.sweeps import SweepConfig, SweepConfigError, SweepConfigWarning


def _config(params: dict, method: str = "grid") -> SweepConfig:
    return SweepConfig.from_dict({"program": "t.py", "method": method, "parameters": params}, check_program=False)


def _grid(params: dict) -> list[dict]:
    cfg = _config(params)
    sampler = cfg.make_sampler()
    return [cfg.decode(sampler.point(i)) for i in range(sampler.n_points)]


def test_q_uniform_grid_is_numpy_arange_from_min_without_max():
    # W&B's test_q_uniform_bounded_grid_search: min -9.211 is not a multiple of q.
    points = [p["v1"] for p in _grid({"v1": {"distribution": "q_uniform", "min": -9.211, "max": 23.23, "q": 2.341},
                                      "v2": {"value": "test"}})]
    assert points == pytest.approx(np.arange(-9.211, 23.23, 2.341).tolist(), abs=1e-12)
    assert len(points) == 14
    # max is left out even on the lattice; int bounds and q give ints, q's default 1.0 floats.
    assert [p["v"] for p in _grid({"v": {"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}})] == [0, 2, 4, 6, 8]
    assert [p["v"] for p in _grid({"v": {"distribution": "q_uniform", "min": 0, "max": 1, "q": 0.25}})] == [
        0.0, 0.25, 0.5, 0.75]
    floats = [p["v"] for p in _grid({"v": {"distribution": "q_uniform", "min": 0, "max": 3}})]
    assert floats == [0.0, 1.0, 2.0] and all(isinstance(v, float) for v in floats)


def test_q_uniform_grid_with_min_equal_to_max_is_refused_naming_the_parameter():
    with pytest.raises(SweepConfigError, match=r"parameters.v: 'v' has no grid points: .*np.arange\(min, max, q\)"), \
            pytest.warns(SweepConfigWarning, match="every run gets 1"):
        _config({"v": {"distribution": "q_uniform", "min": 1, "max": 1, "q": 1}})


def test_int_uniform_grid_includes_max():
    assert [p["v1"] for p in _grid({"v1": {"distribution": "int_uniform", "min": -52, "max": 10}})] == list(
        range(-52, 11))


def test_listed_values_are_told_apart_as_wandb_yaml_hash_does():
    # A list and a tuple are two grid points (test_grid_search_keeps_list_and_tuple_values_distinct);
    # the program receives the value (as JSON: a list both times).
    assert [p["v1"] for p in _grid({"v1": {"values": [[2, 3], (2, 3)]}})] == [[2, 3], (2, 3)]
    # 1 and True are two (test_grid_search_keeps_bool_and_int_values_distinct); 1 and 1.0 one
    # (yaml_hash(3000000.0) == yaml_hash(3000000)), run where first listed with the last of them.
    points = [p["v"] for p in _grid({"v": {"values": [1, True, 1.0, 2, 2]}})]
    assert points == [1.0, True, 2] and isinstance(points[0], float)
    # Dicts with the same items in another order are one value.
    assert len(_grid({"v": {"values": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]}})) == 1


def test_grid_order_is_wandbs_sorted_names_last_fastest_and_runs_every_point_once(tmp_path):
    cfg = _config({"b": {"values": [[2, 3], (2, 3)]}, "a": {"distribution": "q_uniform", "min": 0, "max": 4, "q": 2}})
    assert _grid(cfg.raw["parameters"]) == [{"a": 0, "b": [2, 3]}, {"a": 0, "b": (2, 3)},
                                            {"a": 2, "b": [2, 3]}, {"a": 2, "b": (2, 3)}]
    study = tw.create_study(sampler=cfg.make_sampler())
    seen = []
    study.optimize(lambda t: seen.append(cfg.sample(t.suggest)) or 0.0)
    assert len(seen) == 4 and [s["b"] for s in seen] == [[2, 3], (2, 3), [2, 3], (2, 3)]


def test_q_uniform_random_draws_wandbs_rounded_lattice():
    # round(X / q) * q for X ~ U(min, max): from round(min / q) * q to round(max / q) * q, which
    # may lie outside [min, max] when a bound is off the lattice.
    p = _config({"v": {"distribution": "q_uniform", "min": -9.211, "max": 23.23, "q": 2.341}}, "random").parameters[0]
    dist = p.to_distribution()
    assert isinstance(dist, D.Float) and dist.low == pytest.approx(-4 * 2.341) and dist.high == pytest.approx(
        10 * 2.341)
    p = _config({"v": {"distribution": "q_uniform", "min": 1, "max": 9, "q": 4}}, "random").parameters[0]
    assert p.to_distribution() == D.Int(0, 8, step=4)
    draws = {p.decode(p.to_distribution().from_unit(u)) for u in np.linspace(0, 1, 101)}
    assert draws == {0, 4, 8}
