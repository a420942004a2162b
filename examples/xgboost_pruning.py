"""XGBoost: report validation log-loss every boosting round and prune hopeless trials.

Run from the repo root: .venv/bin/python examples/xgboost_pruning.py
"""

from __future__ import annotations

import os

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import tunewise as tw
from tunewise.integrations.sklearn import StepPruner
from tunewise.integrations.xgboost import XGBoostPruningCallback

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
space = tw.presets.xgboost().replace(n_estimators=[60])  # the guide's ranges, a short fixed run


def objective(trial: tw.Trial) -> float:
    params = space.suggest(trial)
    model = xgb.XGBClassifier(**params, n_jobs=1, eval_metric="logloss",
                              callbacks=[XGBoostPruningCallback(trial, "validation_0-logloss")])
    model.fit(X_train, y_train, eval_set=[(X_val, y_val)], verbose=False)
    return float(model.evals_result()["validation_0"]["logloss"][-1])


study = tw.create_study(direction="minimize", sampler=tw.samplers.TPESampler(seed=0)
                        if hasattr(tw.samplers, "TPESampler") else tw.samplers.RandomSampler(seed=0),
                        scheduler=StepPruner("median", n_startup_trials=5, n_warmup_steps=10))
study.optimize(objective, n_trials=25 if not QUICK else 12)
pruned = [t for t in study.trials if t.state == tw.TrialState.PRUNED]
print(f"{len(study.trials)} trials, {len(pruned)} pruned "
      f"(after {sorted(len(t.intermediate_values) for t in pruned)} rounds)")
print(f"best validation log-loss {study.best_value:.4f}")
print({k: round(v, 4) if isinstance(v, float) else v for k, v in study.best_params.items()})
