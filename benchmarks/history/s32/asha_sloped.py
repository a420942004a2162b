"""Session 32, issue 19 (dev only): the default (tw-asha-stop) on dev family sloped-81 against no early
stopping, optuna TPE + HyperbandPruner, Syne Tune Hyper-Tune and two sampler ablations, paired by seed
(geometric mean of per-seed ratios, 95% percentile bootstrap; unreached targets count 2 x budget).

  .venv/bin/python benchmarks/history/s32/asha_sloped.py
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

FILES = ("asha_sloped_b10.jsonl", "asha_sloped_hypertune_b10.jsonl", "asha_sloped_ablate_b10.jsonl",
         "asha_sloped_centre_b10.jsonl")
REFS = ("tw-none", "optuna-hb-tpe", "st-hypertune", "tw-asha-stop+include_pruned=False",
        "tw-asha-stop+_forecast_pruned=False", "tw-asha-stop+_centre_min_dims=3")


def _pen(r: dict) -> float:
    return r["ctt"] if math.isfinite(r["ctt"]) else 2.0 * r["budget"]


def main() -> None:
    rng = np.random.default_rng(0)
    rows: dict[tuple[str, int], dict] = {}
    for name in FILES:
        path = os.path.join(HERE, name)
        if os.path.exists(path):
            for r in map(json.loads, filter(str.strip, open(path))):
                if name == FILES[2] and r["method"] == "tw-asha-stop":
                    continue  # the same runs as in FILES[0] (deterministic); pair with those
                rows[(r["method"], r["seed"])] = r
    # the centre start-up variant against Hyper-Tune, too (a diagnostic: how much of the gap is trial 1)
    for s in range(100):
        if ("tw-asha-stop+_centre_min_dims=3", s) in rows:
            rows[("centre", s)] = rows[("tw-asha-stop+_centre_min_dims=3", s)]
    seeds = sorted(s for m, s in rows if m == "st-hypertune" and ("centre", s) in rows)
    if seeds:
        a = np.array([_pen(rows[("centre", s)]) for s in seeds])
        b = np.array([_pen(rows[("st-hypertune", s)]) for s in seeds])
        g, lo, hi = paired_ratio(a, b, rng)
        print(f"sloped-81 (dev, 10·R): default with the centre as trial 1 / st-hypertune {g:.2f} [{lo:.2f}, {hi:.2f}] "
              f"({len(seeds)} seeds {seeds[0]}-{seeds[-1]})")
    for ref in REFS:
        seeds = sorted(s for m, s in rows if m == ref and ("tw-asha-stop", s) in rows)
        if not seeds:
            continue
        a = np.array([_pen(rows[("tw-asha-stop", s)]) for s in seeds])
        b = np.array([_pen(rows[(ref, s)]) for s in seeds])
        g, lo, hi = paired_ratio(a, b, rng)
        reached = sum(math.isfinite(rows[(ref, s)]["ctt"]) for s in seeds)
        reached_d = sum(math.isfinite(rows[("tw-asha-stop", s)]["ctt"]) for s in seeds)
        trials = np.mean([rows[(ref, s)]["trials"] for s in seeds])
        print(f"sloped-81 (dev, 10·R): default / {ref} {g:.2f} [{lo:.2f}, {hi:.2f}] ({len(seeds)} seeds "
              f"{seeds[0]}-{seeds[-1]}; reached: default {reached_d}/{len(seeds)}, {ref} {reached}/{len(seeds)}; "
              f"trials/run {ref} {trials:.1f}, default "
              f"{np.mean([rows[('tw-asha-stop', s)]['trials'] for s in seeds]):.1f})")


if __name__ == "__main__":
    main()
