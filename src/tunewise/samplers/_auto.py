"""AutoSampler: the default strategy, chosen per trial from the budget spent and the search space."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import Proposal, as_proposal
from tunewise.samplers._qmc import QMCSampler
from tunewise.samplers._tpe import TPESampler
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext
    from tunewise.trial import FrozenTrial

__all__ = ["AutoSampler"]

ATTR = "auto_sampler"


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
       evenly before any model has data;
    2. mostly numeric, unconditional, single-objective spaces at small to medium budgets:
       Gaussian-process Bayesian optimization (:class:`GPSampler`), the most sample-efficient;
    3. TPE (:class:`TPESampler`) once the budget is large (GP's cost grows with the cube of the
       trials), or when the space is mostly categorical or conditional, when many workers run in
       parallel, or when there are several objectives.

    The choice and its reason are stored in ``study.system_attrs["auto_sampler"]`` whenever it
    changes, with the trial number where it happened.

    Args:
        seed: seed of every strategy's random stream.
        n_startup_trials: Sobol trials before a model is used; default ``min(10, 2 * d + 1)``
            for ``d`` parameters.
        large_budget: finished trials after which TPE takes over from GP.
        max_parallel_for_gp: more RUNNING trials than this switches to TPE (GP's batch
            proposals degrade with many pending points; TPE's constant liar does not).

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
    ) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if n_startup_trials is not None and (
            isinstance(n_startup_trials, bool) or not isinstance(n_startup_trials, int) or n_startup_trials < 0
        ):
            raise ValueError(f"n_startup_trials must be a non-negative integer or None, got {n_startup_trials!r}")
        for name, value in (("large_budget", large_budget), ("max_parallel_for_gp", max_parallel_for_gp)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.seed = seed
        self.n_startup_trials = n_startup_trials
        self.large_budget = large_budget
        self.max_parallel_for_gp = max_parallel_for_gp
        self._qmc = QMCSampler(seed=seed)
        self._tpe = TPESampler(seed=seed, n_startup_trials=0)
        self._gp: Sampler | None = None
        self._gp_checked = False
        self._current: Sampler = self._qmc
        self._choice: tuple[str, str] | None = None
        self._max_running = 0
        self._reseeded: tuple[int | None] | None = None
        self._sticky_tpe: str | None = None  # once TPE is chosen for a lasting reason, it stays

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._reseeded = (seed,)  # the GP may be created later, in this worker: reseed it then too
        for s in (self._qmc, self._tpe, self._gp):
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
        if self._sticky_tpe is not None:
            return self._tpe, "TPESampler", self._sticky_tpe
        dists = {n: d for n, d in study.distributions.items()
                 if not (isinstance(d, D.Categorical) and d.grid) and (d.n_values or 2) > 1}
        trials = study.get_trials()
        finished = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        running = sum(1 for t in trials if t.state == TrialState.RUNNING and t.number != trial.number)
        self._max_running = max(self._max_running, running)
        d = max(len(dists), 1)
        n_startup = self.n_startup_trials if self.n_startup_trials is not None else min(10, 2 * d + 1)
        if len(finished) < max(n_startup, 2):
            return self._qmc, "QMCSampler", (
                f"first {max(n_startup, 2)} trials: a quasi-random Sobol design covers the space evenly "
                "before a model has data")
        reason = None
        n_cat = sum(isinstance(x, D.Categorical) for x in dists.values())
        conditional = [n for n in dists if any(n not in t.params for t in finished)]
        if len(study.directions) > 1:
            reason = f"{len(study.directions)} objectives: TPE ranks trials by Pareto front"
        elif len(finished) >= self.large_budget:
            reason = (f"large budget ({len(finished)} finished trials >= {self.large_budget}): TPE's cost "
                      "stays flat while a GP's grows with the cube of the trials")
        elif n_cat * 2 > len(dists):
            reason = f"mostly categorical space ({n_cat} of {len(dists)} parameters): TPE models choices natively"
        elif conditional:
            reason = (f"conditional space ({len(conditional)} parameters appear only in some trials, "
                      f"e.g. {sorted(conditional)[0]!r}): TPE models each branch separately")
        elif self._max_running > self.max_parallel_for_gp:
            reason = (f"{self._max_running} trials running in parallel (> {self.max_parallel_for_gp}): "
                      "TPE's constant liar spreads many workers cheaply")
        if reason is None:
            gp = self._gp_sampler()
            if gp is not None:
                return gp, "GPSampler", (
                    f"{len(finished)} finished trials over {len(dists)} mostly numeric parameters: "
                    "Gaussian-process BO is the most sample-efficient at this budget")
            reason = "GPSampler is not available: TPE instead"
        self._sticky_tpe = reason
        return self._tpe, "TPESampler", reason

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
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
        if record is None:
            return proposal
        # The choice is recorded with the study (the loop writes it) when it changes.
        proposal = as_proposal(proposal, sampler)
        return dataclasses.replace(proposal, study_attrs={**proposal.study_attrs, ATTR: record})

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return self._current.sample(study, trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        for s in (self._qmc, self._tpe, self._gp):
            if s is not None:
                s.after_trial(study, trial)

    @property
    def choice(self) -> dict[str, str] | None:
        """The strategy used for the latest proposal and why (None before the first)."""
        return None if self._choice is None else {"sampler": self._choice[0], "reason": self._choice[1]}

    def describe(self) -> dict[str, Any]:
        return {"name": "AutoSampler", "seed": self.seed, "n_startup_trials": self.n_startup_trials,
                "large_budget": self.large_budget, "max_parallel_for_gp": self.max_parallel_for_gp}
