"""Development benchmark for tunewise's GPSampler against optuna's GPSampler on COCO bbob functions.

The full cross-sampler comparison is ``benchmarks/sample_efficiency.py``; this script is the GP
author's quick check. Results are cached (JSON) so that the slow peer runs happen once.

    .venv/bin/python benchmarks/gp_dev.py --quick
    .venv/bin/python benchmarks/gp_dev.py --methods tw_gp,optuna_gp --dims 2,5 --budget 40 --seeds 3
    # trust-region variants of the default sampler on sample_efficiency.py's dev split (instances 1-5):
    .venv/bin/python benchmarks/gp_dev.py --trust /tmp/trust.json --variants off,turbo --dims 10,20 \
        --funcs 2,4,7,9,10,11,15,16,20,22 --budget 100 --seeds 3

Regret is ``best value found - optimum`` (floored at 1e-8); the summary is the geometric mean
over problems and seeds, and its ratio to optuna's GPSampler.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

FUNCS_QUICK = [1, 2, 3, 6, 7, 8, 10, 12, 15, 17, 20, 21]
FLOOR = 1e-8
_SUITES: list[object] = []


def bbob_problems(dims: list[int], funcs: list[int], instance: int = 1) -> list[tuple[str, Callable, float, int]]:
    import cocoex

    out = []
    suite = cocoex.Suite("bbob", "", f"dimensions:{','.join(map(str, dims))} instance_indices:{instance}")
    _SUITES.append(suite)  # problems die with their suite
    ids = [pid for pid in suite.ids() if int(pid.split("_f")[1][:3]) in funcs]
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # _best_parameter('print') writes its file in the working directory
        try:
            for pid in ids:
                problem = suite.get_problem(pid)
                problem._best_parameter("print")
                x_opt = np.loadtxt("._bbob_problem_best_parameter.txt")
                f_opt = float(problem(np.atleast_1d(x_opt)))
                out.append((problem.id, problem, f_opt, problem.dimension))
        finally:
            os.chdir(cwd)
    return out


def run_tw(problem: Callable, dim: int, budget: int, seed: int, **kw: object) -> tuple[float, float]:
    import logging

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    sampler = tw.samplers.GPSampler(seed=seed, **kw)  # type: ignore[arg-type]
    study = tw.create_study(sampler=sampler)
    t0 = time.perf_counter()
    study.optimize(lambda t: float(problem(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)]))),
                   n_trials=budget)
    return study.best_value, (time.perf_counter() - t0) / budget


def run_tw_random(problem: Callable, dim: int, budget: int, seed: int) -> tuple[float, float]:
    import tunewise as tw

    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed))
    t0 = time.perf_counter()
    study.optimize(lambda t: float(problem(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)]))),
                   n_trials=budget)
    return study.best_value, (time.perf_counter() - t0) / budget


def run_optuna_gp(problem: Callable, dim: int, budget: int, seed: int) -> tuple[float, float]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=seed))
    t0 = time.perf_counter()
    study.optimize(lambda t: float(problem(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)]))),
                   n_trials=budget)
    return study.best_value, (time.perf_counter() - t0) / budget


def run_skopt(problem: Callable, dim: int, budget: int, seed: int) -> tuple[float, float]:
    from skopt import gp_minimize

    t0 = time.perf_counter()
    res = gp_minimize(lambda x: float(problem(np.array(x))), [(-5.0, 5.0)] * dim, n_calls=budget,
                      random_state=seed)
    return float(res.fun), (time.perf_counter() - t0) / budget


def timing(n_history: int, dim: int, n_measure: int) -> None:
    """Per-suggest cost with ``n_history`` finished trials (random history, then the GP proposes)."""
    import logging

    import optuna

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    optuna.logging.set_verbosity(optuna.logging.ERROR)

    def f(x: np.ndarray) -> float:
        return float(np.sum((x - 0.3) ** 2) + np.sin(3 * x).sum())

    rng = np.random.default_rng(0)
    xs = rng.uniform(-5, 5, (n_history, dim))
    rows = []
    for name in ("tw_gp", "optuna_gp"):
        if name == "tw_gp":
            study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
            for x in xs:
                study.enqueue_trial({f"x{i}": float(v) for i, v in enumerate(x)})
                study.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)])),
                               n_trials=1)
        else:
            study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0))
            for x in xs:
                study.enqueue_trial({f"x{i}": float(v) for i, v in enumerate(x)})
            study.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)])),
                           n_trials=n_history)
        per = []
        for _ in range(n_measure):
            t0 = time.perf_counter()
            study.optimize(lambda t: f(np.array([t.suggest_float(f"x{i}", -5, 5) for i in range(dim)])),
                           n_trials=1)
            per.append(time.perf_counter() - t0)
        rows.append((name, 1e3 * float(np.median(per)), 1e3 * float(np.mean(per))))
    print(f"per-suggest cost at {n_history} trials, d={dim} (median / mean of {n_measure} suggests)")
    for name, med, mean in rows:
        print(f"{name:<12}{med:>10.1f} ms{mean:>10.1f} ms")
    print(f"ratio tw/optuna (median): {rows[0][1] / rows[1][1]:.2f}")


# ---- trust-region variants on the dev split (``--trust``) -------------------------------------------
# Each variant sets module constants of tunewise.samplers._gp_trust before a tw-auto run of
# benchmarks/sample_efficiency.py (same problems, seeds and instances as its dev split).
TRUST_VARIANTS: dict[str, dict[str, float]] = {
    "off": {"MIN_DIMS": 10**9},
    "turbo": {"LENGTH_SCALE_CAP": float("inf")},
    "turbo-cap2": {},
    "turbo-cap2-init1.6": {"LENGTH_INIT": 1.6},
    "turbo-cap2-fail0.5": {"FAILURE_FACTOR": 0.5},
    "turbo-fail0.5": {"FAILURE_FACTOR": 0.5},
    "turbo-init0.4": {"LENGTH_INIT": 0.4},
    "turbo-init1.6": {"LENGTH_INIT": 1.6, "LENGTH_SCALE_CAP": float("inf")},
    "turbo-d5": {"MIN_DIMS": 5},
    "turbo-d3": {"MIN_DIMS": 3},
}


def _trust_run(task: tuple[str, int, int, int, int]) -> dict[str, object]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import sample_efficiency as se

    from tunewise.samplers import _gp_trust

    variant, fid, dim, seed, budget = task
    defaults = _trust_run.__dict__.setdefault("defaults", {k: getattr(_gp_trust, k) for k in
                                                           ("MIN_DIMS", "FAILURE_FACTOR", "LENGTH_INIT",
                                                                               "LENGTH_SCALE_CAP")})
    for k, v in {**defaults, **TRUST_VARIANTS[variant]}.items():
        setattr(_gp_trust, k, v)
    r = se.run_one((se.bbob_problem(fid, dim), f"tw-auto@{variant}", budget, seed, "dev"))
    return r


def trust_dev(args: argparse.Namespace) -> None:
    """tw-auto with each trust-region variant on the dev split; writes sample_efficiency-style JSON."""
    from concurrent.futures import ProcessPoolExecutor

    variants = args.variants.split(",")
    dims = [int(d) for d in args.dims.split(",")]
    funcs = [int(f) for f in args.funcs.split(",")]
    tasks = [(v, f, d, s, args.budget) for s in range(args.seeds) for d in dims for f in funcs for v in variants]
    out = Path(args.trust)
    results = json.loads(out.read_text())["results"] if out.exists() else []
    done = {(r["method"], r["problem"], r["seed"]) for r in results}
    tasks = [t for t in tasks if (f"tw-auto@{t[0]}", f"bbob-f{t[1]}-d{t[2]}", t[3]) not in done]
    meta = {"split": "dev", "what": "tw-auto with trust-region variants (benchmarks/gp_dev.py --trust)",
            "variants": {v: TRUST_VARIANTS[v] for v in variants}, "command": " ".join(os.sys.argv)}
    t0 = time.time()
    with ProcessPoolExecutor(args.workers) as pool:
        for i, r in enumerate(pool.map(_trust_run, tasks), 1):
            results.append(r)
            out.write_text(json.dumps({"meta": meta, "results": results}))
            if i % 10 == 0:
                print(f"{i}/{len(tasks)} runs, {time.time() - t0:.0f} s", flush=True)


METHODS: dict[str, Callable[..., tuple[float, float]]] = {
    "tw_gp": run_tw,
    "optuna_gp": run_optuna_gp,
    "random": run_tw_random,
    "skopt_gp": run_skopt,
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="dims 2,5; 6 functions; budget 30; 2 seeds")
    ap.add_argument("--methods", default="tw_gp,optuna_gp,random")
    ap.add_argument("--dims", default="2,5")
    ap.add_argument("--funcs", default=",".join(map(str, FUNCS_QUICK)))
    ap.add_argument("--budget", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "tunewise_gp_dev_cache.json"))
    ap.add_argument("--tw-kw", default="{}", help="JSON kwargs for tunewise's GPSampler (dev experiments)")
    ap.add_argument("--tag", default="", help="cache key suffix for tunewise variants")
    ap.add_argument("--timing", type=int, default=0, help="measure per-suggest cost at this many trials")
    ap.add_argument("--trust", default="", metavar="JSON",
                    help="run tw-auto trust-region variants on the sample_efficiency dev split into JSON "
                         "(summarize with sample_efficiency.py --summarize)")
    ap.add_argument("--variants", default="off,turbo", help=f"with --trust: any of {sorted(TRUST_VARIANTS)}")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if args.trust:
        trust_dev(args)
        return
    if args.timing:
        timing(args.timing, int(args.dims.split(",")[-1]), 10)
        return
    if args.quick:
        args.dims, args.funcs, args.budget, args.seeds = "2,5", "1,3,7,8,15,21", 30, 2
    dims = [int(d) for d in args.dims.split(",")]
    funcs = [int(f) for f in args.funcs.split(",")]
    methods = args.methods.split(",")
    tw_kw = json.loads(args.tw_kw)
    cache_path = Path(args.cache)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}

    problems = bbob_problems(dims, funcs)
    regrets: dict[str, list[float]] = {m: [] for m in methods}
    times: dict[str, list[float]] = {m: [] for m in methods}
    print(f"{'problem':<22}" + "".join(f"{m:>14}" for m in methods))
    for pid, problem, f_opt, dim in problems:
        row = []
        for m in methods:
            vals = []
            for seed in range(args.seeds):
                key = f"{m}{args.tag if m == 'tw_gp' else ''}|{pid}|{args.budget}|{seed}"
                if key not in cache or m == "tw_gp" and not args.tag:
                    kw = tw_kw if m == "tw_gp" else {}
                    best, per = METHODS[m](problem, dim, args.budget, seed, **kw)
                    cache[key] = [best, per]
                    cache_path.write_text(json.dumps(cache))
                best, per = cache[key]
                r = max(best - f_opt, FLOOR)
                vals.append(r)
                regrets[m].append(r)
                times[m].append(per)
            row.append(float(np.exp(np.mean(np.log(vals)))))
        print(f"{pid:<22}" + "".join(f"{v:>14.3g}" for v in row), flush=True)
    print()
    gm = {m: float(np.exp(np.mean(np.log(regrets[m])))) for m in methods}
    print(f"{'geo-mean regret':<22}" + "".join(f"{gm[m]:>14.3g}" for m in methods))
    print(f"{'ms per trial':<22}" + "".join(f"{1e3 * np.mean(times[m]):>14.1f}" for m in methods))
    if "optuna_gp" in gm:
        print(f"{'ratio to optuna_gp':<22}" + "".join(f"{gm[m] / gm['optuna_gp']:>14.3f}" for m in methods))
    # Wins per problem/seed against optuna GP
    if "optuna_gp" in regrets and "tw_gp" in regrets:
        a, b = np.array(regrets["tw_gp"]), np.array(regrets["optuna_gp"])
        print(f"tw_gp better on {int(np.sum(a < b))}/{len(a)} runs, worse on {int(np.sum(a > b))}")
    _ = math


if __name__ == "__main__":
    main()
