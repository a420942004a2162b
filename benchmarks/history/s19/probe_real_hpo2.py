"""Issue 18, second probe of real model-tuning problems (session 19), written and committed before
any run of it, after ``probe_real_hpo.py`` (the first probe) had been run and read.

The first probe showed two failure modes of the default sampler's GP on real problems (see
``README.md``); session 19 tried changes against them on the dev split. This second set, which
nobody has seen, checks those changes: five other models on other scikit-learn generators, same
protocol and report as the first probe (``probe_real_hpo.py``: deterministic 3-fold CV losses,
regret to the best loss any run reached, floor 1e-3, seeds 0-9, budgets 30 / 60):

  lgbm-classif      LightGBM (50 rounds) on make_classification (600 rows, 15 features, 3 classes):
                    num_leaves 4-128 (log int), learning_rate (log), min_child_samples 2-100 (log
                    int), feature_fraction, lambda_l2 (log); log-loss
  nusvr-friedman2   NuSVR on make_friedman2: nu, C (log), gamma (log); MSE of the standardized target
  sgd-classif       SGDClassifier on make_classification (binary): loss in {hinge, log_loss,
                    modified_huber}, penalty in {l2, l1, elasticnet}, alpha (log), l1_ratio only
                    under elasticnet (conditional), 1 - ROC AUC
  rf-friedman1      RandomForestRegressor (n_jobs 1) on make_friedman1: n_estimators 10-100 (log
                    int), max_depth 2-20, min_samples_leaf 1-20 (log int), max_features; MSE
  logreg-poly-moons PolynomialFeatures(degree 1-6) + StandardScaler + LogisticRegression(C log) on
                    make_moons (noise 0.25); log-loss

Methods: tw-default, and ``tw-default+s19`` (the session's candidate change set as dev switches,
see ``--variant``), optuna-tpe, optuna-gp, tw-random.

    nice -n 10 .venv/bin/python benchmarks/history/s19/probe_real_hpo2.py --seeds 10 -j 2 \\
        --out benchmarks/history/s19/probe_real_hpo2.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s19/probe_real_hpo2.jsonl
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo import _cv  # noqa: E402


def _data2(name: str) -> Any:
    import numpy as np
    from sklearn import datasets

    if name not in base._DATA:
        if name == "classif3":
            X, y = datasets.make_classification(n_samples=600, n_features=15, n_informative=8, n_redundant=2,
                                                n_classes=3, flip_y=0.03, random_state=21)
        elif name == "classif2":
            X, y = datasets.make_classification(n_samples=500, n_features=30, n_informative=10, n_redundant=5,
                                                flip_y=0.05, class_sep=0.7, random_state=22)
            X = (X - X.mean(0)) / X.std(0)
        elif name == "friedman2b":
            X, y = datasets.make_friedman2(n_samples=300, noise=100.0, random_state=23)
            X = (X - X.mean(0)) / X.std(0)
            y = (y - y.mean()) / y.std()
        elif name == "friedman1b":
            X, y = datasets.make_friedman1(n_samples=300, n_features=8, noise=2.0, random_state=24)
            y = (y - y.mean()) / y.std()
        elif name == "moons2":
            X, y = datasets.make_moons(n_samples=300, noise=0.25, random_state=25)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[name] = (np.asarray(X, dtype=float), y)
    return base._DATA[name]


def lgbm_classif(t: Any) -> float:
    from lightgbm import LGBMClassifier

    _data2("classif3")
    m = LGBMClassifier(n_estimators=50, num_leaves=t.suggest_int("num_leaves", 4, 128, log=True),
                       learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                       min_child_samples=t.suggest_int("min_child_samples", 2, 100, log=True),
                       colsample_bytree=t.suggest_float("feature_fraction", 0.3, 1.0),
                       reg_lambda=t.suggest_float("lambda_l2", 1e-4, 10.0, log=True),
                       n_jobs=1, random_state=0, verbose=-1)
    return _cv(m, "classif3", "neg_log_loss", True)


def nusvr_friedman2(t: Any) -> float:
    from sklearn.svm import NuSVR

    _data2("friedman2b")
    m = NuSVR(nu=t.suggest_float("nu", 0.05, 1.0), C=t.suggest_float("C", 1e-2, 1e3, log=True),
              gamma=t.suggest_float("gamma", 1e-4, 1e1, log=True))
    return _cv(m, "friedman2b", "neg_mean_squared_error", False)


def sgd_classif(t: Any) -> float:
    from sklearn.linear_model import SGDClassifier

    _data2("classif2")
    penalty = t.suggest_categorical("penalty", ["l2", "l1", "elasticnet"])
    kw = {"l1_ratio": t.suggest_float("l1_ratio", 0.0, 1.0)} if penalty == "elasticnet" else {}
    m = SGDClassifier(loss=t.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]), penalty=penalty,
                      alpha=t.suggest_float("alpha", 1e-7, 1e-1, log=True), max_iter=200, tol=1e-4,
                      random_state=0, **kw)
    return _cv(m, "classif2", "roc_auc", True)


def rf_friedman1(t: Any) -> float:
    from sklearn.ensemble import RandomForestRegressor

    _data2("friedman1b")
    m = RandomForestRegressor(n_estimators=t.suggest_int("n_estimators", 10, 100, log=True),
                              max_depth=t.suggest_int("max_depth", 2, 20),
                              min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 20, log=True),
                              max_features=t.suggest_float("max_features", 0.1, 1.0), random_state=0, n_jobs=1)
    return _cv(m, "friedman1b", "neg_mean_squared_error", False)


def logreg_poly_moons(t: Any) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    _data2("moons2")
    m = make_pipeline(PolynomialFeatures(t.suggest_int("degree", 1, 6)), StandardScaler(),
                      LogisticRegression(C=t.suggest_float("C", 1e-4, 1e4, log=True), max_iter=2000))
    return _cv(m, "moons2", "neg_log_loss", True)


PROBLEMS = {"lgbm-classif": lgbm_classif, "nusvr-friedman2": nusvr_friedman2, "sgd-classif": sgd_classif,
            "rf-friedman1": rf_friedman1, "logreg-poly-moons": logreg_poly_moons}

# The candidate change set of session 19, as dev switches of the default sampler's GP.
VARIANT = {"_plugin_incumbent": True, "_flat_log_ei": -20.0}


def with_variant(make: Any) -> Any:
    """``make_study`` that also knows ``tw-default+s19``: the default sampler with ``VARIANT`` set."""

    def make_study(method: str, seed: int) -> Any:
        if method != "tw-default+s19":
            return make(method, seed)
        import tunewise as tw

        tw.logging.set_verbosity(tw.logging.ERROR)
        sampler = tw.samplers.AutoSampler(seed=seed)
        gp = sampler._gp_sampler()
        for k, v in VARIANT.items():
            setattr(gp, k, v)
        return tw.create_study(sampler=sampler)

    return make_study


def main() -> None:
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "tw-default+s19", "optuna-tpe", "optuna-gp", "tw-random")
    base.make_study = with_variant(base.make_study)
    if "--methods" not in sys.argv:
        sys.argv += ["--methods", *base.METHODS]
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
