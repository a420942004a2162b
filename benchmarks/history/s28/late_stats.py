"""Session 28: late-run statistics of the default (D) and its peers on probes 1-6 (dev rows of
``dev_rows.py``): how much each method's regret falls from trial 30 to 60, how often it does not
fall at all, the share of trials 31-60 worse than the median loss of all rows of their (problem,
seed) cell, and how often results repeat exactly (the AutoSampler's plateau rule: 2 of the latest 4
results repeating an earlier one sends the next proposal to TPE; counted approximately from the
losses).

    .venv/bin/python benchmarks/history/s28/late_stats.py /tmp/s28e/dev_rows.jsonl
"""

from __future__ import annotations

import collections
import json
import math
import sys

import numpy as np

METHODS = ("tw-default", "optuna-tpe", "optuna-gp", "old-default")
FLOOR = 1e-3


def repeats(losses: list[float]) -> list[bool]:
    seen: set[float] = set()
    out = []
    for v in losses:
        out.append(v in seen)
        seen.add(v)
    return out


def main() -> None:
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    cell = collections.defaultdict(dict)
    for r in rows:
        cell[(r["problem"], r["seed"])][r["method"]] = r["losses"]

    def reg(losses: list[float], p: str, b: int) -> float:
        return max(min(losses[:b]) - best[p], FLOOR)

    print("## late-run statistics, all (problem, seed) cells a method has\n")
    print(
        "| method | mean log(regret 60 / regret 30) | no improvement 30 -> 60 (above floor) | at floor at 60 |"
        " trials 31-60 worse than the cell median |"
    )
    print("|---|--:|--:|--:|--:|")
    for m in METHODS:
        imp, stuck, floor, poor = [], [], [], []
        for (p, _s), d in cell.items():
            if m not in d:
                continue
            r30, r60 = reg(d[m], p, 30), reg(d[m], p, 60)
            imp.append(math.log(r60 / r30))
            stuck.append(r60 == r30 and r30 > FLOOR)
            floor.append(r60 <= FLOOR)
            med = float(np.median(np.concatenate([d[k] for k in d])))
            poor.append(float(np.mean(np.array(d[m][30:]) > med)))
        print(f"| {m} | {np.mean(imp):.3f} | {np.mean(stuck):.2f} | {np.mean(floor):.2f} | {np.mean(poor):.3f} |")
    print("\n## per problem: trials 31-60 worse than the cell median; repeated results per run; plateau-rule firings\n")
    print(
        "| problem | default | optuna TPE | optuna GP | pre-D default | repeats default | repeats TPE |"
        " plateau rule (approx.) |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for p in problems:
        vals = []
        for m in METHODS:
            v = []
            for s in range(10):
                d = cell[(p, s)]
                if m in d:
                    med = float(np.median(np.concatenate([d[k] for k in d])))
                    v.append(float(np.mean(np.array(d[m][30:]) > med)))
            vals.append(f"{np.mean(v):.2f}" if v else "")
        rd = np.mean([sum(repeats(cell[(p, s)]["tw-default"])) for s in range(10)])
        rt = np.mean([sum(repeats(cell[(p, s)]["optuna-tpe"])) for s in range(10)])
        fires = []
        for s in range(10):
            r = repeats(cell[(p, s)]["tw-default"])
            fires.append(sum(1 for i in range(10, 60) if sum(r[max(0, i - 4) : i]) >= 2))
        print(f"| {p} | " + " | ".join(vals) + f" | {rd:.1f} | {rt:.1f} | {np.mean(fires):.1f} |")


if __name__ == "__main__":
    main()
