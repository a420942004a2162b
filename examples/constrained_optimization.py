"""Constraints: the most accurate model under a size (or latency) limit.

"Maximize accuracy, but the model must have at most 40 leaves." The objective records the
model's size, and ``constraints_func`` (Optuna's signature) turns it into a constraint value
that is feasible when <= 0. Samplers steer towards feasible trials (constrained TPE here; the
GP sampler uses a feasibility model), ``study.best_trial`` is the best *feasible* trial, and the
plots mark infeasible trials. ``trial.set_constraint([...])`` inside the objective does the same
without a ``constraints_func``; a second example below uses it with two objectives.

Run from the repository root:  .venv/bin/python examples/constrained_optimization.py
Writes out/constrained_pareto.html.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_validate
from sklearn.tree import DecisionTreeClassifier

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
X, y = load_digits(return_X_y=True)
MAX_LEAVES = 40


def fit(trial: tw.Trial) -> tuple[float, float]:
    model = DecisionTreeClassifier(
        max_depth=trial.suggest_int("max_depth", 2, 20),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 40),
        max_features=trial.suggest_float("max_features", 0.2, 1.0),
        criterion=trial.suggest_categorical("criterion", ["gini", "entropy"]),
        random_state=0,
    )
    scores = cross_validate(model, X, y, cv=3, return_estimator=True)
    leaves = sum(m.get_n_leaves() for m in scores["estimator"]) / 3
    return float(scores["test_score"].mean()), float(leaves)


def accuracy(trial: tw.Trial) -> float:
    acc, leaves = fit(trial)
    trial.set_user_attr("leaves", leaves)
    return acc


def size_limit(frozen: tw.FrozenTrial) -> list[float]:
    return [frozen.user_attrs["leaves"] - MAX_LEAVES]  # <= 0: at most MAX_LEAVES leaves


def main() -> None:
    n_trials = 25 if QUICK else 80
    study = tw.create_study(direction="maximize", sampler=tw.samplers.TPESampler(seed=0), constraints_func=size_limit)
    study.optimize(accuracy, n_trials=n_trials)
    feasible = [t for t in study.trials if t.constraints and t.constraints[0] <= 0]
    best = study.best_trial
    print(f"{len(feasible)} of {len(study.trials)} trials within {MAX_LEAVES} leaves")
    print(f"best feasible: accuracy {best.value:.3f} with {best.user_attrs['leaves']:.0f} leaves, {best.params}")
    most_accurate = max(study.trials, key=lambda t: t.value or 0.0)
    print(f"most accurate overall: {most_accurate.value:.3f} with {most_accurate.user_attrs['leaves']:.0f} leaves "
          f"({'feasible' if most_accurate.constraints[0] <= 0 else 'over the limit'})")

    # Two objectives under a constraint, with set_constraint in the objective: the Pareto front
    # of accuracy against size, among trees of depth <= 8 (say, a latency budget).
    def objective(trial: tw.Trial) -> tuple[float, float]:
        acc, leaves = fit(trial)
        trial.set_constraint([trial.params["max_depth"] - 8])
        return acc, leaves

    mo = tw.create_study(directions=["maximize", "minimize"], sampler=tw.samplers.TPESampler(seed=0))
    mo.optimize(objective, n_trials=n_trials)
    assert all(t.params["max_depth"] <= 8 for t in mo.best_trials)
    print(f"\nPareto front under depth <= 8: {len(mo.best_trials)} trials")
    out = Path("out")
    out.mkdir(exist_ok=True)
    tw.plots.pareto_front(mo, target_names=["accuracy", "leaves"]).write_html(out / "constrained_pareto.html")
    print("wrote out/constrained_pareto.html (infeasible trials are red crosses)")


if __name__ == "__main__":
    main()
