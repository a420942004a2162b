"""RandomizedSearchCV's list of dicts where a parameter has a different distribution in each dict
(s29 probe, benchmarks/history/s29/sklearn_wild9.md): scikit-learn's ParameterSampler picks a dict
and draws from it; SearchCV refused the list ("tunewise keeps one distribution per parameter")."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform, uniform
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import HalvingRandomSearchCV, RandomizedSearchCV
from sklearn.svm import SVC
from sklearn.utils import check_random_state

from tunewise.integrations.sklearn import SearchCV

rng = np.random.RandomState(0)
X = rng.normal(size=(120, 4))
y = (X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.5, size=120) > 0).astype(int)
SPACE = [
    {"kernel": ["linear"], "C": loguniform(1e-2, 1e1)},
    {"kernel": ["rbf"], "C": [1, 10], "gamma": uniform(0, 0.1)},
]


def _same_search(theirs, ours) -> None:
    assert ours.cv_results_["params"] == theirs.cv_results_["params"]
    # the very values ParameterSampler drew (np.float64 from loguniform, 1 / 10 from the list), as printed
    assert repr(ours.cv_results_["params"]) == repr(theirs.cv_results_["params"])
    assert repr(ours.best_params_) == repr(theirs.best_params_)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"])
    assert list(ours.cv_results_["rank_test_score"]) == list(theirs.cv_results_["rank_test_score"])
    for name in ("param_kernel", "param_C", "param_gamma"):
        assert list(ours.cv_results_[name].mask) == list(theirs.cv_results_[name].mask)
    assert ours.best_params_ == theirs.best_params_ and ours.best_index_ == theirs.best_index_


@pytest.mark.parametrize("n_jobs", [None, 2])  # configuration by configuration, and every fold in one call
def test_random_search_over_dicts_with_different_distributions_draws_as_parameter_sampler(n_jobs) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = RandomizedSearchCV(SVC(), SPACE, n_iter=8, random_state=0, cv=3).fit(X, y)
        ours = SearchCV(SVC(), param_distributions=SPACE, n_iter=8, random_state=0, cv=3, n_jobs=n_jobs).fit(X, y)
    _same_search(theirs, ours)
    # Both dicts were drawn from: C is a float from loguniform with the linear kernel, 1 or 10 with rbf.
    kernels = {p["kernel"] for p in ours.cv_results_["params"]}
    assert kernels == {"linear", "rbf"}
    assert all(p["C"] in (1, 10) for p in ours.cv_results_["params"] if p["kernel"] == "rbf")


def test_halving_random_search_over_such_dicts() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = HalvingRandomSearchCV(SVC(), SPACE, n_candidates=6, factor=2, random_state=0, cv=3).fit(X, y)
        ours = SearchCV(
            SVC(), param_distributions=SPACE, strategy="halving", n_candidates=6, factor=2, random_state=0, cv=3
        ).fit(X, y)
    _same_search(theirs, ours)
    assert list(ours.n_candidates_) == list(theirs.n_candidates_)


def test_a_model_based_strategy_still_refuses_a_list_of_dicts() -> None:
    with pytest.raises(ValueError, match="sampled one dict at a time"):
        SearchCV(SVC(), param_distributions=SPACE, strategy="tpe", n_iter=4, cv=3).fit(X, y)


class _Jitter:
    """A distribution of one's own (only rvs): its draws are numpy scalars."""

    def rvs(self, random_state=None):
        return np.float64(check_random_state(random_state).uniform(0.1, 10.0))


def test_values_drawn_by_an_rvs_of_ones_own_reach_params_as_drawn() -> None:
    space = {"C": _Jitter(), "kernel": ["linear", "rbf"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = RandomizedSearchCV(SVC(), space, n_iter=5, random_state=1, cv=3).fit(X, y)
        ours = SearchCV(SVC(), param_distributions=space, n_iter=5, random_state=1, cv=3).fit(X, y)
    assert repr(ours.cv_results_["params"]) == repr(theirs.cv_results_["params"])
    assert repr(ours.best_params_) == repr(theirs.best_params_)
