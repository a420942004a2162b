"""Sample efficiency of tunewise's samplers against peers, with a dev/test split that cannot overfit.

THE SPLIT (fixed in ``SPLITS`` below before any default was tuned against it; a problem never moves
from test to dev after it has been seen):

  dev   bbob instances 1-5 of all 24 functions; HPO data sets breast_cancer and wine, and two
        synthetic classification tasks (added 2026-12-04 for issue 18, before any tuning on them;
        breast_cancer and wine sit at the 1e-3 regret floor and cannot show a sampler's gap):
          clf-synth-gauss     make_classification(400 rows, 20 features: 10 informative, 4 redundant;
                              5 classes, one Gaussian cluster each; flip_y 0.02; class_sep 1.0; seed 11)
          clf-synth-clusters  make_classification(400 rows, 12 features: 6 informative, 2 redundant;
                              3 classes of 3 clusters each; flip_y 0.05; class_sep 1.5; seed 12)
        Both use the conditional CLASSIFIER_SPACE; their best clean errors are ~0.23 and ~0.16
        (SVM best on the first, the forest on the second), far above the floor.
        Defaults may be tuned on this split only.
  test  bbob instances 6-15 of all 24 functions; HPO data sets digits (scikit-learn models),
        diabetes (regression) and a small torch MLP on digits. Only ever reported.

  bbob dimensions 2, 3, 5, 10, 20, reported in the groups 2-5, 10 and 20; seed ``s`` runs instance
  ``instances[s % len(instances)]`` of the split (10 seeds on test = instances 6-15 once each).
  ``--reduced`` runs the five functions of ``REDUCED_FUNCTIONS`` (one per bbob function class,
  chosen among the functions no earlier tuning session used) instead of all 24.

Problems:
  COCO bbob (package ``coco-experiment``, module ``cocoex``) in [-5, 5]^d; regret = best f found -
  f(x_opt), floored at 1e-8 for geometric means.
  HPO: mixed and conditional spaces (a categorical model choice, SVM vs forest vs a linear model,
  each with its own log-float / log-int / float / categorical parameters) on data sets shipped with
  scikit-learn, and a torch MLP on digits (optimizer choice with a conditional momentum). Every
  evaluation is noisy: 3-fold CV on a fresh random shuffle (a fresh initialisation for the MLP).
  The regret of a run after b trials is the *clean* loss (the mean over three fixed shuffles) of the
  configuration the method would return then (its best noisy value), minus the best clean loss any
  run in the summary reached; floored at 1e-3 (an error rate has that granularity).

Methods (same problems, budgets and seeds, in one run):
  tunewise: tw-auto (the default), tw-tpe, tw-gp, tw-random, tw-qmc
  peers:    optuna-tpe, optuna-gp (optuna's GPSampler, needs torch), hyperopt-tpe, skopt-gp
            (scikit-optimize gp_minimize), smac-hpo (SMAC3 HyperparameterOptimizationFacade),
            hebo and ax (where they install; a slow peer can run once from its own virtualenv and
            be merged with ``--summarize``, its JSON stored in benchmarks/results/ with its command).
  ``--tag NAME`` renames the tunewise methods (tw-gp -> tw-gp@NAME): run the script from a worktree
  of an older commit with a tag and merge, to compare before and after in one table.
  ``tw-auto@ot-NAME`` / ``tw-gp@ot-NAME``: the GP's ``output_transform`` set to NAME (dev variants,
  e.g. ``tw-auto@ot-hedge``, the default before issue 18's session 6).
  ``tw-auto@set:KEY=VALUE`` (repeatable): sets an attribute of the AutoSampler where it has one,
  else of its GP (dev variants, e.g. ``tw-auto@set:n_startup_trials=5``).

Budgets: fixed 30, 60, 100 and 10·d, 20·d, 50·d; one run per (problem, method, seed) at the largest
budget (capped by ``--max-budget``); the regret at a smaller budget is read from its first trials (no
method here is told its budget except skopt and smac, which stop there). Budgets above the cap are
reported as not run.

Reported per budget: geometric-mean regret per dimension group and on HPO, its ratio to optuna's GP
and TPE, mean rank (per problem, on the geometric mean over seeds), optimizer wall and CPU time per
trial (objective excluded), and an ECDF of regret targets reached (COCO style) as a plotly page
``benchmarks/results/sample_efficiency_<split>_ecdf.html``. The report names its split on every table.

  nice -n 10 .venv/bin/python benchmarks/sample_efficiency.py --quick                  # CI size
  nice -n 10 .venv/bin/python benchmarks/sample_efficiency.py --split dev --workers 2 \\
      --json benchmarks/results/se_dev.json
  nice -n 10 .venv/bin/python benchmarks/sample_efficiency.py --split test --reduced --seeds 10 \\
      --dims 3 10 --methods tw-auto optuna-gp optuna-tpe --workers 2 --json benchmarks/results/se_test.json
  .venv/bin/python benchmarks/sample_efficiency.py --summarize a.json b.json          # merge runs
  .venv/bin/python benchmarks/sample_efficiency.py --overhead-only                    # TPE cost
  .venv/bin/python benchmarks/sample_efficiency.py --gp-overhead-only                 # GP cost

Needs the benchmark extra (optuna, hyperopt, scikit-optimize, coco-experiment, scikit-learn,
plotly; torch for optuna's GPSampler and the MLP task; smac for SMAC3).

Peers whose pins clash with this environment run from their own virtualenv, with ``PYTHONPATH=src``
and ``--methods ax`` or ``--methods hebo`` (OMP_NUM_THREADS=1), then merge with ``--summarize``:
  ax:   python -m venv V; V/bin/pip install torch==2.13.0 ax-platform==1.3.1 coco-experiment scikit-learn
  hebo: python -m venv V; V/bin/pip install torch==2.13.0 "setuptools<70" wheel cython;
        V/bin/pip install numpy==1.26.4 scipy==1.12.0 pandas==2.2.3 pymoo==0.6.0 scikit-learn==1.5.2;
        then one at a time (one resolver run for all of them backtracks for hours):
        V/bin/pip install numpy==1.26.4 GPy; V/bin/pip install numpy==1.26.4 catboost;
        V/bin/pip install numpy==1.26.4 gpytorch disjoint-set coco-experiment sqlalchemy pyyaml;
        V/bin/pip install --no-deps HEBO==0.3.6   (HEBO needs numpy < 2)
The machine it runs on is shared and noisy: timings are indicative only; CPU seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

RESULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")

# ---- the split (decided before tuning; never move a problem from test to dev) --------------------
SPLITS: dict[str, dict[str, tuple[Any, ...]]] = {
    "dev": {"bbob_instances": (1, 2, 3, 4, 5),
            "hpo": ("clf-breast_cancer", "clf-wine", "clf-synth-gauss", "clf-synth-clusters")},
    "test": {"bbob_instances": tuple(range(6, 16)), "hpo": ("clf-digits", "reg-diabetes", "torch-mlp-digits")},
}
BBOB_FUNCTIONS = tuple(range(1, 25))
# bbob function classes (Hansen et al. 2009).
BBOB_CLASSES = {"separable": (1, 2, 3, 4, 5), "moderate": (6, 7, 8, 9), "ill-conditioned": (10, 11, 12, 13, 14),
                "multimodal": (15, 16, 17, 18, 19), "weak-structure": (20, 21, 22, 23, 24)}
# For reduced runs: one function per class, among those no earlier tuning session used (they used
# f1-3, f6-8, f10, f12, f15, f17, f20, f21; benchmarks/history/gp.md).
REDUCED_FUNCTIONS = (4, 9, 11, 16, 22)
DIMS = (2, 3, 5, 10, 20)
DIM_GROUPS = {"2-5": (2, 3, 5), "10": (10,), "20": (20,)}
FIXED_BUDGETS = (30, 60, 100)
DIM_BUDGET_FACTORS = (10, 20, 50)
BBOB_FLOOR, HPO_FLOOR = 1e-8, 1e-3

TW_METHODS = ["tw-auto", "tw-tpe", "tw-gp", "tw-random", "tw-qmc", "tw-cmaes"]
PEER_METHODS = ["optuna-tpe", "optuna-gp", "optuna-cmaes", "hyperopt-tpe", "skopt-gp", "smac-hpo", "hebo", "ax"]
ALL_METHODS = TW_METHODS + PEER_METHODS
DEFAULT_METHODS = ["tw-auto", "tw-tpe", "tw-gp", "tw-random", "optuna-tpe", "optuna-gp", "hyperopt-tpe",
                   "skopt-gp", "smac-hpo"]

# A space is a list of (name, spec, condition): spec ("float", low, high, log) | ("int", low, high,
# log) | ("cat", choices); condition None or (parent, value): the parameter exists only when the
# categorical ``parent`` (listed earlier) took ``value``.
Spec = tuple
Space = list[tuple[str, Spec, tuple[str, Any] | None]]

CLASSIFIER_SPACE: Space = [
    ("model", ("cat", ["svm", "forest", "logreg"]), None),
    ("svm_C", ("float", 1e-2, 1e3, True), ("model", "svm")),
    ("svm_gamma", ("float", 1e-4, 1e1, True), ("model", "svm")),
    ("svm_kernel", ("cat", ["rbf", "sigmoid"]), ("model", "svm")),
    ("forest_n_estimators", ("int", 8, 64, True), ("model", "forest")),
    ("forest_max_depth", ("int", 1, 12, False), ("model", "forest")),
    ("forest_max_features", ("float", 0.05, 1.0, False), ("model", "forest")),
    ("forest_criterion", ("cat", ["gini", "entropy"]), ("model", "forest")),
    ("logreg_C", ("float", 1e-4, 1e2, True), ("model", "logreg")),
]
REGRESSOR_SPACE: Space = [
    ("model", ("cat", ["svr", "forest", "ridge"]), None),
    ("svr_C", ("float", 1e-2, 1e3, True), ("model", "svr")),
    ("svr_epsilon", ("float", 1e-3, 1.0, True), ("model", "svr")),
    ("svr_gamma", ("float", 1e-4, 1e1, True), ("model", "svr")),
    ("forest_n_estimators", ("int", 8, 64, True), ("model", "forest")),
    ("forest_max_depth", ("int", 1, 12, False), ("model", "forest")),
    ("forest_max_features", ("float", 0.05, 1.0, False), ("model", "forest")),
    ("forest_min_samples_leaf", ("int", 1, 30, True), ("model", "forest")),
    ("ridge_alpha", ("float", 1e-3, 1e3, True), ("model", "ridge")),
]
MLP_SPACE: Space = [
    ("hidden", ("int", 16, 256, True), None),
    ("layers", ("int", 1, 3, False), None),
    ("lr", ("float", 1e-4, 1e-1, True), None),
    ("weight_decay", ("float", 1e-6, 1e-2, True), None),
    ("activation", ("cat", ["relu", "tanh"]), None),
    ("optimizer", ("cat", ["adam", "sgd"]), None),
    ("momentum", ("float", 0.0, 0.99, False), ("optimizer", "sgd")),
]
HPO_SPACES: dict[str, Space] = {
    "clf-breast_cancer": CLASSIFIER_SPACE, "clf-wine": CLASSIFIER_SPACE, "clf-digits": CLASSIFIER_SPACE,
    "clf-synth-gauss": CLASSIFIER_SPACE, "clf-synth-clusters": CLASSIFIER_SPACE,
    "reg-diabetes": REGRESSOR_SPACE, "torch-mlp-digits": MLP_SPACE,
}
# Synthetic dev tasks (fixed generator seeds; see the split in the module docstring).
SYNTHETIC_TASKS: dict[str, dict[str, Any]] = {
    "clf-synth-gauss": dict(n_samples=400, n_features=20, n_informative=10, n_redundant=4, n_classes=5,
                            n_clusters_per_class=1, flip_y=0.02, class_sep=1.0, random_state=11),
    "clf-synth-clusters": dict(n_samples=400, n_features=12, n_informative=6, n_redundant=2, n_classes=3,
                               n_clusters_per_class=3, flip_y=0.05, class_sep=1.5, random_state=12),
}
_CLEAN_SEEDS = (10_001, 10_002, 10_003)


@dataclass
class Problem:
    name: str
    kind: str  # "bbob" or "hpo"
    space: Space
    dim: int
    group: str
    fid: int = 0
    tags: dict[str, Any] = field(default_factory=dict)


def bbob_problem(fid: int, dim: int) -> Problem:
    group = next(g for g, ds in DIM_GROUPS.items() if dim in ds) if any(dim in ds for ds in DIM_GROUPS.values()) \
        else str(dim)
    space: Space = [(f"x{i}", ("float", -5.0, 5.0, False), None) for i in range(dim)]
    return Problem(f"bbob-f{fid}-d{dim}", "bbob", space, dim, group, fid)


def hpo_problem(name: str) -> Problem:
    space = HPO_SPACES[name]
    return Problem(name, "hpo", space, len(space), "hpo")


def run_length(problem: Problem, max_budget: int) -> int:
    """Trials of one run: the largest reported budget for this problem, capped."""
    return min(max(max(FIXED_BUDGETS), max(DIM_BUDGET_FACTORS) * problem.dim), max_budget)


def budget_of(label: str, dim: int) -> int:
    return int(label) if label.isdigit() else int(label.split("d")[0]) * dim


BUDGET_LABELS = [str(b) for b in FIXED_BUDGETS] + [f"{k}d" for k in DIM_BUDGET_FACTORS]


# ---- objectives ---------------------------------------------------------------------------------
_DATA: dict[str, Any] = {}
_CLEAN_CACHE: dict[str, float] = {}


def _dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets
    from sklearn.preprocessing import StandardScaler

    if name not in _DATA:
        if name in SYNTHETIC_TASKS:
            X, y = datasets.make_classification(**SYNTHETIC_TASKS[name])
            X = StandardScaler().fit_transform(X)
        elif name.endswith("breast_cancer"):
            X, y = datasets.load_breast_cancer(return_X_y=True)
            X = StandardScaler().fit_transform(X)
        elif name.endswith("wine"):
            X, y = datasets.load_wine(return_X_y=True)
            X = StandardScaler().fit_transform(X)
        elif name.endswith("digits"):
            X, y = datasets.load_digits(return_X_y=True)
            X, y = X[:900] / 16.0, y[:900]
        elif name.endswith("diabetes"):
            X, y = datasets.load_diabetes(return_X_y=True)
            X = StandardScaler().fit_transform(X)
            y = (y - y.mean()) / y.std()
        else:  # pragma: no cover
            raise ValueError(name)
        _DATA[name] = (X, y)
    return _DATA[name]  # type: ignore[no-any-return]


def _sklearn_loss(name: str, p: dict[str, Any], seed: int) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = _dataset(name)
    m = p["model"]
    if name.startswith("clf-"):
        if m == "svm":
            from sklearn.svm import SVC
            model: Any = SVC(C=p["svm_C"], gamma=p["svm_gamma"], kernel=p["svm_kernel"])
        elif m == "forest":
            from sklearn.ensemble import RandomForestClassifier
            model = RandomForestClassifier(n_estimators=int(p["forest_n_estimators"]),
                                           max_depth=int(p["forest_max_depth"]),
                                           max_features=float(p["forest_max_features"]),
                                           criterion=p["forest_criterion"], random_state=seed, n_jobs=1)
        else:
            from sklearn.linear_model import LogisticRegression
            model = LogisticRegression(C=p["logreg_C"], max_iter=200)
        cv: Any = StratifiedKFold(3, shuffle=True, random_state=seed)
    else:
        if m == "svr":
            from sklearn.svm import SVR
            model = SVR(C=p["svr_C"], epsilon=p["svr_epsilon"], gamma=p["svr_gamma"])
        elif m == "forest":
            from sklearn.ensemble import RandomForestRegressor
            model = RandomForestRegressor(n_estimators=int(p["forest_n_estimators"]),
                                          max_depth=int(p["forest_max_depth"]),
                                          max_features=float(p["forest_max_features"]),
                                          min_samples_leaf=int(p["forest_min_samples_leaf"]),
                                          random_state=seed, n_jobs=1)
        else:
            from sklearn.linear_model import Ridge
            model = Ridge(alpha=p["ridge_alpha"])
        cv = KFold(3, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        score = float(np.mean(cross_val_score(model, X, y, cv=cv)))
    # Classification error, or 1 - R^2 clipped (a diverged model must not dominate the means).
    return min(1.0 - score, 2.0) if math.isfinite(score) else 2.0


def _torch_mlp_loss(p: dict[str, Any], seed: int) -> float:
    import torch

    torch.set_num_threads(1)
    X, y = _torch_digits()
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(len(X), generator=g)
    tr, va = perm[:1000], perm[1000:]
    torch.manual_seed(seed)
    act = torch.nn.ReLU if p["activation"] == "relu" else torch.nn.Tanh
    h = int(p["hidden"])
    layers: list[Any] = []
    width = X.shape[1]
    for _ in range(int(p["layers"])):
        layers += [torch.nn.Linear(width, h), act()]
        width = h
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, 10))
    if p["optimizer"] == "adam":
        opt: Any = torch.optim.Adam(net.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])
    else:
        opt = torch.optim.SGD(net.parameters(), lr=p["lr"], momentum=p["momentum"], weight_decay=p["weight_decay"])
    loss_fn = torch.nn.CrossEntropyLoss()
    Xtr, ytr = X[tr], y[tr]
    for _ in range(8):  # epochs
        order = torch.randperm(len(Xtr), generator=g)
        for i in range(0, len(Xtr), 64):
            idx = order[i : i + 64]
            opt.zero_grad()
            loss = loss_fn(net(Xtr[idx]), ytr[idx])
            if not torch.isfinite(loss):
                return 1.0
            loss.backward()
            opt.step()
    with torch.no_grad():
        acc = float((net(X[va]).argmax(1) == y[va]).float().mean())
    return 1.0 - acc


def _torch_digits() -> tuple[Any, Any]:
    if "torch-digits" not in _DATA:
        import torch
        from sklearn import datasets

        X, y = datasets.load_digits(return_X_y=True)
        _DATA["torch-digits"] = (torch.tensor(X / 16.0, dtype=torch.float32), torch.tensor(y))
    return _DATA["torch-digits"]  # type: ignore[no-any-return]


def hpo_loss(name: str, p: dict[str, Any], seed: int) -> float:
    if name == "torch-mlp-digits":
        return _torch_mlp_loss(p, seed)
    return _sklearn_loss(name, p, seed)


def hpo_clean_loss(name: str, p: dict[str, Any]) -> float:
    """The noise-free figure of merit: the mean loss over three fixed shuffles (cached)."""
    key = name + json.dumps(p, sort_keys=True, default=str)
    if key not in _CLEAN_CACHE:
        _CLEAN_CACHE[key] = float(np.mean([hpo_loss(name, p, s) for s in _CLEAN_SEEDS]))
    return _CLEAN_CACHE[key]


def _bbob_objective(problem: Problem, instance: int) -> Callable[[dict[str, Any]], float]:
    import cocoex

    dim = problem.dim
    # "instances: 1-15" makes instance index i the bbob instance i (the default suite jumps to 71-80).
    suite = cocoex.Suite("bbob", "instances: 1-15",
                         f"dimensions: {dim} instance_indices: {instance} function_indices: {problem.fid}")
    p = suite.get_problem_by_function_dimension_instance(problem.fid, dim, instance)
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        # _best_parameter('print') writes x_opt to a file in the working directory.
        os.chdir(tmp)
        try:
            p._best_parameter("print")
            x_opt = np.atleast_1d(np.loadtxt(os.path.join(tmp, os.listdir(tmp)[0])))
        finally:
            os.chdir(cwd)
    f_opt = float(p(x_opt))
    names = [n for n, _, _ in problem.space]

    def f(params: dict[str, Any]) -> float:
        return float(p(np.array([params[n] for n in names]))) - f_opt

    f._keep = (suite, p)  # type: ignore[attr-defined]
    return f


def _active(space: Space, params: dict[str, Any], cond: tuple[str, Any] | None) -> bool:
    return cond is None or params.get(cond[0]) == cond[1]


# ---- method adapters: each calls f(params) budget times ------------------------------------------
def _tw_dist(spec: Spec) -> Any:
    import tunewise as tw

    if spec[0] == "float":
        return tw.distributions.Float(spec[1], spec[2], log=spec[3])
    if spec[0] == "int":
        return tw.distributions.Int(spec[1], spec[2], log=spec[3])
    return tw.distributions.Categorical(tuple(spec[1]))


def run_tunewise(method: str, space: Space, f: Callable, budget: int, seed: int) -> None:
    import logging

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    s = tw.samplers
    base = method.split("@")[0]
    makers: dict[str, Callable[[], Any]] = {
        "tw-auto": lambda: s.AutoSampler(seed=seed), "tw-tpe": lambda: s.TPESampler(seed=seed),
        "tw-gp": lambda: s.GPSampler(seed=seed), "tw-random": lambda: s.RandomSampler(seed=seed),  # type: ignore[operator]
        "tw-qmc": lambda: s.QMCSampler(seed=seed), "tw-cmaes": lambda: s.CmaEsSampler(seed=seed)}
    sampler = makers[base]()
    if "@ot-" in method:  # dev variant: "tw-auto@ot-loo" sets the GP's output_transform
        gp = sampler._gp_sampler() if base == "tw-auto" else sampler
        gp.output_transform = method.split("@ot-")[1]
    for setting in method.split("@set:")[1:]:  # dev variant: "tw-auto@set:n_startup_trials=5"
        from _dev_settings import apply_setting

        apply_setting(sampler, setting)
    dists = {n: _tw_dist(sp) for n, sp, _ in space}

    def obj(t: Any) -> float:
        p: dict[str, Any] = {}
        for n, _, cond in space:
            if _active(space, p, cond):
                p[n] = t.suggest(n, dists[n])
        return f(p)

    study = tw.create_study(sampler=sampler)
    study.optimize(obj, n_trials=budget)


def run_optuna(method: str, space: Space, f: Callable, budget: int, seed: int) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    if method == "optuna-gp":
        import torch

        # One thread, as tunewise's GP limits its BLAS to one: a fair CPU figure, and no spinning
        # threads on a shared machine.
        torch.set_num_threads(1)
    sampler = (optuna.samplers.TPESampler(seed=seed) if method == "optuna-tpe"
               else optuna.samplers.CmaEsSampler(seed=seed) if method == "optuna-cmaes"
               else optuna.samplers.GPSampler(seed=seed))

    def obj(t: Any) -> float:
        p: dict[str, Any] = {}
        for n, sp, cond in space:
            if not _active(space, p, cond):
                continue
            if sp[0] == "float":
                p[n] = t.suggest_float(n, sp[1], sp[2], log=sp[3])
            elif sp[0] == "int":
                p[n] = t.suggest_int(n, sp[1], sp[2], log=sp[3])
            else:
                p[n] = t.suggest_categorical(n, sp[1])
        return f(p)

    study = optuna.create_study(sampler=sampler)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study.optimize(obj, n_trials=budget)


def run_hyperopt(space: Space, f: Callable, budget: int, seed: int) -> None:
    import logging

    from hyperopt import Trials, fmin, hp, tpe  # type: ignore[import-untyped]

    logging.getLogger("hyperopt").setLevel(logging.ERROR)

    def node(n: str, sp: Spec) -> Any:
        if sp[0] == "float":
            return hp.loguniform(n, math.log(sp[1]), math.log(sp[2])) if sp[3] else hp.uniform(n, sp[1], sp[2])
        if sp[0] == "int":
            return (hp.qloguniform(n, math.log(sp[1]), math.log(sp[2]), 1) if sp[3]
                    else hp.quniform(n, sp[1], sp[2], 1))
        return hp.choice(n, sp[1])

    parents = {cond[0] for _, _, cond in space if cond is not None}
    hspace: dict[str, Any] = {}
    for n, sp, cond in space:
        if cond is not None:
            continue
        if n in parents:  # a conditional branch per choice (hyperopt's nested hp.choice)
            branches = []
            for v in sp[1]:
                branch: dict[str, Any] = {n: v}
                for cn, csp, cc in space:
                    if cc == (n, v):
                        branch[cn] = node(cn, csp)
                branches.append(branch)
            hspace[n] = hp.choice(n, branches)
        else:
            hspace[n] = node(n, sp)
    specs = {n: sp for n, sp, _ in space}

    def obj(p: dict[str, Any]) -> float:
        q: dict[str, Any] = {}
        for k, v in p.items():
            if isinstance(v, dict):
                q.update(v)
            else:
                q[k] = v
        for n, v in list(q.items()):
            sp = specs[n]
            if sp[0] == "int":
                q[n] = int(min(max(round(v), sp[1]), sp[2]))
        return f(q)

    fmin(obj, hspace, algo=tpe.suggest, max_evals=budget, trials=Trials(), rstate=np.random.default_rng(seed),
         show_progressbar=False)


def run_skopt(space: Space, f: Callable, budget: int, seed: int) -> None:
    # scikit-optimize has no conditional spaces: every parameter is searched, inactive ones ignored.
    from skopt import gp_minimize  # type: ignore[import-untyped]
    from skopt.space import Categorical, Integer, Real  # type: ignore[import-untyped]

    dims = []
    for n, sp, _ in space:
        if sp[0] == "float":
            dims.append(Real(sp[1], sp[2], prior="log-uniform" if sp[3] else "uniform", name=n))
        elif sp[0] == "int":
            dims.append(Integer(sp[1], sp[2], prior="log-uniform" if sp[3] else "uniform", name=n))
        else:
            dims.append(Categorical(sp[1], name=n))

    def obj(x: list[Any]) -> float:
        full = {n: (v.item() if hasattr(v, "item") else v) for (n, _, _), v in zip(space, x, strict=True)}
        p: dict[str, Any] = {}
        for n, _, cond in space:
            if _active(space, p, cond):
                p[n] = full[n]
        return f(p)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp_minimize(obj, dims, n_calls=budget, random_state=seed, n_initial_points=min(10, budget))


def run_smac(space: Space, f: Callable, budget: int, seed: int) -> None:
    import logging

    from ConfigSpace import Categorical, ConfigurationSpace, EqualsCondition, Float, Integer
    from smac import HyperparameterOptimizationFacade, Scenario
    from smac.runhistory.dataclasses import TrialValue

    logging.disable(logging.WARNING)
    cs = ConfigurationSpace(seed=seed)
    hps: dict[str, Any] = {}
    for n, sp, _ in space:
        if sp[0] == "float":
            hps[n] = Float(n, (sp[1], sp[2]), log=sp[3])
        elif sp[0] == "int":
            hps[n] = Integer(n, (sp[1], sp[2]), log=sp[3])
        else:
            hps[n] = Categorical(n, list(sp[1]))
    cs.add(list(hps.values()))
    cs.add([EqualsCondition(hps[n], hps[c[0]], c[1]) for n, _, c in space if c is not None])
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scenario = Scenario(cs, deterministic=True, n_trials=budget, seed=seed, output_directory=Path(tmp))
        smac = HyperparameterOptimizationFacade(scenario, lambda config, seed=0: 0.0, overwrite=True,
                                                logging_level=40)
        for _ in range(budget):
            info = smac.ask()
            p = {k: (v.item() if hasattr(v, "item") else v) for k, v in dict(info.config).items()}
            p = {k: (str(v) if isinstance(v, np.str_) else v) for k, v in p.items()}
            smac.tell(info, TrialValue(cost=f(p)))


def run_hebo(space: Space, f: Callable, budget: int, seed: int) -> None:
    # HEBO has no conditional spaces: every parameter is searched, inactive ones ignored.
    import pandas as pd
    from hebo.design_space.design_space import DesignSpace  # type: ignore[import-not-found]
    from hebo.optimizers.hebo import HEBO  # type: ignore[import-not-found]

    cfg = []
    for n, sp, _ in space:
        if sp[0] == "float":
            cfg.append({"name": n, "type": "pow" if sp[3] else "num", "lb": sp[1], "ub": sp[2]})
        elif sp[0] == "int":
            cfg.append({"name": n, "type": "pow_int" if sp[3] else "int", "lb": sp[1], "ub": sp[2]})
        else:
            cfg.append({"name": n, "type": "cat", "categories": list(sp[1])})
    opt = HEBO(DesignSpace().parse(cfg), rand_sample=min(10, budget), scramble_seed=seed)
    np.random.seed(seed)
    for _ in range(budget):
        rec = opt.suggest(n_suggestions=1)
        full = rec.iloc[0].to_dict()
        p: dict[str, Any] = {}
        for n, _, cond in space:
            if _active(space, p, cond):
                p[n] = full[n].item() if hasattr(full[n], "item") else full[n]
        opt.observe(rec, np.array([[f(p)]]))
    del pd


def run_ax(space: Space, f: Callable, budget: int, seed: int) -> None:
    # Ax's default generation strategy (Sobol, then BoTorch); no conditional spaces: every parameter
    # is searched, inactive ones ignored. Runs from its own virtualenv (see the module docstring).
    import logging

    from ax.api.client import Client  # type: ignore[import-not-found]
    from ax.api.configs import ChoiceParameterConfig, RangeParameterConfig  # type: ignore[import-not-found]

    logging.disable(logging.WARNING)
    params: list[Any] = []
    for n, sp, _ in space:
        if sp[0] in ("float", "int"):
            params.append(RangeParameterConfig(name=n, parameter_type=sp[0], bounds=(sp[1], sp[2]),
                                               scaling="log" if sp[3] else "linear"))
        else:
            params.append(ChoiceParameterConfig(name=n, parameter_type="str", values=list(sp[1]), is_ordered=False))
    client = Client(random_seed=seed)
    client.configure_experiment(parameters=params)
    client.configure_optimization(objective="-loss")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(budget):
            for index, full in client.get_next_trials(max_trials=1).items():
                p: dict[str, Any] = {}
                for n, _, cond in space:
                    if _active(space, p, cond):
                        p[n] = full[n]
                client.complete_trial(trial_index=index, raw_data={"loss": f(p)})


def run_one(task: tuple[Problem, str, int, int, str]) -> dict[str, Any]:
    """One (problem, method, seed) run; returns the trace of the incumbent's (clean) regret."""
    problem, method, budget, seed, split = task
    instance = SPLITS[split]["bbob_instances"][seed % len(SPLITS[split]["bbob_instances"])]
    history: list[tuple[float, dict[str, Any]]] = []
    obj_wall = obj_cpu = 0.0
    noise_rng = np.random.default_rng([seed, 7919])
    inner: Callable[[dict[str, Any]], float]
    if problem.kind == "bbob":
        inner = _bbob_objective(problem, instance)
    else:
        def inner(p: dict[str, Any]) -> float:
            return hpo_loss(problem.name, p, int(noise_rng.integers(2**31)))

    def f(p: dict[str, Any]) -> float:
        nonlocal obj_wall, obj_cpu
        w0, c0 = time.perf_counter(), time.process_time()
        v = inner(p)
        obj_wall += time.perf_counter() - w0
        obj_cpu += time.process_time() - c0
        history.append((v, dict(p)))
        return v

    t0, c0 = time.perf_counter(), time.process_time()
    np.random.seed(seed)  # hyperopt and skopt dependencies that use the global stream
    base = method.split("@")[0]
    try:
        if base.startswith("tw-"):
            run_tunewise(method, problem.space, f, budget, seed)
        elif base.startswith("optuna-"):
            run_optuna(base, problem.space, f, budget, seed)
        elif base == "hyperopt-tpe":
            run_hyperopt(problem.space, f, budget, seed)
        elif base == "skopt-gp":
            run_skopt(problem.space, f, budget, seed)
        elif base == "smac-hpo":
            run_smac(problem.space, f, budget, seed)
        elif base == "hebo":
            run_hebo(problem.space, f, budget, seed)
        elif base == "ax":
            run_ax(problem.space, f, budget, seed)
        else:
            raise ValueError(f"unknown method {method!r}; choose from {ALL_METHODS}")
        error = None
    except Exception as e:  # a peer that does not run here is reported, not fatal
        error = f"{type(e).__name__}: {e}"
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    history = history[:budget]
    trace: list[float] = []
    best_noisy, best_clean = math.inf, math.inf
    for v, p in history:
        if math.isfinite(v) and v < best_noisy:
            best_noisy = v
            best_clean = v if problem.kind == "bbob" else hpo_clean_loss(problem.name, p)
        trace.append(best_clean)
    return {"problem": problem.name, "kind": problem.kind, "group": problem.group, "dim": problem.dim,
            "method": method, "seed": seed, "instance": instance if problem.kind == "bbob" else None,
            "split": split, "budget": budget, "values": [v for v, _ in history], "trace": trace,
            "seconds": wall, "cpu_seconds": cpu, "objective_seconds": obj_wall, "objective_cpu_seconds": obj_cpu,
            "error": error if error or len(history) >= budget else f"stopped after {len(history)} trials"}


# ---- per-trial cost ------------------------------------------------------------------------------
def measure_overhead(n_prefill: int = 1000, n_measure: int = 30, dim: int = 5) -> dict[str, float]:
    """ms per trial (sampler + framework) of TPE after ``n_prefill`` trials, tunewise vs optuna."""
    import logging

    import optuna

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def f_tw(t: Any) -> float:
        return sum((t.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(dim))

    out: dict[str, float] = {}
    st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    st.optimize(f_tw, n_trials=n_prefill)
    st.sampler = tw.samplers.TPESampler(seed=0)
    st.optimize(f_tw, n_trials=1)  # builds the incremental cache once
    so = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    so.optimize(f_tw, n_trials=n_prefill)
    so.sampler = optuna.samplers.TPESampler(seed=0)
    # Interleave the two so that load from other users of the machine hits both alike.
    tw_t, op_t = [], []
    for _ in range(3):
        t0 = time.process_time()
        st.optimize(f_tw, n_trials=n_measure // 3)
        tw_t.append(time.process_time() - t0)
        t0 = time.process_time()
        so.optimize(f_tw, n_trials=n_measure // 3)
        op_t.append(time.process_time() - t0)
    k = n_measure // 3
    out["tw-tpe ms/trial"] = 1000 * min(tw_t) / k
    out["optuna-tpe ms/trial"] = 1000 * min(op_t) / k
    return out


def measure_gp_overhead(n_prefill: int = 200, n_measure: int = 10, dim: int = 5) -> dict[str, float]:
    """CPU ms per GP proposal after ``n_prefill`` random trials (d = ``dim``), tunewise vs optuna.

    CPU time of this process (threads included), so that other users of a shared machine do not
    count; both run with one BLAS thread (tunewise limits itself; optuna's torch is set to 1).
    """
    import logging

    import optuna
    import torch

    import tunewise as tw

    torch.set_num_threads(1)
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def f(t: Any) -> float:
        x = np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)])
        return float(np.sum((x - 1) ** 2) + 3 * np.sum(np.cos(2 * x)))

    st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    st.optimize(f, n_trials=n_prefill)
    st.sampler = tw.samplers.GPSampler(seed=0)  # type: ignore[operator]
    so = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    so.optimize(f, n_trials=n_prefill)
    so.sampler = optuna.samplers.GPSampler(seed=0)
    tw_t, op_t = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(n_measure):
            t0 = time.process_time()
            st.optimize(f, n_trials=1)
            tw_t.append(time.process_time() - t0)
            t0 = time.process_time()
            so.optimize(f, n_trials=1)
            op_t.append(time.process_time() - t0)
    return {"tw-gp cpu ms/trial (median)": 1000 * float(np.median(tw_t)),
            "optuna-gp cpu ms/trial (median)": 1000 * float(np.median(op_t)),
            "tw-gp cpu ms/trial (mean)": 1000 * float(np.mean(tw_t)),
            "optuna-gp cpu ms/trial (mean)": 1000 * float(np.mean(op_t))}


def measure_tw_flat(n_prefill: int, n_measure: int = 20, dim: int = 5, **tpe_kwargs: Any) -> float:
    import tunewise as tw

    def f_tw(t: Any) -> float:
        return sum((t.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(dim))

    st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    st.optimize(f_tw, n_trials=n_prefill)
    st.sampler = tw.samplers.TPESampler(seed=0, **tpe_kwargs)
    st.optimize(f_tw, n_trials=1)
    times = []
    for _ in range(3):  # min of 3 batches: the least disturbed by other users of the machine
        t0 = time.perf_counter()
        st.optimize(f_tw, n_trials=max(n_measure // 3, 1))
        times.append(time.perf_counter() - t0)
    return 1000 * min(times) / max(n_measure // 3, 1)


# ---- tables -------------------------------------------------------------------------------------
def _gmean(x: list[float], floor: float) -> float:
    return float(np.exp(np.mean(np.log(np.maximum(np.asarray(x, dtype=float), floor)))))


class Summary:
    """Regret tables from run records (paired: only (problem, seed) cells every method finished)."""

    def __init__(self, results: list[dict[str, Any]], methods: list[str]) -> None:
        self.errors = sorted({(r["method"], r["error"]) for r in results if r["error"]})
        ok = [r for r in results if r["error"] is None and r["trace"]]
        present = [m for m in methods if any(r["method"] == m for r in ok)]
        present += sorted({r["method"] for r in ok} - set(present))
        cells: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
        for r in ok:
            cells.setdefault((r["problem"], r["seed"]), {})[r["method"]] = r
        self.cells = {c: rs for c, rs in cells.items() if all(m in rs for m in present)}
        self.methods = present
        self.splits = sorted({r["split"] for r in ok})
        self.ref: dict[str, float] = {}  # HPO: the best clean loss any run reached
        for (p, _), rs in self.cells.items():
            for r in rs.values():
                if r["kind"] == "hpo":
                    self.ref[p] = min(self.ref.get(p, math.inf), min(r["trace"]))
        self.problems = sorted({p for p, _ in self.cells})
        self.info = {p: next(rs for (q, _), rs in self.cells.items() if q == p) for p in self.problems}

    def regret(self, r: dict[str, Any], b: int) -> float | None:
        if len(r["trace"]) < b:
            return None
        return max(r["trace"][b - 1] - self.ref.get(r["problem"], 0.0), 0.0)

    def group_of(self, p: str) -> str:
        return next(iter(self.info[p].values()))["group"]  # type: ignore[no-any-return]

    def dim_of(self, p: str) -> int:
        return next(iter(self.info[p].values()))["dim"]  # type: ignore[no-any-return]

    def groups(self) -> list[str]:
        order = [*DIM_GROUPS, "hpo"]
        present = {self.group_of(p) for p in self.problems}
        return [g for g in order if g in present] + sorted(present - set(order))

    def gm_table(self, label: str) -> dict[str, dict[str, tuple[float, int]]]:
        """group -> method -> (geometric-mean regret, number of (problem, seed) cells)."""
        out: dict[str, dict[str, tuple[float, int]]] = {}
        for g in self.groups():
            per: dict[str, list[float]] = {m: [] for m in self.methods}
            for (p, _), rs in self.cells.items():
                if self.group_of(p) != g:
                    continue
                b = budget_of(label, self.dim_of(p))
                regs = {m: self.regret(rs[m], b) for m in self.methods}
                if any(v is None for v in regs.values()):
                    continue
                for m in self.methods:
                    per[m].append(regs[m])  # type: ignore[arg-type]
            floor = HPO_FLOOR if g == "hpo" else BBOB_FLOOR
            if per[self.methods[0]]:
                out[g] = {m: (_gmean(v, floor), len(v)) for m, v in per.items()}
        return out

    def ranks(self, label: str, group: str | None = None) -> dict[str, float]:
        """Mean rank per problem (on the geometric mean over seeds; 1 = best, ties shared)."""
        from scipy.stats import rankdata

        acc: dict[str, list[float]] = {m: [] for m in self.methods}
        for p in self.problems:
            g = self.group_of(p)
            if group is not None and g != group:
                continue
            b = budget_of(label, self.dim_of(p))
            floor = HPO_FLOOR if g == "hpo" else BBOB_FLOOR
            per = {m: [self.regret(rs[m], b) for (q, _), rs in self.cells.items() if q == p] for m in self.methods}
            if any(not v or any(x is None for x in v) for v in per.values()):
                continue
            vals = np.array([math.log(_gmean(per[m], floor)) for m in self.methods])  # type: ignore[arg-type]
            for m, k in zip(self.methods, rankdata(np.round(vals, 9)), strict=True):
                acc[m].append(float(k))
        return {m: float(np.mean(v)) for m, v in acc.items() if v}

    def cost(self) -> dict[str, dict[str, tuple[float, float]]]:
        """group -> method -> (optimizer wall ms/trial, optimizer CPU ms/trial), objective excluded."""
        out: dict[str, dict[str, tuple[float, float]]] = {}
        for g in self.groups():
            for m in self.methods:
                rs = [rs[m] for (p, _), rs in self.cells.items() if self.group_of(p) == g]
                if not rs:
                    continue
                n = sum(len(r["values"]) for r in rs)
                wall = sum(r["seconds"] - r.get("objective_seconds", 0.0) for r in rs)
                cpu = sum(r.get("cpu_seconds", math.nan) - r.get("objective_cpu_seconds", 0.0) for r in rs)
                out.setdefault(g, {})[m] = (1000 * wall / n, 1000 * cpu / n)
        return out

    def ecdf(self, group: str, grid: np.ndarray) -> dict[str, np.ndarray]:
        """COCO-style ECDF: share of (problem, seed, target) triples reached after x trials per dim."""
        targets = 10.0 ** (np.linspace(2, -8, 51) if group != "hpo" else np.linspace(0, -3, 31))
        out: dict[str, np.ndarray] = {}
        for m in self.methods:
            hits, total = np.zeros(len(grid)), 0
            for (p, _), rs in self.cells.items():
                if self.group_of(p) != group:
                    continue
                d = self.dim_of(p) if group != "hpo" else 1
                tr = np.maximum(np.asarray(rs[m]["trace"]) - self.ref.get(p, 0.0), 0.0)
                for t in targets:
                    idx = np.nonzero(tr <= t)[0]
                    total += 1
                    if len(idx):
                        hits += grid >= (idx[0] + 1) / d
            out[m] = hits / max(total, 1)
        return out


def write_ecdf_html(s: Summary, path: str, title: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    groups = s.groups()
    fig = make_subplots(rows=1, cols=len(groups), subplot_titles=[
        (f"bbob d in {g}: trials / d" if g != "hpo" else "HPO (mixed, conditional, noisy): trials") for g in groups])
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf", "#000000", "#aec7e8"]
    for j, g in enumerate(groups, 1):
        top = max((len(rs[m]["trace"]) / (s.dim_of(p) if g != "hpo" else 1))
                  for (p, _), rs in s.cells.items() if s.group_of(p) == g for m in s.methods)
        grid = np.unique(np.geomspace(0.5, top, 80))
        for i, (m, y) in enumerate(s.ecdf(g, grid).items()):
            fig.add_trace(go.Scatter(x=grid, y=y, mode="lines", name=m, legendgroup=m, showlegend=j == 1,
                                     line={"color": palette[i % len(palette)],
                                           "width": 3 if m.startswith("tw-auto") else 1.5}), row=1, col=j)
        fig.update_xaxes(type="log", row=1, col=j)
        fig.update_yaxes(range=[0, 1], row=1, col=j)
    fig.update_layout(title=title, yaxis_title="share of (problem, seed, target) reached", height=450,
                      width=max(600, 420 * len(groups)))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.write_html(path, include_plotlyjs="cdn")


def summarize(results: list[dict[str, Any]], methods: list[str], html: str | None = None) -> str:
    s = Summary(results, methods)
    split = "+".join(s.splits) or "?"
    lines: list[str] = []
    for m, e in s.errors:
        lines.append(f"note: {m}: {e}")
    if not s.cells:
        return "\n".join(lines + ["no (problem, seed) cell was finished by every method"])
    n_seeds = {p: sum(1 for q, _ in s.cells if q == p) for p in s.problems}
    lines.append(f"\n## Split: {split}. {len(s.problems)} problems, {len(s.cells)} (problem, seed) cells finished "
                 f"by all of {s.methods}; seeds per problem {min(n_seeds.values())}-{max(n_seeds.values())}")
    insts = sorted({r["instance"] for rs in s.cells.values() for r in rs.values() if r["instance"] is not None})
    if insts:
        lines.append(f"bbob instances: {insts}")
    refs = [m for m in ("optuna-gp", "optuna-tpe") if m in s.methods]
    for label in BUDGET_LABELS:
        table = s.gm_table(label)
        if not table:
            lines.append(f"\n### [{split}] budget {label}: not run (above every run's length)")
            continue
        lines.append(f"\n### [{split}] budget {label}: geometric-mean regret (cells)"
                     + (f", ratio to {' / '.join(refs)}" if refs else ""))
        lines.append("\n| method | " + " | ".join(f"{g}" for g in table) + " |")
        lines.append("|---" * (len(table) + 1) + "|")
        for m in s.methods:
            cells = []
            for _g, row in table.items():
                v, n = row[m]
                ratio = "/".join(f"{v / row[r][0]:.2f}x" if row[r][0] > 0 else "-" for r in refs)
                cells.append(f"{v:.3g} ({n})" + (f" {ratio}" if refs else ""))
            lines.append(f"| {m} | " + " | ".join(cells) + " |")
        rk_all = s.ranks(label)
        if rk_all:
            per_group = {g: s.ranks(label, g) for g in table}
            lines.append(f"\nMean rank [{split}] at budget {label} (per problem; 1 = best): all | "
                         + " | ".join(table))
            for m in sorted(rk_all, key=rk_all.get):  # type: ignore[arg-type]
                lines.append(f"  {m:16s} {rk_all[m]:.2f} | " + " | ".join(
                    f"{per_group[g][m]:.2f}" if m in per_group[g] else "-" for g in table))
    lines.append(f"\n### [{split}] optimizer cost per trial, objective excluded: wall ms / CPU ms "
                 "(shared machine: indicative)")
    cost = s.cost()
    lines.append("\n| method | " + " | ".join(cost) + " |")
    lines.append("|---" * (len(cost) + 1) + "|")
    for m in s.methods:
        lines.append(f"| {m} | " + " | ".join(
            f"{cost[g][m][0]:.0f} / {cost[g][m][1]:.0f}" if m in cost[g] else "-" for g in cost) + " |")
    if html:
        write_ecdf_html(s, html, f"ECDF of regret targets reached, split {split}")
        lines.append(f"\nECDF figure: {os.path.relpath(html)}")
    return "\n".join(lines)


def _upgrade(r: dict[str, Any]) -> dict[str, Any]:
    """A record of the script's earlier format (no split, no trace) as the current one."""
    if "trace" in r:
        return r
    r = dict(r)
    vals = [v if v is not None and math.isfinite(v) else math.inf for v in r["values"]]
    r["trace"] = list(np.minimum.accumulate(vals)) if vals else []
    r.setdefault("split", "pre-split")
    if r["problem"].startswith("bbob"):
        r["kind"], r["dim"] = "bbob", int(r["problem"].split("-d")[1])
        r["group"] = next((g for g, ds in DIM_GROUPS.items() if r["dim"] in ds), str(r["dim"]))
        r["instance"] = r["seed"] + 1
    else:
        r["kind"], r["dim"], r["group"], r["instance"] = "hpo", 0, "hpo", None
    return r


def _progress(i: int, n: int, r: dict[str, Any], t0: float) -> None:
    best = r["trace"][-1] if r["trace"] else math.nan
    print(f"  [{i}/{n} {time.time() - t0:.0f}s] {r['split']} {r['problem']} {r['method']} seed {r['seed']}: "
          f"best {best:.4g} in {r['seconds']:.1f}s ({r['cpu_seconds']:.1f} CPU s)"
          + (f" ERROR {r['error']}" if r["error"] else ""), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev",
                    help="dev: tune on it; test: only ever report it (default dev)")
    ap.add_argument("--quick", action="store_true", help="CI size: 3 bbob problems + 1 HPO task, budget 30, 2 seeds")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--functions", type=int, nargs="*", default=None, help="bbob function ids (default all 24)")
    ap.add_argument("--reduced", action="store_true", help=f"bbob functions {REDUCED_FUNCTIONS} only")
    ap.add_argument("--dims", type=int, nargs="+", default=list(DIMS))
    ap.add_argument("--hpo", "--sklearn", dest="hpo", nargs="*", default=None,
                    help="HPO tasks (default: the split's); must belong to the split")
    ap.add_argument("--methods", nargs="+", default=None,
                    help=f"default {' '.join(DEFAULT_METHODS)}; with --summarize: only these (default all)")
    ap.add_argument("--max-budget", type=int, default=100, help="cap on one run's trials (default 100)")
    ap.add_argument("--budgets", type=int, nargs="+", default=None,
                    help="older form of --max-budget: runs go to the largest of these")
    ap.add_argument("--tag", default=None, help="rename tunewise methods tw-x -> tw-x@TAG (before/after runs)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", default=None, help="also write the raw results here (rewritten after every run)")
    ap.add_argument("--html", default=None, help="ECDF figure (default benchmarks/results/"
                                                 "sample_efficiency_<split>_ecdf.html when --json is given)")
    ap.add_argument("--summarize", nargs="+", default=None,
                    help="only print the tables of --json files (merged; partial runs too)")
    ap.add_argument("--no-overhead", action="store_true", help="skip the per-trial cost measurement")
    ap.add_argument("--overhead-only", type=int, nargs="*", default=None, metavar="N",
                    help="only measure TPE's per-trial cost after N trials (default 1000 3000 10000; "
                         "optuna beside it up to 3000)")
    ap.add_argument("--gp-overhead-only", type=int, nargs="?", const=200, default=None, metavar="N",
                    help="only measure the GP's CPU cost per proposal after N trials (default 200), vs optuna")
    args = ap.parse_args(argv)
    if args.overhead_only is not None:
        print("| trials in the study | tunewise TPE CPU ms/trial | optuna TPE CPU ms/trial | ratio |")
        print("|---|---|---|---|")
        for n in args.overhead_only or [1000, 3000, 10000]:
            if n <= 3000:
                oh = measure_overhead(n_prefill=n, n_measure=30)
                tw_ms, op_ms = oh["tw-tpe ms/trial"], oh["optuna-tpe ms/trial"]
                print(f"| {n:,} | {tw_ms:.2f} | {op_ms:.2f} | {tw_ms / op_ms:.2f} |", flush=True)
            else:
                print(f"| {n:,} | {measure_tw_flat(n, n_measure=30):.2f} (wall) | - | - |", flush=True)
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        return
    if args.gp_overhead_only is not None:
        oh = measure_gp_overhead(n_prefill=args.gp_overhead_only)
        tw_ms, op_ms = oh["tw-gp cpu ms/trial (median)"], oh["optuna-gp cpu ms/trial (median)"]
        tw_mean, op_mean = oh["tw-gp cpu ms/trial (mean)"], oh["optuna-gp cpu ms/trial (mean)"]
        print(f"GP CPU ms per proposal after {args.gp_overhead_only} trials (d = 5, 10 proposals): median "
              f"tunewise {tw_ms:.0f}, optuna {op_ms:.0f}, ratio {tw_ms / op_ms:.2f}; mean tunewise "
              f"{tw_mean:.0f}, optuna {op_mean:.0f}, ratio {tw_mean / op_mean:.2f} "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        return
    html = args.html or (os.path.splitext(args.json)[0] + "_ecdf.html" if args.json else None)
    if args.summarize:
        results: list[dict[str, Any]] = []
        for path in args.summarize:
            with open(path) as fh:
                data = json.load(fh)
            results.extend(_upgrade(r) for r in (data["results"] if isinstance(data, dict) else data))
        if args.methods:
            results = [r for r in results if r["method"] in args.methods]
            methods = list(args.methods)
        else:
            methods = list(dict.fromkeys(r["method"] for r in results))
        print(summarize(results, methods, html))
        return
    split = args.split
    if args.quick:
        problems = [bbob_problem(8, 3), bbob_problem(15, 2), bbob_problem(10, 5)]
        problems.append(hpo_problem(SPLITS[split]["hpo"][0]))
        seeds, max_budget = 2, 30
    else:
        fids = args.functions if args.functions is not None else (REDUCED_FUNCTIONS if args.reduced else BBOB_FUNCTIONS)
        problems = [bbob_problem(f, d) for d in args.dims for f in fids]
        hpo = SPLITS[split]["hpo"] if args.hpo is None else args.hpo
        for name in hpo:
            if name not in SPLITS[split]["hpo"]:
                raise SystemExit(f"--hpo {name!r} is not in the {split} split {SPLITS[split]['hpo']} "
                                 "(never move a problem between splits)")
            problems.append(hpo_problem(name))
        seeds, max_budget = args.seeds, (max(args.budgets) if args.budgets else args.max_budget)
    methods = [m if not (args.tag and m.startswith("tw-")) else f"{m}@{args.tag}"
               for m in (args.methods or DEFAULT_METHODS)]
    tasks = [(p, m, run_length(p, max_budget), s, split)
             for s in range(args.first_seed, args.first_seed + seeds) for p in problems for m in methods]
    # Seed by seed, problem by problem: an interrupted run still gives complete comparisons.
    t0 = time.time()
    command = "python benchmarks/sample_efficiency.py " + " ".join(sys.argv[1:] if argv is None else argv)
    meta = {"command": command, "split": split, "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
            "host": platform.node(), "cpus": os.cpu_count(), "methods": methods,
            "problems": [p.name for p in problems], "seeds": seeds, "max_budget": max_budget,
            "instances": list(SPLITS[split]["bbob_instances"])}
    print(f"[split {split}] {len(tasks)} runs: {len(problems)} problems x {len(methods)} methods x {seeds} seeds, "
          f"runs of up to {max_budget} trials", flush=True)
    results = []

    def save() -> None:
        if args.json:
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json + ".tmp", "w") as fh:
                json.dump({"meta": meta, "results": results}, fh)
            os.replace(args.json + ".tmp", args.json)

    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            for i, r in enumerate(pool.map(run_one, tasks), 1):
                results.append(r)
                _progress(i, len(tasks), r, t0)
                save()
    else:
        for i, t in enumerate(tasks, 1):
            results.append(run_one(t))
            _progress(i, len(tasks), results[-1], t0)
            save()
    print(summarize(results, methods, html))
    print(f"\nbenchmark wall time {time.time() - t0:.0f} s (load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)")
    if not args.no_overhead:
        n = 300 if args.quick else 1000
        oh = measure_overhead(n_prefill=n, n_measure=15 if args.quick else 30)
        print(f"\nCPU cost per trial of TPE after {n} trials (5 floats, in memory; sampler + framework; "
              "min of 3 interleaved batches):")
        for k, v in oh.items():
            print(f"  {k}: {v:.2f}")
        print(f"  ratio tunewise/optuna: {oh['tw-tpe ms/trial'] / oh['optuna-tpe ms/trial']:.2f}")


if __name__ == "__main__":
    main()
