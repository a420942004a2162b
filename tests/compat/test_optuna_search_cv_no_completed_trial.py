"""OptunaSearchCV when no trial completes: as Optuna's, the estimator is refitted with its own parameters.

Found with a third-party script (s33, ChanhiYasutomi/Machine_Learning ``hyperparameter/optuna_2.py``:
``OptunaSearchCV(LGBMClassifier(), {..., "early_stopping_rounds": IntDistribution(100, 300)})`` without a
validation set, so every fit fails). Optuna's OptunaSearchCV scores each failed trial ``error_score``, goes on,
and its refit, finding no best trial, logs that and fits the estimator as given; ``predict`` works and
``best_params_`` raises ValueError. tunewise raised scikit-learn's "All the N fits failed" ValueError from
``fit`` (and with that passed, refitted a failed configuration's parameters).
"""

from __future__ import annotations

import logging
import warnings

import pytest
from sklearn.datasets import load_iris
from sklearn.svm import SVC

import tunewise as optuna
from tunewise.integrations.sklearn import SearchCV

logging.getLogger("tunewise").setLevel(logging.CRITICAL)
X, y = load_iris(return_X_y=True)
NEGATIVE_C = {"C": optuna.distributions.FloatDistribution(-2, -1)}  # SVC refuses every value: every fit fails


def _search(**kwargs: object) -> optuna.integration.OptunaSearchCV:
    search = optuna.integration.OptunaSearchCV(SVC(), NEGATIVE_C, n_trials=3, cv=3, random_state=0, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X, y)


def test_every_fit_failing_refits_the_estimator_as_given() -> None:
    search = _search()
    assert [t.state for t in search.trials_] == [optuna.TrialState.FAIL] * 3
    assert search.best_estimator_.C == 1.0  # SVC's own C, not a failed configuration's
    assert list(search.predict(X[:3])) == [0, 0, 0]
    for name in ("best_params_", "best_score_", "best_index_"):
        with pytest.raises(ValueError):
            getattr(search, name)
    with pytest.raises(ValueError):
        _ = search.best_trial_


def test_refit_false_leaves_no_best_either() -> None:
    search = _search(refit=False)
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(ValueError):
        _ = search.best_params_


def test_a_search_with_completed_trials_is_unchanged() -> None:
    search = optuna.integration.OptunaSearchCV(
        SVC(), {"C": optuna.distributions.FloatDistribution(0.1, 10, log=True)}, n_trials=3, cv=3, random_state=0
    ).fit(X, y)
    assert set(search.best_params_) == {"C"}
    assert search.best_estimator_.C == search.best_params_["C"]
    assert isinstance(search.best_score_, float) and isinstance(search.best_index_, int)


def test_scikit_learn_shaped_search_still_raises_when_every_fit_fails() -> None:
    search = SearchCV(SVC(), param_grid={"C": [-1.0, -2.0]}, cv=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="All the 6 fits failed"):
            search.fit(X, y)
