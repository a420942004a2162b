"""Trust regions for :class:`~tunewise.samplers.GPSampler` in higher dimensions (TuRBO).

Eriksson et al. 2019 ("Scalable global optimization via local Bayesian optimization", NeurIPS):
in ten or more dimensions a global acquisition spends most of a small budget on the boundary of a
space the GP cannot yet model; restricting each proposal to a box around the incumbent, sized by
how often recent proposals improved on it, keeps the search where the model is informed.

- The box is centred on the best observed point; its side along dimension ``j`` is
  ``length * w_j`` with ``w_j`` the fitted length scale of ``j`` divided by the geometric mean of
  the length scales (TuRBO's weighting: long along the dimensions the objective varies slowly in),
  clipped to the search bounds.
- ``length`` starts at ``LENGTH_INIT``, doubles after ``SUCCESS_TOLERANCE`` improvements in a row
  (up to ``LENGTH_MAX``), halves after ``failure_tolerance(d)`` proposals in a row without one, and
  when it falls below ``LENGTH_MIN`` the region restarts at ``LENGTH_INIT`` (TuRBO-1 restarts a new
  design; here the global GP keeps every trial, so a restart re-opens the box around the incumbent).
- The state is not kept in the sampler: it is replayed from the finished trials in trial order each
  time (``trust_region_state``), so it is the same in every worker process and after a restart of
  the study, and needs no storage of its own.

The acquisition (log EI of the global GP) is unchanged; only its search box shrinks. Used for
single-objective, unconstrained studies with at least ``MIN_DIMS`` numeric parameters (chosen on
the dev split of ``benchmarks/sample_efficiency.py``; see ``benchmarks/gp_dev.py --trust``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# TuRBO's constants (Eriksson et al. 2019, section 3 / their reference code) for the box side in
# unit coordinates; the improvement threshold is relative to the incumbent. One change: the box
# starts at the largest side, 1.6 (TuRBO: 0.8), and narrows only once proposals stop improving: at
# budgets of 30-100 trials the first proposals after the initial design still need the global
# view (dev split, d = 10, tw-auto, regret vs the start at 0.8: 0.75x at 30 trials; see
# benchmarks/gp_dev.py --trust).
LENGTH_INIT = 1.6
LENGTH_MIN = 0.5**7
LENGTH_MAX = 1.6
SUCCESS_TOLERANCE = 3
# Length scales longer than this count as this long in the box's weights: TuRBO bounds them to
# [0.005, 2] on the unit cube, and without the cap one irrelevant dimension (fitted length scale
# near the upper bound of 50) shrinks the box along all others by the geometric mean.
LENGTH_SCALE_CAP = 2.0
_IMPROVEMENT = 1e-3
# Numeric dimensions from which GPSampler searches a trust region (dev split, benchmarks/gp_dev.py).
MIN_DIMS = 10


# Scale of TuRBO's failure tolerance ``d``; dev-split experiments override it.
FAILURE_FACTOR = 1.0


def failure_tolerance(dim: int) -> int:
    """Proposals in a row without improvement before the box halves: ``max(4, d)`` (TuRBO, batch 1)."""
    return max(4, math.ceil(FAILURE_FACTOR * dim))


@dataclass(frozen=True)
class TrustRegionState:
    """Where the replay of a study's trials leaves the trust region.

    Attributes:
        length: side of the box (before length-scale weighting) in unit coordinates.
        successes: improvements in a row since the last change of ``length``.
        failures: proposals in a row without improvement since the last change of ``length``.
        restarts: how often ``length`` fell below ``LENGTH_MIN`` and was reset.
    """

    length: float = LENGTH_INIT
    successes: int = 0
    failures: int = 0
    restarts: int = 0


def trust_region_state(values: Sequence[float] | np.ndarray, n_init: int, dim: int) -> TrustRegionState:
    """Replay TuRBO's success/failure counters over ``values`` (minimized, in trial order).

    The first ``n_init`` values are the initial design and only set the incumbent; every later
    value is one proposal of the region.

    >>> trust_region_state([1.0] * 12, n_init=2, dim=10).length   # ten failures in a row halve it
    0.8
    >>> s = trust_region_state([1.0] * 12 + [0.9, 0.8, 0.7, 0.6], n_init=2, dim=10)
    >>> s.length, s.successes   # three improvements in a row double it, then one more
    (1.6, 1)
    """
    length, succ, fail, restarts = LENGTH_INIT, 0, 0, 0
    tol_fail = failure_tolerance(dim)
    vals = [float(v) for v in values]
    if not vals:
        return TrustRegionState()
    k = max(1, min(n_init, len(vals)))
    best = min(vals[:k])
    for v in vals[k:]:
        if v < best - _IMPROVEMENT * abs(best):
            succ, fail = succ + 1, 0
        else:
            succ, fail = 0, fail + 1
        best = min(best, v)
        if succ >= SUCCESS_TOLERANCE:
            length, succ = min(2.0 * length, LENGTH_MAX), 0
        elif fail >= tol_fail:
            length, fail = length / 2.0, 0
            if length < LENGTH_MIN:
                length, restarts = LENGTH_INIT, restarts + 1
    return TrustRegionState(length, succ, fail, restarts)


def trust_region_bounds(center: np.ndarray, length_scales: np.ndarray, length: float,
                        bounds: np.ndarray) -> np.ndarray:
    """The box ``center ± length * w / 2`` (``w`` the length scales over their geometric mean), in ``bounds``.

    >>> trust_region_bounds(np.array([0.5, 0.9]), np.array([1.0, 1.0]), 0.4, np.array([[0.0, 1.0], [0.0, 1.0]]))
    array([[0.3, 0.7],
           [0.7, 1. ]])
    """
    ls = np.minimum(np.asarray(length_scales, dtype=float), LENGTH_SCALE_CAP)
    w = ls / math.exp(float(np.mean(np.log(ls)))) if len(ls) else ls
    half = 0.5 * length * w
    lo = np.clip(center - half, bounds[:, 0], bounds[:, 1])
    hi = np.clip(center + half, bounds[:, 0], bounds[:, 1])
    return np.column_stack([lo, np.maximum(hi, lo)])


def search_box(raw: np.ndarray, x_num: np.ndarray, length_scales: np.ndarray, bounds: np.ndarray,
               n_startup: int | None, *, single_objective: bool, constrained: bool) -> np.ndarray:
    """The box GPSampler's next proposal is searched in: ``bounds``, or its trust region.

    ``raw`` are the minimized objective values of the observed trials in trial order and ``x_num``
    their numeric unit coordinates; ``length_scales`` the GP's fitted ones (numeric dimensions);
    ``bounds`` the box the proposal must stay in anyway; ``n_startup`` the sampler's start-up trials
    (None or 0, as under AutoSampler's own Sobol start: the default design of ``min(10, 2 d + 1)``).
    Several objectives (a new scalarization per proposal) and constraints (the incumbent may be
    infeasible) keep the whole box.
    """
    dim = x_num.shape[1]
    if dim < MIN_DIMS or len(raw) == 0 or not single_objective or constrained:
        return bounds
    n_init = max(n_startup or 0, min(10, 2 * dim + 1))
    state = trust_region_state(raw, n_init, dim)
    center = x_num[int(np.argmin(raw))]
    return trust_region_bounds(center, length_scales, state.length, bounds)
