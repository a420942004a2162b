"""Behaviour scikit-learn's example gallery showed SearchCV lacked (benchmarks/history/s19/sklearn_gallery.md):
each check runs scikit-learn's search and SearchCV built as the migration guide says, and compares."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = make_classification(n_samples=90, n_features=6, n_classes=3, n_informative=4, random_state=0)


def _task_tree(log):
    """The (task path, parent path, task name, estimator) rows a ScoringMonitor saw, as a set."""
    return {(tuple(r.task_id_path), tuple(r.parent_task_id_path), r.task_name, r.estimator_name)
            for r in log.itertuples()}


# --- scikit-learn >= 1.9's callback API (examples/callbacks/plot_scoring_monitor.py) -----------------
def _has_callbacks() -> bool:
    try:
        import sklearn.callback  # noqa: F401
    except ImportError:
        return False
    return True


needs_callbacks = pytest.mark.skipif(not _has_callbacks(), reason="scikit-learn < 1.9 has no callback API")


@needs_callbacks
@pytest.mark.parametrize("n_jobs", [None, 2])
def test_set_callbacks_sees_gridsearchcv_task_tree(n_jobs):
    from sklearn.callback import ProgressBar, ScoringMonitor

    logs = {}
    for name, make in [("sklearn", lambda est, grid: GridSearchCV(est, grid, cv=3, n_jobs=n_jobs)),
                       ("tunewise", lambda est, grid: SearchCV(est, param_grid=grid, cv=3, n_jobs=n_jobs))]:
        monitor = ScoringMonitor(scoring=["accuracy"])
        est = LogisticRegression(max_iter=50).set_callbacks(monitor)
        search = make(est, {"C": [0.1, 1.0]})
        assert search.set_callbacks(ProgressBar()) is search
        search.fit(X, Y)
        logs[name] = monitor.get_logs().data_as_pandas
    sk, tw = logs["sklearn"], logs["tunewise"]
    assert len(tw) == len(sk) > 0
    # The same tree (task ids, parents, names), the estimator's name aside.
    rename = {"GridSearchCV": "SearchCV"}
    expected = {(p, q, t, rename.get(e, e)) for p, q, t, e in _task_tree(sk)}
    assert _task_tree(tw) == expected
    # 2 candidates x 3 folds under "search" (0, 0), the refit under (0, 1), as the example reads them.
    folds = {r.task_id_path[2] for r in tw.itertuples() if r.parent_task_id_path[:2] == (0, 0)}
    assert folds == set(range(6))
    assert any(r.parent_task_id_path[:2] == (0, 1) for r in tw.itertuples())


@needs_callbacks
def test_set_callbacks_sees_halving_iterations():
    from sklearn.callback import ScoringMonitor

    trees = {}
    for name, make in [("sklearn", lambda est, grid: HalvingGridSearchCV(est, grid, cv=3, factor=2, random_state=0)),
                       ("tunewise", lambda est, grid: SearchCV(est, param_grid=grid, cv=3, factor=2, random_state=0))]:
        monitor = ScoringMonitor(scoring=["accuracy"])
        est = LogisticRegression(max_iter=50).set_callbacks(monitor)
        make(est, {"C": [0.01, 0.1, 1.0, 10.0]}).fit(X, Y)
        trees[name] = _task_tree(monitor.get_logs().data_as_pandas)
    rename = {"HalvingGridSearchCV": "SearchCV"}
    assert trees["tunewise"] == {(p, q, t, rename.get(e, e)) for p, q, t, e in trees["sklearn"]}


@needs_callbacks
def test_set_callbacks_refuses_what_scikit_learn_refuses_and_clears():
    search = SearchCV(LogisticRegression(), param_grid={"C": [1.0]})
    with pytest.raises(TypeError, match="FitCallback"):
        search.set_callbacks(object())
    assert search.set_callbacks() is search and not hasattr(search, "_skl_callbacks")


# --- best_index_ / best_score_ are numpy scalars, as scikit-learn's (every gallery grid search) --------------
@pytest.mark.parametrize("kwargs", [{}, {"factor": 2, "random_state": 0},
                                    {"refit": lambda results: 1}], ids=["grid", "halving", "refit-callable"])
def test_best_index_and_score_have_scikit_learns_types(kwargs):
    grid = {"C": [0.01, 1.0]}
    Sk = HalvingGridSearchCV if "factor" in kwargs else GridSearchCV
    sk = Sk(LogisticRegression(max_iter=50), grid, cv=3, **kwargs).fit(X, Y)
    tw = SearchCV(LogisticRegression(max_iter=50), param_grid=grid, cv=3, **kwargs).fit(X, Y)
    assert type(tw.best_index_) is type(sk.best_index_)
    assert tw.best_index_ == sk.best_index_
    if hasattr(sk, "best_score_"):
        assert type(tw.best_score_) is type(sk.best_score_) is np.float64
        assert tw.best_score_ == sk.best_score_


# --- verbose prints scikit-learn's lines (compose/plot_feature_union.py uses verbose=10) ----------------------
def _normalized(text):
    # Fit times differ between any two runs.
    return re.sub(r"total time=\s*[\d.]+(s|min)", "total time=?", text)


@pytest.mark.parametrize("verbose", [1, 2, 3, 10])
@pytest.mark.parametrize("multimetric", [False, True], ids=["one-metric", "two-metrics"])
def test_verbose_prints_scikit_learns_lines(capsys, verbose, multimetric):
    grid = {"C": [0.1, 1.0], "fit_intercept": [True, False]}
    kwargs = {"cv": 3, "verbose": verbose, "return_train_score": True}
    if multimetric:
        kwargs.update(scoring=["accuracy", "f1_macro"], refit="accuracy")
    GridSearchCV(LogisticRegression(max_iter=50), grid, **kwargs).fit(X, Y)
    expected = capsys.readouterr().out
    SearchCV(LogisticRegression(max_iter=50), param_grid=grid, **kwargs).fit(X, Y)
    got = capsys.readouterr()
    assert _normalized(got.out) == _normalized(expected)
    assert expected.startswith("Fitting 3 folds for each of 4 candidates, totalling 12 fits")
    assert got.err == ""


def test_halving_verbose_prints_scikit_learns_lines(capsys):
    grid = {"C": [0.01, 0.1, 1.0, 10.0]}
    HalvingGridSearchCV(LogisticRegression(max_iter=50), grid, cv=3, factor=2, random_state=0, verbose=1).fit(X, Y)
    expected = capsys.readouterr().out
    SearchCV(LogisticRegression(max_iter=50), param_grid=grid, cv=3, factor=2, random_state=0, verbose=1).fit(X, Y)
    assert capsys.readouterr().out == expected
    assert "n_iterations: 3\n" in expected and "iter: 1\nn_candidates: 2\n" in expected


def test_a_search_logs_no_study_creation(caplog):
    # scikit-learn's searches print nothing with verbose=0; the study SearchCV makes is its own business.
    import logging

    with caplog.at_level(logging.INFO, logger="tunewise"):
        for verbose in (0, 10):  # compose/plot_feature_union.py: verbose=10 prints scikit-learn's lines only
            search = SearchCV(LogisticRegression(max_iter=50), param_grid={"C": [1.0]}, cv=3, verbose=verbose)
            assert search.fit(X, Y).study_ is not None
    assert not [r for r in caplog.records if "study created" in r.getMessage()]


# --- several metrics share one prediction per fold (model_selection/plot_grid_search_digits.py: 2x score time) --
def test_several_metrics_predict_once_per_fold_as_scikit_learn():
    from sklearn.svm import SVC

    class CountingSVC(SVC):
        calls = 0

        def predict(self, X):
            type(self).calls += 1
            return super().predict(X)

    counts = {}
    for name, make in [("sklearn", lambda est, grid, **kw: GridSearchCV(est, grid, **kw)),
                       ("tunewise", lambda est, grid, **kw: SearchCV(est, param_grid=grid, **kw))]:
        CountingSVC.calls = 0
        search = make(CountingSVC(), {"C": [0.1, 1.0]}, cv=3, scoring=["accuracy", "recall_macro", "precision_macro"],
                      refit=False, return_train_score=True).fit(X, Y)
        counts[name] = (CountingSVC.calls, {k: search.cv_results_[k].tolist() for k in search.cv_results_
                                            if "_test_" in k or "_train_" in k})
    assert counts["tunewise"] == counts["sklearn"]
    assert counts["tunewise"][0] == 2 * 3 * 2  # candidates x folds x (test, train): one predict for 3 metrics
