"""Workers SIGKILLed around a grid point's claim made while the trial already runs.

The define-by-run path: ``ask()`` did not propose before the start (here forced by answering
``expects_waiting`` with True in every worker, as when a queued trial is expected), so the
GridSampler proposes at the trial's first suggest, and the claim is made for a RUNNING trial.

A study of ``--points`` points is run by ``--procs`` worker processes (heartbeat 0.2 s, grace
1 s, max_retries 3). The supervisor respawns killed workers; the first ``--kills`` workers it
starts may kill themselves (SIGKILL). Each claim the sampler's proposal makes for a running trial
(``try_claim`` on the tree before s24; ``claim_for_trial`` after, when the storage has it) kills
its worker with probability ``--p``, half the time just before the claim call and half the time
just after it returned True (before s24 that is after the claim and before the trial's write of
the point's ``grid_id`` and published proposal; after s24 the claim and that write are one step).

Counts over the finished study: points with no COMPLETE trial (``missing``), COMPLETE trials
beyond one per point (``duplicated``), trials left RUNNING / WAITING, and the kills by window.

Usage: python faults_run_claim_kill.py --storage sqlite|postgresql [--procs 3] [--points 60]
[--kills 20] [--p 0.3] [--repeats 3]  (PYTHONPATH=<tree>/src for another tree). One JSON line per repeat.
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
from tunewise.storage import BaseStorage
tw.logging.set_verbosity(tw.logging.ERROR)
name, url, points, p, marks = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
study = tw.load_study(study_name=name, storage=url,
                      sampler=tw.samplers.GridSampler({"i": list(range(points))}))
storage = study._storage
storage.expects_waiting = lambda study_id: True  # ask() never proposes: the first suggest does
combined = type(storage).__dict__.get("claim_for_trial") is not None or any(
    "claim_for_trial" in vars(c) and c is not BaseStorage for c in type(storage).__mro__)
method = "claim_for_trial" if combined else "try_claim"
real = getattr(storage, method)
def mark(window):
    with open(marks, "a") as f:
        f.write(window + "\n")
    os.kill(os.getpid(), signal.SIGKILL)
def claim(*args, **kw):
    r = random.random()
    if r < p / 2:
        mark("before_claim")
    ok = real(*args, **kw)
    if ok and r >= 1 - p / 2:
        mark("after_claim")
    return ok
setattr(storage, method, claim)
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
        "failed": sum(t.state == TrialState.FAIL for t in trials),
    }


def run_phase(name: str, url: str, procs: int, points: int, kills: int, p: float, marks: str) -> int:
    spawned, killed = 0, 0

    def spawn() -> subprocess.Popen[bytes]:
        nonlocal spawned
        spawned += 1
        chance = p if spawned <= kills else 0.0
        return subprocess.Popen([sys.executable, "-c", WORKER, name, url, str(points), str(chance), marks])

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
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--points", type=int, default=60)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--p", type=float, default=0.3)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        tmp = tempfile.mkdtemp()
        url = f"sqlite:///{tmp}/grid.db" if args.storage == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        marks = os.path.join(tmp, "marks")
        open(marks, "w").close()
        name = f"run-claim-kill-{uuid.uuid4().hex[:8]}"
        tw.create_study(study_name=name, storage=url, heartbeat_interval=0.2, grace_period=1.0, max_retries=3)
        t0 = time.time()
        killed = run_phase(name, url, args.procs, args.points, args.kills, args.p, marks)
        out = counts(tw.load_study(study_name=name, storage=url), args.points)
        with open(marks) as f:
            windows = collections.Counter(line.strip() for line in f if line.strip())
        print(
            json.dumps(
                {
                    "tree": tw.__file__,
                    "storage": args.storage,
                    "procs": args.procs,
                    "points": args.points,
                    "kills": killed,
                    **{f"kills_{k}": v for k, v in sorted(windows.items())},
                    "seconds": round(time.time() - t0, 1),
                    **out,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
