"""SearchCV: a GridSearchCV-compatible search with model-based strategies and fold-wise pruning.

Run from the repo root: .venv/bin/python examples/sklearn_searchcv.py
"""

from __future__ import annotations

import os

import pandas as pd
from scipy import stats
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw
from tunewise.integrations.sklearn import SearchCV

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])

# 1. Bayesian search (TPE; strategy="auto" would pick tunewise's AutoSampler) over a Pipeline's
#    nested parameters, stopping bad configurations after their first folds.
search = SearchCV(
    pipe,
    {"svc__C": tw.loguniform(1e-2, 1e3), "svc__gamma": stats.loguniform(1e-5, 1e-1)},  # ours or scipy's
    strategy="tpe",
    n_trials=15 if not QUICK else 8,
    cv=3,
    pruning="median",
    random_state=0,
)
search.fit(X_train, y_train)
print(f"strategy: {search.strategy_}")
print(f"best params: {search.best_params_}")
print(f"best CV accuracy: {search.best_score_:.4f}   held-out accuracy: {search.score(X_test, y_test):.4f}")
df = pd.DataFrame(search.cv_results_)
print(df.sort_values("rank_test_score")[["param_svc__C", "param_svc__gamma", "mean_test_score", "state"]]
      .head(5).to_string(index=False))
print(f"pruned configurations: {(df['state'] == 'PRUNED').sum()} of {len(df)}")

# 2. A finite grid with several metrics: refit on the one named by refit=.
grid = SearchCV(pipe, {"svc__C": [0.1, 1.0, 10.0], "svc__kernel": ["rbf", "linear"]},
                scoring=["accuracy", "f1_macro"], refit="f1_macro", cv=3)
grid.fit(X_train, y_train)
print(f"grid ({grid.strategy_}, {len(grid.cv_results_['params'])} points): best f1_macro "
      f"{grid.best_score_:.4f} with {grid.best_params_}")
