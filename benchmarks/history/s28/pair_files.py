"""Paired regret ratio of the same method name in two sample_efficiency.py JSON files (after / before),
at 30 and 60 trials, overall and per dimension group, over the cells both hold (regret floored at 1e-8).

    .venv/bin/python benchmarks/history/s28/pair_files.py AFTER.json BEFORE.json
"""

from __future__ import annotations

import json
import sys

import numpy as np

a = {(r["problem"], r["seed"]): r for r in json.load(open(sys.argv[1]))["results"] if not r.get("error")}
b = {(r["problem"], r["seed"]): r for r in json.load(open(sys.argv[2]))["results"] if not r.get("error")}
keys = sorted(set(a) & set(b))
rng = np.random.default_rng(0)
for budget in (30, 60):
    for group in ("all", "2-5", "10", "20"):
        ks = [k for k in keys if group == "all" or a[k]["group"] == group]
        if not ks:
            continue
        lr = np.array([np.log(max(a[k]["trace"][budget - 1], 1e-8)) - np.log(max(b[k]["trace"][budget - 1], 1e-8))
                       for k in ks])
        boots = lr[rng.integers(0, len(lr), (2000, len(lr)))].mean(axis=1)
        lo, hi = np.exp(np.quantile(boots, [0.025, 0.975]))
        print(f"after / before, budget {budget}, group {group}: {np.exp(lr.mean()):.3f} [{lo:.3f}, {hi:.3f}] "
              f"({len(lr)} cells; better in {int((lr < 0).sum())}, worse in {int((lr > 0).sum())})")
