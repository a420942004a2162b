"""Session 28: per problem, the default (D) against optuna TPE / GP on probes 1-6 (dev), with the
regret as ``../s19/probe_real_hpo.py --report`` defines it (best loss any row of the file reached,
floor 1e-3), and the contribution of each problem to the overall log ratio at 60 trials.

    .venv/bin/python benchmarks/history/s28/dev_table.py /tmp/s28e/dev_rows.jsonl [extra.jsonl ...]
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np

FLOOR = 1e-3


def load(paths: list[str]) -> list[dict]:
    return [json.loads(x) for p in paths for x in open(p) if x.strip()]


def regrets(rows: list[dict], budgets=(10, 20, 30, 40, 50, 60)) -> dict:
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg = {}
    for r in rows:
        for b in budgets:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], FLOOR)
    return reg


def ratio(reg, p, m, ref, b, seeds=range(10)):
    v = [
        math.log(reg[(p, m, s, b)] / reg[(p, ref, s, b)])
        for s in seeds
        if (p, m, s, b) in reg and (p, ref, s, b) in reg
    ]
    return (math.exp(np.mean(v)), np.sum(v), len(v)) if v else (float("nan"), 0.0, 0)


def main() -> None:
    rows = load(sys.argv[1:])
    reg = regrets(rows)
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    probe = {r["problem"]: r.get("probe", "") for r in rows}
    methods = list(dict.fromkeys(r["method"] for r in rows))
    m = "tw-default"
    print("| probe | problem | D/TPE 10 | 20 | 30 | 40 | 50 | 60 | D/GP 30 | D/GP 60 | share of sum log(D/TPE) at 60 |")
    print("|--|--|" + "--:|" * 9)
    total60 = sum(ratio(reg, p, m, "optuna-tpe", 60)[1] for p in problems)
    n60 = sum(ratio(reg, p, m, "optuna-tpe", 60)[2] for p in problems)
    out = []
    for p in problems:
        r = [ratio(reg, p, m, "optuna-tpe", b)[0] for b in (10, 20, 30, 40, 50, 60)]
        g = [ratio(reg, p, m, "optuna-gp", b)[0] for b in (30, 60)]
        out.append((ratio(reg, p, m, "optuna-tpe", 60)[1], p, r, g))
    for s, p, r, g in sorted(out, reverse=True):
        print(
            f"| {probe[p]} | {p} | "
            + " | ".join(f"{x:.2f}" for x in r)
            + " | "
            + " | ".join(f"{x:.2f}" for x in g)
            + f" | {s:+.1f} |"
        )
    for ref in ("optuna-tpe", "optuna-gp", "old-default"):
        for b in (10, 20, 30, 40, 50, 60):
            v = [
                math.log(reg[(p, m, s, b)] / reg[(p, ref, s, b)])
                for p in problems
                for s in range(10)
                if (p, m, s, b) in reg and (p, ref, s, b) in reg
            ]
            print(f"overall D / {ref} at {b}: {math.exp(np.mean(v)):.3f} ({len(v)} runs)")
    print(f"sum log at 60 vs TPE {total60:.1f} over {n60} runs; methods {methods}")


if __name__ == "__main__":
    main()
