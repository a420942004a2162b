"""Which best_* attributes a fitted search has, for each kind of ``refit``, against scikit-learn's searches."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.integrations.sklearn import SearchCV  # noqa: E402

_BEST = ("best_index_", "best_params_", "best_score_", "best_estimator_")
_TWO = {"acc": "accuracy", "f1": "f1_macro"}


def _last_row(results):
    return len(results["params"]) - 1


_CASES = {
    "one-metric-refit-false": {"refit": False},
    "one-metric-refit-true": {"refit": True},
    "two-metrics-refit-false": {"scoring": _TWO, "refit": False},
    "metric-list-refit-false": {"scoring": ["accuracy", "f1_macro"], "refit": False},
    "two-metrics-refit-name": {"scoring": _TWO, "refit": "f1"},
    "one-metric-refit-callable": {"refit": _last_row},
    "two-metrics-refit-callable": {"scoring": _TWO, "refit": _last_row},
}


def _state(search, sk_name):
    """Each best_* attribute's value (its type and repr) or the AttributeError's message."""
    out = {}
    for name in _BEST:
        try:
            value = getattr(search, name)
        except AttributeError as error:
            out[name] = ("AttributeError", str(error).replace("'SearchCV'", f"'{sk_name}'"))
        else:
            out[name] = (type(value).__name__, repr(value))
    return out


@pytest.mark.parametrize("kind", ["grid", "random"])
@pytest.mark.parametrize("case", list(_CASES))
def test_best_attributes_as_scikit_learn(case, kind):
    X, y = load_iris(return_X_y=True)
    kwargs = dict(_CASES[case], cv=3)
    grid = {"C": [0.1, 1.0, 10.0]}
    if kind == "grid":
        sk, ours, name = (GridSearchCV(SVC(), param_grid=grid, **kwargs),
                          SearchCV(SVC(), param_grid=grid, **kwargs), "GridSearchCV")
    else:
        kwargs.update(n_iter=2, random_state=0)
        sk, ours, name = (RandomizedSearchCV(SVC(), param_distributions=grid, **kwargs),
                          SearchCV(SVC(), param_distributions=grid, **kwargs), "RandomizedSearchCV")
    expected = _state(sk.fit(X, y), name)
    assert _state(ours.fit(X, y), name) == expected


def test_two_metrics_refit_false_unset_as_scikit_learn():
    X, y = load_iris(return_X_y=True)
    search = SearchCV(SVC(), param_grid={"C": [0.1, 1.0]}, scoring=_TWO, refit=False, cv=3).fit(X, y)
    for name in _BEST:
        with pytest.raises(AttributeError, match=f"'SearchCV' object has no attribute '{name}'"):
            getattr(search, name)
    assert set(search.cv_results_["mean_test_f1"].shape) == {2}  # the search itself ran


def test_two_metrics_refit_false_own_space_keeps_first_metric_best():
    # Not written as scikit-learn's (tunewise's own space): the first metric, which drove the study, gives best_*.
    X, y = load_iris(return_X_y=True)
    search = SearchCV(SVC(), {"C": tw.loguniform(1e-2, 1e2)}, strategy="random", n_trials=4, scoring=_TWO,
                      refit=False, cv=3, random_state=0).fit(X, y)
    assert search.best_index_ == int(np.argmax(search.cv_results_["mean_test_acc"]))
    assert search.best_score_ == search.cv_results_["mean_test_acc"][search.best_index_]
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    assert not hasattr(search, "best_estimator_")
