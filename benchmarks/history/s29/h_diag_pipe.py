"""Session 29 diagnosis (dev): pipe-cond (probe 6), the problem where the default loses most to
optuna TPE at 60 trials (1.52x). Fresh seeds 10-19 of the default and of tunewise TPESampler
(random start-up, no AutoSampler), optuna TPE where run; the stored seeds 0-9 (../s28/dev_rows.py)
for the default and optuna TPE. Regret: loss minus the best loss of any row here, floor 1e-3.
Reports the geometric-mean regret at 30 / 60 and how many runs end on the 0.2123 plateau
(logistic regression without a reducer and a large C, where every C >= ~50 scores the same).

    .venv/bin/python benchmarks/history/s29/h_diag_pipe.py DEV_ROWS benchmarks/history/s29/h_diag_pipe.jsonl
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np

rows = [r for r in map(json.loads, open(sys.argv[1])) if r["problem"] == "pipe-cond"]
fresh = [json.loads(x) for x in open(sys.argv[2]) if x.strip()]
seen = set()
runs = []
for r in [{**r, "set": "stored 0-9"} for r in rows] + [{**r, "set": "fresh 10-19"} for r in fresh]:
    k = (r["method"], r["seed"])
    if k not in seen:
        seen.add(k)
        runs.append(r)
best = min(min(r["losses"]) for r in runs)
print(f"best loss of any row: {best:.4f}")
print("| method | seeds | n | geo-mean regret at 30 | at 60 | runs ending in [0.2119, 0.2126] |")
print("|---|---|--:|--:|--:|--:|")
for m in ("tw-default", "tw-tpe", "optuna-tpe", "optuna-gp"):
    for st in ("stored 0-9", "fresh 10-19"):
        rs = [r for r in runs if r["method"] == m and r["set"] == st]
        if not rs:
            continue
        g = [math.exp(np.mean([math.log(max(min(r["losses"][:b]) - best, 1e-3)) for r in rs])) for b in (30, 60)]
        plateau = sum(0.2119 <= min(r["losses"]) <= 0.2126 for r in rs)
        print(f"| {m} | {st} | {len(rs)} | {g[0]:.4f} | {g[1]:.4f} | {plateau} |")
