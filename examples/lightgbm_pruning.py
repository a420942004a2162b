"""LightGBM: report valid_0's binary_logloss each round, prune, and use lgb.cv too.

Run from the repo root: .venv/bin/python examples/lightgbm_pruning.py
"""

from __future__ import annotations

import os

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import tunewise as tw
from tunewise.integrations.lightgbm import LightGBMPruningCallback
from tunewise.integrations.sklearn import StepPruner

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
space = tw.presets.lightgbm().replace(n_estimators=[60])


def objective(trial: tw.Trial) -> float:
    model = lgb.LGBMClassifier(**space.suggest(trial), n_jobs=1, verbose=-1)
    model.fit(X_train, y_train, eval_X=X_val, eval_y=y_val,
              callbacks=[LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_0")])
    return float(model.best_score_["valid_0"]["binary_logloss"])


study = tw.create_study(direction="minimize", sampler=tw.samplers.RandomSampler(seed=0),
                        scheduler=StepPruner("halving", eta=3, min_steps=5, n_startup_trials=3))
study.optimize(objective, n_trials=25 if not QUICK else 12)
pruned = [t for t in study.trials if t.state == tw.TrialState.PRUNED]
print(f"{len(study.trials)} trials, {len(pruned)} pruned by successive halving over boosting rounds")
print(f"best validation log-loss {study.best_value:.4f} with num_leaves={study.best_params['num_leaves']}, "
      f"learning_rate={study.best_params['learning_rate']:.3f}")

# The same callback with lgb.cv: the key is the mean over folds ("valid" data, AUC here).
cv_study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=1))


def cv_objective(trial: tw.Trial) -> float:
    params = {"objective": "binary", "metric": "auc", "verbose": -1, "num_threads": 1,
              "num_leaves": trial.suggest_int("num_leaves", 4, 64, log=True),
              "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True)}
    result = lgb.cv(params, lgb.Dataset(X, label=y), num_boost_round=40, nfold=3, seed=0,
                    callbacks=[LightGBMPruningCallback(trial, "auc")])
    return float(result["valid auc-mean"][-1])


cv_study.optimize(cv_objective, n_trials=5)
print(f"lgb.cv: best mean AUC {cv_study.best_value:.4f} with {cv_study.best_params}")
