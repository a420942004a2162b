"""Issue 18, ninth probe of real model-tuning problems (session 31), written and committed before
any run of it and before any candidate of the change it judges exists.

HELD OUT. This probe is the judge of session 31's issue-18 change to the default sampler in
conditional spaces (helper auto31). It must not be run, in whole or in part, before that change is
chosen on dev data (probes 1-8: ``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``, ``../s24/probe_real_hpo5.py``, ``../s25/probe_real_hpo6.py``,
``../s28/probe_real_hpo7.py``, ``../s30/probe_real_hpo8.py``); then it is run once, every method on
every cell, and nothing is tuned on it. Before commit only costs were measured, never a search:
``--check`` (each objective once at probe 7's fixed parameter set, no sampler, no study; it prints
CPU time and whether the loss is finite, not the loss) and ``--corners`` (every categorical
combination of each space with all numerics at their low ends, then at their high ends; prints CPU
time and whether the loss is a failure value, never the loss). Ranges were set from those timings
only (recorded in the commit message's body).

Same protocol and report as probe 1 (``../s19/probe_real_hpo.py``): 3-fold CV losses (KFold /
StratifiedKFold with shuffle, random_state 0), every model seeded; regret after b trials = best
loss so far - the best loss any run of any method reached, floor 1e-3; seeds 0-9, budgets 30 / 60.

Data: only data sets that ship with scikit-learn (``load_*``, never ``fetch_*``) and scikit-learn
generators (seeds 91-97). Data / model combinations differ from probes 1-8: load_wine was used only
by xgb-wine (probe 1) and load_iris never; make_moons only by mlp-moons (an MLP), make_s_curve only
by xgb-scurve (XGBoost), make_friedman1 only by svr-friedman1 (SVR) and rf-friedman1 (forest);
make_classification often, but never with a solver-conditional LogisticRegression. Five conditional
problems (the default runs TPE there) and two unconditional mixed spaces:

  wine-pipe-cond      load_wine: scaler in {standard, robust, none}; reducer in {none, pca
                      (pca_n 2-13), kbest (kbest_k 2-13)}; model in {svc (C log, kernel in {rbf
                      (gamma log), poly (degree 2-4, coef0 0-2), linear}: kernel-specific, nested),
                      logreg (C log), gnb (var_smoothing log)}; log-loss (SVC with Platt
                      probabilities, random_state 0)
  logreg-solver-cond  make_classification (500 rows, 30 features, 6 informative, 4 redundant,
                      binary, flip_y 0.03, class_sep 0.7, seed 92), StandardScaler: solver in
                      {lbfgs, liblinear, saga}; penalty per solver (lbfgs: {l2, none}; liblinear:
                      {l1, l2} and intercept_scaling log; saga: {l1, l2, elasticnet}, l1_ratio only
                      under elasticnet: nested); C log under every penalty but none; class_weight;
                      log-loss
  friedman1-featmap-cond make_friedman1 (300 rows, 8 features, noise 1.0, seed 93; target
                      standardized), StandardScaler, then a feature map in {none, poly (degree 2-3,
                      interaction_only), spline (n_knots 3-10, degree 1-3), nystroem (gamma log,
                      n_components 20-150 log int)} x a model in {ridge (alpha log), lasso (alpha
                      log, 1e-4-1, max_iter 1000), huber (epsilon 1-3, alpha log)}; MSE
  scurve-svr-cond     make_s_curve (400 rows, noise 0.2, seed 94): X the 3 coordinates
                      (standardized), target the curve parameter t (standardized); SVR with C (log),
                      epsilon (log) and kernel in {rbf (gamma log), poly (degree 2-4, gamma log,
                      coef0 0-2), sigmoid (gamma log, coef0 -1-1), linear}: kernel-specific;
                      max_iter 20000; MSE
  moons-model-cond    make_moons (400 rows, noise 0.35, seed 95) plus 4 seeded Gaussian noise
                      features: scaler in {standard, minmax}; model in {knn (n_neighbors 1-60 log
                      int, weights, metric in {minkowski (p 1-4), chebyshev}: nested), rf
                      (n_estimators 10-40 log int, max_depth 2-12, min_samples_leaf 1-20 log int),
                      hgb (learning_rate log, max_leaf_nodes 4-24 log int, l2_regularization log,
                      max_iter 25)}; Brier score
  hgb-wine            HistGradientBoostingClassifier (no early stopping) on load_wine: max_iter
                      10-40 (log int), learning_rate 1e-2-1 (log), max_leaf_nodes 4-31 (log int),
                      min_samples_leaf 2-30 (log int), l2_regularization 1e-6-10 (log),
                      max_features 0.3-1 (float); log-loss
  mlpclf-iris-noise   MLPClassifier (adam, max_iter 80, random_state 0) on load_iris plus 6 seeded
                      Gaussian noise features (standardized): n_layers 1-2, width 2-32 (log int),
                      alpha 1e-6-1 (log), learning_rate_init 1e-4-1e-1 (log), activation in {relu,
                      tanh, logistic}; log-loss

Data cache: every data set is named ``p9-...`` and cached in ``../s19/probe_real_hpo.py``'s
``_DATA`` under ``"probe9:p9-..."``, so no data name can collide with probes 1-8; the problem names
differ from all of probes 1-8 too.

Methods: tw-default, optuna-tpe, optuna-gp, tw-tpe and the chosen candidate as
``tw-default+KEY=VAL[+KEY=VAL...]`` (probe 7's ``make_study7``: ``KEY`` an attribute of the
default's GP, ``auto.KEY`` of the AutoSampler itself, ``tpe.KEY`` of its TPE). Run it from a
checkout whose src has the attribute: the runner puts this checkout's src first on sys.path.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/history/s31/probe_real_hpo9.py --seeds 10 -j 1 \\
        --methods tw-default "tw-default+auto.KEY=VAL" optuna-tpe \\
        --out benchmarks/history/s31/auto_probe9_rows.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s31/auto_probe9_rows.jsonl
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

PROBE = "probe9"


def _std(y: Any) -> Any:
    return (y - y.mean()) / y.std()


def _data9(name: str) -> Any:
    """Data set ``name`` (always ``p9-...``), cached under a key that names this probe."""
    import numpy as np
    from sklearn import datasets

    if not name.startswith("p9-"):  # pragma: no cover
        raise ValueError(f"probe 9 data names start with 'p9-': {name!r}")
    key = f"{PROBE}:{name}"
    if key not in base._DATA:
        if name == "p9-wine":
            X, y = datasets.load_wine(return_X_y=True)
        elif name == "p9-logreg":
            X, y = datasets.make_classification(n_samples=500, n_features=30, n_informative=6, n_redundant=4,
                                                n_classes=2, flip_y=0.03, class_sep=0.7, random_state=92)
        elif name == "p9-friedman1":
            X, y = datasets.make_friedman1(n_samples=300, n_features=8, noise=1.0, random_state=93)
            y = _std(y)
        elif name == "p9-scurve":
            X, t = datasets.make_s_curve(n_samples=400, noise=0.2, random_state=94)
            X = (X - X.mean(0)) / X.std(0)
            y = _std(t)
        elif name == "p9-moons":
            X, y = datasets.make_moons(n_samples=400, noise=0.35, random_state=95)
            rng = np.random.default_rng(95)
            X = np.hstack([X, rng.normal(0, 1.0, (400, 4))])
        elif name == "p9-iris-noise":
            X, y = datasets.load_iris(return_X_y=True)
            rng = np.random.default_rng(97)
            X = np.hstack([X, rng.normal(0, 1.0, (X.shape[0], 6))])
            X = (X - X.mean(0)) / X.std(0)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[key] = (X, y)
    return base._DATA[key]


def _cv9(model: Any, data: str, scoring: str, classify: bool) -> float:
    """Probe 8's ``_cv8`` (same folds, losses and failure value) on this probe's data."""
    import math
    import warnings

    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = _data9(data)
    cv = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            s = cross_val_score(model, X, y, cv=cv, scoring=scoring, error_score=np.nan)
        except ValueError:  # scikit-learn >= 1.6 raises when every fold's fit failed
            return 10.0
    v = -float(np.mean(s)) if scoring.startswith("neg_") else 1.0 - float(np.mean(s))
    return v if math.isfinite(v) else 10.0  # a fit that failed counts as a bad loss


def wine_pipe_cond(t: Any) -> float:
    from sklearn.decomposition import PCA
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import RobustScaler, StandardScaler
    from sklearn.svm import SVC

    steps: list[Any] = []
    scaler = t.suggest_categorical("scaler", ["standard", "robust", "none"])
    if scaler == "standard":
        steps.append(StandardScaler())
    elif scaler == "robust":
        steps.append(RobustScaler())
    reducer = t.suggest_categorical("reducer", ["none", "pca", "kbest"])
    if reducer == "pca":
        steps.append(PCA(n_components=t.suggest_int("pca_n", 2, 13), random_state=0))
    elif reducer == "kbest":
        steps.append(SelectKBest(f_classif, k=t.suggest_int("kbest_k", 2, 13)))
    model = t.suggest_categorical("model", ["svc", "logreg", "gnb"])
    if model == "svc":
        C = t.suggest_float("svc_C", 1e-3, 1e3, log=True)
        kernel = t.suggest_categorical("svc_kernel", ["rbf", "poly", "linear"])
        if kernel == "rbf":
            m: Any = SVC(C=C, kernel="rbf", gamma=t.suggest_float("svc_rbf_gamma", 1e-4, 10.0, log=True),
                         probability=True, random_state=0)
        elif kernel == "poly":
            m = SVC(C=C, kernel="poly", degree=t.suggest_int("svc_poly_degree", 2, 4),
                    coef0=t.suggest_float("svc_poly_coef0", 0.0, 2.0), gamma="scale", probability=True,
                    random_state=0, max_iter=20000)
        else:
            m = SVC(C=C, kernel="linear", probability=True, random_state=0, max_iter=20000)
    elif model == "logreg":
        m = LogisticRegression(C=t.suggest_float("logreg_C", 1e-4, 1e3, log=True), max_iter=300)
    else:
        m = GaussianNB(var_smoothing=t.suggest_float("gnb_var_smoothing", 1e-12, 1e-1, log=True))
    steps.append(m)
    return _cv9(make_pipeline(*steps), "p9-wine", "neg_log_loss", True)


def logreg_solver_cond(t: Any) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    solver = t.suggest_categorical("solver", ["lbfgs", "liblinear", "saga"])
    kw: dict[str, Any] = {"solver": solver, "max_iter": 200, "random_state": 0}
    if solver == "lbfgs":
        penalty = t.suggest_categorical("lbfgs_penalty", ["l2", "none"])
    elif solver == "liblinear":
        penalty = t.suggest_categorical("liblinear_penalty", ["l1", "l2"])
        kw["intercept_scaling"] = t.suggest_float("liblinear_intercept_scaling", 1e-2, 1e2, log=True)
    else:
        penalty = t.suggest_categorical("saga_penalty", ["l1", "l2", "elasticnet"])
    if penalty == "none":  # scikit-learn >= 1.8 spells "no penalty" as C = inf
        kw["C"] = float("inf")
    else:
        kw["C"] = t.suggest_float("C", 1e-4, 1e3, log=True)
        kw["l1_ratio"] = {"l1": 1.0, "l2": 0.0}.get(penalty)
        if penalty == "elasticnet":
            kw["l1_ratio"] = t.suggest_float("saga_l1_ratio", 0.0, 1.0)
    cw = t.suggest_categorical("class_weight", ["none", "balanced"])
    kw["class_weight"] = None if cw == "none" else cw
    return _cv9(make_pipeline(StandardScaler(), LogisticRegression(**kw)), "p9-logreg", "neg_log_loss", True)


def friedman1_featmap_cond(t: Any) -> float:
    from sklearn.kernel_approximation import Nystroem
    from sklearn.linear_model import HuberRegressor, Lasso, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, SplineTransformer, StandardScaler

    steps: list[Any] = [StandardScaler()]
    fmap = t.suggest_categorical("feature_map", ["none", "poly", "spline", "nystroem"])
    if fmap == "poly":
        steps += [PolynomialFeatures(degree=t.suggest_int("poly_degree", 2, 3),
                                     interaction_only=t.suggest_categorical("poly_interaction_only", [False, True]),
                                     include_bias=False), StandardScaler()]
    elif fmap == "spline":
        steps.append(SplineTransformer(n_knots=t.suggest_int("spline_n_knots", 3, 10),
                                       degree=t.suggest_int("spline_degree", 1, 3)))
    elif fmap == "nystroem":
        steps.append(Nystroem(gamma=t.suggest_float("nystroem_gamma", 1e-3, 1.0, log=True),
                              n_components=t.suggest_int("nystroem_n_components", 20, 150, log=True), random_state=0))
    model = t.suggest_categorical("model", ["ridge", "lasso", "huber"])
    if model == "ridge":
        m: Any = Ridge(alpha=t.suggest_float("ridge_alpha", 1e-4, 1e3, log=True))
    elif model == "lasso":
        m = Lasso(alpha=t.suggest_float("lasso_alpha", 1e-4, 1.0, log=True), max_iter=1000)
    else:
        m = HuberRegressor(epsilon=t.suggest_float("huber_epsilon", 1.0, 3.0),
                           alpha=t.suggest_float("huber_alpha", 1e-6, 10.0, log=True), max_iter=300)
    steps.append(m)
    return _cv9(make_pipeline(*steps), "p9-friedman1", "neg_mean_squared_error", False)


def scurve_svr_cond(t: Any) -> float:
    from sklearn.svm import SVR

    C = t.suggest_float("C", 1e-2, 1e3, log=True)
    eps = t.suggest_float("epsilon", 1e-3, 1.0, log=True)
    kernel = t.suggest_categorical("kernel", ["rbf", "poly", "sigmoid", "linear"])
    kw: dict[str, Any] = {"C": C, "epsilon": eps, "kernel": kernel, "max_iter": 20000}
    if kernel == "rbf":
        kw["gamma"] = t.suggest_float("rbf_gamma", 1e-3, 1e2, log=True)
    elif kernel == "poly":
        kw["degree"] = t.suggest_int("poly_degree", 2, 4)
        kw["gamma"] = t.suggest_float("poly_gamma", 1e-2, 1.0, log=True)
        kw["coef0"] = t.suggest_float("poly_coef0", 0.0, 2.0)
    elif kernel == "sigmoid":
        kw["gamma"] = t.suggest_float("sigmoid_gamma", 1e-3, 1.0, log=True)
        kw["coef0"] = t.suggest_float("sigmoid_coef0", -1.0, 1.0)
    return _cv9(SVR(**kw), "p9-scurve", "neg_mean_squared_error", False)


def moons_model_cond(t: Any) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scaler = t.suggest_categorical("scaler", ["standard", "minmax"])
    pre = StandardScaler() if scaler == "standard" else MinMaxScaler()
    model = t.suggest_categorical("model", ["knn", "rf", "hgb"])
    if model == "knn":
        metric = t.suggest_categorical("knn_metric", ["minkowski", "chebyshev"])
        kw: dict[str, Any] = {"metric": metric}
        if metric == "minkowski":
            kw["p"] = t.suggest_int("knn_p", 1, 4)
        m: Any = KNeighborsClassifier(n_neighbors=t.suggest_int("knn_n_neighbors", 1, 60, log=True),
                                      weights=t.suggest_categorical("knn_weights", ["uniform", "distance"]), **kw)
    elif model == "rf":
        m = RandomForestClassifier(n_estimators=t.suggest_int("rf_n_estimators", 10, 40, log=True),
                                   max_depth=t.suggest_int("rf_max_depth", 2, 12),
                                   min_samples_leaf=t.suggest_int("rf_min_samples_leaf", 1, 20, log=True),
                                   random_state=0, n_jobs=1)
    else:
        m = HistGradientBoostingClassifier(learning_rate=t.suggest_float("hgb_learning_rate", 1e-2, 1.0, log=True),
                                           max_leaf_nodes=t.suggest_int("hgb_max_leaf_nodes", 4, 24, log=True),
                                           l2_regularization=t.suggest_float("hgb_l2", 1e-6, 10.0, log=True),
                                           max_iter=25, early_stopping=False, random_state=0)
    return _cv9(make_pipeline(pre, m), "p9-moons", "neg_brier_score", True)


def hgb_wine(t: Any) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier

    m = HistGradientBoostingClassifier(max_iter=t.suggest_int("max_iter", 10, 40, log=True),
                                       learning_rate=t.suggest_float("learning_rate", 1e-2, 1.0, log=True),
                                       max_leaf_nodes=t.suggest_int("max_leaf_nodes", 4, 31, log=True),
                                       min_samples_leaf=t.suggest_int("min_samples_leaf", 2, 30, log=True),
                                       l2_regularization=t.suggest_float("l2_regularization", 1e-6, 10.0, log=True),
                                       max_features=t.suggest_float("max_features", 0.3, 1.0),
                                       early_stopping=False, random_state=0)
    return _cv9(m, "p9-wine", "neg_log_loss", True)


def mlpclf_iris_noise(t: Any) -> float:
    from sklearn.neural_network import MLPClassifier

    n_layers = t.suggest_int("n_layers", 1, 2)
    width = t.suggest_int("width", 2, 32, log=True)
    m = MLPClassifier(hidden_layer_sizes=(width,) * n_layers, alpha=t.suggest_float("alpha", 1e-6, 1.0, log=True),
                      learning_rate_init=t.suggest_float("learning_rate_init", 1e-4, 1e-1, log=True),
                      activation=t.suggest_categorical("activation", ["relu", "tanh", "logistic"]), solver="adam",
                      max_iter=80, random_state=0)
    return _cv9(m, "p9-iris-noise", "neg_log_loss", True)


PROBLEMS = {
    "wine-pipe-cond": wine_pipe_cond,
    "logreg-solver-cond": logreg_solver_cond,
    "friedman1-featmap-cond": friedman1_featmap_cond,
    "scurve-svr-cond": scurve_svr_cond,
    "moons-model-cond": moons_model_cond,
    "hgb-wine": hgb_wine,
    "mlpclf-iris-noise": mlpclf_iris_noise,
}
CONDITIONAL = ("wine-pipe-cond", "logreg-solver-cond", "friedman1-featmap-cond", "scurve-svr-cond",
               "moons-model-cond")
DATA = {
    "wine-pipe-cond": "p9-wine",
    "logreg-solver-cond": "p9-logreg",
    "friedman1-featmap-cond": "p9-friedman1",
    "scurve-svr-cond": "p9-scurve",
    "moons-model-cond": "p9-moons",
    "hgb-wine": "p9-wine",
    "mlpclf-iris-noise": "p9-iris-noise",
}


def run_one9(job: tuple[str, str, int]) -> dict[str, Any]:
    """Probe 7's ``run_one7`` on this probe's problems (set in the worker, whatever the start method)."""
    if p7.PROBLEMS is not PROBLEMS:
        p7.PROBLEMS = PROBLEMS
    return p7.run_one7(job)


def check() -> None:
    """Evaluate each objective once at probe 7's fixed parameter set (CPU time); no sampler, no study."""
    total = 0.0
    for name, fn in PROBLEMS.items():
        _data9(DATA[name])
        c1 = time.process_time()
        loss = fn(p7._FixedTrial())
        cpu = time.process_time() - c1
        total += cpu
        finite = loss == loss and loss < 10.0  # the loss itself is not printed: the probe stays unseen
        print(f"{name:24s} one evaluation {cpu:.3f} s CPU, finite {finite}", flush=True)
    print(f"mean evaluation {total / len(PROBLEMS):.3f} s CPU")


class _CornerTrial:
    """Every numeric at its low (``end=0``) or high (``end=1``) end; categoricals from ``picks`` in
    the order they are asked (then the first choice). Enumerates the branches for ``--corners``."""

    def __init__(self, end: int, picks: list[int]) -> None:
        self.end, self.picks = end, list(picks)
        self.asked: list[int] = []

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False, step: Any = None) -> float:
        return high if self.end else low

    def suggest_int(self, name: str, low: int, high: int, *, log: bool = False, step: int = 1) -> int:
        return high if self.end else low

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        i = self.picks.pop(0) if self.picks else 0
        self.asked.append(len(choices))
        return choices[i % len(choices)]


def corners() -> None:
    """Every branch of every space at its numeric corners: CPU time and failure flags, no loss."""
    for name, fn in PROBLEMS.items():
        _data9(DATA[name])
        worst, fails, n = 0.0, 0, 0
        todo: list[list[int]] = [[]]
        while todo:  # each prefix of categorical picks names one branch (later picks: the first choice)
            picks = todo.pop()
            for end in (0, 1):
                trial = _CornerTrial(end, picks)
                c1 = time.process_time()
                loss = fn(trial)
                cpu = time.process_time() - c1
                n += 1
                worst = max(worst, cpu)
                fails += not (loss == loss and loss < 10.0)
            for j in range(len(picks), len(trial.asked)):
                todo += [picks + [0] * (j - len(picks)) + [c] for c in range(1, trial.asked[j])]
        print(f"{name:24s} {n:4d} corner evaluations, worst {worst:.3f} s CPU, failure values {fails}", flush=True)


def main() -> None:
    if "--check" in sys.argv:
        check()
        return
    if "--corners" in sys.argv:
        corners()
        return
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe")
    base.make_study = p7.make_study7
    base.run_one = run_one9
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
