"""CPU and wall time per trial of a GridSampler study (one process, trivial objective): what a
grid trial's claim costs (s23 moved it into the start's transaction, with a read first).

Usage: python grid_cost_per_trial.py --storage sqlite|postgresql [--points 300]
(PYTHONPATH=<tree>/src for another tree). One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid

import tunewise as tw


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--points", type=int, default=300)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    url = (
        f"sqlite:///{tempfile.mkdtemp()}/grid.db"
        if args.storage == "sqlite"
        else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
    )
    study = tw.create_study(
        study_name=f"grid-cost-{uuid.uuid4().hex[:8]}",
        storage=url,
        sampler=tw.samplers.GridSampler({"i": list(range(args.points))}),
    )
    cpu, wall = time.process_time(), time.perf_counter()
    study.optimize(lambda t: float(t.suggest_categorical("i", list(range(args.points)))))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(study.get_trials())
    print(
        json.dumps(
            {
                "tree": tw.__file__,
                "storage": args.storage,
                "trials": n,
                "cpu_us_per_trial": round(1e6 * cpu / n, 1),
                "wall_us_per_trial": round(1e6 * wall / n, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
