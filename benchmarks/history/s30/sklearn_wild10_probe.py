"""The brief's SearchCV surfaces that no earlier probe (s26, s27, s29) called, scikit-learn's class vs SearchCV built
by the migration guide's swap (session 30). Session 27's probe machinery (``../s27/sklearn_wild7_probe.py``: fit both,
compare best_*, every cv_results_ column but times as a DataFrame (values and dtypes), fitted attributes, prediction
methods, a joblib round trip) is read from that file (its cases are not run). One line per case: same / differs
(what) / same exception.

    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s30/sklearn_wild10_probe.py

Cases: a callable ``refit`` with a scoring dict, a scoring list with ``refit='name'`` and train scores,
LeaveOneGroupOut / GroupShuffleSplit with ``groups``, ``cv=int`` and ShuffleSplit on a regressor, a fit parameter
routed to a pipeline step (``clf__sample_weight``), some fits failing with ``error_score=0`` and with ``nan``,
every fit failing, an empty grid, numpy arrays as grid values, ``refit=False`` with a scoring list, ``n_jobs=2``
RandomizedSearchCV over scipy distributions, HalvingGridSearchCV with ``resource='n_estimators'``,
``scoring='neg_log_loss'`` on an estimator without ``predict_proba``.
"""

# ruff: noqa: F821, E501 - case, sk, tw, SVC, ... come from the exec of s27's probe head below
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
_head = (HERE.parent / "s27" / "sklearn_wild7_probe.py").read_text().split("\nXi, yi = load_iris(")[0]
exec(compile(_head, "sklearn_wild7_probe.py", "exec"))  # noqa: S102 - our own harness's functions, no cases

from scipy.stats import loguniform, randint  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402
from sklearn.ensemble import GradientBoostingRegressor  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.model_selection import GroupShuffleSplit, LeaveOneGroupOut, ShuffleSplit  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

warnings.filterwarnings("ignore")

Xi, yi = load_iris(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)
Xb = StandardScaler().fit_transform(Xb)
Xr, yr = load_diabetes(return_X_y=True)


def lowest_c_within_one_std(cv_results):
    """A refit callable as scikit-learn's gallery writes them: the smallest C within one std of the best accuracy."""
    mean = np.asarray(cv_results["mean_test_acc"])
    std = np.asarray(cv_results["std_test_acc"])
    best = int(np.argmax(mean))
    ok = np.flatnonzero(mean >= mean[best] - std[best])
    cs = np.asarray([p["C"] for p in cv_results["params"]], dtype=float)
    return int(ok[np.argmin(cs[ok])])


Y_TEST = yb
case("refit_callable_with_scoring_dict", "grid", LogisticRegression(max_iter=500), {"C": [0.01, 0.1, 1, 10]},
     Xb, yb, Xb, scoring={"acc": "accuracy", "f1": "f1"}, refit=lowest_c_within_one_std, cv=4)
case("scoring_list_refit_name_train_scores", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1]},
     Xb, yb, Xb, scoring=["accuracy", "roc_auc"], refit="roc_auc", return_train_score=True, cv=3)
case("scoring_list_refit_false", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1]},
     Xb, yb, Xb, scoring=["accuracy", "precision"], refit=False, cv=3)

Y_TEST = yi
groups = np.arange(len(yi)) % 4
case("leave_one_group_out_groups", "grid", LogisticRegression(max_iter=500), {"C": [0.1, 1]},
     Xi, yi, Xi, fit_kw={"groups": groups}, cv=LeaveOneGroupOut())
case("group_shuffle_split_groups_random", "random", DecisionTreeClassifier(random_state=0),
     {"max_depth": [1, 2, 3, 4], "min_samples_leaf": [1, 5]}, Xi, yi, Xi, fit_kw={"groups": groups},
     cv=GroupShuffleSplit(n_splits=3, test_size=0.25, random_state=0), n_iter=5, random_state=0)

Y_TEST = yr
case("regressor_cv_int_default_score", "grid", Ridge(), {"alpha": [0.1, 1.0, 10.0]}, Xr, yr, Xr, cv=4)
case("regressor_shuffle_split_neg_mae", "grid", Ridge(), {"alpha": np.logspace(-2, 2, 5)}, Xr, yr, Xr,
     cv=ShuffleSplit(n_splits=3, test_size=0.3, random_state=0), scoring="neg_mean_absolute_error")
case("halving_grid_resource_n_estimators", "halving", GradientBoostingRegressor(random_state=0),
     {"max_depth": [1, 2, 3], "learning_rate": [0.05, 0.1]}, Xr, yr, Xr, resource="n_estimators",
     max_resources=30, min_resources=5, factor=2, cv=3, random_state=0)

Y_TEST = yb
weights = np.where(yb == 1, 1.0, 2.0)
pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=500))])
case("fit_param_routed_to_pipeline_step", "grid", pipe, {"clf__C": [0.1, 1.0]}, Xb, yb, Xb,
     fit_kw={"clf__sample_weight": weights}, cv=3)

# liblinear refuses penalty='elasticnet': those candidates' fits fail
failing = {"penalty": ["l2", "elasticnet"], "C": [0.1, 1.0]}
case("some_fits_fail_error_score_zero", "grid", LogisticRegression(solver="liblinear"), failing, Xb, yb, Xb,
     error_score=0, cv=3)
case("some_fits_fail_error_score_nan", "grid", LogisticRegression(solver="liblinear"), failing, Xb, yb, Xb, cv=3)
case("every_fit_fails", "grid", LogisticRegression(solver="liblinear"), {"penalty": ["elasticnet"], "C": [0.1, 1.0]},
     Xb, yb, Xb, cv=3)
case("empty_grid_one_candidate", "grid", LogisticRegression(max_iter=500), {}, Xb, yb, Xb, cv=3)
case("numpy_array_grid_values", "grid", SVC(), {"C": np.array([0.5, 1.0, 2.0]), "degree": np.arange(2, 4),
                                                 "kernel": np.array(["rbf", "poly"])}, Xb, yb, Xb, cv=3)
case("random_scipy_n_jobs_2", "random", RandomForestClassifier(random_state=0),
     {"n_estimators": randint(5, 30), "max_features": loguniform(0.1, 1.0)}, Xb, yb, Xb, n_iter=4,
     random_state=0, n_jobs=2, cv=3)
case("neg_log_loss_without_predict_proba", "grid", SVC(), {"C": [0.1, 1.0]}, Xb, yb, Xb, scoring="neg_log_loss",
     cv=3)
