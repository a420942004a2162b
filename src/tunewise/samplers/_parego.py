"""Several objectives for :class:`~tunewise.samplers.GPSampler`: ParEGO's random scalarization.

Each proposal draws a weight vector ``w`` uniformly from the simplex and models one objective,
the augmented Chebyshev scalarization of the objectives normalized to ``[0, 1]`` over the
observed trials: ``max_i w_i z_i + 0.05 sum_i w_i z_i`` (Knowles 2006, "ParEGO"). Every
minimizer of it is Pareto optimal, and over many proposals the random weights cover the whole
front; the single-objective machinery (GP fit, log EI, constraints, kriging believer) is reused
as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tunewise._pareto import signs_of

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["objective_values"]

_RHO = 0.05  # weight of the linear term (Knowles 2006)


def objective_values(directions: Sequence[str], observed: Sequence[FrozenTrial],
                     rng: np.random.Generator) -> np.ndarray:
    """The values the GP models, minimized: the objective itself (one objective, no draw from
    ``rng``), or a random augmented Chebyshev scalarization of several."""
    signs = signs_of(directions)
    v = np.array([t.values for t in observed], dtype=float).reshape(len(observed), -1)[:, : len(signs)] * signs
    if len(signs) == 1:
        return v[:, 0]  # type: ignore[no-any-return]
    lo, hi = v.min(axis=0), v.max(axis=0)
    z = (v - lo) / np.where(hi > lo, hi - lo, 1.0)
    w = rng.dirichlet(np.ones(len(signs)))
    wz = w * z
    return wz.max(axis=1) + _RHO * wz.sum(axis=1)  # type: ignore[no-any-return]
