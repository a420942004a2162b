"""Session 30 (a copy of s29's peer_table.py, paths updated), issue 19: the peers (Syne Tune,
SMAC3, DEHB; benchmarks/curves_peers.py) against optuna TPE + HyperbandPruner and against tunewise's
default, per test family, on paired seeds.

  .venv/bin/python benchmarks/history/s30/peers_table.py --seeds 0-24 \\
      --ref benchmarks/results/curves_test_s28_b10.jsonl \\
      --peers benchmarks/results/curves_peers_s29_*_b10.jsonl benchmarks/history/s30/peers_*_b10.jsonl

Table 1: every method's compute to target ÷ optuna-hb-tpe's, per family (geometric mean of the
per-seed paired ratios, 95% percentile bootstrap over seeds, seed count), and over the families
(mean of the per-family mean log ratios; seeds resampled jointly across families, curves.py's
``seed_cluster_bootstrap``; only for methods with all families).
Table 2: per family, the best peer (lowest point ratio to optuna among peers with ``--min-seeds``+
paired seeds; a tie, as where no run of any peer reaches the target, goes to the lower mean final
loss; the ``-scratch`` variants are never the best: they charge more for the same run) and
each tunewise method ÷ that peer, paired on the seeds both have. Picking the best peer on the same
seeds it is compared on favours the peer (its lucky draws are kept), so the ratio leans against
tunewise.
A seed that never reaches the target counts as twice the budget (curves.py's rule). Rows of one
(family, method, seed) in several files count once, the last file's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from curves import _penalized, paired_ratio, seed_cluster_bootstrap  # noqa: E402

FAMILIES = [
    "crossing-243-steep",
    "crossing-9-eta2",
    "plateau-81-eta4",
    "diverge-81",
    "uninformative-81",
    "noisy-27-heavy",
    "mfh6",
]
REF = "optuna-hb-tpe"
TW = ["tw-asha-stop", "tw-asha-promote", "tw-none"]
LABEL = {
    "tw-asha-stop": "default + ASHA (stop)",
    "tw-asha-promote": "default + ASHA (promote)",
    "tw-none": "default, no early stopping",
    "st-asha": "Syne Tune ASHA",
    "st-bohb": "Syne Tune BOHB",
    "st-mobster": "Syne Tune MOBSTER",
    "st-hypertune": "Syne Tune Hyper-Tune",
    "smac-hb": "SMAC3 Hyperband",
    "smac-hb-scratch": "SMAC3 Hyperband, no checkpoints",
    "dehb": "DEHB",
    "dehb-scratch": "DEHB, no checkpoints",
}

Rows = dict[tuple[str, str], dict[int, dict[str, Any]]]


def load(files: list[str], seeds: set[int] | None) -> Rows:
    by: Rows = {}
    for f in files:
        with open(f) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    if seeds is None or r["seed"] in seeds:
                        by.setdefault((r["family"], r["method"]), {})[r["seed"]] = r
    return by


def log_ratios(by: Rows, fam: str, m: str, ref: str) -> dict[int, float]:
    mine, theirs = by.get((fam, m), {}), by.get((fam, ref), {})
    common = sorted(set(mine) & set(theirs))
    lr = np.log(_penalized([mine[s] for s in common])) - np.log(_penalized([theirs[s] for s in common]))
    return dict(zip(common, lr.tolist()))


def cell(by: Rows, fam: str, m: str, ref: str, rng: np.random.Generator, n_all: int) -> str:
    mine, theirs = by.get((fam, m), {}), by.get((fam, ref), {})
    common = sorted(set(mine) & set(theirs))
    if len(common) < 2:
        return "-"
    g, lo, hi = paired_ratio(_penalized([mine[s] for s in common]), _penalized([theirs[s] for s in common]), rng)
    n = f" ({len(common)})" if len(common) != n_all else ""
    return f"{g:.2f} [{lo:.2f}, {hi:.2f}]{n}"


def over_families(logs: list[dict[int, float]], rng: np.random.Generator) -> str:
    point = math.exp(np.mean([np.mean(list(lg.values())) for lg in logs]))
    boots = seed_cluster_bootstrap(logs, rng)
    return f"{point:.2f}x [{math.exp(np.quantile(boots, 0.025)):.2f}, {math.exp(np.quantile(boots, 0.975)):.2f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", nargs="+", required=True, help="curves.py rows: optuna-hb-tpe and the tw-* methods")
    ap.add_argument("--peers", nargs="+", required=True, help="curves_peers.py rows")
    ap.add_argument("--seeds", default=None, help="lo-hi, inclusive (default: every seed in the files)")
    ap.add_argument("--min-seeds", type=int, default=5, help="a best-peer candidate needs this many paired seeds")
    args = ap.parse_args()
    seeds = None
    if args.seeds:
        lo, hi = map(int, args.seeds.split("-"))
        seeds = set(range(lo, hi + 1))
    by = load(args.ref + args.peers, seeds)
    methods = sorted({m for _, m in by})
    peers = [m for m in methods if any(r.get("peer") for f in FAMILIES for r in by.get((f, m), {}).values())]
    n_all = max(len(by.get((f, REF), {})) for f in FAMILIES)
    rng = np.random.default_rng(0)

    print(f"## Compute to target ÷ {REF}, per family [95% CI] (paired seeds, {n_all} unless in brackets)\n")
    print("| method | " + " | ".join(FAMILIES) + " | over families [95% CI] |")
    print("|---|" + "--:|" * (len(FAMILIES) + 1))
    for m in [*TW, *peers]:
        if not any((f, m) in by for f in FAMILIES):
            continue
        cells = [cell(by, f, m, REF, rng, n_all) for f in FAMILIES]
        logs = [log_ratios(by, f, m, REF) for f in FAMILIES]
        total = over_families(logs, rng) if all(len(lg) >= 2 for lg in logs) else "- (not every family)"
        print(f"| {LABEL.get(m, m)} (`{m}`) | " + " | ".join(cells) + f" | {total} |")

    print(
        f"\n## Best peer per family (lowest point ratio to {REF}, {args.min_seeds}+ paired seeds), "
        "and tunewise ÷ that peer on the seeds both have\n"
    )
    best: dict[str, str] = {}
    for f in FAMILIES:
        cands = []
        for p in peers:
            if p.endswith("-scratch"):
                continue
            lg = log_ratios(by, f, p, REF)
            if len(lg) >= args.min_seeds:  # ties (no run reaches the target: mfh6) go to the lower final loss
                final = float(np.mean([by[(f, p)][s]["final"] for s in lg]))
                cands.append((round(float(np.mean(list(lg.values()))), 12), final, p))
        if cands:
            best[f] = min(cands)[2]
    print("| | " + " | ".join(FAMILIES) + " | over families [95% CI] |")
    print("|---|" + "--:|" * (len(FAMILIES) + 1))
    print("| best peer | " + " | ".join(f"`{best.get(f, '-')}`" for f in FAMILIES) + " | |")
    print(
        "| its ratio to optuna | "
        + " | ".join(cell(by, f, best[f], REF, rng, n_all) if f in best else "-" for f in FAMILIES)
        + " | |"
    )
    for m in TW:
        cells, logs = [], []
        for f in FAMILIES:
            if f not in best or (f, m) not in by:
                cells.append("-")
                continue
            cells.append(cell(by, f, m, best[f], rng, n_all))
            logs.append(log_ratios(by, f, m, best[f]))
        total = over_families(logs, rng) if len(logs) == len(FAMILIES) else "-"
        print(f"| {LABEL[m]} ÷ best peer | " + " | ".join(cells) + f" | {total} |")

    print("\n## Reached the target (runs)\n")
    for f in FAMILIES:
        parts = []
        for m in [REF, *TW, *peers]:
            rows = by.get((f, m), {})
            if rows:
                parts.append(f"{m} {sum(math.isfinite(r['ctt']) for r in rows.values())}/{len(rows)}")
        print(f"- {f}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
