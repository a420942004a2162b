"""Session 29, issue 19: candidate B's bars (asha_b_decision.txt) from the dev result files.

    .venv/bin/python benchmarks/history/s29/asha_b_bars.py
Prints, per budget, B / default and B / none and default / none per family (paired geometric means
over the seeds all three ran), overall geometric means with curves.py's seed-cluster bootstrap
interval, and the bars' verdicts.
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from curves import seed_cluster_bootstrap  # noqa: E402

B = "tw-asha-stop+sched._noise_margin=True"
DEF = "tw-asha-stop"
NONE = "tw-none"
NOISY = ("noisy-36-heavy", "noisy-45-t")


def load(paths: list[str]) -> dict[tuple[str, str, int], float]:
    out = {}
    for p in paths:
        if not os.path.exists(p):
            continue
        for line in open(p):
            if line.strip():
                r = json.loads(line)
                c = r["ctt"]
                out[(r["family"], r["method"], r["seed"])] = (
                    c if c is not None and math.isfinite(c) else 2 * r["budget"]
                )
    return out


def ratios(
    ctt: dict[tuple[str, str, int], float], a: str, b: str, seeds: range, families: list[str]
) -> dict[str, dict[int, float]]:
    return {
        f: {s: math.log(ctt[(f, a, s)] / ctt[(f, b, s)]) for s in seeds if (f, a, s) in ctt and (f, b, s) in ctt}
        for f in families
    }


def summary(per: dict[str, dict[int, float]], rng: np.random.Generator) -> tuple[float, float, float, dict[str, float]]:
    per = {f: v for f, v in per.items() if v}
    boots = seed_cluster_bootstrap(list(per.values()), rng, n_boot=2000)
    lo, hi = np.percentile(boots, [2.5, 97.5])
    fam = {f: math.exp(np.mean(list(v.values()))) for f, v in per.items()}
    return math.exp(np.mean([math.log(x) for x in fam.values()])), math.exp(lo), math.exp(hi), fam


def main() -> None:
    rng = np.random.default_rng(0)
    for bf, seeds in ((10, range(10)), (30, range(5))):
        ctt = load([os.path.join(HERE, f"asha_dev_default_b{bf}.jsonl"), os.path.join(HERE, f"asha_dev_B_b{bf}.jsonl")])
        families = sorted({f for f, m, s in ctt if m == B})
        print(f"\n## dev, {bf}·R, seeds {seeds.start}-{seeds.stop - 1}")
        verdict = {}
        for a, b in ((B, DEF), (B, NONE), (DEF, NONE)):
            per = ratios(ctt, a, b, seeds, families)
            n = {f: len(v) for f, v in per.items()}
            g, lo, hi, fam = summary(per, rng)
            print(f"{a} / {b}: {g:.3f} [{lo:.3f}, {hi:.3f}], worst {max(fam.values()):.2f}")
            print("   " + ", ".join(f"{f} {x:.2f} ({n[f]})" for f, x in fam.items()))
            if (a, b) == (B, NONE) and "noisy-45-t" in fam:
                verdict["B / none noisy-45-t <= 1.00"] = (fam["noisy-45-t"], fam["noisy-45-t"] <= 1.00)
            if (a, b) == (B, DEF):
                noisy = [fam[f] for f in NOISY if f in fam]
                pair = math.exp(np.mean(np.log(noisy))) if noisy else math.nan
                print(f"   noisy pair B / default: {pair:.3f}")
                verdict["B / default overall <= 1.00"] = (g, g <= 1.00)
                verdict["B / default noisy pair <= 0.97"] = (pair, pair <= 0.97)
                worst = max(fam.values())
                verdict["B / default worst family <= 1.10"] = (worst, worst <= 1.10)
                same = sum(
                    ctt[(f, B, s)] == ctt[(f, DEF, s)]
                    for f in families
                    for s in seeds
                    if (f, B, s) in ctt and (f, DEF, s) in ctt
                )
                tot = sum(1 for f in families for s in seeds if (f, B, s) in ctt and (f, DEF, s) in ctt)
                print(f"   runs with the same compute to target: {same} of {tot}")
        print(f"bars at {bf}·R:")
        for name, (x, ok) in verdict.items():
            print(f"   {name}: {x:.3f} {'pass' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
