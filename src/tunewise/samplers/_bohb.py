"""BOHB's model (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter
Optimization at Scale", Sec. 4 / Alg. 2), with an optional multi-fidelity weighting of budgets.

Use it with a successive-halving scheduler (``ASHAScheduler`` / ``HyperbandScheduler``): every
trial's intermediate value at step ``b`` is an observation at budget ``b``. A budget is modelled
once it has ``min_points_in_model + 2`` observations: its best ``top_n_percent`` (at most
``max_good``) form the "good" set (density l), the rest the "bad" set (g), each fitted with the
truncated-Gaussian / Aitchison-Aitken Parzen estimators of our TPESampler (Watanabe 2023), which
replace BOHB's statsmodels KDE. ``num_samples`` candidates drawn from l with bandwidths widened by
``bandwidth_factor`` are ranked by ``log l(x) - log g(x)``.

BOHB as published (``fidelity_weighting="largest"``) models only the largest such budget. In an
asynchronous successive-halving run that budget has few observations for a long time (about a
``1/eta**k`` share of the configurations), while the cheap budgets have many. The default
``"rank"`` therefore sums the log density ratios of every modelled budget, each weighted by how
well it ranks the configurations the largest budget has seen (Kendall's tau, clipped at 0; the
rank-agreement weights of MFES-HB, Li et al. 2021, AAAI). A ``random_fraction`` of proposals
stays uniformly random, which keeps BOHB's any-time guarantee of Hyperband with random search.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import open_value, taken_mask
from tunewise.samplers._base import Sampler
from tunewise.samplers._bohb_gp import FidelityGP, category_codes
from tunewise.samplers._context import Proposal
from tunewise.samplers._tpe import _Parzen, _Space
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Hashable

    from tunewise.samplers._context import StudyContext, TrialContext

__all__ = ["BOHBSampler"]

_STATES = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)


_WEIGHTINGS = ("rank", "largest")
_MODELS = ("tpe", "gp")


def _concordance(a: np.ndarray, b: np.ndarray) -> float:
    """Kendall's tau between two loss vectors over the same configurations (ties count 0)."""
    da = np.sign(a[:, None] - a[None, :])
    db = np.sign(b[:, None] - b[None, :])
    iu = np.triu_indices(len(a), k=1)
    prod = (da * db)[iu]
    return float(prod.mean()) if len(prod) else 0.0


class BOHBSampler(Sampler):
    """Multi-fidelity model-based sampler for ASHA / Hyperband (BOHB, Falkner et al. 2018).

    Every report ``trial.report(value, step)`` is an observation of the configuration at budget
    ``step``. A new configuration is drawn uniformly with probability ``random_fraction``;
    otherwise from a good/bad density-ratio model:

    - ``fidelity_weighting="largest"``: BOHB as published: one model on the largest budget with
      at least ``min_points_in_model + 2`` observations.
    - ``fidelity_weighting="rank"`` (default): one model per budget with enough observations
      (budgets at least a factor 2 apart), combined as a weighted sum of their log density
      ratios. The largest budget ``b*`` has weight 1; a smaller budget ``b`` gets weight
      ``max(0, tau_b)``, Kendall's tau between the losses at ``b`` and at ``b*`` of the
      configurations observed at both -- the rank-agreement weighting of MFES-HB (Li et al. 2021,
      "MFES-HB: Efficient Hyperband with Multi-Fidelity Quality Measurements", Sec. 4). When
      cheap budgets rank configurations like the expensive one, their many observations shape
      the model; when they disagree they are ignored, which is plain BOHB.

    Args:
        seed: seed of the sampler's random stream.
        min_points_in_model: a budget is modelled once it has ``min_points_in_model + 2``
            observations (default: number of parameters + 1, as in BOHB).
        top_n_percent: share of a budget's observations in the good set (BOHB: 15).
        num_samples: candidates drawn from the good densities per proposal (BOHB: 64).
        random_fraction: share of uniformly random proposals (BOHB: 1/3), which keeps
            Hyperband's any-time guarantee and lets cheap random configurations find other basins.
        bandwidth_factor: candidates are drawn with the good kernels' bandwidths multiplied by
            this factor (BOHB: 3), then ranked by the unwidened density ratio.
        fidelity_weighting: ``"rank"`` or ``"largest"`` (see above).
        max_good: cap on the good set of each budget (TPE's cap, Watanabe 2023).
        local_fraction: share of the candidates drawn from narrow kernels (bandwidth times
            ``local_scale``) around the ``local_top`` best points of each modelled budget,
            multiplied by the mean rank agreement of the cheaper budgets (so 0 when they
            disagree). An exploitative option, off by default: on the benchmark's Hartmann-3 it
            cut compute to target, on Hartmann-6 (deceptive low fidelities) it got stuck.
        prior_weight: as for :class:`TPESampler`.
        categorical_smoothing: as for :class:`TPESampler`.
        model: ``"tpe"`` (default): the density-ratio models above. ``"gp"``: one Gaussian
            process over (configuration, log budget) fitted to the observations of every budget
            on the rung ladder (the continuous-fidelity GP of BOCA, Kandasamy et al. 2017), and
            the proposal maximizes log expected improvement at the largest budget; the fitted
            length scale on the budget (``last_fidelity_lengthscale``) measures how far cheap
            observations are trusted. Every other model-based proposal refines locally: a GP
            fitted to the points in a box around the best top-budget configuration (TuRBO's
            trust region, its sides scaled by the global length scales). With ASHA on the
            benchmark's Hartmann problems it needs 0.19x and 0.28x the compute of optuna's
            Hyperband + TPE to the target, on the SGD learning curve 0.31x (TPE model 0.37x, and
            0.59x / 1.08x on Hartmann; ``benchmarks/history/schedulers.md``, session 5), at
            20-80 ms of model fitting per proposal.
            ``fidelity_weighting``, ``top_n_percent``, ``num_samples``, ``bandwidth_factor``,
            ``max_good`` and the local options apply to ``"tpe"`` only, ``random_fraction`` to
            both.
        max_gp_points: observations the GP models at most (top budgets first).

    >>> import tunewise as tw
    >>> study = tw.create_study(
    ...     sampler=tw.samplers.BOHBSampler(seed=0),
    ...     scheduler=tw.schedulers.ASHAScheduler(1, 27, 3))
    """

    def __init__(self, seed: int | None = None, *, min_points_in_model: int | None = None,
                 top_n_percent: float = 15.0, num_samples: int = 64, random_fraction: float = 1 / 3,
                 bandwidth_factor: float = 3.0, fidelity_weighting: str = "rank", max_good: int = 25,
                 local_fraction: float = 0.0, local_top: int = 3, local_scale: float = 0.5,
                 prior_weight: float = 1.0, categorical_smoothing: float = 0.2, model: str = "tpe",
                 max_gp_points: int = 256) -> None:
        if model not in _MODELS:
            raise ValueError(f"model must be 'tpe' or 'gp', got {model!r}")
        if isinstance(max_gp_points, bool) or not isinstance(max_gp_points, int) or max_gp_points < 8:
            raise ValueError(f"max_gp_points must be an integer >= 8, got {max_gp_points!r}")
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
        if isinstance(bandwidth_factor, bool) or not (isinstance(bandwidth_factor, (int, float))
                                                      and bandwidth_factor >= 1):
            raise ValueError(f"bandwidth_factor must be a number >= 1, got {bandwidth_factor!r}")
        if fidelity_weighting not in _WEIGHTINGS:
            raise ValueError(f"fidelity_weighting must be 'rank' or 'largest', got {fidelity_weighting!r}")
        if not (isinstance(prior_weight, (int, float)) and prior_weight > 0):
            raise ValueError(f"prior_weight must be > 0, got {prior_weight!r}")
        if not (isinstance(categorical_smoothing, (int, float)) and 0 <= categorical_smoothing < 1):
            raise ValueError(f"categorical_smoothing must be in [0, 1), got {categorical_smoothing!r}")
        self.seed = seed
        self.min_points_in_model = min_points_in_model
        self.top_n_percent = float(top_n_percent)
        self.num_samples = num_samples
        self.random_fraction = float(random_fraction)
        self.bandwidth_factor = float(bandwidth_factor)
        self.fidelity_weighting = fidelity_weighting
        if isinstance(max_good, bool) or not isinstance(max_good, int) or max_good < 1:
            raise ValueError(f"max_good must be a positive integer, got {max_good!r}")
        self.max_good = max_good
        if not (isinstance(local_fraction, (int, float)) and 0 <= local_fraction <= 1):
            raise ValueError(f"local_fraction must be in [0, 1], got {local_fraction!r}")
        if isinstance(local_top, bool) or not isinstance(local_top, int) or local_top < 1:
            raise ValueError(f"local_top must be a positive integer, got {local_top!r}")
        if isinstance(local_scale, bool) or not (isinstance(local_scale, (int, float)) and 0 < local_scale <= 1):
            raise ValueError(f"local_scale must be in (0, 1], got {local_scale!r}")
        self.local_fraction = float(local_fraction)
        self.local_top = local_top
        self.local_scale = float(local_scale)
        self.prior_weight = float(prior_weight)
        self.categorical_smoothing = float(categorical_smoothing)
        self.model = model
        self.max_gp_points = max_gp_points
        self._gp = FidelityGP(max_gp_points) if model == "gp" else None
        self._rng = np.random.default_rng(seed)
        self._cache: dict[Any, dict[int, Any]] = {}
        self._cache_history: Hashable = None  # the study (study.history_id) whose trials _cache holds
        self.last_model_budget: float | None = None  # the largest budget the last proposal modelled
        self.last_weights: dict[float, float] = {}  # budget -> weight of its model in the last proposal

    @property
    def last_fidelity_lengthscale(self) -> float | None:
        """``model="gp"``: the GP's length scale on the budget axis at the last proposal (budgets
        mapped to [0, 1] on a log scale; above ~1, cheap budgets predict the top one well)."""
        return self._gp.last_fidelity_lengthscale if self._gp is not None else None

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = {}  # per-process cache: a worker rebuilds it from its own storage
        state["_cache_history"] = None
        return state

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return open_value(distribution, self._rng.random())

    # ---- the data ------------------------------------------------------------------------
    def observations(self, study: StudyContext, names: list[str], exclude: int | None = None
                     ) -> dict[float, tuple[np.ndarray, np.ndarray]]:
        """Per budget: (unit-cube points, losses) of every trial that reported at that step."""
        dists = study.distributions
        sign = 1.0 if study.directions[0] == "minimize" else -1.0
        # Finished trials never change: encode each once per process (per study and space).
        if self._cache_history != study.history_id:
            self._cache.clear()
            self._cache_history = study.history_id
        cache = self._cache.setdefault((tuple(names), tuple(repr(dists[n]) for n in names)), {})
        rows: dict[float, tuple[list[list[float]], list[float]]] = {}
        for t in study.get_trials(states=_STATES):
            if t.number == exclude:
                continue
            enc = cache.get(t.trial_id)
            if enc is None:
                if any(n not in t.params for n in names):
                    enc = ([], {})
                else:
                    x = [dists[n].to_unit(t.params[n]) for n in names]
                    series = {float(k): float(v) for k, v in t.intermediate_values.items()}
                    if not series and t.state == TrialState.COMPLETE and t.values:
                        series = {math.inf: float(t.values[0])}  # a plain objective: "full" budget
                    enc = (x, series)
                if t.state.is_finished():
                    cache[t.trial_id] = enc
            x, series = enc
            if not x:
                continue
            for b, v in series.items():
                if not math.isfinite(v):
                    continue
                xs, ys = rows.setdefault(b, ([], []))
                xs.append(x)
                ys.append(sign * v)
        return {b: (np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)) for b, (xs, ys) in rows.items()}

    def _weights(self, obs: dict[float, tuple[np.ndarray, np.ndarray]], budgets: list[float]) -> dict[float, float]:
        top = budgets[0]
        weights = {top: 1.0}
        if self.fidelity_weighting == "largest":
            return weights
        ref = {tuple(np.round(x, 12)): y for x, y in zip(*obs[top], strict=True)}
        for b in budgets[1:]:
            pairs = [(y, ref[k]) for x, y in zip(*obs[b], strict=True) if (k := tuple(np.round(x, 12))) in ref]
            if len(pairs) < 3:
                continue
            a = np.array(pairs)
            tau = _concordance(a[:, 0], a[:, 1])
            if tau > 0:
                weights[b] = tau
        return weights

    # ---- the model -------------------------------------------------------------------------
    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        self.last_model_budget = None
        self.last_weights = {}
        if len(study.directions) != 1:
            return {}
        dists = {n: d for n, d in study.distributions.items()
                 if not (isinstance(d, D.Categorical) and d.grid)}
        names = sorted(dists)
        if not names:
            return {}
        if self._rng.random() < self.random_fraction:
            return {}
        n_min = self.min_points_in_model or len(names) + 1
        obs = self.observations(study, names, exclude=trial.number)
        if self._gp is not None:
            found = self._gp.propose(study, trial, names, dists, obs, n_min, self._rng)
            if found is None:
                return {}
            proposal, self.last_model_budget = found
            # Published, other workers' GPs treat it as pending.
            return Proposal(proposal, publish=True) if proposal else proposal
        usable = sorted((b for b, (_, y) in obs.items() if len(y) >= n_min + 2), reverse=True)
        if not usable:
            return {}
        budgets = [usable[0]]
        for b in usable[1:]:  # a ladder of budgets at least a factor 2 apart, like successive-halving rungs
            if b <= budgets[-1] / 2:
                budgets.append(b)
        weights = self._weights(obs, budgets)
        space = _Space(names, [dists[nm] for nm in names])
        cat = [j for j, nm in enumerate(names) if isinstance(dists[nm], D.Categorical)]
        models = []
        for b, w in weights.items():
            X, y = obs[b]
            order = np.argsort(y, kind="stable")
            n = len(y)
            # BOHB splits at top_n_percent (at least one good and two bad points); at most
            # max_good good points, as TPE caps its good set (Watanabe 2023, Sec. 3.2), so that
            # a budget with hundreds of cheap observations still describes a tight good region.
            n_good = min(max(1, int(math.ceil(self.top_n_percent / 100.0 * n))), n - 2, self.max_good)
            enc = X.copy()  # TPE's encoding: category index, unit value otherwise
            if cat:
                enc[:, cat] = category_codes(X, cat, names, dists)
            l_est = _Parzen(space, enc[order[:n_good]], self.prior_weight, self.categorical_smoothing)
            g_est = _Parzen(space, enc[order[n_good:]], self.prior_weight, self.categorical_smoothing)
            models.append((w, l_est, g_est))
        total = sum(w for w, _, _ in models)
        # Local candidates: when the cheap budgets agree with the top one (their weights are
        # their Kendall's tau), their best points are trustworthy, so part of the candidates is
        # drawn from narrow kernels around each budget's ``local_top`` best points -- a local,
        # exploitative search that refines the incumbent region instead of re-sampling the
        # whole good density (which spends many full-fidelity runs on the basin's outskirts).
        # The share scales with the mean agreement of the cheaper budgets (1 if there are none).
        agreement = (sum(weights.get(b, 0.0) for b in budgets[1:]) / (len(budgets) - 1)
                     if len(budgets) > 1 else 1.0)
        n_local = int(round(self.num_samples * self.local_fraction * agreement))
        probs = [w / total for w, _, _ in models]
        counts = self._rng.multinomial(self.num_samples - n_local, probs)
        local_counts = self._rng.multinomial(n_local, probs) if n_local else np.zeros(len(models), dtype=int)
        cands = []
        for (_, l_est, _), k, k_loc in zip(models, counts, local_counts, strict=True):
            if k:
                wide = copy.copy(l_est)
                wide.sigma = np.minimum(l_est.sigma * self.bandwidth_factor, 1.0)
                cands.append(wide.sample(self._rng, int(k)))
            if k_loc:
                # The good set's kernels are sorted best first; the last row is the prior kernel.
                m = min(self.local_top, len(l_est.w) - 1)
                near = copy.copy(l_est)
                near.sigma = l_est.sigma * self.local_scale
                w_loc = np.zeros(len(l_est.w))
                w_loc[:m] = 1.0 / m
                near.w = w_loc
                cands.append(near.sample(self._rng, int(k_loc)))
        cand = np.vstack(cands)
        score = sum(w * (l_est.log_pdf(cand) - g_est.log_pdf(cand)) for w, l_est, g_est in models)
        best = cand[int(np.argmax(score))]
        if space.open.any():
            # Never a configuration some budget has seen (tunewise._interior): continuing
            # one is the scheduler's call; in a continuous space a new one is always at hand.
            seen = np.vstack([x for x, _ in obs.values()])
            if cat:
                seen[:, cat] = category_codes(seen, cat, names, dists)
            snap = space.cells
            c_num, s_num = snap(cand[:, space.num])[0], snap(seen[:, space.num])[0]
            free = ~taken_mask(c_num, cand[:, space.cat], s_num, seen[:, space.cat], space.open)
            if not free.any():
                return {}  # drawn at random instead
            best = cand[int(np.flatnonzero(free)[np.argmax(np.asarray(score)[free])])]
        self.last_model_budget = budgets[0]
        self.last_weights = {b: w / total for b, w in weights.items()}
        out: dict[str, Any] = {}
        for j, nm in enumerate(names):
            d = dists[nm]
            out[nm] = d.choices[int(best[j])] if isinstance(d, D.Categorical) else open_value(d, float(best[j]))
        return out

    def describe(self) -> dict[str, Any]:
        return {"name": "BOHBSampler", "seed": self.seed, "top_n_percent": self.top_n_percent,
                "num_samples": self.num_samples, "random_fraction": self.random_fraction,
                "bandwidth_factor": self.bandwidth_factor, "fidelity_weighting": self.fidelity_weighting,
                "local_fraction": self.local_fraction, "model": self.model, "max_gp_points": self.max_gp_points}
