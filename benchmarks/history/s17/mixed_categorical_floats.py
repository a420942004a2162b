"""Sanity check (session 17): a mostly categorical space with floats too, on the GP (the default's
route since this session) against TPE after the start-up design (the route before; forced here
with ``large_budget=0``). Three categoricals, a float and a log float; one random instance per
seed; 10 seeds, 60 trials; regret floored at 1e-3.

    .venv/bin/python benchmarks/history/s17/mixed_categorical_floats.py   # writes mixed_categorical_floats.json
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

import tunewise as tw


def problem(seed: int) -> tuple[Callable[[dict[str, Any]], float], float]:
    rng = np.random.default_rng([seed, 777])
    eff = [rng.random(k) for k in (3, 4, 5)]
    inter = 0.6 * rng.random((3, 5))
    opt = rng.uniform(0.2, 0.8, size=2)

    def f(cfg: dict[str, Any]) -> float:
        i, j, k = cfg["a"], cfg["b"], cfg["c"]
        return float(eff[0][i] + eff[1][j] + eff[2][k] + inter[i, k] + 2 * (cfg["x"] - opt[0]) ** 2
                     + 2 * (math.log10(cfg["lr"]) + 4 - 3 * opt[1]) ** 2 / 9)

    best = min(eff[0][i] + eff[1][j] + eff[2][k] + inter[i, k] for i in range(3) for j in range(4) for k in range(5))
    return f, float(best)


def run(route: str, seed: int) -> dict[int, float]:
    f, best = problem(seed)
    sampler = tw.samplers.AutoSampler(seed=seed)
    if route == "tpe":
        sampler.large_budget = 0  # TPE after the design: the route of a mostly categorical space before
    study = tw.create_study(sampler=sampler)
    values: list[float] = []

    def objective(t: tw.Trial) -> float:
        cfg = {"a": t.suggest_categorical("a", [0, 1, 2]), "b": t.suggest_categorical("b", [0, 1, 2, 3]),
               "c": t.suggest_categorical("c", [0, 1, 2, 3, 4]), "x": t.suggest_float("x", 0, 1),
               "lr": t.suggest_float("lr", 1e-4, 1e-1, log=True)}
        values.append(f(cfg))
        return values[-1]

    study.optimize(objective, n_trials=60)
    return {b: max(min(values[:b]) - best, 1e-3) for b in (30, 60)}


def main() -> None:
    tw.logging.set_verbosity(tw.logging.ERROR)
    res = {route: [run(route, s) for s in range(10)] for route in ("gp", "tpe")}
    for b in (30, 60):
        logs = np.array([math.log(g[b] / t[b]) for g, t in zip(res["gp"], res["tpe"], strict=True)])
        boot = np.random.default_rng(0).choice(logs, (4000, len(logs))).mean(1)
        lo, hi = np.exp(np.percentile(boot, [2.5, 97.5]))
        print(f"budget {b}: GP / TPE {math.exp(logs.mean()):.2f} [{lo:.2f}, {hi:.2f}]")
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mixed_categorical_floats.json")
    json.dump(res, open(out, "w"))


if __name__ == "__main__":
    main()
