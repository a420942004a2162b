"""Session 32, issue 19 (dev only, a probe for a later session: no rule, judges nothing): candidate "E",
monkeypatched onto ASHAScheduler (src unchanged). A cheap stop-mode rung that may not cut (not measured
yet, or found to mislead on its top recall) still stops a trial in its worst 1/eta at that rung, once
the rung's Kendall tau against max_resource over ALL configurations seen at both (3+) is >= 0.5:
Hyper-Tune's all-configuration rank agreement, used only for the bottom. The trial is stopped as
hopeless, at a bound from the line final ~ rung value over those configurations (at least the best
final), which the default sampler counts it at. Switched on per run by the method suffix
"+sched._probe_e=True"; otherwise the default's decisions.

  .venv/bin/python benchmarks/history/s32/asha_probe_e.py <benchmarks/curves.py arguments>
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/

import curves  # noqa: E402

from tunewise.schedulers._asha import ASHAScheduler, kendall_tau  # noqa: E402
from tunewise.schedulers._base import _sign  # noqa: E402

_orig = ASHAScheduler._hopeless
FIRED: list[int] = []


def _hopeless_e(self: Any, ctx: Any, trial: Any, rung: int, resource: float) -> float | None:
    found = _orig(self, ctx, trial, rung, resource)
    if found is not None or not getattr(self, "_probe_e", False):
        return found
    if not self._active() or not self._assumed(rung) or self._verdicts(ctx).get(rung) not in (None, "misleads"):
        return None
    table = self._table(ctx, 0)
    lo = {t.number: v for v, t in table.get(rung, []) if t.number != trial.number}
    hi = {t.number: v for v, t in table.get(len(self.rungs(0)), [])}
    common = [c for c in lo if c in hi]
    if len(common) < 3:
        return None
    x = np.array([lo[c] for c in common], dtype=float)
    y = np.array([hi[c] for c in common], dtype=float)
    if kendall_tau(list(x), list(y)) < 0.5:
        return None
    values = trial.intermediate_values
    step = next((s for s in sorted(values) if s >= resource * (1 - 1e-12)), None)
    if step is None:
        return None
    mine = _sign(ctx) * float(values[step])
    n = len(lo) + 1
    worse = sum(1 for v in lo.values() if v > mine)
    if worse >= n // self.reduction_factor:  # not in the worst 1/eta
        return None
    slope, icpt = (np.polyfit(x, y, 1) if np.ptp(x) > 0 else (0.0, float(np.mean(y))))
    FIRED.append(trial.number)
    return float(max(icpt + max(slope, 0.0) * mine, float(y.min()) + 1e-9))


ASHAScheduler._hopeless = _hopeless_e  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.argv = [os.path.join(HERE, "..", "..", "curves.py"), *sys.argv[1:]]
    curves.main()
    print(f"E fired on {len(FIRED)} trials")
