"""Session 30 (auto18), issue 18, step 2 (dev): how AutoSampler's Sobol start-up covers the branches of
pipe-cond's space (its parameters, a constant objective: no model is fitted) against random search,
200 seeds x 10 trials: choices of a categorical never drawn, the rarest choice's count, distinct
(model, reducer) pairs, and where the conditional numeric parameters fall (share in the lowest /
highest 10% of their unit range, mean). QMCSampler keys its Sobol engines by the sorted names seen
so far; a parameter first seen in a trial is drawn at random.

    .venv/bin/python benchmarks/history/s30/auto_diag_startup.py
"""

from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np

import tunewise as tw

CHOICES = {"model": ["logreg", "knn", "nb"], "reducer": ["none", "pca", "kbest"],
           "scaler": ["none", "standard", "robust", "quantile"]}
RANGES = {"C": (1e-4, 1e3, True), "n_neighbors": (1, 80, True), "var_smoothing": (1e-12, 1e-1, True),
          "pca_n": (2, 20, False), "kbest_k": (2, 20, False)}


def space(t: Any) -> float:
    """pipe-cond's parameters (../s25/probe_real_hpo6.py), no model."""
    t.suggest_categorical("scaler", CHOICES["scaler"])
    r = t.suggest_categorical("reducer", CHOICES["reducer"])
    if r == "pca":
        t.suggest_int("pca_n", 2, 20)
    elif r == "kbest":
        t.suggest_int("kbest_k", 2, 20)
    m = t.suggest_categorical("model", CHOICES["model"])
    if m == "logreg":
        t.suggest_categorical("class_weight", ["none", "balanced"])
        t.suggest_float("C", 1e-4, 1e3, log=True)
    elif m == "knn":
        t.suggest_int("n_neighbors", 1, 80, log=True)
        t.suggest_categorical("knn_weights", ["uniform", "distance"])
    else:
        t.suggest_float("var_smoothing", 1e-12, 1e-1, log=True)
    return 0.0


def unit(k: str, v: float) -> float:
    lo, hi, lg = RANGES[k]
    return math.log(v / lo) / math.log(hi / lo) if lg else (v - lo) / (hi - lo)


def main() -> None:
    tw.logging.set_verbosity(tw.logging.ERROR)
    for name, make in (("AutoSampler (Sobol start-up)", tw.samplers.AutoSampler),
                       ("RandomSampler", tw.samplers.RandomSampler)):
        missing: collections.Counter[str] = collections.Counter()
        rarest: collections.Counter[str] = collections.Counter()
        pairs, us = [], collections.defaultdict(list)
        for seed in range(200):
            study = tw.create_study(sampler=make(seed=seed))
            study.optimize(space, n_trials=10)
            ps = [t.params for t in study.trials]
            for k, ch in CHOICES.items():
                c = collections.Counter(p[k] for p in ps)
                missing[k] += len(ch) - len(c)
                rarest[k] += min(c.get(x, 0) for x in ch)
            pairs.append(len({(p["model"], p["reducer"]) for p in ps}))
            for p in ps:
                for k, v in p.items():
                    if k in RANGES:
                        us[k].append(unit(k, v))
        print(name)
        for k in CHOICES:
            print(f"  {k}: choices never drawn per run {missing[k] / 200:.3f}, "
                  f"rarest choice's count {rarest[k] / 200:.2f}")
        print(f"  distinct (model, reducer) pairs per run {np.mean(pairs):.2f}")
        for k, v in sorted(us.items()):
            a = np.array(v)
            print(f"  {k}: n {len(a)}, lowest 10% {np.mean(a < 0.1):.3f}, highest 10% {np.mean(a > 0.9):.3f}, "
                  f"mean {a.mean():.3f}")


if __name__ == "__main__":
    main()
