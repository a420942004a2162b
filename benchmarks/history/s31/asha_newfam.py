"""Session 31, issue 19 (dev only): the default (tw-asha-stop) on the new dev families against no
early stopping, optuna TPE + HyperbandPruner, plain Hyperband and Syne Tune Hyper-Tune, paired by seed
(geometric mean of per-seed ratios, 95% percentile bootstrap; unreached targets count 2 x budget).

  .venv/bin/python benchmarks/history/s31/asha_newfam.py
"""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from curves import paired_ratio  # noqa: E402


def _pen(r: dict) -> float:
    return r["ctt"] if math.isfinite(r["ctt"]) else 2.0 * r["budget"]


def main() -> None:
    rng = np.random.default_rng(0)
    for fam in ("inverted", "scrambled"):
        rows: dict[tuple[str, int], dict] = {}
        for name in (f"asha_{fam}_b10.jsonl", f"asha_{fam}_hypertune_b10.jsonl"):
            path = os.path.join(HERE, name)
            if os.path.exists(path):
                for r in map(json.loads, filter(str.strip, open(path))):
                    rows[(r["method"], r["seed"])] = r
        for ref in ("tw-none", "optuna-hb-tpe", "tw-hb-stop", "st-hypertune"):
            seeds = sorted(s for m, s in rows if m == ref and ("tw-asha-stop", s) in rows)
            if not seeds:
                continue
            a = np.array([_pen(rows[("tw-asha-stop", s)]) for s in seeds])
            b = np.array([_pen(rows[(ref, s)]) for s in seeds])
            g, lo, hi = paired_ratio(a, b, rng)
            trials = np.mean([rows[(ref, s)]["trials"] for s in seeds])
            reached = sum(math.isfinite(rows[(ref, s)]["ctt"]) for s in seeds)
            print(f"{fam}-81: default / {ref} {g:.2f} [{lo:.2f}, {hi:.2f}] ({len(seeds)} seeds {seeds[0]}-{seeds[-1]}; "
                  f"{ref} reached {reached}/{len(seeds)}, trials/run {trials:.1f}; default trials/run "
                  f"{np.mean([rows[('tw-asha-stop', s)]['trials'] for s in seeds]):.1f})")


if __name__ == "__main__":
    main()
