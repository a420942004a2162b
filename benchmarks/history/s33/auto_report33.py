"""Session 33 (auto33), issue 18: regret ratios of candidate B (branch-wise GP) against the default
and optuna TPE, as the rule auto_decision.txt defines them.

regret after b trials = best loss among the first b minus the reference (the best loss of any row
of the problem in the files read, any method), floor 1e-3; a pair's ratio = A's regret / B's at the
same (problem, seed); a set of pairs = geometric mean, with a 90% bootstrap interval over pairs.

    python3 auto_report33.py dev ROWS.jsonl [ROWS.jsonl ...]
    python3 auto_report33.py probe11 ROWS.jsonl
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import defaultdict
from typing import Any

DEFAULT = "tw-default"
CAND = "tw-default+auto._branch_gp=True"
OPTUNA = "optuna-tpe"
BUDGETS = (30, 60)
COND11 = ("iris-noisycv-cond", "gq-svc-nested-cond", "sparse-linear-cond", "swissroll-kernel-cond",
          "circles-featmap-cond", "blobs-cov-cond")
UNCOND11 = ("gbr-friedman2", "rf-quantiles")


def load(files: list[str]) -> dict[tuple[str, str, int], dict[str, Any]]:
    rows: dict[tuple[str, str, int], dict[str, Any]] = {}
    for f in files:
        for line in open(f):
            r = json.loads(line)
            rows[(r["problem"], r["method"], r["seed"])] = r
    return rows


def regrets(rows: dict[tuple[str, str, int], dict[str, Any]]) -> dict[tuple[str, str, int], dict[int, float]]:
    ref: dict[str, float] = defaultdict(lambda: math.inf)
    for (p, _, _), r in rows.items():
        ref[p] = min(ref[p], min(r["losses"]))
    return {k: {b: max(min(r["losses"][:b]) - ref[k[0]], 1e-3) for b in BUDGETS} for k, r in rows.items()}


def gmean(xs: list[float]) -> float:
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def boot(xs: list[float], n: int = 2000) -> tuple[float, float]:
    rng = random.Random(0)
    ms = sorted(gmean([rng.choice(xs) for _ in xs]) for _ in range(n))
    return ms[int(0.05 * n)], ms[int(0.95 * n) - 1]


def ratios(reg: dict[tuple[str, str, int], dict[int, float]], a: str, b: str, problems: list[str],
           b_budget: int) -> list[float]:
    out = []
    for (p, m, s), r in sorted(reg.items()):
        if m == a and p in problems and (p, b, s) in reg:
            out.append(r[b_budget] / reg[(p, b, s)][b_budget])
    return out


def line(label: str, xs30: list[float], xs60: list[float]) -> str:
    if not xs30:
        return f"| {label} | 0 | | |"
    lo30, hi30 = boot(xs30)
    lo60, hi60 = boot(xs60)
    return (f"| {label} | {len(xs30)} | {gmean(xs30):.3f} [{lo30:.3f}, {hi30:.3f}] | "
            f"{gmean(xs60):.3f} [{lo60:.3f}, {hi60:.3f}] |")


def cpu(rows: dict[tuple[str, str, int], dict[str, Any]], method: str, problems: list[str]) -> float:
    xs = [r["opt_cpu_ms"] for (p, m, _), r in rows.items() if m == method and p in problems]
    return sum(xs) / len(xs) if xs else float("nan")


def gp_share(rows: dict[tuple[str, str, int], dict[str, Any]], problem: str) -> str:
    xs = [sum(u == "GPSampler/branch" for u in r.get("used", [])) for (p, m, _), r in rows.items()
          if m == CAND and p == problem and "used" in r]  # probe 11's runner records no strategy
    return f"{sum(xs) / len(xs):.1f}" if xs else "-"


def table(rows: dict[tuple[str, str, int], dict[str, Any]], a: str, b: str, problems: list[str], title: str) -> None:
    reg = regrets(rows)
    print(f"\n{title}: {a} / {b}\n")
    print("| set | pairs | at 30 | at 60 |")
    print("|---|--:|--:|--:|")
    print(line("all", ratios(reg, a, b, problems, 30), ratios(reg, a, b, problems, 60)))
    for p in problems:
        print(line(p, ratios(reg, a, b, [p], 30), ratios(reg, a, b, [p], 60)))


def main() -> None:
    mode, files = sys.argv[1], sys.argv[2:]
    rows = load(files)
    problems = sorted({p for p, _, _ in rows})
    if mode == "dev":
        seeds = sorted({s for _, _, s in rows})
        print(f"dev rows: {len(rows)}; seeds {seeds}")
        table(rows, CAND, DEFAULT, problems, "DEV (probes 1-10), B / default")
        print("\nGP-branch proposals per 60-trial run (B):", {p: gp_share(rows, p) for p in problems})
        print(f"sampler CPU ms per trial: B {cpu(rows, CAND, problems):.1f}, "
              f"default {cpu(rows, DEFAULT, problems):.1f}")
        reg = regrets(rows)
        print("\ndefault / B regret at 60 per problem (geometric means over seeds):")
        for p in problems:
            d = [r[60] for (q, m, _), r in reg.items() if q == p and m == DEFAULT]
            c = [r[60] for (q, m, _), r in reg.items() if q == p and m == CAND]
            print(f"  {p}: default {gmean(d):.4f}, B {gmean(c):.4f}")
    else:
        cond = [p for p in COND11 if p in problems]
        unc = [p for p in UNCOND11 if p in problems]
        print(f"probe 11 (held out until this run) rows: {len(rows)}; seeds {sorted({s for _, _, s in rows})}")
        table(rows, CAND, DEFAULT, cond, "PROBE 11, conditional, B / default (J1)")
        table(rows, DEFAULT, OPTUNA, cond + unc, "PROBE 11, default / optuna TPE")
        table(rows, CAND, OPTUNA, cond, "PROBE 11, conditional, B / optuna TPE")
        reg = regrets(rows)
        for label, ps in (("conditional", cond), ("unconditional", unc)):
            print(f"\ndefault / optuna, {label}:", line(label, ratios(reg, DEFAULT, OPTUNA, ps, 30),
                                                       ratios(reg, DEFAULT, OPTUNA, ps, 60)))
        # B / optuna over all 8 problems: B is the default on the unconditional ones (by construction)
        b30 = ratios(reg, CAND, OPTUNA, cond, 30) + ratios(reg, DEFAULT, OPTUNA, unc, 30)
        b60 = ratios(reg, CAND, OPTUNA, cond, 60) + ratios(reg, DEFAULT, OPTUNA, unc, 60)
        print("B / optuna, all 8 (B = default on the unconditional):", line("all 8", b30, b60))
        print("\nGP-branch proposals per 60-trial run (B):", {p: gp_share(rows, p) for p in cond})
        print(f"sampler CPU ms per trial (J2): B {cpu(rows, CAND, cond):.1f}, default {cpu(rows, DEFAULT, cond):.1f} "
              f"(conditional); default on the unconditional (GP) {cpu(rows, DEFAULT, unc):.1f}")


if __name__ == "__main__":
    main()
