"""cross_validate_objective: CV inside a define-by-run objective, with fold-wise pruning.

A conditional space (which model, then that model's parameters) is natural in define-by-run
code; the helper fits each fold, reports the running mean, and stops a bad trial early.

Run from the repo root: .venv/bin/python examples/sklearn_cross_validate_objective.py
"""

from __future__ import annotations

import os

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import tunewise as tw
from tunewise.integrations.sklearn import StepPruner

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_breast_cancer(return_X_y=True)


def objective(trial: tw.Trial) -> float:
    model = trial.suggest_categorical("model", ["logreg", "forest"])
    if model == "logreg":
        estimator = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
        params = {"logisticregression__C": tw.loguniform(1e-4, 1e2)}
    else:
        estimator = RandomForestClassifier(n_estimators=15, random_state=0)
        params = {"max_depth": tw.randint(1, 12), "max_features": tw.uniform(0.1, 0.9)}
    return tw.cross_validate_objective(estimator, X, y, trial=trial, params=params, cv=4, scoring="roc_auc")


study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0),
                        scheduler=StepPruner("median", n_startup_trials=3))
study.optimize(objective, n_trials=12 if not QUICK else 7)
states = [t.state.value for t in study.trials]
print(f"complete: {states.count('COMPLETE')}, pruned: {states.count('PRUNED')}")
print(f"best ROC AUC {study.best_value:.4f} with {study.best_params}")
print(f"fold scores of the best trial: {[round(s, 4) for s in study.best_trial.user_attrs['cv_scores']]}")
