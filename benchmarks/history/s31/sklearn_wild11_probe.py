"""Calls next to the eleventh batch's scripts, scikit-learn's class vs SearchCV built by the migration guide's swap
(session 31). Session 27's probe machinery (``../s27/sklearn_wild7_probe.py``: fit both, compare best_*, every
cv_results_ column but times as a DataFrame (values and dtypes), fitted attributes, prediction methods, a joblib round
trip) is read from that file (its cases are not run). One line per case: same / differs (what) / same exception.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s31/sklearn_wild11_probe.py

Cases from what the batch's scripts do: a search cloned and fitted inside ``cross_val_score`` (nested CV) with
``get_params`` / ``set_params`` / ``clone``; a list of dicts whose keys differ (masked ``param_*`` columns); grid
values some of whose fits fail inside XGBoost (``colsample_bytree=1.2``) with the default ``error_score``; regression
scorers on a classifier with string labels (every fit fails); a scoring list with ``refit='r2'``; three-level
nested step parameters of a ColumnTransformer; ``verbose=True``; ``TimeSeriesSplit`` and ``GroupKFold``;
HalvingRandomSearchCV with ``n_candidates='exhaust'``; ``error_score='raise'``; fit parameters for an XGBoost
step (``eval_set``); ``return_train_score`` with a scorer dict; ``n_jobs=2`` on a grid.
"""

# ruff: noqa: F821, E501 - case, sk, tw, SVC, ... come from the exec of s27's probe head below
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_head = (HERE.parent / "s27" / "sklearn_wild7_probe.py").read_text().split("\nXi, yi = load_iris(")[0]
exec(compile(_head, "sklearn_wild7_probe.py", "exec"))  # noqa: S102 - our own harness's functions, no cases

from scipy.stats import randint, uniform  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402, F401
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import HalvingRandomSearchCV, TimeSeriesSplit, cross_val_score, cross_validate  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from xgboost import XGBClassifier, XGBRegressor  # noqa: E402

warnings.filterwarnings("ignore")

Xi, yi = load_iris(return_X_y=True)
Xw, yw = load_wine(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)
Xr, yr = load_diabetes(return_X_y=True)


def line(name, a, b):
    print(f"{name}: {'same' if a == b else f'differs: {a!r} vs {b!r}'}", flush=True)


def attempt(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001
        return f"raises {type(e).__name__}: {str(e)[:100]}"


# --- nested CV and the estimator contract -------------------------------------------------------------------------

pipe_rf = Pipeline([("scaler", MinMaxScaler()), ("model", RandomForestRegressor(random_state=0))])
grid_rf = [{"model__n_estimators": [5, 10], "model__max_depth": [3, 6], "model__n_jobs": [1]}]


def nested(build):
    search = build("grid", pipe_rf, grid_rf, cv=KFold(3, shuffle=True, random_state=0))
    scores = cross_val_score(search, Xr, yr, cv=KFold(3, shuffle=True, random_state=1))
    return np.round(scores, 10).tolist()


line("nested_cross_val_score_of_grid", attempt(lambda: nested(sk)), attempt(lambda: nested(tw)))


def nested_validate(build):
    search = build("grid", pipe_rf, grid_rf, cv=3)
    out = cross_validate(search, Xr, yr, cv=3, return_estimator=True, return_train_score=True)
    return sorted(out), [e.best_params_ for e in out["estimator"]], np.round(out["test_score"], 10).tolist()


line("nested_cross_validate_return_estimator", attempt(lambda: nested_validate(sk)),
     attempt(lambda: nested_validate(tw)))


def contract(build):
    search = build("grid", pipe_rf, grid_rf, cv=3)
    c = clone(search)
    params = c.get_params(deep=False)
    c.set_params(cv=4)
    deep = search.get_params(deep=True)
    return (sorted(k for k in deep if k.startswith("estimator__model__n_est")), c.get_params(deep=False)["cv"],
            type(params["estimator"]).__name__, hasattr(c, "best_params_"))


line("clone_get_params_set_params", attempt(lambda: contract(sk)), attempt(lambda: contract(tw)))

# --- grids ---------------------------------------------------------------------------------------------------------

Y_TEST = yi
case("list_of_dicts_different_keys", "grid", SVC(), [{"kernel": ["linear"], "C": [0.1, 1]},
                                                      {"kernel": ["rbf"], "gamma": [0.1, 1], "C": [1]}],
     Xi, yi, Xi, cv=3)
case("random_list_of_dicts_default_n_iter", "random", RandomForestClassifier(random_state=0),
     [{"n_estimators": [5, 10], "max_depth": [2, 4, 6], "min_samples_leaf": [1, 3]}], Xi, yi, Xi,
     cv=KFold(4, shuffle=True, random_state=0), random_state=0)

Y_TEST = yw
xgb_pipe = Pipeline([("scaler", MinMaxScaler()), ("model", XGBClassifier(n_estimators=10, random_state=0, n_jobs=1))])
case("xgb_invalid_colsample_some_fits_fail", "grid", xgb_pipe,
     [{"model__colsample_bytree": [0.9, 1.2], "model__learning_rate": [0.3]}], Xw, yw, Xw, cv=3)
case("xgb_invalid_colsample_random_some_fail", "random", xgb_pipe,
     [{"model__colsample_bytree": [0.6, 0.9, 1.2], "model__max_depth": [3, 4]}], Xw, yw, Xw, cv=3, n_iter=4,
     random_state=0)

Y_TEST = yr
xgb_reg = Pipeline([("scaler", MinMaxScaler()), ("pca", PCA(n_components=5)),
                    ("model", XGBRegressor(n_estimators=10, random_state=0, n_jobs=1))])
case("xgb_regressor_pca_pipeline_invalid_half", "grid", xgb_reg,
     {"model__colsample_bytree": [0.9, 1.2], "model__max_depth": [3]}, Xr, yr, Xr, cv=3)

# --- scoring ---------------------------------------------------------------------------------------------------------

Y_TEST = np.asarray([str(v) for v in yb])
ys = np.asarray([str(v) for v in yb])
case("regression_scorers_on_string_labels_all_fail", "grid", DecisionTreeClassifier(random_state=0),
     {"max_depth": [2, 4]}, Xb, ys, Xb, scoring=["r2", "neg_root_mean_squared_error"], refit="r2", cv=3)
Y_TEST = yb
case("regression_scorers_on_int_labels_refit_r2", "grid", DecisionTreeClassifier(random_state=0),
     {"max_depth": [2, 4]}, Xb, yb, Xb, scoring=["r2", "neg_root_mean_squared_error"], refit="r2", cv=3)
case("scorer_dict_return_train_score", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1]}, Xb, yb, Xb,
     scoring={"acc": "accuracy", "bal": "balanced_accuracy", "f1m": make_scorer(f1_score, average="macro")},
     refit="bal", return_train_score=True, cv=3)
case("error_score_raise_on_failing_fit", "grid", LogisticRegression(solver="liblinear"),
     {"penalty": ["l2", "elasticnet"]}, Xb, yb, Xb, error_score="raise", cv=3)

# --- pipelines ------------------------------------------------------------------------------------------------------

import pandas as pd  # noqa: E402

rng = np.random.default_rng(0)
frame = pd.DataFrame({"age": np.where(rng.random(300) < 0.2, np.nan, rng.normal(30, 10, 300)),
                      "fare": rng.gamma(2, 10, 300),
                      "sex": rng.choice(["male", "female"], 300),
                      "embarked": pd.Series(rng.choice(["S", "C", "Q"], 300)).where(rng.random(300) >= 0.05)})
ytit = ((frame["sex"] == "female") ^ (rng.random(300) < 0.2)).astype(int).to_numpy()
pre = ColumnTransformer([
    ("num", Pipeline([("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]), ["age", "fare"]),
    ("cat", Pipeline([("imputer", SimpleImputer(strategy="most_frequent")),
                      ("ohe", OneHotEncoder(handle_unknown="ignore"))]), ["sex", "embarked"]),
])
tit = Pipeline([("preprocessor", pre), ("classifier", LogisticRegression(max_iter=500))])
Y_TEST = ytit
case("three_level_step_params_column_transformer", "grid", tit,
     {"preprocessor__num__imputer__strategy": ["mean", "median"],
      "preprocessor__cat__imputer__strategy": ["most_frequent", "constant"], "classifier__C": [0.1, 1.0]},
     frame, ytit, frame, cv=5)
case("verbose_true_grid", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1.0]}, Xb, yb, Xb, cv=3,
     verbose=True)

# --- splitters ------------------------------------------------------------------------------------------------------

Y_TEST = yr
case("time_series_split_regressor", "grid", Ridge(), {"alpha": [0.1, 1.0, 10.0]}, Xr, yr, Xr,
     cv=TimeSeriesSplit(n_splits=4), scoring="neg_root_mean_squared_error")
case("time_series_split_gap_test_size", "grid", Ridge(), {"alpha": [0.1, 1.0]}, Xr, yr, Xr,
     cv=TimeSeriesSplit(n_splits=3, gap=5, test_size=50))
Y_TEST = yi
case("group_kfold_groups_random", "random", DecisionTreeClassifier(random_state=0),
     {"max_depth": randint(1, 5), "min_samples_leaf": randint(1, 6)}, Xi, yi, Xi,
     fit_kw={"groups": np.arange(len(yi)) % 5}, cv=GroupKFold(n_splits=5), n_iter=4, random_state=0)

# --- halving random / n_jobs / fit params ---------------------------------------------------------------------------


def halving_random(build_sk: bool):
    space = {"C": uniform(0.1, 10), "gamma": ["scale", 0.01, 0.1]}
    if build_sk:
        s = HalvingRandomSearchCV(SVC(), space, n_candidates="exhaust", factor=3, random_state=0, cv=3)
    else:
        s = SearchCV(SVC(), param_distributions=space, strategy="halving", n_candidates="exhaust", factor=3,
                     random_state=0, cv=3)
    s.fit(Xb, yb)
    return (s.n_iterations_, list(s.n_candidates_), list(s.n_resources_), s.min_resources_, s.max_resources_,
            sorted(k for k in s.cv_results_ if not k.endswith("_time")))


line("halving_random_exhaust_attributes", attempt(lambda: halving_random(True)), attempt(lambda: halving_random(False)))

Y_TEST = yb
case("grid_n_jobs_2_forest", "grid", RandomForestClassifier(random_state=0, n_estimators=10),
     {"max_depth": [2, 4], "min_samples_leaf": [1, 3]}, Xb, yb, Xb, cv=3, n_jobs=2)

Y_TEST = yr
xgb_plain = XGBRegressor(n_estimators=20, random_state=0, n_jobs=1)
case("xgb_fit_params_eval_set_verbose", "grid", xgb_plain, {"max_depth": [2, 3]}, Xr, yr, Xr,
     fit_kw={"eval_set": [(Xr[:50], yr[:50])], "verbose": False}, cv=3)
