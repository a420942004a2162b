"""Guard 4 of tpe_asha_decision_A.txt: candidate A / today's TPESampler on the dev bbob split,
regret at 30 and 60 trials, geometric mean over (problem, seed) of the paired ratio (regret floored
at 1e-8, as benchmarks/sample_efficiency.py), overall and per dimension group; 95% bootstrap over
(problem, seed) cells.

    .venv/bin/python benchmarks/history/s27/tpe_asha_A_bbob_ratio.py A.json base.json
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main() -> None:
    a = {(r["problem"], r["seed"]): r for r in json.load(open(sys.argv[1]))["results"] if not r["error"]}
    b = {(r["problem"], r["seed"]): r for r in json.load(open(sys.argv[2]))["results"] if not r["error"]}
    keys = sorted(set(a) & set(b))
    rng = np.random.default_rng(0)
    for budget in (30, 60):
        for group in ("all", "2-5", "10", "20"):
            lr = np.array([np.log(max(a[k]["trace"][budget - 1], 1e-8)) - np.log(max(b[k]["trace"][budget - 1], 1e-8))
                           for k in keys if group == "all" or a[k]["group"] == group])
            boots = lr[rng.integers(0, len(lr), (2000, len(lr)))].mean(axis=1)
            lo, hi = np.exp(np.quantile(boots, [0.025, 0.975]))
            print(f"budget {budget} group {group}: A / today {np.exp(lr.mean()):.3f} [{lo:.3f}, {hi:.3f}] "
                  f"({len(lr)} cells; A better in {int((lr < 0).sum())}, worse in {int((lr > 0).sum())})")


if __name__ == "__main__":
    main()
