"""A second held-out set for the default sampler on finite spaces (session 17, written after the
two decisions that ``discrete_heldout.py`` served, and run once, to report).

Three new structures, one random instance per seed, 10 seeds, 60 trials; the runner and the
measures are ``discrete_heldout.py``'s (``measure``). Methods: the default (tw-default: the GP on these mostly
categorical spaces), the default forced onto TPE after its design (tw-default-tpe,
``large_budget=0``: the route before this session, with TPE's no-repeat rule), optuna TPE.

    .venv/bin/python benchmarks/history/s17/discrete_heldout2.py --out discrete_heldout2.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from discrete_heldout import BUDGETS, SEEDS, measure  # noqa: E402


def problems(seed: int) -> dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], float]]]:
    rng = np.random.default_rng([seed, 9090])
    out: dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], float]]] = {}

    # seven categoricals of 4 choices with one three-way interaction
    add = [rng.random(4) * 0.4 for _ in range(7)]
    three = rng.random((4, 4, 4)) ** 2 * 1.5
    space_a = {f"p{i}": ("cat", ["a", "b", "c", "d"]) for i in range(7)}

    def f_a(cfg: dict[str, Any]) -> float:
        idx = ["abcd".index(cfg[f"p{i}"]) for i in range(7)]
        return float(sum(a[j] for a, j in zip(add, idx, strict=True)) + three[idx[0], idx[1], idx[2]])

    out["cat7x4-threeway"] = (space_a, f_a)

    # four categoricals of unequal sizes and an integer
    sizes = (12, 7, 3, 9)
    eff = [rng.random(k) for k in sizes]
    centre = int(rng.integers(0, 21))
    space_b = {f"q{i}": ("cat", list(range(k))) for i, k in enumerate(sizes)} | {"m": ("int", 0, 20)}

    def f_b(cfg: dict[str, Any]) -> float:
        return float(sum(e[int(cfg[f"q{i}"])] for i, e in enumerate(eff)) + 0.01 * (cfg["m"] - centre) ** 2)

    out["cat4-unequal-int"] = (space_b, f_b)

    # three categoricals of 8: one good region (a 2x2x2 block) in a flat random landscape
    land = 0.5 + 0.5 * rng.random((8, 8, 8))
    lo = rng.integers(0, 7, size=3)
    land[lo[0]:lo[0] + 2, lo[1]:lo[1] + 2, lo[2]:lo[2] + 2] = 0.1 * rng.random((2, 2, 2))
    space_c = {f"r{i}": ("cat", list(range(8))) for i in range(3)}
    out["cat3x8-block"] = (space_c, lambda cfg: float(land[int(cfg["r0"]), int(cfg["r1"]), int(cfg["r2"])]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = []
    for seed in SEEDS:
        for name, (space, f) in problems(seed).items():
            for method in ("tw-default", "tw-default-tpe", "optuna-tpe"):
                rows.append({"problem": name, "seed": seed, "method": method, **measure(method, space, f, seed)})
    json.dump(rows, open(a.out, "w"))
    cell = {(r["problem"], r["seed"], r["method"]): r for r in rows}
    names = sorted({r["problem"] for r in rows})
    for num, den in (("tw-default", "optuna-tpe"), ("tw-default", "tw-default-tpe")):
        for b in map(str, BUDGETS):
            logs = np.array([math.log(cell[(p, s, num)]["regret"][b] / cell[(p, s, den)]["regret"][b])
                             for p in names for s in SEEDS])
            boot = np.random.default_rng(0).choice(logs, (4000, len(logs))).mean(axis=1)
            lo, hi = np.exp(np.percentile(boot, [2.5, 97.5]))
            per = {p: round(math.exp(np.mean([math.log(cell[(p, s, num)]["regret"][b] / cell[(p, s, den)]["regret"][b])
                                               for s in SEEDS])), 2) for p in names}
            print(f"{num} / {den} at {b}: {math.exp(logs.mean()):.2f} [{lo:.2f}, {hi:.2f}] {per}")
    for m in ("tw-default", "tw-default-tpe", "optuna-tpe"):
        print(m, "repeats per run", np.mean([cell[(p, s, m)]["dups"] for p in names for s in SEEDS]))


if __name__ == "__main__":
    main()
