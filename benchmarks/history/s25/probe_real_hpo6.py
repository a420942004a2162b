"""Issue 18, sixth probe of real model-tuning problems (session 25), written and committed before
any run of it and before any experiment of the change it judges.

HELD OUT. This probe is the judge of the next issue-18 change to the default sampler (the one
chosen after probe 5 was read). It must not be run, in whole or in part, before that change is
chosen on dev data (probes 1-5, ``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``, ``../s24/probe_real_hpo5.py``, and the dev bbob split of
``benchmarks/sample_efficiency.py``); then it is run once, every method on every cell, and nothing
is tuned on it. Before commit, only ``--check`` was run: each objective evaluated once at the fixed
parameter set below (no sampler, no study, no search).

Same protocol and report as probe 1 (deterministic 3-fold CV losses, KFold / StratifiedKFold with
shuffle and random_state 0; regret to the best loss any run reached, floor 1e-3, seeds 0-9, budgets
30 / 60). Eight models or settings nobody has run, on data from scikit-learn generators and seeded
numpy with settings not used by probes 1-5 or by the sample_efficiency split (seeds 61-68; the
interaction / piecewise / smooth surfaces, heavy-tailed linear data and badly scaled features are
new). Four spaces are boosting / forests with fraction parameters in linear ranges ending at 1.0,
as users write them (subsample, colsample_bytree, bagging_fraction, feature_fraction, max_features,
max_samples), with integer parameters (depth, leaves, estimators as log int); a bagging ensemble has
two more fractions; two are continuous (a GP regressor's kernel, an SGD linear model, log ranges);
two score accuracy or balanced accuracy (a loss with few distinct values); one is a conditional,
categorical-heavy pipeline:

  xgb-interact      XGBoost regressor on an interaction surface (numpy, seeded: 600 rows, 10
                    features of which 5 matter: a product, a step, a sine, a square; noise 0.4;
                    standardized): n_estimators 20-250 (log int), max_depth 2-10, learning_rate
                    5e-3-0.5 (log), min_child_weight 0.5-30 (log), subsample 0.5-1, colsample_bytree
                    0.3-1, reg_lambda 1e-3-10 (log); MSE
  lgbm-bagging-imbal LightGBM classifier on make_classification (700 rows, 20 features, 7
                    informative, 3 clusters per class, classes 75/25, flip_y 0.04): n_estimators
                    20-300 (log int), num_leaves 4-256 (log int), learning_rate 5e-3-0.5 (log),
                    min_child_samples 5-100 (log int), bagging_fraction 0.4-1 (bagging every
                    iteration), feature_fraction 0.3-1; log-loss
  et-multiclass-acc ExtraTreesClassifier (bootstrap) on make_classification (600 rows, 16 features, 6
                    informative, 2 repeated, 5 classes, flip_y 0.06): n_estimators 10-150 (log int),
                    max_depth 2-30, min_samples_leaf 1-20 (log int), max_features 0.1-1, max_samples
                    0.3-1; 1 - accuracy
  hgbr-piecewise    HistGradientBoostingRegressor (no early stopping) on a piecewise surface (numpy,
                    seeded: 400 rows, 8 features; |x0|, x1 * x2, a staircase in x3, noise 0.3;
                    standardized): max_iter 10-150 (log int), learning_rate 1e-2-0.5 (log),
                    max_leaf_nodes 4-64 (log int), min_samples_leaf 2-60 (log int), max_features
                    0.2-1, l2_regularization 1e-4-10 (log); MSE
  bagknn-bacc       BaggingClassifier of KNeighborsClassifier on make_classification (500 rows, 12
                    features, 4 informative, 3 classes 60/30/10): n_estimators 5-60 (log int),
                    max_samples 0.2-1, max_features 0.2-1, n_neighbors 1-50 (log int), weights in
                    {uniform, distance}; 1 - balanced accuracy
  gpr-rq            GaussianProcessRegressor with a fixed ConstantKernel * RationalQuadratic kernel
                    (optimizer off) on a smooth surface (numpy, seeded: 400 rows, 3 features in
                    [0, 1], noise 0.15; standardized): amplitude 0.1-10, length_scale 1e-2-10,
                    rq_alpha 1e-2-100, noise alpha 1e-4-10 (all log); MSE
  sgd-huber         SGDRegressor (huber loss, elastic net, invscaling) on heavy-tailed linear data
                    (numpy, seeded: 500 rows, 15 features, 5 non-zero weights, Student t noise with
                    2 degrees of freedom): alpha 1e-7-1 (log), l1_ratio 0-1, epsilon 1e-2-10 (log),
                    eta0 1e-4-1e-1 (log), power_t 0.1-0.6; mean absolute error
  pipe-cond         Pipeline on make_classification (500 rows, 24 features, 5 informative, binary,
                    class_sep 0.8; columns rescaled by 10^U(-2, 3), 4 made heavy-tailed): scaler in
                    {none, standard, robust, quantile}, reducer in {none, pca, kbest} with pca_n /
                    kbest_k 2-20 under each (conditional), model in {logreg, knn, nb} with logreg
                    C (log) and class_weight in {none, balanced}, knn n_neighbors 1-80 (log int)
                    and weights, nb var_smoothing (log) under each (conditional); 1 - ROC AUC

Data cache: every data set is named ``p6-...`` and cached in ``../s19/probe_real_hpo.py``'s
``_DATA`` under the key ``"probe6:p6-..."``, loaded by this module's own ``_cv6`` (never by name
through probe 1's ``_data``). So no data name can collide with probes 1-5 (session 25: probes 1 and 3
both called different data "friedman3", and a pool worker that ran one gave the other its data),
even when their PROBLEMS dicts are merged in one process as ``../s24/probes_jobs.py`` does; the
problem names differ from all of probes 1-5 too.

Methods: tw-default, optuna-tpe, optuna-gp, and the chosen candidate as ``tw-default+KEY=VAL``
(an attribute of the default's GP, see ``../s22/probe_real_hpo3.py``; run it from a checkout whose
src has the attribute: the runner puts this checkout's src first on sys.path). Each method is run
once, whole.

    nice -n 10 .venv/bin/python benchmarks/history/s25/probe_real_hpo6.py --seeds 10 -j 2 \\
        --methods tw-default optuna-tpe optuna-gp "tw-default+KEY=VAL" \\
        --out benchmarks/history/sNN/probe_real_hpo6.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/sNN/probe_real_hpo6.jsonl
    .venv/bin/python benchmarks/history/s25/probe5_paired.py benchmarks/history/sNN/probe_real_hpo6.jsonl

(the second report: the paired ratio of each method's regret to tw-default's, per problem and
overall, 95% bootstrap over seeds; it works on any probe's rows). Cost check only, no search:

    .venv/bin/python benchmarks/history/s25/probe_real_hpo6.py --check

Its output before commit (session 25, both cores busy with the test suite; each figure is the first
call, so it includes importing the model's library): one evaluation 0.41 s xgb-interact, 0.20
lgbm-bagging-imbal, 0.56 et-multiclass-acc, 0.21 hgbr-piecewise, 0.17 bagknn-bacc, 0.03 gpr-rq, 0.03
sgd-huber, 0.30 pipe-cond (its first branch: no scaler, no reducer, logreg); every loss finite.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
sys.path.insert(0, os.path.join(HERE, "..", "s22"))
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo3 import with_variants  # noqa: E402

PROBE = "probe6"


def _std(y: Any) -> Any:
    return (y - y.mean()) / y.std()


def _data6(name: str) -> Any:
    """Data set ``name`` (always ``p6-...``), cached under a key that names this probe."""
    import numpy as np
    from sklearn import datasets

    if not name.startswith("p6-"):  # pragma: no cover
        raise ValueError(f"probe 6 data names start with 'p6-': {name!r}")
    key = f"{PROBE}:{name}"
    if key not in base._DATA:
        if name == "p6-interact":
            rng = np.random.default_rng(61)
            X = rng.uniform(-1.0, 1.0, size=(600, 10))
            y = (2.0 * X[:, 0] * X[:, 1] + 1.5 * (X[:, 2] > 0.3) + np.sin(3.0 * X[:, 3]) + 0.5 * X[:, 4] ** 2
                 + rng.normal(0, 0.4, 600))
            y = _std(y)
        elif name == "p6-imbal":
            X, y = datasets.make_classification(n_samples=700, n_features=20, n_informative=7, n_redundant=3,
                                                n_clusters_per_class=3, weights=[0.75], flip_y=0.04, class_sep=0.9,
                                                random_state=62)
        elif name == "p6-classif5":
            X, y = datasets.make_classification(n_samples=600, n_features=16, n_informative=6, n_redundant=2,
                                                n_repeated=2, n_classes=5, n_clusters_per_class=1, flip_y=0.06,
                                                class_sep=1.1, random_state=63)
        elif name == "p6-piecewise":
            rng = np.random.default_rng(64)
            X = rng.normal(0.0, 1.0, size=(400, 8))
            y = np.abs(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * np.floor(1.5 * X[:, 3]) + rng.normal(0, 0.3, 400)
            y = _std(y)
        elif name == "p6-imbal3":
            X, y = datasets.make_classification(n_samples=500, n_features=12, n_informative=4, n_redundant=2,
                                                n_classes=3, n_clusters_per_class=1, weights=[0.6, 0.3],
                                                flip_y=0.03, class_sep=1.0, random_state=65)
            X = _std(X)
        elif name == "p6-smooth3":
            rng = np.random.default_rng(66)
            X = rng.uniform(0.0, 1.0, size=(400, 3))
            y = (np.sin(2.0 * np.pi * X[:, 0]) * np.exp(-X[:, 1]) + 0.5 * np.cos(3.0 * X[:, 2])
                 + rng.normal(0, 0.15, 400))
            y = _std(y)
        elif name == "p6-heavytail":
            rng = np.random.default_rng(67)
            X = rng.normal(0.0, 1.0, size=(500, 15))
            w = np.zeros(15)
            w[:5] = rng.uniform(0.5, 2.0, 5) * rng.choice([-1.0, 1.0], 5)
            clean = X @ w
            y = (clean + rng.standard_t(2.0, 500)) / clean.std()
        elif name == "p6-scaled":
            X, y = datasets.make_classification(n_samples=500, n_features=24, n_informative=5, n_redundant=2,
                                                flip_y=0.05, class_sep=0.8, random_state=68)
            rng = np.random.default_rng(68)
            X[:, :4] = np.exp(X[:, :4])  # 4 heavy-tailed columns (the generator shuffled which are informative)
            X = X * 10.0 ** rng.uniform(-2.0, 3.0, 24) + rng.normal(0.0, 5.0, 24)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[key] = (np.asarray(X, dtype=float), y)
    return base._DATA[key]


def _cv6(model: Any, data: str, scoring: str, classify: bool) -> float:
    """Probe 1's ``_cv`` (same folds, losses and failure value) on this probe's data."""
    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = _data6(data)
    cv = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = cross_val_score(model, X, y, cv=cv, scoring=scoring, error_score=np.nan)
    v = -float(np.mean(s)) if scoring.startswith("neg_") else 1.0 - float(np.mean(s))
    return v if math.isfinite(v) else 10.0  # a fit that failed counts as a bad loss


def xgb_interact(t: Any) -> float:
    import xgboost

    m = xgboost.XGBRegressor(n_estimators=t.suggest_int("n_estimators", 20, 250, log=True),
                             max_depth=t.suggest_int("max_depth", 2, 10),
                             learning_rate=t.suggest_float("learning_rate", 5e-3, 0.5, log=True),
                             min_child_weight=t.suggest_float("min_child_weight", 0.5, 30.0, log=True),
                             subsample=t.suggest_float("subsample", 0.5, 1.0),
                             colsample_bytree=t.suggest_float("colsample_bytree", 0.3, 1.0),
                             reg_lambda=t.suggest_float("reg_lambda", 1e-3, 10.0, log=True),
                             tree_method="hist", random_state=0, n_jobs=1, verbosity=0)
    return _cv6(m, "p6-interact", "neg_mean_squared_error", False)


def lgbm_bagging_imbal(t: Any) -> float:
    import lightgbm

    m = lightgbm.LGBMClassifier(n_estimators=t.suggest_int("n_estimators", 20, 300, log=True),
                                num_leaves=t.suggest_int("num_leaves", 4, 256, log=True),
                                learning_rate=t.suggest_float("learning_rate", 5e-3, 0.5, log=True),
                                min_child_samples=t.suggest_int("min_child_samples", 5, 100, log=True),
                                subsample=t.suggest_float("bagging_fraction", 0.4, 1.0), subsample_freq=1,
                                colsample_bytree=t.suggest_float("feature_fraction", 0.3, 1.0),
                                random_state=0, n_jobs=1, verbose=-1)
    return _cv6(m, "p6-imbal", "neg_log_loss", True)


def et_multiclass_acc(t: Any) -> float:
    from sklearn.ensemble import ExtraTreesClassifier

    m = ExtraTreesClassifier(n_estimators=t.suggest_int("n_estimators", 10, 150, log=True),
                             max_depth=t.suggest_int("max_depth", 2, 30),
                             min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 20, log=True),
                             max_features=t.suggest_float("max_features", 0.1, 1.0),
                             max_samples=t.suggest_float("max_samples", 0.3, 1.0), bootstrap=True,
                             random_state=0, n_jobs=1)
    return _cv6(m, "p6-classif5", "accuracy", True)


def hgbr_piecewise(t: Any) -> float:
    from sklearn.ensemble import HistGradientBoostingRegressor

    m = HistGradientBoostingRegressor(
        max_iter=t.suggest_int("max_iter", 10, 150, log=True),
        learning_rate=t.suggest_float("learning_rate", 1e-2, 0.5, log=True),
        max_leaf_nodes=t.suggest_int("max_leaf_nodes", 4, 64, log=True),
        min_samples_leaf=t.suggest_int("min_samples_leaf", 2, 60, log=True),
        max_features=t.suggest_float("max_features", 0.2, 1.0),
        l2_regularization=t.suggest_float("l2_regularization", 1e-4, 10.0, log=True),
        early_stopping=False, random_state=0)
    return _cv6(m, "p6-piecewise", "neg_mean_squared_error", False)


def bagknn_bacc(t: Any) -> float:
    from sklearn.ensemble import BaggingClassifier
    from sklearn.neighbors import KNeighborsClassifier

    knn = KNeighborsClassifier(n_neighbors=t.suggest_int("n_neighbors", 1, 50, log=True),
                               weights=t.suggest_categorical("weights", ["uniform", "distance"]))
    m = BaggingClassifier(knn, n_estimators=t.suggest_int("n_estimators", 5, 60, log=True),
                          max_samples=t.suggest_float("max_samples", 0.2, 1.0),
                          max_features=t.suggest_float("max_features", 0.2, 1.0), random_state=0, n_jobs=1)
    return _cv6(m, "p6-imbal3", "balanced_accuracy", True)


def gpr_rq(t: Any) -> float:
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, RationalQuadratic

    kernel = ConstantKernel(t.suggest_float("amplitude", 0.1, 10.0, log=True), "fixed") * RationalQuadratic(
        length_scale=t.suggest_float("length_scale", 1e-2, 10.0, log=True),
        alpha=t.suggest_float("rq_alpha", 1e-2, 100.0, log=True),
        length_scale_bounds="fixed", alpha_bounds="fixed")
    m = GaussianProcessRegressor(kernel, alpha=t.suggest_float("noise", 1e-4, 10.0, log=True), optimizer=None)
    return _cv6(m, "p6-smooth3", "neg_mean_squared_error", False)


def sgd_huber(t: Any) -> float:
    from sklearn.linear_model import SGDRegressor

    m = SGDRegressor(loss="huber", penalty="elasticnet", alpha=t.suggest_float("alpha", 1e-7, 1.0, log=True),
                     l1_ratio=t.suggest_float("l1_ratio", 0.0, 1.0),
                     epsilon=t.suggest_float("epsilon", 1e-2, 10.0, log=True), learning_rate="invscaling",
                     eta0=t.suggest_float("eta0", 1e-4, 1e-1, log=True),
                     power_t=t.suggest_float("power_t", 0.1, 0.6), max_iter=300, tol=1e-4, random_state=0)
    return _cv6(m, "p6-heavytail", "neg_mean_absolute_error", False)


def pipe_cond(t: Any) -> float:
    from sklearn.decomposition import PCA
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import QuantileTransformer, RobustScaler, StandardScaler

    steps: list[Any] = []
    scaler = t.suggest_categorical("scaler", ["none", "standard", "robust", "quantile"])
    if scaler == "standard":
        steps.append(StandardScaler())
    elif scaler == "robust":
        steps.append(RobustScaler())
    elif scaler == "quantile":
        steps.append(QuantileTransformer(n_quantiles=100, random_state=0))
    reducer = t.suggest_categorical("reducer", ["none", "pca", "kbest"])
    if reducer == "pca":
        steps.append(PCA(n_components=t.suggest_int("pca_n", 2, 20), svd_solver="full"))
    elif reducer == "kbest":
        steps.append(SelectKBest(f_classif, k=t.suggest_int("kbest_k", 2, 20)))
    model = t.suggest_categorical("model", ["logreg", "knn", "nb"])
    if model == "logreg":
        cw = t.suggest_categorical("class_weight", ["none", "balanced"])
        steps.append(LogisticRegression(C=t.suggest_float("C", 1e-4, 1e3, log=True),
                                        class_weight=None if cw == "none" else cw, max_iter=500))
    elif model == "knn":
        steps.append(KNeighborsClassifier(n_neighbors=t.suggest_int("n_neighbors", 1, 80, log=True),
                                          weights=t.suggest_categorical("knn_weights", ["uniform", "distance"])))
    else:
        steps.append(GaussianNB(var_smoothing=t.suggest_float("var_smoothing", 1e-12, 1e-1, log=True)))
    return _cv6(make_pipeline(*steps), "p6-scaled", "roc_auc", True)


PROBLEMS = {"xgb-interact": xgb_interact, "lgbm-bagging-imbal": lgbm_bagging_imbal,
            "et-multiclass-acc": et_multiclass_acc, "hgbr-piecewise": hgbr_piecewise, "bagknn-bacc": bagknn_bacc,
            "gpr-rq": gpr_rq, "sgd-huber": sgd_huber, "pipe-cond": pipe_cond}
DATA = {"xgb-interact": "p6-interact", "lgbm-bagging-imbal": "p6-imbal", "et-multiclass-acc": "p6-classif5",
        "hgbr-piecewise": "p6-piecewise", "bagknn-bacc": "p6-imbal3", "gpr-rq": "p6-smooth3",
        "sgd-huber": "p6-heavytail", "pipe-cond": "p6-scaled"}


class _FixedTrial:
    """A stand-in trial for ``--check``: the middle of every range (geometric under log), the first
    choice of every categorical. No sampler, no study: the probe stays unseen."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False, step: Any = None) -> float:
        v = math.sqrt(low * high) if log else (low + high) / 2.0
        self.params[name] = v
        return v

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False, step: int = 1) -> int:
        v = int(round(math.sqrt(low * high) if log else (low + high) / 2.0))
        self.params[name] = v
        return v

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        self.params[name] = choices[0]
        return choices[0]


def check() -> None:
    """Build each data set (timed), then evaluate each objective once at the fixed parameter set
    (timed); no sampler, no study."""
    for name, fn in PROBLEMS.items():
        t0 = time.perf_counter()
        X, y = _data6(DATA[name])
        t1 = time.perf_counter()
        trial = _FixedTrial()
        loss = fn(trial)
        t2 = time.perf_counter()
        print(f"{name:19s} data {DATA[name]:13s} {X.shape} built in {t1 - t0:.3f} s; one evaluation "
              f"{t2 - t1:.3f} s, loss {loss:.4f} at {trial.params}", flush=True)
    keys = [k for k in base._DATA if isinstance(k, str) and k.startswith(f"{PROBE}:")]
    assert len(keys) == len(PROBLEMS) and all(k.startswith("probe6:p6-") for k in keys), keys
    print("cache keys:", keys)


def main() -> None:
    if "--check" in sys.argv:
        check()
        return
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe", "optuna-gp")
    base.make_study = with_variants(base.make_study)
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
