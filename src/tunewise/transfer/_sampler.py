"""A sampler wrapper that adds a fading prior from earlier tasks to any base sampler.

For each new trial the wrapper either proposes from a kernel density fitted on the source tasks'
best configurations, or delegates to the base sampler (TPE, GP, auto, random, ...). The
probability of using the prior is

    p_n = trust * min(n0 / (n0 + n), max_probability)

with ``n`` the study's COMPLETE trials: a prior worth ``n0`` observations, as in a
Beta/Dirichlet pseudo-count, so its share decays like ``1/n`` and the base sampler's own
model takes over. ``trust`` makes a misleading prior fade faster: it compares how the trials that
came from the prior rank among the study's results (0 = best .. 1 = worst), in the spirit of
the ranking-loss weights of Feurer et al. (2018), "Scalable Meta-Learning for Bayesian
Optimization using Ranking-Weighted Gaussian Process Ensembles" (RGPE):
``trust = clip(1.5 - 2 * mean rank, 0, 1)``, so prior trials ranking in the better quarter on
average keep it at 1 and prior trials ranking in the worst quarter drop it to 0.

The density is a Parzen estimator in the unit cube of the *new* space (``Distribution.to_unit``):
pick a source configuration with probability proportional to its weight (task similarity x
how good it was), then perturb each numeric coordinate with a Gaussian (bandwidth by Scott's rule
over the centres, clipped to ``[0.01, 0.3]``) and keep each categorical value with probability
``1 - categorical_noise``. Values are carried by parameter name and clipped into the new ranges.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.transfer._mapping import _NO_FIT, map_value
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

__all__ = ["TRANSFER_ATTR", "WarmStartSampler"]

#: Trial system attribute marking where a trial's parameters came from: {"kind": "config"|"prior", ...}.
TRANSFER_ATTR = "transfer"
_CLAIM_PREFIX = "transfer:config:"
_MIN_BW, _MAX_BW = 0.01, 0.3


def config_claim_key(config: Mapping[str, Any]) -> str:
    """The storage claim that lets a configuration run once across workers and reloads."""
    text = json.dumps(dict(config), sort_keys=True, default=str)
    return _CLAIM_PREFIX + hashlib.sha1(text.encode()).hexdigest()


class WarmStartSampler(Sampler):
    """Wrap ``base`` with a prior over good configurations of earlier tasks that fades with data.

    Args:
        base: the sampler that takes over (any :class:`~tunewise.samplers.Sampler`).
        prior_configs: source configurations (parameter name -> value), best first.
        weights: one weight per configuration (default: all equal).
        n0: the prior's strength in pseudo-observations: ``p_n = trust * min(n0 / (n0 + n), max_probability)``.
        max_probability: cap on ``p_n``, so that the study's own trials, which ``trust`` needs,
            arrive from the start.
        initial_configs: configurations to run, one per trial, before proposals (each is
            claimed once across parallel workers). The first ``n_unconditional`` run at once;
            each later one only while the earlier configurations rank in the better part of the
            study (``trust >= 0.5`` with at least 2 trials of the study's own), so a misleading
            knowledge base wastes ``n_unconditional`` trials, not all of them.
        adaptive: lower ``trust`` when trials from the prior rank badly in the new study.
        categorical_noise: chance of a uniform draw instead of the centre's categorical value.
        seed: seed of the wrapper's random stream (the base keeps its own).

    >>> import tunewise as tw
    >>> from tunewise.transfer import WarmStartSampler
    >>> s = WarmStartSampler(tw.samplers.RandomSampler(seed=0), [{"x": 0.9}, {"x": 1.1}], seed=0)
    >>> study = tw.create_study(sampler=s)
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=10)
    >>> study.best_value < 0.1
    True
    """

    def __init__(
        self,
        base: Sampler,
        prior_configs: Sequence[Mapping[str, Any]],
        weights: Sequence[float] | None = None,
        *,
        n0: float = 5.0,
        initial_configs: Sequence[Mapping[str, Any]] = (),
        n_unconditional: int = 2,
        max_probability: float = 0.5,
        adaptive: bool = True,
        categorical_noise: float = 0.2,
        seed: int | None = None,
    ) -> None:
        if not isinstance(base, Sampler):
            raise TypeError(f"base must be a tunewise Sampler, got {base!r}")
        if isinstance(base, WarmStartSampler):
            raise TypeError("base is already a WarmStartSampler: wrap the underlying sampler once")
        configs = [dict(c) for c in prior_configs]
        for c in configs:
            if not c:
                raise ValueError("prior_configs must not contain an empty configuration")
        if weights is None:
            w = np.ones(len(configs))
        else:
            w = np.asarray(list(weights), dtype=float)
            if w.shape != (len(configs),) or not np.all(np.isfinite(w)) or np.any(w < 0):
                raise ValueError(
                    f"weights must be {len(configs)} finite numbers >= 0 (one per prior config), got {list(weights)!r}"
                )
        if len(configs) and w.sum() <= 0:
            w = np.ones(len(configs))
        if isinstance(n0, bool) or not isinstance(n0, (int, float)) or not n0 >= 0 or not math.isfinite(n0):
            raise ValueError(f"n0 must be a finite number >= 0 (0 disables the prior), got {n0!r}")
        if not 0.0 <= categorical_noise <= 1.0:
            raise ValueError(f"categorical_noise must be in [0, 1], got {categorical_noise!r}")
        self.base = base
        self.prior_configs = configs
        self.weights = (w / w.sum()).tolist() if len(configs) else []
        self.n0 = float(n0)
        self.initial_configs = [dict(c) for c in initial_configs]
        if isinstance(n_unconditional, bool) or not isinstance(n_unconditional, int) or n_unconditional < 0:
            raise ValueError(f"n_unconditional must be an integer >= 0, got {n_unconditional!r}")
        self.n_unconditional = n_unconditional
        if not 0.0 <= max_probability <= 1.0:
            raise ValueError(f"max_probability must be in [0, 1], got {max_probability!r}")
        self.max_probability = float(max_probability)
        self._next_initial = 0  # configurations before this index are claimed (here or elsewhere)
        self.adaptive = bool(adaptive)
        self.categorical_noise = float(categorical_noise)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        # (study id, trial number) -> ("config", params) | ("prior", centre index, values) | ("base",)
        self._plans: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._bw_cache: dict[tuple[str, D.Distribution], float] = {}

    # ---- the fading -------------------------------------------------------------------------
    def prior_probability(self, study: Study) -> float:
        """``p_n = trust * min(n0 / (n0 + n), max_probability)`` with ``n`` the study's COMPLETE trials."""
        if not self.prior_configs or self.n0 == 0:
            return 0.0
        complete = study.get_trials(states=(TrialState.COMPLETE,))
        p = min(self.n0 / (self.n0 + len(complete)), self.max_probability)
        return p * (self.trust(study, complete) if self.adaptive else 1.0)

    def trust(self, study: Study, complete: Sequence[FrozenTrial] | None = None) -> float:
        """``clip(1.5 - 2 * mean rank of the prior's trials, 0, 1)``; 1 until 2 prior and 2 other trials end."""
        if complete is None:
            complete = study.get_trials(states=(TrialState.COMPLETE,))
        if len(study.directions) != 1:
            return 1.0
        done = [t for t in complete if t.values]
        from_prior = [i for i, t in enumerate(done) if TRANSFER_ATTR in t.system_attrs]
        own = len(done) - len(from_prior)
        if len(from_prior) < 2 or own < 2:
            return 1.0
        sign = 1.0 if study.directions[0] == "minimize" else -1.0
        vals = np.array([sign * t.values[0] for t in done])  # type: ignore[index]
        ranks = (np.argsort(np.argsort(vals, kind="stable"), kind="stable")) / max(len(vals) - 1, 1)
        mean_rank = float(ranks[from_prior].mean())
        return float(np.clip(1.5 - 2.0 * mean_rank, 0.0, 1.0))

    # ---- planning one trial -----------------------------------------------------------------
    def _plan(self, study: Study, trial: Trial) -> tuple[Any, ...]:
        key = (study._study_id, trial.number)
        plan = self._plans.get(key)
        if plan is not None:
            return plan
        if len(self._plans) > 256:  # one live trial per process at a time: old plans are dead
            self._plans.clear()
        plan = ("base",)
        if trial._fixed:
            pass  # an enqueued trial: its fixed values lead, the rest comes from the base sampler
        else:
            plan = self._claim_initial(study) or plan
            if plan[0] == "base" and self._rng.random() < self.prior_probability(study):
                idx = int(self._rng.choice(len(self.prior_configs), p=self.weights))
                plan = ("prior", idx, {})
        if plan[0] != "base":
            info: dict[str, Any] = {"kind": plan[0]}
            if plan[0] == "prior":
                info["centre"] = plan[1]
            trial.set_system_attr(TRANSFER_ATTR, info)
        self._plans[key] = plan
        return plan

    def _claim_initial(self, study: Study) -> tuple[Any, ...] | None:
        while self._next_initial < len(self.initial_configs):
            i = self._next_initial
            if i >= self.n_unconditional and not self._configs_trusted(study):
                return None  # not now: let the base sampler run, and look again next trial
            self._next_initial += 1
            if study._storage.try_claim(study._study_id, config_claim_key(self.initial_configs[i])):
                return ("config", self.initial_configs[i])
        return None

    def _configs_trusted(self, study: Study) -> bool:
        complete = study.get_trials(states=(TrialState.COMPLETE,))
        own = sum(TRANSFER_ATTR not in t.system_attrs for t in complete)
        return own >= 2 and self.trust(study, complete) >= 0.5

    def _bandwidth(self, name: str, dist: D.Distribution) -> float:
        key = (name, dist)
        bw = self._bw_cache.get(key)
        if bw is None:
            us = [dist.to_unit(v) for c in self.prior_configs if name in c
                  for v in [map_value(c[name], dist)] if v is not _NO_FIT]
            n = len(us)
            # Scott's rule: 1.06 * sd * n^(-1/5), clipped so one centre still gets a useful spread.
            bw = 1.06 * float(np.std(us)) * n ** (-0.2) if n > 1 else _MIN_BW
            # On a lattice, a kernel narrower than a cell would mostly re-propose the centre's cell
            # (and the study has tried that one already): at least one cell wide.
            floor = max(_MIN_BW, 1.0 / dist.n_values) if dist.n_values else _MIN_BW
            bw = float(np.clip(bw, floor, max(_MAX_BW, floor)))
            self._bw_cache[key] = bw
        return bw

    def _prior_value(self, plan: tuple[Any, ...], name: str, dist: D.Distribution) -> Any:
        """A draw for ``name`` around the plan's centre, or _NO_FIT if the centre says nothing about it."""
        values: dict[str, Any] = plan[2]
        if name in values:
            return values[name]
        centre = self.prior_configs[plan[1]]
        if name not in centre:
            return _NO_FIT
        v = map_value(centre[name], dist)
        if v is _NO_FIT:
            return _NO_FIT
        if isinstance(dist, D.Categorical):
            if self._rng.random() < self.categorical_noise:
                v = dist.choices[int(self._rng.integers(len(dist.choices)))]
        elif (dist.n_values or 2) > 1:
            u = dist.to_unit(v) + self._rng.normal(0.0, self._bandwidth(name, dist))
            u = abs(u) if u < 0 else (2.0 - u if u > 1 else u)  # reflect at the borders
            v = dist.from_unit(min(max(u, 0.0), 1.0))
        values[name] = v
        return v

    # ---- the sampler hooks ------------------------------------------------------------------
    def before_trial(self, study: Study) -> None:
        self.base.before_trial(study)

    def propose(self, study: Study, trial: Trial) -> dict[str, Any]:
        plan = self._plan(study, trial)
        if plan[0] == "base":
            return self.base.propose(study, trial)
        dists = study.distributions
        out: dict[str, Any] = {}
        if plan[0] == "config":
            for name, value in plan[1].items():
                if name in dists:
                    v = map_value(value, dists[name])
                    if v is not _NO_FIT:
                        out[name] = v
            return out
        seen: set[str] | None = None
        for _ in range(10):
            out = {}
            plan[2].clear()
            for name, dist in dists.items():
                if isinstance(dist, D.Categorical) and dist.grid:
                    continue
                v = self._prior_value(plan, name, dist)
                if v is not _NO_FIT:
                    out[name] = v
            if not out:
                break
            # Re-draw a point the study has already tried (frequent on small lattices): it would teach nothing.
            if seen is None:
                seen = {json.dumps({k: t.params.get(k) for k in out}, sort_keys=True, default=str)
                        for t in study.get_trials() if t.number != trial.number}
            if json.dumps(out, sort_keys=True, default=str) not in seen:
                break
        return out

    def sample(self, study: Study, trial: Trial, name: str, distribution: D.Distribution) -> Any:
        plan = self._plan(study, trial)
        if plan[0] == "config" and name in plan[1]:
            v = map_value(plan[1][name], distribution)
            if v is not _NO_FIT:
                return v
        elif plan[0] == "prior":
            v = self._prior_value(plan, name, distribution)
            if v is not _NO_FIT:
                return v
        return self.base.sample(study, trial, name, distribution)

    def after_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._plans.pop((study._study_id, trial.number), None)
        self.base.after_trial(study, trial)

    def reseed(self, seed: int | None) -> None:
        self._rng = np.random.default_rng(seed)
        self.base.reseed(None if seed is None else seed + 7919)

    def describe(self) -> dict[str, Any]:
        return {
            "name": "WarmStartSampler", "base": self.base.describe(), "n0": self.n0,
            "n_prior_configs": len(self.prior_configs), "n_initial_configs": len(self.initial_configs),
            "adaptive": self.adaptive, "seed": self.seed,
        }

    def __getattr__(self, name: str) -> Any:
        # Base-specific attributes (e.g. AutoSampler.choice) stay reachable through the wrapper.
        if name.startswith("_") or name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)
