"""Session 29: candidate H against the default on probes 1-6 (rule tpe_h_decision.txt, criteria 1-2).

Rows: the stored dev rows (../s28/dev_rows.py output: the default = D's stored rows, the pre-D
default, optuna TPE / GP) plus H's rows (run_h_dev.sh's h_rows.jsonl) and, where the rule asked
for them, fresh default rows (--fresh FILE: replace the stored default row of each (problem, seed)
they hold). Regret: best loss any row of the problem reached, floor 1e-3. Pairs: (problem, seed)
of the 5 conditional problems over the seeds H has for every problem; the 34 unconditional
problems' pairs are 1.00 by construction (reported diluted too). Interval: bootstrap over seeds
(each seed with its problems), 4000 draws, seed 0.

    .venv/bin/python benchmarks/history/s29/h_report.py DEV_ROWS H_ROWS [--fresh FILE] [--method NAME]
"""

from __future__ import annotations

import argparse
import collections
import json
import math

import numpy as np

CONDITIONAL = ["pipe-cond", "kr-friedman2", "svc-circles", "sgd-classif", "cond-clf"]
FLOOR = 1e-3
H = "tw-default+tpe._conditional_gap_clip=True"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dev")
    ap.add_argument("h")
    ap.add_argument("--fresh", action="append", default=[])
    ap.add_argument("--method", default=H)
    args = ap.parse_args()
    rows = [json.loads(x) for x in open(args.dev) if x.strip()]
    hrows = [json.loads(x) for x in open(args.h) if x.strip()]
    hrows = [r for r in hrows if r["method"] == args.method]
    by = {(r["problem"], r["method"], r["seed"]): r for r in rows}
    for f in args.fresh:
        for r in map(json.loads, open(f)):
            if r["method"] == "tw-default":
                by[(r["problem"], "tw-default", r["seed"])] = {**r, "fresh": True}
    for r in hrows:
        by[(r["problem"], "H", r["seed"])] = r
    seeds = sorted({s for s in range(10) if all((p, "H", s) in by for p in CONDITIONAL)})
    best = {p: min(min(r["losses"]) for k, r in by.items() if k[0] == p) for p in CONDITIONAL}

    def reg(p: str, m: str, s: int, b: int) -> float:
        return max(min(by[(p, m, s)]["losses"][:b]) - best[p], FLOOR)

    print(
        f"# H rows {len(hrows)}; complete seeds {seeds}; fresh default rows: "
        f"{sorted({(k[0], k[2]) for k, r in by.items() if r.get('fresh')})}"
    )
    rng = np.random.default_rng(0)
    n_all = 39
    for ref in ("tw-default", "optuna-tpe", "optuna-gp"):
        for b in (30, 60):
            logs = {
                s: [math.log(reg(p, "H", s, b) / reg(p, ref, s, b)) for p in CONDITIONAL if (p, ref, s) in by]
                for s in seeds
            }
            allv = [v for s in seeds for v in logs[s]]
            if not allv:
                continue
            bs = []
            for _ in range(4000):
                pick = rng.integers(0, len(seeds), len(seeds))
                vals = [v for i in pick for v in logs[seeds[i]]]
                bs.append(math.exp(np.mean(vals)))
            lo, hi = np.percentile(bs, [2.5, 97.5])
            g = math.exp(np.mean(allv))
            extra = ""
            if ref == "tw-default":
                diluted = math.exp(np.sum(allv) / (n_all * len(seeds)))
                extra = f"; over all 39 problems (34 identical by construction): {diluted:.3f}x"
            print(f"H / {ref} at {b}: {g:.3f}x [{lo:.3f}, {hi:.3f}] ({len(allv)} pairs){extra}")
    for ref in ("optuna-tpe", "optuna-gp"):
        for b in (30, 60):
            v = [
                math.log(reg(p, "tw-default", s, b) / reg(p, ref, s, b))
                for p in CONDITIONAL
                for s in seeds
                if (p, ref, s) in by
            ]
            print(f"default / {ref} at {b} (same pairs): {math.exp(np.mean(v)):.3f}x ({len(v)} pairs)")
    print("\n| problem | H / default at 30 | at 60 | default / optuna TPE at 60 | H / optuna TPE at 60 |")
    print("|---|--:|--:|--:|--:|")
    for p in CONDITIONAL:
        c = [
            math.exp(np.mean([math.log(reg(p, "H", s, b) / reg(p, "tw-default", s, b)) for s in seeds]))
            for b in (30, 60)
        ]
        t = [
            math.exp(np.mean([math.log(reg(p, m, s, 60) / reg(p, "optuna-tpe", s, 60)) for s in seeds]))
            for m in ("tw-default", "H")
        ]
        print(f"| {p} | {c[0]:.2f} | {c[1]:.2f} | {t[0]:.2f} | {t[1]:.2f} |")
    print("\nper seed, H / default regret at 60 (problem order as above):")
    for s in seeds:
        print(s, " ".join(f"{reg(p, 'H', s, 60) / reg(p, 'tw-default', s, 60):.2f}" for p in CONDITIONAL))
    same = collections.Counter(
        by[(p, "H", s)]["losses"] == by[(p, "tw-default", s)]["losses"] for p in CONDITIONAL for s in seeds
    )
    print(f"\nH rows identical to the default's loss for loss: {same[True]} of {sum(same.values())}")


if __name__ == "__main__":
    main()
