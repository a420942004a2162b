"""Issue 18, fourth probe of real model-tuning problems (session 23), written and committed before
any run of it.

Probes 1-3 (``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``) have been run and read, so
they are dev data now. This set, which nobody has seen, judges a change chosen on them and on the
dev bbob split. Same protocol and report as probe 1 (deterministic 3-fold CV losses, regret to the
best loss any run reached, floor 1e-3, seeds 0-9, budgets 30 / 60). Seven other models or settings,
on scikit-learn generators with other settings (no data set of the split or of probes 1-3); three
score accuracy (a loss with few distinct values) and four are tree ensembles or trees, so
different configurations often give the same loss:

  et-sparse         ExtraTreesRegressor on make_sparse_uncorrelated (300 rows, 8 features):
                    n_estimators 10-80 (log int), max_depth 2-16, min_samples_split 2-20 (log
                    int), max_features 0.2-1; MSE of the standardized target
  ada-quantiles     AdaBoostClassifier of decision trees (max_depth 1-5) on make_gaussian_quantiles
                    (400 rows, 4 features, 2 classes): n_estimators 10-150 (log int),
                    learning_rate (log); log-loss
  svc-blobs-acc     SVC on make_blobs (400 rows, 5 features, 3 centres, spread 2.5): C (log),
                    gamma (log); 1 - accuracy
  lgbm-regression   LightGBM (60 rounds) on make_regression (300 rows, 15 features, 5 informative,
                    noise 15): num_leaves 2-64 (log int), min_child_samples 1-60 (log int),
                    learning_rate (log), max_bin 8-255 (log int), reg_alpha (log); MSE of the
                    standardized target
  spline-ridge      SplineTransformer (n_knots 3-15, degree 1-4) + Ridge (alpha log) on a noisy
                    two-feature sine surface (numpy, seeded); MSE of the standardized target
  dtc-classif-acc   DecisionTreeClassifier on make_classification (600 rows, 10 features, 2
                    classes): criterion in {gini, entropy, log_loss}, max_depth 1-25,
                    min_samples_leaf 1-40 (log int), max_features 0.2-1; 1 - accuracy
  logreg-enet       LogisticRegression (saga, elastic net) on make_classification (400 rows, 20
                    features, 5 informative, standardized): C (log), l1_ratio 0-1; log-loss

Methods: tw-default, optuna-tpe, optuna-gp, and the candidate ``tw-default@tie=W,K,F`` (see
``probe_ties.py``: chosen on dev before this probe runs; its string is in every row). Each method
is run once; nothing here is tuned on.

    nice -n 10 .venv/bin/python benchmarks/history/s23/probe_real_hpo4.py --seeds 10 -j 2 \\
        --methods tw-default "tw-default@tie=W,K,F" optuna-tpe optuna-gp \\
        --out benchmarks/history/s23/probe_real_hpo4.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s23/probe_real_hpo4.jsonl
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
sys.path.insert(0, HERE)
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo import _cv  # noqa: E402
from probe_ties import make_study  # noqa: E402


def _data4(name: str) -> Any:
    import numpy as np
    from sklearn import datasets

    if name not in base._DATA:
        if name == "sparse":
            X, y = datasets.make_sparse_uncorrelated(n_samples=300, n_features=8, random_state=41)
            y = (y - y.mean()) / y.std()
        elif name == "quantiles":
            X, y = datasets.make_gaussian_quantiles(n_samples=400, n_features=4, n_classes=2, random_state=42)
        elif name == "blobs":
            X, y = datasets.make_blobs(n_samples=400, n_features=5, centers=3, cluster_std=2.5, random_state=43)
        elif name == "regression15":
            X, y = datasets.make_regression(n_samples=300, n_features=15, n_informative=5, noise=15.0,
                                            random_state=44)
            y = (y - y.mean()) / y.std()
        elif name == "sine2":
            rng = np.random.default_rng(45)
            X = rng.uniform(-3, 3, size=(300, 2))
            y = np.sin(X[:, 0]) * np.cos(0.7 * X[:, 1]) + 0.3 * X[:, 0] + rng.normal(0, 0.3, 300)
            y = (y - y.mean()) / y.std()
        elif name == "classif10":
            X, y = datasets.make_classification(n_samples=600, n_features=10, n_informative=5, n_redundant=2,
                                                flip_y=0.05, random_state=46)
        elif name == "classif20":
            X, y = datasets.make_classification(n_samples=400, n_features=20, n_informative=5, n_redundant=5,
                                                flip_y=0.03, random_state=47)
            X = (X - X.mean(0)) / X.std(0)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[name] = (np.asarray(X, dtype=float), y)
    return base._DATA[name]


def et_sparse(t: Any) -> float:
    from sklearn.ensemble import ExtraTreesRegressor

    _data4("sparse")
    m = ExtraTreesRegressor(n_estimators=t.suggest_int("n_estimators", 10, 80, log=True),
                            max_depth=t.suggest_int("max_depth", 2, 16),
                            min_samples_split=t.suggest_int("min_samples_split", 2, 20, log=True),
                            max_features=t.suggest_float("max_features", 0.2, 1.0), random_state=0, n_jobs=1)
    return _cv(m, "sparse", "neg_mean_squared_error", False)


def ada_quantiles(t: Any) -> float:
    from sklearn.ensemble import AdaBoostClassifier
    from sklearn.tree import DecisionTreeClassifier

    _data4("quantiles")
    m = AdaBoostClassifier(DecisionTreeClassifier(max_depth=t.suggest_int("max_depth", 1, 5), random_state=0),
                           n_estimators=t.suggest_int("n_estimators", 10, 150, log=True),
                           learning_rate=t.suggest_float("learning_rate", 1e-2, 2.0, log=True), random_state=0)
    return _cv(m, "quantiles", "neg_log_loss", True)


def svc_blobs_acc(t: Any) -> float:
    from sklearn.svm import SVC

    _data4("blobs")
    m = SVC(C=t.suggest_float("C", 1e-2, 1e3, log=True), gamma=t.suggest_float("gamma", 1e-4, 1e1, log=True))
    return _cv(m, "blobs", "accuracy", True)


def lgbm_regression(t: Any) -> float:
    import lightgbm

    _data4("regression15")
    m = lightgbm.LGBMRegressor(n_estimators=60, num_leaves=t.suggest_int("num_leaves", 2, 64, log=True),
                               min_child_samples=t.suggest_int("min_child_samples", 1, 60, log=True),
                               learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                               max_bin=t.suggest_int("max_bin", 8, 255, log=True),
                               reg_alpha=t.suggest_float("reg_alpha", 1e-4, 10.0, log=True),
                               random_state=0, n_jobs=1, verbose=-1)
    return _cv(m, "regression15", "neg_mean_squared_error", False)


def spline_ridge(t: Any) -> float:
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import SplineTransformer

    _data4("sine2")
    m = make_pipeline(SplineTransformer(n_knots=t.suggest_int("n_knots", 3, 15), degree=t.suggest_int("degree", 1, 4)),
                      Ridge(alpha=t.suggest_float("alpha", 1e-6, 1e2, log=True)))
    return _cv(m, "sine2", "neg_mean_squared_error", False)


def dtc_classif_acc(t: Any) -> float:
    from sklearn.tree import DecisionTreeClassifier

    _data4("classif10")
    m = DecisionTreeClassifier(criterion=t.suggest_categorical("criterion", ["gini", "entropy", "log_loss"]),
                               max_depth=t.suggest_int("max_depth", 1, 25),
                               min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 40, log=True),
                               max_features=t.suggest_float("max_features", 0.2, 1.0), random_state=0)
    return _cv(m, "classif10", "accuracy", True)


def logreg_enet(t: Any) -> float:
    from sklearn.linear_model import LogisticRegression

    _data4("classif20")
    m = LogisticRegression(C=t.suggest_float("C", 1e-4, 1e2, log=True), l1_ratio=t.suggest_float("l1_ratio", 0.0, 1.0),
                           solver="saga", max_iter=300, tol=1e-3)
    return _cv(m, "classif20", "neg_log_loss", True)


PROBLEMS = {"et-sparse": et_sparse, "ada-quantiles": ada_quantiles, "svc-blobs-acc": svc_blobs_acc,
            "lgbm-regression": lgbm_regression, "spline-ridge": spline_ridge, "dtc-classif-acc": dtc_classif_acc,
            "logreg-enet": logreg_enet}


def main() -> None:
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe", "optuna-gp", "tw-random")
    base.make_study = make_study
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
