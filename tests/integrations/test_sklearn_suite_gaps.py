"""Behaviour scikit-learn's own search tests showed SearchCV lacked: each script runs with
scikit-learn's GridSearchCV / RandomizedSearchCV and with SearchCV built as the migration guide
says (``param_grid=`` / ``param_distributions=`` + ``n_iter``), and both must behave the same."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn import config_context  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import load_iris, make_classification  # noqa: E402
from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import make_scorer  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, LeaveOneGroupOut, RandomizedSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402

from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = make_classification(n_samples=60, n_features=5, random_state=0)


def tw_grid(estimator, param_grid, **kwargs):
    return SearchCV(estimator, param_grid=param_grid, **kwargs)


def tw_random(estimator, param_distributions, n_iter=10, **kwargs):
    return SearchCV(estimator, param_distributions=param_distributions, n_iter=n_iter, **kwargs)


GRIDS = pytest.mark.parametrize("Grid", [GridSearchCV, tw_grid], ids=["sklearn", "tunewise"])


class Failing(ClassifierMixin, BaseEstimator):
    """Fails to fit when ``parameter`` is 2 (always, or only with ``every_fold=False`` on the first fold)."""

    def __init__(self, parameter=0):
        self.parameter = parameter

    def fit(self, X, y):
        if self.parameter == 2:
            raise ValueError("this classifier fails as asked")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


# ---- refit ----------------------------------------------------------------------------------

@GRIDS
def test_refit_false_hides_the_delegated_methods(Grid):
    search = Grid(LogisticRegression(), {"C": [0.1, 1.0]}, refit=False, cv=3).fit(X, Y)
    assert hasattr(search, "best_params_") and not hasattr(search, "best_estimator_")
    for method in ("predict", "predict_proba", "decision_function"):
        assert not hasattr(search, method), method
        with pytest.raises(AttributeError, match=f"has no attribute '{method}'") as raised:
            getattr(search, method)
        assert "refit=False" in str(raised.value.__cause__)
    assert hasattr(Grid(LogisticRegression(), {"C": [1.0]}), "predict_proba")


def test_refit_naming_the_single_metric_is_refit_true():
    ref = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, scoring="recall", refit="recall", cv=3).fit(X, Y)
    ours = tw_grid(LogisticRegression(), {"C": [0.01, 1.0]}, scoring="recall", refit="recall", cv=3).fit(X, Y)
    assert ours.best_params_ == ref.best_params_ and ours.best_score_ == pytest.approx(ref.best_score_)
    assert ours.predict(X[:5]).tolist() == ref.predict(X[:5]).tolist()


@GRIDS
@pytest.mark.parametrize("returned, error", [(None, TypeError), (1.0, TypeError), (-1, IndexError), (2, IndexError)])
def test_a_refit_callable_returning_no_valid_index_raises_scikit_learns_type(Grid, returned, error):
    search = Grid(LogisticRegression(), {"C": [0.1, 1.0]}, refit=lambda results: returned, cv=3)
    with pytest.raises(error, match="best_index_"):
        search.fit(X, Y)


# ---- failures and non-finite scores ------------------------------------------------------------

@GRIDS
def test_failed_fits_are_summed_up_in_one_warning(Grid):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = Grid(Failing(), {"parameter": [0, 1, 2]}, error_score=0.0, cv=5, refit=False).fit(X, Y)
    failed = [w for w in caught if issubclass(w.category, FitFailedWarning)]
    assert len(failed) == 1
    assert re.search(r"5 fits failed out of a total of 15.+set to 0\.0.+ValueError.+fails as asked",
                     str(failed[0].message), re.S)
    assert search.cv_results_["mean_test_score"][2] == 0.0


@GRIDS
@pytest.mark.parametrize("error_score", [0.0, np.nan])
def test_all_fits_failing_raises_whatever_the_error_score(Grid, error_score):
    search = Grid(Failing(), {"parameter": [2]}, error_score=error_score, cv=3)
    with pytest.raises(ValueError, match=r"(?s)All the 3 fits failed.+fails as asked"):
        search.fit(X, Y)


def test_a_metric_undefined_on_every_fold_still_selects_and_refits():
    # R^2 on a one-sample test fold is NaN: no configuration has a finite mean.
    Xs, ys = [[1], [2], [3], [4], [5]], [0.0, 0.0, 0.0, 0.0, 1.0]
    runs = []
    for Grid in (GridSearchCV, tw_grid):
        with pytest.warns(UserWarning, match="One or more of the test scores are non-finite"):
            runs.append(Grid(DecisionTreeRegressor(), {"random_state": [0, None]}, cv=KFold()).fit(Xs, ys))
    ref, ours = runs
    assert ours.best_index_ == ref.best_index_ == 0
    assert np.isnan(ours.best_score_) and np.isnan(ref.best_score_)
    assert list(ours.cv_results_["param_random_state"]) == list(ref.cv_results_["param_random_state"]) == [0, None]
    assert ours.predict([[3]]).tolist() == ref.predict([[3]]).tolist()


# ---- sample_weight ----------------------------------------------------------------------------

def test_sample_weight_weights_the_scores_as_well_as_the_fits():
    rng = np.random.RandomState(0)
    weights = rng.randint(0, 4, size=len(Y))
    groups = np.arange(len(Y)) % 3
    splits = list(LeaveOneGroupOut().split(X, Y, groups))
    ref = RandomizedSearchCV(Ridge(), {"alpha": [0.01, 1.0, 100.0]}, n_iter=3, cv=splits, random_state=0,
                             return_train_score=True).fit(X, Y, sample_weight=weights)
    ours = tw_random(Ridge(), {"alpha": [0.01, 1.0, 100.0]}, n_iter=3, cv=splits, random_state=0,
                     return_train_score=True).fit(X, Y, sample_weight=weights)
    for key in ref.cv_results_:
        if key.endswith("_score") and not key.startswith("rank"):
            np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], err_msg=key)
    assert ours.best_params_ == ref.best_params_


@GRIDS
def test_a_scorer_without_sample_weight_is_named_in_a_warning(Grid):
    unweighted = make_scorer(lambda y_true, y_pred: float(np.mean(y_true == y_pred)))
    search = Grid(LogisticRegression(), {"C": [1.0]}, scoring={"plain": unweighted, "accuracy": "accuracy"},
                  refit="accuracy", cv=3)
    with pytest.warns(UserWarning, match=r"The scoring plain=.* does not support sample_weight") as caught:
        search.fit(X, Y, sample_weight=np.ones(len(Y)))
    assert not any("accuracy=" in str(w.message) for w in caught)


# ---- grids ------------------------------------------------------------------------------------

def test_a_repeated_grid_value_runs_twice():
    ref = GridSearchCV(LogisticRegression(), {"C": [0.1, 0.1, 1.0]}, cv=3).fit(X, Y)
    ours = tw_grid(LogisticRegression(), {"C": [0.1, 0.1, 1.0]}, cv=3).fit(X, Y)
    assert ours.cv_results_["params"] == ref.cv_results_["params"] == [{"C": 0.1}, {"C": 0.1}, {"C": 1.0}]
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])
    assert ours.best_index_ == ref.best_index_
    with pytest.raises(ValueError, match=r"(?s)All the 6 fits failed"):
        tw_grid(Failing(), {"parameter": [2, 2]}, cv=3).fit(X, Y)


@pytest.mark.parametrize("Search", [GridSearchCV, RandomizedSearchCV, tw_grid, tw_random])
def test_an_empty_space_cross_validates_the_estimator_as_it_is(Search):
    iris_X, iris_y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # RandomizedSearchCV: a space of 1 < n_iter
        search = Search(LogisticRegression(max_iter=500), {}, cv=3).fit(iris_X, iris_y)
    assert search.cv_results_["params"] == [{}] and search.best_params_ == {}
    assert search.predict_proba(iris_X[:2]).shape == (2, 3)


class Permissive(ClassifierMixin, BaseEstimator):
    """Lists one parameter in get_params but, like many hand-written estimators, sets any."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def set_params(self, **params):
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.fitted_with_ = (self.alpha, getattr(self, "beta", None))
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@GRIDS
def test_a_parameter_set_params_takes_is_searched_even_if_get_params_lacks_it(Grid):
    search = Grid(Pipeline([("clf", Permissive())]), {"clf__beta": [1, 2]}, cv=3).fit(X, Y)
    assert search.best_estimator_[-1].fitted_with_ == (1.0, 1)
    with pytest.raises(ValueError):
        Grid(LogisticRegression(), {"not_a_parameter": [1, 2]}, cv=3).fit(X, Y)


def test_a_misspelt_parameter_is_still_named_before_any_fit():
    with pytest.raises(ValueError, match="did you mean 'C'"):
        tw_grid(LogisticRegression(), {"CC": [1, 2]}).fit(X, Y)


# ---- display ----------------------------------------------------------------------------------

@GRIDS
def test_the_html_diagram_shows_the_best_estimator_after_refit(Grid):
    pipe = Pipeline([("scale", StandardScaler()), ("clf", DummyClassifier())])
    search = Grid(pipe, {"clf": [DummyClassifier(), LogisticRegression()]}, cv=3)
    with config_context(display="diagram"):
        assert "<div>DummyClassifier</div>" in search._repr_html_()
        search.fit(X, Y)
        html = search._repr_html_()
    assert "best_estimator_: Pipeline" in html
    assert "<div>LogisticRegression</div>" in html and "<div>DummyClassifier</div>" not in html
    with config_context(display="diagram"):
        assert "estimator: Pipeline" in clone(search)._repr_html_()


# ---- a scoring callable returning a dict of metrics ---------------------------------------------

def _tp_fp_accuracy(estimator, X_, y_):
    """A multi-metric scoring callable as scikit-learn documents it: one dict per fold."""
    pred = estimator.predict(X_)
    return {"tp": int(np.sum((pred == 1) & (y_ == 1))), "fp": int(np.sum((pred == 1) & (y_ == 0))),
            "accuracy": float(np.mean(pred == y_))}


@pytest.mark.parametrize("refit", ["accuracy", "fp", False])
def test_a_scoring_callable_returning_a_dict_scores_each_metric_as_scikit_learn(refit):
    kw = {"scoring": _tp_fp_accuracy, "refit": refit, "cv": 3, "return_train_score": True}
    ref = GridSearchCV(LogisticRegression(), {"C": [0.01, 0.1, 1.0]}, **kw).fit(X, Y)
    ours = tw_grid(LogisticRegression(), {"C": [0.01, 0.1, 1.0]}, **kw).fit(X, Y)
    assert ours.multimetric_ and ref.multimetric_ and ours.scorer_ is ref.scorer_ is _tp_fp_accuracy
    for key in ref.cv_results_:
        if key.endswith(("_tp", "_fp", "_accuracy")) and "time" not in key:
            np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], err_msg=key)
    assert "mean_test_score" not in ours.cv_results_
    if refit:
        assert ours.best_index_ == ref.best_index_
        assert ours.best_score_ == pytest.approx(ref.best_score_)
        assert ours.score(X, Y) == pytest.approx(ref.score(X, Y)) == _tp_fp_accuracy(ref.best_estimator_, X, Y)[refit]
    else:
        assert not hasattr(ours, "best_estimator_")


def test_a_dict_scoring_callable_gives_the_same_search_as_the_list_of_its_metrics():
    def recall_and_accuracy(estimator, X_, y_):
        pred = estimator.predict(X_)
        return {"recall": float(np.sum((pred == 1) & (y_ == 1)) / np.sum(y_ == 1)),
                "accuracy": float(np.mean(pred == y_))}

    by_callable = tw_grid(LogisticRegression(), {"C": [0.001, 0.1, 1.0]}, scoring=recall_and_accuracy,
                          refit="recall", cv=3).fit(X, Y)
    by_names = tw_grid(LogisticRegression(), {"C": [0.001, 0.1, 1.0]}, scoring=["recall", "accuracy"],
                       refit="recall", cv=3).fit(X, Y)
    assert by_callable.best_index_ == by_names.best_index_
    assert by_callable.best_score_ == pytest.approx(by_names.best_score_)
    assert [t.value for t in by_callable.study_.trials] == pytest.approx([t.value for t in by_names.study_.trials])


@GRIDS
@pytest.mark.parametrize("refit", [True, "precision"])
def test_a_dict_scoring_callable_needs_refit_to_name_one_of_its_metrics(Grid, refit):
    search = Grid(LogisticRegression(), {"C": [0.1, 1.0]}, scoring=_tp_fp_accuracy, refit=refit, cv=3)
    with pytest.raises(ValueError, match="For multi-metric scoring, the parameter refit must be set to a scorer key"):
        search.fit(X, Y)


@GRIDS
def test_a_list_of_metrics_with_refit_true_raises_scikit_learns_error(Grid):
    search = Grid(LogisticRegression(), {"C": [1.0]}, scoring=["accuracy", "recall"], refit=True, cv=3)
    with pytest.raises(ValueError, match=r"For multi-metric scoring.*refit should be set to False explicitly"):
        search.fit(X, Y)


@GRIDS
@pytest.mark.parametrize("order", [[2, 0, 1], [0, 2, 1]], ids=["failing-first", "failing-between"])
def test_failed_fits_get_error_score_for_every_metric_of_a_dict_callable(Grid, order):
    # The metric names are only known from a fit that succeeded: failures before it count too.
    search = Grid(Failing(), [{"parameter": order}], scoring=lambda est, X_, y_: {"acc": 1.0, "other": 2.0},
                  refit=False, error_score=0.1, cv=5)
    with pytest.warns(FitFailedWarning, match=r"(?s)5 fits failed.+total of 15.+set to 0\.1"):
        search.fit(X, Y)
    failing = order.index(2)
    expected = np.where(np.arange(3) == failing, 0.1, 1.0)
    np.testing.assert_allclose(search.cv_results_["mean_test_acc"], expected)
    np.testing.assert_allclose(search.cv_results_["mean_test_other"], np.where(expected == 1.0, 2.0, 0.1))
    assert search.cv_results_["rank_test_acc"][failing] == 3


def test_a_scoring_callable_must_return_the_same_metrics_on_every_fold():
    calls = []

    def changing(estimator, X_, y_):
        calls.append(1)
        return {"a": 1.0} if len(calls) == 1 else {"b": 1.0}

    with pytest.raises(TypeError, match=r"returned the metrics \['b'\] on one fold and the metrics \['a'\]"):
        tw_grid(LogisticRegression(), {"C": [1.0]}, scoring=changing, refit="a", cv=3).fit(X, Y)


# ---- scikit-learn's successive-halving tests (HalvingGridSearchCV / HalvingRandomSearchCV) ------

from scipy import stats  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.model_selection import HalvingGridSearchCV, HalvingRandomSearchCV  # noqa: E402


def tw_halving_grid(estimator, param_grid, **kwargs):
    return SearchCV(estimator, param_grid=param_grid, strategy="halving", **kwargs)


def tw_halving_random(estimator, param_distributions, **kwargs):
    return SearchCV(estimator, param_distributions=param_distributions, strategy="halving", **kwargs)


XH, YH = make_classification(n_samples=200, n_features=5, random_state=0)


@pytest.mark.parametrize("Search", [GridSearchCV, tw_grid, HalvingGridSearchCV, tw_halving_grid])
def test_verbose_true_is_verbose_one(Search, capsys):
    search = Search(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3, verbose=True).fit(XH, YH)
    assert search.verbose is True and capsys.readouterr().out.strip()


@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")  # halving's small folds
@pytest.mark.parametrize("Search", [RandomizedSearchCV, tw_random, HalvingRandomSearchCV, tw_halving_random])
def test_an_unfrozen_scipy_distribution_is_drawn_with_its_defaults(Search):
    # scikit-learn's ParameterSampler takes anything with rvs: scipy.stats.norm draws from N(0, 1).
    kw = {"n_iter": 4} if Search in (RandomizedSearchCV, tw_random) else {"n_candidates": 4}
    search = Search(Ridge(), {"alpha": stats.expon, "tol": [1e-4, 1e-3]}, cv=3, random_state=0, **kw).fit(XH, YH)
    Reference = RandomizedSearchCV if "n_iter" in kw else HalvingRandomSearchCV
    reference = Reference(Ridge(), {"alpha": stats.expon, "tol": [1e-4, 1e-3]}, cv=3, random_state=0, **kw).fit(XH, YH)
    assert search.cv_results_["params"] == reference.cv_results_["params"]
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"])


def test_a_scipy_distribution_missing_its_shape_parameters_is_named():
    with pytest.raises(TypeError, match=r"'gamma' needs its shape parameters.*scipy\.stats\.gamma\(\.\.\.\)"):
        tw_random(Ridge(), {"alpha": stats.gamma}, n_iter=2, cv=3).fit(XH, YH)


HALVING_MISTAKES = pytest.mark.parametrize("kwargs, message", [
    ({"resource": "not_a_parameter"}, "Cannot use resource=not_a_parameter which is not supported"),
    ({"resource": "C", "max_resources": 100}, "Cannot use parameter C as the resource since it is part of"),
    ({"resource": "max_iter"}, "resource can only be 'n_samples' when max_resources='auto'"),
    ({"min_resources": 15, "max_resources": 14}, "min_resources_=15 is greater than max_resources_=14"),
])


@HALVING_MISTAKES
@pytest.mark.parametrize("Search", [HalvingGridSearchCV, HalvingRandomSearchCV, tw_halving_grid, tw_halving_random])
def test_halving_mistakes_raise_scikit_learns_errors(Search, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Search(LogisticRegression(), {"C": [1.0]}, **kwargs).fit(XH, YH)


@pytest.mark.parametrize("Search", [HalvingRandomSearchCV, tw_halving_random])
def test_both_exhaust_and_an_empty_dataset_raise_scikit_learns_errors(Search):
    with pytest.raises(ValueError, match="cannot be both set to 'exhaust'"):
        Search(LogisticRegression(), {"C": [1.0]}, n_candidates="exhaust", min_resources="exhaust").fit(XH, YH)
    with pytest.raises(ValueError, match="min_resources_=0: you might have passed an empty dataset X"):
        Search(LogisticRegression(), {"C": [1.0]}, min_resources="smallest").fit(np.empty((0, 3)), [])


def test_one_check_of_the_resolved_resources_serves_fit_and_the_plan():
    # s30: fit() and plan_halving() each wrote the same two checks; one check_resources() now.
    from tunewise.integrations.sklearn._halving import HalvingSettings, check_resources, plan_halving

    check_resources(14, 14)
    with pytest.raises(ValueError, match="min_resources_=15 is greater than max_resources_=14"):
        check_resources(15, 14)
    with pytest.raises(ValueError, match="min_resources_=0: you might have passed an empty dataset X"):
        check_resources(0, 14)
    settings = HalvingSettings(3, "n_samples", "auto", "smallest", False, None)
    with pytest.raises(ValueError, match="min_resources_=0"):
        plan_halving(4, settings, 0, 14)


class Recording(Permissive):
    """Permissive, and records every set_params call and the rows each fit sees."""

    calls: list = []

    def set_params(self, **params):
        Recording.calls.append(("set_params", dict(params)))
        return super().set_params(**params)

    def fit(self, X, y):
        Recording.calls.append(("fit", len(X)))
        return super().fit(X, y)

    def predict(self, X):
        # A score that depends on beta, which get_params does not give back.
        return np.full(len(X), self.classes_[0] if getattr(self, "beta", None) == 1 else self.classes_[-1])


@pytest.mark.parametrize("pair", [(GridSearchCV, tw_grid), (HalvingGridSearchCV, tw_halving_grid)],
                         ids=["grid", "halving"])
def test_each_fold_sets_the_parameters_on_its_own_clone(pair):
    # Cloning an estimator after set_params loses what get_params does not give back (beta here):
    # each fold's clone gets set_params, as in scikit-learn, so both score beta the same.
    y = (np.arange(len(YH)) % 3 == 0).astype(int)
    runs = []
    for Search in pair:
        Recording.calls = []
        search = Search(Recording(), {"beta": [1, 2]}, cv=4, refit=False).fit(XH, y)
        runs.append((search, list(Recording.calls)))
    (ref, ref_calls), (ours, our_calls) = runs
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])
    assert len(set(np.round(ours.cv_results_["mean_test_score"], 6))) > 1
    fits = [c for c in our_calls if c[0] == "fit"]
    assert fits == [c for c in ref_calls if c[0] == "fit"]
    # Every fit comes right after a set_params of its configuration (SearchCV may call set_params
    # before, to check a parameter get_params does not list).
    before_fit = [our_calls[i - 1] for i, c in enumerate(our_calls) if c[0] == "fit"]
    assert [c[1] for c in before_fit] == [c[1] for c in (ref_calls[i - 1] for i, c in enumerate(ref_calls)
                                                         if c[0] == "fit")]


# ---- metadata routing (sklearn.set_config(enable_metadata_routing=True)) -----------------------

from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402


class RecordingScorer:
    """A scorer requesting ``weights`` and recording the rows of each call's metadata."""

    def __init__(self):
        self.seen = []

    def __call__(self, estimator, X_, y_, weights=None):
        self.seen.append(None if weights is None else np.asarray(weights).copy())
        return accuracy_score(y_, estimator.predict(X_), sample_weight=weights)

    def get_metadata_routing(self):
        from sklearn.utils.metadata_routing import MetadataRequest

        request = MetadataRequest(owner=self)
        request.score.add_request(param="weights", alias=True)
        return request


@GRIDS
def test_routing_sends_metadata_where_it_is_requested(Grid):
    weights = np.random.RandomState(0).rand(len(Y))
    groups = np.arange(len(Y)) % 4
    with config_context(enable_metadata_routing=True):
        recorder = RecordingScorer()
        estimator = LogisticRegression().set_fit_request(sample_weight=True)
        unweighted = make_scorer(accuracy_score).set_score_request(sample_weight=False)
        search = Grid(estimator, {"C": [0.01, 1.0]}, scoring={"weighted": recorder, "plain": unweighted},
                      refit="weighted", cv=GroupKFold(2))
        search.fit(X, Y, sample_weight=weights, weights=weights, groups=groups)
        # Each test fold's rows of weights went to the scorer that asked for them (2 configurations
        # x 2 folds, then score() below); the other scorer and the splitter got what they asked for.
        folds = list(GroupKFold(2).split(X, Y, groups))
        assert len(recorder.seen) == 4
        for seen, (_, test) in zip(recorder.seen, folds * 2, strict=True):
            np.testing.assert_allclose(seen, weights[test])
        search.score(X, Y, weights=weights)
        np.testing.assert_allclose(recorder.seen[-1], weights)
    results = search.cv_results_
    assert not np.allclose(results["mean_test_weighted"], results["mean_test_plain"])


@GRIDS
def test_routing_refuses_metadata_nobody_requested(Grid):
    from sklearn.exceptions import UnsetMetadataPassedError

    with config_context(enable_metadata_routing=True), pytest.raises(UnsetMetadataPassedError):
        Grid(LogisticRegression(), {"C": [1.0]}, cv=3).fit(X, Y, sample_weight=np.ones(len(Y)))


@GRIDS
def test_score_takes_metadata_only_with_routing_enabled(Grid):
    search = Grid(LogisticRegression(), {"C": [1.0]}, cv=3).fit(X, Y)
    with pytest.raises(ValueError, match=r"score is only supported if enable_metadata_routing=True"):
        search.score(X, Y, sample_weight=np.ones(len(Y)))


def test_routed_search_scores_as_scikit_learns():
    weights = np.random.RandomState(1).rand(len(Y))
    runs = []
    with config_context(enable_metadata_routing=True):
        for Grid in (GridSearchCV, tw_grid):
            estimator = LogisticRegression().set_fit_request(sample_weight=True)
            scorer = make_scorer(accuracy_score).set_score_request(sample_weight="score_weight")
            runs.append(Grid(estimator, {"C": [0.01, 0.1, 1.0]}, scoring=scorer, cv=3, return_train_score=True)
                        .fit(X, Y, sample_weight=weights, score_weight=weights[::-1].copy()))
    ref, ours = runs
    for key in ("mean_test_score", "mean_train_score", "split2_test_score"):
        np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], err_msg=key)
    np.testing.assert_allclose(ours.best_estimator_.coef_, ref.best_estimator_.coef_)


# ---- a distribution of one's own: an object with only rvs ----------------------------------

class LogUniformC:
    """A user's distribution class: only rvs, as RandomizedSearchCV's ParameterSampler calls it."""

    def rvs(self, random_state=None):
        return 10 ** random_state.uniform(-2, 2)


@pytest.mark.parametrize("Random", [RandomizedSearchCV, tw_random], ids=["sklearn", "tunewise"])
def test_an_object_with_only_rvs_is_drawn_from_reproducibly_and_refit(Random):
    search = Random(LogisticRegression(max_iter=300), {"C": LogUniformC()}, n_iter=5, cv=3, random_state=0).fit(X, Y)
    again = Random(LogisticRegression(max_iter=300), {"C": LogUniformC()}, n_iter=5, cv=3, random_state=0).fit(X, Y)
    drawn = list(search.cv_results_["param_C"])
    assert drawn == list(again.cv_results_["param_C"]) and len(set(drawn)) == 5
    assert all(0.01 <= c <= 100 for c in drawn)
    assert search.best_params_ == {"C": drawn[search.best_index_]} == again.best_params_
    assert search.best_estimator_.C == search.best_params_["C"]


def test_an_object_with_only_rvs_draws_what_randomized_search_cv_draws():
    sk = RandomizedSearchCV(LogisticRegression(max_iter=300), {"C": LogUniformC(), "fit_intercept": [True, False]},
                            n_iter=6, cv=3, random_state=1).fit(X, Y)
    tw = tw_random(LogisticRegression(max_iter=300), {"C": LogUniformC(), "fit_intercept": [True, False]},
                   n_iter=6, cv=3, random_state=1).fit(X, Y)
    assert tw.cv_results_["params"] == sk.cv_results_["params"]
    np.testing.assert_allclose(tw.cv_results_["mean_test_score"], sk.cv_results_["mean_test_score"])
    assert tw.best_params_ == sk.best_params_
    # Kept on the trial (the study cannot model it: no dimension), as JSON.
    kept = [t.user_attrs["sklearn_drawn"]["C"] for t in tw.study_.trials]
    assert kept == list(tw.cv_results_["param_C"]) and all(type(c) is float for c in kept)
    assert all("C" not in t.params for t in tw.study_.trials)


def test_an_object_with_only_rvs_under_a_model_based_strategy_is_drawn_per_trial_from_random_state():
    def fit(seed):
        return SearchCV(LogisticRegression(max_iter=300), {"C": LogUniformC(), "tol": [1e-4, 1e-3]}, strategy="tpe",
                        n_trials=4, cv=3, random_state=seed).fit(X, Y)

    a, b, c = fit(0), fit(0), fit(1)
    assert list(a.cv_results_["param_C"]) == list(b.cv_results_["param_C"]) != list(c.cv_results_["param_C"])
    assert [t.user_attrs["sklearn_drawn"]["C"] for t in a.study_.trials] == list(a.cv_results_["param_C"])
    assert a.best_estimator_.C == a.best_params_["C"]


def test_an_object_with_only_rvs_must_draw_something_json_can_store():
    class Scalers:
        def rvs(self, random_state=None):
            return StandardScaler()

    with pytest.raises(TypeError, match=r"param_distributions\['C'\]\.rvs\(\) returned StandardScaler\(\).*JSON"):
        tw_random(LogisticRegression(), {"C": Scalers()}, n_iter=2, cv=3, random_state=0).fit(X, Y)
    with pytest.raises(TypeError, match=r"param_space\['C'\]\.rvs\(\) returned"):
        SearchCV(LogisticRegression(), {"C": Scalers()}, strategy="tpe", n_trials=2, cv=3).fit(X, Y)
