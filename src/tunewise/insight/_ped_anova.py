"""PED-ANOVA: how much each parameter's distribution among the best trials differs from its distribution
among all (or the region's) trials, as a Pearson divergence of two Parzen estimators on a grid.

Watanabe, Bansal & Hutter, "PED-ANOVA: Efficiently Quantifying Hyperparameter Importance in Arbitrary
Subspaces", IJCAI 2023 (Theorem 1: the local variance explained by a parameter is
gamma'^2 * D_Pearson(p_top || p_region)); conditional parameters as in "Conditional PED-ANOVA" (KDD 2026,
Theorem 4.2): each regime of a parameter (its distribution, or absent) contributes alpha_i^2 / beta_i times
its divergence, alpha_i and beta_i the regime's shares of the top and region trials. The estimators follow
Optuna's: values binned on a grid of at most 50 points (log scale for log parameters), one discrete
truncated-normal kernel per occupied bin weighted by its count with Scott's-rule bandwidth, plus a prior
kernel (wide normal, or uniform over the categories) of weight 1.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.special import ndtr

from tunewise import distributions as D
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["ped_anova_importances"]

_N_STEPS = 50  # grid points on a numerical parameter's domain
_PRIOR_WEIGHT = 1.0
_MIN_TRIALS_IN_REGIME = 2


def _grid_counts(name: str, dist: D.BaseDistribution, trials: Sequence[FrozenTrial]) -> np.ndarray:
    """How many trials fall in each grid cell (numerical) or category (categorical)."""
    if isinstance(dist, D.Categorical):
        return np.bincount([dist.index(t.params[name]) for t in trials], minlength=len(dist.choices))
    assert isinstance(dist, (D.Float, D.Int))
    n_steps = _N_STEPS
    if isinstance(dist, D.Int) and dist.log:
        n_steps = min(int(np.ceil(np.log(dist.high - dist.low + 1) / np.log(2))) + 1, n_steps)
    elif dist.step is not None:
        n_steps = min(round((dist.high - dist.low) / dist.step) + 1, n_steps)
    low, high = (math.log(dist.low), math.log(dist.high)) if dist.log else (dist.low, dist.high)
    values = np.asarray([t.params[name] for t in trials], dtype=float)
    values = np.log(values) if dist.log else values
    width = (high - low) / (n_steps - 1)
    cells = np.clip(np.ceil((values - low) / width - 0.5).astype(int), 0, n_steps - 1)  # ties go to the lower cell
    return np.bincount(cells, minlength=n_steps)


def _pdf_on_grid(counts: np.ndarray, categorical: bool) -> np.ndarray:
    """The Parzen estimator's probability of each grid cell, from the cells' counts."""
    size = counts.size
    observed = np.flatnonzero(counts)
    if observed.size == 0:
        return np.full(size, 1.0 / size)
    counts_observed = counts[observed].astype(float)
    mixture = np.append(counts_observed, _PRIOR_WEIGHT)
    mixture /= mixture.sum()
    if categorical:
        n_kernels = observed.size + 1
        kernels = np.full((n_kernels, size), _PRIOR_WEIGHT / n_kernels)
        kernels[np.arange(observed.size), observed] += 1.0
        kernels /= kernels.sum(axis=1, keepdims=True)
    else:
        # Scott's rule (Scott 1992) on the bin indices, floored so 1.64 sigma spans half a cell.
        cumulative = np.cumsum(counts_observed)
        total = cumulative[-1]
        x = observed.astype(float)
        mean = (x @ counts_observed) / total
        sigma = math.sqrt(((x - mean) ** 2 @ counts_observed) / max(1.0, total - 1))
        q1 = np.searchsorted(cumulative, total // 4, side="left")
        q3 = np.searchsorted(cumulative, total * 3 // 4, side="right")
        iqr = x[min(x.size - 1, q3)] - x[q1]
        sigma = max(1.059 * min(iqr / 1.34, sigma) * total**-0.2, 0.5 / 1.64)
        mus = np.append(x, (size - 1) / 2.0)
        sigmas = np.append(np.full(x.size, sigma), float(size))  # the prior: centred, as wide as the domain + 1
        grid = np.arange(size, dtype=float)
        z_hi = (grid[None, :] + 0.5 - mus[:, None]) / sigmas[:, None]
        z_lo = (grid[None, :] - 0.5 - mus[:, None]) / sigmas[:, None]
        kernels = ndtr(z_hi) - ndtr(z_lo)
        norm = ndtr((size - 0.5 - mus) / sigmas) - ndtr((-0.5 - mus) / sigmas)
        kernels /= norm[:, None]
    return np.asarray(mixture @ kernels)


def _pearson_divergence(name: str, dist: D.BaseDistribution, top: Sequence[FrozenTrial],
                        region: Sequence[FrozenTrial], local: bool) -> float:
    categorical = isinstance(dist, D.Categorical)
    top_counts = _grid_counts(name, dist, top)
    pdf_top = _pdf_on_grid(top_counts, categorical) + 1e-12
    if local:
        pdf_region = _pdf_on_grid(_grid_counts(name, dist, region), categorical) + 1e-12
    else:
        pdf_region = np.full(top_counts.size, 1.0 / top_counts.size)
    return float(pdf_region @ ((pdf_top / pdf_region - 1.0) ** 2))


def _best_first(study: Any, trials: Sequence[FrozenTrial], target: Callable[[FrozenTrial], float] | None,
                n_top: int) -> list[FrozenTrial]:
    """The trials, best first; several objectives without ``target``: by Pareto rank, the front at the
    ``n_top`` boundary split by hypervolume contribution (as multi-objective TPE splits)."""
    if target is None and len(study.directions) > 1:
        from tunewise._pareto import order_objectives, signs_of

        values = np.asarray([t.values for t in trials], dtype=float) * signs_of(study.directions)
        return [trials[i] for i in order_objectives(values, n_top)]
    sign = 1.0 if target is not None or study.directions[0] == "minimize" else -1.0
    loss = sign * np.asarray([t.value if target is None else target(t) for t in trials], dtype=float)
    return [trials[i] for i in np.argsort(loss, kind="stable")]


def _top_quantile(ordered: list[FrozenTrial], loss: dict[int, float] | None, quantile: float) -> list[FrozenTrial]:
    """Optuna's quantile filter: the best ceil(q n) trials, and every trial tied with the last of them."""
    if quantile >= 1.0:
        return list(ordered)
    k = int(math.ceil(quantile * len(ordered)))
    if loss is None:  # several objectives: exactly the first k
        return ordered[:k]
    cutoff = loss[ordered[k - 1].number]
    return [t for t in ordered if loss[t.number] <= cutoff]


def ped_anova_importances(study: Any, params: Sequence[str] | None, target: Callable[[FrozenTrial], float] | None,
                          target_quantile: float, region_quantile: float, evaluate_on_local: bool) -> dict[str, float]:
    """Each parameter's PED-ANOVA importance (unnormalized), largest first."""
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    names = sorted({n for t in trials for n in t.distributions})
    if params is not None:
        if isinstance(params, str) or not all(isinstance(p, str) for p in params):
            raise TypeError(f"params must be a list of parameter names, got {params!r}")
        missing = [p for p in params if p not in names]
        if missing:
            raise ValueError(f"params {missing} appear in no COMPLETE trial of study {study.study_name!r}; "
                             f"its parameters are {names}")
        names = list(params)
    if target is not None:
        warnings.warn("PedAnovaImportanceEvaluator explains low target values (the best trials are those of the "
                      "lowest target): negate the target to explain high ones", UserWarning, stacklevel=4)
    trials = [t for t in trials if (math.isfinite(target(t)) if target is not None
                                    else all(math.isfinite(v) for v in t.values))]
    if len(trials) <= 1:
        warnings.warn(f"PED-ANOVA needs at least 2 COMPLETE trials with finite values, the study has {len(trials)}: "
                      "every importance is 0", UserWarning, stacklevel=4)
        return {n: 0.0 for n in names}
    n_top = int(math.ceil(target_quantile * len(trials)))
    ordered = _best_first(study, trials, target, n_top)
    loss = None
    if target is not None or len(study.directions) == 1:
        sign = 1.0 if target is not None or study.directions[0] == "minimize" else -1.0
        loss = {t.number: sign * (t.value if target is None else target(t)) for t in trials}
    top = _top_quantile(ordered, loss, target_quantile)
    region = _top_quantile(ordered, loss, region_quantile)
    if len(top) == len(region):
        warnings.warn("the target and region quantiles select the same trials: every importance is 0", UserWarning,
                      stacklevel=4)
    top_numbers = {t.number for t in top}
    importances = dict.fromkeys(names, 0.0)
    for name in names:
        regimes: dict[D.BaseDistribution | None, list[FrozenTrial]] = defaultdict(list)
        for t in region:
            regimes[t.distributions.get(name)].append(t)
        for dist, region_regime in regimes.items():
            top_regime = [t for t in region_regime if t.number in top_numbers]
            if dist is None or dist.single() or not top_regime or len(region_regime) < _MIN_TRIALS_IN_REGIME:
                continue
            alpha, beta = len(top_regime) / len(top), len(region_regime) / len(region)
            importances[name] += alpha**2 / beta * _pearson_divergence(name, dist, top_regime, region_regime,
                                                                        evaluate_on_local)
    scale = (len(top) / len(region)) ** 2
    return dict(sorted(((n, v * scale) for n, v in importances.items()), key=lambda kv: (-kv[1], kv[0])))
