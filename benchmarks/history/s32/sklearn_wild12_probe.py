"""Batch 12 probe (s32): the brief's SearchCV surfaces, scikit-learn's class vs SearchCV built by the migration
guide's swap. Session 27's probe machinery (``../s27/sklearn_wild7_probe.py``: fit both, compare best_*, every
cv_results_ column but times as a DataFrame (values and dtypes), fitted attributes, prediction methods, a joblib
round trip) is read from that file (its cases are not run); halving cases also compare the halving attributes.
One line per case: same / differs (what) / same exception.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s32/sklearn_wild12_probe.py
"""

# ruff: noqa: F821, E501, F401, B023 - case, sk, tw, SVC, ... come from the exec of s27's probe head below; lambdas run at once
from __future__ import annotations

import contextlib
import io
import pickle
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_head = (HERE.parent / "s27" / "sklearn_wild7_probe.py").read_text().split("\nXi, yi = load_iris(")[0]
exec(compile(_head, "sklearn_wild7_probe.py", "exec"))  # noqa: S102 - our own harness's functions, no cases

from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.datasets import load_diabetes, load_linnerud, make_classification  # noqa: E402
from sklearn.dummy import DummyClassifier  # noqa: E402
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import HalvingRandomSearchCV  # noqa: E402
from sklearn.multioutput import MultiOutputRegressor  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

warnings.filterwarnings("ignore")

Xi, yi = load_iris(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)
Xr, yr = load_diabetes(return_X_y=True)
HALVING = ("n_resources_", "n_candidates_", "n_iterations_", "n_required_iterations_", "n_possible_iterations_",
           "min_resources_", "max_resources_", "n_remaining_candidates_", "best_params_", "best_index_")


def line(name, a, b):
    print(f"{name}: {'same' if a == b else f'differs: {a!r} vs {b!r}'}", flush=True)


def attempt(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return f"raises {type(e).__name__}: {str(e)[:100]}"


def halving_attrs(s):
    out = {a: repr(getattr(s, a, "missing")) for a in HALVING}
    out["iter"] = repr(list(s.cv_results_["iter"]))
    out["n_resources"] = repr(list(s.cv_results_["n_resources"]))
    return out


def tw_halving_random(est, space, **kw):
    return SearchCV(est, param_distributions=space, strategy="halving", **kw)


# --- HalvingGridSearchCV / HalvingRandomSearchCV ------------------------------------------------------------------
Xc, yc = make_classification(n_samples=400, random_state=0)
grid_svc = {"kernel": ["linear", "rbf"], "C": [1, 10, 100]}
for name, kw in (
    ("halving_n_samples_factor2_min20", dict(factor=2, min_resources=20, cv=5)),
    ("halving_aggressive_elimination", dict(factor=2, max_resources=40, aggressive_elimination=True, cv=5)),
    ("halving_not_aggressive_max40", dict(factor=2, max_resources=40, aggressive_elimination=False, cv=5)),
    ("halving_min_resources_exhaust", dict(factor=3, min_resources="exhaust", cv=5)),
):
    a = attempt(lambda: halving_attrs(HalvingGridSearchCV(SVC(gamma="scale"), grid_svc, random_state=0, **kw).fit(Xc, yc)))
    b = attempt(lambda: halving_attrs(tw("halving", SVC(gamma="scale"), grid_svc, random_state=0, **kw).fit(Xc, yc)))
    line(name, a, b)
    Y_TEST = yc
    case(name + "_full", "halving", SVC(gamma="scale"), grid_svc, Xc, yc, Xc, random_state=0, **kw)

rf_grid = {"max_depth": [3, 5, 10], "min_samples_split": [2, 5, 10]}
a = attempt(lambda: halving_attrs(HalvingGridSearchCV(RandomForestClassifier(random_state=0), rf_grid, cv=5, factor=2, resource="n_estimators", max_resources=30).fit(Xc, yc)))
b = attempt(lambda: halving_attrs(tw("halving", RandomForestClassifier(random_state=0), rf_grid, cv=5, factor=2, resource="n_estimators", max_resources=30).fit(Xc, yc)))
line("halving_resource_n_estimators", a, b)

dist = {"max_depth": [3, None], "min_samples_split": randint(2, 11)}
a = attempt(lambda: halving_attrs(HalvingRandomSearchCV(RandomForestClassifier(random_state=0), dist, resource="n_estimators", max_resources=10, random_state=0).fit(Xi, yi)))
b = attempt(lambda: halving_attrs(tw_halving_random(RandomForestClassifier(random_state=0), dist, resource="n_estimators", max_resources=10, random_state=0).fit(Xi, yi)))
line("halving_random_n_estimators_randint", a, b)

a = attempt(lambda: halving_attrs(HalvingRandomSearchCV(SVC(), {"C": loguniform(1e-2, 1e2)}, n_candidates="exhaust", factor=3, random_state=0).fit(Xc, yc)))
b = attempt(lambda: halving_attrs(tw_halving_random(SVC(), {"C": loguniform(1e-2, 1e2)}, n_candidates="exhaust", factor=3, random_state=0).fit(Xc, yc)))
line("halving_random_n_candidates_exhaust_shape", {k: v for k, v in a.items() if k not in ("best_params_", "best_index_")} if isinstance(a, dict) else a,
     {k: v for k, v in b.items() if k not in ("best_params_", "best_index_")} if isinstance(b, dict) else b)

# --- RandomizedSearchCV with scipy.stats and an rvs object of its own ----------------------------------------------


class LogUniformOwn:
    """An rvs object as scripts write them (no scipy): 10 ** uniform(a, b)."""

    def __init__(self, a=-2, b=2):
        self.a, self.b = a, b

    def rvs(self, size=None, random_state=None):
        rng = np.random.RandomState(random_state) if not hasattr(random_state, "uniform") else random_state
        return 10 ** rng.uniform(self.a, self.b, size=size)


Y_TEST = yi
case("random_loguniform_randint", "random", KNeighborsClassifier(), {"n_neighbors": randint(1, 20), "leaf_size": randint(10, 40)}, Xi, yi, Xi, n_iter=6, random_state=0)
a = attempt(lambda: sorted(RandomizedSearchCV(SVC(), {"C": LogUniformOwn(), "gamma": loguniform(1e-4, 1e-1)}, n_iter=5, random_state=0).fit(Xi, yi).cv_results_))
b = attempt(lambda: sorted(tw("random", SVC(), {"C": LogUniformOwn(), "gamma": loguniform(1e-4, 1e-1)}, n_iter=5, random_state=0).fit(Xi, yi).cv_results_))
line("random_own_rvs_object_columns", a, b)
a = attempt(lambda: [type(v).__name__ for v in RandomizedSearchCV(SVC(), {"C": LogUniformOwn()}, n_iter=3, random_state=0).fit(Xi, yi).cv_results_["param_C"]])
b = attempt(lambda: [type(v).__name__ for v in tw("random", SVC(), {"C": LogUniformOwn()}, n_iter=3, random_state=0).fit(Xi, yi).cv_results_["param_C"]])
line("random_own_rvs_object_value_types", a, b)
a = attempt(lambda: [RandomizedSearchCV(SVC(), {"C": loguniform(1e-2, 1e2)}, n_iter=4, random_state=7).fit(Xi, yi).best_params_ for _ in range(2)])
b = attempt(lambda: [tw("random", SVC(), {"C": loguniform(1e-2, 1e2)}, n_iter=4, random_state=7).fit(Xi, yi).best_params_ for _ in range(2)])
line("random_state_reproducible_within_library", a[0] == a[1] if isinstance(a, list) else a, b[0] == b[1] if isinstance(b, list) else b)
case("random_n_iter_over_grid_size", "random", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, n_iter=10, random_state=0)

# --- refit=False, callable scoring, cv iterables, verbose, pickle, set_params ------------------------------------
case("refit_false_grid", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, refit=False)


def refit_false_attrs(build):
    s = build("grid", SVC(), {"C": [0.1, 1, 10]}, refit=False).fit(Xi, yi)
    return [s.best_params_, s.best_index_, round(s.best_score_, 10), hasattr(s, "best_estimator_"), attempt(lambda: s.predict(Xi[:2]))[:60]]


line("refit_false_attrs", attempt(lambda: refit_false_attrs(sk)), attempt(lambda: refit_false_attrs(tw)))


def my_scorer(estimator, X, y):
    return float(np.mean(estimator.predict(X) == y)) - 0.5


case("callable_scoring_function", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, scoring=my_scorer)
case("callable_scoring_dict_refit_name", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, scoring={"acc": "accuracy", "mine": my_scorer}, refit="mine")
case("refit_callable", "grid", SVC(), {"C": [0.1, 1, 10]}, Xi, yi, Xi, refit=lambda r: int(np.argmin(r["mean_test_score"])))
splits = list(KFold(3, shuffle=True, random_state=0).split(Xi))
case("cv_list_of_index_pairs", "grid", SVC(), {"C": [0.1, 1]}, Xi, yi, Xi, cv=splits)
case("cv_list_of_list_pairs", "grid", SVC(), {"C": [0.1, 1]}, Xi, yi, Xi, cv=[(list(a), list(b)) for a, b in splits])


def verbose_lines(build, v):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        build("grid", SVC(), {"C": [0.1, 1]}, cv=2, verbose=v).fit(Xi, yi)
    lines = buf.getvalue().splitlines()
    return [ln.split(";")[0].split(" END")[0] for ln in lines][:6], len(lines)


for v in (1, 2, 3):
    line(f"verbose_{v}_stdout", attempt(lambda: verbose_lines(sk, v)), attempt(lambda: verbose_lines(tw, v)))


def pickled(build):
    s = build("grid", SVC(), {"C": [0.1, 1]}, cv=3).fit(Xi, yi)
    t = pickle.loads(pickle.dumps(s))
    return t.predict(Xi[:5]).tolist(), t.best_params_, type(t).__name__ == type(s).__name__, sorted(t.cv_results_) == sorted(s.cv_results_)


line("pickle_fitted_search", attempt(lambda: pickled(sk)), attempt(lambda: pickled(tw)))


def set_params_search(build):
    s = build("grid", SVC(), {"C": [0.1, 1]}, cv=3)
    s.set_params(cv=4, estimator__kernel="linear", scoring="accuracy")
    s.fit(Xi, yi)
    return s.n_splits_, s.best_estimator_.kernel, s.scorer_ is not None, sorted(k for k in s.get_params() if "__" not in k)


line("set_params_on_search", attempt(lambda: set_params_search(sk)), attempt(lambda: set_params_search(tw)))

# --- error_score numeric with failing fits: warning text -----------------------------------------------------------


def failing(build, error_score):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s = build("grid", LogisticRegression(solver="lbfgs", max_iter=200), {"penalty": ["l1", "l2"]}, cv=3, error_score=error_score).fit(Xi, yi)
    msgs = [str(x.message).splitlines()[0][:80] for x in w if "Fit" in type(x.category.__name__ if False else x.category).__name__ or "fits failed" in str(x.message)]
    return [type(x.category).__name__ if False else x.category.__name__ for x in w if "failed" in str(x.message)], msgs, s.cv_results_["mean_test_score"].tolist()[:1]


line("error_score_0_failing_fits", attempt(lambda: failing(sk, 0)), attempt(lambda: failing(tw, 0)))
line("error_score_nan_failing_fits", attempt(lambda: repr(failing(sk, np.nan))), attempt(lambda: repr(failing(tw, np.nan))))

# --- sample_weight, multi-output, pandas inputs --------------------------------------------------------------------
w = np.linspace(0.5, 2.0, len(yi))
Y_TEST = yi
case("sample_weight_fit_param", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1.0]}, Xi, yi, Xi, fit_kw={"sample_weight": w})
Xl, Yl = load_linnerud(return_X_y=True)
Y_TEST = Yl
case("multi_output_ridge", "grid", Ridge(), {"alpha": [0.1, 1.0, 10.0]}, Xl, Yl, Xl, cv=3)
case("multi_output_wrapper", "grid", MultiOutputRegressor(Ridge()), {"estimator__alpha": [0.1, 10.0]}, Xl, Yl, Xl, cv=3)
bc = load_breast_cancer(as_frame=True)
Y_TEST = bc.target
case("pandas_dataframe_inputs", "grid", LogisticRegression(max_iter=3000), {"C": [0.1, 1.0]}, bc.data, bc.target, bc.data.iloc[:20], cv=3)


def feature_names(build):
    s = build("grid", RandomForestRegressor(n_estimators=5, random_state=0), {"max_depth": [2, 3]}, cv=3).fit(bc.data, bc.target)
    return list(s.feature_names_in_[:3]), s.n_features_in_, list(s.best_estimator_.feature_names_in_[:2])


line("pandas_feature_names_in", attempt(lambda: feature_names(sk)), attempt(lambda: feature_names(tw)))
Y_TEST = yi
case("dummy_classifier_string_strategy_grid", "grid", DummyClassifier(), {"strategy": ["stratified", "most_frequent"]}, Xi, yi, Xi, refit=False, scoring=my_scorer)
