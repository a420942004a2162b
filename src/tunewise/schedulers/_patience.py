"""Early stopping on a plateau: stop after ``patience`` reports without improvement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tunewise.schedulers._base import Scheduler, _budget_of, _check_int, _check_number, _decide, _sign
from tunewise.schedulers._decision import Continuation, Decision

if TYPE_CHECKING:
    from tunewise.schedulers._context import SchedulerContext
    from tunewise.trial import FrozenTrial


class PatienceScheduler(Scheduler):
    """Stop a trial that has not improved on its best value by more than ``min_delta`` for
    ``patience`` consecutive reports.

    With ``wrapped`` (another scheduler), a stalled trial is only stopped if ``wrapped`` also
    says so; a trial that is still improving is never stopped. This lets a strict rule (e.g. the
    median rule) act only on trials that have plateaued.

    >>> import tunewise as tw
    >>> sched = tw.schedulers.PatienceScheduler(patience=3, min_delta=1e-3)
    >>> study = tw.create_study(direction="maximize", pruner=sched)
    """

    def __init__(self, patience: int, min_delta: float = 0.0, wrapped: Scheduler | None = None) -> None:
        self.patience = _check_int("patience", patience, 1)
        self.min_delta = _check_number("min_delta", min_delta, 0.0)
        if wrapped is not None and not isinstance(wrapped, Scheduler):
            raise TypeError(f"wrapped must be a tunewise Scheduler or None, got {wrapped!r}")
        self.wrapped = wrapped

    def _stalled(self, ctx: SchedulerContext, trial: FrozenTrial) -> bool:
        sign = _sign(ctx)
        steps = sorted(trial.intermediate_values)
        losses = [sign * trial.intermediate_values[s] for s in steps]
        # Index of the last report that improved on the best before it by more than min_delta.
        best, best_i = losses[0], 0
        for i in range(1, len(losses)):
            if losses[i] < best - self.min_delta:
                best, best_i = losses[i], i
        return len(losses) - 1 - best_i >= self.patience

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        if not trial.intermediate_values or not self._stalled(ctx, trial):
            return Decision.CONTINUE
        return Decision.stop() if self.wrapped is None else _decide(self.wrapped, ctx, trial)

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        return () if self.wrapped is None else self.wrapped.suggest(ctx, trial)

    def budget(self, ctx: SchedulerContext, trial: FrozenTrial) -> float | None:
        return None if self.wrapped is None else _budget_of(self.wrapped, ctx, trial)

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "patience": self.patience, "min_delta": self.min_delta,
                "wrapped": None if self.wrapped is None else self.wrapped.describe()}
