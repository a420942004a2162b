"""Issue 18, fifth probe of real model-tuning problems (session 24), written and committed before
any run of it and before any experiment of the change it judges.

HELD OUT. This probe is the judge of the next issue-18 change to the default sampler (the one
chosen after probe 4 was read). It must not be run, in whole or in part, before that change is
chosen on dev data (probes 1-4, ``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``, and the dev bbob split of ``benchmarks/sample_efficiency.py``); then
it is run once, every method on every cell, and nothing is tuned on it.

Same protocol and report as probe 1 (deterministic 3-fold CV losses, regret to the best loss any
run reached, floor 1e-3, seeds 0-9, budgets 30 / 60). Seven models or settings nobody has run, on
data from scikit-learn generators and numpy with settings not used by probes 1-4 or by the
sample_efficiency split (seeds 51-57; the swiss roll, S curve, low-rank regression and spirals
were never used). Four spaces are integer-heavy trees / boosting (the kind where the default lost
to optuna's GP on probe 4), two are continuous, and three score accuracy (a loss with few
distinct values):

  gbr-swissroll     GradientBoostingRegressor on make_swiss_roll (400 rows, noise 0.5; target: the
                    roll position t, standardized): n_estimators 10-200 (log int), max_depth 1-8,
                    min_samples_leaf 1-40 (log int), learning_rate 1e-3-1 (log), subsample 0.4-1;
                    MSE
  rfc-multiclass-acc RandomForestClassifier on make_classification (500 rows, 8 features, 5
                    informative, 4 classes, flip_y 0.05): n_estimators 5-80 (log int), max_depth
                    1-20, min_samples_leaf 1-30 (log int), max_features 0.1-1, criterion in {gini,
                    entropy}; 1 - accuracy
  xgb-scurve        XGBoost regressor (80 rounds) on make_s_curve (400 rows, noise 0.3; target t,
                    standardized): max_depth 1-10, min_child_weight 1e-2-20 (log), learning_rate
                    1e-3-1 (log), subsample 0.4-1, colsample_bytree 0.3-1; MSE
  lgbm-binary-acc   LightGBM classifier on make_classification (800 rows, 25 features, 8
                    informative, flip_y 0.08, class_sep 0.8): n_estimators 10-200 (log int),
                    num_leaves 2-128 (log int), max_depth 1-12, min_child_samples 2-80 (log int),
                    learning_rate 1e-3-1 (log); 1 - accuracy
  nystroem-spirals  Nystroem (RBF, 100 components) + LogisticRegression on two interleaved spirals
                    (numpy, seeded, 400 rows, noise 0.35): gamma 1e-3-1e2 (log), C 1e-3-1e3 (log);
                    log-loss
  svr-lowrank       SVR on make_regression (300 rows, 30 features, effective_rank 5, tail_strength
                    0.3, noise 5; standardized): C, gamma, epsilon (all log); MSE
  svc-poly-acc      SVC (polynomial kernel) on make_classification (300 rows, 6 features, 4
                    informative, 2 classes, class_sep 0.6; standardized): degree 1-5, C 1e-3-1e3
                    (log), gamma 1e-3-1 (log), coef0 0-2; 1 - accuracy

Methods: tw-default, optuna-tpe, optuna-gp, and the chosen candidate as ``tw-default+KEY=VAL``
(an attribute of the default's GP, see ``../s22/probe_real_hpo3.py``; run it from a checkout whose
src has the attribute: the runner puts this checkout's src first on sys.path). Each method is run
once.

    nice -n 10 .venv/bin/python benchmarks/history/s24/probe_real_hpo5.py --seeds 10 -j 2 \\
        --methods tw-default optuna-tpe optuna-gp "tw-default+KEY=VAL" \\
        --out benchmarks/history/sNN/probe_real_hpo5.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/sNN/probe_real_hpo5.jsonl
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
sys.path.insert(0, os.path.join(HERE, "..", "s22"))
sys.path.insert(0, os.path.join(HERE, "..", "s23"))
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo import _cv  # noqa: E402
from probe_real_hpo3 import with_variants  # noqa: E402


def _std(y: Any) -> Any:
    return (y - y.mean()) / y.std()


def _data5(name: str) -> Any:
    import numpy as np
    from sklearn import datasets

    if name not in base._DATA:
        if name == "swissroll":
            X, t = datasets.make_swiss_roll(n_samples=400, noise=0.5, random_state=51)
            y = _std(t)
        elif name == "classif4":
            X, y = datasets.make_classification(n_samples=500, n_features=8, n_informative=5, n_redundant=1,
                                                n_classes=4, flip_y=0.05, random_state=52)
        elif name == "scurve":
            X, t = datasets.make_s_curve(n_samples=400, noise=0.3, random_state=53)
            y = _std(t)
        elif name == "classif25":
            X, y = datasets.make_classification(n_samples=800, n_features=25, n_informative=8, n_redundant=4,
                                                flip_y=0.08, class_sep=0.8, random_state=54)
        elif name == "spirals":
            rng = np.random.default_rng(55)
            n = 200
            r = np.sqrt(rng.uniform(0.05, 1.0, n)) * 3.0 * np.pi
            arm = np.c_[r * np.cos(r), r * np.sin(r)] / (3.0 * np.pi)
            X = np.r_[arm, -arm] + rng.normal(0, 0.35 / 3.0, size=(2 * n, 2))
            y = np.r_[np.zeros(n, dtype=int), np.ones(n, dtype=int)]
        elif name == "lowrank":
            X, y = datasets.make_regression(n_samples=300, n_features=30, n_informative=10, effective_rank=5,
                                            tail_strength=0.3, noise=5.0, random_state=56)
            X = _std(X)
            y = _std(y)
        elif name == "classif6":
            X, y = datasets.make_classification(n_samples=300, n_features=6, n_informative=4, n_redundant=1,
                                                class_sep=0.6, flip_y=0.02, random_state=57)
            X = (X - X.mean(0)) / X.std(0)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[name] = (np.asarray(X, dtype=float), y)
    return base._DATA[name]


def gbr_swissroll(t: Any) -> float:
    from sklearn.ensemble import GradientBoostingRegressor

    _data5("swissroll")
    m = GradientBoostingRegressor(n_estimators=t.suggest_int("n_estimators", 10, 200, log=True),
                                  max_depth=t.suggest_int("max_depth", 1, 8),
                                  min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 40, log=True),
                                  learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                                  subsample=t.suggest_float("subsample", 0.4, 1.0), random_state=0)
    return _cv(m, "swissroll", "neg_mean_squared_error", False)


def rfc_multiclass_acc(t: Any) -> float:
    from sklearn.ensemble import RandomForestClassifier

    _data5("classif4")
    m = RandomForestClassifier(n_estimators=t.suggest_int("n_estimators", 5, 80, log=True),
                               max_depth=t.suggest_int("max_depth", 1, 20),
                               min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 30, log=True),
                               max_features=t.suggest_float("max_features", 0.1, 1.0),
                               criterion=t.suggest_categorical("criterion", ["gini", "entropy"]),
                               random_state=0, n_jobs=1)
    return _cv(m, "classif4", "accuracy", True)


def xgb_scurve(t: Any) -> float:
    import xgboost

    _data5("scurve")
    m = xgboost.XGBRegressor(n_estimators=80, max_depth=t.suggest_int("max_depth", 1, 10),
                             min_child_weight=t.suggest_float("min_child_weight", 1e-2, 20.0, log=True),
                             learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                             subsample=t.suggest_float("subsample", 0.4, 1.0),
                             colsample_bytree=t.suggest_float("colsample_bytree", 0.3, 1.0),
                             random_state=0, n_jobs=1, verbosity=0)
    return _cv(m, "scurve", "neg_mean_squared_error", False)


def lgbm_binary_acc(t: Any) -> float:
    import lightgbm

    _data5("classif25")
    m = lightgbm.LGBMClassifier(n_estimators=t.suggest_int("n_estimators", 10, 200, log=True),
                                num_leaves=t.suggest_int("num_leaves", 2, 128, log=True),
                                max_depth=t.suggest_int("max_depth", 1, 12),
                                min_child_samples=t.suggest_int("min_child_samples", 2, 80, log=True),
                                learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                                random_state=0, n_jobs=1, verbose=-1)
    return _cv(m, "classif25", "accuracy", True)


def nystroem_spirals(t: Any) -> float:
    from sklearn.kernel_approximation import Nystroem
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    _data5("spirals")
    m = make_pipeline(Nystroem(gamma=t.suggest_float("gamma", 1e-3, 1e2, log=True), n_components=100,
                               random_state=0),
                      LogisticRegression(C=t.suggest_float("C", 1e-3, 1e3, log=True), max_iter=500))
    return _cv(m, "spirals", "neg_log_loss", True)


def svr_lowrank(t: Any) -> float:
    from sklearn.svm import SVR

    _data5("lowrank")
    m = SVR(C=t.suggest_float("C", 1e-2, 1e3, log=True), gamma=t.suggest_float("gamma", 1e-4, 1.0, log=True),
            epsilon=t.suggest_float("epsilon", 1e-3, 1.0, log=True))
    return _cv(m, "lowrank", "neg_mean_squared_error", False)


def svc_poly_acc(t: Any) -> float:
    from sklearn.svm import SVC

    _data5("classif6")
    m = SVC(kernel="poly", degree=t.suggest_int("degree", 1, 5), C=t.suggest_float("C", 1e-3, 1e3, log=True),
            gamma=t.suggest_float("gamma", 1e-3, 1.0, log=True), coef0=t.suggest_float("coef0", 0.0, 2.0),
            max_iter=200_000)
    return _cv(m, "classif6", "accuracy", True)


PROBLEMS = {"gbr-swissroll": gbr_swissroll, "rfc-multiclass-acc": rfc_multiclass_acc, "xgb-scurve": xgb_scurve,
            "lgbm-binary-acc": lgbm_binary_acc, "nystroem-spirals": nystroem_spirals, "svr-lowrank": svr_lowrank,
            "svc-poly-acc": svc_poly_acc}


def main() -> None:
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe", "optuna-gp")
    base.make_study = with_variants(base.make_study)
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
