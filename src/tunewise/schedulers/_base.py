"""The scheduler (pruner) interface: decide, from a trial's intermediate reports, whether it
continues, stops or pauses. Schedulers decide; the loop (``tunewise/_decisions.py``) acts."""

from __future__ import annotations

import contextvars
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunewise.schedulers._context import SchedulerContext
from tunewise.schedulers._decision import Continuation, Decision

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial


class Scheduler:
    """Answers each report with a :class:`Decision`; never writes anything itself.

    ``trial.should_prune()`` asks the study's scheduler :meth:`on_report` with a read-only
    :class:`SchedulerContext` of the study and a read-only view of the live trial (``number``,
    ``params``, ``intermediate_values``, ``system_attrs``), then carries the decision out and
    returns True for STOP and PAUSE. Schedulers that pause trials resume them through
    :meth:`suggest`; those that give trials a training budget (ASHA, Hyperband) implement
    :meth:`budget`, which ``trial.budget`` returns. ``tunewise.testing.scheduler`` checks a
    scheduler against this contract.

    >>> import tunewise as tw
    >>> from tunewise.schedulers import Decision, Scheduler
    >>> class StopAfter(Scheduler):
    ...     def __init__(self, steps: int) -> None:
    ...         self.steps = steps
    ...     def on_report(self, ctx, trial):
    ...         return Decision.stop() if len(trial.intermediate_values) >= self.steps else Decision.CONTINUE
    >>> study = tw.create_study(scheduler=StopAfter(2))
    >>> t = study.ask()
    >>> t.report(1.0, 0); t.should_prune()
    False
    >>> t.report(0.5, 1); t.should_prune()
    True

    Schedulers written for the earlier interface, ``should_prune(study, trial) -> bool`` (with
    ``budget(study, trial)``), still work: the loop calls them with the study and the live trial
    and maps True to STOP.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Scheduler:
        if _interface(cls) is None:
            raise TypeError(f"{cls.__name__} must implement on_report(ctx, trial) -> Decision "
                            f"(see tunewise.schedulers.Scheduler)")
        return super().__new__(cls)

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        """The decision on ``trial``, which has just reported (it has at least one report)."""
        # Only reached for a scheduler of the earlier interface, should_prune(study, trial).
        return _legacy_decision(self, ctx)

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        """What to resume now that ``trial``'s decision (one with ``suggest=True``) is recorded."""
        return ()

    def budget(self, ctx: SchedulerContext, trial: FrozenTrial) -> float | None:
        """The resource (e.g. epochs) ``trial`` should train to, or None if the scheduler sets none."""
        return None

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__}

    def prune(self, study: Study | SchedulerContext, trial: FrozenTrial | Trial) -> bool:
        """Optuna's ``pruner.prune(study, trial)``: whether this scheduler's rule stops ``trial`` at
        its last report. Called from an Optuna pruner of one's own (a ``BasePruner``'s ``prune``),
        what the rule records on the trial (ASHA's rung results) is recorded with that pruner's
        decision; called anywhere else it only decides (``trial.should_prune()`` decides and acts):

        >>> import tunewise as tw
        >>> class Logged(tw.pruners.BasePruner):
        ...     def __init__(self):
        ...         self.inner = tw.pruners.MedianPruner(n_startup_trials=1)
        ...     def prune(self, study, trial):
        ...         return self.inner.prune(study, trial)
        >>> study = tw.create_study(pruner=Logged())
        >>> first = study.ask(); first.report(1.0, 0); study.tell(first, 1.0).state.name
        'COMPLETE'
        >>> second = study.ask(); second.report(5.0, 0); second.should_prune()
        True
        """
        from tunewise import _decisions
        from tunewise.trial import Trial

        if isinstance(trial, Trial):
            ctx = study if isinstance(study, SchedulerContext) else _decisions.context(trial.study, trial)
            trial = trial._frozen_view()
        else:
            ctx = _as_context(study)
        decision = _decide(self, ctx, trial)
        inner = _INNER_DECISIONS.get()
        if inner is not None:  # inside a BasePruner's prune(): its decision records what this one keeps
            inner.append(decision)
        return decision.prunes

    def should_prune(self, study: Study, trial: Trial) -> bool:
        """Decide for ``trial`` (a live trial of ``study``) with this scheduler's :meth:`on_report`
        and carry the decision out, as ``trial.should_prune()`` does: the entry point of the
        earlier interface, kept for code that calls a scheduler directly (or ``super()``)."""
        if type(self).on_report is Scheduler.on_report:
            return False  # a should_prune(study, trial) subclass asking its base: nothing decides there
        from tunewise import _decisions

        return _decisions.act(trial, self)


_INTERFACES: dict[type, str | None] = {}

# The decisions of schedulers a BasePruner's prune() asks (Optuna's pruner wrapping a built-in
# one): what they record on the trial (ASHA's rung results) goes with the outer decision.
_INNER_DECISIONS: contextvars.ContextVar[list[Decision] | None] = contextvars.ContextVar("inner_decisions",
                                                                                        default=None)


def _interface(cls: type) -> str | None:
    """``"on_report"``, or ``"should_prune"`` for a scheduler class of the earlier interface (one
    that overrides should_prune below any on_report, e.g. to log and call ``super()``), or None."""
    found = _INTERFACES.get(cls, "")
    if found != "":
        return found
    found = None
    for klass in cls.__mro__:
        if klass is Scheduler or klass is object:
            break
        if "on_report" in klass.__dict__:
            found = "on_report"
            break
        if "should_prune" in klass.__dict__:
            found = "should_prune"
            break
    _INTERFACES[cls] = found
    return found


def _legacy_decision(scheduler: Scheduler, ctx: SchedulerContext) -> Decision:
    legacy = getattr(ctx, "_legacy_should_prune", None)
    if legacy is None:
        raise TypeError(f"{type(scheduler).__name__} implements should_prune(study, trial), which needs the "
                        f"study itself; implement on_report(ctx, trial) -> Decision to run it on "
                        f"{type(ctx).__name__}")
    return Decision.stop() if legacy(scheduler) else Decision.CONTINUE


def _decide(scheduler: Scheduler, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
    """``scheduler``'s decision, whichever interface it implements (for schedulers that delegate)."""
    if _interface(type(scheduler)) == "should_prune":
        return _legacy_decision(scheduler, ctx)
    return scheduler.on_report(ctx, trial)


def _budget_of(scheduler: Scheduler, ctx: SchedulerContext, trial: FrozenTrial) -> float | None:
    """``scheduler.budget``, whichever interface it implements (for schedulers that delegate)."""
    if _interface(type(scheduler)) == "should_prune":
        legacy = getattr(ctx, "_legacy_budget", None)
        return None if legacy is None else legacy(scheduler)  # type: ignore[no-any-return]
    return scheduler.budget(ctx, trial)


# ---- helpers shared by the schedulers ----------------------------------------------------
def _sign(ctx: SchedulerContext) -> float:
    """+1 to minimize, -1 to maximize: schedulers compare ``sign * value`` (lower is better)."""
    directions = list(ctx.directions)
    if len(directions) != 1:
        raise ValueError(
            f"schedulers compare one objective, but study {ctx.study_name!r} has {len(directions)} "
            f"(directions={directions}); prune multi-objective studies by hand"
        )
    return 1.0 if directions[0] == "minimize" else -1.0


def _as_context(study: Study | SchedulerContext) -> SchedulerContext:
    """The context of ``study`` (public methods that take a study for convenience)."""
    if isinstance(study, SchedulerContext):
        return study
    from tunewise import _decisions

    return _decisions.context(study)


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _check_number(name: str, value: Any, minimum: float, *, strict: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = value > minimum if strict else value >= minimum
    if not ok:
        bound = f"> {minimum}" if strict else f">= {minimum}"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return float(value)
