"""Multi-objective and constrained search: tunewise against Optuna, seeded, in one run.

What it measures (issue 21):

1. Hypervolume gap to the true front after ``--trials`` trials (default 100) on ZDT1, ZDT2, ZDT3
   (``--dim`` variables, default 10), DTLZ2 (3 objectives, 7 variables) and one real task: a
   decision tree on scikit-learn's bundled digits data, 3-fold error against model size
   (log10 of its leaves). The gap is HV(true front) - HV(found front) for a fixed reference
   point 10% beyond each objective's largest value, as a fraction of HV(true front); the tree's
   "true" front is the best front seen by any sampler in any seed. Reported as the geometric
   mean over problems x seeds (gaps under 1e-4 count as 1e-4), and the ratio to each Optuna sampler.
2. Constrained single-objective problems: Branin s.t. (x1 - 2.5)^2 + (x2 - 7.5)^2 <= 50 (Gelbart
   et al. 2014), Gardner et al. 2014's toy (cos 2x cos y + sin x s.t. cos x cos y - sin x sin y
   <= 0.5), and the digits tree's accuracy under a size limit (at most 32 leaves). Regret: the
   best feasible value found minus the true optimum (the tree's: the best any run found), as a
   fraction of the range of feasible values (a run with no feasible trial counts the worst).
   Geometric mean over problems x seeds (under 1e-4 counts as 1e-4).
3. Cost (CPU time of this process): MO-TPE per trial after 1,000 trials, ``study.best_trials``
   at 10,000 trials.

Samplers: tunewise's default (AutoSampler: MO-TPE at these budgets), TPESampler,
NSGAIISampler; Optuna's NSGAIISampler, TPESampler and GPSampler (multi-objective), and Optuna's
TPESampler / GPSampler with ``constraints_func`` for the constrained problems.

    python benchmarks/multi_objective.py            # 10 seeds, 100 trials (an hour or more on 2 cores)
    python benchmarks/multi_objective.py --quick    # 2 seeds, 40 trials, no GP samplers, smaller cost runs

Every run's outcome is kept in ``--cache`` (default out/multi_objective_runs.json), so an
interrupted benchmark resumes, and samplers can be run in separate processes (``--samplers``)
and tabulated together afterwards.

Timing figures are indicative on a shared machine; hypervolume and regret figures are not.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import tunewise as tw
from tunewise._pareto import hypervolume_of, nondominated

warnings.filterwarnings("ignore")
logging.getLogger("tunewise").setLevel(logging.WARNING)


# ---- problems ---------------------------------------------------------------------------------
def zdt(kind: int, dim: int) -> Callable[[np.ndarray], tuple[float, float]]:
    def f(x: np.ndarray) -> tuple[float, float]:
        f1 = float(x[0])
        g = 1.0 + 9.0 * float(np.mean(x[1:]))
        h = {1: 1 - math.sqrt(f1 / g), 2: 1 - (f1 / g) ** 2,
             3: 1 - math.sqrt(f1 / g) - (f1 / g) * math.sin(10 * math.pi * f1)}[kind]
        return f1, g * h
    return f


def zdt_front(kind: int) -> np.ndarray:
    f1 = np.linspace(0, 1, 20001)
    f2 = {1: 1 - np.sqrt(f1), 2: 1 - f1 ** 2, 3: 1 - np.sqrt(f1) - f1 * np.sin(10 * np.pi * f1)}[kind]
    pts = np.c_[f1, f2]
    return pts[nondominated(pts)]


def dtlz2(x: np.ndarray) -> tuple[float, float, float]:
    g = float(np.sum((x[2:] - 0.5) ** 2))
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return ((1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a))


def dtlz2_true_hv(ref: float) -> float:
    # Volume of [0, ref]^3 outside the unit ball's positive octant.
    return ref ** 3 - math.pi / 6


_DIGITS: Any = None


def _digits() -> Any:
    global _DIGITS
    if _DIGITS is None:
        from sklearn.datasets import load_digits

        _DIGITS = load_digits(return_X_y=True)
    return _DIGITS


_TREE_CACHE: dict[tuple[Any, ...], tuple[float, int]] = {}


def tree_outcome(p: dict[str, Any]) -> tuple[float, int]:
    """3-fold error and mean number of leaves of a decision tree on digits (cached: deterministic)."""
    key = tuple(sorted(p.items()))
    if key in _TREE_CACHE:
        return _TREE_CACHE[key]
    from sklearn.model_selection import StratifiedKFold
    from sklearn.tree import DecisionTreeClassifier

    X, y = _digits()
    errs, leaves = [], []
    for tr, te in StratifiedKFold(3, shuffle=True, random_state=0).split(X, y):
        m = DecisionTreeClassifier(random_state=0, **p).fit(X[tr], y[tr])
        errs.append(1 - m.score(X[te], y[te]))
        leaves.append(m.get_n_leaves())
    out = float(np.mean(errs)), int(np.mean(leaves))
    _TREE_CACHE[key] = out
    return out


TREE_SPACE = {
    "max_depth": ("int", 1, 20), "min_samples_leaf": ("int", 1, 50), "min_samples_split": ("int", 2, 50),
    "max_features": ("float", 0.05, 1.0), "ccp_alpha": ("logfloat", 1e-5, 0.05),
    "criterion": ("cat", ["gini", "entropy"]),
}


class Problem:
    def __init__(self, name: str, dim: int, n_obj: int, ref: np.ndarray, true_hv: float | None,
                 values: Callable[[Any], tuple[float, ...]], params: str = "unit") -> None:
        self.name, self.dim, self.n_obj, self.ref, self.true_hv = name, dim, n_obj, ref, true_hv
        self.values, self.params = values, params


def problems(dim: int) -> list[Problem]:
    out = []
    for k in (1, 2, 3):
        ref = np.array([1.1, 11.0])  # 10% beyond each objective's largest value (f1 <= 1, f2 <= g <= 10)
        front = zdt_front(k)
        out.append(Problem(f"ZDT{k}", dim, 2, ref, hypervolume_of(front, ref), zdt(k, dim)))
    out.append(Problem("DTLZ2", 7, 3, np.full(3, 2.5), dtlz2_true_hv(2.5), dtlz2))  # values <= 1 + g <= 2.25
    out.append(Problem("digits-tree", 0, 2, np.array([1.0, 3.5]), None,
                       lambda p: (lambda e, n: (e, math.log10(n)))(*tree_outcome(p)), params="tree"))
    return out


# ---- running one sampler ------------------------------------------------------------------------
def suggest_tw(t: Any, problem: Problem) -> Any:
    if problem.params == "tree":
        return _suggest_tree(t)
    return np.array([t.suggest_float(f"x{i}", 0.0, 1.0) for i in range(problem.dim)])


def _suggest_tree(t: Any) -> dict[str, Any]:
    p: dict[str, Any] = {}
    for name, spec in TREE_SPACE.items():
        if spec[0] == "int":
            p[name] = t.suggest_int(name, spec[1], spec[2])
        elif spec[0] == "float":
            p[name] = t.suggest_float(name, spec[1], spec[2])
        elif spec[0] == "logfloat":
            p[name] = t.suggest_float(name, spec[1], spec[2], log=True)
        else:
            p[name] = t.suggest_categorical(name, spec[1])
    return p


def tw_sampler(name: str, seed: int) -> tw.samplers.Sampler:
    return {
        "tunewise default": lambda: tw.samplers.AutoSampler(seed=seed),
        "tunewise TPE": lambda: tw.samplers.TPESampler(seed=seed),
        "tunewise NSGA-II": lambda: tw.samplers.NSGAIISampler(seed=seed),
        "tunewise GP": lambda: tw.samplers.GPSampler(seed=seed),
    }[name]()


def optuna_sampler(name: str, seed: int, constraints_func: Any = None) -> Any:
    import optuna

    return {
        "Optuna NSGA-II": lambda: optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints_func),
        "Optuna TPE": lambda: optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func),
        "Optuna GP": lambda: optuna.samplers.GPSampler(seed=seed, constraints_func=constraints_func),
    }[name]()


def run_mo(problem: Problem, sampler: str, seed: int, n_trials: int) -> np.ndarray:
    """The objective vectors of every trial (minimised)."""
    if sampler.startswith("Optuna"):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(directions=["minimize"] * problem.n_obj, sampler=optuna_sampler(sampler, seed))
        study.optimize(lambda t: problem.values(suggest_tw(t, problem)), n_trials=n_trials)
        return np.array([t.values for t in study.trials if t.values is not None])
    study = tw.create_study(directions=["minimize"] * problem.n_obj, sampler=tw_sampler(sampler, seed))
    study.optimize(lambda t: problem.values(suggest_tw(t, problem)), n_trials=n_trials)
    return np.array([t.values for t in study.trials if t.values is not None])


# ---- constrained problems ------------------------------------------------------------------------
def branin(x1: float, x2: float) -> float:
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


class Constrained:
    def __init__(self, name: str, suggest: Callable[[Any], Any], f: Callable[[Any], float],
                 c: Callable[[Any], float], optimum: float, worst: float) -> None:
        self.name, self.suggest, self.f, self.c, self.optimum, self.worst = name, suggest, f, c, optimum, worst


def constrained_problems() -> list[Constrained]:
    def sb(t: Any) -> tuple[float, float]:
        return t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15)

    def sg(t: Any) -> tuple[float, float]:
        return t.suggest_float("x", 0, 6), t.suggest_float("y", 0, 6)

    def gardner_f(p: tuple[float, float]) -> float:
        return math.cos(2 * p[0]) * math.cos(p[1]) + math.sin(p[0])

    def gardner_c(p: tuple[float, float]) -> float:
        return math.cos(p[0]) * math.cos(p[1]) - math.sin(p[0]) * math.sin(p[1]) - 0.5

    def grid_opt(f: Callable[..., float], c: Callable[..., float], lo: tuple[float, float],
                 hi: tuple[float, float]) -> tuple[float, float]:
        a, b = np.meshgrid(np.linspace(lo[0], hi[0], 1201), np.linspace(lo[1], hi[1], 1201))
        fv = np.vectorize(lambda u, v: f((u, v)))(a, b)
        cv = np.vectorize(lambda u, v: c((u, v)))(a, b)
        return float(fv[cv <= 0].min()), float(fv[cv <= 0].max())

    bf = lambda p: branin(*p)  # noqa: E731
    bc = lambda p: (p[0] - 2.5) ** 2 + (p[1] - 7.5) ** 2 - 50  # noqa: E731
    b_opt, b_worst = grid_opt(bf, bc, (-5, 0), (10, 15))
    g_opt, g_worst = grid_opt(gardner_f, gardner_c, (0, 0), (6, 6))
    out = [Constrained("Branin-c", sb, bf, bc, b_opt, b_worst), Constrained("Gardner", sg, gardner_f, gardner_c,
                                                                           g_opt, g_worst)]
    # The digits tree: error with at most 32 leaves; its optimum is the best feasible error any run saw.
    out.append(Constrained("digits-tree<=32 leaves", _suggest_tree, lambda p: tree_outcome(p)[0],
                           lambda p: tree_outcome(p)[1] - 32.0, float("nan"), 1.0))
    return out


def run_constrained(problem: Constrained, sampler: str, seed: int, n_trials: int) -> float:
    """Best feasible value found (worst feasible if none)."""
    best = problem.worst

    def objective(t: Any) -> float:
        p = problem.suggest(t)
        t.set_user_attr("c", problem.c(p))
        return problem.f(p)

    def cfunc(ft: Any) -> list[float]:
        return [ft.user_attrs["c"]]

    if sampler.startswith("Optuna"):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(sampler=optuna_sampler(sampler, seed, cfunc))
        study.optimize(objective, n_trials=n_trials)
    else:
        study = tw.create_study(sampler=tw_sampler(sampler, seed), constraints_func=cfunc)
        study.optimize(objective, n_trials=n_trials)
    feas = [t.values[0] for t in study.trials if t.values is not None and t.user_attrs["c"] <= 0]
    return min(feas) if feas else best


# ---- cost ---------------------------------------------------------------------------------------
def cost(n_prefill: int, n_timed: int, n_front: int) -> dict[str, float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    rng = np.random.default_rng(0)
    f = zdt(1, 5)
    X = rng.random((n_prefill, 5))
    out: dict[str, float] = {}
    # Both studies start from the same n_prefill random trials, then time n_timed MO-TPE trials.
    s = tw.create_study(directions=["minimize"] * 2, sampler=tw.samplers.TPESampler(seed=0))
    for x in X:
        s.enqueue_trial({f"x{i}": float(v) for i, v in enumerate(x)})
    s.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(5)])), n_trials=n_prefill)
    # A few untimed model trials first (the first one imports scipy.special), then CPU time: on a
    # shared machine wall time measures the neighbours.
    s.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(5)])), n_trials=3)
    t0 = time.process_time()
    s.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(5)])), n_trials=n_timed)
    out["tunewise MO-TPE ms/trial"] = (time.process_time() - t0) / n_timed * 1e3
    o = optuna.create_study(directions=["minimize"] * 2, sampler=optuna.samplers.TPESampler(seed=0))
    dists = {f"x{i}": optuna.distributions.FloatDistribution(0, 1) for i in range(5)}
    o.add_trials([optuna.trial.create_trial(params={f"x{i}": float(v) for i, v in enumerate(x)}, distributions=dists,
                                            values=list(f(x))) for x in X])
    o.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(5)])), n_trials=3)
    t0 = time.process_time()
    o.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", 0, 1) for i in range(5)])), n_trials=n_timed)
    out["Optuna MO-TPE ms/trial"] = (time.process_time() - t0) / n_timed * 1e3
    # best_trials over n_front finished trials (a noisy trade-off: a front of a few hundred).
    V = np.c_[rng.random(n_front), rng.random(n_front)]
    V[:, 1] = 1 - np.sqrt(V[:, 0]) + 0.3 * V[:, 1]
    s = tw.create_study(directions=["minimize"] * 2)
    for v in V:
        s.tell(s.ask(), [float(v[0]), float(v[1])])
    t0 = time.process_time()
    n_tw = len(s.best_trials)
    out["tunewise best_trials s"] = time.process_time() - t0
    o = optuna.create_study(directions=["minimize"] * 2)
    o.add_trials([optuna.trial.create_trial(values=[float(v[0]), float(v[1])]) for v in V])
    t0 = time.process_time()
    n_op = len(o.best_trials)
    out["Optuna best_trials s"] = time.process_time() - t0
    assert n_tw == n_op, (n_tw, n_op)
    return out


class RunCache:
    """Each run's outcome on disk, so the benchmark resumes and can be split across processes."""

    def __init__(self, paths: str) -> None:
        from pathlib import Path

        # Written to the first path; read from all (one file per process splits a run).
        self.paths = [Path(p) for p in paths.split(",")]
        self.path = self.paths[0]
        self.data: dict[str, Any] = {}
        self.reload()

    def reload(self) -> None:
        for path in self.paths[::-1]:
            if path.exists():
                self.data.update(json.loads(path.read_text()))

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.data:
            t0 = time.perf_counter()
            value = compute()
            self.reload()  # another process may have added runs meanwhile
            self.data[key] = {"value": value, "seconds": time.perf_counter() - t0}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            mine = json.loads(self.path.read_text()) if self.path.exists() else {}
            mine[key] = self.data[key]
            tmp.write_text(json.dumps(mine))
            tmp.replace(self.path)
            print(f"  {key}: {self.data[key]['seconds']:.1f} s", file=sys.stderr, flush=True)
        return self.data[key]["value"]

    def seconds(self, key: str) -> float:
        return float(self.data[key]["seconds"])


def gmean(x: list[float]) -> float:
    # Gaps and regrets are fractions of a range; below 1e-4 counts as solved (a zero would
    # otherwise decide the geometric mean alone).
    a = np.maximum(np.asarray(x, dtype=float), 1e-4)
    return float(np.exp(np.mean(np.log(a))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 seeds, 40 trials, no Optuna GP, small cost runs")
    ap.add_argument("--seeds", type=int, default=None)
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--dim", type=int, default=10, help="variables of the ZDT problems")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: mo, constrained, cost")
    ap.add_argument("--samplers", default="", help="comma-separated subset of the sampler names")
    ap.add_argument("--tabulate-only", action="store_true", help="tabulate the cached runs, run nothing")
    ap.add_argument("--cache", default="out/multi_objective_runs.json",
                    help="where each run's outcome is kept (comma-separated: written to the first, read from all)")
    args = ap.parse_args()
    seeds = args.seeds or (2 if args.quick else 10)
    n_trials = args.trials or (40 if args.quick else 100)
    skip = set(filter(None, args.skip.split(",")))
    cache = RunCache(args.cache)
    mo_samplers = ["tunewise default", "tunewise TPE", "tunewise NSGA-II", "Optuna NSGA-II", "Optuna TPE"]
    c_samplers = ["tunewise default", "tunewise TPE", "Optuna TPE"]
    if not args.quick:
        mo_samplers += ["tunewise GP", "Optuna GP"]
        c_samplers += ["tunewise GP", "Optuna GP"]
    if args.samplers:
        keep = set(args.samplers.split(","))
        mo_samplers = [s for s in mo_samplers if s in keep]
        c_samplers = [s for s in c_samplers if s in keep]

    def run(key: str, compute: Callable[[], Any]) -> Any:
        if args.tabulate_only:
            return cache.data.get(key, {}).get("value")
        return cache.get(key, compute)

    def cell(values: dict[int, float]) -> str:
        text = f"{gmean(list(values.values())):.4g}" if values else "-"
        return text if len(values) in (0, seeds) else f"{text} ({len(values)} seeds)"

    def ratio(a: dict[tuple[str, int], float], b: dict[tuple[str, int], float]) -> str:
        common = sorted(set(a) & set(b))  # the same problems and seeds on both sides
        if not common:
            return "-"
        r = gmean([a[k] for k in common]) / gmean([b[k] for k in common])
        return f"{r:.2f}x" + ("" if len(common) == len(a) == len(b) else f" (on {len(common)} common runs)")

    if "mo" not in skip:
        print(f"## Hypervolume gap to the true front after {n_trials} trials ({seeds} seeds, ZDT d={args.dim})\n")
        probs = problems(args.dim)
        found: dict[tuple[str, str, int], np.ndarray] = {}
        secs: dict[str, list[float]] = {s: [] for s in mo_samplers}
        for p in probs:
            for s in mo_samplers:
                for seed in range(seeds):
                    key = f"mo|{p.name}|d={p.dim}|{s}|{seed}|{n_trials}"
                    v = run(key, lambda p=p, s=s, seed=seed: run_mo(p, s, seed, n_trials).tolist())
                    if v is not None:
                        found[(p.name, s, seed)] = np.array(v)
                        secs[s].append(cache.seconds(key))
        gaps: dict[str, dict[tuple[str, int], float]] = {s: {} for s in mo_samplers}
        for p in probs:
            true_hv = p.true_hv
            if true_hv is None:  # the best front any run found
                mine = [v for (pn, _, _), v in found.items() if pn == p.name]
                if not mine:
                    continue
                allv = np.vstack(mine)
                true_hv = hypervolume_of(allv[nondominated(allv)], p.ref)
            for (pn, s, seed), v in found.items():  # relative to the true front's hypervolume
                if pn == p.name:
                    gaps[s][(pn, seed)] = max(true_hv - hypervolume_of(v, p.ref), 0.0) / true_hv
        print("| sampler | " + " | ".join(p.name for p in probs) + " | geo-mean gap | s per run |")
        print("|" + "---|" * (len(probs) + 3))
        for s in mo_samplers:
            cells = " | ".join(cell({seed: g for (pn, seed), g in gaps[s].items() if pn == p.name}) for p in probs)
            overall = f"{gmean(list(gaps[s].values())):.4f}" if gaps[s] else "-"
            per_run = f"{np.mean(secs[s]):.1f}" if secs[s] else "-"
            print(f"| {s} | {cells} | {overall} | {per_run} |")
        print()
        for ours in ("tunewise default", "tunewise TPE", "tunewise NSGA-II", "tunewise GP"):
            if ours in gaps and gaps[ours]:
                ratios = ", ".join(f"{ratio(gaps[ours], gaps[o])} {o}" for o in mo_samplers if o.startswith("Optuna"))
                print(f"- {ours}: gap = {ratios}")
        print()

    if "constrained" not in skip:
        print(f"## Constrained: regret of the best feasible value after {n_trials} trials ({seeds} seeds)\n")
        cps = constrained_problems()
        best: dict[tuple[str, str, int], float] = {}
        for p in cps:
            for s in c_samplers:
                for seed in range(seeds):
                    v = run(f"c|{p.name}|{s}|{seed}|{n_trials}",
                            lambda p=p, s=s, seed=seed: run_constrained(p, s, seed, n_trials))
                    if v is not None:
                        best[(p.name, s, seed)] = float(v)
        print("| sampler | " + " | ".join(p.name for p in cps) + " | geo-mean regret |")
        print("|" + "---|" * (len(cps) + 2))
        regrets: dict[str, dict[tuple[str, int], float]] = {s: {} for s in c_samplers}
        for p in cps:
            opt = p.optimum
            if math.isnan(opt):
                seen = [v for (pn, _, _), v in best.items() if pn == p.name]
                if not seen:
                    continue
                opt = min(seen)
            for (pn, s, seed), v in best.items():  # as a fraction of the range of feasible values
                if pn == p.name:
                    regrets[s][(pn, seed)] = (v - opt) / (p.worst - opt)
        for s in c_samplers:
            cells = " | ".join(cell({seed: r for (pn, seed), r in regrets[s].items() if pn == p.name}) for p in cps)
            overall = f"{gmean(list(regrets[s].values())):.4g}" if regrets[s] else "-"
            print(f"| {s} | {cells} | {overall} |")
        print()
        for ours in ("tunewise default", "tunewise TPE", "tunewise GP"):
            if regrets.get(ours) and regrets.get("Optuna TPE"):
                others = ", ".join(f"{ratio(regrets[ours], regrets[o])} {o}" for o in c_samplers
                                   if o.startswith("Optuna") and regrets[o])
                print(f"- {ours}: regret = {others} (Optuna's samplers with constraints_func)")
        print()

    if "cost" not in skip:
        n_prefill, n_timed, n_front = (300, 10, 2000) if args.quick else (1000, 30, 10000)
        print(f"## Cost (indicative: shared machine): MO-TPE per trial after {n_prefill} trials, "
              f"best_trials at {n_front}\n")
        c = cost(n_prefill, n_timed, n_front)
        for k, v in c.items():
            print(f"- {k}: {v:.4g}")
        print(f"- MO-TPE: tunewise/Optuna = {c['tunewise MO-TPE ms/trial'] / c['Optuna MO-TPE ms/trial']:.3f}")
        print(f"- best_trials: tunewise/Optuna = {c['tunewise best_trials s'] / c['Optuna best_trials s']:.3f}")


if __name__ == "__main__":
    main()
