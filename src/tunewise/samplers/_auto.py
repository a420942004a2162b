"""AutoSampler: the default strategy, chosen per trial from the budget spent and the search space."""

from __future__ import annotations

import dataclasses
import logging
import statistics
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import Proposal, as_proposal
from tunewise.samplers._nsga import NSGAIISampler
from tunewise.samplers._qmc import CENTRE_MIN_DIMS, QMCSampler
from tunewise.samplers._tpe import TPESampler
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext
    from tunewise.trial import FrozenTrial

__all__ = ["AutoSampler"]

ATTR = "auto_sampler"
PLAN_ATTR = "auto_sampler_plan"
_LOG = logging.getLogger("tunewise")
# The strategy-by-budget table of the tuning guide, with the switch points we measured: a model is
# worth it as soon as it gets a few trials (GP BO beats Sobol at 30 trials on bbob), GP up to
# ``large_budget`` trials, then TPE; early stopping from there on, multi-fidelity from _VERY_LARGE.
_VERY_LARGE = 1000
# Plateaus (issue 18, sessions 23-24): when _TIE_REPEATS of the latest _TIE_WINDOW results each
# repeat an earlier result exactly, the next proposal comes from TPE instead of the GP. Trees,
# forests, k-NN and accuracies are flat over whole regions of their parameters; identical values
# read to a GP as a noiseless optimum whose edges it keeps probing (one run re-evaluated one
# plateau 12 times in a row). Measured: 0.986x / 0.965x the regret at 30 / 60 trials on real model
# tuning (probes 1-3, dev), dev bbob f7 (the step ellipsoid, 20 seeds) 1.08x / 0.97x, the other dev
# problems never repeat a value; held out (probe 4, 7 models run once): 0.95x / 0.98x
# (benchmarks/history/s24/README.md).
_TIE_WINDOW = 4
_TIE_REPEATS = 2


def _load_gp_sampler() -> type[Sampler] | None:
    try:
        from tunewise.samplers._gp import GPSampler
    except ImportError:
        return None
    return GPSampler


class AutoSampler(Sampler):
    """Pick the strategy that fits the study, and say why (the default of ``create_study``).

    The rules (thresholds measured with ``benchmarks/sample_efficiency.py``):

    1. the first trials: quasi-random Sobol points (:class:`QMCSampler`), which cover the space
       evenly before any model has data; from 5 parameters, none of them categorical, the
       second is the centre of the space instead (every range's midpoint, on the log scale for a
       log range; Ax starts there), closer to a random optimum in many dimensions than any Sobol
       point;
    2. unconditional spaces at small to medium budgets: Gaussian-process Bayesian optimization
       (:class:`GPSampler`), the most sample-efficient, on categorical parameters too; but when
       2 of the latest 4 results repeat earlier results exactly (a flat region: trees, forests,
       accuracies), that proposal comes from TPE, since a GP reads identical values as a
       noiseless optimum and keeps re-evaluating the plateau;
    3. TPE (:class:`TPESampler`) once the budget is large (GP's cost grows with the cube of the
       trials), or when the space is conditional, when many workers run in parallel (with several
       objectives: MO-TPE, also for a mostly categorical space);
    4. the same rules with several objectives (the GP models a random scalarization of them per
       proposal, ParEGO), and past ``multi_objective_large_budget`` finished trials NSGA-II
       (:class:`NSGAIISampler`), which breeds its generations from every trial so far and keeps
       improving the whole front.

    The choice and its reason are stored in ``study.system_attrs["auto_sampler"]`` whenever it
    changes, with the trial number where it happened.

    **The budget** of the running ``optimize()`` call (``n_trials``, ``max_trials``, or
    ``timeout`` divided by the measured wall time of a trial) sets the plan, after the tuning
    guide's strategy-by-budget table with our measured switch points: a budget that ends within
    the start-up trials is all Sobol points (no model would get data); up to ``large_budget``
    trials, GP BO; beyond, GP then TPE. When the objective reports intermediate values, more than
    ``large_budget`` trials are planned and no scheduler is set, the plan recommends early
    stopping (ASHA) or, from 1,000 trials, multi-fidelity search (BOHB + Hyperband, PBT); it
    never adds one by itself. The plan is logged once (one INFO line on the ``tunewise``
    logger), kept in :attr:`plan` and stored in ``study.system_attrs["auto_sampler_plan"]``.

    Args:
        seed: seed of every strategy's random stream.
        n_startup_trials: start-up trials (Sobol points, the centre among them from 5 numeric
            parameters) before a model is used; default ``min(10, 2 * d + 1)`` for ``d``
            parameters.
        large_budget: finished trials after which TPE takes over from GP.
        max_parallel_for_gp: more RUNNING trials than this switches to TPE (GP's batch
            proposals degrade with many pending points; TPE's constant liar does not).
        multi_objective_large_budget: finished trials of a multi-objective study after which
            NSGA-II takes over from MO-TPE.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=15)
    >>> study.system_attrs["auto_sampler"]["sampler"]
    'GPSampler'
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        n_startup_trials: int | None = None,
        large_budget: int = 200,
        max_parallel_for_gp: int = 8,
        multi_objective_large_budget: int = 1000,
    ) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if n_startup_trials is not None and (
            isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0
        ):
            raise ValueError(f"n_startup_trials must be a non-negative integer or None, got {n_startup_trials!r}")
        for name, value in (("large_budget", large_budget), ("max_parallel_for_gp", max_parallel_for_gp),
                            ("multi_objective_large_budget", multi_objective_large_budget)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.seed = seed
        self.n_startup_trials = n_startup_trials
        self.large_budget = large_budget
        self.max_parallel_for_gp = max_parallel_for_gp
        self.multi_objective_large_budget = multi_objective_large_budget
        self._nsga = NSGAIISampler(seed=seed)
        self._qmc = QMCSampler(seed=seed)
        self._qmc._centre_min_dims = CENTRE_MIN_DIMS
        self._tpe = TPESampler(seed=seed, n_startup_trials=0)
        self._gp: Sampler | None = None
        self._gp_checked = False
        self._current: Sampler = self._qmc
        self._choice: tuple[str, str] | None = None
        self._max_running = 0
        self._reseeded: tuple[int | None] | None = None
        self._sticky_tpe: str | None = None  # once TPE is chosen for a lasting reason, it stays
        self._plan: dict[str, Any] | None = None
        self._plan_changed = False

    @property
    def _centre_min_dims(self) -> int | None:
        return self._qmc._centre_min_dims

    @_centre_min_dims.setter
    def _centre_min_dims(self, value: int | None) -> None:  # dev variants of the benchmarks
        self._qmc._centre_min_dims = value

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._reseeded = (seed,)  # the GP may be created later, in this worker: reseed it then too
        for s in (self._qmc, self._tpe, self._gp, self._nsga):
            if s is not None:
                s.reseed(seed)

    def _gp_sampler(self) -> Sampler | None:
        if not self._gp_checked:
            self._gp_checked = True
            cls = _load_gp_sampler()
            if cls is not None:
                self._gp = cls(seed=self.seed, n_startup_trials=0)  # type: ignore[call-arg]
                if self._reseeded is not None:
                    self._gp.reseed(self._reseeded[0])
        return self._gp

    def _decide(self, study: StudyContext, trial: TrialContext) -> tuple[Sampler, str, str]:
        if self._sticky_tpe is not None and len(study.directions) == 1:  # (several: NSGA-II may come later)
            return self._tpe, "TPESampler", self._sticky_tpe
        dists = {n: d for n, d in study.distributions.items()
                 if not (isinstance(d, D.Categorical) and d.grid) and (d.n_values or 2) > 1}
        trials = study.get_trials()
        finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        # Self by id, not by number: reading a trial's predicted number ties the proposal to it (the
        # loop proposes again when another worker takes that number first).
        running = sum(1 for t in trials if t.state == TrialState.RUNNING
                      and not (trial.trial_id is not None and t.trial_id == trial.trial_id))
        self._max_running = max(self._max_running, running)
        d = max(len(dists), 1)
        n_startup = self.n_startup_trials if self.n_startup_trials is not None else min(10, 2 * d + 1)
        if dists:  # before the first trial's parameters are known, d (and so the start-up) is not
            plan = self._make_plan(study, trials, finished, max(n_startup, 2))
            if plan["strategy"] == "qmc" and len(study.directions) == 1:
                return self._qmc, "QMCSampler", plan["reason"]
        if len(finished) < max(n_startup, 2):
            return self._qmc, "QMCSampler", (
                f"first {max(n_startup, 2)} trials: a quasi-random Sobol design covers the space evenly "
                "before a model has data")
        reason = None
        n_cat = sum(isinstance(x, D.Categorical) for x in dists.values())
        conditional = [n for n in dists if any(n not in t.params for t in finished)]
        if len(study.directions) > 1:
            if len(finished) >= self.multi_objective_large_budget:
                return self._nsga, "NSGAIISampler", (
                    f"{len(study.directions)} objectives and a large budget ({len(finished)} finished trials >= "
                    f"{self.multi_objective_large_budget}): NSGA-II breeds the whole front from every trial so far")
        if len(finished) >= self.large_budget:
            reason = (f"large budget ({len(finished)} finished trials >= {self.large_budget}): TPE's cost "
                      "stays flat while a GP's grows with the cube of the trials")
        elif n_cat * 2 > len(dists) and len(study.directions) > 1:
            # With one objective the GP is kept: on held-out categorical/integer spaces (session 17)
            # it reached 0.50x / 0.63x the regret of TPE at 30 / 60 trials.
            reason = (f"mostly categorical space ({n_cat} of {len(dists)} parameters) with {len(study.directions)} "
                      "objectives: MO-TPE models choices natively")
        elif conditional:
            # The GP on trials whose inactive parameters hold a constant (s31 candidate I) failed its
            # dev bars: benchmarks/history/s31/auto_candidate_i.patch, auto_condgp.md. So did a GP per
            # branch (fitted on the trials of TPE's branch only, s33 candidate B: 1.84x the regret at
            # 30 trials on one dev problem): benchmarks/history/s33/auto_candidate_b.patch, auto_branch_gp.md.
            reason = (f"conditional space ({len(conditional)} parameters appear only in some trials, "
                      f"e.g. {sorted(conditional)[0]!r}): TPE models each branch separately")
        elif study.budget.n_jobs > self.max_parallel_for_gp:
            reason = (f"{study.budget.n_jobs} workers (> {self.max_parallel_for_gp}): TPE's constant liar "
                      "spreads many workers cheaply")
        elif self._max_running > self.max_parallel_for_gp:
            reason = (f"{self._max_running} trials running in parallel (> {self.max_parallel_for_gp}): "
                      "TPE's constant liar spreads many workers cheaply")
        if reason is None:
            gp = self._gp_sampler()
            if gp is not None and len(study.directions) == 1:
                repeats = _repeats(finished)
                if sum(repeats[-_TIE_WINDOW:]) >= _TIE_REPEATS:
                    return self._tpe, "TPESampler", (
                        f"{sum(repeats[-_TIE_WINDOW:])} of the latest {_TIE_WINDOW} results repeat earlier "
                        "results exactly: the objective is flat there, where a GP keeps re-evaluating the "
                        "plateau; this proposal comes from TPE")
            if gp is not None:
                several = (f" ({len(study.directions)} objectives: a random scalarization per proposal, ParEGO)"
                           if len(study.directions) > 1 else "")
                return gp, "GPSampler", (
                    f"{len(finished)} finished trials over {len(dists)} mostly numeric parameters: "
                    f"Gaussian-process BO is the most sample-efficient at this budget{several}")
            reason = "GPSampler is not available: TPE instead"
        self._sticky_tpe = reason
        return self._tpe, "TPESampler", reason

    def _make_plan(self, study: StudyContext, trials: list[FrozenTrial], finished: list[FrozenTrial],
                   n_startup: int) -> dict[str, Any]:
        """The strategy for the planned budget (the tuning guide's strategy-by-budget table)."""
        budget = study.budget
        started = sum(1 for t in trials if t.state != TrialState.WAITING)
        trial_seconds = _trial_seconds(finished)
        planned = budget.planned_trials(started, trial_seconds)
        earlier = f" after {budget.first_trial} earlier trials" if budget.first_trial else ""
        sources = [f"n_trials={budget.n_trials}{earlier}" if budget.n_trials is not None else "",
                   f"max_trials={budget.max_trials}" if budget.max_trials is not None else "",
                   "timeout" + (f" ({trial_seconds:.3g} s per trial so far)" if trial_seconds else "")
                   if budget.deadline is not None else ""]
        source = ", ".join(x for x in sources if x) or "none given"
        if planned is None:
            strategy, reason = "bo", (f"no trial budget known ({source}): Sobol first, then Gaussian-process BO "
                                      f"up to {self.large_budget} finished trials, then TPE")
        elif planned <= n_startup:
            strategy, reason = "qmc", (f"tiny budget ({planned} trials; {source}): it ends before a model has "
                                       f"data ({n_startup} start-up trials), so quasi-random Sobol points cover the "
                                       "space evenly for all of them")
        elif planned <= self.large_budget:
            strategy, reason = "bo", (f"budget of {planned} trials ({source}): {n_startup} Sobol trials, then "
                                      "Gaussian-process BO, the most sample-efficient at 10-200 trials")
        else:
            strategy, reason = "bo-then-tpe", (
                f"large budget ({planned} trials; {source}): {n_startup} Sobol trials, Gaussian-process BO up to "
                f"{self.large_budget} finished trials, then TPE (a GP's cost grows with the cube of the trials)")
        reports = any(t.intermediate_values for t in finished[-20:])
        recommendation = None
        if reports and budget.scheduler is None and planned is not None and planned > self.large_budget:
            if planned >= _VERY_LARGE:
                recommendation = (f"the objective reports intermediate values and {planned} trials are planned: "
                                  "multi-fidelity search would spend them better, e.g. create_study(sampler="
                                  "tw.samplers.BOHBSampler(), scheduler=tw.schedulers.HyperbandScheduler(...)) or "
                                  "population-based training (tw.schedulers.PBTScheduler); the study was given no "
                                  "scheduler")
            else:
                recommendation = (f"the objective reports intermediate values and {planned} trials are planned: "
                                  "early stopping would spend them better, e.g. create_study(scheduler="
                                  "tw.schedulers.ASHAScheduler(...)); the study was given no scheduler")
        plan = {"strategy": strategy, "reason": reason, "planned_trials": planned, "budget": source,
                "trial_seconds": trial_seconds, "recommendation": recommendation}
        # Logged (and stored) when the strategy or the recommendation changes, not when only the
        # measured cost per trial moves the planned count: with a timeout that is every trial.
        if self._plan is None or (plan["strategy"], recommendation) != (self._plan["strategy"],
                                                                        self._plan["recommendation"]):
            _LOG.info("AutoSampler plan: %s%s", reason, f". Recommendation: {recommendation}" if recommendation else "")
            self._plan_changed = True
        self._plan = plan
        return plan

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        self._plan_changed = False
        sampler, name, reason = self._decide(study, trial)
        self._current = sampler
        record = None
        if self._choice is None or self._choice[0] != name:
            stored = study.system_attrs.get(ATTR)
            if not (isinstance(stored, dict) and stored.get("sampler") == name):
                history = list(stored.get("history", [])) if isinstance(stored, dict) else []
                history.append({"sampler": name, "from_trial": trial.number})
                record = {"sampler": name, "reason": reason, "from_trial": trial.number, "history": history}
        proposal = sampler.propose(study, trial)
        self._choice = (name, reason)
        attrs: dict[str, Any] = {}
        if record is not None:
            attrs[ATTR] = record
        if self._plan_changed and self._plan is not None:
            attrs[PLAN_ATTR] = {**self._plan, "from_trial": trial.number}
        if not attrs:
            return proposal
        # The choice and the plan are recorded with the study (the loop writes them) when they change.
        proposal = as_proposal(proposal, sampler)
        return dataclasses.replace(proposal, study_attrs={**proposal.study_attrs, **attrs})

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return self._current.sample(study, trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        for s in (self._qmc, self._tpe, self._gp, self._nsga):
            if s is not None:
                s.after_trial(study, trial)

    @property
    def plan(self) -> dict[str, Any] | None:
        """The strategy planned for the budget of the running ``optimize()`` call and why (None
        before the first proposal): ``strategy`` (``"qmc"``, ``"bo"`` or ``"bo-then-tpe"``),
        ``reason``, ``planned_trials`` (None: no budget given), ``budget`` (where it comes from),
        ``trial_seconds`` (measured wall time of a trial) and ``recommendation`` (a scheduler
        that would spend the budget better, when the objective reports steps and none is set;
        never added silently). Also stored as ``study.system_attrs["auto_sampler_plan"]``.

        >>> import tunewise as tw
        >>> sampler = tw.samplers.AutoSampler(seed=0)
        >>> study = tw.create_study(sampler=sampler)
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=4)
        >>> sampler.plan["strategy"], sampler.plan["planned_trials"]
        ('qmc', 4)
        """
        return None if self._plan is None else dict(self._plan)

    @property
    def choice(self) -> dict[str, str] | None:
        """The strategy used for the latest proposal and why (None before the first)."""
        return None if self._choice is None else {"sampler": self._choice[0], "reason": self._choice[1]}

    def describe(self) -> dict[str, Any]:
        return {"name": "AutoSampler", "seed": self.seed, "n_startup_trials": self.n_startup_trials,
                "large_budget": self.large_budget, "max_parallel_for_gp": self.max_parallel_for_gp,
                "multi_objective_large_budget": self.multi_objective_large_budget}


def _repeats(finished: list[FrozenTrial]) -> list[bool]:
    """Per COMPLETE single-objective trial, in order: does its value repeat an earlier one exactly?

    >>> from tunewise.trial import FrozenTrial
    >>> done = [FrozenTrial(number=i, trial_id=i, state=TrialState.COMPLETE, values=[v])
    ...         for i, v in enumerate([1.0, 2.0, 1.0])]
    >>> _repeats(done)
    [False, False, True]
    """
    seen: set[float] = set()
    out = []
    for t in finished:
        if t.state != TrialState.COMPLETE or t.values is None or len(t.values) != 1:
            continue
        value = float(t.values[0])
        out.append(value in seen)
        seen.add(value)
    return out


def _trial_seconds(finished: list[FrozenTrial]) -> float | None:
    """Median wall time of the latest finished trials (None before any)."""
    spans = [t.datetime_complete_ts - t.datetime_start_ts for t in finished[-20:]
             if t.datetime_start_ts is not None and t.datetime_complete_ts is not None]
    return float(statistics.median(spans)) if spans else None
