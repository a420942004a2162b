"""SearchCV (strategy="auto") against scikit-learn's GridSearchCV, RandomizedSearchCV and
HalvingRandomSearchCV on scikit-learn tasks with shipped data sets.

Every method gets the same budget of configurations (``--n-trials``; GridSearchCV gets the
largest full grid that fits in it, HalvingRandomSearchCV as many candidates as keep its number
of (smaller) fits at or under the same total), the same folds and ``n_jobs=1``. Each search
runs on 75% of the data; the table shows the best mean CV score (the search's own estimate),
the score of the refitted best model on the held-out 25%, the number of fits and the wall time,
as mean +- std over seeds.

    .venv/bin/python benchmarks/searchcv.py --quick      # a few minutes on a shared machine
    .venv/bin/python benchmarks/searchcv.py              # 30 trials, 5 folds, 5 seeds
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import ElasticNet
from sklearn.model_selection import (
    GridSearchCV,
    HalvingRandomSearchCV,
    KFold,
    RandomizedSearchCV,
    StratifiedKFold,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw
from tunewise.integrations.sklearn import SearchCV


@dataclass
class Task:
    name: str
    load: Callable[[], tuple[Any, Any]]
    estimator: Callable[[], Any]
    ours: dict[str, Any]        # tunewise space
    scipy: dict[str, Any]       # the same space as scipy.stats distributions
    grid: Callable[[int], dict[str, list[Any]]]  # a full grid of at most n points
    scoring: str
    classification: bool


def _logspace(lo: float, hi: float, k: int) -> list[float]:
    return [float(v) for v in np.logspace(np.log10(lo), np.log10(hi), k)]


def _grid_2d(n: int, a: Callable[[int], list[Any]], b: Callable[[int], list[Any]]) -> tuple[list, list]:
    best = (1, 1)
    for i in range(1, n + 1):
        j = n // i
        if j >= 1 and i * j > best[0] * best[1] and abs(i - j) <= 2:
            best = (i, j)
    return a(best[0]), b(best[1])


def _svc_grid(n: int) -> dict[str, list[Any]]:
    c, g = _grid_2d(n, lambda k: _logspace(1e-2, 1e3, k), lambda k: _logspace(1e-5, 1e-1, k))
    return {"svc__C": c, "svc__gamma": g}


def _enet_grid(n: int) -> dict[str, list[Any]]:
    a, r = _grid_2d(n, lambda k: _logspace(1e-4, 10, k), lambda k: [float(x) for x in np.linspace(0.05, 1, k)])
    return {"alpha": a, "l1_ratio": r}


def _rf_grid(n: int) -> dict[str, list[Any]]:
    # three axes: depth x leaf x features, the largest product <= n
    for d, leaf, feat in ((4, 3, 3), (3, 3, 3), (3, 3, 2), (3, 2, 2), (2, 2, 2), (2, 2, 1), (2, 1, 1), (1, 1, 1)):
        if d * leaf * feat <= n:
            break
    return {
        "max_depth": [int(v) for v in np.linspace(2, 16, d).round()],
        "min_samples_leaf": [int(v) for v in np.unique(np.geomspace(1, 16, leaf).round())],
        "max_features": [float(v) for v in np.linspace(0.1, 0.9, feat)] if feat > 1 else [0.5],
    }


def _knn_grid(n: int) -> dict[str, list[Any]]:
    k = max(1, n // 4)
    return {"kneighborsclassifier__n_neighbors": [int(v) for v in np.unique(np.geomspace(1, 40, k).round())],
            "kneighborsclassifier__weights": ["uniform", "distance"],
            "kneighborsclassifier__p": [1, 2]}


TASKS = [
    Task("digits / SVC(C, gamma)", lambda: load_digits(return_X_y=True),
         lambda: make_pipeline(StandardScaler(), SVC()),
         {"svc__C": tw.loguniform(1e-2, 1e3), "svc__gamma": tw.loguniform(1e-5, 1e-1)},
         {"svc__C": stats.loguniform(1e-2, 1e3), "svc__gamma": stats.loguniform(1e-5, 1e-1)},
         _svc_grid, "accuracy", True),
    Task("breast_cancer / RandomForest(3 params)", lambda: load_breast_cancer(return_X_y=True),
         lambda: RandomForestClassifier(n_estimators=40, random_state=0, n_jobs=1),
         {"max_depth": tw.randint(2, 17), "min_samples_leaf": tw.distributions.Int(1, 16, log=True),
          "max_features": tw.uniform(0.1, 0.9)},
         {"max_depth": stats.randint(2, 17), "min_samples_leaf": stats.randint(1, 17),
          "max_features": stats.uniform(0.1, 0.8)},
         _rf_grid, "roc_auc", True),
    Task("diabetes / ElasticNet(alpha, l1_ratio)", lambda: load_diabetes(return_X_y=True),
         lambda: ElasticNet(max_iter=5000),
         {"alpha": tw.loguniform(1e-4, 10), "l1_ratio": tw.uniform(0.05, 1.0)},
         {"alpha": stats.loguniform(1e-4, 10), "l1_ratio": stats.uniform(0.05, 0.95)},
         _enet_grid, "neg_mean_squared_error", False),
    Task("wine / KNN(k, weights, p)", lambda: load_wine(return_X_y=True),
         lambda: make_pipeline(StandardScaler(), KNeighborsClassifier()),
         {"kneighborsclassifier__n_neighbors": tw.distributions.Int(1, 40, log=True),
          "kneighborsclassifier__weights": ["uniform", "distance"], "kneighborsclassifier__p": [1, 2]},
         {"kneighborsclassifier__n_neighbors": stats.randint(1, 41),
          "kneighborsclassifier__weights": ["uniform", "distance"], "kneighborsclassifier__p": [1, 2]},
         _knn_grid, "accuracy", True),
]


def _halving_candidates(n_trials: int, factor: int = 3) -> int:
    """Most candidates whose successive-halving rounds total at most n_trials configurations."""
    best = 1
    for c in range(1, 4 * n_trials):
        total, k = 0, c
        while k >= 1:
            total += k
            if k == 1:
                break
            k = int(np.ceil(k / factor))
        if total <= n_trials:
            best = c
    return best


def run_one(task: Task, method: str, n_trials: int, folds: int, seed: int) -> dict[str, Any]:
    X, y = task.load()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=seed,
                                          stratify=y if task.classification else None)
    cv = (StratifiedKFold(folds, shuffle=True, random_state=seed) if task.classification
          else KFold(folds, shuffle=True, random_state=seed))
    est = task.estimator()
    if method == "SearchCV(auto)":
        search = SearchCV(est, task.ours, strategy="auto", n_trials=n_trials, cv=cv, scoring=task.scoring,
                          random_state=seed)
    elif method == "SearchCV(tpe)":
        search = SearchCV(est, task.ours, strategy="tpe", n_trials=n_trials, cv=cv, scoring=task.scoring,
                          random_state=seed)
    elif method == "SearchCV(tpe, pruning)":
        search = SearchCV(est, task.ours, strategy="tpe", n_trials=n_trials, cv=cv, scoring=task.scoring,
                          random_state=seed, pruning="median")
    elif method == "GridSearchCV":
        search = GridSearchCV(est, task.grid(n_trials), cv=cv, scoring=task.scoring)
    elif method == "RandomizedSearchCV":
        search = RandomizedSearchCV(est, task.scipy, n_iter=n_trials, cv=cv, scoring=task.scoring,
                                    random_state=seed)
    elif method == "HalvingRandomSearchCV":
        search = HalvingRandomSearchCV(est, task.scipy, n_candidates=_halving_candidates(n_trials), factor=3,
                                       cv=cv, scoring=task.scoring, random_state=seed)
    else:
        raise ValueError(method)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(Xtr, ytr)
    wall = time.perf_counter() - start
    res = search.cv_results_
    n_configs = len(res["params"])
    if "state" in res:  # ours: pruned configurations ran only some folds
        fits = int(sum(np.sum(~np.isnan(res[f"split{k}_test_score"])) for k in range(folds)))
    else:
        fits = n_configs * folds
    # Time inside fit+score of the folds; the rest of the wall time is the search's own overhead
    # (sampler, bookkeeping) plus the final refit.
    done = np.array([np.sum(~np.isnan(res[f"split{k}_test_score"])) for k in range(folds)]).sum()
    per_config = np.nan_to_num(res["mean_fit_time"] + res["mean_score_time"])
    n_done = (np.array([[not np.isnan(res[f"split{k}_test_score"][i]) for k in range(folds)]
                        for i in range(n_configs)]).sum(axis=1))
    model_time = float(np.sum(per_config * n_done))
    assert done == n_done.sum()
    extra = getattr(search, "strategy_", "")
    return {"cv": float(search.best_score_), "test": float(search.score(Xte, yte)), "fits": fits, "wall": wall,
            "model": model_time, "strategy": extra}


METHODS = ["SearchCV(auto)", "SearchCV(tpe)", "SearchCV(tpe, pruning)", "GridSearchCV", "RandomizedSearchCV",
           "HalvingRandomSearchCV"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="20 trials, 3 folds, 2 seeds, 3 tasks")
    ap.add_argument("--n-trials", type=int, default=None)
    ap.add_argument("--folds", type=int, default=None)
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--methods", default=";".join(METHODS), help="semicolon-separated subset of: " + "; ".join(METHODS))
    ap.add_argument("--tasks", default=None, help="comma-separated task name prefixes (e.g. 'digits,wine')")
    args = ap.parse_args(argv)
    n_trials = args.n_trials or (20 if args.quick else 30)
    folds = args.folds or (3 if args.quick else 5)
    seeds = args.seeds or (2 if args.quick else 5)
    tasks = TASKS[:3] if args.quick else TASKS
    if args.tasks:
        wanted = [w.strip() for w in args.tasks.split(",")]
        tasks = [t for t in TASKS if any(t.name.startswith(w) for w in wanted)]
        if not tasks:
            ap.error(f"--tasks {args.tasks!r} matches none of {[t.name for t in TASKS]}")
    # One BLAS thread for every method: on a shared machine, BLAS thread pools oversubscribe the
    # cores and make timings meaningless (and every search here is n_jobs=1 anyway).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    print(f"# SearchCV benchmark: n_trials={n_trials}, folds={folds}, seeds={seeds}, n_jobs=1")
    print(f"# tunewise samplers available: {[n for n in dir(tw.samplers) if n.endswith('Sampler')]}")
    header = "| task | method | fits | best CV score | held-out score | wall time (s) | of which fit+score (s) |"
    print(header)
    print("|---|---|---:|---:|---:|---:|---:|")
    for task in tasks:
        for method in args.methods.split(";"):
            runs = [run_one(task, method, n_trials, folds, s) for s in range(seeds)]
            cv = np.array([r["cv"] for r in runs])
            te = np.array([r["test"] for r in runs])
            wall = np.array([r["wall"] for r in runs])
            fits = np.array([r["fits"] for r in runs])
            model = np.array([r["model"] for r in runs])
            label = method + (f" [{runs[0]['strategy']}]" if runs[0]["strategy"] else "")
            print(f"| {task.name} | {label} | {fits.mean():.0f} | {cv.mean():.4f} ± {cv.std():.4f} | "
                  f"{te.mean():.4f} ± {te.std():.4f} | {wall.mean():.2f} ± {wall.std():.2f} | {model.mean():.2f} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
