"""Behaviour an eighth batch of third-party search scripts and its probe showed SearchCV lacked
(benchmarks/history/s28/sklearn_wild8.md): scikit-optimize's BayesSearchCV takes a list of search
spaces, each a dict or a ``(dict, n_iter)`` pair, searched one after the other (its documented
``search_spaces``; s27 left it open: SearchCV raised a TypeError)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)


def test_a_list_of_space_n_iter_pairs_searches_each_space_for_its_own_n_iter_in_order() -> None:
    spaces = [
        ({"C": tw.loguniform(1e-2, 1e2), "kernel": ["linear"]}, 3),
        ({"C": tw.loguniform(1e-2, 1e2), "gamma": tw.loguniform(1e-3, 1.0), "kernel": ["rbf"]}, 2),
        {"C": tw.loguniform(1e-1, 1e1), "degree": [2, 3], "kernel": ["poly"]},  # no pair: the search's n_iter
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the default sampler's few-trials notes
        search = SearchCV(SVC(), spaces, n_iter=2, cv=3, random_state=0).fit(X, Y)
    params = search.cv_results_["params"]
    assert [p["kernel"] for p in params] == ["linear"] * 3 + ["rbf"] * 2 + ["poly"] * 2
    assert [sorted(p) for p in params] == (
        [["C", "kernel"]] * 3 + [["C", "gamma", "kernel"]] * 2 + [["C", "degree", "kernel"]] * 2
    )
    assert all(1e-1 <= p["C"] <= 1e1 for p in params[5:]) and all(p["degree"] in (2, 3) for p in params[5:])
    gamma = search.cv_results_["param_gamma"]
    assert list(np.ma.getmaskarray(gamma)) == [True] * 3 + [False] * 2 + [True] * 2  # masked outside its space
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_params_ == params[search.best_index_] and hasattr(search, "best_estimator_")


def test_skopt_dimensions_in_a_list_of_spaces() -> None:
    space = pytest.importorskip("skopt.space")
    spaces = [
        ({"C": space.Real(1e-3, 1e3, prior="log-uniform"), "kernel": space.Categorical(["linear"])}, 2),
        {"C": space.Real(1e-2, 1e2, prior="log-uniform"), "kernel": space.Categorical(["rbf"])},
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = SearchCV(SVC(), spaces, n_iter=3, cv=3, random_state=0).fit(X, Y)
    assert [p["kernel"] for p in search.cv_results_["params"]] == ["linear"] * 2 + ["rbf"] * 3


def test_a_list_of_plain_grids_keeps_gridsearchcvs_meaning_and_misuse_is_refused() -> None:
    grids = SearchCV(SVC(), [{"C": [1, 10], "kernel": ["linear"]}, {"C": [0.5], "kernel": ["rbf"]}], cv=3).fit(X, Y)
    assert grids.strategy_ == "grid" and len(grids.cv_results_["params"]) == 3
    pairs = [({"C": [1, 10]}, 2), ({"C": [0.5]}, 1)]
    with pytest.raises(ValueError, match="not as a grid"):
        SearchCV(SVC(), pairs, strategy="grid", cv=3).fit(X, Y)
    with pytest.raises(TypeError, match="successive halving"):
        SearchCV(SVC(), pairs, strategy="halving", cv=3).fit(X, Y)
    with pytest.raises(ValueError, match="n_iter >= 1"):
        SearchCV(SVC(), [({"C": [1, 10]}, 0)], cv=3).fit(X, Y)
