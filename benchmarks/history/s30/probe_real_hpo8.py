"""Issue 18, eighth probe of real model-tuning problems (session 30), written and committed before
any run of it and before any experiment of the change it judges.

HELD OUT. This probe is the judge of session 30's issue-18 change to AutoSampler's start-up path
into TPE in conditional spaces (helper auto18). It must not be run, in whole or in part, before that
change is chosen on dev data (probes 1-7: ``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``, ``../s24/probe_real_hpo5.py``, ``../s25/probe_real_hpo6.py``,
``../s28/probe_real_hpo7.py``); then it is run once, every method on every cell, and nothing is
tuned on it. Before commit only costs were measured, never a search: ``--check`` (each objective
once at the fixed parameter set of probe 7's ``_FixedTrial``: no sampler, no study; it prints
whether the loss is finite, not the loss) and a scratch timing of one evaluation at 14 hand-set
corners of the spaces (the costliest choices of each branch), which printed CPU times and
finiteness only. From those timings, before commit: the breast-cancer transform "power"
(Yeo-Johnson, 1.9 s CPU) became "log1p"; extratrees n_estimators 10-60 / max_depth 2-20 became
5-30 / 2-12 (0.63 -> 0.25 s); the boosting classifier's n_estimators 10-50 / max_depth 1-5 became
5-25 / 1-4 (1.1 -> 0.41 s); the MLP's width 2-64 / max_iter 200 became 2-32 / 60 (1.6 -> 0.23 s).
After that one evaluation costs 0.02-0.07 s CPU at the fixed set and at most 0.41 s at the
costliest corner (load ~8 on 2 cores).

FIX AFTER COMMIT (session 30, 18:14 UTC, before any loss was read): the first run (tw-default /
optuna-tpe, seed 0) crashed at bc-model-cond's first "bnb" trial: scikit-learn 1.9's BernoulliNB
refuses binarize < 0. The threshold (same range, -1.5-1.5) now goes through a Binarizer before
BernoulliNB(binarize=None), the space unchanged; and ``_cv8`` returns the failure value 10.0 when
every fold's fit fails (scikit-learn >= 1.6 raises there instead of returning NaN scores). Every
branch was then evaluated at its range corners (every categorical combination x all numerics at
their low / high end, 158 evaluations; CPU time and failure values printed, no loss): 6 failure
values (QDA with reg_param 0 and no reducer on the collinear digits: a failed fit, scored 10.0 as
the protocol says), at most 0.57 s CPU per evaluation after the first call (imports: 2.7 s).
The two digits-pipe-cond rows already written (seed 0) are kept: that objective did not change.
Estimated cost: 7 problems x 10 seeds x 60 trials = 4,200
evaluations per method, about 6-8 min CPU per method plus the sampler's. The runner was smoke-tested once
through ``run_one8`` with ``tw-random``, budget 1, seed 0 (one random trial per problem; only the
loss's finiteness was read).

Same protocol and report as probe 1 (``../s19/probe_real_hpo.py``): 3-fold CV losses (KFold /
StratifiedKFold with shuffle, random_state 0), every model seeded; regret after b trials = best
loss so far - the best loss any run of any method reached, floor 1e-3; seeds 0-9, budgets 30 / 60.

Data: only data sets that ship with scikit-learn (``load_*``, never ``fetch_*``) and scikit-learn
generators with settings not used by probes 1-7 (seeds 81-87). Probes 1-7 used ``load_wine`` only
(xgb-wine); the dev HPO split of ``benchmarks/sample_efficiency.py`` tunes SVM / forest /
logistic regression / SVR / ridge / a torch MLP on breast_cancer, wine, digits and diabetes, so the
models below on those data sets are others, and digits / breast_cancer / diabetes enter only
through other preprocessing. ``make_low_rank_matrix`` was never used. Seven problems: four
conditional (a model choice with branch-specific hyperparameters: the default runs TPE there) and
three unconditional mixed spaces (ints, floats, categoricals):

  digits-pipe-cond   load_digits (1797 rows, 64 pixels): scaler in {none, minmax, standard},
                     reducer in {none, pca} with pca_n 5-50 and pca_whiten under pca, model in
                     {lda (lsqr, shrinkage 0-1), qda (reg_param 0-1), knn (n_neighbors 1-30 log
                     int, weights)} (conditional); 1 - accuracy
  bc-model-cond      load_breast_cancer: transform in {standard, log1p (then standard)}, model in
                     {ridge (alpha 1e-4-1e3 log, class_weight), extratrees (n_estimators 5-30
                     log int, max_depth 2-12, max_features 0.1-1), bnb (BernoulliNB: binarize
                     -1.5-1.5, alpha 1e-3-10 log)} (conditional); 1 - ROC AUC
  diabetes-reg-cond  load_diabetes (target standardized): scaler in {standard, quantile-normal},
                     log_target boolean (TransformedTargetRegressor on log(y)), model in {huber
                     (epsilon 1-3, alpha 1e-6-10 log), knn (n_neighbors 1-60 log int, weights,
                     p in {1, 2}), pls (n_components 1-10)} (conditional); MSE of the
                     standardized target
  lowrank-linear-cond make_low_rank_matrix (300 rows, 40 features, effective rank 8, tail 0.4) with
                     a sparse linear target (8 nonzero coefficients, noise; seeded; standardized),
                     StandardScaler always: model in {lasso (alpha 1e-5-1 log), enet (alpha
                     1e-5-1 log, l1_ratio 0.05-1), lars (n_nonzero_coefs 1-30), omp
                     (n_nonzero_coefs 1-30)} (conditional); MSE
  gbc-breast         GradientBoostingClassifier on load_breast_cancer: n_estimators 5-25 (log
                     int), max_depth 1-4, learning_rate 1e-2-1 (log), subsample 0.5-1,
                     max_features in {sqrt, log2, all}; log-loss
  gpr-matern-diabetes GaussianProcessRegressor (optimizer off, normalize_y) on load_diabetes
                     (StandardScaler on X, target standardized): kernel Matern(length_scale
                     0.1-100 log, nu in {0.5, 1.5, 2.5}) * constant 0.1-10 (log) + WhiteKernel
                     noise 1e-3-10 (log); MSE
  mlpreg-diabetes    MLPRegressor (lbfgs, max_iter 60, random_state 0) on load_diabetes (X and
                     target standardized): n_layers 1-2, width 2-32 (log int),
                     alpha 1e-6-1 (log), activation in {relu, tanh, logistic}; MSE

Data cache: every data set is named ``p8-...`` and cached in ``../s19/probe_real_hpo.py``'s
``_DATA`` under ``"probe8:p8-..."`` (loaded only by this module's ``_data8``), so no data name can
collide with probes 1-7; the problem names differ from all of probes 1-7 too.

Methods: tw-default, optuna-tpe, optuna-gp, tw-tpe and the chosen candidate as
``tw-default+KEY=VAL[+KEY=VAL...]`` (probe 7's ``make_study7``: ``KEY`` an attribute of the
default's GP, ``auto.KEY`` of the AutoSampler itself, ``tpe.KEY`` of its TPE). Run it from a
checkout whose src has the attribute: the runner puts this checkout's src first on sys.path. Each
method is run once, whole.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/history/s30/probe_real_hpo8.py --seeds 10 -j 1 \\
        --methods tw-default "tw-default+auto.KEY=VAL" optuna-tpe \\
        --out benchmarks/history/s30/probe_real_hpo8.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s30/probe_real_hpo8.jsonl
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
sys.path.insert(0, os.path.join(HERE, "..", "s22"))
sys.path.insert(0, os.path.join(HERE, "..", "s28"))
import probe_real_hpo as base  # noqa: E402
import probe_real_hpo7 as p7  # noqa: E402

PROBE = "probe8"


def _std(y: Any) -> Any:
    return (y - y.mean()) / y.std()


def _data8(name: str) -> Any:
    """Data set ``name`` (always ``p8-...``), cached under a key that names this probe."""
    import numpy as np
    from sklearn import datasets

    if not name.startswith("p8-"):  # pragma: no cover
        raise ValueError(f"probe 8 data names start with 'p8-': {name!r}")
    key = f"{PROBE}:{name}"
    if key not in base._DATA:
        if name == "p8-digits":
            X, y = datasets.load_digits(return_X_y=True)
        elif name == "p8-breast":
            X, y = datasets.load_breast_cancer(return_X_y=True)
        elif name == "p8-diabetes":
            X, y = datasets.load_diabetes(return_X_y=True)
            X = (X - X.mean(0)) / X.std(0)
            y = _std(y)
        elif name == "p8-diabetes-raw":  # the raw target, positive, for the log-target branch
            X, y = datasets.load_diabetes(return_X_y=True)
        elif name == "p8-lowrank":
            rng = np.random.default_rng(84)
            X = datasets.make_low_rank_matrix(n_samples=300, n_features=40, effective_rank=8, tail_strength=0.4,
                                              random_state=84)
            X = (X - X.mean(0)) / X.std(0)
            coef = np.zeros(40)
            coef[rng.choice(40, 8, replace=False)] = rng.normal(0, 1.0, 8)
            y = X @ coef
            y = _std(y + rng.normal(0, 0.5 * y.std(), 300))
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[key] = (X, y)
    return base._DATA[key]


def _cv8(model: Any, data: str, scoring: str, classify: bool) -> float:
    """Probe 1's ``_cv`` (same folds, losses and failure value) on this probe's data."""
    import math
    import warnings

    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = _data8(data)
    cv = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            s = cross_val_score(model, X, y, cv=cv, scoring=scoring, error_score=np.nan)
        except ValueError:  # scikit-learn >= 1.6 raises when every fold's fit failed
            return 10.0
    v = -float(np.mean(s)) if scoring.startswith("neg_") else 1.0 - float(np.mean(s))
    return v if math.isfinite(v) else 10.0  # a fit that failed counts as a bad loss


def digits_pipe_cond(t: Any) -> float:
    from sklearn.decomposition import PCA
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    steps: list[Any] = []
    scaler = t.suggest_categorical("scaler", ["none", "minmax", "standard"])
    if scaler == "minmax":
        steps.append(MinMaxScaler())
    elif scaler == "standard":
        steps.append(StandardScaler())
    reducer = t.suggest_categorical("reducer", ["none", "pca"])
    if reducer == "pca":
        steps.append(PCA(n_components=t.suggest_int("pca_n", 5, 50),
                         whiten=t.suggest_categorical("pca_whiten", [False, True]), random_state=0))
    model = t.suggest_categorical("model", ["lda", "qda", "knn"])
    if model == "lda":
        steps.append(LinearDiscriminantAnalysis(solver="lsqr", shrinkage=t.suggest_float("lda_shrinkage", 0.0, 1.0)))
    elif model == "qda":
        steps.append(QuadraticDiscriminantAnalysis(reg_param=t.suggest_float("qda_reg_param", 0.0, 1.0)))
    else:
        steps.append(KNeighborsClassifier(n_neighbors=t.suggest_int("knn_n_neighbors", 1, 30, log=True),
                                          weights=t.suggest_categorical("knn_weights", ["uniform", "distance"])))
    return _cv8(make_pipeline(*steps), "p8-digits", "accuracy", True)


def bc_model_cond(t: Any) -> float:
    import numpy as np
    from sklearn.ensemble import ExtraTreesClassifier
    from sklearn.linear_model import RidgeClassifier
    from sklearn.naive_bayes import BernoulliNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Binarizer, FunctionTransformer, StandardScaler

    transform = t.suggest_categorical("transform", ["standard", "log1p"])
    pre = StandardScaler()
    if transform == "log1p":  # the features are all positive
        pre = make_pipeline(FunctionTransformer(np.log1p), StandardScaler())
    model = t.suggest_categorical("model", ["ridge", "extratrees", "bnb"])
    if model == "ridge":
        cw = t.suggest_categorical("ridge_class_weight", ["none", "balanced"])
        m: Any = RidgeClassifier(alpha=t.suggest_float("ridge_alpha", 1e-4, 1e3, log=True),
                                 class_weight=None if cw == "none" else cw)
    elif model == "extratrees":
        m = ExtraTreesClassifier(n_estimators=t.suggest_int("et_n_estimators", 5, 30, log=True),
                                 max_depth=t.suggest_int("et_max_depth", 2, 12),
                                 max_features=t.suggest_float("et_max_features", 0.1, 1.0), random_state=0, n_jobs=1)
    else:
        # the threshold through Binarizer: BernoulliNB's own binarize refuses values < 0 (scikit-learn 1.9)
        m = make_pipeline(Binarizer(threshold=t.suggest_float("bnb_binarize", -1.5, 1.5)),
                          BernoulliNB(binarize=None, alpha=t.suggest_float("bnb_alpha", 1e-3, 10.0, log=True)))
    return _cv8(make_pipeline(pre, m), "p8-breast", "roc_auc", True)


def diabetes_reg_cond(t: Any) -> float:
    import numpy as np
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.cross_decomposition import PLSRegression
    from sklearn.linear_model import HuberRegressor
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import QuantileTransformer, StandardScaler

    scaler = t.suggest_categorical("scaler", ["standard", "quantile-normal"])
    pre = StandardScaler() if scaler == "standard" else QuantileTransformer(n_quantiles=100,
                                                                           output_distribution="normal", random_state=0)
    log_target = t.suggest_categorical("log_target", [False, True])
    model = t.suggest_categorical("model", ["huber", "knn", "pls"])
    if model == "huber":
        m: Any = HuberRegressor(epsilon=t.suggest_float("huber_epsilon", 1.0, 3.0),
                                alpha=t.suggest_float("huber_alpha", 1e-6, 10.0, log=True), max_iter=500)
    elif model == "knn":
        m = KNeighborsRegressor(n_neighbors=t.suggest_int("knn_n_neighbors", 1, 60, log=True),
                                weights=t.suggest_categorical("knn_weights", ["uniform", "distance"]),
                                p=t.suggest_categorical("knn_p", [1, 2]))
    else:
        m = PLSRegression(n_components=t.suggest_int("pls_n_components", 1, 10), scale=False)
    pipe = make_pipeline(pre, m)
    if log_target:
        # fit on log(y) of the raw (positive) target, scored against the standardized target: the
        # wrapper maps predictions back, then the same affine map as p8-diabetes's standardization
        _, raw = _data8("p8-diabetes-raw")
        mu, sd = float(raw.mean()), float(raw.std())
        pipe = TransformedTargetRegressor(regressor=pipe, func=lambda z: np.log(z * sd + mu),
                                          inverse_func=lambda z: (np.exp(z) - mu) / sd, check_inverse=False)
    return _cv8(pipe, "p8-diabetes", "neg_mean_squared_error", False)


def lowrank_linear_cond(t: Any) -> float:
    from sklearn.linear_model import ElasticNet, Lars, Lasso, OrthogonalMatchingPursuit
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = t.suggest_categorical("model", ["lasso", "enet", "lars", "omp"])
    if model == "lasso":
        m: Any = Lasso(alpha=t.suggest_float("lasso_alpha", 1e-5, 1.0, log=True), max_iter=5000)
    elif model == "enet":
        m = ElasticNet(alpha=t.suggest_float("enet_alpha", 1e-5, 1.0, log=True),
                       l1_ratio=t.suggest_float("enet_l1_ratio", 0.05, 1.0), max_iter=5000)
    elif model == "lars":
        m = Lars(n_nonzero_coefs=t.suggest_int("lars_n_nonzero_coefs", 1, 30))
    else:
        m = OrthogonalMatchingPursuit(n_nonzero_coefs=t.suggest_int("omp_n_nonzero_coefs", 1, 30))
    return _cv8(make_pipeline(StandardScaler(), m), "p8-lowrank", "neg_mean_squared_error", False)


def gbc_breast(t: Any) -> float:
    from sklearn.ensemble import GradientBoostingClassifier

    mf = t.suggest_categorical("max_features", ["sqrt", "log2", "all"])
    m = GradientBoostingClassifier(n_estimators=t.suggest_int("n_estimators", 5, 25, log=True),
                                   max_depth=t.suggest_int("max_depth", 1, 4),
                                   learning_rate=t.suggest_float("learning_rate", 1e-2, 1.0, log=True),
                                   subsample=t.suggest_float("subsample", 0.5, 1.0),
                                   max_features=None if mf == "all" else mf, random_state=0)
    return _cv8(m, "p8-breast", "neg_log_loss", True)


def gpr_matern_diabetes(t: Any) -> float:
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = ConstantKernel(t.suggest_float("constant", 0.1, 10.0, log=True), "fixed") * Matern(
        length_scale=t.suggest_float("length_scale", 0.1, 100.0, log=True), length_scale_bounds="fixed",
        nu=t.suggest_categorical("nu", [0.5, 1.5, 2.5])) + WhiteKernel(
        t.suggest_float("noise", 1e-3, 10.0, log=True), "fixed")
    m = GaussianProcessRegressor(kernel=kernel, optimizer=None, normalize_y=True)
    return _cv8(m, "p8-diabetes", "neg_mean_squared_error", False)


def mlpreg_diabetes(t: Any) -> float:
    from sklearn.neural_network import MLPRegressor

    n_layers = t.suggest_int("n_layers", 1, 2)
    width = t.suggest_int("width", 2, 32, log=True)
    m = MLPRegressor(hidden_layer_sizes=(width,) * n_layers, alpha=t.suggest_float("alpha", 1e-6, 1.0, log=True),
                     activation=t.suggest_categorical("activation", ["relu", "tanh", "logistic"]), solver="lbfgs",
                     max_iter=60, random_state=0)
    return _cv8(m, "p8-diabetes", "neg_mean_squared_error", False)


PROBLEMS = {
    "digits-pipe-cond": digits_pipe_cond,
    "bc-model-cond": bc_model_cond,
    "diabetes-reg-cond": diabetes_reg_cond,
    "lowrank-linear-cond": lowrank_linear_cond,
    "gbc-breast": gbc_breast,
    "gpr-matern-diabetes": gpr_matern_diabetes,
    "mlpreg-diabetes": mlpreg_diabetes,
}
CONDITIONAL = ("digits-pipe-cond", "bc-model-cond", "diabetes-reg-cond", "lowrank-linear-cond")
DATA = {
    "digits-pipe-cond": "p8-digits",
    "bc-model-cond": "p8-breast",
    "diabetes-reg-cond": "p8-diabetes",
    "lowrank-linear-cond": "p8-lowrank",
    "gbc-breast": "p8-breast",
    "gpr-matern-diabetes": "p8-diabetes",
    "mlpreg-diabetes": "p8-diabetes",
}


def run_one8(job: tuple[str, str, int]) -> dict[str, Any]:
    """Probe 7's ``run_one7`` on this probe's problems (set in the worker, whatever the start method)."""
    if p7.PROBLEMS is not PROBLEMS:
        p7.PROBLEMS = PROBLEMS
    return p7.run_one7(job)


def check() -> None:
    """Evaluate each objective once at probe 7's fixed parameter set (wall and process CPU time);
    no sampler, no study."""
    total = 0.0
    for name, fn in PROBLEMS.items():
        _data8(DATA[name])
        t1 = time.perf_counter()
        c1 = time.process_time()
        trial = p7._FixedTrial()
        loss = fn(trial)
        cpu = time.process_time() - c1
        total += cpu
        finite = loss == loss and loss < 10.0  # the loss itself is not printed: the probe stays unseen
        print(f"{name:20s} one evaluation {time.perf_counter() - t1:.3f} s wall, {cpu:.3f} s CPU, finite {finite}",
              flush=True)
    print(f"mean evaluation {total / len(PROBLEMS):.3f} s CPU")


def main() -> None:
    if "--check" in sys.argv:
        check()
        return
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe")
    base.make_study = p7.make_study7
    base.run_one = run_one8
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
