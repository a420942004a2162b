"""Nearby calls of the surfaces this batch's scripts use, scikit-learn's class vs SearchCV built by the migration
guide's swap (session 27, sklearn_wild7.md). Each case fits both and compares best_*, every cv_results_ column (times
left out) as a DataFrame (values and dtypes), the fitted attributes scripts read, the prediction methods, and a
joblib round trip. Prints one line per case: same / differs (what) / same exception.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s27/sklearn_wild7_probe.py
"""

from __future__ import annotations

import io
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.feature_selection import SelectKBest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, make_scorer
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    HalvingGridSearchCV,
    KFold,
    PredefinedSplit,
    RandomizedSearchCV,
    StratifiedKFold,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")
TIME = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


def tw(kind, est, space, **kw):
    if kind == "grid":
        return SearchCV(est, param_grid=space, **kw)
    if kind == "random":
        return SearchCV(est, param_distributions=space, **kw)
    return SearchCV(est, param_grid=space, strategy="halving", **kw)


def sk(kind, est, space, **kw):
    return {"grid": GridSearchCV, "random": RandomizedSearchCV, "halving": HalvingGridSearchCV}[kind](est, space, **kw)


def summary(search, X_test):
    out = {}
    df = pd.DataFrame(search.cv_results_).drop(columns=[c for c in TIME if c in search.cv_results_])
    out["columns"] = list(df.columns)
    out["dtypes"] = [str(t) for t in df.dtypes]
    out["frame"] = df.astype(str).values.tolist()
    for a in (
        "best_params_",
        "best_score_",
        "best_index_",
        "n_splits_",
        "multimetric_",
        "classes_",
        "n_features_in_",
        "feature_names_in_",
    ):
        try:
            v = getattr(search, a)
            out[a] = repr(v.tolist() if isinstance(v, np.ndarray) else v)
        except Exception as e:  # noqa: BLE001
            out[a] = f"raises {type(e).__name__}"
    for m in ("predict", "predict_proba", "decision_function", "score"):
        try:
            v = getattr(search, m)(X_test, Y_TEST) if m == "score" else getattr(search, m)(X_test)
            out[m] = repr(np.round(np.asarray(v), 10).tolist())
        except Exception as e:  # noqa: BLE001
            out[m] = f"raises {type(e).__name__}"
    buf = io.BytesIO()
    try:
        joblib.dump(search, buf)
        buf.seek(0)
        again = joblib.load(buf)
        out["joblib_predict"] = repr(np.asarray(again.predict(X_test)).tolist())
    except Exception as e:  # noqa: BLE001
        out["joblib_predict"] = f"raises {type(e).__name__}"
    return out


def case(name, kind, est, space, X, y, X_test, fit_kw=None, **kw):
    global Y_TEST
    fit_kw = fit_kw or {}
    results = []
    for build in (sk, tw):
        # a cv given as a factory (a generator of splits) is made anew for each search: one run consumes it
        kw_one = {k: (v() if k == "cv" and callable(v) and not hasattr(v, "split") else v) for k, v in kw.items()}
        try:
            s = build(kind, est, space, **kw_one).fit(X, y, **fit_kw)
            results.append(("ok", summary(s, X_test)))
        except Exception as e:  # noqa: BLE001
            results.append(("error", f"{type(e).__name__}: {str(e)[:150]}"))
    (a_st, a), (b_st, b) = results
    if a_st == b_st == "error":
        verdict = "same exception" if a.split(":")[0] == b.split(":")[0] else f"differs: {a} | {b}"
    elif a_st != b_st:
        verdict = f"differs: scikit-learn {a_st} {a if a_st == 'error' else ''} | SearchCV {b_st} " + (
            b if b_st == "error" else ""
        )
    else:
        bad = [k for k in a if a[k] != b.get(k)]
        verdict = (
            "same" if not bad else "differs: " + "; ".join(f"{k}: {a[k][:90]} vs {b.get(k, '')[:90]}" for k in bad)
        )
    print(f"{name}: {verdict}", flush=True)


Xi, yi = load_iris(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)
Y_TEST = None

# PredefinedSplit (a validation fold fixed in advance), grid and random
fold = np.array([-1] * 100 + [0] * 50)
Y_TEST = yi
case("predefined_split_grid", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, cv=PredefinedSplit(fold))
case(
    "predefined_split_random",
    "random",
    SVC(),
    {"C": [0.1, 1, 10], "gamma": ["scale", 0.1]},
    Xi,
    yi,
    Xi,
    cv=PredefinedSplit(fold),
    n_iter=4,
    random_state=0,
)
# cv as a generator of (train, test), consumed once
case(
    "cv_generator",
    "grid",
    SVC(),
    {"C": [0.1, 1]},
    Xi,
    yi,
    Xi,
    cv=lambda: StratifiedKFold(3, shuffle=True, random_state=0).split(Xi, yi),
)
# GroupKFold with groups=, return_train_score
groups = np.arange(len(yi)) % 5
case(
    "groupkfold_groups",
    "grid",
    LogisticRegression(max_iter=500),
    {"C": [0.1, 1]},
    Xi,
    yi,
    Xi,
    fit_kw={"groups": groups},
    cv=GroupKFold(5),
    return_train_score=True,
)
# a ColumnTransformer pipeline on a DataFrame, 'passthrough' and an estimator as grid values, feature_names_in_
wine = load_wine(as_frame=True)
Xw = wine.data.copy()
Xw["band"] = pd.cut(Xw["alcohol"], 3, labels=["lo", "mid", "hi"]).astype(str)
num = [c for c in Xw.columns if c != "band"]
pre = ColumnTransformer([("num", StandardScaler(), num), ("cat", OneHotEncoder(handle_unknown="ignore"), ["band"])])
pipe = Pipeline([("pre", pre), ("select", "passthrough"), ("clf", LogisticRegression(max_iter=1000))])
Y_TEST = wine.target
case(
    "column_transformer_passthrough",
    "grid",
    pipe,
    [{"select": ["passthrough"], "clf__C": [0.1, 1]}, {"select": [SelectKBest(k=5), PCA(3)], "clf__C": [1]}],
    Xw,
    wine.target,
    Xw,
    cv=3,
)
case(
    "column_transformer_num_passthrough",
    "grid",
    pipe,
    {"pre__num": ["passthrough", StandardScaler()], "clf": [LogisticRegression(max_iter=2000), SVC()]},
    Xw,
    wine.target,
    Xw,
    cv=3,
)
# scoring dict with make_scorer and a callable, refit by name; refit=False
Y_TEST = yb
scoring = {"acc": "accuracy", "f1": make_scorer(f1_score), "neg_err": lambda est, X, y: -np.mean(est.predict(X) != y)}
case(
    "scoring_dict_refit_f1",
    "grid",
    RandomForestClassifier(n_estimators=10, random_state=0),
    {"max_depth": [2, 4]},
    Xb,
    yb,
    Xb,
    scoring=scoring,
    refit="f1",
    return_train_score=True,
    cv=3,
)
case(
    "scoring_dict_refit_false",
    "grid",
    RandomForestClassifier(n_estimators=10, random_state=0),
    {"max_depth": [2, 4]},
    Xb,
    yb,
    Xb,
    scoring=scoring,
    refit=False,
    cv=3,
)
case(
    "make_scorer_positional_kfold",
    "grid",
    RandomForestClassifier(n_estimators=10, random_state=0),
    {"max_depth": range(1, 4)},
    Xb,
    yb,
    Xb,
    scoring=make_scorer(accuracy_score),
    cv=KFold(3),
)
# sample_weight through fit, error_score nan vs raise, pre_dispatch, verbose
Y_TEST = yi
w = np.where(yi == 2, 2.0, 1.0)
case("fit_sample_weight", "grid", SVC(), {"C": [0.1, 1]}, Xi, yi, Xi, fit_kw={"sample_weight": w}, cv=3)
case("error_score_nan", "grid", SVC(), {"C": [-1.0, 1.0]}, Xi, yi, Xi, cv=3)
case("error_score_raise", "grid", SVC(), {"C": [-1.0, 1.0]}, Xi, yi, Xi, cv=3, error_score="raise")
case("pre_dispatch_njobs", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, cv=3, n_jobs=2, pre_dispatch="2*n_jobs")
case("halving_return_train", "halving", SVC(), {"C": [0.1, 1, 10, 100]}, Xb, yb, Xb, factor=2, cv=3, random_state=0)
_stdout = sys.stdout
for verbose in (1, 2):
    lines = []
    for build in (sk, tw):
        buf = io.StringIO()
        sys.stdout = buf
        try:
            build("grid", SVC(), {"C": [0.1, 1]}, cv=3, verbose=verbose).fit(Xi, yi)
        finally:
            sys.stdout = _stdout
        lines.append([line.split(" total time=")[0] for line in buf.getvalue().splitlines()])
    print(
        f"verbose_{verbose}_lines: "
        + ("same" if lines[0] == lines[1] else f"differs: {lines[0][:2]} vs {lines[1][:2]}")
    )
