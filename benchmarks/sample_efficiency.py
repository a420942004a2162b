"""Sample efficiency of tunewise's samplers against peers, on problems nobody here wrote.

Methods (same problems, budgets and seeds, in one run):
  tunewise: tw-auto (the default), tw-tpe, tw-gp, tw-random, tw-qmc
  peers:    optuna-tpe (optuna's default TPESampler), optuna-gp (optuna GPSampler, needs torch),
            hyperopt-tpe, skopt-gp (scikit-optimize gp_minimize)
Problems:
  COCO bbob functions (package ``coco-experiment``, module ``cocoex``) in [-5, 5]^d; seed ``s``
  runs instance ``s + 1``; regret = best f found - f(x_opt).
  scikit-learn tuning tasks (3-fold CV on data sets that ship with scikit-learn; spaces with
  log, integer and categorical parameters); regret = best loss found - best loss any method found.

One run per (problem, method, seed) at the largest budget; the regret at a smaller budget is the
best value among its first trials (no method here knows its budget in advance except skopt, which
only stops at it). Prints per-problem mean / median final regret, then per budget the mean
normalized regret and mean rank of every method, the geometric-mean regret on bbob against
optuna's TPE and GP, and the per-trial cost of TPE at 1,000 trials against optuna's TPE.

  .venv/bin/python benchmarks/sample_efficiency.py --quick          # CI size, ~2 minutes
  .venv/bin/python benchmarks/sample_efficiency.py --budgets 30 100 --seeds 3 --workers 2
  .venv/bin/python benchmarks/sample_efficiency.py                  # full: budgets 30/100/300, 5 seeds
  .venv/bin/python benchmarks/sample_efficiency.py --summarize a.json b.json   # merge partial runs
  .venv/bin/python benchmarks/sample_efficiency.py --overhead-only   # TPE cost at 1k/3k/10k trials

Needs the benchmark extra (optuna, hyperopt, scikit-optimize, coco-experiment, scikit-learn; torch
for optuna's GPSampler). The machine it runs on is shared and noisy: timings are indicative only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

TW_METHODS = ["tw-auto", "tw-tpe", "tw-gp", "tw-random", "tw-qmc"]
PEER_METHODS = ["optuna-tpe", "optuna-gp", "hyperopt-tpe", "skopt-gp"]
ALL_METHODS = TW_METHODS + PEER_METHODS

# bbob function classes (Hansen et al. 2009): separable, moderate, ill-conditioned,
# multimodal with global structure, multimodal with weak global structure.
BBOB_FUNCTIONS = {1: "sphere", 6: "attractive sector", 8: "rosenbrock", 10: "ellipsoid",
                  15: "rastrigin", 21: "gallagher101"}

Spec = tuple  # ("float", low, high, log) | ("int", low, high, log) | ("cat", choices)


@dataclass
class Problem:
    name: str
    kind: str  # "bbob" or "sklearn"
    space: dict[str, Spec]


# ---- problems ------------------------------------------------------------------------------------
def bbob_problem(fid: int, dim: int) -> Problem:
    return Problem(f"bbob-f{fid}-d{dim}", "bbob", {f"x{i}": ("float", -5.0, 5.0, False) for i in range(dim)})


SKLEARN_SPACES: dict[str, dict[str, Spec]] = {
    "svm-digits": {"C": ("float", 1e-2, 1e3, True), "gamma": ("float", 1e-5, 1e0, True),
                   "kernel": ("cat", ["rbf", "sigmoid", "poly"])},
    "rf-breast_cancer": {"n_estimators": ("int", 10, 80, True), "max_depth": ("int", 1, 16, False),
                         "max_features": ("float", 0.05, 1.0, False), "min_samples_leaf": ("int", 1, 20, False),
                         "criterion": ("cat", ["gini", "entropy"])},
    "gb-wine": {"learning_rate": ("float", 1e-3, 1.0, True), "n_estimators": ("int", 5, 60, False),
                "max_depth": ("int", 1, 5, False), "subsample": ("float", 0.3, 1.0, False)},
    "mlp-diabetes": {"hidden": ("int", 4, 64, True), "alpha": ("float", 1e-6, 1e-1, True),
                     "learning_rate_init": ("float", 1e-4, 1e-1, True), "activation": ("cat", ["relu", "tanh"])},
}


def sklearn_problem(name: str) -> Problem:
    return Problem(name, "sklearn", SKLEARN_SPACES[name])


_DATA: dict[str, Any] = {}


def _sklearn_objective(name: str) -> Callable[[dict[str, Any]], float]:
    from sklearn import datasets
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.preprocessing import StandardScaler

    if name not in _DATA:
        if name == "svm-digits":
            X, y = datasets.load_digits(return_X_y=True)
            X, y = X[:600] / 16.0, y[:600]
        elif name == "rf-breast_cancer":
            X, y = datasets.load_breast_cancer(return_X_y=True)
        elif name == "gb-wine":
            X, y = datasets.load_wine(return_X_y=True)
        else:
            X, y = datasets.load_diabetes(return_X_y=True)
            X = StandardScaler().fit_transform(X)
            y = (y - y.mean()) / y.std()
        _DATA[name] = (X, y)
    X, y = _DATA[name]
    cache: dict[str, float] = {}

    def f(p: dict[str, Any]) -> float:
        key = json.dumps(p, sort_keys=True, default=float)
        if key in cache:
            return cache[key]
        from sklearn.exceptions import ConvergenceWarning

        if name == "svm-digits":
            from sklearn.svm import SVC
            model = SVC(C=p["C"], gamma=p["gamma"], kernel=p["kernel"], degree=3)
        elif name == "rf-breast_cancer":
            from sklearn.ensemble import RandomForestClassifier
            model = RandomForestClassifier(n_estimators=int(p["n_estimators"]), max_depth=int(p["max_depth"]),
                                           max_features=p["max_features"],
                                           min_samples_leaf=int(p["min_samples_leaf"]),
                                           criterion=p["criterion"], random_state=0, n_jobs=1)
        elif name == "gb-wine":
            from sklearn.ensemble import GradientBoostingClassifier
            model = GradientBoostingClassifier(learning_rate=p["learning_rate"],
                                               n_estimators=int(p["n_estimators"]),
                                               max_depth=int(p["max_depth"]), subsample=p["subsample"],
                                               random_state=0)
        else:
            from sklearn.neural_network import MLPRegressor
            model = MLPRegressor(hidden_layer_sizes=(int(p["hidden"]),), alpha=p["alpha"],
                                 learning_rate_init=p["learning_rate_init"], activation=p["activation"],
                                 max_iter=150, random_state=0)
        cv = (KFold(3, shuffle=True, random_state=0) if name == "mlp-diabetes"
              else StratifiedKFold(3, shuffle=True, random_state=0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            score = float(np.mean(cross_val_score(model, X, y, cv=cv)))
        # Loss to minimize: classification error, or 1 - R^2 for regression (clipped: a diverged
        # MLP must not dominate the averages).
        loss = min(1.0 - score, 2.0) if math.isfinite(score) else 2.0
        cache[key] = loss
        return loss

    return f


def _bbob_objective(problem: Problem, seed: int) -> tuple[Callable[[dict[str, Any]], float], float]:
    import cocoex

    fid = int(problem.name.split("-")[1][1:])
    dim = int(problem.name.split("-")[2][1:])
    instance = seed + 1
    suite = cocoex.Suite("bbob", "", f"dimensions: {dim} instance_indices: {instance} function_indices: {fid}")
    p = suite.get_problem_by_function_dimension_instance(fid, dim, instance)
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
    names = list(problem.space)

    def f(params: dict[str, Any]) -> float:
        return float(p(np.array([params[n] for n in names]))) - f_opt

    f._keep = (suite, p)  # type: ignore[attr-defined]
    return f, 0.0


# ---- method adapters: each returns the objective values in trial order ---------------------------
def _tw_dist(spec: Spec) -> Any:
    import tunewise as tw

    if spec[0] == "float":
        return tw.distributions.Float(spec[1], spec[2], log=spec[3])
    if spec[0] == "int":
        return tw.distributions.Int(spec[1], spec[2], log=spec[3])
    return tw.distributions.Categorical(tuple(spec[1]))


def run_tunewise(method: str, space: dict[str, Spec], f: Callable, budget: int, seed: int) -> list[float]:
    import logging

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    s = tw.samplers
    sampler = {"tw-auto": lambda: s.AutoSampler(seed=seed), "tw-tpe": lambda: s.TPESampler(seed=seed),
               "tw-gp": lambda: s.GPSampler(seed=seed), "tw-random": lambda: s.RandomSampler(seed=seed),
               "tw-qmc": lambda: s.QMCSampler(seed=seed)}[method]()
    dists = {n: _tw_dist(sp) for n, sp in space.items()}
    study = tw.create_study(sampler=sampler)
    study.optimize(lambda t: f({n: t.suggest(n, d) for n, d in dists.items()}), n_trials=budget)
    return [t.value if t.value is not None else math.inf for t in study.trials]


def run_optuna(method: str, space: dict[str, Spec], f: Callable, budget: int, seed: int) -> list[float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    sampler = (optuna.samplers.TPESampler(seed=seed) if method == "optuna-tpe"
               else optuna.samplers.GPSampler(seed=seed))

    def obj(t: Any) -> float:
        p = {}
        for n, sp in space.items():
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
    return [t.value if t.value is not None else math.inf for t in study.trials]


def run_hyperopt(space: dict[str, Spec], f: Callable, budget: int, seed: int) -> list[float]:
    import logging

    from hyperopt import Trials, fmin, hp, tpe

    logging.getLogger("hyperopt").setLevel(logging.ERROR)
    hspace = {}
    for n, sp in space.items():
        if sp[0] == "float":
            hspace[n] = (hp.loguniform(n, math.log(sp[1]), math.log(sp[2])) if sp[3]
                         else hp.uniform(n, sp[1], sp[2]))
        elif sp[0] == "int":
            hspace[n] = (hp.qloguniform(n, math.log(sp[1]), math.log(sp[2]), 1) if sp[3]
                         else hp.quniform(n, sp[1], sp[2], 1))
        else:
            hspace[n] = hp.choice(n, sp[1])

    def obj(p: dict[str, Any]) -> float:
        q = dict(p)
        for n, sp in space.items():
            if sp[0] == "int":
                q[n] = int(min(max(round(q[n]), sp[1]), sp[2]))
        return f(q)

    trials = Trials()
    fmin(obj, hspace, algo=tpe.suggest, max_evals=budget, trials=trials, rstate=np.random.default_rng(seed),
         show_progressbar=False)
    return [float(v) for v in trials.losses()]


def run_skopt(space: dict[str, Spec], f: Callable, budget: int, seed: int) -> list[float]:
    from skopt import gp_minimize
    from skopt.space import Categorical, Integer, Real

    dims = []
    for n, sp in space.items():
        prior = "log-uniform" if len(sp) > 3 and sp[3] else "uniform"
        if sp[0] == "float":
            dims.append(Real(sp[1], sp[2], prior=prior, name=n))
        elif sp[0] == "int":
            dims.append(Integer(sp[1], sp[2], prior=prior, name=n))
        else:
            dims.append(Categorical(sp[1], name=n))
    names = list(space)

    def obj(x: list[Any]) -> float:
        return f({n: (v.item() if hasattr(v, "item") else v) for n, v in zip(names, x, strict=False)})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = gp_minimize(obj, dims, n_calls=budget, random_state=seed, n_initial_points=10)
    return [float(v) for v in res.func_vals]


def run_one(task: tuple[Problem, str, int, int]) -> dict[str, Any]:
    problem, method, budget, seed = task
    if problem.kind == "bbob":
        f, _ = _bbob_objective(problem, seed)
    else:
        f = _sklearn_objective(problem.name)
    t0 = time.perf_counter()
    np.random.seed(seed)  # hyperopt and skopt dependencies that use the global stream
    try:
        if method.startswith("tw-"):
            vals = run_tunewise(method, problem.space, f, budget, seed)
        elif method.startswith("optuna-"):
            vals = run_optuna(method, problem.space, f, budget, seed)
        elif method == "hyperopt-tpe":
            vals = run_hyperopt(problem.space, f, budget, seed)
        else:
            vals = run_skopt(problem.space, f, budget, seed)
        error = None
    except Exception as e:  # a peer that does not run here is reported, not fatal
        vals, error = [], f"{type(e).__name__}: {e}"
    return {"problem": problem.name, "kind": problem.kind, "method": method, "seed": seed, "budget": budget,
            "values": vals, "seconds": time.perf_counter() - t0, "error": error}


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
        t0 = time.perf_counter()
        st.optimize(f_tw, n_trials=n_measure // 3)
        tw_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        so.optimize(f_tw, n_trials=n_measure // 3)
        op_t.append(time.perf_counter() - t0)
    k = n_measure // 3
    out["tw-tpe ms/trial"] = 1000 * min(tw_t) / k
    out["optuna-tpe ms/trial"] = 1000 * min(op_t) / k
    return out


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
def _best_at(values: list[float], b: int) -> float:
    v = [x for x in values[:b] if x is not None and math.isfinite(x)]
    return min(v) if v else math.inf


def summarize(results: list[dict[str, Any]], budgets: list[int], methods: list[str]) -> str:
    lines: list[str] = []
    ok = [r for r in results if r["error"] is None and r["values"]]
    errors = sorted({(r["method"], r["error"]) for r in results if r["error"]})
    for m, e in errors:
        lines.append(f"note: {m} failed: {e}")
    # Reference for scikit-learn tasks: the best loss any method found at any budget.
    ref: dict[str, float] = {}
    for r in ok:
        if r["kind"] == "sklearn":
            ref[r["problem"]] = min(ref.get(r["problem"], math.inf), _best_at(r["values"], len(r["values"])))
    problems = sorted({r["problem"] for r in ok}, key=lambda p: (not p.startswith("bbob"), p))
    present = [m for m in methods if any(r["method"] == m for r in ok)]

    def regrets(p: str, m: str, b: int) -> list[float]:
        out = []
        for r in ok:
            if r["problem"] == p and r["method"] == m and len(r["values"]) >= b:
                out.append(max(_best_at(r["values"], b) - ref.get(p, 0.0), 0.0))
        return out

    for b in budgets:
        lines.append(f"\n### Budget {b}: final regret per problem, mean (median) over seeds\n")
        lines.append("| problem | " + " | ".join(present) + " |")
        lines.append("|---" * (len(present) + 1) + "|")
        norm: dict[str, list[float]] = {m: [] for m in present}
        ranks: dict[str, list[float]] = {m: [] for m in present}
        for p in problems:
            means = {}
            cells = []
            for m in present:
                rg = regrets(p, m, b)
                if rg:
                    means[m] = float(np.mean(rg))
                    cells.append(f"{np.mean(rg):.3g} ({np.median(rg):.3g})")
                else:
                    cells.append("-")
            lines.append(f"| {p} | " + " | ".join(cells) + " |")
            if len(means) == len(present):
                vals = np.array([means[m] for m in present])
                lo, hi = vals.min(), vals.max()
                from scipy.stats import rankdata

                rk = rankdata(vals)
                for m, v, k in zip(present, vals, rk, strict=False):
                    norm[m].append(0.0 if hi == lo else (v - lo) / (hi - lo))
                    ranks[m].append(float(k))
        n_full = len(next(iter(ranks.values()), []))
        lines.append(f"\n**Budget {b}, over {n_full} problems every method ran:**\n")
        lines.append("| method | mean normalized regret | mean rank |")
        lines.append("|---|---|---|")
        for m in sorted(present, key=lambda m: np.mean(ranks[m]) if ranks[m] else math.inf):
            if ranks[m]:
                lines.append(f"| {m} | {np.mean(norm[m]):.3f} | {np.mean(ranks[m]):.2f} |")
        # Geometric-mean regret on bbob, paired runs only.
        gm: dict[str, float] = {}
        bbob = [p for p in problems if p.startswith("bbob")]
        for m in present:
            rg = [x for p in bbob for x in regrets(p, m, b)]
            if rg and all(len(regrets(p, m, b)) == len(regrets(p, present[0], b)) for p in bbob):
                gm[m] = float(np.exp(np.mean(np.log(np.maximum(rg, 1e-8)))))
        if gm:
            lines.append(f"\nGeometric-mean regret on bbob at budget {b} (floor 1e-8):\n")
            lines.append("| method | geo-mean regret | vs optuna-tpe | vs optuna-gp |")
            lines.append("|---|---|---|---|")
            for m in sorted(gm, key=gm.get):  # type: ignore[arg-type]
                vt = f"{gm[m] / gm['optuna-tpe']:.2f}x" if gm.get("optuna-tpe") else "-"
                vg = f"{gm[m] / gm['optuna-gp']:.2f}x" if gm.get("optuna-gp") else "-"
                lines.append(f"| {m} | {gm[m]:.4g} | {vt} | {vg} |")
    secs: dict[str, list[float]] = {}
    for r in ok:
        secs.setdefault(r["method"], []).append(r["seconds"])
    lines.append("\nMean wall time per run (s, includes the objective; shared machine, noisy): " + ", ".join(
        f"{m} {np.mean(secs[m]):.1f}" for m in present if m in secs))
    return "\n".join(lines)


def _progress(i: int, n: int, r: dict[str, Any], t0: float) -> None:
    best = _best_at(r["values"], len(r["values"])) if r["values"] else math.nan
    print(f"  [{i}/{n} {time.time() - t0:.0f}s] {r['problem']} {r['method']} seed {r['seed']}: "
          f"best {best:.4g} in {r['seconds']:.1f}s" + (f" ERROR {r['error']}" if r["error"] else ""),
          file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI size: 4 problems, budget 30, 2 seeds")
    ap.add_argument("--budgets", type=int, nargs="+", default=[30, 100, 300])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--functions", type=int, nargs="*", default=list(BBOB_FUNCTIONS))
    ap.add_argument("--dims", type=int, nargs="+", default=[2, 3, 5, 10])
    ap.add_argument("--sklearn", nargs="*", default=list(SKLEARN_SPACES))
    ap.add_argument("--methods", nargs="+", default=ALL_METHODS)
    ap.add_argument("--skopt-max-budget", type=int, default=100,
                    help="gp_minimize becomes very slow beyond this (its runs stop there)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", default=None, help="also write the raw results here")
    ap.add_argument("--summarize", nargs="+", default=None,
                    help="only print the tables of --json files (merged; partial runs too)")
    ap.add_argument("--no-overhead", action="store_true", help="skip the per-trial cost measurement")
    ap.add_argument("--overhead-only", type=int, nargs="*", default=None, metavar="N",
                    help="only measure TPE's per-trial cost after N trials (default 1000 3000 10000; "
                         "optuna beside it up to 3000)")
    args = ap.parse_args(argv)
    if args.overhead_only is not None:
        print("| trials in the study | tunewise TPE ms/trial | optuna TPE ms/trial | ratio |")
        print("|---|---|---|---|")
        for n in args.overhead_only or [1000, 3000, 10000]:
            if n <= 3000:
                oh = measure_overhead(n_prefill=n, n_measure=30)
                tw_ms, op_ms = oh["tw-tpe ms/trial"], oh["optuna-tpe ms/trial"]
                print(f"| {n:,} | {tw_ms:.2f} | {op_ms:.2f} | {tw_ms / op_ms:.2f} |", flush=True)
            else:
                print(f"| {n:,} | {measure_tw_flat(n, n_measure=30):.2f} | - | - |", flush=True)
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        return
    if args.quick:
        problems = [bbob_problem(8, 3), bbob_problem(15, 2), bbob_problem(10, 5), sklearn_problem("svm-digits")]
        budgets, seeds = [30], 2
    else:
        problems = [bbob_problem(f, d) for f in args.functions for d in args.dims]
        problems += [sklearn_problem(n) for n in args.sklearn]
        budgets, seeds = sorted(args.budgets), args.seeds
    top = max(budgets)
    tasks = []
    for p in problems:
        for m in args.methods:
            b = min(top, args.skopt_max_budget) if m == "skopt-gp" else top
            for s in range(seeds):
                tasks.append((p, m, b, s))
    # Problem by problem, seed by seed: an interrupted run still gives complete comparisons.
    tasks.sort(key=lambda t: (t[0].kind != "bbob", t[3], problems.index(t[0])))
    t0 = time.time()
    print(f"{len(tasks)} runs: {len(problems)} problems x {len(args.methods)} methods x {seeds} seeds, "
          f"budgets {budgets}", flush=True)
    results: list[dict[str, Any]] = []

    def save() -> None:
        if args.json:
            os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
            with open(args.json, "w") as fh:
                json.dump(results, fh)

    if args.summarize:
        for path in args.summarize:
            with open(path) as fh:
                results.extend(json.load(fh))
        # Partial runs of different files: compare only (problem, seed) cells every method finished.
        done = [r for r in results if r["error"] is None and r["values"] and r["method"] in args.methods]
        methods_present = {r["method"] for r in done}
        cells: dict[tuple[str, int], set[str]] = {}
        for r in done:
            cells.setdefault((r["problem"], r["seed"]), set()).add(r["method"])
        complete = {c for c, ms in cells.items() if ms == methods_present}
        results = [r for r in done if (r["problem"], r["seed"]) in complete]
        print(f"{len(complete)} (problem, seed) cells finished by all of {sorted(methods_present)}")
        print(summarize(results, budgets, args.methods))
        return
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
    print(summarize(results, budgets, args.methods))
    print(f"\nbenchmark wall time {time.time() - t0:.0f} s")
    if not args.no_overhead:
        n = 300 if args.quick else 1000
        oh = measure_overhead(n_prefill=n, n_measure=15 if args.quick else 30)
        print(f"\nPer-trial cost of TPE after {n} trials (5 floats, in memory; sampler + framework; "
              "min of 3 interleaved batches):")
        for k, v in oh.items():
            print(f"  {k}: {v:.2f}")
        print(f"  ratio tunewise/optuna: {oh['tw-tpe ms/trial'] / oh['optuna-tpe ms/trial']:.2f}")
        if not args.quick:
            for n in (3000, 10000):
                print(f"  tw-tpe ms/trial after {n} trials: {measure_tw_flat(n):.2f}")


if __name__ == "__main__":
    main()
