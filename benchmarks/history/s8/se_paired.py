"""Dev tool (issue 18, session 8): paired geometric-mean regret ratio of method B to method A.

    .venv/bin/python benchmarks/history/s8/se_paired.py FILE[,FILE...] A B [--budgets 30,60,100]

Reads sample_efficiency.py JSON files (bbob rows); per (problem, seed) cell both methods ran, the
ratio of their best regret after each budget (floored at 1e-8); prints the geometric mean with a
95% bootstrap interval per dimension group and budget.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gp_parallel_s7"))
from paired import boot  # noqa: E402  (the same bootstrap as the 4-worker tool)


def main() -> None:
    args = sys.argv[1:]
    budgets = [30, 60, 100]
    if "--budgets" in args:
        i = args.index("--budgets")
        budgets = [int(b) for b in args[i + 1].split(",")]
        del args[i:i + 2]
    rows = [r for path in args[0].split(",") for r in json.load(open(path))["results"]
            if r.get("kind") == "bbob" and not r.get("error")]
    a, b = args[1], args[2]
    trace = {(r["method"], r["problem"], r["seed"]): r["trace"] for r in rows}
    rng = np.random.default_rng(0)
    for budget in budgets:
        groups: dict[str, list[float]] = defaultdict(list)
        for (m, prob, seed), tr in trace.items():
            other = trace.get((b, prob, seed))
            if m != a or other is None or len(tr) < budget or len(other) < budget:
                continue
            ra, rb = tr[budget - 1], other[budget - 1]  # the trace is the incumbent's regret
            ratio = math.log(max(rb, 1e-8)) - math.log(max(ra, 1e-8))
            groups[f"d = {prob.split('-d')[1]}"].append(ratio)
            groups["all"].append(ratio)
        for g in sorted(groups):
            print(f"{b} / {a}, budget {budget}, {g}: {boot(groups[g], rng)}")


if __name__ == "__main__":
    main()
