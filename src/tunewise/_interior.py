"""Proposals a user can trust: strictly inside open float ranges, never a point already tried.

A continuous ``Float`` range (no ``step``) is treated as the *open* interval ``(low, high)``: a
model-based sampler left to itself pins a monotone objective to the bound of its range (L-BFGS-B on
an acquisition function stops at the box; a truncated kernel clipped at 0), and the bound is
often where the objective is undefined (``SGDClassifier(alpha=0.0)`` raises, ``log(0)``...).
Samplers therefore keep the unit coordinate of such a parameter in ``[MARGIN, 1 - MARGIN]``.
Integer, stepped and categorical parameters keep every value, bounds included, and values the
user fixes (enqueued trials, grids) are used as given.

A joint point is *taken* when a trial already evaluated (or is evaluating) it: the same discrete
values and, on every continuous coordinate, within ``SEPARATION`` in the unit cube. Re-proposing
one wastes a trial on a deterministic objective (and hides that the model has converged), so
model-based samplers fall back to their best untaken candidate; in a space with a continuous
parameter there always is one.

Shared by the samplers and ASHA (which asks whether a trial repeats a configuration a rung cut),
so it sits at the package's top level (as ``_gp_model.py``): neither package imports the other's
private modules (``tests/test_layering.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tunewise import distributions as D

__all__ = ["MARGIN", "SEPARATION", "is_open", "open_bounds", "open_value", "taken_mask"]

#: Distance (in the unit cube) a proposal keeps from either bound of a continuous range: 1e-5 of
#: the range, far below any tuning resolution, far above floating-point round-off.
MARGIN = 1e-5
#: Two points closer than this on every continuous unit coordinate (and equal elsewhere) are the same.
SEPARATION = 1e-5


def is_open(dist: D.Distribution) -> bool:
    """Whether ``dist`` is a continuous range whose bounds a sampler must not propose."""
    return isinstance(dist, D.Float) and dist.step is None and dist.high > dist.low


def open_value(dist: D.Distribution, u: float) -> Any:
    """``dist.from_unit(u)``, strictly inside ``(low, high)`` for a continuous range.

    >>> from tunewise.distributions import Float, Int
    >>> open_value(Float(0.0, 1.0), 0.0) > 0.0, open_value(Float(0.0, 1.0), 1.0) < 1.0
    (True, True)
    >>> open_value(Int(0, 3), 0.0)
    0
    """
    if not is_open(dist):
        return dist.from_unit(u)
    assert isinstance(dist, D.Float)
    value = dist.from_unit(min(max(float(u), MARGIN), 1.0 - MARGIN))
    if value <= dist.low or value >= dist.high:  # a range narrower than the float resolution allows
        inside = math.nextafter(dist.low, dist.high)
        value = inside if inside < dist.high else dist.low
    return value


def open_bounds(dists: Sequence[D.Distribution]) -> np.ndarray:
    """Per dimension, the ``(lower, upper)`` unit bounds a proposal may take (rows of an array)."""
    out = np.tile([0.0, 1.0], (len(dists), 1))
    for j, d in enumerate(dists):
        if is_open(d):
            out[j] = (MARGIN, 1.0 - MARGIN)
    return out


def taken_mask(cand_num: np.ndarray, cand_cat: np.ndarray, taken_num: np.ndarray, taken_cat: np.ndarray,
               open_dims: np.ndarray, separation: float = SEPARATION) -> np.ndarray:
    """Which candidate rows repeat a ``taken`` row (see the module docstring).

    ``open_dims`` marks the continuous numeric columns (compared within ``separation``); the
    other numeric columns are cell centres and categorical columns codes (compared exactly).

    >>> taken_mask(np.array([[0.5], [0.2]]), np.zeros((2, 0)), np.array([[0.500001]]), np.zeros((1, 0)),
    ...            np.array([True]))
    array([ True, False])
    """
    n = len(cand_num)
    if n == 0 or len(taken_num) == 0:
        return np.zeros(n, dtype=bool)
    tol = np.where(open_dims, separation, 1e-9)
    same = np.ones((n, len(taken_num)), dtype=bool)
    for j in range(cand_num.shape[1]):  # column by column: no candidates x taken x dims array
        same &= np.abs(cand_num[:, j, None] - taken_num[None, :, j]) <= tol[j]
    for j in range(cand_cat.shape[1]):
        same &= cand_cat[:, j, None] == taken_cat[None, :, j]
    return np.asarray(same.any(axis=1), dtype=bool)
