"""Behaviour scikit-learn's own search tests showed SearchCV lacked: each script runs with
scikit-learn's GridSearchCV / RandomizedSearchCV and with SearchCV built as the migration guide
says (``param_grid=`` / ``param_distributions=`` + ``n_iter``), and both must behave the same."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn import config_context  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import load_iris, make_classification  # noqa: E402
from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import make_scorer  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, LeaveOneGroupOut, RandomizedSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = make_classification(n_samples=60, n_features=5, random_state=0)


def tw_grid(estimator, param_grid, **kwargs):
    return SearchCV(estimator, param_grid=param_grid, **kwargs)


def tw_random(estimator, param_distributions, n_iter=10, **kwargs):
    return SearchCV(estimator, param_distributions=param_distributions, n_iter=n_iter, **kwargs)


GRIDS = pytest.mark.parametrize("Grid", [GridSearchCV, tw_grid], ids=["sklearn", "tunewise"])


class Failing(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``parameter`` is 2 (always, or only with ``every_fold=False`` on the first fold)."""

    def __init__(self, parameter=0):
        self.parameter = parameter

    def fit(self, X, y):
        if self.parameter == 2:
            raise ValueError("this classifier fails as asked")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


# ---- refit ----------------------------------------------------------------------------------

@GRIDS
def test_refit_false_hides_the_delegated_methods(Grid):
    search = Grid(LogisticRegression(), {"C": [0.1, 1.0]}, refit=False, cv=3).fit(X, Y)
    assert hasattr(search, "best_params_") and not hasattr(search, "best_estimator_")
    for method in ("predict", "predict_proba", "decision_function"):
        assert not hasattr(search, method), method
        with pytest.raises(AttributeError, match=f"has no attribute '{method}'") as raised:
            getattr(search, method)
        assert "refit=False" in str(raised.value.__cause__)
    assert hasattr(Grid(LogisticRegression(), {"C": [1.0]}), "predict_proba")


def test_refit_naming_the_single_metric_is_refit_true():
    ref = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, scoring="recall", refit="recall", cv=3).fit(X, Y)
    ours = tw_grid(LogisticRegression(), {"C": [0.01, 1.0]}, scoring="recall", refit="recall", cv=3).fit(X, Y)
    assert ours.best_params_ == ref.best_params_ and ours.best_score_ == pytest.approx(ref.best_score_)
    assert ours.predict(X[:5]).tolist() == ref.predict(X[:5]).tolist()


@GRIDS
@pytest.mark.parametrize("returned, error", [(None, TypeError), (1.0, TypeError), (-1, IndexError), (2, IndexError)])
def test_a_refit_callable_returning_no_valid_index_raises_scikit_learns_type(Grid, returned, error):
    search = Grid(LogisticRegression(), {"C": [0.1, 1.0]}, refit=lambda results: returned, cv=3)
    with pytest.raises(error, match="best_index_"):
        search.fit(X, Y)
