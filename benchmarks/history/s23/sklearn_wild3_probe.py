"""s23 probe: scikit-learn's searches against SearchCV (the migration guide's swap) on cases the third-party
batch did not reach: n_iter above the grid's size, np.logspace values, halving with refit=callable /
return_train_score / error_score='raise' / aggressive elimination / min_resources='exhaust', every fit failing,
error_score=0, verbose=1, a scoring callable returning a dict, a multimetric tuple, TimeSeriesSplit with
neg_mean_absolute_error, GroupKFold and LeaveOneGroupOut with groups=. Prints SAME or the attributes that differ
(best_*, cv_results_ keys and mean_test_score, halving attributes, warnings, stdout line counts).

    .venv/bin/python benchmarks/history/s23/sklearn_wild3_probe.py
"""

import contextlib
import io
import warnings

import numpy as np
import scipy
from sklearn import model_selection as ms
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.linear_model import Ridge
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from tunewise.integrations.sklearn import SearchCV


def tw_grid(est, grid, **kw):
    return SearchCV(est, param_grid=grid, **kw)


def tw_rand(est, dist, n_iter=10, **kw):
    return SearchCV(est, param_distributions=dist, n_iter=n_iter, **kw)


def tw_hgrid(est, grid, **kw):
    return SearchCV(est, param_grid=grid, strategy="halving", **kw)


def tw_hrand(est, dist, **kw):
    return SearchCV(est, param_distributions=dist, strategy="halving", **kw)


X, y = load_iris(return_X_y=True)
Xd, yd = load_diabetes(return_X_y=True)


def run(name, mk_sk, mk_tw, fit_args=(X, y), fit_kw=None):
    fit_kw = fit_kw or {}
    res = {}
    for side, mk in (("sk", mk_sk), ("tw", mk_tw)):
        out = io.StringIO()
        with warnings.catch_warnings(record=True) as w, contextlib.redirect_stdout(out):
            warnings.simplefilter("always")
            try:
                s = mk()
                s.fit(*fit_args, **fit_kw)
                r = {
                    "best_params_": getattr(s, "best_params_", "<absent>"),
                    "best_index_": getattr(s, "best_index_", "<absent>"),
                    "best_score_": getattr(s, "best_score_", "<absent>"),
                    "keys": sorted(s.cv_results_),
                    "n": len(s.cv_results_["params"]),
                    "mean_test": np.round(
                        np.asarray(s.cv_results_.get("mean_test_score", s.cv_results_.get("mean_test_a", [])), float), 6
                    ).tolist(),
                }
                for a in (
                    "n_iterations_",
                    "n_candidates_",
                    "n_resources_",
                    "max_resources_",
                    "min_resources_",
                    "n_splits_",
                    "multimetric_",
                    "refit_time_",
                ):
                    if a != "refit_time_":
                        r[a] = getattr(s, a, "<absent>")
                    else:
                        r[a] = hasattr(s, a)
            except Exception as e:
                r = {"error": f"{type(e).__name__}: {str(e)[:200]}"}
        r["warnings"] = sorted({f"{x.category.__name__}: {str(x.message)[:90]}" for x in w})
        r["stdout_lines"] = len(out.getvalue().splitlines())
        res[side] = r
    diffs = {
        k: (res["sk"].get(k), res["tw"].get(k))
        for k in set(res["sk"]) | set(res["tw"])
        if str(res["sk"].get(k)) != str(res["tw"].get(k))
    }
    print(("SAME " if not diffs else "DIFF ") + name)
    for k, (a, b) in sorted(diffs.items()):
        print(f"   {k}:\n      sk={str(a)[:400]}\n      tw={str(b)[:400]}")


G = {"C": [0.1, 1, 10], "kernel": ["linear", "rbf"]}
run(
    "rand n_iter > space",
    lambda: ms.RandomizedSearchCV(SVC(), G, n_iter=20, random_state=0),
    lambda: tw_rand(SVC(), G, n_iter=20, random_state=0),
)
run(
    "grid np.logspace values",
    lambda: ms.GridSearchCV(SVC(), {"C": np.logspace(-2, 2, 5)}),
    lambda: tw_grid(SVC(), {"C": np.logspace(-2, 2, 5)}),
)
run(
    "halving refit callable",
    lambda: ms.HalvingGridSearchCV(SVC(), G, refit=lambda r: int(np.argmin(r["mean_test_score"])), random_state=0),
    lambda: tw_hgrid(SVC(), G, refit=lambda r: int(np.argmin(r["mean_test_score"])), random_state=0),
)
run(
    "halving return_train_score",
    lambda: ms.HalvingGridSearchCV(SVC(), G, return_train_score=True, random_state=0),
    lambda: tw_hgrid(SVC(), G, return_train_score=True, random_state=0),
)
run(
    "halving error_score raise",
    lambda: ms.HalvingGridSearchCV(
        DecisionTreeClassifier(random_state=0), {"max_depth": [1, -1]}, error_score="raise", random_state=0
    ),
    lambda: tw_hgrid(
        DecisionTreeClassifier(random_state=0), {"max_depth": [1, -1]}, error_score="raise", random_state=0
    ),
)
run(
    "grid all fits fail",
    lambda: ms.GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [-1, -2]}),
    lambda: tw_grid(DecisionTreeClassifier(random_state=0), {"max_depth": [-1, -2]}),
)
run(
    "grid error_score=0",
    lambda: ms.GridSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [-1, 2]}, error_score=0),
    lambda: tw_grid(DecisionTreeClassifier(random_state=0), {"max_depth": [-1, 2]}, error_score=0),
)
run("grid verbose=1", lambda: ms.GridSearchCV(SVC(), G, verbose=1), lambda: tw_grid(SVC(), G, verbose=1))
run(
    "halving verbose=1",
    lambda: ms.HalvingGridSearchCV(SVC(), G, verbose=1, random_state=0),
    lambda: tw_hgrid(SVC(), G, verbose=1, random_state=0),
)
run(
    "hrand n_candidates int",
    lambda: ms.HalvingRandomSearchCV(SVC(), G, n_candidates=6, random_state=0),
    lambda: tw_hrand(SVC(), G, n_candidates=6, random_state=0),
)
run(
    "halving min_resources exhaust factor2",
    lambda: ms.HalvingGridSearchCV(SVC(), G, factor=2, min_resources="exhaust", random_state=0),
    lambda: tw_hgrid(SVC(), G, factor=2, min_resources="exhaust", random_state=0),
)
run(
    "halving aggressive",
    lambda: ms.HalvingGridSearchCV(
        SVC(), {"C": list(np.logspace(-3, 3, 20))}, aggressive_elimination=True, max_resources=40, random_state=0
    ),
    lambda: tw_hgrid(
        SVC(), {"C": list(np.logspace(-3, 3, 20))}, aggressive_elimination=True, max_resources=40, random_state=0
    ),
)
run(
    "grid scoring callable returning dict",
    lambda: ms.GridSearchCV(SVC(), G, scoring=lambda e, X, y: {"a": e.score(X, y), "b": 1.0}, refit="a"),
    lambda: tw_grid(SVC(), G, scoring=lambda e, X, y: {"a": e.score(X, y), "b": 1.0}, refit="a"),
)
run(
    "grid multimetric tuple",
    lambda: ms.GridSearchCV(SVC(), G, scoring=("accuracy", "f1_macro"), refit="f1_macro"),
    lambda: tw_grid(SVC(), G, scoring=("accuracy", "f1_macro"), refit="f1_macro"),
)
run(
    "ridge TimeSeriesSplit neg_mae",
    lambda: ms.GridSearchCV(
        Ridge(), {"alpha": [0.1, 1, 10]}, cv=ms.TimeSeriesSplit(4), scoring="neg_mean_absolute_error"
    ),
    lambda: tw_grid(Ridge(), {"alpha": [0.1, 1, 10]}, cv=ms.TimeSeriesSplit(4), scoring="neg_mean_absolute_error"),
    fit_args=(Xd, yd),
)
g = np.repeat(np.arange(10), 15)
run(
    "GroupKFold groups",
    lambda: ms.GridSearchCV(SVC(), G, cv=ms.GroupKFold(3)),
    lambda: tw_grid(SVC(), G, cv=ms.GroupKFold(3)),
    fit_kw={"groups": g},
)
run(
    "LeaveOneGroupOut halving",
    lambda: ms.HalvingGridSearchCV(SVC(), G, cv=ms.LeaveOneGroupOut(), random_state=0),
    lambda: tw_hgrid(SVC(), G, cv=ms.LeaveOneGroupOut(), random_state=0),
    fit_kw={"groups": g},
)

# second part: halving with a scoring dict, refit=False, the resource among the searched parameters, n_jobs=2,
# a scipy distribution; refit callables in a random search and with multimetric scoring
run(
    "halving multimetric dict",
    lambda: ms.HalvingGridSearchCV(SVC(), G, scoring={"a": "accuracy", "b": "f1_macro"}, refit="a", random_state=0),
    lambda: tw_hgrid(SVC(), G, scoring={"a": "accuracy", "b": "f1_macro"}, refit="a", random_state=0),
)
run(
    "halving refit False",
    lambda: ms.HalvingGridSearchCV(SVC(), G, refit=False, random_state=0),
    lambda: tw_hgrid(SVC(), G, refit=False, random_state=0),
)
run(
    "halving resource in grid",
    lambda: ms.HalvingGridSearchCV(
        RandomForestClassifier(random_state=0), {"n_estimators": [5, 10]}, resource="n_estimators", random_state=0
    ),
    lambda: tw_hgrid(
        RandomForestClassifier(random_state=0), {"n_estimators": [5, 10]}, resource="n_estimators", random_state=0
    ),
)
run(
    "halving n_jobs=2",
    lambda: ms.HalvingGridSearchCV(SVC(), G, n_jobs=2, random_state=0),
    lambda: tw_hgrid(SVC(), G, n_jobs=2, random_state=0),
)
run(
    "hrand scipy dist n_candidates exhaust",
    lambda: ms.HalvingRandomSearchCV(SVC(), {"C": scipy.stats.loguniform(1e-2, 1e2)}, random_state=0),
    lambda: tw_hrand(SVC(), {"C": scipy.stats.loguniform(1e-2, 1e2)}, random_state=0),
)
run(
    "rand refit callable",
    lambda: ms.RandomizedSearchCV(
        SVC(), G, n_iter=4, refit=lambda r: int(np.argmin(r["mean_test_score"])), random_state=0
    ),
    lambda: tw_rand(SVC(), G, n_iter=4, refit=lambda r: int(np.argmin(r["mean_test_score"])), random_state=0),
)
run(
    "grid refit callable multimetric",
    lambda: ms.GridSearchCV(
        SVC(), G, scoring=["accuracy", "f1_macro"], refit=lambda r: int(np.argmin(r["mean_test_f1_macro"]))
    ),
    lambda: tw_grid(
        SVC(), G, scoring=["accuracy", "f1_macro"], refit=lambda r: int(np.argmin(r["mean_test_f1_macro"]))
    ),
)
