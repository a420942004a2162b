"""SearchCV as a drop-in for GridSearchCV / RandomizedSearchCV: the same script, run with
scikit-learn's class and with ours, evaluates the same configurations and selects the same best."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)


# ---- the "scripts": written against scikit-learn's API, run with either class ------------------

def grid_script(GridSearch):
    grid = {"C": [0.1, 1.0, 10.0], "kernel": ["linear", "rbf"]}
    return GridSearch(SVC(), param_grid=grid, cv=3).fit(X, Y)


def list_of_grids_script(GridSearch):
    grids = [{"kernel": ["linear"], "C": [0.1, 10.0]},
             {"kernel": ["rbf"], "C": [1.0, 10.0], "gamma": [0.01, 0.1]}]
    return GridSearch(SVC(), grids, cv=3, return_train_score=True).fit(X, Y)  # positional, as people write it


def random_script(RandomizedSearch):
    dists = {"C": loguniform(1e-2, 1e2), "max_iter": randint(100, 400), "tol": uniform(1e-4, 1e-3),
             "fit_intercept": [True, False]}
    return RandomizedSearch(LogisticRegression(), param_distributions=dists, n_iter=8, cv=3,
                            random_state=0).fit(X, Y)


def random_lists_script(RandomizedSearch):
    dists = [{"max_depth": [1, 2, 3, 4], "criterion": ["gini", "entropy"]},
             {"max_depth": [None], "min_samples_leaf": randint(1, 20)}]
    return RandomizedSearch(DecisionTreeClassifier(random_state=0), dists, n_iter=6, cv=3,
                            random_state=3).fit(X, Y)


def _same_results(ours, ref) -> None:
    assert ours.best_params_ == ref.best_params_
    assert ours.best_index_ == ref.best_index_
    assert ours.best_score_ == pytest.approx(ref.best_score_)
    assert set(ref.cv_results_) <= set(ours.cv_results_)
    assert ours.cv_results_["params"] == ref.cv_results_["params"]
    for key in ref.cv_results_:
        if key.startswith(("split", "mean_test", "std_test", "mean_train", "rank_test")):
            np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], err_msg=key)
        elif key.startswith("param_"):
            a, b = ours.cv_results_[key], ref.cv_results_[key]
            assert list(np.ma.getmaskarray(a)) == list(np.ma.getmaskarray(b)), key
            assert [x for x, m in zip(a.data, np.ma.getmaskarray(a)) if not m] == [
                x for x, m in zip(b.data, np.ma.getmaskarray(b)) if not m], key
    assert ours.predict(X[:10]).tolist() == ref.predict(X[:10]).tolist()


@pytest.mark.parametrize("script", [grid_script, list_of_grids_script], ids=["grid", "list-of-grids"])
def test_param_grid_is_a_drop_in_for_gridsearchcv(script):
    ours, ref = script(SearchCV), script(GridSearchCV)
    _same_results(ours, ref)
    assert ours.strategy_ == "grid" and len(ours.study_.trials) == len(ref.cv_results_["params"])


@pytest.mark.parametrize("script", [random_script, random_lists_script], ids=["scipy", "lists-of-dicts"])
def test_param_distributions_is_a_drop_in_for_randomizedsearchcv(script):
    ours, ref = script(SearchCV), script(RandomizedSearchCV)
    _same_results(ours, ref)
    assert ours.strategy_ == "random"


def test_lists_only_are_sampled_without_replacement_like_sklearn():
    def script(cls):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n_iter above the grid size: both warn
            return cls(SVC(), param_distributions={"C": [0.1, 1.0, 10.0]}, n_iter=5, cv=3,
                       random_state=0).fit(X, Y)

    ours, ref = script(SearchCV), script(RandomizedSearchCV)
    _same_results(ours, ref)
    assert sorted(p["C"] for p in ours.cv_results_["params"]) == [0.1, 1.0, 10.0]


def test_param_distributions_can_be_searched_model_based_with_n_iter():
    search = SearchCV(LogisticRegression(max_iter=300), param_distributions={"C": loguniform(1e-2, 1e2)},
                      n_iter=6, strategy="tpe", cv=3, random_state=0).fit(X, Y)
    assert search.strategy_ == "tpe" and len(search.cv_results_["params"]) == 6
    assert all(1e-2 <= p["C"] <= 1e2 for p in search.cv_results_["params"])


def test_new_arguments_follow_the_estimator_contract():
    search = SearchCV(SVC(), param_grid={"C": [1.0]}, n_iter=None)
    params = search.get_params(deep=False)
    assert params["param_grid"] == {"C": [1.0]} and params["param_space"] is None and "n_iter" in params
    assert clone(search).param_grid == {"C": [1.0]}


def test_resuming_a_grid_skips_the_points_already_run(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    grid = {"C": [0.1, 1.0, 10.0]}
    first = SearchCV(SVC(), param_grid=grid, n_trials=2, cv=3, storage=url, study_name="g").fit(X, Y)
    assert len(first.study_.trials) == 2  # stopped early (n_trials, a timeout, Ctrl-C...)
    second = SearchCV(SVC(), param_grid=grid, cv=3, storage=url, study_name="g").fit(X, Y)
    assert len(second.study_.trials) == 3  # only C=10 ran
    assert sorted(p["C"] for p in second.cv_results_["params"]) == [0.1, 1.0, 10.0]


@pytest.mark.parametrize("kwargs,error,message", [
    ({"param_space": {"C": [1.0]}, "param_grid": {"C": [1.0]}}, TypeError, "param_space .* and param_grid"),
    ({}, TypeError, "give the search space once.*got none"),
    ({"param_grid": {"C": [1.0]}, "strategy": "tpe"}, ValueError, "strategy must be 'auto' or 'grid'"),
    ({"param_grid": {"C": uniform(0, 1)}}, TypeError, r"param_grid\['C'\] must be a list.*param_distributions"),
    ({"param_grid": {"C": []}}, ValueError, "empty list"),
    ({"param_grid": "C"}, TypeError, "dict of parameter name"),
    ({"param_distributions": {"C": 3}}, TypeError, "list of values or a frozen scipy.stats"),
    ({"param_distributions": [{"C": [1.0]}, {"C": uniform(0, 1)}], "strategy": "tpe"}, ValueError,
     "strategy='random'"),
    ({"param_distributions": {"C": [1.0]}, "n_iter": 3, "n_trials": 4}, ValueError, "give one of them"),
    ({"param_distributions": {"C": [1.0]}, "n_iter": 0}, ValueError, "n_iter must be a positive integer"),
    ({"param_grid": [{"C": [1.0]}, {"C": [2.0]}], "param_distributions": None, "strategy": "grid"}, None, None),
])
def test_mistakes_are_named(kwargs, error, message):
    search = SearchCV(SVC(), **kwargs, cv=2)
    if error is None:
        search.fit(X, Y)
        assert [p["C"] for p in search.cv_results_["params"]] == [1.0, 2.0]
        return
    with pytest.raises(error, match=message):
        search.fit(X, Y)
