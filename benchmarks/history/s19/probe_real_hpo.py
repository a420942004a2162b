"""Issue 18 probe: the default sampler on real model-tuning problems nobody here has tuned on.

Session 19. Written and committed before any run; run once; reported, never tuned on. The split's
HPO tasks (``benchmarks/sample_efficiency.py``) tune SVM / forest / logistic regression / SVR /
ridge on breast_cancer, wine, digits, diabetes and a torch MLP on digits; these six use other
models, other data (scikit-learn's generators, iris-free) and other space shapes:

  svr-friedman1     SVR on make_friedman1 (300 rows, noise 1): C, gamma, epsilon, all log
  kr-friedman2      KernelRidge on make_friedman2: kernel in {rbf, laplacian, poly}, alpha (log),
                    gamma (log), degree 2-4 only under poly (conditional)
  xgb-wine          XGBoost (60 trees) on wine: eta (log), max_depth 1-10, min_child_weight (log),
                    subsample, colsample_bytree, reg_lambda (log): ints and floats, 6 parameters
  mlp-moons         scikit-learn MLPClassifier on make_moons (noise 0.3): hidden units 2-64 (log int),
                    alpha (log), learning_rate_init (log), activation in {relu, tanh}
  cond-clf          make_classification (binary, 20 features, 6 informative): model in {knn, logreg,
                    forest} with its own parameters (conditional), 1 - ROC AUC
  enet-poly         PolynomialFeatures(degree 1-3) + ElasticNet on make_friedman3: int, log, float

Every objective is deterministic (fixed data, folds and model seeds), so all runs of a problem
optimize the same function; only the samplers' seeds differ. Losses: 3-fold CV (KFold /
StratifiedKFold with shuffle, random_state 0); regression targets standardized (MSE in units of
the target's variance); classification log-loss or 1 - AUC. Regret after b trials = best loss so
far - the best loss any run of any method reached, floor 1e-3.

Methods: tw-default (``AutoSampler(seed)``), tw-tpe, optuna-tpe, optuna-gp (``GPSampler``, which
samples parameters outside its fixed search space at random: what a user gets), tw-random.
Budgets 30 and 60, seeds 0-9.

    nice -n 10 .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --seeds 10 -j 2 \\
        --out benchmarks/history/s19/probe_real_hpo.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report benchmarks/history/s19/probe_real_hpo.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import time
import warnings
from collections.abc import Callable
from multiprocessing import Pool
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))

BUDGETS = (30, 60)
FLOOR = 1e-3
METHODS = ("tw-default", "tw-tpe", "optuna-tpe", "optuna-gp", "tw-random")

_DATA: dict[str, Any] = {}


def _data(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name not in _DATA:
        if name == "friedman1":
            X, y = datasets.make_friedman1(n_samples=300, noise=1.0, random_state=0)
        elif name == "friedman2":
            X, y = datasets.make_friedman2(n_samples=300, noise=50.0, random_state=1)
            X = (X - X.mean(0)) / X.std(0)
        elif name == "friedman3":
            X, y = datasets.make_friedman3(n_samples=300, noise=0.1, random_state=2)
            X = (X - X.mean(0)) / X.std(0)
        elif name == "wine":
            X, y = datasets.load_wine(return_X_y=True)
        elif name == "moons":
            X, y = datasets.make_moons(n_samples=300, noise=0.3, random_state=3)
        elif name == "classif":
            X, y = datasets.make_classification(n_samples=400, n_features=20, n_informative=6, n_redundant=3,
                                                flip_y=0.05, class_sep=0.8, random_state=4)
            X = (X - X.mean(0)) / X.std(0)
        else:  # pragma: no cover
            raise ValueError(name)
        if name.startswith("friedman"):
            y = (y - y.mean()) / y.std()
        _DATA[name] = (X, y)
    return _DATA[name]  # type: ignore[no-any-return]


def _cv(model: Any, data: str, scoring: str, classify: bool) -> float:
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score

    X, y = _data(data)
    cv = (StratifiedKFold if classify else KFold)(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = cross_val_score(model, X, y, cv=cv, scoring=scoring, error_score=np.nan)
    v = -float(np.mean(s)) if scoring.startswith("neg_") else 1.0 - float(np.mean(s))
    return v if math.isfinite(v) else 10.0  # a fit that failed counts as a bad loss


def svr_friedman1(t: Any) -> float:
    from sklearn.svm import SVR

    m = SVR(C=t.suggest_float("C", 1e-2, 1e3, log=True), gamma=t.suggest_float("gamma", 1e-4, 1e1, log=True),
            epsilon=t.suggest_float("epsilon", 1e-3, 1.0, log=True))
    return _cv(m, "friedman1", "neg_mean_squared_error", False)


def kr_friedman2(t: Any) -> float:
    from sklearn.kernel_ridge import KernelRidge

    kernel = t.suggest_categorical("kernel", ["rbf", "laplacian", "poly"])
    alpha = t.suggest_float("alpha", 1e-4, 1e1, log=True)
    gamma = t.suggest_float("gamma", 1e-3, 1e1, log=True)
    kw: dict[str, Any] = {}
    if kernel == "poly":
        kw = {"degree": t.suggest_int("degree", 2, 4), "coef0": 1.0}
    return _cv(KernelRidge(kernel=kernel, alpha=alpha, gamma=gamma, **kw), "friedman2", "neg_mean_squared_error",
               False)


def xgb_wine(t: Any) -> float:
    from xgboost import XGBClassifier

    m = XGBClassifier(n_estimators=60, learning_rate=t.suggest_float("eta", 1e-3, 1.0, log=True),
                      max_depth=t.suggest_int("max_depth", 1, 10),
                      min_child_weight=t.suggest_float("min_child_weight", 1e-2, 1e1, log=True),
                      subsample=t.suggest_float("subsample", 0.5, 1.0),
                      colsample_bytree=t.suggest_float("colsample_bytree", 0.3, 1.0),
                      reg_lambda=t.suggest_float("reg_lambda", 1e-3, 1e1, log=True),
                      n_jobs=1, random_state=0, tree_method="hist")
    return _cv(m, "wine", "neg_log_loss", True)


def mlp_moons(t: Any) -> float:
    from sklearn.neural_network import MLPClassifier

    m = MLPClassifier(hidden_layer_sizes=(t.suggest_int("hidden", 2, 64, log=True),),
                      alpha=t.suggest_float("alpha", 1e-6, 1.0, log=True),
                      learning_rate_init=t.suggest_float("lr", 1e-4, 1e-1, log=True),
                      activation=t.suggest_categorical("activation", ["relu", "tanh"]),
                      max_iter=150, random_state=0)
    return _cv(m, "moons", "neg_log_loss", True)


def cond_clf(t: Any) -> float:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier

    model = t.suggest_categorical("model", ["knn", "logreg", "forest"])
    if model == "knn":
        m: Any = KNeighborsClassifier(n_neighbors=t.suggest_int("knn_k", 1, 60, log=True),
                                      weights=t.suggest_categorical("knn_weights", ["uniform", "distance"]),
                                      p=t.suggest_categorical("knn_p", [1, 2]))
    elif model == "logreg":
        m = LogisticRegression(C=t.suggest_float("lr_C", 1e-4, 1e2, log=True),
                               l1_ratio=t.suggest_float("lr_l1_ratio", 0.0, 1.0), solver="saga", max_iter=500)
    else:
        m = RandomForestClassifier(n_estimators=t.suggest_int("rf_trees", 10, 80, log=True),
                                   max_depth=t.suggest_int("rf_depth", 1, 16),
                                   max_features=t.suggest_float("rf_features", 0.05, 1.0), random_state=0, n_jobs=1)
    return _cv(m, "classif", "roc_auc", True)


def enet_poly(t: Any) -> float:
    from sklearn.linear_model import ElasticNet
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    m = make_pipeline(PolynomialFeatures(t.suggest_int("degree", 1, 3), include_bias=False), StandardScaler(),
                      ElasticNet(alpha=t.suggest_float("alpha", 1e-4, 1e1, log=True),
                                 l1_ratio=t.suggest_float("l1_ratio", 0.0, 1.0), max_iter=3000))
    return _cv(m, "friedman3", "neg_mean_squared_error", False)


PROBLEMS: dict[str, Callable[[Any], float]] = {
    "svr-friedman1": svr_friedman1, "kr-friedman2": kr_friedman2, "xgb-wine": xgb_wine,
    "mlp-moons": mlp_moons, "cond-clf": cond_clf, "enet-poly": enet_poly,
}


def make_study(method: str, seed: int) -> Any:
    if method.startswith("tw-"):
        import tunewise as tw

        tw.logging.set_verbosity(tw.logging.ERROR)
        sampler = {"tw-default": tw.samplers.AutoSampler, "tw-tpe": tw.samplers.TPESampler,
                   "tw-random": tw.samplers.RandomSampler}[method](seed=seed)
        return tw.create_study(sampler=sampler)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    sampler = {"optuna-tpe": optuna.samplers.TPESampler, "optuna-gp": optuna.samplers.GPSampler}[method](seed=seed)
    return optuna.create_study(sampler=sampler)


def run_one(job: tuple[str, str, int]) -> dict[str, Any]:
    problem, method, seed = job
    logging.getLogger("tunewise").setLevel(logging.ERROR)
    fn = PROBLEMS[problem]
    losses: list[float] = []
    cache: dict[str, float] = {}
    opt_cpu = [0.0]
    last = [time.process_time()]

    def objective(trial: Any) -> float:
        params_probe: dict[str, Any] = {}

        class Rec:  # records the suggestions so an exact repeat is not refitted
            def __getattr__(self, name: str) -> Any:
                f = getattr(trial, name)

                def call(pname: str, *a: Any, **k: Any) -> Any:
                    v = f(pname, *a, **k)
                    params_probe[pname] = v
                    return v
                return call

        t0 = time.process_time()
        opt_cpu[0] += t0 - last[0]
        # suggestions happen inside fn; their cost is charged to the objective here (small)
        value = fn(Rec())
        key = json.dumps(params_probe, sort_keys=True, default=str)
        cache.setdefault(key, value)
        losses.append(value)
        last[0] = time.process_time()
        return value

    study = make_study(method, seed)
    w0 = time.perf_counter()
    study.optimize(objective, n_trials=max(BUDGETS))
    return {"problem": problem, "method": method, "seed": seed, "losses": losses,
            "repeats": len(losses) - len(cache), "opt_cpu_ms": 1000 * opt_cpu[0] / max(len(losses), 1),
            "wall": time.perf_counter() - w0}


def _gmean(v: list[float]) -> float:
    return float(math.exp(np.mean(np.log(v))))


def report(path: str) -> None:
    rows = [json.loads(line) for line in open(path)]
    problems = list(dict.fromkeys(r["problem"] for r in rows))  # in the order they were run
    present = list(dict.fromkeys(r["method"] for r in rows))
    methods = [m for m in METHODS if m in present] + [m for m in present if m not in METHODS]
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg: dict[tuple[str, str, int, int], float] = {}
    for r in rows:
        for b in BUDGETS:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], FLOOR)
    seeds = sorted({r["seed"] for r in rows})
    rng = np.random.default_rng(0)
    print(f"# probe_real_hpo: {len(rows)} runs, seeds {seeds[0]}-{seeds[-1]}; regret floor {FLOOR}\n")
    for ref in ("optuna-tpe", "optuna-gp"):
        if ref not in methods:
            continue
        print(f"## geo-mean regret ratio to {ref} [95% bootstrap over seeds], per problem\n")
        print("| method | budget | " + " | ".join(problems) + " | **all** [95% CI] |")
        print("|---|--:|" + "--:|" * len(problems) + "--:|")
        for m in methods:
            if m == ref:
                continue
            for b in BUDGETS:
                cells = {p: [math.log(reg[(p, m, s, b)] / reg[(p, ref, s, b)]) for s in seeds
                             if (p, m, s, b) in reg and (p, ref, s, b) in reg] for p in problems}
                per = [f"{math.exp(np.mean(c)):.2f}" if c else "" for c in cells.values()]
                mat = np.array([[cells[p][i] for p in problems] for i in range(len(seeds))])
                boots = [math.exp(mat[rng.integers(0, len(seeds), len(seeds))].mean()) for _ in range(4000)]
                lo, hi = np.percentile(boots, [2.5, 97.5])
                allx = f"**{math.exp(mat.mean()):.2f}x** [{lo:.2f}, {hi:.2f}]"
                print(f"| {m} | {b} | " + " | ".join(per) + f" | {allx} |")
        print()
    print("## mean rank (1 = best regret; ties share) and CPU\n")
    print("| method | rank @30 | rank @60 | optimizer CPU ms / trial | repeated configurations / run |")
    print("|---|--:|--:|--:|--:|")
    ranks: dict[tuple[str, int], list[float]] = {}
    for p in problems:
        for s in seeds:
            for b in BUDGETS:
                vals = [reg[(p, m, s, b)] for m in methods]
                for m, v in zip(methods, vals, strict=True):
                    rank = 1 + sum(x < v for x in vals) + 0.5 * (sum(x == v for x in vals) - 1)
                    ranks.setdefault((m, b), []).append(rank)
    for m in methods:
        rs = [r for r in rows if r["method"] == m]
        print(f"| {m} | {np.mean(ranks[(m, 30)]):.2f} | {np.mean(ranks[(m, 60)]):.2f} | "
              f"{np.median([r['opt_cpu_ms'] for r in rs]):.1f} | {np.mean([r['repeats'] for r in rs]):.1f} |")
    print("\nBest loss per problem (reference): " + ", ".join(f"{p} {best[p]:.4f}" for p in problems))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--methods", nargs="*", default=list(METHODS))
    ap.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--out")
    ap.add_argument("--report")
    ap.add_argument("--time-one", action="store_true", help="time one evaluation per problem and exit")
    a = ap.parse_args()
    if a.report:
        report(a.report)
        return
    if a.time_one:
        import tunewise as tw

        for p in a.problems:
            st = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
            t0 = time.perf_counter()
            st.optimize(PROBLEMS[p], n_trials=5)
            print(p, f"{(time.perf_counter() - t0) / 5:.3f} s/eval", f"best {st.best_value:.4f}")
        return
    done = set()
    if a.out and os.path.exists(a.out):
        done = {(r["problem"], r["method"], r["seed"]) for r in map(json.loads, open(a.out))}
    jobs = [(p, m, s) for s in range(a.seeds) for p in a.problems for m in a.methods if (p, m, s) not in done]
    with Pool(a.j) as pool, open(a.out, "a") as f:
        for r in pool.imap_unordered(run_one, jobs):
            f.write(json.dumps(r) + "\n")
            f.flush()
            print(r["problem"], r["method"], r["seed"], f"{min(r['losses']):.4f}", f"{r['wall']:.0f}s", flush=True)


if __name__ == "__main__":
    main()
