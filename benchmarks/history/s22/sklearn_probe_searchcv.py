"""Probe: scikit-learn's GridSearchCV against SearchCV on pipelines, multi-metric scoring, refit, error_score,
verbose, groups, sample_weight, clone / pickle / nested CV (s22 sklearn_wild2.md).

    .venv/bin/python benchmarks/history/s22/sklearn_probe_searchcv.py [CASE ...]
"""

import contextlib
import io
import pickle
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")


def TG(est, grid, **kw):
    return SearchCV(est, param_grid=grid, **kw)


def TR(est, dist, n_iter=10, **kw):
    return SearchCV(est, param_distributions=dist, n_iter=n_iter, **kw)


X, y = load_breast_cancer(return_X_y=True, as_frame=True)
X = X.iloc[:, :6].copy()
X["cat"] = np.where(X.iloc[:, 0] > X.iloc[:, 0].median(), "a", "b")
pre = ColumnTransformer([("num", StandardScaler(), list(X.columns[:6])), ("cat", OneHotEncoder(), ["cat"])])
pipe = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=1000))])
cases = {}
grid = [
    {"clf__C": [0.1, 1.0]},
    {"clf__C": [10.0], "clf__penalty": ["l2"], "pre__num": [StandardScaler(), "passthrough"]},
]
cases["listgrid_ct"] = lambda G: G(pipe, grid, cv=3)
sc = {"acc": "accuracy", "f1": make_scorer(f1_score), "auc": "roc_auc"}
cases["multi_refit_str"] = lambda G: G(
    pipe, {"clf__C": [0.1, 1, 10]}, scoring=sc, refit="auc", return_train_score=True, cv=3
)


def refit_fn(res):
    return int(np.argmin(res["mean_test_acc"]))


cases["multi_refit_callable"] = lambda G: G(pipe, {"clf__C": [0.1, 1, 10]}, scoring=sc, refit=refit_fn, cv=3)
cases["multi_refit_false"] = lambda G: G(pipe, {"clf__C": [0.1, 1, 10]}, scoring=["accuracy", "f1"], refit=False, cv=3)
cases["error_raise"] = lambda G: G(LogisticRegression(), {"C": [1.0, -1.0]}, error_score="raise", cv=3)
cases["verbose3_njobs"] = lambda G: G(pipe, {"clf__C": [0.1, 1]}, cv=2, verbose=3, n_jobs=-1)
cases["verbose1"] = lambda G: G(pipe, {"clf__C": [0.1, 1]}, cv=2, verbose=1)
cases["verbose2"] = lambda G: G(pipe, {"clf__C": [0.1, 1]}, cv=2, verbose=2)
groups = np.arange(len(y)) % 7
cases["groupkfold"] = lambda G: (G(pipe, {"clf__C": [0.1, 1]}, cv=GroupKFold(3)), dict(groups=groups))
w = np.where(y == 1, 1.0, 2.0)
cases["sample_weight"] = lambda G: (G(pipe, {"clf__C": [0.1, 1]}, cv=3), dict(clf__sample_weight=w))


def run(mode, name, f):
    G = GridSearchCV if mode == "sk" else TG
    made = f(G)
    est, fit_kw = made if isinstance(made, tuple) else (made, {})
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            est.fit(X, y, **fit_kw)
    except Exception as e:
        return {"error": f"{type(e).__name__}: {str(e)[:150]}", "out": buf.getvalue()}
    r = {"out": buf.getvalue()}
    for a in ("best_params_", "best_index_", "best_score_", "n_splits_", "multimetric_", "scorer_"):
        r[a] = repr(getattr(est, a, "<absent>"))[:200]
    r["keys"] = sorted(est.cv_results_)
    r["df_shape"] = pd.DataFrame(est.cv_results_).shape
    try:
        r["clone"] = type(clone(est)).__name__ and "ok"
        p = pickle.loads(pickle.dumps(est))
        r["pickle_pred"] = (
            bool(np.all(p.predict(X) == est.predict(X))) if hasattr(est, "best_estimator_") else "norefit"
        )
    except Exception as e:
        r["clone_pickle_err"] = f"{type(e).__name__}: {e}"[:200]
    try:
        r["nested"] = (
            cross_val_score(clone(est), X, y, cv=2, params=fit_kw or None).round(6).tolist()
            if est.refit is not False
            else None
        )
    except Exception as e:
        r["nested"] = f"{type(e).__name__}: {e}"[:200]
    return r


for name, f in cases.items():
    if len(sys.argv) > 1 and name not in sys.argv[1:]:
        continue
    a, b = run("sk", name, f), run("tw", name, f)
    diffs = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k) and k != "out"}
    import re as _re

    def m(s: str | None) -> str:
        return _re.sub(r"time=\s*[0-9.]+s", "time=T", s or "")

    if m(a.get("out")) != m(b.get("out")):
        diffs["out"] = (a["out"][:600], b["out"][:600])
    print("==", name, "SAME" if not diffs else "DIFF")
    for k, (u, v) in diffs.items():
        print("  ", k, "\n     sk:", u, "\n     tw:", v)
