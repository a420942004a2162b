"""Behaviour a seventh batch of third-party search scripts showed SearchCV lacked
(benchmarks/history/s27/sklearn_wild7.md): scripts written for scikit-optimize's BayesSearchCV."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")
space = pytest.importorskip("skopt.space")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from tunewise import distributions as D  # noqa: E402
from tunewise.integrations.sklearn import SearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)


# --- BayesSearchCV's search_spaces: skopt's Real / Integer / Categorical are dimensions of the study ----------
def test_skopt_dimensions_are_searched_as_distributions() -> None:
    # BayesSearchCV(SVC(), spaces, n_iter=6) -> SearchCV(SVC(), spaces, n_iter=6): before, Real's and Integer's
    # rvs() lists / arrays were taken as drawn values (a list for C: every fit failed; an array for degree: a
    # TypeError), so no script written for BayesSearchCV ran.
    spaces = {
        "C": space.Real(1e-2, 1e2, prior="log-uniform"),
        "degree": space.Integer(1, 3),
        "kernel": space.Categorical(["rbf", "poly"]),
    }
    search = SearchCV(SVC(), spaces, n_iter=6, cv=3, random_state=0).fit(X, Y)
    params = search.cv_results_["params"]
    assert len(params) == 6 and not search.strategy_.startswith(("grid", "random"))
    for p in params:
        assert type(p["C"]) is float and 1e-2 <= p["C"] <= 1e2
        assert type(p["degree"]) is int and 1 <= p["degree"] <= 3
        assert p["kernel"] in ("rbf", "poly")
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    trial_dists = search.study_.trials[0].distributions
    assert trial_dists["C"] == D.Float(1e-2, 1e2, log=True)
    assert trial_dists["degree"] == D.Int(1, 3)
    assert set(search.best_params_) == {"C", "degree", "kernel"}


def test_skopt_dimension_in_param_distributions_names_param_space() -> None:
    # RandomizedSearchCV cannot draw from a skopt dimension either; the error says where it goes instead.
    with pytest.raises(TypeError, match=r"param_distributions\['C'\] is scikit-optimize's Real.*param_space"):
        SearchCV(SVC(), param_distributions={"C": space.Real(1e-2, 1e2)}, n_iter=2, cv=3).fit(X, Y)


# --- BayesSearchCV's range shorthand is a tuple of values to SearchCV, as to scikit-learn's searches: warned ------
@pytest.mark.parametrize(
    "kw",
    [
        {"param_space": {"C": (1e-2, 1e2, "log-uniform")}, "n_trials": 2},
        {"param_distributions": {"C": (1e-2, 1e2, "log-uniform")}, "n_iter": 2},
        {"param_grid": {"C": (0.1, 10.0, "uniform")}},
    ],
)
def test_skopt_range_shorthand_warns(kw: dict) -> None:
    # skopt's examples write {'C': (1e-6, 1e6, 'log-uniform')}: under SearchCV the prior's name was silently one of
    # the values tried (its fits failed: NaN) and the pair (1, 8) two values.
    with pytest.warns(
        UserWarning, match=r"\['C'\] is \(.*\), which SearchCV .* reads as 3 values .* skopt\.space\.Real"
    ):
        SearchCV(SVC(), cv=3, random_state=0, error_score=np.nan, **kw).fit(X, Y)


def test_tuple_of_choices_does_not_warn() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        SearchCV(SVC(), param_grid={"kernel": ("linear", "rbf"), "C": (1, 10)}, cv=3).fit(X, Y)
