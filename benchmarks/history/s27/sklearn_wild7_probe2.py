"""BayesSearchCV (scikit-optimize 0.10.2) vs SearchCV with the same search_spaces (session 27, sklearn_wild7.md):
nearby calls of what the batch's BayesSearchCV scripts use. The two optimizers choose other points, so values are not
compared: each case prints what each one ran (errors, candidate count, cv_results_ keys, the types and ranges of the
chosen values, the attributes and methods scripts read).

    PYTHONPATH=src .venv/bin/python benchmarks/history/s27/sklearn_wild7_probe2.py
"""

from __future__ import annotations

import io
import warnings

import joblib
import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from skopt import BayesSearchCV
from skopt.space import Categorical, Integer, Real

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")
Xi, yi = load_iris(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)


def swap(estimator, search_spaces, optimizer_kwargs=None, n_iter=50, n_points=1, **kwargs):
    return SearchCV(estimator, search_spaces, n_iter=n_iter, **kwargs)


def describe(search, X, y, fit_kw):
    try:
        search.fit(X, y, **fit_kw)
    except Exception as e:  # noqa: BLE001
        return f"error {type(e).__name__}: {str(e)[:160]}"
    params = search.cv_results_["params"]
    kinds = {}
    for p in params:
        for k, v in p.items():
            kinds.setdefault(k, set()).add(type(v).__name__)
    scores = np.asarray(search.cv_results_["mean_test_score"], dtype=float)
    out = [
        f"{len(params)} candidates, {int(np.isnan(scores).sum())} NaN scores",
        f"keys {len(search.cv_results_)}",
        "types " + ", ".join(f"{k}:{'/'.join(sorted(v))}" for k, v in sorted(kinds.items())),
    ]
    out.append("best " + ", ".join(f"{k}={type(v).__name__}" for k, v in sorted(search.best_params_.items())))
    for m in ("predict_proba", "decision_function", "score"):
        try:
            getattr(search, m)(X, y) if m == "score" else getattr(search, m)(X)
            out.append(f"{m} ok")
        except Exception as e:  # noqa: BLE001
            out.append(f"{m} {type(e).__name__}")
    out.append(
        f"classes_ {getattr(search, 'classes_', None) is not None}, n_features_in_ "
        f"{getattr(search, 'n_features_in_', None)}"
    )
    buf = io.BytesIO()
    joblib.dump(search, buf)
    buf.seek(0)
    out.append("joblib ok" if (joblib.load(buf).predict(X) == search.predict(X)).all() else "joblib differs")
    return "; ".join(out)


def never_stop(result):
    """skopt's fit(callback=...): called after each point; True stops the search."""
    return False


def case(name, est, spaces, X, y, fit_kw=None, **kw):
    fit_kw = fit_kw or {}
    a = describe(BayesSearchCV(est, spaces, **kw), X, y, fit_kw)
    b = describe(swap(est, spaces, **kw), X, y, fit_kw)
    print(f"{name}\n  BayesSearchCV: {a}\n  SearchCV:      {b}", flush=True)


case(
    "real_integer_categorical",
    SVC(probability=True),
    {"C": Real(1e-3, 1e3, prior="log-uniform"), "degree": Integer(1, 4), "kernel": Categorical(["rbf", "poly"])},
    Xi,
    yi,
    n_iter=8,
    cv=3,
    random_state=0,
)
case(
    "integer_log_uniform",
    LogisticRegression(max_iter=2000),
    {"max_iter": Integer(50, 2000, prior="log-uniform"), "C": Real(0.01, 10)},
    Xb,
    yb,
    n_iter=6,
    cv=3,
    random_state=0,
)
case(
    "pipeline_estimator_categorical",
    Pipeline([("scale", StandardScaler()), ("model", SVC())]),
    {
        "model": Categorical([SVC(), LinearSVC()]),
        "model__C": Real(1e-2, 1e2, prior="log-uniform"),
        "scale": Categorical([StandardScaler(), "passthrough"]),
    },
    Xb,
    yb,
    n_iter=6,
    cv=3,
    random_state=0,
)
case(
    "categorical_with_none",
    LogisticRegression(max_iter=2000, solver="saga"),
    {"penalty": Categorical(["l2", None]), "C": Real(0.1, 10)},
    Xi,
    yi,
    n_iter=5,
    cv=3,
    random_state=0,
)
case(
    "tuple_shorthand",
    SVC(),
    {"C": (1e-3, 1e3, "log-uniform"), "degree": (1, 4)},
    Xi,
    yi,
    n_iter=6,
    cv=3,
    random_state=0,
)
case(
    "list_of_space_tuples",
    SVC(),
    [({"C": Real(0.1, 10)}, 4), {"gamma": Real(0.01, 1)}],
    Xi,
    yi,
    n_iter=4,
    cv=3,
    random_state=0,
)
case(
    "fit_callback", SVC(), {"C": Real(0.1, 10)}, Xi, yi, fit_kw={"callback": never_stop}, n_iter=4, cv=3, random_state=0
)
case(
    "return_train_score_scoring",
    SVC(),
    {"C": Real(0.1, 10)},
    Xb,
    yb,
    n_iter=4,
    cv=3,
    random_state=0,
    scoring="roc_auc",
    return_train_score=True,
)
stops = []


def stop_at_two(study, trial):
    """SearchCV's counterpart: a study callback; study.stop() ends the search."""
    stops.append(trial.number)
    if len(stops) == 2:
        study.stop()


s = swap(SVC(), {"C": Real(0.1, 10)}, n_iter=6, cv=3, random_state=0, callbacks=[stop_at_two]).fit(Xi, yi)
print(f"searchcv_callbacks_stop: SearchCV ran {len(s.cv_results_['params'])} of 6 candidates (callback saw {stops})")
case("error_score_default", SVC(), {"C": Real(-1.0, 1.0)}, Xi, yi, n_iter=4, cv=3, random_state=0)
