"""The cat3x8-block problem of ``s17/discrete_heldout2.py`` on more seeds (session 18).

Session 17 ran it on seeds 0-9 and reported the default at 4.0x / 2.4x optuna TPE's regret at
30 / 60 trials. The problem is a needle in a haystack (8 good of 512 configurations in a random
landscape), so whether a run finds the block at all decides its regret, and 10 seeds say little.
This reruns the same problem, unchanged, on new seeds and prints paired ratios with a bootstrap
interval, the share of runs that found the block, and block configurations evaluated per run.

    .venv/bin/python benchmarks/history/s18/block_seeds.py --seeds 10 60 --out block_seeds.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s17"))
from discrete_heldout import FLOOR, all_configs, run  # noqa: E402
from discrete_heldout2 import problems  # noqa: E402

METHODS = ("tw-default", "optuna-tpe", "tw-random")
GOOD = 0.2  # block values are 0.1 * U(0, 1); the landscape outside is 0.5 + 0.5 * U(0, 1)


def one(method: str, seed: int) -> dict[str, object]:
    space, f = problems(seed)["cat3x8-block"]
    best = min(f(c) for c in all_configs(space))
    if method == "tw-random":
        rng = np.random.default_rng([seed, 77])
        cfgs = [{k: spec[1][int(rng.integers(len(spec[1])))] for k, spec in space.items()} for _ in range(60)]
    else:
        cfgs = run(method, space, f, seed)
    ys = [f(c) for c in cfgs]
    hits = [i for i, y in enumerate(ys) if y < GOOD]
    return {"method": method, "seed": seed, "first_hit": hits[0] if hits else None,
            "block_configs": len({json.dumps(cfgs[i], sort_keys=True) for i in hits}),
            "regret": {str(b): max(min(ys[:b]) - best, FLOOR) for b in (30, 60)}}


def summarize(rows: list[dict]) -> None:
    cell = {(r["method"], r["seed"]): r for r in rows}
    seeds = sorted({r["seed"] for r in rows})
    for m in METHODS:
        rs = [cell[(m, s)] for s in seeds if (m, s) in cell]
        print(f"{m}: found the block in {sum(r['first_hit'] is not None for r in rs)} of {len(rs)} runs; "
              f"block configurations per run {np.mean([r['block_configs'] for r in rs]):.2f}")
    for num, den in (("tw-default", "optuna-tpe"), ("tw-default", "tw-random"), ("optuna-tpe", "tw-random")):
        for b in ("30", "60"):
            logs = np.array([math.log(cell[(num, s)]["regret"][b] / cell[(den, s)]["regret"][b])
                             for s in seeds if (num, s) in cell and (den, s) in cell])
            boot = np.random.default_rng(0).choice(logs, (4000, len(logs))).mean(axis=1)
            lo, hi = np.exp(np.percentile(boot, [2.5, 97.5]))
            print(f"{num} / {den} at {b}: {math.exp(logs.mean()):.2f} [{lo:.2f}, {hi:.2f}] ({len(logs)} seeds)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs=2, default=(10, 60), help="first, end (exclusive)")
    ap.add_argument("--out")
    ap.add_argument("--summarize")
    a = ap.parse_args()
    if a.summarize:
        summarize(json.load(open(a.summarize)))
        return
    rows = [one(m, s) for s in range(*a.seeds) for m in METHODS]
    if a.out:
        json.dump(rows, open(a.out, "w"))
    summarize(rows)


if __name__ == "__main__":
    main()
