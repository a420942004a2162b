"""sklearn_wild6's third probe (own data: breast cancer as a DataFrame): feature_names_in_, refit_time_, scorer_,
clone of a fitted search, set_params(estimator__...), cross_validate(return_estimator=True), predict_log_proba,
and halving's argument checks (the resource in the grid, an unknown resource, max_resources='auto' with a
parameter resource, min_resources > max_resources, factor=1, min_resources='exhaust' with n_estimators).

    PYTHONPATH=src .venv/bin/python benchmarks/history/s26/sklearn_wild6_probe3.py
"""

# ruff: noqa: B023, UP031  (each lambda is called where it is made, inside its loop iteration)

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, cross_validate

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")
d = load_breast_cancer(as_frame=True)
X, y = d.data, d.target


def tryit(f):
    try:
        return f()
    except Exception as e:
        return "ERR %s: %s" % (type(e).__name__, str(e).splitlines()[0][:150])


for name, mk in [
    ("sk", lambda: GridSearchCV(LogisticRegression(max_iter=3000), {"C": [0.1, 1]}, cv=3)),
    ("tw", lambda: SearchCV(LogisticRegression(max_iter=3000), param_grid={"C": [0.1, 1]}, cv=3)),
]:
    s = mk().fit(X, y)
    print(
        name,
        "feature_names_in_",
        tryit(lambda: list(s.feature_names_in_)[:2]),
        "n_features_in_",
        tryit(lambda: s.n_features_in_),
    )
    print(name, "refit_time_", tryit(lambda: s.refit_time_ > 0), "scorer_", tryit(lambda: type(s.scorer_).__name__))
    print(name, "clone fitted then fit", tryit(lambda: clone(s).fit(X, y).best_params_))
    print(
        name, "set_params estimator__C", tryit(lambda: clone(s).set_params(estimator__max_iter=100).estimator.max_iter)
    )
    print(
        name,
        "cross_validate return_estimator",
        tryit(lambda: [e.best_params_ for e in cross_validate(mk(), X, y, cv=2, return_estimator=True)["estimator"]]),
    )
    print(name, "predict_log_proba", tryit(lambda: np.round(s.predict_log_proba(X[:2]), 6).tolist()))
for name, mk in [
    (
        "sk",
        lambda **k: HalvingGridSearchCV(
            RandomForestClassifier(random_state=0), {"n_estimators": [5, 10], "max_depth": [2, 3]}, **k
        ),
    ),
    (
        "tw",
        lambda **k: SearchCV(
            RandomForestClassifier(random_state=0),
            param_grid={"n_estimators": [5, 10], "max_depth": [2, 3]},
            strategy="halving",
            **k,
        ),
    ),
]:
    print(name, "resource in grid", tryit(lambda: mk(resource="n_estimators", max_resources=20).fit(X, y).best_params_))
    print(name, "resource bad name", tryit(lambda: mk(resource="n_trees", max_resources=20).fit(X, y).best_params_))
    print(
        name,
        "max_resources auto with param resource",
        tryit(lambda: mk(resource="max_leaf_nodes").fit(X, y).best_params_),
    )
    print(name, "min_resources > max", tryit(lambda: mk(min_resources=500, max_resources=100).fit(X, y).best_params_))
    print(name, "factor<=1", tryit(lambda: mk(factor=1).fit(X, y).best_params_))
    print(
        name,
        "min_resources exhaust + n_estimators",
        tryit(
            lambda: (lambda s: (s.n_resources_, s.n_candidates_))(
                (
                    HalvingGridSearchCV(
                        RandomForestClassifier(random_state=0),
                        {"max_depth": [2, 3, 4, 5]},
                        resource="n_estimators",
                        max_resources=40,
                        min_resources="exhaust",
                        factor=2,
                    )
                    if name == "sk"
                    else SearchCV(
                        RandomForestClassifier(random_state=0),
                        param_grid={"max_depth": [2, 3, 4, 5]},
                        strategy="halving",
                        resource="n_estimators",
                        max_resources=40,
                        min_resources="exhaust",
                        factor=2,
                    )
                ).fit(X, y)
            )
        ),
    )
