"""Behaviour scikit-learn's own search tests and a second batch of third-party scripts showed SearchCV lacked
(benchmarks/history/s22/sklearn_wild2.md): each check runs scikit-learn's search and SearchCV built as the
migration guide says, and compares."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import KFold, RandomizedSearchCV  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)


class _MiscountingKFold(KFold):
    """A splitter whose get_n_splits disagrees with what split yields (a custom splitter's bug)."""

    def get_n_splits(self, *args: Any, **kwargs: Any) -> int:
        return 1


# --- a splitter whose get_n_splits disagrees with split is refused, as scikit-learn refuses it ---------------
@pytest.mark.parametrize("kind", ["grid", "random"])
def test_inconsistent_splitter_is_refused(kind: str) -> None:
    # scikit-learn's test_random_search_bad_cv: SearchCV scored the three real folds and said nothing.
    grid = {"alpha": [1e-3, 1e-2, 1e-1]}
    message = r"cv.split and cv.get_n_splits return inconsistent results. Expected 1 splits, got 3"
    with pytest.raises(ValueError, match=message):
        RandomizedSearchCV(Ridge(), grid, cv=_MiscountingKFold(n_splits=3)).fit(X, Y)
    search = (SearchCV(Ridge(), param_grid=grid, cv=_MiscountingKFold(n_splits=3)) if kind == "grid" else
              SearchCV(Ridge(), param_distributions=grid, n_iter=3, cv=_MiscountingKFold(n_splits=3)))
    with pytest.raises(ValueError, match=message):
        search.fit(X, Y)


def test_consistent_splitters_still_accepted() -> None:
    # A list of (train, test) pairs and a plain KFold keep working, with every fold scored.
    folds = list(KFold(n_splits=4).split(X))
    for cv in (folds, KFold(n_splits=4)):
        search = SearchCV(Ridge(), param_grid={"alpha": [0.1, 1.0]}, cv=cv).fit(X, Y)
        assert search.n_splits_ == 4
        assert np.isfinite(search.cv_results_["split3_test_score"]).all()


# --- OptunaSearchCV's trials carry Optuna's user attributes ---------------------------------------------------
@pytest.mark.parametrize("return_train_score", [False, True])
def test_optuna_search_cv_trials_carry_optuna_user_attrs(return_train_score: bool) -> None:
    # Scripts read them back: trials_dataframe()["user_attrs_mean_test_score"] (sorted, idxmax, renamed).
    import tunewise as optuna

    search = optuna.integration.OptunaSearchCV(
        Ridge(), {"alpha": optuna.distributions.FloatDistribution(1e-3, 10.0, log=True)}, cv=3, n_trials=4,
        random_state=0, return_train_score=return_train_score)
    search.fit(X, Y)
    frame = search.trials_dataframe()
    parts = ["test", "train"] if return_train_score else ["test"]
    expected = {f"user_attrs_{stat}_{name}" for stat in ("mean", "std") for name in ("fit_time", "score_time")}
    expected |= {f"user_attrs_{stat}_{part}_score" for stat in ("mean", "std", "split0", "split1", "split2")
                 for part in parts}
    assert expected <= set(frame.columns)
    assert "user_attrs_split3_test_score" not in frame.columns
    best = int(np.argmax(frame["user_attrs_mean_test_score"]))
    assert frame["user_attrs_mean_test_score"][best] == pytest.approx(search.best_score_)
    trial = search.trials_[search.best_index_]
    folds = [trial.user_attrs[f"split{k}_test_score"] for k in range(3)]
    assert trial.user_attrs["mean_test_score"] == pytest.approx(np.mean(folds))
    assert trial.user_attrs["std_test_score"] == pytest.approx(np.std(folds))
    np.testing.assert_allclose(folds, [search.cv_results_[f"split{k}_test_score"][search.best_index_]
                                       for k in range(3)])


# --- OptunaSearchCV prints what Optuna's prints: the study's lines, none of scikit-learn's -------------------
def test_optuna_search_cv_output_is_optunas(capsys: pytest.CaptureFixture[str],
                                            caplog: pytest.LogCaptureFixture) -> None:
    # optuna/optuna-examples sklearn_optuna_search_cv_simple.py (verbose=2): Optuna logs the study's creation and
    # "Trial N finished with value ..." per trial; SearchCV printed scikit-learn's "Fitting 5 folds ..." and a
    # "[CV] END" line per fold instead, and no trial lines.
    import logging

    import tunewise as optuna

    search = optuna.integration.OptunaSearchCV(
        Ridge(), {"alpha": optuna.distributions.FloatDistribution(1e-3, 10.0, log=True)}, cv=3, n_trials=3,
        random_state=0, verbose=2)
    with caplog.at_level(logging.INFO, logger="tunewise"):
        search.fit(X, Y)
    out = capsys.readouterr().out
    assert "[CV]" not in out and "Fitting" not in out
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("A new study created") for m in messages)
    assert sum(m.startswith(f"Trial {k} finished with value") for k in range(3) for m in messages) == 3
    # SearchCV itself stays silent by default, as scikit-learn's searches.
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tunewise"):
        SearchCV(Ridge(), param_grid={"alpha": [0.1, 1.0]}, cv=3).fit(X, Y)
    assert not [r for r in caplog.records if "finished with value" in r.getMessage()
                or r.getMessage().startswith("A new study created")]


def test_optuna_search_cv_best_score_and_index_are_python_numbers() -> None:
    # Optuna's best_score_ / best_index_ are best_trial_.value / .number: print({'score': s.best_score_}) shows
    # 0.97, not np.float64(0.97).
    import tunewise as optuna

    search = optuna.integration.OptunaSearchCV(
        Ridge(), {"alpha": optuna.distributions.FloatDistribution(1e-3, 10.0, log=True)}, cv=3, n_trials=3,
        random_state=0).fit(X, Y)
    assert type(search.best_score_) is float and type(search.best_index_) is int
    assert search.best_score_ == search.best_trial_.value
    assert repr({"score": search.best_score_}) == f"{{'score': {search.best_trial_.value!r}}}"


# --- a callback's study.stop() ends the search, as it ends Optuna's optimize -----------------------------------
def test_study_stop_from_a_callback_ends_the_search() -> None:
    # optuna-examples terminator_search_cv.py: OptunaSearchCV(callbacks=[TerminatorCallback()]) ran all 100
    # trials and logged "The study has been stopped by the terminator." after each of the last 81.
    import tunewise as optuna

    def stop_after_third(study: Any, trial: Any) -> None:
        if trial.number == 2:
            study.stop()

    search = SearchCV(Ridge(), param_distributions={"alpha": [0.01, 0.1, 1.0, 10.0, 100.0]}, n_iter=5, cv=3,
                      random_state=0, callbacks=[stop_after_third]).fit(X, Y)
    assert len(search.cv_results_["params"]) == 3 and len(search.study_.trials) == 3
    optuna_search = optuna.integration.OptunaSearchCV(
        Ridge(), {"alpha": optuna.distributions.FloatDistribution(1e-3, 10.0, log=True)}, cv=3, n_trials=10,
        random_state=0, callbacks=[stop_after_third]).fit(X, Y)
    assert optuna_search.n_trials_ == 3


# --- the default sampler plans for the search's n_trials, and the search does not print the plan ------------
def test_the_default_samplers_plan_knows_the_searchs_trial_budget(caplog: Any) -> None:
    import logging

    import tunewise as tw

    search = SearchCV(Ridge(), {"alpha": tw.distributions.Float(1e-3, 1e2, log=True)}, n_trials=6, cv=3)
    with caplog.at_level(logging.INFO, logger="tunewise"):
        search.fit(X, Y)
    plan = search.study_.system_attrs["auto_sampler_plan"]
    assert plan["planned_trials"] == 6 and plan["budget"] == "n_trials=6"  # was "no trial budget known"
    assert not [r for r in caplog.records if r.getMessage().startswith("AutoSampler plan")]  # silent as scikit-learn's
    assert search.study_._budget is None  # the plan holds only during the search
