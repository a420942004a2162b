"""Paired regret ratios on the bbob dev split (issue 18): method A / method B at 30 and 60 trials,
geometric mean over (problem, seed) cells, overall and per dimension group; 95% bootstrap over
cells (as s27's tpe_asha_A_bbob_ratio.py). Reads sample_efficiency.py JSON files (several may be
merged; a method's rows in a later file win). Regret floored at 1e-8.

    .venv/bin/python benchmarks/history/s28/bbob_ratio.py FILE[,FILE...] "A/B" [...]
s27's A file names its method "tw-tpe@A"; it is read as "tw-tpe@set:_bw=A".
"""

from __future__ import annotations

import json
import sys

import numpy as np


def main() -> None:
    rows: dict[tuple[str, str, int], dict] = {}
    for path in sys.argv[1].split(","):
        for r in json.load(open(path))["results"]:
            if r.get("error"):
                continue
            m = "tw-tpe@set:_bw=A" if r["method"] == "tw-tpe@A" else r["method"]
            rows[(m, r["problem"], r["seed"])] = r
    rng = np.random.default_rng(0)
    for pair in sys.argv[2:]:
        a, b = pair.split("/")
        keys = sorted({(p, s) for m, p, s in rows if m == a} & {(p, s) for m, p, s in rows if m == b})
        for budget in (30, 60):
            for group in ("all", "2-5", "10", "20"):
                ks = [k for k in keys if group == "all" or rows[(a, *k)]["group"] == group]
                if not ks:
                    continue
                lr = np.array([np.log(max(rows[(a, *k)]["trace"][budget - 1], 1e-8))
                               - np.log(max(rows[(b, *k)]["trace"][budget - 1], 1e-8)) for k in ks])
                boots = lr[rng.integers(0, len(lr), (2000, len(lr)))].mean(axis=1)
                lo, hi = np.exp(np.quantile(boots, [0.025, 0.975]))
                print(f"{a} / {b} budget {budget} group {group}: {np.exp(lr.mean()):.3f} [{lo:.3f}, {hi:.3f}] "
                      f"({len(lr)} cells; better in {int((lr < 0).sum())}, worse in {int((lr > 0).sum())})")


if __name__ == "__main__":
    main()
