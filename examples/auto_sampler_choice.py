"""The default sampler (AutoSampler): what it picks for different studies, and why.

Run from the repo root:  .venv/bin/python examples/auto_sampler_choice.py
"""

from __future__ import annotations

import logging
import math
import os

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
logging.getLogger("tunewise").setLevel(logging.ERROR)


def branin(trial: tw.Trial) -> float:
    x, y = trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10  # minimum 0.397887


def pipeline(trial: tw.Trial) -> float:
    scaler = trial.suggest_categorical("scaler", ["none", "standard", "minmax"])
    model = trial.suggest_categorical("model", ["svm", "forest"])
    if model == "svm":
        return abs(math.log10(trial.suggest_float("C", 1e-3, 1e3, log=True)) - 1) + (scaler == "none")
    return abs(trial.suggest_int("depth", 1, 20) - 8) / 4 + 0.5


for name, objective, n in (("numeric (Branin)", branin, 16 if not QUICK else 10),
                           ("categorical + conditional", pipeline, 20 if not QUICK else 12)):
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0))  # the same as tw.create_study()
    study.optimize(objective, n_trials=n)
    rec = study.system_attrs["auto_sampler"]
    print(f"{name}: best {study.best_value:.4f} after {n} trials")
    print(f"  strategy history: {[(h['sampler'], h['from_trial']) for h in rec['history']]}")
    print(f"  current: {rec['sampler']} because {rec['reason']}")

# The plan follows the budget of the optimize() call: a tiny budget is all Sobol points, 10-200
# trials GP BO, more than that GP then TPE; an objective that reports steps gets a recommendation
# (early stopping, multi-fidelity) but no scheduler is added by itself.
for n_trials in (4, 30 if not QUICK else 12):
    sampler = tw.samplers.AutoSampler(seed=0)
    tw.create_study(sampler=sampler).optimize(branin, n_trials=n_trials)
    print(f"n_trials={n_trials}: plan {sampler.plan['strategy']!r}: {sampler.plan['reason']}")
