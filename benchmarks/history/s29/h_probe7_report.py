"""Session 29, the judge of tpe_h_decision.txt on probe 7: H / default regret at 30 and 60 trials.
The two conditional problems on seeds 0-9 (both arms run); the six unconditional ones: seed 0 of
both arms must match loss for loss (H's code is not reached there), and their 60 pairs count as
1.00 (by construction). Regret: best loss of the problem's rows in the file minus it, floor 1e-3
(svc-holdout-noisy: the reference values in ``losses``). Interval: bootstrap over seeds (each with
its two conditional problems), 4000 draws, seed 0.

    .venv/bin/python benchmarks/history/s29/h_probe7_report.py probe_real_hpo7_H.jsonl
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np

H = "tw-default+tpe._conditional_gap_clip=True"
COND = ["text-pipe-cond", "tabular-pipe-cond"]
FLOOR = 1e-3


def main() -> None:
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    by = {(r["problem"], r["method"], r["seed"]): r for r in rows}
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    uncond = [p for p in problems if p not in COND]
    bad = []
    for p in uncond:
        for s in sorted({k[2] for k in by if k[0] == p}):
            a, b = by.get((p, "tw-default", s)), by.get((p, H, s))
            if a is None or b is None:
                continue
            same = a["losses"] == b["losses"]
            print(f"identity {p} seed {s}: {'same losses' if same else 'DIFFER'}")
            bad += [] if same else [(p, s)]
    seeds = sorted(s for s in range(10) if all((p, m, s) in by for p in COND for m in ("tw-default", H)))
    print(f"# conditional seeds complete: {seeds}; unconditional checks differing: {bad}")

    def reg(p: str, m: str, s: int, b: int) -> float:
        return max(min(by[(p, m, s)]["losses"][:b]) - best[p], FLOOR)

    rng = np.random.default_rng(0)
    for b in (30, 60):
        logs = {s: [math.log(reg(p, H, s, b) / reg(p, "tw-default", s, b)) for p in COND] for s in seeds}
        allv = [v for s in seeds for v in logs[s]]
        g = math.exp(np.mean(allv))
        boot = [
            math.exp(np.mean([v for i in rng.integers(0, len(seeds), len(seeds)) for v in logs[seeds[i]]]))
            for _ in range(4000)
        ]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        over80 = math.exp(sum(allv) / (8 * len(seeds)))
        print(
            f"H / default at {b}: conditional {g:.3f}x [{lo:.3f}, {hi:.3f}] ({len(allv)} pairs); "
            f"over the 8 problems ({8 * len(seeds)} pairs, 6 x {len(seeds)} identical by construction): {over80:.3f}x"
        )
        for p in COND:
            v = [math.log(reg(p, H, s, b) / reg(p, "tw-default", s, b)) for s in seeds]
            print(f"  {p}: {math.exp(np.mean(v)):.3f}x; per seed " + " ".join(f"{math.exp(x):.2f}" for x in v))
    cpu = [
        math.log(by[(p, H, s)]["opt_cpu_ms"] / by[(p, "tw-default", s)]["opt_cpu_ms"])
        for p in COND
        for s in seeds
        if (p, s) != (COND[0], 0)
    ]
    print(
        f"H / default sampler CPU per trial (opt_cpu_ms), conditional pairs without {COND[0]} seed 0: "
        f"{math.exp(np.mean(cpu)):.3f}x ({len(cpu)} pairs)"
    )
    for p in COND:
        for m in ("tw-default", H):
            v = [min(by[(p, m, s)]["losses"][:60]) for s in seeds]
            print(f"  {p} {m}: mean best loss at 60 {np.mean(v):.4f} (problem best {best[p]:.4f})")


if __name__ == "__main__":
    main()
