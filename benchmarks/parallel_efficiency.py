"""Does a sampler lose sample efficiency when trials run in parallel? Regret at equal trial counts
with 1 and with k workers (issue 18, item 5; target: within 1.15x of sequential at 60 trials).

With k workers a proposal is made while k - 1 other trials are still running, so the sampler must
account for them (GP: kriging believer; TPE: constant liar) or it proposes near-copies of them.
Two ways to run k workers:

  --mode processes (default): ``study.optimize(n_jobs=k)`` on a SQLite file, worker processes as
      users run them; each trial sleeps ``--trial-seconds`` so that the others are really running
      when a proposal is made. Scheduling varies between runs: the figures are noisy.
  --mode simulate: one process keeps k trials asked and not told (tell the oldest, ask a new one),
      the asynchronous schedule of k equally long trials; deterministic and fast.

Problems: COCO bbob functions (``cocoex``) in [-5, 5]^d, instance ``seed + 1``; regret = best f -
f(x_opt). Prints per problem the geometric-mean regret of 1 and k workers and their ratio, then
the geometric mean of the per-(problem, seed) ratios.

  nice .venv/bin/python benchmarks/parallel_efficiency.py --quick
  nice .venv/bin/python benchmarks/parallel_efficiency.py --functions 1 6 8 10 15 21 --dims 3 5 --seeds 5
  nice .venv/bin/python benchmarks/parallel_efficiency.py --mode simulate --methods tw-auto tw-tpe tw-gp
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from typing import Any

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))


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

            suite = cocoex.Suite("bbob", "", f"dimensions: {self.dim} instance_indices: {self.instance} "
                                             f"function_indices: {self.fid}")
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
    return {"tw-auto": lambda: s.AutoSampler(seed=seed), "tw-tpe": lambda: s.TPESampler(seed=seed),
            "tw-gp": lambda: s.GPSampler(seed=seed)}[method]()


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
    else:
        # k trials asked and not yet told; the oldest finishes first (k = 1: sequential).
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


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="4 problems, 3 seeds, tw-auto only")
    ap.add_argument("--functions", type=int, nargs="+", default=[1, 8, 10, 15, 21])
    ap.add_argument("--dims", type=int, nargs="+", default=[3, 5])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--budget", type=int, default=60)
    ap.add_argument("--n-jobs", type=int, default=4, help="parallel workers compared with 1")
    ap.add_argument("--methods", nargs="+", default=["tw-auto"])
    ap.add_argument("--mode", choices=["processes", "simulate"], default="processes")
    ap.add_argument("--trial-seconds", type=float, default=0.3,
                    help="--mode processes: how long each trial runs (so the other workers' trials are pending)")
    args = ap.parse_args(argv)
    problems = [(f, d) for f in args.functions for d in args.dims]
    if args.quick:
        problems, args.seeds = [(1, 3), (8, 3), (10, 5), (15, 3)], 3
    print(f"{len(problems)} problems x {args.seeds} seeds, budget {args.budget}, 1 vs {args.n_jobs} workers "
          f"({args.mode}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    t0 = time.time()
    for method in args.methods:
        print(f"\n{method}\n| problem | regret 1 worker (geo-mean) | regret {args.n_jobs} workers | ratio |")
        print("|---|---|---|---|")
        all_ratios: list[float] = []
        for fid, dim in problems:
            r1, rk = [], []
            for seed in range(args.seeds):
                f = BBOB(fid, dim, seed + 1)
                for workers, out in ((1, r1), (args.n_jobs, rk)):
                    values = run(method, f, args.budget, seed, workers, args.mode, args.trial_seconds)
                    out.append(max(min(values), 1e-8))  # regret floor: 1e-8 counts as solved
            ratios = [b / a for a, b in zip(r1, rk, strict=True)]
            all_ratios += ratios
            g1, gk = _geo(r1), _geo(rk)
            print(f"| bbob-f{fid}-d{dim} | {g1:.4g} | {gk:.4g} | {gk / g1:.2f} |", flush=True)
        print(f"| **geometric mean of the {len(all_ratios)} per-run ratios** | | | **{_geo(all_ratios):.2f}** |")
    print(f"\nwall time {time.time() - t0:.0f} s")


def _geo(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(values))))


if __name__ == "__main__":
    main()
