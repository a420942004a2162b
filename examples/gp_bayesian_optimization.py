"""Bayesian optimization with tunewise's GPSampler.

Tunes an RBF support-vector classifier (C and gamma on log scales, plus a categorical class
weighting) on scikit-learn's breast-cancer data with 3-fold cross-validation, and compares the
Gaussian-process sampler with random search at the same small budget. Then shows the batch use:
several ``ask()`` calls before any ``tell()`` get different points, because the sampler counts
running trials as if they had returned the model's prediction (kriging believer).

Run from the repository root:  .venv/bin/python examples/gp_bayesian_optimization.py
Writes out/gp_bayesian_optimization.json.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
logging.getLogger("tunewise").setLevel(logging.ERROR)
X, y = load_breast_cancer(return_X_y=True)


def objective(trial: tw.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-5, 1e1, log=True)
    weight = trial.suggest_categorical("class_weight", [None, "balanced"])
    model = make_pipeline(StandardScaler(), SVC(C=c, gamma=gamma, class_weight=weight))
    return float(cross_val_score(model, X, y, cv=3).mean())


def main() -> None:
    budget = 20 if not QUICK else 12  # the GP takes over after 7 start-up trials
    results = {}
    for name, sampler in [("gp", tw.samplers.GPSampler(seed=0)), ("random", tw.samplers.RandomSampler(seed=0))]:
        study = tw.create_study(direction="maximize", sampler=sampler)
        study.optimize(objective, n_trials=budget)
        results[name] = {"best_accuracy": study.best_value, "best_params": study.best_params}
        print(f"{name:>7}: best 3-fold accuracy {study.best_value:.4f} with {study.best_params}")

    # Batch proposals: ask for 4 points at once (e.g. to hand to 4 workers), then tell them all.
    study = tw.create_study(direction="maximize", sampler=tw.samplers.GPSampler(seed=1))
    study.optimize(objective, n_trials=10)
    batch = [study.ask() for _ in range(4)]
    points = []
    for trial in batch:
        c = trial.suggest_float("C", 1e-3, 1e3, log=True)
        gamma = trial.suggest_float("gamma", 1e-5, 1e1, log=True)
        weight = trial.suggest_categorical("class_weight", [None, "balanced"])
        points.append((round(c, 4), round(gamma, 6), weight))
    for trial in batch:
        model = make_pipeline(StandardScaler(), SVC(**trial.params))
        study.tell(trial, float(cross_val_score(model, X, y, cv=3).mean()))
    print("a batch of 4 proposals (C, gamma, class_weight), all different:", points)
    assert len(set(points)) == 4
    results["batch"] = {"points": points, "best_accuracy_after_batch": study.best_value}

    out = Path("out")
    out.mkdir(exist_ok=True)
    (out / "gp_bayesian_optimization.json").write_text(json.dumps(results, indent=2, default=str))
    print("wrote", out / "gp_bayesian_optimization.json")


if __name__ == "__main__":
    main()
