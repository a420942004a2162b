"""Behaviour third-party scikit-learn scripts showed SearchCV lacked (benchmarks/history/s21/sklearn_wild.md):
each check runs scikit-learn's search and SearchCV built as the migration guide says, and compares."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)


# --- a failing fit is summed up in one FitFailedWarning, with no log line per failed trial -------------------
def test_failed_candidates_log_nothing_per_trial(caplog: pytest.LogCaptureFixture) -> None:
    # HeshamAsem/Sklearn 3.2.2.4.py: penalty l1 with lbfgs fails in every fold; scikit-learn warns once at the end.
    grid = {"penalty": ["l1", "l2"], "C": [0.5, 1.0]}
    with caplog.at_level(logging.DEBUG, logger="tunewise"), warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        search = SearchCV(LogisticRegression(max_iter=500), param_grid=grid, cv=3).fit(X, Y)
    assert [r.getMessage() for r in caplog.records if "failed" in r.getMessage()] == []
    failed = [w for w in seen if issubclass(w.category, FitFailedWarning)]
    assert len(failed) == 1 and "6 fits failed out of a total of 12" in str(failed[0].message)
    reference = GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(X, Y)
    np.testing.assert_array_equal(np.isnan(search.cv_results_["mean_test_score"]),
                                  np.isnan(reference.cv_results_["mean_test_score"]))
    assert search.best_params_ == reference.best_params_
