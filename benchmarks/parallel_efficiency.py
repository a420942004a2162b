"""Does a sampler lose sample efficiency when trials run in parallel? Regret at equal trial counts
with 1 and with k workers (issue 18, item 5; target: within 1.15x of sequential at 60 trials).

With k workers a proposal is made while k - 1 other trials are still running, so the sampler must
account for them (GP: kriging believer; TPE: constant liar) or it proposes near-copies of them.

THE SPLIT is the one of ``benchmarks/sample_efficiency.py`` (``SPLITS``, imported, never copied):
dev = bbob instances 1-5 (tune on these), test = instances 6-15 (only ever reported). Seed ``s``
runs instance ``instances[s % len(instances)]`` of the split, so 10 seeds on test run instances
6-15 once each. Default functions: dev f1 f8 f10 f15 f21 (the functions earlier tuning used),
test ``REDUCED_FUNCTIONS`` f4 f9 f11 f16 f22 (one per bbob class, held out).

Two ways to run k workers:

  --mode processes (default): ``study.optimize(n_jobs=k)`` on a SQLite file, worker processes as
      users run them; each trial sleeps ``--trial-seconds`` so that the others are really running
      when a proposal is made. Scheduling varies between runs: the figures are noisy.
  --mode simulate: one process keeps k trials asked and not told (tell the oldest, ask a new one),
      the asynchronous schedule of k equally long trials; deterministic and fast (for tuning).

The sequential runs (1 worker) are the same in both modes: ``study.optimize`` in one process.
``--peer optuna-gp`` adds optuna's GPSampler, sequential, on the same cells for context.

Reported: per problem the geometric-mean regret (best f - f(x_opt), floored at 1e-8) of 1 and k
workers and their ratio; the geometric mean of the paired per-(problem, seed) ratios with a 95%
bootstrap interval, per dimension group; and the sequential ratio to the peer.

  nice .venv/bin/python benchmarks/parallel_efficiency.py --quick --mode simulate
  nice .venv/bin/python benchmarks/parallel_efficiency.py --split dev --mode simulate --dims 2 3 5 --seeds 5
  nice .venv/bin/python benchmarks/parallel_efficiency.py --split test --dims 2 3 5 --seeds 10 \\
      --workers 2 --concurrent 3 --peer-json benchmarks/results/se_test_peers_head.json \\
      --json benchmarks/results/parallel_test.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "src"))
sys.path.insert(0, _HERE)

from _dev_settings import apply_setting  # noqa: E402
from sample_efficiency import (  # noqa: E402 - the split lives there
    BBOB_FLOOR,
    DIM_GROUPS,
    REDUCED_FUNCTIONS,
    SPLITS,
    bbob_problem,
)
from sample_efficiency import run_one as run_peer  # noqa: E402

# Functions dev iterations ran on (the ones earlier tuning sessions used); test: held-out ones.
DEFAULT_FUNCTIONS = {"dev": (1, 8, 10, 15, 21), "test": REDUCED_FUNCTIONS}


# The bbob instances the suite holds: the splits use 1-15 (history/s20/par_probe.py widens it).
SUITE_INSTANCES = "instances: 1-15"


def instance_of(split: str, seed: int) -> int:
    instances = SPLITS[split]["bbob_instances"]
    return int(instances[seed % len(instances)])


class BBOB:
    """A picklable bbob objective (the cocoex problem is built lazily in each worker process)."""

    def __init__(self, fid: int, dim: int, instance: int, sleep: float = 0.0) -> None:
        self.fid, self.dim, self.instance, self.sleep = fid, dim, instance, sleep
        self._p: Any = None
        self.f_opt = self._optimum()

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_suite"} | {"_p": None}

    def _problem(self) -> Any:
        if self._p is None:
            import cocoex

            # "instances: 1-15" makes instance index i the bbob instance i, as in sample_efficiency.
            suite = cocoex.Suite("bbob", SUITE_INSTANCES, f"dimensions: {self.dim} instance_indices: "
                                 f"{self.instance} function_indices: {self.fid}")
            self._suite = suite
            self._p = suite.get_problem_by_function_dimension_instance(self.fid, self.dim, self.instance)
        return self._p

    def _optimum(self) -> float:
        p = self._problem()
        cwd = os.getcwd()
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)  # _best_parameter('print') writes x_opt to a file in the working directory
            try:
                p._best_parameter("print")
                x_opt = np.atleast_1d(np.loadtxt(os.path.join(tmp, os.listdir(tmp)[0])))
            finally:
                os.chdir(cwd)
        value = float(p(x_opt))
        self._p = None
        return value

    def value(self, x: list[float]) -> float:
        return float(self._problem()(np.asarray(x))) - self.f_opt

    def __call__(self, trial: Any) -> float:
        x = [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(self.dim)]
        if self.sleep:
            time.sleep(self.sleep)
        return self.value(x)


def make_sampler(method: str, seed: int) -> Any:
    import tunewise as tw

    s = tw.samplers
    makers: dict[str, Any] = {"tw-auto": lambda: s.AutoSampler(seed=seed), "tw-tpe": lambda: s.TPESampler(seed=seed),
                              "tw-gp": lambda: s.GPSampler(seed=seed)}  # type: ignore[operator]
    base, *settings = method.split("+")
    sampler = makers[base]()
    for setting in settings:  # dev variants, e.g. "tw-auto+output_transform=hedge" (_dev_settings)
        apply_setting(sampler, setting)
    return sampler


def run(method: str, f: BBOB, budget: int, seed: int, workers: int, mode: str, trial_seconds: float) -> list[float]:
    """Objective values in trial order."""
    import logging

    import tunewise as tw

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    if workers > 1 and mode == "processes":
        with tempfile.TemporaryDirectory() as tmp:
            study = tw.create_study(storage=f"sqlite:///{tmp}/parallel.db", sampler=make_sampler(method, seed))
            timed = BBOB.__new__(BBOB)
            timed.__dict__.update({**f.__getstate__(), "sleep": trial_seconds})
            study.optimize(timed, n_trials=budget, n_jobs=workers)
            trials = sorted(study.trials, key=lambda t: t.number)
    elif workers == 1:
        study = tw.create_study(sampler=make_sampler(method, seed))
        study.optimize(f, n_trials=budget)
        trials = study.trials
    else:
        # k trials asked and not yet told; the oldest finishes first.
        study = tw.create_study(sampler=make_sampler(method, seed))
        pending: list[Any] = []
        asked = 0
        while asked < budget or pending:
            while len(pending) < workers and asked < budget:
                trial = study.ask()
                pending.append((trial, [trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(f.dim)]))
                asked += 1
            trial, x = pending.pop(0)
            study.tell(trial, f.value(x))
        trials = study.trials
    return [t.value if t.value is not None else math.inf for t in trials][:budget]


def _task(task: tuple[str, int, int, int, int, str, int, str, float]) -> dict[str, Any]:
    method, fid, dim, seed, workers, split, budget, mode, trial_seconds = task
    t0 = time.perf_counter()
    instance = instance_of(split, seed)
    if method.startswith("tw-"):
        values = run(method, BBOB(fid, dim, instance), budget, seed, workers, mode, trial_seconds)
        regret = min(values)
    else:  # a peer, sequential, through sample_efficiency's adapters (same instance mapping)
        r = run_peer((bbob_problem(fid, dim), method, budget, seed, split))
        if r["error"]:
            raise RuntimeError(f"{method} on f{fid} d{dim} seed {seed}: {r['error']}")
        regret = r["trace"][-1]
    return {"method": method, "fid": fid, "dim": dim, "seed": seed, "instance": instance, "workers": workers,
            "split": split, "mode": mode if workers > 1 else "sequential", "budget": budget,
            "regret": max(float(regret), BBOB_FLOOR), "seconds": time.perf_counter() - t0}


def stored_peers(paths: list[str], split: str, problems: list[tuple[int, int]], seeds: int,
                 budget: int) -> list[dict[str, Any]]:
    """Peers' sequential runs stored by sample_efficiency.py, for the cells of this run."""
    out = []
    wanted = {(f"bbob-f{f}-d{d}", s): (f, d) for f, d in problems for s in range(seeds)}
    for path in paths:
        for r in json.load(open(path))["results"]:
            key = (r["problem"], r["seed"])
            if (key not in wanted or r["method"].startswith("tw-") or r.get("split") != split
                    or r.get("error") or len(r["trace"]) < budget):
                continue
            fid, dim = wanted[key]
            out.append({"method": r["method"], "fid": fid, "dim": dim, "seed": r["seed"], "instance": r["instance"],
                        "workers": 1, "split": split, "mode": "sequential", "budget": budget,
                        "regret": max(float(r["trace"][budget - 1]), BBOB_FLOOR), "seconds": r["seconds"],
                        "stored": path})
    return out


def _geo(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(values))))


def _ci(ratios: list[float], rng: np.random.Generator) -> tuple[float, float]:
    logs = np.log(ratios)
    boots = [np.mean(rng.choice(logs, len(logs))) for _ in range(2000)]
    return float(np.exp(np.percentile(boots, 2.5))), float(np.exp(np.percentile(boots, 97.5)))


def report(results: list[dict[str, Any]], n_jobs: int) -> str:
    """Markdown tables: per problem, per dimension group, and the peer's sequential ratio."""
    by = {(r["method"], r["fid"], r["dim"], r["seed"], r["workers"]): r["regret"] for r in results}
    split = results[0]["split"]
    mode = next((r["mode"] for r in results if r["workers"] > 1), "?")
    methods = sorted({r["method"] for r in results if r["method"].startswith("tw-")})
    peers = sorted({r["method"] for r in results if not r["method"].startswith("tw-")})
    problems = sorted({(r["fid"], r["dim"]) for r in results}, key=lambda p: (p[1], p[0]))
    seeds = sorted({r["seed"] for r in results})
    rng = np.random.default_rng(0)
    lines = [f"split {split} (bbob instances {sorted({r['instance'] for r in results})}), {mode}, "
             f"budget {results[0]['budget']}, 1 vs {n_jobs} workers, {len(seeds)} seeds"]
    for method in methods:
        lines += ["", f"{method}", f"| problem | regret 1 worker (geo-mean) | regret {n_jobs} workers | ratio |"
                  + "".join(f" 1 worker / {p} |" for p in peers), "|---|---|---|---|" + "---|" * len(peers)]
        ratios: dict[tuple[int, int], list[float]] = {}
        peer_ratios: dict[str, dict[tuple[int, int], list[float]]] = {p: {} for p in peers}
        for fid, dim in problems:
            pairs = [(by[(method, fid, dim, s, 1)], by[(method, fid, dim, s, n_jobs)]) for s in seeds
                     if (method, fid, dim, s, 1) in by and (method, fid, dim, s, n_jobs) in by]
            if not pairs:
                continue
            ratios[(fid, dim)] = [b / a for a, b in pairs]
            g1, gk = _geo([a for a, _ in pairs]), _geo([b for _, b in pairs])
            cells = ""
            for p in peers:
                pp = [(by[(method, fid, dim, s, 1)], by[(p, fid, dim, s, 1)]) for s in seeds
                      if (method, fid, dim, s, 1) in by and (p, fid, dim, s, 1) in by]
                peer_ratios[p][(fid, dim)] = [a / b for a, b in pp]
                cells += f" {_geo([a / b for a, b in pp]):.2f} |" if pp else " |"
            lines.append(f"| bbob-f{fid}-d{dim} | {g1:.4g} | {gk:.4g} | {gk / g1:.2f} |{cells}")
        groups = {g: [d for d in ds if any(dim == d for _, dim in problems)] for g, ds in DIM_GROUPS.items()}
        for g, ds in [*groups.items(), ("all", sorted({d for _, d in problems}))]:
            rs = [x for (_, dim), v in ratios.items() if dim in ds for x in v]
            if not rs or (g != "all" and len(ds) == 0):
                continue
            lo, hi = _ci(rs, rng)
            cells = ""
            for p in peers:
                ps = [x for (_, dim), v in peer_ratios[p].items() if dim in ds for x in v]
                cells += f" **{_geo(ps):.2f}** |" if ps else " |"
            lines.append(f"| **d {g}: geo-mean of {len(rs)} paired ratios** [95% CI] | | | "
                         f"**{_geo(rs):.2f}** [{lo:.2f}, {hi:.2f}] |{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev",
                    help="dev: instances 1-5 (tune on these); test: instances 6-15 (report only)")
    ap.add_argument("--quick", action="store_true", help="4 dev problems, 3 seeds, tw-auto only")
    ap.add_argument("--functions", type=int, nargs="+", default=None,
                    help="bbob functions (default: dev f1 f8 f10 f15 f21, test f4 f9 f11 f16 f22)")
    ap.add_argument("--dims", type=int, nargs="+", default=[3, 5])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--budget", type=int, default=60)
    ap.add_argument("--n-jobs", type=int, default=4, help="parallel workers compared with 1")
    ap.add_argument("--methods", nargs="+", default=["tw-auto"])
    ap.add_argument("--peer", nargs="*", default=[], help="sequential peers for context, e.g. optuna-gp")
    ap.add_argument("--peer-json", nargs="*", default=[],
                    help="take peers' runs from sample_efficiency.py JSON files instead (same split, seed -> "
                         "instance mapping and budget; their regret at --budget)")
    ap.add_argument("--mode", choices=["processes", "simulate"], default="processes")
    ap.add_argument("--trial-seconds", type=float, default=0.3,
                    help="--mode processes: how long each trial runs (so the other workers' trials are pending)")
    ap.add_argument("--workers", type=int, default=1,
                    help="runs in parallel: sequential and simulated ones (see --concurrent for the others)")
    ap.add_argument("--concurrent", type=int, default=1,
                    help="--mode processes: k-worker runs at a time (each mostly waits on its trials' sleep)")
    ap.add_argument("--json", default=None, help="write every run's regret here")
    ap.add_argument("--summarize", nargs="+", default=None, help="only print the report of these JSON files")
    args = ap.parse_args(argv)
    if args.summarize:
        stored = [r for path in args.summarize for r in json.load(open(path))["results"]]
        print(report(stored, max(r["workers"] for r in stored)))
        return
    fids = args.functions if args.functions is not None else DEFAULT_FUNCTIONS[args.split]
    problems = [(f, d) for f in fids for d in args.dims]
    if args.quick:
        if args.split != "dev":
            raise SystemExit("--quick runs dev problems only")
        problems, args.seeds = [(1, 3), (8, 3), (10, 5), (15, 3)], 3
    print(f"split {args.split}: {len(problems)} problems x {args.seeds} seeds, budget {args.budget}, 1 vs "
          f"{args.n_jobs} workers ({args.mode}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    t0 = time.time()
    common = (args.split, args.budget, args.mode, args.trial_seconds)
    pooled = [(m, f, d, s, 1, *common) for m in args.methods + args.peer for f, d in problems
              for s in range(args.seeds)]
    alone = [(m, f, d, s, args.n_jobs, *common) for m in args.methods for f, d in problems for s in range(args.seeds)]
    if args.mode == "simulate":
        pooled, alone = pooled + alone, []
    results: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max(args.workers, 1)) as pool, ProcessPoolExecutor(max(args.concurrent, 1)) as runs:
        futures = [pool.submit(_task, t) for t in pooled]
        # optimize(n_jobs=k) starts its own worker processes: --concurrent such runs at a time.
        results += list(runs.map(_task, alone))
        results += [fu.result() for fu in futures]
    results += stored_peers(args.peer_json, args.split, problems, args.seeds, args.budget)
    print(report(results, args.n_jobs))
    print(f"\nwall time {time.time() - t0:.0f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"command": " ".join(sys.argv), "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
