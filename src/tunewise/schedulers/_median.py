"""Median and percentile stopping (Golovin et al. 2017, "Google Vizier", Sec. 3.2.2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise.schedulers._base import Scheduler, _check_int, _check_number, _sign
from tunewise.schedulers._decision import Decision
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.schedulers._context import SchedulerContext
    from tunewise.trial import FrozenTrial

_OTHERS = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING)
_COMPLETE = (TrialState.COMPLETE,)


class PercentileScheduler(Scheduler):
    """Stop a trial whose best value so far is outside the best ``percentile`` % of the other
    trials' values at the same step.

    ``percentile=50`` is the median rule. Other trials are every COMPLETE, PRUNED or RUNNING
    trial that reported at exactly that step. Pruning starts once ``n_startup_trials`` (and at
    least one) trials are COMPLETE, at steps ``>= n_warmup_steps``, and then once in every
    ``interval_steps`` steps: at the first step reported in each interval
    ``[n_warmup_steps + j * interval_steps, n_warmup_steps + (j + 1) * interval_steps)``, as in
    Optuna (with a report at every step, every ``interval_steps``-th step); at least
    ``n_min_trials`` other values must exist at the step.

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.schedulers.PercentileScheduler(25.0, n_startup_trials=2))
    """

    # Whose values at the step the trial is compared with (Optuna's pruners: COMPLETE only).
    _peer_states: tuple[TrialState, ...] = _OTHERS

    def __init__(self, percentile: float, n_startup_trials: int = 5, n_warmup_steps: int = 0,
                 interval_steps: int = 1, *, n_min_trials: int = 1) -> None:
        p = _check_number("percentile", percentile, 0.0)
        if p > 100.0:
            raise ValueError(f"percentile must be in [0, 100], got {percentile!r}")
        self.percentile = p
        self.n_startup_trials = _check_int("n_startup_trials", n_startup_trials, 0)
        self.n_warmup_steps = _check_int("n_warmup_steps", n_warmup_steps, 0)
        self.interval_steps = _check_int("interval_steps", interval_steps, 1)
        self.n_min_trials = _check_int("n_min_trials", n_min_trials, 1)

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        values = trial.intermediate_values
        if not values:
            return Decision.CONTINUE
        sign = _sign(ctx)  # first: a multi-objective study is refused at its first decision
        step = max(values)
        if step < self.n_warmup_steps:
            return Decision.CONTINUE
        # Decide at the first step reported in each interval, so sparse reports are still judged.
        interval_start = (step - self.n_warmup_steps) // self.interval_steps * self.interval_steps \
            + self.n_warmup_steps
        if max((s for s in values if s != step), default=-1) >= interval_start:
            return Decision.CONTINUE
        # Peers COMPLETE only (Optuna's pruners): one read gives both the count and the peers.
        complete = ctx.get_trials(states=_COMPLETE) if self._peer_states == _COMPLETE else None
        n_complete = len(complete) if complete is not None else ctx.count_trials(_COMPLETE)
        if n_complete == 0 or n_complete < self.n_startup_trials:
            return Decision.CONTINUE
        # NaN reports (recorded, as in Optuna) count as the worst: a trial with only NaN so far
        # stops, and others' NaN values are left out of the percentile.
        own = [sign * v for v in values.values() if v == v]
        if not own:
            return Decision.stop()
        others = self._peer_values(ctx, trial, step, complete)
        if len(others) < self.n_min_trials:
            return Decision.CONTINUE
        best = min(own)  # the trial's best so far, as a loss
        # "Keep the best p %": for a loss that is the p-th percentile of the others' losses.
        threshold = float(np.percentile(sign * np.asarray(others, dtype=float), self.percentile))
        return Decision.stop() if best > threshold else Decision.CONTINUE

    def _peer_values(self, ctx: SchedulerContext, trial: FrozenTrial, step: int,
                     trials: list[FrozenTrial] | None = None) -> list[float]:
        """The values (NaN left out) the other trials in ``_peer_states`` (``trials``, when read
        already) reported at ``step``.

        A finished trial's reports never change: each is read once per study and process, into
        the context's scratch (step -> values); only unfinished trials are read at every decision.
        Before, every decision looked up the step in every peer's reports (two lookups a trial:
        at 2,000 trials that was most of the cost of a report; the cost grew with the study).
        """
        cache = ctx.scratch(self)
        seen: set[int] = cache.setdefault("seen", set())
        by_step: dict[int, list[float]] = cache.setdefault("by_step", {})
        if trials is None:
            trials = ctx.get_trials(states=self._peer_states)
        if trial.state.is_finished():  # (not from the loop) a finished trial is not its own peer
            return [t.reports[step] for t in trials
                    if t.number != trial.number and step in t.reports and t.reports[step] == t.reports[step]]
        scan: Iterable[FrozenTrial] = trials
        new = len(trials)  # at most this many not seen yet
        if all(s.is_finished() for s in self._peer_states):
            # Every peer finished (COMPLETE only): the trials seen stay in ``trials``, so exactly
            # this many are new, most often the last ones (numbers follow the starts).
            new, scan = len(trials) - len(seen), reversed(trials)
        running: list[float] = []
        for t in scan:
            if new == 0:
                break
            if t.trial_id in seen:
                continue
            new -= 1
            reports = t.reports
            if t.state.is_finished():
                seen.add(t.trial_id)
                for s, v in reports.items():
                    if v == v:
                        by_step.setdefault(s, []).append(v)
            elif t.number != trial.number and step in reports:
                v = reports[step]
                if v == v:
                    running.append(v)
        return by_step.get(step, []) + running

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "percentile": self.percentile,
                "n_startup_trials": self.n_startup_trials, "n_warmup_steps": self.n_warmup_steps,
                "interval_steps": self.interval_steps, "n_min_trials": self.n_min_trials}


class MedianScheduler(PercentileScheduler):
    """Stop a trial whose best value so far is worse than the median of the other trials'
    values at the same step (``PercentileScheduler(50)``).

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=5, n_warmup_steps=2))
    """

    def __init__(self, n_startup_trials: int = 5, n_warmup_steps: int = 0, interval_steps: int = 1,
                 *, n_min_trials: int = 1) -> None:
        super().__init__(50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials)

    def describe(self) -> dict[str, Any]:
        d = super().describe()
        d.pop("percentile")
        return d
