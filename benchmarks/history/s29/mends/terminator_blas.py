"""s29 mends, item 4: the terminator's GP evaluators on the BLAS threads a user's process has.

A study of ``--trials`` random trials on a 5-d quadratic; each evaluator's ``evaluate`` is called
``--repeats`` times; CPU seconds (process_time: every thread of the process) and wall seconds per
call, median. Run without OPENBLAS_NUM_THREADS so numpy's OpenBLAS uses every core (2 here), as a
user's process does; the tunewise measured is the one on PYTHONPATH (before: a snapshot of the
commit before the change).

    PYTHONPATH=<src> nice -n 10 .venv/bin/python benchmarks/history/s29/mends/terminator_blas.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import threadpoolctl

import tunewise as tw
from tunewise.terminator import EMMREvaluator, RegretBoundEvaluator

tw.logging.set_verbosity(tw.logging.WARNING)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    threads = sorted({p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"})
    print(f"tunewise from {os.path.dirname(tw.__file__)}; BLAS threads {threads}; {args.trials} trials")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda t: sum((t.suggest_float(f"x{i}", -1, 1) - 0.1 * i) ** 2 for i in range(5)), n_trials=args.trials
    )
    trials = study.trials
    for make in (RegretBoundEvaluator, EMMREvaluator):
        cpu, wall, values = [], [], []
        for _ in range(args.repeats):
            evaluator = make(seed=0)
            w0, c0 = time.perf_counter(), time.process_time()
            values.append(evaluator.evaluate(trials, study.direction))
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        print(
            f"{make.__name__:22s} CPU {statistics.median(cpu):.3f} s (min {min(cpu):.3f}, max {max(cpu):.3f}), "
            f"wall {statistics.median(wall):.3f} s per call; value {values[0]!r}"
        )


if __name__ == "__main__":
    main()
