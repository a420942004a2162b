"""Session 28: how often the default's proposals sit on a bound of a numeric range, from traces
written by ``trace_runs.py``, and what those trials returned. The ranges are read by calling each
problem's objective with a stand-in trial that records its suggest calls and stops before any fit.

A trial is "at a bound" on a numeric parameter when its value is within 1% of the range (on the
log scale for log ranges) of the low or high end; "poor" when its loss is above the median loss of
the run's first 10 trials (the start-up design).

    .venv/bin/python benchmarks/history/s28/bounds_report.py TRACE.jsonl [TRACE.jsonl ...]
"""

from __future__ import annotations

import collections
import json
import math
import sys
from typing import Any

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import trace_runs  # noqa: E402


class _Stop(Exception):
    pass


class _Ranges:
    def __init__(self, stop_after: int) -> None:
        self.ranges: dict[str, tuple[float, float, bool]] = {}
        self.n = 0
        self.stop_after = stop_after

    def _tick(self) -> None:
        self.n += 1

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False, step: Any = None) -> float:
        self.ranges[name] = (low, high, log)
        return math.sqrt(low * high) if log else (low + high) / 2

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False, step: int = 1) -> int:
        self.ranges[name] = (low, high, log)
        return int(round(math.sqrt(low * high) if log else (low + high) / 2))

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        return choices[0]


def ranges(problem: str) -> dict[str, tuple[float, float, bool]]:
    import probe_real_hpo as base

    rec = _Ranges(0)
    orig_cv = {}
    # stop at the first fit: every module's _cv* raises before fitting
    mods = [
        m
        for m in sys.modules.values()
        if m is not None and getattr(m, "__file__", "") and "probe_real_hpo" in m.__file__
    ]
    for m in mods:
        for attr in ("_cv", "_cv6"):
            if hasattr(m, attr):
                orig_cv[(m, attr)] = getattr(m, attr)
                setattr(m, attr, lambda *a, **k: (_ for _ in ()).throw(_Stop()))
    try:
        trace_runs.problems()[problem](rec)
    except _Stop:
        pass
    except Exception:  # a model built before _cv (e.g. torch) — the ranges are read by then
        pass
    finally:
        for (m, attr), f in orig_cv.items():
            setattr(m, attr, f)
    del base
    return rec.ranges


def at_bound(value: Any, rng: tuple[float, float, bool]) -> bool:
    low, high, log = rng
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if log:
        u = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    else:
        u = (value - low) / (high - low)
    return u <= 0.01 or u >= 0.99


def main() -> None:
    trace_runs.problems()  # imports every probe module
    rows = [json.loads(x) for p in sys.argv[1:] for x in open(p) if x.strip()]
    cache: dict[str, Any] = {}
    stats: dict[tuple[str, str], list[tuple[int, int, int]]] = collections.defaultdict(list)
    for r in rows:
        rg = cache.setdefault(r["problem"], ranges(r["problem"]))
        start_med = float(np.median(r["losses"][:10]))
        for i, (v, p) in enumerate(zip(r["losses"], r["params"], strict=True)):
            if i < 10:
                continue
            nb = sum(at_bound(p[n], rg[n]) for n in p if n in rg)
            stats[(r["problem"], r["method"])].append((i, nb, int(v > start_med)))
    print(
        "| problem | method | runs | trials 11-60 with >= 1 param at a bound | of those poor | other trials poor "
        "| >= 2 params at a bound |"
    )
    print("|---|---|--:|--:|--:|--:|--:|")
    tot = collections.Counter()
    for (prob, m), s in sorted(stats.items()):
        a = np.array(s)
        runs = sum(1 for r in rows if r["problem"] == prob and r["method"] == m)
        b1, b2 = a[:, 1] >= 1, a[:, 1] >= 2
        poor_b = a[b1, 2].mean() if b1.any() else float("nan")
        poor_o = a[~b1, 2].mean() if (~b1).any() else float("nan")
        print(f"| {prob} | {m} | {runs} | {b1.mean():.2f} | {poor_b:.2f} | {poor_o:.2f} | {b2.mean():.2f} |")
        tot[(m, "n")] += len(a)
        tot[(m, "b1")] += int(b1.sum())
        tot[(m, "b1poor")] += int(a[b1, 2].sum())
        tot[(m, "opoor")] += int(a[~b1, 2].sum())
    for m in sorted({k[0] for k in tot}):
        n, b1 = tot[(m, "n")], tot[(m, "b1")]
        print(
            f"all {m}: {b1 / n:.2f} of trials 11-60 at a bound; poor {tot[(m, 'b1poor')] / max(b1, 1):.2f} "
            f"there vs {tot[(m, 'opoor')] / max(n - b1, 1):.2f} elsewhere"
        )


if __name__ == "__main__":
    main()
