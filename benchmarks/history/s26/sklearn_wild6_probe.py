"""sklearn_wild6's surface probe (own data, not third-party scripts): each case fitted with scikit-learn's search and
with SearchCV through the drop-in names, then best_*, n_splits_, multimetric_, classes_, the halving attributes,
cv_results_ keys and values (times left out), predict / decision_function / predict_proba, score, pickle and
clone's parameter names collected; prints SAME or the differing keys, clone's left out of the verdict (SearchCV takes
more parameters than each scikit-learn class, by design).

    PYTHONPATH=src .venv/bin/python benchmarks/history/s26/sklearn_wild6_probe.py
"""

import contextlib
import io
import pickle
import sys
import warnings

import numpy as np
from scipy.stats import randint
from sklearn import model_selection as ms
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GroupKFold, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")


def GS(e, g, **k):
    return SearchCV(e, param_grid=g, **k)


def RS(e, d, *, n_iter=10, **k):
    return SearchCV(e, param_distributions=d, n_iter=n_iter, **k)


def HG(e, g, **k):
    return SearchCV(e, param_grid=g, strategy="halving", **k)


def HR(e, d, **k):
    return SearchCV(e, param_distributions=d, strategy="halving", **k)


TW = dict(GridSearchCV=GS, RandomizedSearchCV=RS, HalvingGridSearchCV=HG, HalvingRandomSearchCV=HR)
SK = {n: getattr(ms, n) for n in TW}
Xb, yb = load_breast_cancer(return_X_y=True)
Xi, yi = load_iris(return_X_y=True)
Xd, yd = load_diabetes(return_X_y=True)
groups = np.arange(len(yb)) % 7


def summary(s, X, y):
    out = {}
    for a in (
        "best_index_",
        "best_params_",
        "best_score_",
        "n_splits_",
        "multimetric_",
        "classes_",
        "n_resources_",
        "n_candidates_",
        "n_iterations_",
        "n_possible_iterations_",
        "n_required_iterations_",
        "max_resources_",
        "min_resources_",
    ):
        try:
            v = getattr(s, a)
            out[a] = v.tolist() if isinstance(v, np.ndarray) else v
        except Exception as e:
            out[a] = "ERR " + type(e).__name__
    r = s.cv_results_
    out["keys"] = sorted(k for k in r if k not in ("state", "trial_number"))
    for k in out["keys"]:
        if "time" in k or k == "params" or k.startswith("param_"):
            continue
        out["v_" + k] = np.round(np.asarray(r[k], dtype=float), 10).tolist()
    out["params"] = [str(p) for p in r["params"]]
    for m in ("predict", "decision_function", "predict_proba"):
        try:
            out[m] = np.round(np.asarray(getattr(s, m)(X[:5]), dtype=float), 8).tolist()
        except Exception as e:
            out[m] = "ERR " + type(e).__name__
    try:
        out["score"] = round(float(s.score(X, y)), 10)
    except Exception as e:
        out["score"] = "ERR " + type(e).__name__ + str(e)[:80]
    try:
        out["pickle"] = (
            type(pickle.loads(pickle.dumps(s)).best_estimator_).__name__ if hasattr(s, "best_estimator_") else "nobest"
        )
    except Exception as e:
        out["pickle"] = "ERR " + type(e).__name__
    try:
        out["clone"] = sorted(clone(s).get_params(deep=False))
    except Exception as e:
        out["clone"] = "ERR " + type(e).__name__
    return out


def lowest_c(cvr):
    ok = np.flatnonzero(cvr["mean_test_score"] >= cvr["mean_test_score"].max() - 0.01)
    return int(ok[0])


CASES = {
    "refit_callable": lambda C: (
        C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [0.01, 0.1, 1, 10]}, refit=lowest_c, cv=3),
        Xb,
        yb,
        {},
    ),
    "multi_dict_refit": lambda C: (
        C["GridSearchCV"](
            SVC(),
            {"C": [0.1, 1, 10]},
            scoring={"AUC": "roc_auc", "Accuracy": make_scorer(accuracy_score)},
            refit="AUC",
            cv=3,
            return_train_score=True,
        ),
        Xb,
        yb,
        {},
    ),
    "multi_list_refit": lambda C: (
        C["RandomizedSearchCV"](
            SVC(),
            {"C": [0.1, 1, 10, 100], "gamma": ["scale", "auto"]},
            n_iter=5,
            random_state=0,
            scoring=["accuracy", "f1"],
            refit="f1",
            cv=3,
        ),
        Xb,
        yb,
        {},
    ),
    "multi_refit_false": lambda C: (
        C["GridSearchCV"](SVC(), {"C": [0.1, 1]}, scoring=["accuracy", "f1"], refit=False, cv=3),
        Xb,
        yb,
        {},
    ),
    "multi_refit_callable": lambda C: (
        C["GridSearchCV"](
            SVC(),
            {"C": [0.1, 1, 10]},
            scoring={"a": "accuracy", "f": "f1"},
            refit=lambda r: int(np.argmax(r["mean_test_f"])),
            cv=3,
        ),
        Xb,
        yb,
        {},
    ),
    "halving_grid_nest": lambda C: (
        C["HalvingGridSearchCV"](
            RandomForestClassifier(random_state=0),
            {"max_depth": [3, 5, 10], "min_samples_split": [2, 5, 10]},
            cv=5,
            factor=2,
            resource="n_estimators",
            max_resources=30,
        ),
        Xb,
        yb,
        {},
    ),
    "halving_random_nest": lambda C: (
        C["HalvingRandomSearchCV"](
            RandomForestClassifier(random_state=0),
            {"max_depth": [None, 3, 5, 8], "min_samples_split": randint(2, 20)},
            resource="n_estimators",
            max_resources=60,
            random_state=0,
        ),
        Xi,
        yi,
        {},
    ),
    "halving_exhaust_aggr": lambda C: (
        C["HalvingGridSearchCV"](
            SVC(),
            {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]},
            factor=3,
            min_resources="exhaust",
            aggressive_elimination=True,
            cv=3,
            random_state=0,
        ),
        Xb,
        yb,
        {},
    ),
    "halving_aggr_small": lambda C: (
        C["HalvingGridSearchCV"](
            SVC(),
            {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]},
            factor=2,
            max_resources=120,
            min_resources=40,
            aggressive_elimination=True,
            cv=3,
            random_state=0,
        ),
        Xb,
        yb,
        {},
    ),
    "halving_random_exhaust": lambda C: (
        C["HalvingRandomSearchCV"](
            SVC(),
            {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]},
            n_candidates="exhaust",
            min_resources="exhaust",
            factor=3,
            random_state=0,
        ),
        Xb,
        yb,
        {},
    ),
    "tss": lambda C: (
        C["GridSearchCV"](
            Ridge(), {"alpha": [0.1, 1, 10]}, cv=TimeSeriesSplit(n_splits=4), scoring="neg_mean_absolute_error"
        ),
        Xd,
        yd,
        {},
    ),
    "groupkfold": lambda C: (
        C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [0.1, 1]}, cv=GroupKFold(n_splits=3)),
        Xb,
        yb,
        {"groups": groups},
    ),
    "sample_weight": lambda C: (
        C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [0.1, 1]}, cv=3),
        Xb,
        yb,
        {"sample_weight": np.where(yb == 1, 2.0, 1.0)},
    ),
    "error_raise": lambda C: (
        C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [-1, 1]}, cv=3, error_score="raise"),
        Xb,
        yb,
        {},
    ),
    "pre_dispatch_verbose": lambda C: (
        C["GridSearchCV"](
            LogisticRegression(max_iter=500), {"C": [0.1, 1]}, cv=3, pre_dispatch="2*n_jobs", n_jobs=2, verbose=2
        ),
        Xb,
        yb,
        {},
    ),
    "pipeline_search": lambda C: (
        C["GridSearchCV"](
            make_pipeline(StandardScaler(), SVC(probability=True, random_state=0)), {"svc__C": [0.1, 1]}, cv=3
        ),
        Xb,
        yb,
        {},
    ),
    "halving_multimetric": lambda C: (
        C["HalvingGridSearchCV"](SVC(), {"C": [0.1, 1, 10]}, scoring="roc_auc", refit=True, cv=3, random_state=0),
        Xb,
        yb,
        {},
    ),
}


def run(mode, names):
    C = SK if mode == "sk" else TW
    res = {}
    for n in names:
        buf = io.StringIO()
        try:
            s, X, y, fp = CASES[n](C)
            with contextlib.redirect_stdout(buf):
                s.fit(X, y, **fp)
            res[n] = summary(s, X, y)
        except Exception as e:
            res[n] = {"error": type(e).__name__ + ": " + str(e).splitlines()[0][:200] if str(e) else type(e).__name__}
        res[n]["stdout_lines"] = len(buf.getvalue().splitlines())
    return res


if __name__ == "__main__":
    names = sys.argv[1:] or list(CASES)
    sk, tw = run("sk", names), run("tw", names)
    # nested
    for mode, C in (("sk", SK), ("tw", TW)):
        try:
            v = cross_val_score(
                C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [0.1, 1]}, cv=2), Xb, yb, cv=3
            )
            (sk if mode == "sk" else tw)["nested"] = {"v": np.round(v, 10).tolist()}
        except Exception as e:
            (sk if mode == "sk" else tw)["nested"] = {"error": repr(e)[:200]}
        try:
            p = Pipeline(
                [
                    ("sc", StandardScaler()),
                    ("gs", C["GridSearchCV"](LogisticRegression(max_iter=500), {"C": [0.1, 1]}, cv=2)),
                ]
            )
            p.fit(Xb, yb)
            (sk if mode == "sk" else tw)["in_pipeline"] = {"v": float(p.score(Xb, yb)), "bp": p[-1].best_params_}
        except Exception as e:
            (sk if mode == "sk" else tw)["in_pipeline"] = {"error": repr(e)[:200]}
    for n in sk:
        a, b = sk[n], tw[n]
        diffs = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k) and k != "clone"]  # by design
        print("==", n, "SAME" if not diffs else "DIFF")
        for k in diffs:
            print("   ", k, "\n      sk:", str(a.get(k))[:300], "\n      tw:", str(b.get(k))[:300])
