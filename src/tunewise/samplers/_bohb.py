"""BOHB's model (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter
Optimization at Scale", Sec. 4 / Alg. 2): a TPE-style density ratio fitted on the largest budget
that has enough observations.

Use it with a successive-halving scheduler (``ASHAScheduler`` / ``HyperbandScheduler``): every
trial's intermediate value at step ``b`` is an observation at budget ``b``. For a new
configuration the sampler picks the largest budget with at least ``min_points_in_model + 2``
observations, splits them into the best ``top_n_percent`` ("good", density l) and the rest
(g), fits Parzen estimators to both (the truncated-Gaussian / Aitchison-Aitken kernels with a
prior component and Scott's-rule bandwidths of our TPESampler, Watanabe 2023, which replace
BOHB's statsmodels KDE), draws ``num_samples`` candidates from l and proposes the one
maximising ``l(x) / g(x)``. A ``random_fraction`` of proposals stays uniformly random, which keeps BOHB's
any-time guarantee of Hyperband with random search.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.samplers._tpe import _Parzen, _Space
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import Trial

__all__ = ["BOHBSampler"]

_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


class BOHBSampler(Sampler):
    """Multi-fidelity model-based sampler for Hyperband/ASHA (BOHB).

    >>> import tunewise as tw
    >>> study = tw.create_study(
    ...     sampler=tw.samplers.BOHBSampler(seed=0),
    ...     scheduler=tw.schedulers.HyperbandScheduler(1, 27, 3, mode="promote"))
    """

    def __init__(self, seed: int | None = None, *, min_points_in_model: int | None = None,
                 top_n_percent: float = 15.0, num_samples: int = 64, random_fraction: float = 0.1,
                 prior_weight: float = 1.0, categorical_smoothing: float = 0.2) -> None:
        if min_points_in_model is not None and (isinstance(min_points_in_model, bool)
                                                or not isinstance(min_points_in_model, int)
                                                or min_points_in_model < 1):
            raise ValueError(f"min_points_in_model must be a positive integer or None, got {min_points_in_model!r}")
        if not (isinstance(top_n_percent, (int, float)) and 0 < top_n_percent < 100):
            raise ValueError(f"top_n_percent must be in (0, 100), got {top_n_percent!r}")
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples < 1:
            raise ValueError(f"num_samples must be a positive integer, got {num_samples!r}")
        if not (isinstance(random_fraction, (int, float)) and 0 <= random_fraction <= 1):
            raise ValueError(f"random_fraction must be in [0, 1], got {random_fraction!r}")
        if not (isinstance(prior_weight, (int, float)) and prior_weight > 0):
            raise ValueError(f"prior_weight must be > 0, got {prior_weight!r}")
        if not (isinstance(categorical_smoothing, (int, float)) and 0 <= categorical_smoothing < 1):
            raise ValueError(f"categorical_smoothing must be in [0, 1), got {categorical_smoothing!r}")
        self.seed = seed
        self.min_points_in_model = min_points_in_model
        self.top_n_percent = float(top_n_percent)
        self.num_samples = num_samples
        self.random_fraction = float(random_fraction)
        self.prior_weight = float(prior_weight)
        self.categorical_smoothing = float(categorical_smoothing)
        self._rng = np.random.default_rng(seed)
        self.last_model_budget: float | None = None  # the budget the last proposal was modelled on

    def reseed(self, seed: int | None) -> None:
        self._rng = np.random.default_rng(seed)

    def sample(self, study: Study, trial: Trial, name: str, distribution: D.Distribution) -> Any:
        return distribution.from_unit(self._rng.random())

    # ---- the model -------------------------------------------------------------------------
    def observations(self, study: Study, names: list[str], exclude: int | None = None
                     ) -> dict[float, tuple[np.ndarray, np.ndarray]]:
        """Per budget: (unit-cube points, losses) of every trial that reported at that step."""
        dists = study.distributions
        sign = 1.0 if study.directions[0] == "minimize" else -1.0
        rows: dict[float, tuple[list[list[float]], list[float]]] = {}
        for t in study.get_trials(states=_STATES):
            if t.number == exclude or any(n not in t.params for n in names):
                continue
            x = [dists[n].to_unit(t.params[n]) for n in names]
            series: dict[float, float] = {float(k): v for k, v in t.intermediate_values.items()}
            if not series and t.state == TrialState.COMPLETE and t.values:
                series = {math.inf: t.values[0]}  # a plain objective: the final value at "full" budget
            for b, v in series.items():
                xs, ys = rows.setdefault(float(b), ([], []))
                xs.append(x)
                ys.append(sign * float(v))
        return {b: (np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)) for b, (xs, ys) in rows.items()}

    def propose(self, study: Study, trial: Trial) -> dict[str, Any]:
        self.last_model_budget = None
        if len(study.directions) != 1:
            return {}
        dists = {n: d for n, d in study.distributions.items()
                 if not (isinstance(d, D.Categorical) and d.grid)}
        names = sorted(dists)
        if not names or self._rng.random() < self.random_fraction:
            return {}
        n_min = self.min_points_in_model or len(names) + 1
        obs = self.observations(study, names, exclude=trial.number)
        usable = [b for b, (_, y) in obs.items() if len(y) >= n_min + 2]
        if not usable:
            return {}
        budget = max(usable)
        X, y = obs[budget]
        order = np.argsort(y, kind="stable")
        n = len(y)
        # BOHB splits at top_n_percent; at least one good and two bad points.
        n_good = min(max(1, int(math.ceil(self.top_n_percent / 100.0 * n))), n - 2)
        space = _Space(names, [dists[nm] for nm in names])
        enc = X.copy()
        for j, nm in enumerate(names):  # TPE's encoding: category index, unit value otherwise
            d = dists[nm]
            if isinstance(d, D.Categorical):
                enc[:, j] = np.minimum(np.floor(X[:, j] * len(d.choices)), len(d.choices) - 1)
        l_est = _Parzen(space, enc[order[:n_good]], self.prior_weight, self.categorical_smoothing)
        g_est = _Parzen(space, enc[order[n_good:]], self.prior_weight, self.categorical_smoothing)
        cand = l_est.sample(self._rng, self.num_samples)
        best = cand[int(np.argmax(l_est.log_pdf(cand) - g_est.log_pdf(cand)))]
        self.last_model_budget = budget
        out: dict[str, Any] = {}
        for j, nm in enumerate(names):
            d = dists[nm]
            out[nm] = d.choices[int(best[j])] if isinstance(d, D.Categorical) else d.from_unit(float(best[j]))
        return out

    def describe(self) -> dict[str, Any]:
        return {"name": "BOHBSampler", "seed": self.seed, "top_n_percent": self.top_n_percent,
                "num_samples": self.num_samples, "random_fraction": self.random_fraction}
