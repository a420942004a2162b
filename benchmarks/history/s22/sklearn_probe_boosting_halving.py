"""Probe: scikit-learn's searches against SearchCV with XGBoost / LightGBM (eval_set, early stopping), scipy
distributions, n_jobs=-1 and successive halving (s22 sklearn_wild2.md).

    .venv/bin/python benchmarks/history/s22/sklearn_probe_boosting_halving.py [CASE ...]
"""

import contextlib
import io
import pickle
import sys
import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd
import xgboost as xgb
from scipy.stats import loguniform, randint, uniform
from sklearn.datasets import load_breast_cancer
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    train_test_split,
)

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")


def TG(est, grid, **kw):
    return SearchCV(est, param_grid=grid, **kw)


def TR(est, dist, n_iter=10, **kw):
    return SearchCV(est, param_distributions=dist, n_iter=n_iter, **kw)


def THG(est, grid, **kw):
    return SearchCV(est, param_grid=grid, strategy="halving", **kw)


def THR(est, dist, **kw):
    return SearchCV(est, param_distributions=dist, strategy="halving", **kw)


SK = {"G": GridSearchCV, "R": RandomizedSearchCV, "HG": HalvingGridSearchCV, "HR": HalvingRandomSearchCV}
TW = {"G": TG, "R": TR, "HG": THG, "HR": THR}
X, y = load_breast_cancer(return_X_y=True, as_frame=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, random_state=0)
cases = {}
cases["xgb_eval_set"] = lambda S: (
    S["G"](
        xgb.XGBClassifier(n_estimators=30, n_jobs=1, early_stopping_rounds=5, eval_metric="logloss"),
        {"max_depth": [2, 3]},
        cv=3,
    ),
    dict(eval_set=[(Xva, yva)], verbose=False),
)
cases["lgbm_eval_set"] = lambda S: (
    S["G"](lgb.LGBMClassifier(n_estimators=30, n_jobs=1, verbose=-1), {"num_leaves": [7, 15]}, cv=3),
    dict(eval_set=[(Xva, yva)], callbacks=[lgb.early_stopping(5, verbose=False)]),
)
cases["lgbm_random_njobs"] = lambda S: (
    S["R"](
        lgb.LGBMClassifier(n_estimators=20, n_jobs=1, verbose=-1),
        {"num_leaves": randint(4, 30), "learning_rate": loguniform(0.01, 0.3), "subsample": uniform(0.5, 0.5)},
        n_iter=4,
        cv=3,
        n_jobs=-1,
        random_state=0,
    ),
    {},
)
cases["halving_refit_str"] = lambda S: (
    S["HG"](
        xgb.XGBClassifier(n_estimators=20, n_jobs=1),
        {"max_depth": [2, 3, 4, 5]},
        scoring="roc_auc",
        cv=3,
        factor=2,
        random_state=0,
    ),
    {},
)
cases["halving_random"] = lambda S: (
    S["HR"](
        lgb.LGBMClassifier(n_estimators=20, n_jobs=1, verbose=-1),
        {"num_leaves": randint(4, 30)},
        cv=3,
        factor=2,
        random_state=0,
    ),
    {},
)
cases["halving_nest"] = lambda S: (
    S["HG"](
        lgb.LGBMClassifier(n_jobs=1, verbose=-1),
        {"num_leaves": [4, 8, 16]},
        resource="n_estimators",
        max_resources=40,
        cv=3,
        factor=2,
        random_state=0,
    ),
    {},
)


def attrs(est):
    r = {}
    for a in (
        "best_params_",
        "best_index_",
        "n_splits_",
        "multimetric_",
        "classes_",
        "n_features_in_",
        "n_resources_",
        "n_candidates_",
        "n_iterations_",
        "min_resources_",
        "max_resources_",
        "n_remaining_candidates_",
        "n_required_iterations_",
        "n_possible_iterations_",
    ):
        try:
            v = getattr(est, a)
        except Exception as e:
            v = f"<{type(e).__name__}>"
        r[a] = repr(v)[:150]
    try:
        r["feature_names_in_"] = list(est.feature_names_in_)[:3]
    except Exception as e:
        r["feature_names_in_"] = f"<{type(e).__name__}>"
    r["keys"] = sorted(est.cv_results_)
    r["df"] = pd.DataFrame(est.cv_results_).shape
    for m in ("predict_proba", "decision_function", "score"):
        try:
            v = getattr(est, m)(Xva, yva) if m == "score" else getattr(est, m)(Xva)
            r[m] = repr(np.round(np.asarray(v).ravel()[:3], 6))
        except Exception as e:
            r[m] = f"<{type(e).__name__}>"
    try:
        p = pickle.loads(pickle.dumps(est))
        r["pickle"] = bool(np.all(p.predict(Xva) == est.predict(Xva)))
    except Exception as e:
        r["pickle"] = f"<{type(e).__name__}: {e}>"[:200]
    return r


for name, f in cases.items():
    if len(sys.argv) > 1 and name not in sys.argv[1:]:
        continue
    res = []
    for S in (SK, TW):
        est, kw = f(S)
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                est.fit(Xtr, ytr, **kw)
            res.append(attrs(est))
        except Exception as e:
            res.append({"error": f"{type(e).__name__}: {str(e)[:300]}"})
    a, b = res
    d = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
    print("==", name, "SAME" if not d else "DIFF")
    for k, (u, v) in d.items():
        print("  ", k, "\n     sk:", u, "\n     tw:", v)
