"""Workers SIGKILLed in the window of a grid point's claim, counted over whole grids.

A GridSampler study of ``--points`` points is run by ``--procs`` worker processes (heartbeat
0.2 s, grace 1 s, so a killed worker's RUNNING trial is failed and retried by the others). Each
worker wraps its storage's ``start_trial``; the supervisor respawns killed workers, and the first
``--kills`` workers it starts kill themselves (SIGKILL) at the chosen window, once each:

- ``--window start``: with probability ``--p``, on entering ``start_trial`` for a trial that
  carries the sampler's proposal (``prepared``), i.e. after the point was chosen (and, before
  s23, claimed with ``try_claim``) and before the trial row exists;
- ``--window refused``: the study is created with ``max_trials = points / 2``; on a start the
  budget refuses (MaxTrialsReached) that carried a proposal, i.e. before ``release_claim``.
  Phase 2 raises the budget to ``points`` (``load_study(max_trials=...)``) and runs workers that
  do not kill.

Counts over the finished study: points with no COMPLETE trial (``missing``), COMPLETE trials
beyond one per point (``duplicated``), trials left RUNNING / WAITING, and the kills that happened.

Usage: python faults_claim_kill.py --storage sqlite|postgresql --window start|refused
[--procs 3] [--points 60] [--kills 20] [--p 0.2] [--repeats 3]  (PYTHONPATH=<tree>/src for
another tree). One JSON line per repeat.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw
from tunewise.trial import TrialState

WORKER = r"""
import os, random, signal, sys, time
import tunewise as tw
from tunewise.exceptions import MaxTrialsReached
tw.logging.set_verbosity(tw.logging.ERROR)
name, url, points, window, p = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
study = tw.load_study(study_name=name, storage=url,
                      sampler=tw.samplers.GridSampler({"i": list(range(points))}))
storage = study._storage
real = storage.start_trial
def start_trial(study_id, **kw):
    proposal = kw.get("prepared") is not None
    if window == "start" and proposal and random.random() < p:
        os.kill(os.getpid(), signal.SIGKILL)
    try:
        return real(study_id, **kw)
    except MaxTrialsReached:
        if window == "refused" and proposal and random.random() < p:
            os.kill(os.getpid(), signal.SIGKILL)
        raise
storage.start_trial = start_trial
def objective(t):
    i = t.suggest_categorical("i", list(range(points)))
    time.sleep(0.02)
    return float(i)
study.optimize(objective)
"""


def counts(study: tw.Study, points: int) -> dict[str, int]:
    trials = study.get_trials()
    done = collections.Counter(t.params["i"] for t in trials if t.state == TrialState.COMPLETE)
    return {
        "trials": len(trials),
        "complete": sum(done.values()),
        "missing": sum(i not in done for i in range(points)),
        "duplicated": sum(n - 1 for n in done.values() if n > 1),
        "running": sum(t.state == TrialState.RUNNING for t in trials),
        "waiting": sum(t.state == TrialState.WAITING for t in trials),
    }


def run_phase(name: str, url: str, procs: int, points: int, window: str, kills: int, p: float) -> int:
    """Run ``procs`` workers, respawning killed ones; the first ``kills`` spawned may kill
    themselves. The number of workers that died of SIGKILL."""
    spawned, killed = 0, 0

    def spawn() -> subprocess.Popen[bytes]:
        nonlocal spawned
        spawned += 1
        chance = p if spawned <= kills else 0.0
        return subprocess.Popen([sys.executable, "-c", WORKER, name, url, str(points), window, str(chance)])

    live = [spawn() for _ in range(procs)]
    deadline = time.time() + 600
    while live:
        if time.time() > deadline:
            for w in live:
                w.kill()
            raise SystemExit("phase timed out")
        time.sleep(0.05)
        for w in list(live):
            rc = w.poll()
            if rc is None:
                continue
            live.remove(w)
            if rc == -9:
                killed += 1
                live.append(spawn())
            elif rc != 0:
                raise SystemExit(f"a worker exited with {rc}")
    return killed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--window", default="start", choices=("start", "refused"))
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--points", type=int, default=60)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--p", type=float, default=0.2)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        url = (
            f"sqlite:///{tempfile.mkdtemp()}/grid.db"
            if args.storage == "sqlite"
            else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        )
        name = f"claim-kill-{uuid.uuid4().hex[:8]}"
        first = args.points // 2 if args.window == "refused" else None
        tw.create_study(study_name=name, storage=url, max_trials=first, heartbeat_interval=0.2, grace_period=1.0)
        t0 = time.time()
        killed = run_phase(name, url, args.procs, args.points, args.window, args.kills, args.p)
        if first is not None:
            tw.load_study(study_name=name, storage=url, max_trials=args.points)
            killed += run_phase(name, url, args.procs, args.points, args.window, 0, 0.0)
        out = counts(tw.load_study(study_name=name, storage=url), args.points)
        print(
            json.dumps(
                {
                    "tree": tw.__file__,
                    "storage": args.storage,
                    "window": args.window,
                    "procs": args.procs,
                    "points": args.points,
                    "kills": killed,
                    "seconds": round(time.time() - t0, 1),
                    **out,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
