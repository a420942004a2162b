"""s28 mends: two small XGBoost fits, default threads against n_jobs=1."""

import time

import xgboost as xgb
from sklearn.datasets import load_breast_cancer

X, y = load_breast_cancer(return_X_y=True)
for kw in ({}, {"n_jobs": 1}, {}, {"n_jobs": 1}):
    c0 = time.process_time()
    w0 = time.perf_counter()
    for d in (3, 5):
        xgb.XGBClassifier(n_estimators=20, max_depth=d, **kw).fit(
            X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False
        )
    print(kw, f"wall {time.perf_counter() - w0:.2f} s cpu {time.process_time() - c0:.2f} s")
