"""A SQLite worker SIGSTOPped while it holds the write lock: how often, and what the others see.

Phase ``odds``: ``--procs`` workers run ``optimize()`` on one SQLite study (RandomSampler, heartbeat
0.2 s, grace 1 s; the objective sleeps ``--trial-s``). ``--stops`` times, worker 0 is SIGSTOPped at
a random moment; 0.3 s later the supervisor probes the write lock (``BEGIN IMMEDIATE`` with no busy
wait, 5 tries over 0.2 s; held = every try refused: the others' transactions last milliseconds),
counts the COMPLETE trials the other workers finish during a ``--stop-s`` stop, then resumes it
(SIGCONT). Reported: stops landed inside a write (lock held), and the others' trials per held /
free stop.

Phase ``long`` (``--long-s`` > 0, ``--stops 0``): worker 0 SIGSTOPs itself inside its 300th write transaction (before
COMMIT), held for
``--long-s`` seconds; the workers open the storage with ``busy_timeout`` / ``retry_seconds`` of
``--bt`` (tunewise's defaults are 60 s each). Reported: the workers' exit codes and the last line
of each one's stderr (what a user sees), and the study's trials by state once all have ended.

Usage: python faults_sqlite_stopped_writer.py [--procs 3] [--trial-s 0.02] [--stops 30] [--stop-s 2]
[--long-s 0] [--bt 60] (PYTHONPATH=<tree>/src for another tree). One JSON line.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import signal
import sqlite3
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
name, url, trial_s, bt, run_s = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
stop_at = int(sys.argv[6])  # > 0: this worker SIGSTOPs itself inside its stop_at-th write, before COMMIT
storage = SQLStorage(url, busy_timeout=bt, retry_seconds=bt)
if stop_at:
    real, writes = storage._run, [0]
    def run(fn, write):
        if write:
            writes[0] += 1
            if writes[0] == stop_at:
                def stopping(cur, fn=fn):
                    out = fn(cur)
                    os.kill(os.getpid(), signal.SIGSTOP)
                    return out
                return real(stopping, write)
        return real(fn, write)
    storage._run = run
study = tw.load_study(study_name=name, storage=storage, sampler=tw.samplers.RandomSampler())
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(trial_s)
    return x
study.optimize(objective, timeout=run_s)
"""


def lock_held(path: str) -> bool:
    refused = 0
    for _ in range(5):
        con = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        except sqlite3.OperationalError:
            refused += 1
        finally:
            con.close()
        time.sleep(0.04)
    return refused == 5


def complete(path: str) -> int:
    con = sqlite3.connect(path, timeout=30)
    try:
        return int(con.execute("SELECT count(*) FROM tunewise_trials WHERE state = 'COMPLETE'").fetchone()[0])
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--trial-s", type=float, default=0.02)
    ap.add_argument("--stops", type=int, default=30)
    ap.add_argument("--stop-s", type=float, default=2.0)
    ap.add_argument("--long-s", type=float, default=0.0)
    ap.add_argument("--bt", type=float, default=60.0)
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    tmp = tempfile.mkdtemp()
    path = f"{tmp}/stopped.db"
    url = f"sqlite:///{path}"
    name = f"stopped-writer-{uuid.uuid4().hex[:8]}"
    study = tw.create_study(study_name=name, storage=url, heartbeat_interval=0.2, grace_period=1.0)
    run_s = args.stops * (args.stop_s + 1.5) + args.long_s + 30
    errs = [f"{tmp}/worker{i}.err" for i in range(args.procs)]
    self_stop = 300 if args.long_s > 0 and args.stops == 0 else 0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WORKER,
                name,
                url,
                str(args.trial_s),
                str(args.bt),
                str(run_s),
                str(self_stop if i == 0 else 0),
            ],
            stderr=open(errs[i], "w"),  # noqa: SIM115 - closed with the process
        )
        for i in range(args.procs)
    ]
    victim = workers[0]
    time.sleep(3.0)
    held_stops, free_stops = [], []
    for _ in range(args.stops):
        time.sleep(random.uniform(0.3, 1.0))
        victim.send_signal(signal.SIGSTOP)
        time.sleep(0.3)
        held = lock_held(path)
        before = complete(path)
        time.sleep(args.stop_s)
        others = complete(path) - before
        victim.send_signal(signal.SIGCONT)
        (held_stops if held else free_stops).append(others)
    long_out: dict = {}
    if args.long_s > 0:
        # Worker 0 stops itself inside its 300th write transaction (random stops land there rarely).
        while open(f"/proc/{victim.pid}/stat").read().rsplit(")", 1)[1].split()[0] != "T":
            time.sleep(0.05)
        time.sleep(0.3)
        held = lock_held(path)
        before = complete(path)
        t0 = time.time()
        ended = {}
        while time.time() - t0 < args.long_s:
            for i, w in enumerate(workers[1:], 1):
                if i not in ended and w.poll() is not None:
                    ended[i] = round(time.time() - t0, 1)
            time.sleep(0.1)
        others = complete(path) - before
        victim.send_signal(signal.SIGCONT)
        long_out = {
            "long_s": args.long_s,
            "bt": args.bt,
            "lock_held": held,
            "others_trials_during_stop": others,
            "others_ended_during_stop_at_s": ended,
        }
    codes, lasts = [], []
    for w, err in zip(workers, errs):
        try:
            w.wait(timeout=run_s + 300)
        except subprocess.TimeoutExpired:
            w.kill()
            w.wait()
        codes.append(w.returncode)
        with open(err) as f:
            lines = [line for line in f.read().splitlines() if line.strip() and "finished with value" not in line]
        lasts.append(lines[-3:] if lines else [])
    trials = study.get_trials()
    states = collections.Counter(t.state.value for t in trials)
    print(
        json.dumps(
            {
                "tree": tw.__file__,
                "procs": args.procs,
                "trial_s": args.trial_s,
                "stops": args.stops,
                "stop_s": args.stop_s,
                "held": len(held_stops),
                "others_trials_per_held_stop": held_stops,
                "others_trials_per_free_stop": free_stops,
                **long_out,
                "exit_codes": codes,
                "stderr_last": lasts,
                "states": dict(states),
                "running_left": states.get(TrialState.RUNNING.value, 0),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
