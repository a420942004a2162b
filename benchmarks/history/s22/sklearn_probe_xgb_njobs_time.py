"""Probe: wall time of GridSearchCV and SearchCV over XGBRegressor(n_jobs=cores//2) with n_jobs=2, alternating
(s22 sklearn_wild2.md; measured at load 14-18).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/history/s22/sklearn_probe_xgb_njobs_time.py
"""

import multiprocessing
import time

import xgboost as xgb
from sklearn.datasets import make_regression
from sklearn.model_selection import GridSearchCV

from tunewise.integrations.sklearn import SearchCV

X, y = make_regression(n_samples=20640, n_features=8, random_state=1234)


def sk():
    return GridSearchCV(
        xgb.XGBRegressor(n_jobs=multiprocessing.cpu_count() // 2, tree_method="hist"),
        {"max_depth": [2, 4, 6], "n_estimators": [50, 100, 200]},
        verbose=0,
        n_jobs=2,
    )


def tw():
    return SearchCV(
        xgb.XGBRegressor(n_jobs=multiprocessing.cpu_count() // 2, tree_method="hist"),
        param_grid={"max_depth": [2, 4, 6], "n_estimators": [50, 100, 200]},
        verbose=0,
        n_jobs=2,
    )


for _round in range(2):
    for name, f in (("sklearn", sk), ("tunewise", tw)):
        t = time.perf_counter()
        f().fit(X, y)
        print(name, round(time.perf_counter() - t, 1), flush=True)
