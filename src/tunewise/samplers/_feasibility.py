"""A feasibility model for :class:`~tunewise.samplers.GPSampler` under constraints.

Each constraint value gets a Gaussian process of its own over the same inputs as the objective;
the acquisition becomes ``log EI(x) + sum_k log P(c_k(x) <= 0)``, expected improvement over the
best *feasible* value weighted by the probability that ``x`` is feasible (Gardner et al. 2014,
"Bayesian optimization with inequality constraints"; Gelbart et al. 2014). Until some trial is
feasible the acquisition is the probability of feasibility alone, which walks the search into the
feasible region first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.special

from tunewise._constraints import CONSTRAINTS_ATTR

if TYPE_CHECKING:
    from tunewise._gp_model import GPModel
    from tunewise.samplers._gp_acq import AcquisitionOptimizer
    from tunewise.trial import FrozenTrial

__all__ = ["ConstraintModel", "apply_constraints", "constraint_matrix", "fit_constraint_models", "log_feasibility"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


@dataclass
class ConstraintModel:
    """One constraint's GP, fitted on standardized values: feasible where it is below ``threshold``."""

    model: GPModel
    threshold: float


def constraint_matrix(observed: Sequence[FrozenTrial]) -> np.ndarray | None:
    """The observed trials' constraint values (trials x constraints), or None when no trial has
    any. A trial without values (or with another number of them) counts as exactly on the bound."""
    rows = [t.system_attrs.get(CONSTRAINTS_ATTR) for t in observed]
    sizes = [len(r) for r in rows if r]
    if not sizes:
        return None
    k = max(set(sizes), key=sizes.count)
    out = np.zeros((len(observed), k))
    for i, r in enumerate(rows):
        if r and len(r) == k:
            out[i] = np.asarray(r, dtype=float)
    return out


def fit_constraint_models(x_num: np.ndarray, x_cat: np.ndarray, values: np.ndarray, warp: bool,
                          rng: np.random.Generator, previous: list[np.ndarray] | None = None
                          ) -> list[ConstraintModel]:
    """A GP per column of ``values``, warm-started from ``previous`` hyperparameters when given."""
    from tunewise._gp_model import GPModel

    models = []
    for j in range(values.shape[1]):
        c = values[:, j]
        mean, sd = float(c.mean()), float(c.std())
        sd = sd if sd > 0 else 1.0
        model = GPModel(x_num, x_cat, (c - mean) / sd, warp=warp)
        lay = model.layout
        starts = [lay.default(), lay.random(rng)]
        if previous is not None and j < len(previous) and len(previous[j]) == lay.size:
            starts.insert(0, previous[j])
        with np.errstate(all="ignore"):
            model.fit(starts, maxiter=100)
        models.append(ConstraintModel(model, (0.0 - mean) / sd))
    return models


def log_feasibility(models: Sequence[ConstraintModel], x_num: np.ndarray, x_cat: np.ndarray) -> np.ndarray:
    """``sum_k log P(c_k(x) <= 0)`` for each row."""
    out = np.zeros(len(x_num))
    for cm in models:
        mu, sd = cm.model.predict(x_num, x_cat)
        out += scipy.special.log_ndtr((cm.threshold - mu) / sd)
    return out


def log_feasibility_with_grad(models: Sequence[ConstraintModel], x_num: np.ndarray, x_cat: np.ndarray
                              ) -> tuple[np.ndarray, np.ndarray]:
    """``log_feasibility`` and its gradient in ``x_num`` (rows x numeric dims)."""
    val = np.zeros(len(x_num))
    grad = np.zeros_like(x_num, dtype=float)
    for cm in models:
        mu, sd, dmu, dsd = cm.model.predict_with_grad(x_num, x_cat)
        z = (cm.threshold - mu) / sd
        log_cdf = scipy.special.log_ndtr(z)
        val += log_cdf
        ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_cdf)  # phi(z) / Phi(z), finite in the tails
        # dz/dmu = -1/sd, dz/dsd = -z/sd
        grad += (ratio * (-1.0 / sd))[:, None] * dmu + (ratio * (-z / sd))[:, None] * dsd
    return val, grad


def apply_constraints(acq: AcquisitionOptimizer, observed: Sequence[FrozenTrial], y: np.ndarray, x_num: np.ndarray,
                      x_cat: np.ndarray, warp: bool, rng: np.random.Generator, order: np.ndarray) -> np.ndarray:
    """Give ``acq`` the feasibility models of the observed trials' constraints (if any): EI over
    the best feasible ``y`` times the probability of feasibility. Returns the incumbents to start
    the search from: the best feasible trials, else the least violating ones."""
    values = constraint_matrix(observed)
    if values is None:
        return order
    acq.constraints = fit_constraint_models(x_num, x_cat, values, warp, rng)
    violation = np.maximum(values, 0.0).sum(axis=1)
    feasible = np.flatnonzero(violation <= 0)
    if len(feasible):
        acq.best = float(np.min(y[feasible]))
        acq.use_ei = True
        return feasible[np.argsort(y[feasible])[:5]]  # type: ignore[no-any-return]
    acq.use_ei = False
    return np.argsort(violation, kind="stable")[:5]  # type: ignore[no-any-return]
