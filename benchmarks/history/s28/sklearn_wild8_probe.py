"""The brief's SearchCV surfaces that no script of this batch reaches, scikit-learn's class vs SearchCV built by the
migration guide's swap (session 28). Session 27's probe machinery (``../s27/sklearn_wild7_probe.py``: fit both,
compare best_*, every cv_results_ column but times as a DataFrame (values and dtypes), fitted attributes, prediction
methods, a joblib round trip) is read from that file (its cases are not run) and new cases are added. Prints one
line per case: same / differs (what) / same exception.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s28/sklearn_wild8_probe.py
"""

# ruff: noqa: F821, E501 - case, sk, tw, SVC, KFold... come from the exec of s27's probe head below
from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_head = (HERE.parent / "s27" / "sklearn_wild7_probe.py").read_text().split("\nXi, yi = load_iris(")[0]
exec(compile(_head, "sklearn_wild7_probe.py", "exec"))  # noqa: S102 - our own harness's functions, no cases

from scipy.stats import loguniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_diabetes, load_digits  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    LeaveOneGroupOut,
    ParameterGrid,
    TimeSeriesSplit,
    cross_validate,
)

warnings.filterwarnings("ignore")

Xi, yi = load_iris(return_X_y=True)  # noqa: F821
Xb, yb = load_breast_cancer(return_X_y=True)  # noqa: F821
Xd, yd = load_digits(return_X_y=True)
Xr, yr = load_diabetes(return_X_y=True)

# ---- successive halving: resources ----------------------------------------------------------------------------
Y_TEST = yb
case("halving_n_samples_explicit", "halving", SVC(), {"C": [0.1, 1, 10, 100], "gamma": ["scale", 0.001]},  # noqa: F821
     Xb, yb, Xb, resource="n_samples", min_resources=60, max_resources=500, factor=3, cv=3, random_state=0)
case("halving_resource_n_estimators", "halving", RandomForestClassifier(random_state=0),  # noqa: F821
     {"max_depth": [3, 5, None], "min_samples_split": [2, 5]}, Xb, yb, Xb, resource="n_estimators",
     max_resources=30, factor=2, cv=3, random_state=0)
case("halving_exhaust_aggressive", "halving", SVC(), {"C": [0.01, 0.1, 1, 10, 100, 1000], "kernel": ["linear", "rbf"]},  # noqa: F821
     Xb, yb, Xb, min_resources="exhaust", aggressive_elimination=True, factor=3, cv=3, random_state=0)
Y_TEST = yd
case("halving_digits_resource_max_iter", "halving", LogisticRegression(max_iter=20),  # noqa: F821
     {"C": [0.01, 0.1, 1, 10]}, Xd, yd, Xd, resource="max_iter", min_resources=5, max_resources=80, factor=2,
     cv=3, random_state=0)

# ---- refit: callable, metric names ----------------------------------------------------------------------------


def lower_bound(cv_results):
    best = np.argmax(cv_results["mean_test_score"])
    return cv_results["mean_test_score"][best] - cv_results["std_test_score"][best]


def best_low_complexity(cv_results):
    """The gallery's plot_grid_search_refit_callable rule: fewest PCA components within one std of the best."""
    threshold = lower_bound(cv_results)
    candidates = np.flatnonzero(cv_results["mean_test_score"] >= threshold)
    return candidates[cv_results["param_reduce_dim__n_components"][candidates].argmin()]


pipe = Pipeline([("reduce_dim", PCA(random_state=42)), ("classify", LinearSVC := __import__(  # noqa: F821
    "sklearn.svm", fromlist=["LinearSVC"]).LinearSVC(random_state=42, C=0.01))])
Y_TEST = yd
case("refit_callable_low_complexity", "grid", pipe, {"reduce_dim__n_components": [6, 8, 10, 12, 14]},
     Xd, yd, Xd, cv=5, scoring="accuracy", refit=best_low_complexity)
Y_TEST = yb
case("scoring_dict_refit_auc_train", "grid", RandomForestClassifier(n_estimators=10, random_state=0),  # noqa: F821
     {"min_samples_split": [2, 50, 200]}, Xb, yb, Xb,
     scoring={"AUC": "roc_auc", "Accuracy": make_scorer(accuracy_score)}, refit="AUC",  # noqa: F821
     return_train_score=True, cv=3)
Y_TEST = yi
case("scoring_list_refit_f1", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi,  # noqa: F821
     scoring=["accuracy", "f1_macro"], refit="f1_macro", cv=4)
case("random_error_score_raise", "random", SVC(), {"C": [-1.0, 1.0]}, Xi, yi, Xi,  # noqa: F821
     n_iter=2, cv=3, error_score="raise", random_state=0)

# ---- splitters ------------------------------------------------------------------------------------------------
Y_TEST = yr
case("timeseries_split_ridge", "grid", Ridge(), {"alpha": [0.01, 0.1, 1, 10]}, Xr, yr, Xr,
     cv=TimeSeriesSplit(n_splits=5), scoring="neg_mean_squared_error")
case("timeseries_split_gap_random", "random", Ridge(), {"alpha": loguniform(1e-3, 1e2)}, Xr, yr, Xr,
     cv=TimeSeriesSplit(n_splits=4, gap=5, test_size=40), n_iter=6, random_state=1)
groups = np.arange(len(yi)) % 5
Y_TEST = yi
case("leave_one_group_out", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, fit_kw={"groups": groups},  # noqa: F821
     cv=LeaveOneGroupOut())
case("parametergrid_object", "grid", SVC(), ParameterGrid({"C": [0.1, 1]}), Xi, yi, Xi, cv=3)  # noqa: F821


# ---- the search as an estimator: nested CV, clone, params, pickle --------------------------------------------
def compare(name, fn):
    out = []
    for build in (sk, tw):  # noqa: F821
        try:
            out.append(("ok", fn(build)))
        except Exception as e:  # noqa: BLE001
            out.append(("error", f"{type(e).__name__}: {str(e)[:160]}"))
    (a_st, a), (b_st, b) = out
    if a_st == b_st == "error":
        verdict = "same exception" if a.split(":")[0] == b.split(":")[0] else f"differs: {a} | {b}"
    elif a_st != b_st:
        verdict = f"differs: scikit-learn {a_st} {a if a_st == 'error' else ''} | SearchCV {b_st} {b if b_st == 'error' else ''}"
    else:
        bad = [k for k in a if a[k] != b.get(k)]
        verdict = "same" if not bad else "differs: " + "; ".join(f"{k}: {str(a[k])[:100]} vs {str(b.get(k))[:100]}" for k in bad)
    print(f"{name}: {verdict}", flush=True)


def nested_cv(build):
    inner = build("grid", SVC(), {"C": [1, 10, 100], "gamma": [0.01, 0.1]}, cv=KFold(4, shuffle=True, random_state=0))  # noqa: F821
    res = cross_validate(inner, Xi, yi, cv=KFold(4, shuffle=True, random_state=1), return_estimator=True,
                         return_train_score=True)
    return {"test_score": np.round(res["test_score"], 12).tolist(),
            "train_score": np.round(res["train_score"], 12).tolist(),
            "best_params": [e.best_params_ for e in res["estimator"]]}


def clone_params(build):
    s = build("grid", SVC(), {"C": [0.1, 1]}, cv=3, scoring="accuracy")
    c = clone(s)
    p = c.get_params(deep=True)
    c.set_params(estimator__kernel="linear", cv=4)
    c.fit(Xi, yi)
    return {"clone_unfitted": not hasattr(c, "cv_results_") or True, "deep_has_estimator__C": "estimator__C" in p,
            "estimator_kernel": c.best_estimator_.kernel, "n_splits": c.n_splits_,
            "cv_after": c.get_params()["cv"], "best": c.best_params_, "score": round(c.best_score_, 12)}


def pickled(build):
    s = build("grid", SVC(), {"C": [0.1, 1, 10]}, cv=3).fit(Xi, yi)
    again = pickle.loads(pickle.dumps(s))
    return {"predict": again.predict(Xi[:10]).tolist(), "best": again.best_params_,
            "cv_keys": sorted(k for k in again.cv_results_ if k not in ("state", "trial_number")),
            "refit_again": clone(again).fit(Xi, yi).best_params_}


compare("nested_cross_validate", nested_cv)
compare("clone_get_set_params", clone_params)
compare("pickle_round_trip_and_clone", pickled)

# ---- BayesSearchCV: a list of (space, n_iter) -----------------------------------------------------------------
try:
    from skopt import BayesSearchCV
    from skopt.space import Categorical, Integer, Real
except ImportError:  # the oracle's extra path
    BayesSearchCV = None
if BayesSearchCV is not None:
    spaces = [({"C": Real(1e-3, 1e3, prior="log-uniform"), "kernel": Categorical(["linear"])}, 4),
              ({"C": Real(1e-3, 1e3, prior="log-uniform"), "gamma": Real(1e-4, 1e0, prior="log-uniform"),
                "kernel": Categorical(["rbf"])}, 5),
              {"C": Real(1e-2, 1e2, prior="log-uniform"), "degree": Integer(2, 3), "kernel": Categorical(["poly"])}]
    out = []
    for who in ("skopt", "tunewise"):
        try:
            if who == "skopt":
                s = BayesSearchCV(SVC(), spaces, n_iter=3, cv=3, random_state=0).fit(Xi, yi)
            else:
                s = SearchCV(SVC(), spaces, n_iter=3, cv=3, random_state=0).fit(Xi, yi)  # noqa: F821
            kernels = [p["kernel"] for p in s.cv_results_["params"]]
            out.append(f"{who}: {len(kernels)} candidates, kernels in order {kernels}, keys per candidate "
                       f"{sorted({len(p) for p in s.cv_results_['params']})}, best {s.best_params_['kernel']}")
        except Exception as e:  # noqa: BLE001
            out.append(f"{who}: {type(e).__name__}: {str(e)[:200]}")
    print("bayes_list_of_space_n_iter: " + " | ".join(out), flush=True)
