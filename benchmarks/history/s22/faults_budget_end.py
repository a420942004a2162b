"""Several worker processes at the end of a ``max_trials`` budget, on a GridSampler study.

Phase 1: ``create_study(max_trials=N)``, then ``--procs`` processes each run ``optimize()`` on
``load_study`` with ``GridSampler`` (``--points`` points, N = points / 2). Phase 2: the budget is
raised to the number of points (``load_study(max_trials=points)``) and as many processes run
again. A worker that has not read the others' starts proposes after the budget is used: its
grid point is claimed and the start is refused. Counts, after each phase:

- started: non-WAITING trials minus started retries (what the budget counts); budget = started - max_trials;
- waiting / running: trials left WAITING / RUNNING;
- missing: grid points with no COMPLETE trial (phase 2: every point must have one);
- duplicated: grid points with more than one COMPLETE trial.

Usage: python faults_budget_end.py [--storage sqlite|postgresql] [--procs 3] [--points 40]
[--repeats 3] (PYTHONPATH=<a tree>/src for another tree). One JSON line per repeat.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import uuid

import tunewise as tw
from tunewise.trial import TrialState

WORKER = """
import sys, time
import tunewise as tw
tw.logging.set_verbosity(tw.logging.ERROR)
name, url, points = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.load_study(study_name=name, storage=url,
                      sampler=tw.samplers.GridSampler({"i": list(range(points))}))
def objective(t):
    i = t.suggest_categorical("i", list(range(points)))
    time.sleep(0.01)
    return float(i)
study.optimize(objective)
"""


def counts(study: tw.Study, max_trials: int, points: int) -> dict[str, int]:
    trials = study.get_trials()
    started = [t for t in trials if t.state != TrialState.WAITING]
    retries = sum("retried_from" in t.system_attrs for t in started)
    done = collections.Counter(t.params["i"] for t in trials if t.state == TrialState.COMPLETE)
    return {"trials": len(trials), "budget": len(started) - retries - max_trials,
            "waiting": sum(t.state == TrialState.WAITING for t in trials),
            "running": sum(t.state == TrialState.RUNNING for t in trials),
            "complete": sum(done.values()), "missing": sum(i not in done for i in range(points)),
            "duplicated": sum(n - 1 for n in done.values() if n > 1)}


def run_phase(name: str, url: str, procs: int, points: int) -> None:
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, name, url, str(points)]) for _ in range(procs)]
    for w in workers:
        if w.wait(timeout=300) != 0:
            raise SystemExit(f"a worker exited with {w.returncode}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--points", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        url = (f"sqlite:///{tempfile.mkdtemp()}/grid.db" if args.storage == "sqlite"
               else os.environ["TUNEWISE_TEST_POSTGRES_URL"])
        name, first = f"grid-end-{uuid.uuid4().hex[:8]}", args.points // 2
        tw.create_study(study_name=name, storage=url, max_trials=first, heartbeat_interval=1.0, grace_period=5.0)
        run_phase(name, url, args.procs, args.points)
        phase1 = counts(tw.load_study(study_name=name, storage=url), first, args.points)
        phase1["missing"] -= args.points - first  # the points the first budget leaves for the second
        tw.load_study(study_name=name, storage=url, max_trials=args.points)
        run_phase(name, url, args.procs, args.points)
        phase2 = counts(tw.load_study(study_name=name, storage=url), args.points, args.points)
        print(json.dumps({"tree": tw.__file__, "storage": args.storage, "procs": args.procs,
                          "points": args.points, "phase1": phase1, "phase2": phase2}), flush=True)


if __name__ == "__main__":
    main()
