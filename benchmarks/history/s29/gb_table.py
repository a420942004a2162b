"""Session 29, issue 19: gb-digits (test, HistGradientBoosting on digits) on the s28 test problem
seeds: each method's compute to target ÷ a reference, paired on seeds, 95% percentile bootstrap
(curves.py's ``paired_ratio``; a run that never reaches the target counts as twice the budget).

  .venv/bin/python benchmarks/history/s29/gb_table.py benchmarks/results/curves_gb_s29_b10.jsonl
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from curves import _penalized, paired_ratio  # noqa: E402

PAIRS = [
    ("default + ASHA (stop)", "tw-asha-stop", "optuna-hb-tpe"),
    ("default + ASHA (promote)", "tw-asha-promote", "optuna-hb-tpe"),
    ("no early stopping", "tw-none", "optuna-hb-tpe"),
    ("ASHA (stop) ÷ no early stopping", "tw-asha-stop", "tw-none"),
]


def main() -> None:
    by: dict[str, dict[int, dict[str, Any]]] = {}
    for path in sys.argv[1:]:
        with open(path) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    by.setdefault(r["method"], {})[r["seed"]] = r
    rng = np.random.default_rng(0)
    print("| gb-digits | ratio [95% CI] | seeds |")
    print("|---|--:|--:|")
    for label, m, ref in PAIRS:
        common = sorted(set(by.get(m, {})) & set(by.get(ref, {})))
        if len(common) < 2:
            continue
        g, lo, hi = paired_ratio(_penalized([by[m][s] for s in common]), _penalized([by[ref][s] for s in common]), rng)
        print(f"| {label} | {g:.2f} [{lo:.2f}, {hi:.2f}] | {len(common)} ({common[0]}-{common[-1]}) |")
    print(
        "\n| method | runs | reached target | compute to target (geo mean) | final error (mean) | trials (mean) "
        "| wall s (mean) |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|")
    for m, rows in by.items():
        rs = list(rows.values())
        c = _penalized(rs)
        print(
            f"| {m} | {len(rs)} | {sum(math.isfinite(r['ctt']) for r in rs)} | {math.exp(np.mean(np.log(c))):.0f} | "
            f"{np.mean([r['final'] for r in rs]):.4f} | {np.mean([r['trials'] for r in rs]):.1f} | "
            f"{np.mean([r['wall'] for r in rs]):.0f} |"
        )


if __name__ == "__main__":
    main()
