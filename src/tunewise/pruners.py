"""Optuna's pruner names, with Optuna's constructor keywords, as tunewise schedulers.

Code written for ``optuna.pruners`` runs unchanged against ``tunewise.pruners``: each class
here *is* a :mod:`tunewise.schedulers` scheduler (pass it as ``create_study(pruner=...)``), with
the keywords and defaults Optuna documents.

>>> import tunewise as tw
>>> pruner = tw.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=10)
>>> isinstance(pruner, tw.schedulers.MedianScheduler)
True
>>> study = tw.create_study(pruner=pruner)

========================================  ==================================================
``MedianPruner``, ``PercentilePruner``    :class:`~tunewise.schedulers.MedianScheduler`,
                                          :class:`~tunewise.schedulers.PercentileScheduler`
``SuccessiveHalvingPruner``               :class:`~tunewise.schedulers.ASHAScheduler` (stop mode)
``HyperbandPruner``                       :class:`~tunewise.schedulers.HyperbandScheduler`
``PatientPruner``                         :class:`~tunewise.schedulers.PatienceScheduler`
``ThresholdPruner``, ``NopPruner``,       defined here
``WilcoxonPruner``
``BasePruner``                            :class:`~tunewise.schedulers.Scheduler`
========================================  ==================================================

Without any pruner, a trial that calls ``should_prune()`` is judged by the median rule with
these defaults (as in Optuna); ``NopPruner()`` turns pruning off.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunewise.schedulers import (
    ASHAScheduler,
    Continuation,
    Decision,
    HyperbandScheduler,
    MedianScheduler,
    PatienceScheduler,
    PercentileScheduler,
    Scheduler,
)
from tunewise.schedulers._base import _INNER_DECISIONS, _sign
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.schedulers import SchedulerContext
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

__all__ = [
    "BasePruner",
    "HyperbandPruner",
    "MedianPruner",
    "NopPruner",
    "PatientPruner",
    "PercentilePruner",
    "SuccessiveHalvingPruner",
    "ThresholdPruner",
    "WilcoxonPruner",
]

class _PrunerType(type):
    """Every tunewise scheduler is an Optuna pruner: ``isinstance(tw.pruners.MedianPruner(), BasePruner)``."""

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Scheduler) if cls is BasePruner else super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, Scheduler) if cls is BasePruner else super().__subclasscheck__(sub)


class BasePruner(Scheduler, metaclass=_PrunerType):
    """Optuna's pruner interface: subclass it and implement ``prune(study, trial) -> bool``.

    ``trial.should_prune()`` calls ``prune`` with a read-only view of the study (``get_trials``,
    ``trials``, ``direction``, ``directions``, ``study_name``, ``distributions``; the
    :class:`~tunewise.schedulers.SchedulerContext` every scheduler gets) and the reporting trial
    as a :class:`~tunewise.trial.FrozenTrial` (``number``, ``params``, ``intermediate_values``,
    ``last_step``); True stops the trial. A subclass may implement tunewise's
    ``on_report(ctx, trial) -> Decision`` instead. Every tunewise scheduler counts as a
    ``BasePruner`` (``isinstance``), as Optuna's pruners do.

    >>> import tunewise as tw
    >>> class AboveOne(tw.pruners.BasePruner):
    ...     def prune(self, study, trial):
    ...         return trial.intermediate_values[trial.last_step] > 1.0
    >>> study = tw.create_study(pruner=AboveOne())
    >>> t = study.ask()
    >>> t.report(0.5, 0); t.should_prune()
    False
    >>> t.report(2.0, 1); t.should_prune()
    True
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> BasePruner:
        if cls.prune is BasePruner.prune and cls.on_report is BasePruner.on_report and \
                cls.should_prune is Scheduler.should_prune:
            raise TypeError(f"{cls.__name__} must implement prune(study, trial) -> bool (Optuna's pruner "
                            f"interface) or on_report(ctx, trial) -> Decision")
        return super().__new__(cls)  # type: ignore[return-value]

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        inner: list[Decision] = []
        token = _INNER_DECISIONS.set(inner)
        try:
            stop = self.prune(ctx, trial)
        finally:
            _INNER_DECISIONS.reset(token)
        attrs: dict[str, Any] = {}
        for decision in inner:  # built-in pruners this one asked: what they record, it records
            attrs.update(decision.attrs)
        publish = any(decision.publish for decision in inner)
        return Decision.stop(attrs, publish=publish) if stop else Decision.proceed(attrs, publish=publish)

    def prune(self, study: Study | SchedulerContext, trial: FrozenTrial | Trial) -> bool:
        """Whether to stop ``trial`` (which has just reported) now; ``trial.should_prune()`` passes
        the study's :class:`~tunewise.schedulers.SchedulerContext` and a FrozenTrial."""
        raise NotImplementedError(f"{type(self).__name__}.prune(study, trial) is not implemented")

# Optuna's SuccessiveHalvingPruner has no last rung; ours needs one: far beyond any step.
_NO_MAX_RESOURCE = 10**9


class MedianPruner(MedianScheduler):
    """Optuna's ``MedianPruner(n_startup_trials=5, n_warmup_steps=0, interval_steps=1, *, n_min_trials=1)``.

    As in Optuna, a trial is compared with the COMPLETE trials' values at its step only
    (:class:`~tunewise.schedulers.MedianScheduler` also counts PRUNED and RUNNING trials).

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1))
    """

    _peer_states = (TrialState.COMPLETE,)


class PercentilePruner(PercentileScheduler):
    """Optuna's ``PercentilePruner(percentile, n_startup_trials=5, n_warmup_steps=0, interval_steps=1, *,
    n_min_trials=1)``: compared with the COMPLETE trials' values at the step, as in Optuna."""

    _peer_states = (TrialState.COMPLETE,)


class NopPruner(Scheduler):
    """Never prunes (and, passed as the pruner, turns the default median rule off).

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.pruners.NopPruner())
    """

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        return Decision.CONTINUE


class ThresholdPruner(Scheduler):
    """Prune a trial whose latest value is below ``lower``, above ``upper``, or NaN (Optuna's
    ``ThresholdPruner(lower=None, upper=None, n_warmup_steps=0, interval_steps=1)``).

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.pruners.ThresholdPruner(upper=1.0))
    """

    def __init__(self, lower: float | None = None, upper: float | None = None, n_warmup_steps: int = 0,
                 interval_steps: int = 1) -> None:
        if lower is None and upper is None:
            raise TypeError("ThresholdPruner needs lower=, upper= or both")
        for name, v in (("lower", lower), ("upper", upper)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise TypeError(f"{name} must be a number or None, got {v!r}")
        if lower is not None and upper is not None and lower > upper:
            raise ValueError(f"lower must not exceed upper, got lower={lower!r}, upper={upper!r}")
        if isinstance(n_warmup_steps, bool) or not isinstance(n_warmup_steps, int) or n_warmup_steps < 0:
            raise ValueError(f"n_warmup_steps must be a non-negative integer, got {n_warmup_steps!r}")
        if isinstance(interval_steps, bool) or not isinstance(interval_steps, int) or interval_steps < 1:
            raise ValueError(f"interval_steps must be a positive integer, got {interval_steps!r}")
        self.lower = -math.inf if lower is None else float(lower)
        self.upper = math.inf if upper is None else float(upper)
        self.n_warmup_steps = n_warmup_steps
        self.interval_steps = interval_steps

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        step = max(trial.reports)
        if step < self.n_warmup_steps or (step - self.n_warmup_steps) % self.interval_steps != 0:
            return Decision.CONTINUE
        v = trial.reports[step]
        return Decision.stop() if math.isnan(v) or v < self.lower or v > self.upper else Decision.CONTINUE

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "lower": self.lower, "upper": self.upper,
                "n_warmup_steps": self.n_warmup_steps, "interval_steps": self.interval_steps}


class WilcoxonPruner(Scheduler):
    """Prune a trial that a Wilcoxon signed-rank test finds worse than the best trial, instance by
    instance (Optuna's ``WilcoxonPruner(*, p_threshold=0.1, n_startup_steps=2)``).

    For objectives that score one configuration on a series of instances (cross-validation folds,
    problems, seeds) and report each instance's score at ``step=`` its index, in any order. At
    every report the trial's values are paired with those of the best COMPLETE trial at the same
    steps; it stops when the one-sided test's p-value that it is worse is below ``p_threshold``
    and its mean over those steps is worse too, once at least ``n_startup_steps`` pairs exist,
    unless (Optuna's safety) its mean so far is as good as the best trial's mean over all its. A
    NaN report stops the trial. The objective returns its own aggregate (usually the mean) as the
    value. Needs scipy.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0),
    ...                         pruner=tw.pruners.WilcoxonPruner(p_threshold=0.1))
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", -3, 3)
    ...     losses = []
    ...     for i in range(20):
    ...         losses.append((x - 1) ** 2 + 0.1 * i)
    ...         trial.report(losses[-1], i)
    ...         if trial.should_prune():
    ...             raise tw.TrialPruned()
    ...     return sum(losses) / len(losses)
    >>> study.optimize(objective, n_trials=20)
    >>> len(study.get_trials(states=[tw.TrialState.PRUNED])) > 0
    True
    """

    # Steps name instances, reported in any order (Trial.report does not warn about an earlier step).
    ordered_steps = False

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        if isinstance(p_threshold, bool) or not isinstance(p_threshold, (int, float)) or not 0.0 <= p_threshold <= 1.0:
            raise ValueError(f"p_threshold must be a number in [0, 1], got {p_threshold!r}")
        if isinstance(n_startup_steps, bool) or not isinstance(n_startup_steps, int) or n_startup_steps < 0:
            raise ValueError(f"n_startup_steps must be a non-negative integer, got {n_startup_steps!r}")
        self.p_threshold = float(p_threshold)
        self.n_startup_steps = n_startup_steps

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        reports = trial.reports
        if not reports:
            return Decision.CONTINUE
        sign = _sign(ctx)
        if any(math.isnan(v) for v in reports.values()):
            return Decision.stop()
        done = [t for t in ctx.get_trials(states=(TrialState.COMPLETE,))
                if t.number != trial.number and t.values and t.values[0] is not None and not math.isnan(t.values[0])]
        if not done:
            return Decision.CONTINUE
        best = min(done, key=lambda t: sign * t.values[0])  # type: ignore[index]
        theirs = best.reports
        pairs = [sign * (reports[s] - theirs[s]) for s in reports if s in theirs and not math.isnan(theirs[s])]
        if len(pairs) < max(self.n_startup_steps, 1) or sum(pairs) <= 0 or not any(pairs):
            return Decision.CONTINUE
        # Optuna's safety: a trial whose mean so far is as good as the best trial's mean over all
        # its instances is kept, whatever the test says of the instances seen so far.
        best_values = [v for v in theirs.values() if not math.isnan(v)]
        mean = sum(reports.values()) / len(reports)
        if sign * mean <= sign * sum(best_values) / len(best_values):
            return Decision.CONTINUE
        from scipy.stats import wilcoxon

        p = float(wilcoxon(pairs, alternative="greater", zero_method="zsplit").pvalue)
        return Decision.stop() if p < self.p_threshold else Decision.CONTINUE

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "p_threshold": self.p_threshold, "n_startup_steps": self.n_startup_steps}


class PatientPruner(PatienceScheduler):
    """Optuna's ``PatientPruner(wrapped_pruner, patience, min_delta=0.0)``, with Optuna's rule: once
    a trial has more than ``patience + 1`` reports, it is a candidate when the best of its last
    ``patience + 1`` reports is worse than the best before them by more than ``min_delta`` (a
    tolerance); a candidate is pruned (or, with ``wrapped_pruner``, handed to it). ``patience``
    may be 0. :class:`~tunewise.schedulers.PatienceScheduler` is tunewise's own rule (no
    improvement by more than ``min_delta`` in ``patience`` reports).

    >>> import tunewise as tw
    >>> study = tw.create_study(pruner=tw.pruners.PatientPruner(None, patience=1))
    >>> t = study.ask()
    >>> for step, loss in enumerate([1.0, 0.5, 0.6, 0.7]):
    ...     t.report(loss, step)
    >>> t.should_prune()  # the last 2 reports (0.6, 0.7) are worse than the best before (0.5)
    True
    """

    def __init__(self, wrapped_pruner: Scheduler | None, patience: int, min_delta: float = 0.0) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be an integer >= 0, got {patience!r}")
        super().__init__(max(patience, 1), min_delta, wrapped_pruner)
        self.patience = patience

    def _stalled(self, ctx: SchedulerContext, trial: FrozenTrial) -> bool:
        steps = sorted(trial.intermediate_values)
        if len(steps) <= self.patience + 1:
            return False
        sign = _sign(ctx)
        losses = [sign * trial.intermediate_values[s] for s in steps]
        before = [v for v in losses[:-self.patience - 1] if not math.isnan(v)]
        after = [v for v in losses[-self.patience - 1:] if not math.isnan(v)]
        return bool(before) and bool(after) and min(before) + self.min_delta < min(after)


class SuccessiveHalvingPruner(ASHAScheduler):
    """Optuna's ``SuccessiveHalvingPruner(min_resource="auto", reduction_factor=4,
    min_early_stopping_rate=0, bootstrap_count=0)``, as asynchronous successive halving that
    stops trials (steps are the resource).

    ``min_resource="auto"`` is Optuna's: nothing is pruned (and no rung result recorded) until a
    trial completes; then the rungs start at that trial's last step // 100 (at least 1).
    ``bootstrap_count=n`` stops a trial at a rung that holds at most ``n`` results (its own
    included), as Optuna does; Optuna refuses it with ``min_resource="auto"``, and so does tunewise.

    >>> import tunewise as tw
    >>> pruner = tw.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    >>> study = tw.create_study(pruner=pruner)
    >>> def objective(trial):
    ...     trial.suggest_float("x", 0, 1)
    ...     for step in range(4):
    ...         trial.report(1.0 / (step + 1), step)
    ...         if trial.should_prune():
    ...             raise tw.TrialPruned()
    ...     return 0.25
    >>> study.optimize(objective, n_trials=2)
    >>> [max(t.intermediate_values) for t in study.trials]  # each stopped at rung 1, too few results there
    [1, 1]
    """

    def __init__(self, min_resource: str | int = "auto", reduction_factor: int = 4,
                 min_early_stopping_rate: int = 0, bootstrap_count: int = 0) -> None:
        base = _min_resource(min_resource)
        if isinstance(min_early_stopping_rate, bool) or not isinstance(min_early_stopping_rate, int) \
                or min_early_stopping_rate < 0:
            raise ValueError(f"min_early_stopping_rate must be a non-negative integer, got {min_early_stopping_rate!r}")
        _check_bootstrap(bootstrap_count, "min_resource", min_resource)
        super().__init__(min_resource=base * reduction_factor ** min_early_stopping_rate,
                         max_resource=_NO_MAX_RESOURCE, reduction_factor=reduction_factor, mode="stop",
                         hedge_threshold=None,  # Optuna's rule: every rung cuts from the start
                         _bootstrap_count=bootstrap_count)
        # "auto": the factor of the rungs' start still to be read from the first completed trial.
        self._auto_scale: int | None = reduction_factor ** min_early_stopping_rate if min_resource == "auto" else None

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        if self._auto_scale is not None:
            # Optuna's _estimate_min_resource: the completed trials' last step // 100, at least 1.
            last = [max(t.reports) for t in ctx.get_trials(states=(TrialState.COMPLETE,)) if t.reports]
            if not last:
                return Decision.CONTINUE
            self.min_resource = max(int(max(last)) // 100, 1) * self._auto_scale
            self._auto_scale = None
        return super().on_report(ctx, trial)


class HyperbandPruner(Scheduler):
    """Optuna's ``HyperbandPruner(min_resource=1, max_resource="auto", reduction_factor=3,
    bootstrap_count=0)``, as :class:`~tunewise.schedulers.HyperbandScheduler` in stop mode.

    ``max_resource="auto"`` takes, as Optuna does, the last step of the first trial that
    completes; until then nothing is pruned. ``bootstrap_count=n`` stops a trial at a rung that
    holds at most ``n`` results of its bracket (its own included), as Optuna does (not with
    ``max_resource="auto"``, which Optuna refuses too).
    """

    def __init__(self, min_resource: int = 1, max_resource: str | int = "auto", reduction_factor: int = 3,
                 bootstrap_count: int = 0) -> None:
        _check_bootstrap(bootstrap_count, "max_resource", max_resource)
        self.min_resource = _min_resource(min_resource)
        self.reduction_factor = reduction_factor
        self.max_resource = max_resource
        self.bootstrap_count = bootstrap_count
        self._inner: HyperbandScheduler | None = None
        if max_resource != "auto":
            self._inner = HyperbandScheduler(self.min_resource, max_resource, reduction_factor,  # type: ignore[arg-type]
                                             mode="stop", _bootstrap_count=bootstrap_count)

    def _scheduler(self, ctx: SchedulerContext) -> HyperbandScheduler | None:
        if self._inner is None:
            for t in ctx.get_trials(states=(TrialState.COMPLETE,)):
                if t.reports:
                    last = max(t.reports)
                    if last >= self.min_resource:
                        self._inner = HyperbandScheduler(self.min_resource, last, self.reduction_factor,
                                                         mode="stop")
                        break
        return self._inner

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        inner = self._scheduler(ctx)
        return Decision.CONTINUE if inner is None else inner.on_report(ctx, trial)

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        inner = self._scheduler(ctx)
        return () if inner is None else inner.suggest(ctx, trial)

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "min_resource": self.min_resource,
                "max_resource": self.max_resource, "reduction_factor": self.reduction_factor}


def _min_resource(min_resource: Any) -> int:
    if min_resource == "auto":
        return 1
    if isinstance(min_resource, bool) or not isinstance(min_resource, int) or min_resource < 1:
        raise ValueError(f"min_resource must be a positive integer or 'auto', got {min_resource!r}")
    return min_resource


def _check_bootstrap(bootstrap_count: Any, resource_name: str, resource: Any) -> None:
    if isinstance(bootstrap_count, bool) or not isinstance(bootstrap_count, int) or bootstrap_count < 0:
        raise ValueError(f"bootstrap_count must be a non-negative integer, got {bootstrap_count!r}")
    if bootstrap_count > 0 and resource == "auto":
        raise ValueError(f"bootstrap_count > 0 and {resource_name} == 'auto' are mutually incompatible, "
                         f"bootstrap_count is {bootstrap_count}")
