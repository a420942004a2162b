"""Behaviour third-party scikit-learn scripts showed SearchCV lacked (benchmarks/history/s21/sklearn_wild.md):
each check runs scikit-learn's search and SearchCV built as the migration guide says, and compares."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

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


# --- cv_results_ has scikit-learn's keys when the search is written as scikit-learn's ---------------------------
def test_cv_results_keys_are_scikit_learns_for_a_dropin_search() -> None:
    # drunkcoding/model-inference prints the whole dict, blueddie/AI pd.DataFrame(cv_results_).T: extra keys showed.
    grid = {"kernel": ("linear", "rbf"), "C": [1, 10]}
    from sklearn.svm import SVC

    ours, ref = SearchCV(SVC(), param_grid=grid, cv=3).fit(X, Y), GridSearchCV(SVC(), grid, cv=3).fit(X, Y)
    assert list(ours.cv_results_) == list(ref.cv_results_)
    # What scikit-learn has not (pruning, a stored study, a model-based strategy) keeps each row's state and number.
    pruned = SearchCV(SVC(), param_grid=grid, cv=3, pruning=True).fit(X, Y)
    assert list(pruned.cv_results_) == list(ref.cv_results_) + ["state", "trial_number"]


# --- a scorer that fails warns with scikit-learn's words -------------------------------------------------------
def _flaky(estimator: object, X_: np.ndarray, y_: np.ndarray) -> float:
    if estimator.C > 5:  # type: ignore[attr-defined]
        raise ValueError("no score for large C")
    return float(estimator.score(X_, y_))  # type: ignore[attr-defined]


def test_failed_scoring_warns_as_scikit_learn() -> None:
    from sklearn.svm import SVC

    def messages(search: object) -> list[str]:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            search.fit(X, Y)  # type: ignore[attr-defined]
        return sorted({str(w.message).split("Details")[0] for w in seen if "Scoring" in str(w.message)})

    grid = {"C": [1, 10]}
    ours = messages(SearchCV(SVC(), param_grid=grid, cv=2, scoring=_flaky))
    ref = messages(GridSearchCV(SVC(), grid, cv=2, scoring=_flaky))
    assert ours == ref == ["Scoring failed. The score on this train-test partition for these parameters will be "
                           "set to nan. "]


# --- bad grids and empty CV iterators raise with scikit-learn's sentences first --------------------------------
@pytest.mark.parametrize("value, error", [(1, TypeError), ("1,2,3", TypeError), ([], ValueError)])
def test_bad_grid_value_says_what_scikit_learn_says(value: object, error: type) -> None:
    from sklearn.svm import SVC

    with pytest.raises(error) as ref:
        GridSearchCV(SVC(), {"C": value}).fit(X, Y)
    with pytest.raises(error) as ours:
        SearchCV(SVC(), param_grid={"C": value}).fit(X, Y)
    assert str(ours.value).startswith(str(ref.value))


def test_empty_cv_iterator_says_what_scikit_learn_says() -> None:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold

    cv = KFold(n_splits=3).split(X)
    list(cv)  # used up
    with pytest.raises(ValueError, match=r"No fits were performed. Was the CV iterator empty\? Were there no"):
        SearchCV(Ridge(), param_grid={"alpha": [0.1, 1.0]}, cv=cv).fit(X, Y)


# --- n_jobs > 1: every fold of every configuration goes out at once, as GridSearchCV sends them ---------------
@contextlib.contextmanager
def _parallel_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Inside the block, the number of tasks of each ``joblib.Parallel`` call (the calls still run)."""
    import joblib

    calls: list[int] = []
    real = joblib.Parallel.__call__

    def counting(self: joblib.Parallel, iterable: object) -> object:
        tasks = list(iterable)  # type: ignore[call-overload]
        calls.append(len(tasks))
        return real(self, tasks)

    monkeypatch.setattr(joblib.Parallel, "__call__", counting)
    try:
        yield calls
    finally:
        monkeypatch.setattr(joblib.Parallel, "__call__", real)


def test_parallel_grid_sends_all_folds_at_once_with_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.svm import SVC

    grid = [{"C": [1, 10], "kernel": ["linear"]}, {"C": [1, 10, 100], "kernel": ["rbf"], "gamma": [0.01, 0.1]}]
    with _parallel_calls(monkeypatch) as calls:
        ours = SearchCV(SVC(), param_grid=grid, cv=3, n_jobs=2).fit(X, Y)
    assert calls == [8 * 3]  # one call with 8 candidates x 3 folds (it was one call of 3 per candidate)
    ref = GridSearchCV(SVC(), grid, cv=3, n_jobs=2).fit(X, Y)
    for key in ref.cv_results_:
        if "time" not in key:  # masked param_ entries compare as None
            assert list(np.ma.asarray(ours.cv_results_[key], dtype=object).tolist()) == \
                list(np.ma.asarray(ref.cv_results_[key], dtype=object).tolist()), key
    assert [t.number for t in ours.study_.trials] == list(range(8))  # told in scikit-learn's order
    assert ours.best_params_ == ref.best_params_ and ours.best_index_ == ref.best_index_


def test_parallel_halving_sends_each_iteration_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV
    from sklearn.tree import DecisionTreeClassifier

    grid = {"max_depth": [1, 2, 3, 4], "min_samples_leaf": [1, 5]}
    with _parallel_calls(monkeypatch) as calls:
        ours = SearchCV(DecisionTreeClassifier(random_state=0), param_grid=grid, strategy="halving", factor=2, cv=3,
                        n_jobs=2, random_state=0).fit(X, Y)
    ref = HalvingGridSearchCV(DecisionTreeClassifier(random_state=0), grid, factor=2, cv=3, n_jobs=2,
                              random_state=0).fit(X, Y)
    assert calls == [n * 3 for n in ref.n_candidates_]  # one call per iteration, every candidate's folds
    assert (ours.n_candidates_, ours.n_resources_) == (ref.n_candidates_, ref.n_resources_)
    assert ours.best_params_ == ref.best_params_
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])


# --- FitFailedWarning: scikit-learn's message with each distinct traceback; halving warns per iteration --------
def _fit_failed_messages(search: object) -> list[str]:
    from sklearn.exceptions import FitFailedWarning

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        search.fit(X, Y)  # type: ignore[attr-defined]
    return [str(w.message) for w in seen if issubclass(w.category, FitFailedWarning)]


def _without_paths(message: str) -> str:
    # The traceback's frames name the files that raised (scikit-learn's _validation.py or ours): keep the rest.
    return "\n".join(line for line in message.splitlines() if not line.lstrip().startswith(("File ", "^", "~")))


def test_fit_failed_warning_reads_as_scikit_learns() -> None:
    grid = {"penalty": ["l1", "l2"], "C": [0.5, 1.0]}
    (ours,) = _fit_failed_messages(SearchCV(LogisticRegression(max_iter=500), param_grid=grid, cv=3))
    (ref,) = _fit_failed_messages(GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3))
    assert "-" * 80 + "\n6 fits failed with the following error:\nTraceback (most recent call last):" in ours
    last = [line for line in _without_paths(ref).splitlines() if line.strip()][-1]  # the exception line
    assert ours.startswith(ref.split("Traceback")[0]) and last in ours


def test_halving_warns_about_failed_fits_once_per_iteration() -> None:
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV
    from sklearn.svm import SVC

    grid = {"C": [-1.0, 0.01, 0.1, 1.0, 10.0, 100.0]}  # C < 0 fails; scored 0.99, it survives to the last round
    kw = {"factor": 3, "cv": 3, "random_state": 0, "error_score": 0.99, "refit": False}
    ours = _fit_failed_messages(SearchCV(SVC(), param_grid=grid, strategy="halving", **kw))
    ref = _fit_failed_messages(HalvingGridSearchCV(SVC(), grid, **kw))
    assert [m.split("\n")[1] for m in ours] == [m.split("\n")[1] for m in ref]  # "N fits failed out of a total of M."
    assert len(ref) > 1


def test_halving_warns_about_non_finite_scores_after_each_iteration() -> None:
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV
    from sklearn.svm import SVC

    grid = {"C": [-1.0, 0.01, 0.1, 1.0, 10.0, 100.0]}  # C < 0 fails: a NaN row from the first iteration on
    kw = {"factor": 3, "cv": 3, "random_state": 0, "return_train_score": True}

    def non_finite(search: object) -> list[str]:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            search.fit(X, Y)  # type: ignore[attr-defined]
        return [str(w.message).split("\n")[1] if "fits failed" in str(w.message) else str(w.message)
                for w in seen if "non-finite" in str(w.message) or "fits failed" in str(w.message)]

    ours = non_finite(SearchCV(SVC(), param_grid=grid, strategy="halving", **kw))
    ref = non_finite(HalvingGridSearchCV(SVC(), grid, **kw))
    # In scikit-learn's order: failed fits (first iteration), then test and train scores, after each iteration.
    assert ours == ref and len(ref) == 5  # the failing candidate is gone after the first
