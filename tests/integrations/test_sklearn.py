"""SearchCV and cross_validate_objective against real scikit-learn estimators on shipped data."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from scipy import stats  # noqa: E402
from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris  # noqa: E402
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

import tunewise as tw  # noqa: E402
from tunewise.integrations.sklearn import SearchCV, StepPruner, cross_validate_objective  # noqa: E402


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _logreg():
    return LogisticRegression(max_iter=300)


def test_random_search_attributes_match_gridsearchcv_contract(iris):
    X, y = iris
    search = SearchCV(_logreg(), {"C": tw.loguniform(1e-3, 1e2)}, strategy="random", n_trials=6, cv=3,
                      random_state=0).fit(X, y)
    ref = GridSearchCV(_logreg(), {"C": [0.1, 1.0]}, cv=3).fit(X, y)
    assert set(ref.cv_results_) <= set(search.cv_results_)
    res = search.cv_results_
    assert len(res["params"]) == 6
    assert isinstance(res["param_C"], np.ma.MaskedArray)
    assert res["rank_test_score"][search.best_index_] == 1
    assert search.best_score_ == pytest.approx(np.max(res["mean_test_score"]))
    assert search.best_params_ == res["params"][search.best_index_]
    folds = np.array([res[f"split{k}_test_score"] for k in range(3)]).T
    np.testing.assert_allclose(folds.mean(axis=1), res["mean_test_score"])
    assert search.n_splits_ == 3 and search.refit_time_ > 0
    assert search.strategy_ == "random"
    assert len(search.study_.trials) == 6
    # the refitted model is the best configuration fit on all the data
    assert search.best_estimator_.C == pytest.approx(search.best_params_["C"])
    np.testing.assert_array_equal(search.predict(X), search.best_estimator_.predict(X))
    assert search.predict_proba(X).shape == (150, 3)
    assert list(search.classes_) == [0, 1, 2]
    assert search.score(X, y) == pytest.approx(search.best_estimator_.score(X, y))
    assert search.n_features_in_ == 4


def test_grid_strategy_reproduces_gridsearchcv_scores(cancer):
    X, y = cancer
    grid = {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}
    ours = SearchCV(_logreg(), grid, strategy="grid", cv=4).fit(X, y)
    ref = GridSearchCV(_logreg(), grid, cv=4).fit(X, y)
    assert len(ours.cv_results_["params"]) == 6
    ref_scores = {tuple(sorted(p.items())): s for p, s in zip(ref.cv_results_["params"],
                                                                ref.cv_results_["mean_test_score"], strict=True)}
    for p, s in zip(ours.cv_results_["params"], ours.cv_results_["mean_test_score"], strict=True):
        assert s == pytest.approx(ref_scores[tuple(sorted(p.items()))])
    assert ours.best_score_ == pytest.approx(ref.best_score_)
    assert ours.best_params_ == ref.best_params_


def test_auto_runs_the_whole_grid_when_it_fits_the_budget(iris):
    X, y = iris
    search = SearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5, 15], "weights": ["uniform", "distance"]},
                      n_trials=20, cv=3).fit(X, y)
    assert search.strategy_ == "grid"
    assert len(search.cv_results_["params"]) == 6
    assert {(p["n_neighbors"], p["weights"]) for p in search.cv_results_["params"]} == {
        (k, w) for k in (1, 5, 15) for w in ("uniform", "distance")}


def test_pipeline_nested_names_clone_and_set_params(cancer):
    X, y = cancer
    pipe = Pipeline([("pca", PCA()), ("clf", _logreg())])
    search = SearchCV(pipe, {"pca__n_components": tw.randint(2, 12), "clf__C": tw.loguniform(1e-2, 10)},
                      strategy="random", n_trials=4, cv=3, random_state=1)
    params = search.get_params()
    assert params["estimator__clf__C"] == 1.0 and params["n_trials"] == 4
    twin = clone(search)
    assert twin is not search and twin.get_params()["n_trials"] == 4
    search.set_params(n_trials=3, estimator__clf__max_iter=500)
    assert search.estimator.named_steps["clf"].max_iter == 500
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 3
    best = search.best_estimator_
    assert best.named_steps["pca"].n_components == search.best_params_["pca__n_components"]
    assert 2 <= search.best_params_["pca__n_components"] <= 11


def test_searchcv_inside_a_pipeline_and_nested_cv(iris):
    X, y = iris
    inner = SearchCV(_logreg(), {"C": [0.1, 1.0, 10.0]}, cv=3)
    assert is_classifier(inner)
    pipe = Pipeline([("scale", StandardScaler()), ("search", inner)])
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.9
    outer = cross_val_score(inner, X, y, cv=3)
    assert outer.shape == (3,) and outer.mean() > 0.85


def test_scipy_distributions_map_to_tunewise_ones(iris):
    X, y = iris
    space = {
        "C": stats.loguniform(1e-2, 1e2),
        "tol": stats.uniform(1e-4, 1e-3),  # [1e-4, 1.1e-3]
        "max_iter": stats.randint(100, 400),
        "intercept_scaling": stats.norm(loc=1.0, scale=0.1),  # no counterpart: searched via its ppf
    }
    search = SearchCV(_logreg(), space, strategy="random", n_trials=5, cv=3, random_state=0).fit(X, y)
    dists = search.study_.distributions
    assert dists["C"] == tw.distributions.Float(1e-2, 1e2, log=True)
    assert dists["tol"].low == pytest.approx(1e-4) and dists["tol"].high == pytest.approx(1.1e-3)
    assert dists["max_iter"] == tw.distributions.Int(100, 399)
    assert dists["intercept_scaling"] == tw.distributions.Float(0.0, 1.0)
    for p, t in zip(search.cv_results_["params"], search.study_.trials, strict=True):
        assert p["intercept_scaling"] == pytest.approx(stats.norm(1.0, 0.1).ppf(t.params["intercept_scaling"]))
        assert isinstance(p["max_iter"], int) and 100 <= p["max_iter"] < 400


def test_estimator_objects_as_choices(iris):
    X, y = iris
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _logreg())])
    search = SearchCV(pipe, {"clf": [_logreg(), KNeighborsClassifier(3), DecisionTreeClassifier(random_state=0)]},
                      cv=3).fit(X, y)
    kinds = {type(p["clf"]).__name__ for p in search.cv_results_["params"]}
    assert kinds == {"LogisticRegression", "KNeighborsClassifier", "DecisionTreeClassifier"}
    assert search.cv_results_["param_clf"].dtype == object
    assert type(search.best_estimator_.named_steps["clf"]) is type(search.best_params_["clf"])


def test_multimetric_scoring_with_refit_name(cancer):
    X, y = cancer
    search = SearchCV(_logreg(), {"C": [0.001, 0.1, 10.0]}, scoring=["accuracy", "f1"], refit="f1", cv=3,
                      return_train_score=True).fit(X, y)
    res = search.cv_results_
    for key in ("mean_test_accuracy", "rank_test_f1", "split2_test_f1", "mean_train_accuracy", "std_train_f1"):
        assert key in res
    assert "mean_test_score" not in res
    assert search.best_score_ == pytest.approx(res["mean_test_f1"].max())
    assert res["rank_test_f1"][search.best_index_] == 1
    assert set(search.scorer_) == {"accuracy", "f1"} and search.multimetric_
    with pytest.raises(ValueError, match="refit should be set to False explicitly. True was passed"):
        SearchCV(_logreg(), {"C": [1.0]}, scoring=["accuracy", "f1"], cv=3).fit(X, y)
    with pytest.raises(ValueError, match=r"'roc' was passed; the metrics are \['a'\]"):
        SearchCV(_logreg(), {"C": [1.0]}, scoring={"a": "accuracy"}, refit="roc", cv=3).fit(X, y)


def test_error_score_nan_and_raise(cancer):
    X, y = cancer
    # lbfgs does not support an l1 penalty: those configurations fail to fit
    space = {"solver": ["lbfgs", "liblinear"], "l1_ratio": [1.0]}
    est = LogisticRegression(max_iter=300)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = SearchCV(est, space, cv=3).fit(X, y)
    assert any(issubclass(w.category, FitFailedWarning) for w in caught)
    res = search.cv_results_
    failed = [i for i, p in enumerate(res["params"]) if p["solver"] == "lbfgs"]
    assert np.isnan(res["mean_test_score"][failed[0]])
    assert "state" not in res  # a search written as scikit-learn's has its cv_results_ keys only
    assert search.study_.trials[failed[0]].state.value == "FAILED"
    assert search.best_params_["solver"] == "liblinear"
    with pytest.raises(ValueError):
        SearchCV(est, {"solver": ["lbfgs"], "l1_ratio": [1.0]}, cv=3, error_score="raise").fit(X, y)
    # Every fit failing is an error (scikit-learn's), whatever error_score says.
    with pytest.raises(ValueError, match="All the 3 fits failed"):
        SearchCV(est, {"solver": ["lbfgs"], "l1_ratio": [1.0]}, cv=3).fit(X, y)


def test_clear_errors_for_bad_input(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"'Cc', which is not a parameter of LogisticRegression \(did you mean 'C'\?\)"
                       r".*Valid parameters: C, class_weight"):
        SearchCV(_logreg(), {"Cc": [1.0]}).fit(X, y)
    with pytest.raises(ValueError, match=r"scoring='accurcy' is not a scikit-learn scorer name \(did you mean "
                       r"'accuracy'.*Valid names: .*balanced_accuracy"):
        SearchCV(_logreg(), {"C": [1.0]}, scoring="accurcy").fit(X, y)
    with pytest.raises(ValueError, match="strategy must be one of"):
        SearchCV(_logreg(), {"C": [1.0]}, strategy="bayes").fit(X, y)
    with pytest.raises(ValueError, match=r"strategy='grid' needs a finite value list.*\['C'\]"):
        SearchCV(_logreg(), {"C": tw.uniform(0.1, 1)}, strategy="grid").fit(X, y)
    with pytest.raises(TypeError, match=r"param_space\['C'\] must be .*one-element list: \[1.0\]"):
        SearchCV(_logreg(), {"C": 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="n_trials must be a positive integer"):
        SearchCV(_logreg(), {"C": [1.0]}, n_trials=0).fit(X, y)
    with pytest.raises(ValueError, match="pruning must be"):
        SearchCV(_logreg(), {"C": [1.0]}, pruning="asha").fit(X, y)


def test_median_pruning_across_folds_stops_bad_configurations(cancer):
    X, y = cancer
    # Half of the space is hopeless (a depth-1 tree with tiny leaves budget is fine, but
    # C=1e-5 logistic regression predicts the majority class): pruning should cut those short.
    space = {"C": tw.loguniform(1e-6, 10.0)}
    search = SearchCV(_logreg(), space, strategy="random", n_trials=16, cv=5, pruning="median",
                      random_state=0).fit(X, y)
    res = search.cv_results_
    pruned = np.flatnonzero(res["state"] == "PRUNED")
    assert pruned.size >= 2
    for i in pruned:
        n_done = sum(not np.isnan(res[f"split{k}_test_score"][i]) for k in range(5))
        assert n_done < 5
        assert res["rank_test_score"][i] > (res["state"] == "COMPLETE").sum()
    assert res["state"][search.best_index_] == "COMPLETE"
    assert search.best_score_ > 0.95


def test_halving_pruner_keeps_the_top_fraction_at_each_rung():
    pruner = StepPruner("halving", eta=2, n_startup_trials=2)
    assert pruner.rung_steps(5) == [0, 1, 3]
    study = tw.create_study(direction="maximize", scheduler=pruner)
    decisions = []
    for v in [0.9, 0.5, 0.95, 0.4, 0.92]:
        t = study.ask()
        t.report(v, step=0)
        decisions.append(t.should_prune())
        study.tell(t, v)
    # trial 0 is alone; 0.5 < 0.9 (1 kept of 2); 0.95 best; 0.4 worst; 0.92 second of 5 (2 kept)
    assert decisions == [False, True, False, True, False]
    t = study.ask()
    t.report(0.1, step=2)  # step 2 is not a rung for eta=2 (rungs after 1, 2, 4 steps)
    assert not t.should_prune()


def test_cross_validate_objective_in_a_study_prunes_and_records(cancer):
    X, y = cancer
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=3),
                            scheduler=StepPruner("median", n_startup_trials=3))

    def objective(trial):
        return cross_validate_objective(_logreg(), X, y, trial=trial,
                                        params={"C": tw.loguniform(1e-6, 10.0), "fit_intercept": True},
                                        cv=5, scoring="accuracy")

    study.optimize(objective, n_trials=14)
    states = [t.state for t in study.trials]
    assert tw.TrialState.PRUNED in states
    best = study.best_trial
    assert len(best.user_attrs["cv_scores"]) == 5
    assert best.value == pytest.approx(np.mean(best.user_attrs["cv_scores"]))
    assert sorted(best.intermediate_values) == [0, 1, 2, 3, 4]
    ref = cross_val_score(LogisticRegression(max_iter=300, C=best.params["C"]), X, y, cv=5).mean()
    assert best.value == pytest.approx(ref)


def test_cross_validate_objective_without_trial_and_errors():
    X, y = load_diabetes(return_X_y=True)
    score = tw.cross_validate_objective(Ridge(), X, y, params={"alpha": 0.5}, cv=3, scoring="r2")
    assert score == pytest.approx(cross_val_score(Ridge(alpha=0.5), X, y, cv=3, scoring="r2").mean())
    both = tw.cross_validate_objective(Ridge(), X, y, cv=3, scoring=["r2", "neg_mean_absolute_error"])
    assert isinstance(both, tuple) and len(both) == 2 and both[1] < 0
    with pytest.raises(ValueError, match="no trial was given"):
        tw.cross_validate_objective(Ridge(), X, y, params={"alpha": tw.loguniform(0.1, 1)})
    with pytest.raises(ValueError, match="'alfa', which is not a parameter of Ridge"):
        tw.cross_validate_objective(Ridge(), X, y, params={"alfa": 1.0})


@pytest.mark.slow
def test_parallel_folds_match_sequential(cancer):
    X, y = cancer
    kw = {"strategy": "random", "n_trials": 2, "cv": StratifiedKFold(4), "random_state": 5}
    seq = SearchCV(_logreg(), {"C": tw.loguniform(1e-3, 10)}, **kw).fit(X, y)
    par = SearchCV(_logreg(), {"C": tw.loguniform(1e-3, 10)}, n_jobs=2, **kw).fit(X, y)
    np.testing.assert_allclose(seq.cv_results_["mean_test_score"], par.cv_results_["mean_test_score"])
    assert seq.best_params_ == par.best_params_


def test_persisted_study_resumes_and_pickles(tmp_path, iris):
    X, y = iris
    url = f"sqlite:///{tmp_path / 'search.db'}"
    kw = {"strategy": "random", "n_trials": 3, "cv": 3, "storage": url, "study_name": "logreg"}
    try:
        first = SearchCV(_logreg(), {"C": tw.loguniform(1e-2, 10)}, random_state=0, **kw).fit(X, y)
    except ImportError as e:  # SQL storage not available in this build
        pytest.skip(str(e))
    second = SearchCV(_logreg(), {"C": tw.loguniform(1e-2, 10)}, random_state=1, **kw).fit(X, y)
    assert len(first.cv_results_["params"]) == 3
    assert len(second.cv_results_["params"]) == 6
    assert list(second.cv_results_["trial_number"]) == list(range(6))
    assert tw.load_study("logreg", url).trials[0].user_attrs["sklearn_cv"]["n_splits"] == 3
    mem = SearchCV(_logreg(), {"C": [0.1, 1.0]}, cv=3).fit(X, y)
    again = pickle.loads(pickle.dumps(mem))
    np.testing.assert_array_equal(again.predict(X), mem.predict(X))


def test_strategies_needing_model_based_samplers(iris):
    X, y = iris
    for strategy, cls in (("tpe", "TPESampler"), ("gp", "GPSampler")):
        search = SearchCV(_logreg(), {"C": tw.loguniform(1e-2, 10)}, strategy=strategy, n_trials=3, cv=3,
                          random_state=0)
        if getattr(tw.samplers, cls, None) is None:
            with pytest.raises(RuntimeError, match=f"needs tunewise.samplers.{cls}"):
                search.fit(X, y)
        else:
            search.fit(X, y)
            assert len(search.cv_results_["params"]) == 3
            assert search.study_.sampler.__class__.__name__ == cls


def test_callbacks_see_every_finished_configuration(iris):
    X, y = iris
    seen = []
    SearchCV(_logreg(), {"C": [0.1, 1.0, 10.0]}, cv=3, callbacks=[lambda study, t: seen.append(
        (t.number, t.state, t.params["C"]))]).fit(X, y)
    assert [(n, c) for n, _, c in seen] == [(0, 0.1), (1, 1.0), (2, 10.0)]
    assert all(s == tw.TrialState.COMPLETE for _, s, _ in seen)
    with pytest.raises(TypeError, match="callbacks must be a list"):
        SearchCV(_logreg(), {"C": [1.0]}, callbacks=print).fit(X, y)


def test_delegation_follows_the_estimator(iris):
    X, y = iris
    tree = SearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [1, 3]}, cv=3)
    assert not hasattr(tree, "decision_function") and hasattr(tree, "predict_proba")
    pca = SearchCV(Pipeline([("pca", PCA()), ("clf", _logreg())]), {"pca__n_components": [2, 3]}, cv=3).fit(X, y)
    assert pca.predict(X).shape == (150,)
    no_refit = SearchCV(_logreg(), {"C": [0.1, 1.0]}, cv=3, refit=False).fit(X, y)
    assert not hasattr(no_refit, "best_estimator_") and no_refit.best_params_["C"] in (0.1, 1.0)
    # As in scikit-learn: without refit the search has no predict, and the cause says why.
    assert not hasattr(no_refit, "predict")
    with pytest.raises(AttributeError, match="has no attribute 'predict'") as raised:
        no_refit.predict(X)
    assert "refit=False" in str(raised.value.__cause__)


def test_project_schedulers_plug_into_searchcv(cancer):
    X, y = cancer
    median = getattr(tw.schedulers, "MedianScheduler", None)
    if median is None:
        pytest.skip("tw.schedulers.MedianScheduler not in this build")
    search = SearchCV(_logreg(), {"C": tw.loguniform(1e-6, 10.0)}, strategy="random", n_trials=10, cv=5,
                      pruning=median(n_startup_trials=3), random_state=0).fit(X, y)
    assert "PRUNED" in set(search.cv_results_["state"])
    assert search.study_.scheduler is search.pruning


def test_searchcv_is_silent_by_default_like_scikit_learn(capfd) -> None:
    """GridSearchCV prints nothing at verbose=0; the study behind SearchCV must not print its line per trial."""
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from tunewise.integrations.sklearn import SearchCV

    X, y = load_iris(return_X_y=True)
    SearchCV(LogisticRegression(max_iter=300), param_grid={"C": [0.1, 1.0]}, cv=3).fit(X, y)
    out, err = capfd.readouterr()
    assert out == "" and "Trial 0 finished" not in err
    SearchCV(LogisticRegression(max_iter=300), param_grid={"C": [0.1, 1.0]}, cv=3, verbose=1).fit(X, y)
    out, err = capfd.readouterr()
    assert "Trial 0 finished" not in err and (out + err).strip()  # SearchCV's own lines only


# ---- terminator: fold scores where Optuna keeps them -----------------------------------------

def test_search_cv_reports_its_fold_scores_where_optuna_search_cv_does(iris):
    """OptunaSearchCV keeps each trial's folds in system attr ``terminator:cv_scores``; SearchCV does
    too (beside ``sklearn_cv``), and the evaluator's value is the one it read from ``sklearn_cv``."""
    from tunewise.terminator import CrossValidationErrorEvaluator

    X, y = iris
    search = SearchCV(LogisticRegression(max_iter=300), param_distributions={"C": [0.01, 0.1, 1.0, 10.0]},
                      n_iter=4, cv=4, random_state=0).fit(X, y)
    trials = search.study_.trials
    for t in trials:
        (folds,) = t.user_attrs["sklearn_cv"]["test"].values()
        assert t.system_attrs["terminator:cv_scores"] == folds and len(folds) == 4
    # The same trials without the attribute: the evaluator falls back to sklearn_cv, as before.
    bare = [tw.create_trial(params=t.params, distributions=t.distributions, value=t.value,
                            user_attrs=t.user_attrs) for t in trials]
    assert not any("terminator:cv_scores" in t.system_attrs for t in bare)
    assert CrossValidationErrorEvaluator().evaluate(trials, "maximize") == pytest.approx(
        CrossValidationErrorEvaluator().evaluate(bare, "maximize"))


def test_search_cv_reports_no_fold_scores_for_several_metrics(iris):
    X, y = iris
    search = SearchCV(LogisticRegression(max_iter=300), param_grid={"C": [0.1, 1.0]}, cv=3,
                      scoring=["accuracy", "f1_macro"], refit="accuracy").fit(X, y)
    assert all("terminator:cv_scores" not in t.system_attrs for t in search.study_.trials)
