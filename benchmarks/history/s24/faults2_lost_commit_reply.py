"""s24 faults2, case 1: grid claims whose COMMIT answer is lost (PostgreSQL), and the cost of the fix.

Run from the repository root with the tree to measure first on the path:
    PYTHONPATH=<tree>/src:. python benchmarks/history/s24/faults2_lost_commit_reply.py --label before|after

- ``grid``: a GridSampler study of 60 points on PostgreSQL, one process. The COMMIT of a write
  transaction that inserts a claim goes through, then its answer is lost with probability 0.3
  (``LostCommitReplies`` of tests/faults/test_attack_lost_commit_reply.py: the connection is closed
  and psycopg's OperationalError raised). Two paths: the claim made with the start (``ask()``
  proposes first) and the claim made for a running trial (``expects_waiting`` forced True: the first
  suggest proposes, ``claim_for_trial``). ``optimize(n_trials=60)``, then 1 s (past the grace
  period of 0.5 s) and ``optimize(n_trials=30)`` more, so that orphaned trials are reaped and
  retried. Counted: grid points never COMPLETE, run twice, trials left RUNNING, FAILED trials.
- ``cost``: microseconds per PostgreSQL write transaction without faults (``record_heartbeat``,
  ``try_claim``): wall and client CPU per call, 7 rounds of 300
  (median; the wall time is dominated by the server's commit, noisy on a shared machine).
One JSON line per measurement on stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid

from tests.faults.test_attack_lost_commit_reply import LostCommitReplies

import tunewise as tw
from tunewise.storage import SQLStorage
from tunewise.trial import TrialState

URL = open("/tmp/pgurl").read().strip()
POINTS = [float(i) for i in range(60)]


def grid_run(label: str, path: str, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    name = f"faults2-grid-{uuid.uuid4().hex[:8]}"
    study = tw.create_study(
        study_name=name,
        storage=SQLStorage(URL, retry_seconds=10),
        sampler=tw.samplers.GridSampler({"x": POINTS}, seed=seed),
        heartbeat_interval=0.1,
        grace_period=0.5,
    )
    storage = study._storage
    if path == "claim_for_trial":
        storage.expects_waiting = lambda study_id: True
    faults = LostCommitReplies(storage, lambda n: rng.random() < 0.3)
    tw.logging.set_verbosity(tw.logging.ERROR)

    def objective(t: tw.Trial) -> float:
        return t.suggest_float("x", 0, 59)

    t0 = time.perf_counter()
    study.optimize(objective, n_trials=60)
    first = _count(study)
    time.sleep(1.0)
    study.optimize(objective, n_trials=30)
    final = _count(study)
    return {
        "case": "grid",
        "label": label,
        "path": path,
        "seed": seed,
        "lost_answers": faults.lost,
        "claim_commits": faults.commits,
        "after_60": first,
        "after_90": final,
        "seconds": round(time.perf_counter() - t0, 2),
    }


def _count(study: tw.Study) -> dict[str, object]:
    trials = study.trials
    done = [t.params["x"] for t in trials if t.state == TrialState.COMPLETE]
    return {
        "missing": len(set(POINTS) - set(done)),
        "run_twice": len(done) - len(set(done)),
        "running_left": sum(t.state == TrialState.RUNNING for t in trials),
        "failed": sum(t.state == TrialState.FAILED for t in trials),
        "trials": len(trials),
    }


def cost(label: str) -> list[dict[str, object]]:
    storage = SQLStorage(URL)
    sid = storage.create_study(f"faults2-cost-{uuid.uuid4().hex[:8]}", ["minimize"])
    t = storage.start_trial(sid)
    out = []
    for what in ("record_heartbeat", "try_claim"):
        walls, cpus = [], []
        for r in range(7):
            t0, c0 = time.perf_counter(), time.process_time()
            for i in range(300):
                if what == "record_heartbeat":
                    storage.record_heartbeat(t.trial_id)
                else:
                    storage.try_claim(sid, f"k{r}:{i}")
            walls.append((time.perf_counter() - t0) / 300 * 1e6)
            cpus.append((time.process_time() - c0) / 300 * 1e6)
        out.append(
            {
                "case": "cost",
                "label": label,
                "op": what,
                "wall_us_median_of_7": round(sorted(walls)[3], 1),
                "wall_us_best": round(min(walls), 1),
                "client_cpu_us_median_of_7": round(sorted(cpus)[3], 1),
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args()
    for path in ("start", "claim_for_trial"):
        for seed in range(args.seeds):
            print(json.dumps(grid_run(args.label, path, seed)), flush=True)
    for row in cost(args.label):
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
