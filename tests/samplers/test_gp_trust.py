"""GPSampler's trust region from 10 numeric dimensions (TuRBO; tunewise.samplers._gp_trust)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import numpy as np
import pytest

import tunewise as tw
from tunewise.samplers import _gp_trust
from tunewise.samplers._gp import GPSampler
from tunewise.samplers._gp_trust import (
    LENGTH_INIT,
    LENGTH_MAX,
    LENGTH_MIN,
    failure_tolerance,
    search_box,
    trust_region_bounds,
    trust_region_state,
)

logging.getLogger("tunewise").setLevel(logging.ERROR)
UNIT = np.tile([0.0, 1.0], (10, 1))


# ---- the replayed state -----------------------------------------------------------------------------
def test_successes_in_a_row_double_the_region_up_to_its_maximum() -> None:
    values = [10.0] * 11 + [9.0 - i for i in range(9)]  # ten failures (one halving), nine improvements
    assert trust_region_state(values[:11], n_init=1, dim=10).length == LENGTH_INIT / 2
    assert trust_region_state(values[:14], n_init=1, dim=10).length == LENGTH_INIT  # 3 in a row double it
    assert trust_region_state(values, n_init=1, dim=10).length == LENGTH_MAX == LENGTH_INIT  # capped
    # An improvement smaller than 0.1% of the incumbent is no success (TuRBO's threshold).
    assert trust_region_state([1000.0, 999.9, 999.8, 999.7], n_init=1, dim=10).successes == 0


def test_failures_in_a_row_halve_the_region_and_a_collapse_restarts_it() -> None:
    tol = failure_tolerance(10)
    assert tol == 10
    flat = [1.0] * (1 + tol)
    state = trust_region_state(flat, n_init=1, dim=10)
    assert (state.length, state.failures) == (LENGTH_INIT / 2, 0)
    # An improvement resets the failure count: 9 failures, a success, 9 failures: no halving.
    mixed = [1.0] + [1.0] * (tol - 1) + [0.5] + [0.5] * (tol - 1)
    assert trust_region_state(mixed, n_init=1, dim=10).length == LENGTH_INIT
    halvings = math.ceil(math.log2(LENGTH_INIT / LENGTH_MIN))  # halvings until below the minimum
    state = trust_region_state([1.0] * (1 + tol * halvings), n_init=1, dim=10)
    assert (state.length, state.restarts) == (LENGTH_INIT, 1)
    # The initial design only sets the incumbent: its values are neither successes nor failures.
    assert trust_region_state([5.0, 4.0, 3.0, 2.0], n_init=4, dim=10) == trust_region_state([], 1, 10)


def test_box_is_weighted_by_length_scales_and_clipped_to_the_bounds() -> None:
    box = trust_region_bounds(np.array([0.5, 0.5, 0.05]), np.array([2.0, 0.5, 1.0]), 0.4, UNIT[:3])
    # Geometric mean of the length scales is 1: sides 0.8, 0.2, 0.4 (the third clipped at 0).
    np.testing.assert_allclose(box, [[0.1, 0.9], [0.4, 0.6], [0.0, 0.25]])


def test_search_box_applies_from_ten_numeric_dimensions_to_single_unconstrained_objectives() -> None:
    rng = np.random.default_rng(0)
    x, raw, ls = rng.random((30, 10)), np.arange(30.0), np.ones(10)  # 20 failures after 10: two halvings
    box = search_box(raw, x, ls, UNIT, None, single_objective=True, constrained=False)
    assert np.all(box[:, 1] - box[:, 0] <= LENGTH_INIT / 4 + 1e-12)
    best = x[np.argmin(raw)]
    assert np.all((box[:, 0] <= best) & (best <= box[:, 1]))
    for kwargs in ({"single_objective": False, "constrained": False}, {"single_objective": True, "constrained": True}):
        assert search_box(raw, x, ls, UNIT, None, **kwargs) is UNIT  # type: ignore[arg-type]
    nine = UNIT[:9]
    assert search_box(raw, x[:, :9], ls[:9], nine, None, single_objective=True, constrained=False) is nine


# ---- the sampler ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: GPSampler(seed=1), lambda: tw.samplers.AutoSampler(seed=1)],
                         ids=["GPSampler", "AutoSampler"])
def test_proposal_stays_in_the_shrunken_region_around_the_incumbent(make: Callable[[], tw.samplers.Sampler],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After 30 proposals without improvement (three halvings at d = 10) the next proposal lies in
    the box centre ± 0.2 * w / 2 around the best trial, whatever the fitted length scales ``w``
    (their geometric mean is 1, so the product of the scaled offsets is at most 1)."""
    d, rng = 10, np.random.default_rng(0)
    points = rng.random((40, d))
    values = 5.0 + rng.random(40)
    values[3] = 1.0  # the incumbent, in the initial design of 10
    boxes: list[np.ndarray] = []
    original = _gp_trust.trust_region_bounds

    def recording(*args: object) -> np.ndarray:
        boxes.append(original(*args))  # type: ignore[arg-type]
        return boxes[-1]

    monkeypatch.setattr(_gp_trust, "trust_region_bounds", recording)
    study = tw.create_study(sampler=make())
    for p in points:
        study.enqueue_trial({f"x{j}": float(v) for j, v in enumerate(p)})

    def objective(trial: tw.Trial) -> float:
        x = np.array([trial.suggest_float(f"x{j}", 0.0, 1.0) for j in range(d)])
        hit = np.flatnonzero(np.all(np.isclose(points, x), axis=1))
        return float(values[hit[0]]) if len(hit) else 0.0

    study.optimize(objective, n_trials=41)
    assert trust_region_state(values, n_init=10, dim=d).length == pytest.approx(0.2)
    proposal = np.array([study.trials[40].params[f"x{j}"] for j in range(d)])
    offsets = 2.0 * np.abs(proposal - points[3]) / 0.2
    assert np.prod(offsets) <= 1.0 + 1e-9
    # The searched box is the one around the incumbent, and the proposal is inside it.
    (box,) = boxes
    assert np.all((box[:, 0] <= points[3]) & (points[3] <= box[:, 1]))
    assert np.all((box[:, 0] - 1e-9 <= proposal) & (proposal <= box[:, 1] + 1e-9))
    assert np.prod(box[:, 1] - box[:, 0]) <= 0.2**d + 1e-12


def test_below_ten_dimensions_the_whole_space_is_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[np.ndarray] = []
    original = _gp_trust.trust_region_bounds

    def recording(*args: object) -> np.ndarray:
        calls.append(args[0])  # type: ignore[arg-type]
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(_gp_trust, "trust_region_bounds", recording)
    study = tw.create_study(sampler=GPSampler(seed=0))
    study.optimize(lambda t: sum((t.suggest_float(f"x{j}", 0, 1) - 0.3) ** 2 for j in range(9)), n_trials=21)
    assert calls == []
    study = tw.create_study(sampler=GPSampler(seed=0))
    study.optimize(lambda t: sum((t.suggest_float(f"x{j}", 0, 1) - 0.3) ** 2 for j in range(10)), n_trials=12)
    assert len(calls) == 2  # trials 10 and 11 are the model's (after 10 Sobol points)
