"""s25 case 2: the cost of remembering SQLite lock waits (two clock reads per write transaction).

Run from the repository root with the tree to measure first on the path:
    PYTHONPATH=<tree>/src python benchmarks/history/s25/faults_stall_cost.py --label before|after

Process CPU time (the machine is shared), one SQLite study, no other process:
- ``record_heartbeat``: CPU us per call (one write transaction), median of 7 rounds of 1,000;
- ``optimize``: RandomSampler, 3 floats, 100 trials to warm up, then CPU us per trial, median of
  5 windows of 100 trials.
One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time

import tunewise as tw
from tunewise.storage import SQLStorage


def objective(t: tw.Trial) -> float:
    return t.suggest_float("x", -1, 1) + t.suggest_float("y", -1, 1) + t.suggest_float("z", -1, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    storage = SQLStorage(f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'cost.db')}")
    study = tw.create_study(study_name="cost", storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    trial = study.ask()
    beats = []
    for _ in range(7):
        t0 = time.process_time()
        for _ in range(1000):
            storage.record_heartbeat(trial._trial_id)
        beats.append((time.process_time() - t0) / 1000 * 1e6)
    study.tell(trial, 0.0)
    study.optimize(objective, n_trials=100)
    windows = []
    for _ in range(5):
        t0 = time.process_time()
        study.optimize(objective, n_trials=100)
        windows.append((time.process_time() - t0) / 100 * 1e6)
    print(
        json.dumps(
            {
                "label": args.label,
                "tree": tw.__file__,
                "record_heartbeat_us": round(statistics.median(beats), 1),
                "optimize_random_us_per_trial": round(statistics.median(windows), 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
