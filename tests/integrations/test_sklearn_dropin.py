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
    ({"param_grid": {"C": [1.0]}, "strategy": "tpe"}, ValueError, "strategy must be 'auto', 'grid' or 'halving'"),
    ({"param_grid": {"C": uniform(0, 1)}}, TypeError, r"param_grid\['C'\] must be a list.*param_distributions"),
    ({"param_grid": {"C": []}}, ValueError, "empty list"),
    ({"param_grid": "C"}, TypeError, "dict of parameter name"),
    ({"param_distributions": {"C": 3}}, TypeError, r"list of values, a scipy.stats distribution or an object with rvs"),
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


# ---- the patterns of scikit-learn's own example scripts (examples/model_selection, compose, ...) --

from scipy.stats import randint as sp_randint  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.decomposition import NMF, PCA  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.feature_selection import SelectKBest, chi2  # noqa: E402
from sklearn.metrics import accuracy_score, make_scorer  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    KFold,
    cross_val_score,
)
from sklearn.neighbors import KernelDensity  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

XC, YC = make_classification(n_samples=240, n_features=8, random_state=0)
TREE_GRID = {"max_depth": [1, 2, 3, 4, 5, None], "criterion": ["gini", "entropy"]}
TREE_DISTS = {"max_depth": sp_randint(1, 10), "min_samples_leaf": sp_randint(1, 20), "criterion": ["gini", "entropy"]}
HALVING_ATTRS = ("n_resources_", "n_candidates_", "n_iterations_", "n_remaining_candidates_", "min_resources_",
                 "max_resources_", "n_required_iterations_", "n_possible_iterations_")


def _same_cv_results(ours, ref, X=XC) -> None:
    """Every key scikit-learn reports, with its dtype kind and values (times aside), and the
    fitted attributes a script reads."""
    res, expected = ours.cv_results_, ref.cv_results_
    assert list(expected) == [k for k in res if k in expected]  # same keys, in scikit-learn's order
    assert [list(p.items()) for p in res["params"]] == [list(p.items()) for p in expected["params"]]
    for key, want in expected.items():
        got = res[key]
        if key == "params" or "_time" in key:
            assert len(got) == len(want), key
        elif isinstance(want, np.ma.MaskedArray):
            assert isinstance(got, np.ma.MaskedArray) and got.dtype.kind == want.dtype.kind, key
            assert np.ma.getmaskarray(got).tolist() == np.ma.getmaskarray(want).tolist(), key
            assert [repr(v) for v in got[~np.ma.getmaskarray(got)]] == [
                repr(v) for v in want[~np.ma.getmaskarray(want)]], key
        else:
            assert got.dtype.kind == want.dtype.kind, key
            np.testing.assert_allclose(got, want, err_msg=key)
    for attr in ("best_index_", "best_score_", "best_params_", "n_splits_", "multimetric_", *HALVING_ATTRS):
        if hasattr(ref, attr):
            assert getattr(ours, attr) == pytest.approx(getattr(ref, attr)), attr
        else:
            assert not hasattr(ours, attr), attr
    if ref.refit and hasattr(ref, "predict"):
        assert ours.predict(X[:20]).tolist() == ref.predict(X[:20]).tolist()


@pytest.mark.parametrize("kwargs", [
    {"strategy": "halving"},  # HalvingGridSearchCV's defaults: factor=3, min_resources="exhaust"
    {"factor": 2, "min_resources": 20, "max_resources": 200, "aggressive_elimination": True},
    {"factor": 2.5},
    {"factor": 2, "min_resources": "smallest", "refit": False, "return_train_score": False},
], ids=["defaults", "aggressive", "float-factor", "smallest-no-refit"])
def test_halving_grid_is_a_drop_in_for_halvinggridsearchcv(kwargs):
    ref_kwargs = {k: v for k, v in kwargs.items() if k != "strategy"}
    ref = HalvingGridSearchCV(DecisionTreeClassifier(random_state=0), TREE_GRID, random_state=0,
                              **ref_kwargs).fit(XC, YC)
    ours = SearchCV(DecisionTreeClassifier(random_state=0), param_grid=TREE_GRID, random_state=0,
                    **kwargs).fit(XC, YC)
    _same_cv_results(ours, ref)
    assert ours.strategy_ == "halving" and len(ours.study_.trials) == len(ref.cv_results_["params"])
    assert "mean_train_score" in ours.cv_results_ or kwargs.get("return_train_score") is False


def test_halving_over_an_estimator_parameter_sets_it_as_scikit_learn_does():
    grid = {"max_depth": [2, 4, None], "min_samples_leaf": [1, 3]}
    kw = {"resource": "n_estimators", "max_resources": 24, "factor": 2, "cv": 3, "random_state": 0}
    ref = HalvingGridSearchCV(RandomForestClassifier(random_state=0), grid, **kw).fit(XC, YC)
    ours = SearchCV(RandomForestClassifier(random_state=0), param_grid=grid, **kw).fit(XC, YC)
    _same_cv_results(ours, ref)
    assert ours.best_estimator_.n_estimators == ref.best_params_["n_estimators"]


@pytest.mark.parametrize("kwargs", [
    {"n_candidates": 12, "random_state": 0},
    {"n_candidates": 9, "min_resources": "exhaust", "random_state": 1},
    {"factor": 2, "random_state": "shared"},  # one RandomState for the estimator and the search
], ids=["n_candidates", "exhaust", "shared-RandomState"])
def test_halving_random_is_a_drop_in_for_halvingrandomsearchcv(kwargs):
    def run(cls, **space):
        kw = dict(kwargs)
        rng = np.random.RandomState(3) if kw["random_state"] == "shared" else 0
        if kw["random_state"] == "shared":
            kw["random_state"] = rng
        est = DecisionTreeClassifier(random_state=rng)
        if cls is SearchCV:
            kw.setdefault("factor", 3)
        return cls(est, **space, **kw).fit(XC, YC)

    ref = run(HalvingRandomSearchCV, param_distributions=TREE_DISTS)
    ours = run(SearchCV, param_distributions=TREE_DISTS)
    _same_cv_results(ours, ref)


def test_halving_random_over_an_estimator_parameter_draws_as_scikit_learn_does():
    # scikit-learn draws the candidates twice when the resource is a parameter; with a shared
    # RandomState the second draw is the one that runs.
    def run(cls):
        rng = np.random.RandomState(0)
        return cls(RandomForestClassifier(random_state=rng), param_distributions=TREE_DISTS,
                   resource="n_estimators", max_resources=12, min_resources=3, factor=2, cv=3,
                   random_state=rng).fit(XC, YC)

    _same_cv_results(run(SearchCV), run(HalvingRandomSearchCV))


def test_a_positional_space_keeps_the_halving_class_meaning():
    with pytest.warns(UserWarning, match="HalvingGridSearchCV's meaning.*param_distributions="):
        grid = SearchCV(DecisionTreeClassifier(random_state=0), TREE_GRID, factor=2, random_state=0).fit(XC, YC)
    _same_cv_results(grid, HalvingGridSearchCV(DecisionTreeClassifier(random_state=0), TREE_GRID, factor=2,
                                               random_state=0).fit(XC, YC))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # scipy.stats: clearly HalvingRandomSearchCV's
        ours = SearchCV(DecisionTreeClassifier(random_state=0), TREE_DISTS, factor=2, random_state=0).fit(XC, YC)
    _same_cv_results(ours, HalvingRandomSearchCV(DecisionTreeClassifier(random_state=0), TREE_DISTS, factor=2,
                                                 random_state=0).fit(XC, YC))


@pytest.mark.parametrize("kwargs,error,message", [
    ({"param_grid": TREE_GRID, "factor": 1}, ValueError, "factor must be a number above 1"),
    ({"param_grid": TREE_GRID, "resource": "max_depth"}, ValueError,
     "can only be 'n_samples' when max_resources='auto'"),
    ({"param_grid": TREE_GRID, "resource": "max_depth", "max_resources": 9}, ValueError,
     "parameter max_depth as the resource since"),
    ({"param_grid": TREE_GRID, "resource": "n_trees", "max_resources": 9}, ValueError,
     "resource=n_trees which is not supported"),
    ({"param_grid": TREE_GRID, "n_candidates": 4}, ValueError, "n_candidates is HalvingRandomSearchCV's"),
    ({"param_distributions": TREE_DISTS, "min_resources": "exhaust", "strategy": "halving"}, ValueError,
     "cannot be both set to 'exhaust'"),
    ({"param_grid": TREE_GRID, "factor": 2, "scoring": ["accuracy", "f1"], "refit": "f1"}, ValueError,
     "one metric"),
    ({"param_grid": TREE_GRID, "factor": 2, "n_trials": 5}, ValueError, "takes no n_trials=5"),
    ({"param_grid": TREE_GRID, "factor": 2, "pruning": True}, ValueError, "takes no pruning=True"),
    ({"param_grid": TREE_GRID, "factor": 2, "strategy": "tpe"}, ValueError, "strategy='halving', not"),
    ({"param_space": {"max_depth": np.arange(1, 4), "ccp_alpha": uniform(0, 1)}, "min_resources": 10,
      "n_candidates": 3, "random_state": 0}, None, None),
    ({"param_grid": TREE_GRID, "min_resources": 500}, ValueError, "min_resources_=500 is greater"),
])
def test_halving_mistakes_are_named(kwargs, error, message):
    search = SearchCV(DecisionTreeClassifier(random_state=0), **kwargs)
    if error is None:
        assert search.fit(XC, YC).n_candidates_[0] == 3
        return
    with pytest.raises(error, match=message):
        search.fit(XC, YC)


def test_halving_attributes_say_how_to_get_them():
    search = SearchCV(DecisionTreeClassifier(random_state=0), param_grid={"max_depth": [1, 2]}, cv=3)
    with pytest.raises(AttributeError, match="not fitted"):
        search.n_resources_  # noqa: B018
    search.fit(XC, YC)
    with pytest.raises(AttributeError, match=r"n_candidates_ is set by a successive-halving fit.*factor="):
        search.n_candidates_  # noqa: B018
    assert not hasattr(search, "n_iterations_") and "iter" not in search.cv_results_


def test_estimator_valued_parameters_with_their_own_parameters():
    # plot_compare_reduction: a 'passthrough' step replaced by the grid, with the replacement's parameters.
    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scaling", MinMaxScaler()), ("reduce_dim", "passthrough"), ("classify", LinearSVC())])
    grid = [{"reduce_dim": [PCA(iterated_power=7), NMF(max_iter=300)], "reduce_dim__n_components": [1, 2],
             "classify__C": [1, 10]},
            {"reduce_dim": [SelectKBest(chi2)], "reduce_dim__k": [1, 2], "classify__C": [1, 10]}]
    ref = GridSearchCV(pipe, param_grid=grid, cv=3).fit(X, y)
    ours = SearchCV(pipe, param_grid=grid, cv=3).fit(X, y)
    _same_cv_results(ours, ref, X)
    assert ours.cv_results_["param_reduce_dim"][0] is grid[0]["reduce_dim"][0]  # the grid's own objects
    bad = [{"reduce_dim": [PCA(), SelectKBest(chi2)], "reduce_dim__n_components": [1, 2]}]
    with pytest.raises(ValueError, match=r"SelectKBest.*has no parameter 'n_components'.*separate dict"):
        SearchCV(pipe, param_grid=bad, cv=3).fit(X, y)


def test_a_positional_dict_keeps_scikit_learns_meaning():
    # GridSearchCV(est, {lists}) and RandomizedSearchCV(est, {dists}, n_iter=...) written positionally.
    grid = {"max_depth": [3, 1, 2], "min_samples_leaf": np.arange(1, 4)}
    _same_cv_results(SearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3).fit(XC, YC),
                     GridSearchCV(DecisionTreeClassifier(random_state=0), grid, cv=3).fit(XC, YC))
    for space in (TREE_DISTS, grid):  # scipy.stats, or lists sampled without replacement
        ours = SearchCV(DecisionTreeClassifier(random_state=0), space, n_iter=5, cv=3, random_state=2).fit(XC, YC)
        ref = RandomizedSearchCV(DecisionTreeClassifier(random_state=0), space, n_iter=5, cv=3,
                                 random_state=2).fit(XC, YC)
        _same_cv_results(ours, ref)
        assert ours.strategy_ == "random"
    # n_trials (tunewise's name) keeps tunewise's meaning: the strategy searches the space.
    assert SearchCV(DecisionTreeClassifier(), TREE_DISTS, n_trials=3, cv=3).fit(XC, YC).strategy_.startswith("auto")


def test_randomized_search_sharing_a_random_state_with_its_estimator():
    def run(cls):
        rng = np.random.RandomState(0)
        return cls(RandomForestClassifier(n_estimators=5, random_state=rng), TREE_DISTS, n_iter=4, cv=3,
                   random_state=rng).fit(XC, YC)

    _same_cv_results(run(SearchCV), run(RandomizedSearchCV))


def test_param_columns_and_values_are_scikit_learns():
    grid = {"fit_intercept": [True, False], "C": np.logspace(-2, 1, 3), "class_weight": [None, "balanced"]}
    ours = SearchCV(LogisticRegression(max_iter=500), param_grid=grid, cv=3).fit(XC, YC)
    ref = GridSearchCV(LogisticRegression(max_iter=500), param_grid=grid, cv=3).fit(XC, YC)
    _same_cv_results(ours, ref)
    assert ours.cv_results_["param_fit_intercept"].dtype == bool
    assert type(ours.best_params_["C"]) is np.float64  # the array's own values, as GridSearchCV reports


def test_multi_metric_dict_with_make_scorer_and_train_scores():
    # plot_multi_metric_evaluation: scoring dict, refit by name, return_train_score, n_jobs.
    scoring = {"AUC": "roc_auc", "Accuracy": make_scorer(accuracy_score)}
    kw = {"param_grid": {"min_samples_split": range(2, 60, 12)}, "scoring": scoring, "refit": "AUC",
          "return_train_score": True, "cv": 3, "n_jobs": 2, "pre_dispatch": 4}
    ours = SearchCV(DecisionTreeClassifier(random_state=42), **kw).fit(XC, YC)
    ref = GridSearchCV(DecisionTreeClassifier(random_state=42), **kw).fit(XC, YC)
    _same_cv_results(ours, ref)
    assert sorted(ours.scorer_) == ["AUC", "Accuracy"]


def test_refit_callable_reading_a_param_column():
    # plot_grid_search_refit_callable: the fewest components within one std of the best score.
    def best_low_complexity(cv_results):
        best = np.argmax(cv_results["mean_test_score"])
        threshold = cv_results["mean_test_score"][best] - cv_results["std_test_score"][best]
        candidates = np.flatnonzero(cv_results["mean_test_score"] >= threshold)
        return candidates[cv_results["param_reduce_dim__n_components"][candidates].argmin()]

    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("reduce_dim", PCA(random_state=42)), ("classify", LogisticRegression(max_iter=500))])
    kw = {"param_grid": {"reduce_dim__n_components": [1, 2, 3, 4]}, "cv": 5, "refit": best_low_complexity}
    ours, ref = SearchCV(pipe, **kw).fit(X, y), GridSearchCV(pipe, **kw).fit(X, y)
    _same_cv_results(ours, ref, X)
    assert not hasattr(ours, "best_score_")  # as GridSearchCV with a callable refit


def test_unsupervised_searches_and_transform():
    # plot_digits_kde_sampling / plot_covariance_estimation: fit(X) scored by estimator.score.
    X, _ = load_iris(return_X_y=True)
    for est, grid in ((KernelDensity(), {"bandwidth": np.logspace(-1, 1, 5)}), (PCA(), {"n_components": [1, 2, 3]})):
        ours, ref = SearchCV(est, grid, cv=3).fit(X), GridSearchCV(est, grid, cv=3).fit(X)
        _same_cv_results(ours, ref, X)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X))
    np.testing.assert_allclose(ours.inverse_transform(ours.transform(X)), ref.inverse_transform(ref.transform(X)))


def test_failed_fits_rank_as_in_scikit_learn():
    grid = {"C": [-1.0, 0.1, 1.0], "kernel": ["linear", "rbf"]}  # C < 0 fails to fit
    for error_score in (np.nan, -1.0):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = SearchCV(SVC(), grid, cv=3, error_score=error_score).fit(XC, YC)
            ref = GridSearchCV(SVC(), grid, cv=3, error_score=error_score).fit(XC, YC)
        _same_cv_results(ours, ref)
        # NaN scores fail the trial; a number is the score scikit-learn ranks it with.
        assert list(ours.cv_results_) == list(ref.cv_results_)  # scikit-learn's keys only (no state column)
        expected = "FAILED" if np.isnan(error_score) else "COMPLETE"
        assert [t.state.value for t in ours.study_.trials[:2]] == [expected] * 2


def test_a_scorer_in_a_scoring_dict_must_return_one_number():
    # A single scoring callable may return a dict of metrics (scikit-learn's multi-metric callable);
    # an entry of a scoring dict scores one metric.
    def two_metrics(est, X, y):
        return {"acc": est.score(X, y), "neg": -est.score(X, y)}

    with pytest.raises(TypeError, match=r"returned a dict of metrics \(\['acc', 'neg'\]\).*scoring=\{'<metric>'"):
        SearchCV(SVC(), {"C": [1.0]}, scoring={"both": two_metrics}, refit="both", cv=3).fit(XC, YC)


def test_nested_cross_validation_and_cloned_settings():
    # plot_nested_cross_validation_iris / plot_gradient_boosting_quantile: cloned searches.
    X, y = load_iris(return_X_y=True)
    grid, inner, outer = {"C": [1, 10], "gamma": [0.01, 0.1]}, KFold(4, shuffle=True, random_state=1), KFold(4)
    np.testing.assert_allclose(cross_val_score(SearchCV(SVC(), param_grid=grid, cv=inner), X, y, cv=outer),
                               cross_val_score(GridSearchCV(SVC(), param_grid=grid, cv=inner), X, y, cv=outer))
    search = SearchCV(SVC(), param_grid=grid, cv=inner, factor=2)
    other = clone(search).set_params(estimator__kernel="linear", scoring="balanced_accuracy")
    assert other.estimator.kernel == "linear" and other.factor == 2 and search.estimator.kernel == "rbf"


def test_positional_distributions_without_n_iter_use_the_default_sampler() -> None:
    # tunewise's reason to switch: a space with scipy.stats distributions given positionally, with
    # no n_iter, is searched by the default (model-based) sampler; n_iter= asks for scikit-learn's
    # ParameterSampler draws, as RandomizedSearchCV(est, dists, n_iter=...) does.
    import scipy.stats
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from tunewise.integrations.sklearn import SearchCV

    X, y = load_iris(return_X_y=True)
    space = {"C": scipy.stats.loguniform(1e-2, 1e2)}
    auto = SearchCV(LogisticRegression(max_iter=200), space, n_trials=4, cv=3, random_state=0).fit(X, y)
    assert auto.strategy_.startswith("auto")
    plain = SearchCV(LogisticRegression(max_iter=200), space, cv=3, random_state=0).fit(X, y)
    assert plain.strategy_.startswith("auto") and len(plain.cv_results_["params"]) == 10
    sampled = SearchCV(LogisticRegression(max_iter=200), space, n_iter=4, cv=3, random_state=0).fit(X, y)
    assert sampled.strategy_ == "random" and len(sampled.cv_results_["params"]) == 4
