"""s33 par33, the candidate (issue 19 item 3), as a patch of ASHAScheduler for the benchmark runs
(not in the library; the dev switch ``_running_bar``, default off, set on the scheduler with
``"+sched._running_bar=1"`` in a benchmarks/curves.py method name).

The candidate: in stop mode, the optimistic forecast's bar counts other RUNNING trials late in
training. ASHA's forecast stops a trial at a rung when its optimistic final loss cannot beat the
best run to ``max_resource`` so far. With several workers the best configuration so far is often
still running when other trials are judged, so the bar is a finished run's, worse than a sequential
run's bar would be (the running trial would have finished first), and hopeless trials train on
while the run is paid for every worker's epochs. With the switch, the bar is also every other
RUNNING trial whose latest report is at or past the last rung (bracket 0), at a pessimistic value
(its worst of its last 3 reports: a curve that keeps improving ends below it). The forecast's own
checks are unchanged (it stops trials at a rung only once it held on 2 full runs, never missed).
A sequential run has no other running trial: identical by construction.

Import this module before running curves.py's functions (``par_run.py`` does).
"""
from __future__ import annotations

import math
from typing import Any

from tunewise.schedulers import _asha
from tunewise.schedulers._asha import ASHAScheduler, _audited, optimistic_final
from tunewise.schedulers._base import _sign
from tunewise.trial import TrialState

_original = ASHAScheduler._hopeless
FIRED = [0]  # stops the running bar made that the finished runs' bar would not have (instrumentation)


def running_bar(sched: ASHAScheduler, ctx: Any, trial: Any) -> float:
    """The best pessimistic loss of another RUNNING trial at or past the last rung (inf: none)."""
    last_rung = float(sched.rungs(0)[-1])
    sign = _sign(ctx)
    bar = math.inf
    for t in ctx.get_trials(states=(TrialState.RUNNING,)):
        if t.number == trial.number:
            continue
        values = t.intermediate_values
        if not values:
            continue
        steps = sorted(values)
        if steps[-1] < last_rung * (1 - 1e-12):
            continue
        bar = min(bar, max(sign * float(values[s]) for s in steps[-3:]))
    return bar


def _hopeless(self: ASHAScheduler, ctx: Any, trial: Any, rung: int, resource: float) -> float | None:
    out = _original(self, ctx, trial, rung, resource)
    if out is not None or not getattr(self, "_running_bar", False) or self.mode != "stop":
        return out
    if not self.forecast or _audited(trial.number, self.reduction_factor ** 2):
        return None
    checks = {k: (n, bad, best) for k, n, bad, best in self._forecast_checks(ctx)}
    n, bad, best = checks.get(rung, (0, 0, math.inf))
    if n < self._forecast_runs or bad or not math.isfinite(best):
        return None
    bar = running_bar(self, ctx, trial)
    if not bar < best:
        return None
    bound = optimistic_final(trial.intermediate_values, resource, self.max_resource, _sign(ctx))
    if bound is not None and bound > bar:
        FIRED[0] += 1
        return bound
    return None


ASHAScheduler._hopeless = _hopeless  # type: ignore[method-assign]
assert _asha.ASHAScheduler is ASHAScheduler
