"""Dev tool (issue 18, session 14): per-bbob-function paired regret ratio B/A at one budget.

    .venv/bin/python benchmarks/history/s14/perfn.py FILE[,FILE...] A B BUDGET

Reads sample_efficiency.py JSON files; for each bbob function (all dimensions and seeds both
methods ran), the geometric mean of regret(B) / regret(A) after BUDGET trials (floored at 1e-8).
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict


def main() -> None:
    files, a, b, budget = sys.argv[1].split(","), sys.argv[2], sys.argv[3], int(sys.argv[4])
    rows = [r for path in files for r in json.load(open(path))["results"]
            if r["kind"] == "bbob" and not r["error"]]
    trace = {(r["problem"], r["method"], r["seed"]): r["trace"] for r in rows}
    per: dict[int, list[float]] = defaultdict(list)
    for (problem, method, seed), ta in trace.items():
        tb = trace.get((problem, b, seed))
        if method != a or tb is None or len(ta) < budget or len(tb) < budget:
            continue
        ratio = math.log(max(tb[budget - 1], 1e-8)) - math.log(max(ta[budget - 1], 1e-8))
        per[int(problem.split("-")[1][1:])].append(ratio)
    print(" ".join(f"f{f}:{math.exp(sum(v) / len(v)):.2f}" for f, v in sorted(per.items())))


if __name__ == "__main__":
    main()
