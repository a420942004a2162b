"""sklearn_wild6's second probe (own data): fit params (XGBoost / LightGBM eval sets), groups with halving,
LeaveOneGroupOut and StratifiedGroupKFold, a refit callable with halving, min_resources='smallest', aggressive
elimination, multi-metric refit=False, a scoring callable, error_score='raise' with halving, verbose. Reuses
sklearn_wild6_probe.py's helpers.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s26/sklearn_wild6_probe2.py
"""

import pathlib
import sys

import numpy as np
from lightgbm import LGBMClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedGroupKFold
from sklearn.svm import SVC
from xgboost import XGBClassifier

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from sklearn_wild6_probe import CASES, Xb, Xi, run, yb, yi  # noqa: E402

Xtr, ytr, Xva, yva = Xb[:400], yb[:400], Xb[400:], yb[400:]
g2 = np.arange(400) % 5


def refit_best_any_iteration(r):  # the best row of every iteration's rows
    return int(np.argmax(r["mean_test_score"]))


CASES.clear()
CASES.update(
    {
        "xgb_eval_set": lambda C: (
            C["GridSearchCV"](XGBClassifier(n_estimators=30, random_state=0, n_jobs=1), {"max_depth": [2, 3]}, cv=3),
            Xtr,
            ytr,
            {"eval_set": [(Xva, yva)], "verbose": False},
        ),
        "xgb_eval_set_rs": lambda C: (
            C["RandomizedSearchCV"](
                XGBClassifier(n_estimators=30, random_state=0, n_jobs=1, early_stopping_rounds=5),
                {"max_depth": [2, 3, 4], "learning_rate": [0.1, 0.3]},
                n_iter=4,
                random_state=0,
                cv=3,
            ),
            Xtr,
            ytr,
            {"eval_set": [(Xva, yva)], "verbose": False},
        ),
        "lgbm_callbacks": lambda C: (
            C["GridSearchCV"](
                LGBMClassifier(n_estimators=30, random_state=0, verbose=-1), {"num_leaves": [7, 15]}, cv=3
            ),
            Xtr,
            ytr,
            {"eval_set": [(Xva, yva)]},
        ),
        "halving_groups": lambda C: (
            C["HalvingGridSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.01, 0.1, 1, 10]},
                cv=GroupKFold(n_splits=5),
                factor=2,
                random_state=0,
            ),
            Xtr,
            ytr,
            {"groups": g2},
        ),
        "halving_refit_callable": lambda C: (
            C["HalvingGridSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.01, 0.1, 1, 10]},
                factor=2,
                random_state=0,
                refit=refit_best_any_iteration,
            ),
            Xb,
            yb,
            {},
        ),
        "halving_smallest": lambda C: (
            C["HalvingRandomSearchCV"](
                SVC(),
                {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1]},
                n_candidates=8,
                factor=3,
                min_resources="smallest",
                random_state=0,
            ),
            Xb,
            yb,
            {},
        ),
        "halving_aggr_true": lambda C: (
            C["HalvingGridSearchCV"](
                SVC(),
                {"C": [0.01, 0.1, 1, 10, 100], "gamma": [0.001, 0.01, 0.1, 1]},
                factor=2,
                max_resources=80,
                aggressive_elimination=True,
                random_state=0,
            ),
            Xb,
            yb,
            {},
        ),
        "halving_estimators_rs_exhaust": lambda C: (
            C["HalvingRandomSearchCV"](
                RandomForestClassifier(random_state=0),
                {"max_depth": [2, 4, None], "min_samples_leaf": [1, 3, 5]},
                resource="n_estimators",
                max_resources=40,
                min_resources="exhaust",
                factor=2,
                random_state=0,
            ),
            Xi,
            yi,
            {},
        ),
        "logo_groups_rs": lambda C: (
            C["RandomizedSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.01, 0.1, 1, 10]},
                n_iter=3,
                random_state=1,
                cv=LeaveOneGroupOut(),
            ),
            Xtr,
            ytr,
            {"groups": g2},
        ),
        "sgkf_groups": lambda C: (
            C["GridSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.1, 1]},
                cv=StratifiedGroupKFold(n_splits=3),
                scoring=["accuracy", "roc_auc"],
                refit="roc_auc",
            ),
            Xtr,
            ytr,
            {"groups": g2},
        ),
        "multi_refit_false_rs": lambda C: (
            C["RandomizedSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.01, 0.1, 1, 10]},
                n_iter=3,
                random_state=1,
                scoring={"a": "accuracy", "b": "balanced_accuracy"},
                refit=False,
                return_train_score=True,
            ),
            Xb,
            yb,
            {},
        ),
        "scorer_callable": lambda C: (
            C["GridSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.1, 1]},
                scoring=lambda est, X, y: float(est.score(X, y)) - 0.5,
            ),
            Xb,
            yb,
            {},
        ),
        "error_raise_halving": lambda C: (
            C["HalvingGridSearchCV"](
                LogisticRegression(max_iter=500), {"C": [-1, 1]}, error_score="raise", random_state=0
            ),
            Xb,
            yb,
            {},
        ),
        "verbose3_multi": lambda C: (
            C["GridSearchCV"](
                LogisticRegression(max_iter=2000),
                {"C": [0.1, 1]},
                cv=2,
                verbose=3,
                scoring=["accuracy", "f1"],
                refit="f1",
            ),
            Xb,
            yb,
            {},
        ),
        "verbose2_halving": lambda C: (
            C["HalvingGridSearchCV"](
                LogisticRegression(max_iter=2000), {"C": [0.1, 1, 10]}, cv=2, verbose=1, random_state=0
            ),
            Xb,
            yb,
            {},
        ),
    }
)
sk, tw = run("sk", list(CASES)), run("tw", list(CASES))
for n in sk:
    a, b = sk[n], tw[n]
    diffs = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k) and k != "clone"]
    print("==", n, "SAME" if not diffs else "DIFF")
    for k in diffs:
        print("   ", k, "\n      sk:", str(a.get(k))[:400], "\n      tw:", str(b.get(k))[:400])
