"""Step-wise pruning rules for the integrations (cross-validation folds, epochs): :class:`StepPruner`.

A "step" is whatever the integration reports: a cross-validation fold (SearchCV,
``cross_validate_objective``) or an epoch (the PyTorch tuner). Both rules compare a trial only
with other trials *at the same step*, which is what makes fold-wise pruning fair: fold ``k`` is
the same split for every trial.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from tunewise.schedulers._base import Scheduler, _sign
from tunewise.schedulers._decision import Decision
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.schedulers._context import SchedulerContext
    from tunewise.trial import FrozenTrial

_RULES = ("median", "halving")
_COMPLETE = (TrialState.COMPLETE,)


class StepPruner(Scheduler):
    """Median or successive-halving pruning on the value a trial reports at each step.

    ``rule="median"`` stops a trial whose report at step ``k`` is worse than the median of the
    COMPLETE trials' reports at step ``k`` (the median stopping rule, Golovin et al. 2017,
    "Google Vizier", sec. 3.2), once ``n_startup_trials`` trials are complete and from step
    ``n_warmup_steps`` on. Unlike :class:`MedianScheduler` it judges the trial's value at the
    step (not its best so far) against finished trials only: a fold's score says nothing about
    the next fold's.

    ``rule="halving"`` is asynchronous successive halving (Li et al. 2020, "A System for
    Massively Parallel Hyperparameter Tuning", Alg. 2, stopping form): rungs sit after
    ``min_steps * eta**i`` steps; at a rung a trial continues only if it is among the best
    ``max(1, n // eta)`` of the ``n`` trials that have reached that rung (any state).

    >>> StepPruner("halving", eta=2).rung_steps(5)
    [0, 1, 3]
    """

    def __init__(self, rule: str = "median", *, n_startup_trials: int = 4, n_warmup_steps: int = 0,
                 eta: int = 3, min_steps: int = 1) -> None:
        if rule not in _RULES:
            raise ValueError(f"rule must be one of {list(_RULES)}, got {rule!r}")
        for name, value, low in (("n_startup_trials", n_startup_trials, 0), ("n_warmup_steps", n_warmup_steps, 0),
                                 ("eta", eta, 2), ("min_steps", min_steps, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        self.rule = rule
        self.n_startup_trials = n_startup_trials
        self.n_warmup_steps = n_warmup_steps
        self.eta = eta
        self.min_steps = min_steps

    def rung_steps(self, n_steps: int) -> list[int]:
        """The 0-based steps at which the halving rule decides, for a run of ``n_steps`` steps."""
        out, r = [], self.min_steps
        while r < n_steps:
            out.append(r - 1)
            r *= self.eta
        return out

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        if not trial.intermediate_values:
            return Decision.CONTINUE
        maximize = _sign(ctx) < 0  # first: a multi-objective study is refused at its first decision
        step = max(trial.intermediate_values)
        value = trial.intermediate_values[step]
        if step < self.n_warmup_steps or math.isnan(value):
            return Decision.CONTINUE
        prune = self._median(ctx, trial, step, value, maximize) if self.rule == "median" else \
            self._halving(ctx, trial, step, value, maximize)
        return Decision.stop() if prune else Decision.CONTINUE

    def _median(self, ctx: SchedulerContext, trial: FrozenTrial, step: int, value: float, maximize: bool) -> bool:
        complete = ctx.get_trials(states=_COMPLETE)
        peers = [t.reports[step] for t in complete if step in t.reports and t.number != trial.number]
        if len(complete) < max(1, self.n_startup_trials) or not peers:
            return False
        peers.sort()
        mid = len(peers) // 2
        median = peers[mid] if len(peers) % 2 else 0.5 * (peers[mid - 1] + peers[mid])
        return value < median if maximize else value > median

    def _halving(self, ctx: SchedulerContext, trial: FrozenTrial, step: int, value: float, maximize: bool) -> bool:
        # Decide only on a rung: 1-based step r = min_steps * eta**i.
        r = step + 1
        if r < self.min_steps or r % self.min_steps:
            return False
        k = r // self.min_steps
        while k > 1 and k % self.eta == 0:
            k //= self.eta
        if k != 1:
            return False
        peers = [t.reports[step] for t in ctx.get_trials() if t.number != trial.number and step in t.reports]
        peers = [p for p in peers if not math.isnan(p)]
        if len(peers) + 1 < max(1, self.n_startup_trials):
            return False
        keep = max(1, (len(peers) + 1) // self.eta)
        ranked = sorted(peers + [value], reverse=maximize)
        threshold = ranked[keep - 1]
        return value < threshold if maximize else value > threshold

    def describe(self) -> dict[str, Any]:
        return {"name": "StepPruner", "rule": self.rule, "n_startup_trials": self.n_startup_trials,
                "n_warmup_steps": self.n_warmup_steps, "eta": self.eta, "min_steps": self.min_steps}
