"""How fast ``study.stop()`` called in one worker of ``optimize(n_jobs=k)`` (process executor) ends
the run: trials started after the call, and the time from the call until ``optimize()`` returns.

Objective: sleep ``--trial`` seconds (RandomSampler, in-memory study). Trial ``--at`` calls
``trial.study.stop()`` either at its start (``--when start``; the objective then runs its whole
duration) or at its end, just before returning (``--when end``). The call's time is written to a
file; a trial "started after" has ``datetime_start`` later than it.

Usage: python faults_stop_latency.py [--n-jobs 4] [--trial 0.2] [--at 8] [--when start|end]
[--repeats 3] (PYTHONPATH=<tree>/src for another tree). One JSON line per repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable

import tunewise as tw


def _objective(mark: str, at: int, when: str, duration: float) -> Callable[[tw.Trial], float]:
    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number == at and when == "start":
            with open(mark, "w") as f:
                f.write(repr(time.time()))
            trial.study.stop()
        time.sleep(duration)
        if trial.number == at and when == "end":
            with open(mark, "w") as f:
                f.write(repr(time.time()))
            trial.study.stop()
        return x

    return objective


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-jobs", type=int, default=4)
    ap.add_argument("--trial", type=float, default=0.2)
    ap.add_argument("--at", type=int, default=8)
    ap.add_argument("--when", default="start", choices=("start", "end"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        mark = os.path.join(tempfile.mkdtemp(), "stopped_at")

        objective = _objective(mark, args.at, args.when, args.trial)
        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(objective, n_trials=1000, n_jobs=args.n_jobs)
        returned = time.time()
        stopped = float(open(mark).read())
        trials = study.get_trials()
        after = [t for t in trials if t.datetime_start is not None and t.datetime_start.timestamp() > stopped]
        print(
            json.dumps(
                {
                    "tree": tw.__file__,
                    "n_jobs": args.n_jobs,
                    "trial_s": args.trial,
                    "when": args.when,
                    "trials": len(trials),
                    "started_after_stop": len(after),
                    "per_worker": round(len(after) / args.n_jobs, 2),
                    "seconds_to_return": round(returned - stopped, 3),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
