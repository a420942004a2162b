"""Session 26: svc-poly-acc (probe 5) under the default and candidate C, from the traces
``svc_poly_traces.jsonl`` (``svc_poly_trace.py``, every trial's parameters) and the stored probe-5
rows (``../s25/probe_real_hpo5.jsonl``). Prints, per seed: whether the trace reproduces the stored
row, the regret at 30 and 60 trials (as the rule computes it) and in misclassified rows of the 300,
the degree the run settled on, and the C / default ratio with and without each seed.

    .venv/bin/python benchmarks/history/s26/svc_poly_diagnosis.py
"""

from __future__ import annotations

import collections
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
C = "tw-default+_integer_search=True"
FLOOR = 1e-3


def main() -> None:
    stored = [json.loads(x) for x in open(os.path.join(HERE, "..", "s25", "probe_real_hpo5.jsonl"))]
    stored = [r for r in stored if r["problem"] == "svc-poly-acc"]
    best = min(min(r["losses"]) for r in stored)
    rows = {(r["method"], r["seed"]): r["losses"] for r in stored}
    traces = {
        (r["method"], r["seed"]): r["trials"]
        for r in map(json.loads, open(os.path.join(HERE, "svc_poly_traces.jsonl")))
    }
    print(f"best loss any stored row reached: {best:.4f} ({best * 300:.0f} of 300 rows misclassified)")
    logs: dict[int, list[float]] = {30: [], 60: []}
    print("seed | method | trace == stored | best@30 | best@60 | regret@60 | degree of trials 11-60 | first at best")
    for seed in range(10):
        for m in ("tw-default", C):
            trials = traces[(m, seed)]
            same = [t["value"] for t in trials] == rows[(m, seed)]
            vals = [t["value"] for t in trials]
            b30, b60 = min(vals[:30]), min(vals[:60])
            degs = collections.Counter(t["params"]["degree"] for t in trials[10:])
            first = min(t["n"] for t in trials if t["value"] == b60)
            print(
                f"{seed} | {'C' if m == C else 'default'} | {same} | {b30:.4f} | {b60:.4f} | "
                f"{max(b60 - best, FLOOR):.4f} | {dict(sorted(degs.items()))} | {first}"
            )
        for b in (30, 60):
            d = max(min(rows[("tw-default", seed)][:b]) - best, FLOOR)
            c = max(min(rows[(C, seed)][:b]) - best, FLOOR)
            logs[b].append(math.log(c / d))
    for b in (30, 60):
        lr = logs[b]
        gm = math.exp(sum(lr) / len(lr))
        print(f"C / default at {b}: per seed {[round(math.exp(x), 2) for x in lr]}, geometric mean {gm:.3f}")
        for s in range(10):
            rest = lr[:s] + lr[s + 1 :]
            print(f"   without seed {s}: {math.exp(sum(rest) / len(rest)):.3f}")
        print(
            f"   C worse on {sum(x > 0 for x in lr)} seeds, better on {sum(x < 0 for x in lr)}, equal on "
            f"{sum(x == 0 for x in lr)}"
        )


if __name__ == "__main__":
    main()
