"""CPU of this process per trial: SQLite, one process, RandomSampler, a trivial objective.

Usage: python faults_cpu_per_trial.py [--trials 500] (PYTHONPATH=<a tree>/src for another tree).
Prints one JSON line: the tree, CPU microseconds per trial (process_time over optimize()), wall
microseconds per trial. Heartbeats are on (the default policy of a persistent storage).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import tunewise as tw


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=500)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    study = tw.create_study(storage=f"sqlite:///{tempfile.mkdtemp()}/cpu.db",
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=20)  # warm up
    cpu, wall = time.process_time(), time.perf_counter()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=args.trials)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"tree": tw.__file__, "cpu_us_per_trial": round(1e6 * cpu / args.trials, 1),
                      "wall_us_per_trial": round(1e6 * wall / args.trials, 1)}), flush=True)


if __name__ == "__main__":
    main()
