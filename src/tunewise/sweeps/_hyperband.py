"""``early_terminate: {type: hyperband}`` as W&B's engine decides it (wandb/sweeps
``hyperband_stop_runs``), fractional ``eta`` included."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tunewise.schedulers import Decision, Scheduler, SchedulerContext
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["WandbHyperband", "hyperband_bands"]

# Every trial whose reports W&B would read: W&B ranks against all runs of the sweep.
_READ = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


def hyperband_bands(et: Mapping[str, Any]) -> list[int]:
    """The iterations (``k``-th report of the metric) at which W&B's hyperband ranks runs.

    ``max_iter`` with ``s``: ``int(max_iter / eta**i)`` for ``i = 1..s`` while at least 1;
    ``min_iter``: ``int(min_iter * eta**k)`` for ``k = 0..99`` (W&B's list). ``eta`` may be any
    number above 1 (W&B's schema: ``exclusiveMinimum: 1``, default 3), e.g. 1.5.

    >>> hyperband_bands({"max_iter": 27, "s": 2, "eta": 3})
    [3, 9]
    >>> hyperband_bands({"min_iter": 2, "eta": 1.5})[:6]
    [2, 3, 4, 6, 10, 15]
    """
    eta = et.get("eta", 3)
    if et.get("max_iter") is not None and et.get("s") is not None:
        band, bands = float(et["max_iter"]), []
        for _ in range(int(et["s"])):
            band /= eta
            if band < 1:
                break
            bands.append(int(band))
        return sorted(bands)
    # min_iter (W&B would need s to go with max_iter: alone, its engine stops at a KeyError;
    # here max_iter then ends the bands).
    band, bands = float(et["min_iter"]), []
    top = et.get("max_iter")
    for _ in range(100):
        if top is not None and band >= top:
            break
        bands.append(int(band))
        band *= eta
    return bands


class WandbHyperband(Scheduler):
    """W&B's hyperband stopping rule (Li et al. 2018, as wandb/sweeps implements it).

    A run's iterations are its reports of the metric in order (the ``k``-th ``wandb.log`` of it
    is iteration ``k``). At each band ``b`` the threshold is ``sorted(v_b)[int(len(v_b) / eta)]``
    over the value at iteration ``b`` of every run that reached it (this one included, finished
    and stopped runs too); a run past band ``b`` (the last it reached) is stopped when its value
    there (``strict``, W&B's default; else its best value so far) is worse than the threshold.
    W&B's controller applies the rule to every running run every few seconds; tunewise applies
    it at each report of the run, with the thresholds of that moment.

    >>> import tunewise as tw
    >>> sched = WandbHyperband({"type": "hyperband", "min_iter": 1, "eta": 2})
    >>> study = tw.create_study(scheduler=sched)
    >>> for losses in ([1.0, 0.5], [2.0, 1.0], [3.0, 2.0]):
    ...     t = study.ask()
    ...     for k, v in enumerate(losses, 1):
    ...         t.report(v, k)
    ...         if t.should_prune():
    ...             break
    ...     _ = study.tell(t, v, state=tw.TrialState.PRUNED if t.should_prune() else None)
    >>> [t.state.name for t in study.trials]
    ['COMPLETE', 'COMPLETE', 'PRUNED']
    """

    def __init__(self, early_terminate: Mapping[str, Any]) -> None:
        self.early_terminate = dict(early_terminate)
        self.eta = float(self.early_terminate.get("eta", 3))
        self.strict = self.early_terminate.get("strict", True) is True
        self.bands = hyperband_bands(self.early_terminate)
        if not self.bands:
            raise ValueError(f"early_terminate {self.early_terminate!r} gives no band of at least 1 iteration")

    def describe(self) -> dict[str, Any]:
        return {"name": "hyperband (W&B)", "bands": self.bands, "eta": self.eta, "strict": self.strict}

    @staticmethod
    def _history(trial: FrozenTrial, sign: float) -> list[float]:
        values = trial.intermediate_values
        # W&B reads only finite values (``filter_invalid``): a NaN or inf report is no iteration.
        return [sign * float(values[s]) for s in sorted(values) if math.isfinite(float(values[s]))]

    def thresholds(self, ctx: SchedulerContext, trial: FrozenTrial | None = None) -> list[float]:
        """The threshold at each band (``inf`` where no run reached it yet), in the objective's
        sign for minimization (maximized metrics are negated, as W&B does)."""
        sign = 1.0 if list(ctx.directions) == ["minimize"] else -1.0
        cache = ctx.scratch(self)
        done: dict[int, list[float]] = cache.setdefault("finished", {})
        histories = []
        for t in ctx.get_trials(states=_READ):
            if trial is not None and t.number == trial.number:
                continue
            if t.state.is_finished():
                if t.trial_id not in done:
                    done[t.trial_id] = self._history(t, sign)
                histories.append(done[t.trial_id])
            else:
                histories.append(self._history(t, sign))
        if trial is not None:
            histories.append(self._history(trial, sign))
        out = []
        for band in self.bands:
            at_band = sorted(h[band - 1] for h in histories if len(h) >= band)
            out.append(at_band[int(1.0 / self.eta * len(at_band))] if at_band else math.inf)
        return out

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        sign = 1.0 if list(ctx.directions) == ["minimize"] else -1.0
        history = self._history(trial, sign)
        if len(history) < self.bands[0]:
            return Decision.CONTINUE
        thresholds = self.thresholds(ctx, trial)
        passed = [(b, th) for b, th in zip(self.bands, thresholds, strict=True) if b <= len(history)]
        band, threshold = passed[-1]
        value = history[band - 1] if self.strict else min(history)
        if value > threshold:
            return Decision.stop({"hyperband": {"band": band, "value": sign * value, "threshold": sign * threshold}})
        return Decision.CONTINUE
