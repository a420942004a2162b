"""Issue 18, tenth probe of real model-tuning problems (session 32), written and committed before
any run of it and before any candidate of the change it judges exists.

HELD OUT. This probe is the judge of session 32's issue-18 change to the default sampler in
conditional spaces (helper auto32). It must not be run, in whole or in part, before that change is
chosen on dev data (probes 1-9: ``../s19/probe_real_hpo*.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``, ``../s24/probe_real_hpo5.py``, ``../s25/probe_real_hpo6.py``,
``../s28/probe_real_hpo7.py``, ``../s30/probe_real_hpo8.py``, ``../s31/probe_real_hpo9.py``); then
it is run once, every method on every cell, and nothing is tuned on it. Before commit only costs
were measured, never a search: ``--check`` (each objective twice at probe 7's fixed parameter set,
no sampler, no study; it prints CPU time, whether the loss is finite and whether the two
evaluations agree, never the loss) and ``--corners`` (every categorical combination of each space
with all numerics at their low ends, then at their high ends; prints CPU time and whether the loss
is a failure value, never the loss).

Same protocol and report as probe 1 (``../s19/probe_real_hpo.py``): 3-fold CV losses (KFold /
StratifiedKFold with shuffle, random_state 0), every model seeded; regret after b trials = best
loss so far - the best loss any run of any method reached, floor 1e-3; seeds 0-9, budgets 30 / 60.
Every objective is deterministic per configuration (``--check`` evaluates twice), so an exact
repeat of a configuration is answered from a per-process memo (``run_one10``): the loss it records
is the one a second evaluation gives, at no CPU (the rows count repeats as probe 7's runner does).

Data: only data sets that ship with scikit-learn (``load_*``, never ``fetch_*``) and scikit-learn
generators (seeds 101-108). Data / model combinations differ from probes 1-9: load_breast_cancer
was used with ridge / extra trees / Bernoulli NB (bc-model-cond) and gradient boosting (gbc-breast),
never kNN, a decision tree or Gaussian NB; make_friedman3, make_multilabel_classification were never
used; make_hastie_10_2 only by hgb-hastie (histogram boosting), never AdaBoost or
GradientBoostingClassifier; make_regression only with gradient boosting, a tree, LightGBM and SVR
(gbr-regression, tree-regression, lgbm-regression, svr-lowrank), never a linear model or a
selector; load_digits only with LDA / QDA / kNN (digits-pipe-cond), never SVC or a forest;
load_diabetes never with SGD. Six conditional problems (the default runs TPE there) and two
unconditional mixed spaces:

  bc-discrete-cond    load_breast_cancer: scaler in {standard, robust, quantile-uniform}; model in
                      {knn (n_neighbors 1-31 step 2, weights), tree (max_depth 1-8, criterion in
                      {gini, entropy}, min_samples_leaf in {1, 5, 20}), gnb (no parameter)};
                      log-loss. Mostly discrete: repeats are likely (about 1,000 configurations).
  friedman3-model-cond make_friedman3 (300 rows, noise 0.1, seed 101; X and target standardized):
                      model in {svr (C log, gamma log, epsilon log), kr (kernel in {rbf,
                      laplacian}, alpha log, gamma log), knn (n_neighbors 1-40 log int, weights)};
                      MSE. Mostly continuous.
  mlc-model-cond      make_multilabel_classification (400 rows, 12 count features, 3 labels, seed
                      102), target the first label: model in {extratrees (n_estimators in {10, 20,
                      30}, max_features in {sqrt, log2, 0.5}, bootstrap boolean, max_depth 2-12),
                      logreg (C log, fit_intercept boolean, class_weight), mnb (MultinomialNB:
                      alpha log, fit_prior boolean)}: estimator-specific booleans / categoricals;
                      log-loss
  hastie-boost-cond   make_hastie_10_2 (360 rows, seed 103): model in {ada (AdaBoost of trees:
                      n_estimators 5-25 step 5, learning_rate log, tree_depth 1-3), gbc
                      (n_estimators 10-30 step 10, max_depth 1-4, subsample in {0.5, 0.75, 1.0},
                      learning_rate log)}: ints with steps inside branches; 1 - ROC AUC
  reg-select-cond     make_regression (200 rows, 30 features, 6 informative, noise 10, seed 104;
                      target standardized): scaler in {standard, robust}; selector in {none, kbest
                      (kbest_k 5-30 step 5)}; model in {ridge (alpha log), lars (n_nonzero_coefs
                      1-20), omp (n_nonzero_coefs 1-20)}: nested preprocessing x model, several
                      wholly discrete branches; MSE
  digits-svc-cond     load_digits (first 500 rows): scaler in {minmax, standard}; SVC with C (log)
                      and kernel in {rbf (gamma log), poly (degree 2-4, coef0 0-1), linear}:
                      kernel-specific; 1 - accuracy
  rf-digits           RandomForestClassifier on load_digits (first 500 rows): n_estimators 5-25
                      (log int), max_depth 2-16, max_features in {sqrt, log2, 0.3}, criterion in
                      {gini, entropy}, bootstrap boolean; log-loss
  sgd-diabetes        SGDRegressor (max_iter 200, random_state 0) on load_diabetes (X and target
                      standardized): loss in {squared_error, huber, epsilon_insensitive}, penalty in
                      {l2, l1, elasticnet}, alpha 1e-6-1 (log), l1_ratio 0-1 (always asked),
                      learning_rate in {invscaling, adaptive}, eta0 1e-4-1e-1 (log); MSE (capped
                      at 10, a diverged fit's value)

Data cache: every data set is named ``p10-...`` and cached in ``../s19/probe_real_hpo.py``'s
``_DATA`` under ``"probe10:p10-..."``, so no data name can collide with probes 1-9; the problem
names differ from all of probes 1-9 too.

Methods: tw-default, optuna-tpe, optuna-gp, tw-tpe and the chosen candidate as
``tw-default+KEY=VAL[+KEY=VAL...]`` (probe 7's ``make_study7``: ``KEY`` an attribute of the
default's GP, ``auto.KEY`` of the AutoSampler itself, ``tpe.KEY`` of its TPE). Run it from a
checkout whose src has the attribute: the runner puts this checkout's src first on sys.path.

    OMP_NUM_THREADS=1 nice -n 19 .venv/bin/python benchmarks/history/s32/probe_real_hpo10.py --seeds 10 -j 1 \\
        --methods tw-default "tw-default+tpe.KEY=VAL" optuna-tpe \\
        --out benchmarks/history/s32/auto_probe10_rows.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s32/auto_probe10_rows.jsonl
"""

from __future__ import annotations

import json
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

PROBE = "probe10"


# (problem, configuration) -> loss, per worker process: every objective is deterministic per
# configuration (--check evaluates twice), so an exact repeat is answered from here, not fitted
# again. _CURRENT: the problem and the suggestions of the evaluation under way (set by _memoized).
_MEMO: dict[tuple[str, str], float] = {}
_CURRENT: list[tuple[str, dict[str, Any]] | None] = [None]


def _std(y: Any) -> Any:
    return (y - y.mean()) / y.std()


def _data10(name: str) -> Any:
    """Data set ``name`` (always ``p10-...``), cached under a key that names this probe."""
    import numpy as np
    from sklearn import datasets

    if not name.startswith("p10-"):  # pragma: no cover
        raise ValueError(f"probe 10 data names start with 'p10-': {name!r}")
    key = f"{PROBE}:{name}"
    if key not in base._DATA:
        if name == "p10-breast":
            X, y = datasets.load_breast_cancer(return_X_y=True)
        elif name == "p10-friedman3":
            X, y = datasets.make_friedman3(n_samples=300, noise=0.1, random_state=101)
            X = (X - X.mean(0)) / X.std(0)
            y = _std(y)
        elif name == "p10-mlc":
            X, Y = datasets.make_multilabel_classification(n_samples=400, n_features=12, n_classes=3, n_labels=2,
                                                           random_state=102)
            y = Y[:, 0]
        elif name == "p10-hastie":
            X, y = datasets.make_hastie_10_2(n_samples=360, random_state=103)
        elif name == "p10-regression":
            X, y = datasets.make_regression(n_samples=200, n_features=30, n_informative=6, noise=10.0,
                                            random_state=104)
            y = _std(y)
        elif name == "p10-digits":
            X, y = datasets.load_digits(return_X_y=True)
            X, y = X[:500], y[:500]
        elif name == "p10-diabetes":
            X, y = datasets.load_diabetes(return_X_y=True)
            X = (X - X.mean(0)) / X.std(0)
            y = _std(y)
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[key] = (np.asarray(X, dtype=float), y)
    return base._DATA[key]


def _cv10(model: Any, data: str, scoring: str, classify: bool) -> float:
    """Probe 9's ``_cv9`` (same folds, losses and failure value) on this probe's data; losses capped
    at the failure value 10 (a diverged SGD fit)."""
    import math
    import warnings

    import numpy as np
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    memo_key = None
    if _CURRENT[0] is not None:  # under the runner: a configuration seen before is not fitted again
        memo_key = (_CURRENT[0][0], json.dumps(_CURRENT[0][1], sort_keys=True, default=str))
        if memo_key in _MEMO:
            return _MEMO[memo_key]
    X, y = _data10(data)
    cv = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            s = cross_val_score(model, X, y, cv=cv, scoring=scoring, error_score=np.nan)
        except ValueError:  # scikit-learn >= 1.6 raises when every fold's fit failed
            return 10.0
    v = -float(np.mean(s)) if scoring.startswith("neg_") else 1.0 - float(np.mean(s))
    v = min(v, 10.0) if math.isfinite(v) else 10.0  # a fit that failed counts as a bad loss
    if memo_key is not None:
        _MEMO[memo_key] = v
    return v


def bc_discrete_cond(t: Any) -> float:
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import QuantileTransformer, RobustScaler, StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    scaler = t.suggest_categorical("scaler", ["standard", "robust", "quantile"])
    pre: Any = {"standard": StandardScaler, "robust": RobustScaler}.get(scaler)
    pre = pre() if pre is not None else QuantileTransformer(n_quantiles=100, random_state=0)
    model = t.suggest_categorical("model", ["knn", "tree", "gnb"])
    if model == "knn":
        m: Any = KNeighborsClassifier(n_neighbors=t.suggest_int("knn_n_neighbors", 1, 31, step=2),
                                      weights=t.suggest_categorical("knn_weights", ["uniform", "distance"]))
    elif model == "tree":
        m = DecisionTreeClassifier(max_depth=t.suggest_int("tree_max_depth", 1, 8),
                                   criterion=t.suggest_categorical("tree_criterion", ["gini", "entropy"]),
                                   min_samples_leaf=t.suggest_categorical("tree_min_samples_leaf", [1, 5, 20]),
                                   random_state=0)
    else:
        m = GaussianNB()
    return _cv10(make_pipeline(pre, m), "p10-breast", "neg_log_loss", True)


def friedman3_model_cond(t: Any) -> float:
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.svm import SVR

    model = t.suggest_categorical("model", ["svr", "kr", "knn"])
    if model == "svr":
        m: Any = SVR(C=t.suggest_float("svr_C", 1e-2, 1e3, log=True),
                     gamma=t.suggest_float("svr_gamma", 1e-3, 1e1, log=True),
                     epsilon=t.suggest_float("svr_epsilon", 1e-3, 1.0, log=True), max_iter=20000)
    elif model == "kr":
        m = KernelRidge(kernel=t.suggest_categorical("kr_kernel", ["rbf", "laplacian"]),
                        alpha=t.suggest_float("kr_alpha", 1e-4, 1e1, log=True),
                        gamma=t.suggest_float("kr_gamma", 1e-3, 1e1, log=True))
    else:
        m = KNeighborsRegressor(n_neighbors=t.suggest_int("knn_n_neighbors", 1, 40, log=True),
                                weights=t.suggest_categorical("knn_weights", ["uniform", "distance"]))
    return _cv10(m, "p10-friedman3", "neg_mean_squared_error", False)


def mlc_model_cond(t: Any) -> float:
    from sklearn.ensemble import ExtraTreesClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = t.suggest_categorical("model", ["extratrees", "logreg", "mnb"])
    if model == "extratrees":
        m: Any = ExtraTreesClassifier(n_estimators=t.suggest_categorical("et_n_estimators", [10, 20, 30]),
                                      max_features=t.suggest_categorical("et_max_features", ["sqrt", "log2", 0.5]),
                                      bootstrap=t.suggest_categorical("et_bootstrap", [False, True]),
                                      max_depth=t.suggest_int("et_max_depth", 2, 12), random_state=0, n_jobs=1)
    elif model == "logreg":
        cw = t.suggest_categorical("logreg_class_weight", ["none", "balanced"])
        m = make_pipeline(StandardScaler(), LogisticRegression(
            C=t.suggest_float("logreg_C", 1e-4, 1e3, log=True),
            fit_intercept=t.suggest_categorical("logreg_fit_intercept", [True, False]),
            class_weight=None if cw == "none" else cw, max_iter=300))
    else:
        m = MultinomialNB(alpha=t.suggest_float("mnb_alpha", 1e-3, 1e2, log=True),
                          fit_prior=t.suggest_categorical("mnb_fit_prior", [True, False]))
    return _cv10(m, "p10-mlc", "neg_log_loss", True)


def hastie_boost_cond(t: Any) -> float:
    from sklearn.ensemble import AdaBoostClassifier, GradientBoostingClassifier
    from sklearn.tree import DecisionTreeClassifier

    model = t.suggest_categorical("model", ["ada", "gbc"])
    if model == "ada":
        m: Any = AdaBoostClassifier(
            estimator=DecisionTreeClassifier(max_depth=t.suggest_int("ada_tree_depth", 1, 3), random_state=0),
            n_estimators=t.suggest_int("ada_n_estimators", 5, 25, step=5),
            learning_rate=t.suggest_float("ada_learning_rate", 1e-2, 2.0, log=True), random_state=0)
    else:
        m = GradientBoostingClassifier(n_estimators=t.suggest_int("gbc_n_estimators", 10, 30, step=10),
                                       max_depth=t.suggest_int("gbc_max_depth", 1, 4),
                                       subsample=t.suggest_categorical("gbc_subsample", [0.5, 0.75, 1.0]),
                                       learning_rate=t.suggest_float("gbc_learning_rate", 1e-2, 1.0, log=True),
                                       random_state=0)
    return _cv10(m, "p10-hastie", "roc_auc", True)


def reg_select_cond(t: Any) -> float:
    from sklearn.feature_selection import SelectKBest, f_regression
    from sklearn.linear_model import Lars, OrthogonalMatchingPursuit, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import RobustScaler, StandardScaler

    steps: list[Any] = [StandardScaler() if t.suggest_categorical("scaler", ["standard", "robust"]) == "standard"
                        else RobustScaler()]
    k = 30
    if t.suggest_categorical("selector", ["none", "kbest"]) == "kbest":
        k = t.suggest_int("kbest_k", 5, 30, step=5)
        steps.append(SelectKBest(f_regression, k=k))
    model = t.suggest_categorical("model", ["ridge", "lars", "omp"])
    if model == "ridge":
        m: Any = Ridge(alpha=t.suggest_float("ridge_alpha", 1e-4, 1e3, log=True))
    elif model == "lars":
        m = Lars(n_nonzero_coefs=min(t.suggest_int("lars_n_nonzero_coefs", 1, 20), k))
    else:
        m = OrthogonalMatchingPursuit(n_nonzero_coefs=min(t.suggest_int("omp_n_nonzero_coefs", 1, 20), k))
    steps.append(m)
    return _cv10(make_pipeline(*steps), "p10-regression", "neg_mean_squared_error", False)


def digits_svc_cond(t: Any) -> float:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler
    from sklearn.svm import SVC

    pre = MinMaxScaler() if t.suggest_categorical("scaler", ["minmax", "standard"]) == "minmax" else StandardScaler()
    C = t.suggest_float("C", 1e-3, 1e3, log=True)
    kernel = t.suggest_categorical("kernel", ["rbf", "poly", "linear"])
    kw: dict[str, Any] = {"C": C, "kernel": kernel, "max_iter": 20000}
    if kernel == "rbf":
        kw["gamma"] = t.suggest_float("rbf_gamma", 1e-4, 1.0, log=True)
    elif kernel == "poly":
        kw["degree"] = t.suggest_int("poly_degree", 2, 4)
        kw["coef0"] = t.suggest_float("poly_coef0", 0.0, 1.0)
    return _cv10(make_pipeline(pre, SVC(**kw)), "p10-digits", "accuracy", True)


def rf_digits(t: Any) -> float:
    from sklearn.ensemble import RandomForestClassifier

    m = RandomForestClassifier(n_estimators=t.suggest_int("n_estimators", 5, 25, log=True),
                               max_depth=t.suggest_int("max_depth", 2, 16),
                               max_features=t.suggest_categorical("max_features", ["sqrt", "log2", 0.3]),
                               criterion=t.suggest_categorical("criterion", ["gini", "entropy"]),
                               bootstrap=t.suggest_categorical("bootstrap", [True, False]), random_state=0, n_jobs=1)
    return _cv10(m, "p10-digits", "neg_log_loss", True)


def sgd_diabetes(t: Any) -> float:
    from sklearn.linear_model import SGDRegressor

    m = SGDRegressor(loss=t.suggest_categorical("loss", ["squared_error", "huber", "epsilon_insensitive"]),
                     penalty=t.suggest_categorical("penalty", ["l2", "l1", "elasticnet"]),
                     alpha=t.suggest_float("alpha", 1e-6, 1.0, log=True),
                     l1_ratio=t.suggest_float("l1_ratio", 0.0, 1.0),
                     learning_rate=t.suggest_categorical("learning_rate", ["invscaling", "adaptive"]),
                     eta0=t.suggest_float("eta0", 1e-4, 1e-1, log=True), max_iter=200, random_state=0)
    return _cv10(m, "p10-diabetes", "neg_mean_squared_error", False)


PROBLEMS = {
    "bc-discrete-cond": bc_discrete_cond,
    "friedman3-model-cond": friedman3_model_cond,
    "mlc-model-cond": mlc_model_cond,
    "hastie-boost-cond": hastie_boost_cond,
    "reg-select-cond": reg_select_cond,
    "digits-svc-cond": digits_svc_cond,
    "rf-digits": rf_digits,
    "sgd-diabetes": sgd_diabetes,
}
CONDITIONAL = ("bc-discrete-cond", "friedman3-model-cond", "mlc-model-cond", "hastie-boost-cond",
               "reg-select-cond", "digits-svc-cond")
DATA = {
    "bc-discrete-cond": "p10-breast",
    "friedman3-model-cond": "p10-friedman3",
    "mlc-model-cond": "p10-mlc",
    "hastie-boost-cond": "p10-hastie",
    "reg-select-cond": "p10-regression",
    "digits-svc-cond": "p10-digits",
    "rf-digits": "p10-digits",
    "sgd-diabetes": "p10-diabetes",
}



class _Recording:
    """A trial whose suggestions are also written to ``asked`` (the memo's key)."""

    def __init__(self, trial: Any, asked: dict[str, Any]) -> None:
        self._trial, self._asked = trial, asked

    def __getattr__(self, attr: str) -> Any:
        f = getattr(self._trial, attr)
        if not attr.startswith("suggest_"):
            return f

        def call(pname: str, *a: Any, **k: Any) -> Any:
            v = f(pname, *a, **k)
            self._asked[pname] = v
            return v

        return call


def _memoized(name: str) -> Any:
    fn = PROBLEMS[name]

    def objective(trial: Any) -> float:
        asked: dict[str, Any] = {}
        _CURRENT[0] = (name, asked)
        try:
            return fn(_Recording(trial, asked))  # type: ignore[no-any-return]
        finally:
            _CURRENT[0] = None

    return objective


MEMOIZED = {name: _memoized(name) for name in PROBLEMS}


def run_one10(job: tuple[str, str, int]) -> dict[str, Any]:
    """Probe 7's ``run_one7`` on this probe's problems, memoized (set in the worker, whatever the
    start method)."""
    if p7.PROBLEMS is not MEMOIZED:
        p7.PROBLEMS = MEMOIZED
    return p7.run_one7(job)


def check() -> None:
    """Evaluate each objective twice at probe 7's fixed parameter set (CPU time, determinism); no
    sampler, no study."""
    total = 0.0
    for name, fn in PROBLEMS.items():
        _data10(DATA[name])
        c1 = time.process_time()
        loss = fn(p7._FixedTrial())
        cpu = time.process_time() - c1
        again = fn(p7._FixedTrial())
        total += cpu
        finite = loss == loss and loss < 10.0  # the loss itself is not printed: the probe stays unseen
        print(f"{name:24s} one evaluation {cpu:.3f} s CPU, finite {finite}, same twice {loss == again}", flush=True)
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
        _data10(DATA[name])
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
    base.run_one = run_one10
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
