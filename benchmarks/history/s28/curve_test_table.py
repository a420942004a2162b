"""Session 28: BENCHMARKS.md's issue-19 test table (per family and geo-mean ratios, seed-clustered
95% bootstrap) from curves.py result files, for the new test problem seeds and, on the same seed
range, for the stored old-instance rows (s10-s12 files that made the current table).

  .venv/bin/python benchmarks/history/s28/curve_test_table.py new benchmarks/results/curves_test_s28_b10.jsonl
  .venv/bin/python benchmarks/history/s28/curve_test_table.py old10 --seeds 0-19   # the old rows, same seeds
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
from curves import _penalized, seed_cluster_bootstrap  # noqa: E402

H = os.path.join(HERE, "..", "curves_issue19")
OLD = {
    "old10": [
        "s10_test_seeds0-19_b10.jsonl",
        "s10_test_seeds20-59_b10.jsonl",
        "s10_test_w4_b10.jsonl",
        "s11_test_b10.jsonl",
        "s12_test_mfh6_centre_b10.jsonl",
    ],
    "old30": [
        "s10_test_seeds0-59_b30.jsonl",
        "s10_test_w4_b30.jsonl",
        "s11_test_b30.jsonl",
        "s12_test_mfh6_centre_b30.jsonl",
    ],
}  # benchmarks/history/curves_issue19/s12_tools/combine19.py: later files override
FAMILIES = [
    "crossing-243-steep",
    "crossing-9-eta2",
    "plateau-81-eta4",
    "diverge-81",
    "uninformative-81",
    "noisy-27-heavy",
    "mfh6",
]
ROWS = [  # label, method, reference
    ("default + ASHA (stop)", "tw-asha-stop", "optuna-hb-tpe"),
    ("no early stopping", "tw-none", "optuna-hb-tpe"),
    ("ASHA ÷ no early stopping", "tw-asha-stop", "tw-none"),
    ("TPE + ASHA (stop)", "tw-tpe-asha-stop", "optuna-hb-tpe"),
    ("default + ASHA (promote)", "tw-asha-promote", "optuna-hb-tpe"),
    ("stop, 4 asynchronous workers", "tw-asha-stop@4", "optuna-hb-tpe"),
    ("4 workers ÷ sequential (stop)", "tw-asha-stop@4", "tw-asha-stop"),
]


def load(files: list[str]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str, int], dict[str, Any]] = {}
    for f in files:
        with open(f) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    rows[(r["family"], r["method"], r["seed"])] = r
    return list(rows.values())


def table(rows: list[dict[str, Any]], seeds: set[int] | None) -> str:
    by: dict[tuple[str, str], dict[int, dict[str, Any]]] = {}
    for r in rows:
        if seeds is None or r["seed"] in seeds:
            by.setdefault((r["family"], r["method"]), {})[r["seed"]] = r
    rng = np.random.default_rng(0)
    out = []
    for label, m, ref in ROWS:
        cells, logs = [], []
        for fam in FAMILIES:
            mine, theirs = by.get((fam, m), {}), by.get((fam, ref), {})
            common = sorted(set(mine) & set(theirs))
            if len(common) < 2:
                cells.append("-")
                continue
            lr = np.log(_penalized([mine[s] for s in common])) - np.log(_penalized([theirs[s] for s in common]))
            logs.append(dict(zip(common, lr.tolist())))
            cells.append(f"{math.exp(lr.mean()):.2f}")
        if not logs:
            continue
        point = math.exp(np.mean([np.mean(list(lg.values())) for lg in logs]))
        boots = seed_cluster_bootstrap(logs, rng)
        n = max(len(lg) for lg in logs)
        x = "" if "÷" in label else "x"
        out.append(
            f"| {label} ({n} seeds) | " + " | ".join(cells) + f" | {point:.2f}{x} "
            f"[{math.exp(np.quantile(boots, 0.025)):.2f}, {math.exp(np.quantile(boots, 0.975)):.2f}] |"
        )
    reached = []
    for fam in FAMILIES:
        cnt = {
            m: sum(math.isfinite(r["ctt"]) for r in by.get((fam, m), {}).values())
            for m in ("optuna-hb-tpe", "tw-asha-stop", "tw-asha-promote", "tw-none")
        }
        reached.append(f"{fam}: " + ", ".join(f"{m} {c}" for m, c in cnt.items()))
    return "\n".join(out) + "\n\nreached target (runs): " + "; ".join(reached)


def main() -> None:
    which, *rest = sys.argv[1:]
    seeds = None
    if "--seeds" in rest:
        i = rest.index("--seeds")
        lo, hi = map(int, rest[i + 1].split("-"))
        seeds = set(range(lo, hi + 1))
        del rest[i : i + 2]
    files = [os.path.join(H, f) for f in OLD[which]] if which in OLD else rest
    print("| split | " + " | ".join(FAMILIES) + " | geo-mean [95% CI] |")
    print("|---|" + "--:|" * (len(FAMILIES) + 1))
    print(table(load(files), seeds))


if __name__ == "__main__":
    main()
