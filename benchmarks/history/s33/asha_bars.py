"""Session 33, issue 19 (asha33), candidate O: the bars of asha_decision.txt from asha_run.py's rows (adapted
from benchmarks/history/s31/asha_bars.py).

  .venv/bin/python benchmarks/history/s33/asha_bars.py benchmarks/history/s33/asha_dev_b10.jsonl
      --candidate <method> [--families ...] [--seeds 0-19]
      [--peer benchmarks/results/curves_peers_s29_st-hypertune_b10.jsonl]

Per family: candidate / default, the geometric mean over the seeds every family completed, with a
95% percentile bootstrap over seeds; over families: the geometric mean of the family ratios with
curves.seed_cluster_bootstrap. Unreached targets count as 2 x budget.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
from curves import paired_ratio, seed_cluster_bootstrap  # noqa: E402

CANDIDATE = ""
DEFAULT = "tw-asha-stop"
NEW = ("sloped-81",)  # the dev family added in session 32 (the gain bar)


def _pen(r: dict) -> float:
    return r["ctt"] if math.isfinite(r["ctt"]) else 2.0 * r["budget"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rows")
    ap.add_argument("--candidate", default="tw-asha-stop+sched._outlier_gap=0.25")
    ap.add_argument("--families", nargs="*", default=None)
    ap.add_argument("--seeds", default=None, help="a range a-b; default: the seeds complete in every family")
    ap.add_argument("--peer", default=None, help="peer rows (curves_peers.py) to compare on common seeds")
    args = ap.parse_args()
    global CANDIDATE
    CANDIDATE = args.candidate
    by: dict[tuple[str, str], dict[int, dict]] = {}
    with open(args.rows) as fh:
        for r in map(json.loads, filter(str.strip, fh)):
            by.setdefault((r["family"], r["method"]), {})[r["seed"]] = r
    families = args.families or sorted({f for f, _ in by}, key=lambda f: list(dict.fromkeys(f for f, _ in by)).index(f))
    complete = None
    for f in families:
        s = set(by.get((f, CANDIDATE), {})) & set(by.get((f, DEFAULT), {}))
        complete = s if complete is None else complete & s
    seeds = sorted(complete or ())
    if args.seeds:
        lo, hi = map(int, args.seeds.split("-"))
        seeds = [s for s in seeds if lo <= s <= hi]
    rng = np.random.default_rng(0)
    print(f"{len(seeds)} seeds complete in all {len(families)} families: {seeds[:1]}..{seeds[-1:]}")
    print("| family | candidate / default [95% CI] | reached (candidate / default) | trials/run (candidate / default) "
          "| runs where it acted | runs that differ |")
    print("|---|--:|--:|--:|--:|--:|")
    logs = []
    ratios = {}
    for f in families:
        c = [by[(f, CANDIDATE)][s] for s in seeds]
        d = [by[(f, DEFAULT)][s] for s in seeds]
        cp, dp = np.array([_pen(r) for r in c]), np.array([_pen(r) for r in d])
        g, lo, hi = paired_ratio(cp, dp, rng)
        ratios[f] = g
        logs.append({s: float(x) for s, x in zip(seeds, np.log(cp) - np.log(dp))})
        acted = sum(r.get("fired", 0) > 0 for r in c)
        differ = sum(a != b for a, b in zip(cp, dp))
        print(f"| {f} | {g:.3f} [{lo:.2f}, {hi:.2f}] | {sum(math.isfinite(r['ctt']) for r in c)} / "
              f"{sum(math.isfinite(r['ctt']) for r in d)} | {np.mean([r['trials'] for r in c]):.1f} / "
              f"{np.mean([r['trials'] for r in d]):.1f} | {acted}/{len(c)} | {differ}/{len(c)} |")
    point = math.exp(np.mean([np.mean(list(lg.values())) for lg in logs]))
    boots = seed_cluster_bootstrap(logs, rng)
    worst = max(ratios, key=lambda f: ratios[f])
    print(f"\nover {len(families)} families: {point:.3f} [{math.exp(np.quantile(boots, 0.025)):.3f}, "
          f"{math.exp(np.quantile(boots, 0.975)):.3f}]; worst family {worst} {ratios[worst]:.3f}")
    print(f"bar <= 1.00 over families: {'pass' if point <= 1.0 else 'FAIL'}; "
          f"no family > 1.10: {'pass' if ratios[worst] <= 1.10 else 'FAIL'}")
    uni = [f for f in NEW if f in ratios]
    if uni:
        u = math.exp(np.mean([math.log(ratios[f]) for f in uni]))
        print(f"sloped-81: {u:.3f}")
    if args.peer:
        peer: dict[tuple[str, int], dict] = {}
        with open(args.peer) as fh:
            for r in map(json.loads, filter(str.strip, fh)):
                peer[(r["family"], r["seed"])] = r
        for f in families:
            common = [s for s in seeds if (f, s) in peer]
            if len(common) < 2:
                continue
            pr = np.array([_pen(peer[(f, s)]) for s in common])
            for m in (CANDIDATE, DEFAULT):
                mine = np.array([_pen(by[(f, m)][s]) for s in common])
                g, lo, hi = paired_ratio(mine, pr, rng)
                name = "candidate" if m == CANDIDATE else "default"
                print(f"{f}: {name} / {peer[(f, common[0])]['method']} {g:.2f} [{lo:.2f}, {hi:.2f}] "
                      f"({len(common)} seeds; peer trials/run "
                      f"{np.mean([peer[(f, s)].get('trials', float('nan')) for s in common]):.1f})")


if __name__ == "__main__":
    main()
