"""PostgreSQL: a worker stopped inside a transaction that holds the study's row lock (session 26).

s25 left it unmeasured ("a worker stopped inside a multi-statement transaction holds the study's
row lock and blocks the others' starts and finishes; heartbeats update only their own trial's row,
so they should not wait"). This is ``faults_sqlite_late_checker.py`` on PostgreSQL, where
worker 0's ``--stop-at``-th trial enqueues a configuration and SIGSTOPs itself inside that
transaction, after the statement that updates (and locks) the study's row; SIGCONT after
``--long-s``. (A start under a budget locks the row too, but optimize() passes the budget to the
start only near its end.) The late checker joins right after.

    TUNEWISE_TEST_POSTGRES_URL=$(cat /tmp/pgurl) PYTHONPATH=<tree>/src \
        python benchmarks/history/s26/faults_pg_stopped_txn.py --repeats 3 --long-s 5 --run-s 15

The SQLite harness's description follows (its WORKER's stop differs as said above).

(s26 SQLite harness)

Session 25's harness (``benchmarks/history/s25/faults_sqlite_stall_stale.py``) plus one more
process, the late checker: it imports tunewise and loads the study during the stall (reads do
not wait in WAL mode), then waits for a file the supervisor creates right after worker 0's SIGCONT
(``--checker-delay`` later), and then runs ``optimize()`` (its first write is the stale check of
``ask()``). It saw no wait for the write lock, so before session 26 it had no span to excuse the
others' silence (s25's "Left open": a checking process that saw no wait).

Session 25's description follows.

(session 25)

Each repeat: ``--procs`` workers run ``optimize()`` on one SQLite study (RandomSampler, heartbeat
0.2 s, grace 1 s, one retry; the objective sleeps ``--trial-s``). Worker 0 SIGSTOPs itself inside
its ``--stop-at``-th write transaction, before COMMIT, so it holds SQLite's write lock; the
supervisor resumes it (SIGCONT) after ``--long-s`` seconds. Meanwhile every other worker's writes
(starts, finishes, heartbeats) wait for the lock (tunewise's default busy_timeout and retry_seconds,
60 s each). Every worker is alive throughout, so every trial failed as stale is failed wrongly.
The workers run ``--run-s`` seconds in all, then the study is counted:

- ``stale_failed``: trials FAILED with a ``stale`` fail_reason; ``late_results``: those whose worker
  told its result later (``late_result``); ``retries``: trials started as a retry; ``settled``:
  retries recorded with a late result (``late_result_of``);
- ``running`` / ``waiting`` left, ``exit_codes`` of the workers, the study's trials by state.

This is s24's ``faults_sqlite_stopped_writer.py`` phase ``long`` (``--bt 60``), repeated, with
objectives that last long enough for every worker to have a running trial during the stall.

Usage: python faults_sqlite_stall_stale.py [--repeats 5] [--procs 3] [--trial-s 0.2] [--stop-at 40]
[--long-s 10] [--run-s 30] (PYTHONPATH=<tree>/src for another tree). One JSON line per repeat.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw
from tunewise.trial import TrialState

WORKER = r"""
import os, signal, sys, time
import tunewise as tw
from tunewise.storage import SQLStorage
name, url, trial_s, run_s, stop_at = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
storage = SQLStorage(url)
if stop_at:  # its stop_at-th trial enqueues a configuration, and SIGSTOPs inside that transaction
    real = storage._insert_waiting
    def insert_waiting(cur, study_id, texts):
        out = real(cur, study_id, texts)  # the study's row is updated (locked) by now
        os.kill(os.getpid(), signal.SIGSTOP)
        return out
    storage._insert_waiting = insert_waiting
study = tw.load_study(study_name=name, storage=storage, sampler=tw.samplers.RandomSampler())
ran = [0]
def objective(t):
    x = t.suggest_float("x", 0, 1)
    ran[0] += 1
    if stop_at and ran[0] == stop_at:
        study.enqueue_trial({"x": 0.5})
    time.sleep(trial_s)
    return x
if len(sys.argv) > 6:  # the late checker: loaded now, runs once the file exists
    while not os.path.exists(sys.argv[6]):
        time.sleep(0.001)
study.optimize(objective, timeout=run_s)
"""


def stopped(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] == "T"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--trial-s", type=float, default=0.2)
    ap.add_argument("--stop-at", type=int, default=12)
    ap.add_argument("--long-s", type=float, default=10.0)
    ap.add_argument("--run-s", type=float, default=30.0)
    ap.add_argument("--checker-delay", type=float, default=0.0)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        tmp = tempfile.mkdtemp()
        url = os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        name = f"stall-stale-{uuid.uuid4().hex[:8]}"
        study = tw.create_study(study_name=name, storage=url, heartbeat_interval=0.2, grace_period=1.0)
        errs = [f"{tmp}/worker{i}.err" for i in range(args.procs)]
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    name,
                    url,
                    str(args.trial_s),
                    str(args.run_s),
                    str(args.stop_at if i == 0 else 0),
                ],
                stderr=open(errs[i], "w"),  # noqa: SIM115 - closed with the process
            )
            for i in range(args.procs)
        ]
        go = f"{tmp}/go"
        errs.append(f"{tmp}/checker.err")
        checker = subprocess.Popen(
            [sys.executable, "-c", WORKER, name, url, str(args.trial_s), str(args.run_s / 2), "0", go],
            stderr=open(errs[-1], "w"),  # noqa: SIM115 - closed with the process
        )
        victim = workers[0]
        t0 = time.time()
        while not stopped(victim.pid):
            if time.time() - t0 > args.run_s:
                raise SystemExit("worker 0 never stopped")
            time.sleep(0.02)
        stop_began = time.time()
        time.sleep(args.long_s)
        victim.send_signal(signal.SIGCONT)
        time.sleep(args.checker_delay)
        open(go, "w").close()
        codes = []
        for w in [*workers, checker]:
            try:
                w.wait(timeout=args.run_s + 300)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
            codes.append(w.returncode)
        trials = study.get_trials()
        states = collections.Counter(t.state.value for t in trials)
        stale = [t for t in trials if str(t.system_attrs.get("fail_reason", "")).startswith("stale")]
        warnings = []
        for err in errs:
            with open(err) as f:
                warnings += [line for line in f.read().splitlines() if "stale" in line][:3]
        print(
            json.dumps(
                {
                    "label": args.label,
                    "tree": tw.__file__,
                    "checker_delay": args.checker_delay,
                    "procs": args.procs,
                    "trial_s": args.trial_s,
                    "stop_at": args.stop_at,
                    "long_s": args.long_s,
                    "stop_began_s": round(stop_began - t0, 1),
                    "stale_failed": len(stale),
                    "stale_reasons": [t.system_attrs["fail_reason"] for t in stale],
                    "late_results": sum("late_result" in t.system_attrs for t in stale),
                    "retries": sum("retried_from" in t.system_attrs for t in trials),
                    "settled": sum("late_result_of" in t.system_attrs for t in trials),
                    "running": states.get(TrialState.RUNNING.value, 0),
                    "waiting": states.get(TrialState.WAITING.value, 0),
                    "states": dict(states),
                    "exit_codes": codes,
                    "stale_log_lines": warnings,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
