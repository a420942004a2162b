"""Session 28, faults: a process that is not tunewise holds a SQLite study file's write lock.

``sqlite3``'s ``BEGIN EXCLUSIVE`` (as the ``sqlite3`` shell, a backup script or a DB browser would
take it) is held for ``--hold`` seconds (default 35, past the 3 s grace period many times over, and
under tunewise's 60 s busy timeout) while 2 ``tunewise worker`` processes run a chaos.py study
(``max_trials``, heartbeat 0.5 s, grace 3 s, seeded RandomSampler, ledger objective), once a
quarter of the budget has results. With ``--late`` a third worker is started right after the lock
is let go: it saw no wait itself (s26's open case: the holder records no span in the file).
Counted as chaos.py does (lost, duplicated, budget, RUNNING left, FAILED not recovered), plus the
live trials failed as stale (every worker is alive, so each is failed wrongly) and worker exits.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_sqlite_foreign_lock.py \\
        --repeats 2 [--late] --label before|after --out benchmarks/history/s28/faults_sqlite_foreign_lock.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, BENCH)

import chaos  # noqa: E402


def one(seed: int, args: argparse.Namespace) -> dict:
    settings = chaos.Settings(
        trials=args.trials,
        sigstop_trials=0,
        outage_trials=0,
        kills=0,
        stops=0,
        workers=2,
        kill_gap=(0.5, 1.0),
        heartbeat_interval=0.5,
        grace_period=3.0,
        max_retries=3,
        short_outage=0,
        short_retry=0,
        long_outage=0,
        long_retry=0,
        deadline=args.deadline,
    )
    root = tempfile.mkdtemp(prefix="s28_foreign_lock_", dir=args.tmp)
    run = chaos.Run("foreignlock", "sqlite", "", root, settings, args.trials, random.Random(seed), seed)
    path = run.url[len("sqlite:///") :]
    t0 = time.monotonic()
    slots = {i: run.start_cli(i) for i in range(2)}
    run.wait_for_results(args.trials // 4)
    conn = sqlite3.connect(path, timeout=120, isolation_level=None)
    t_lock = time.monotonic()
    conn.execute("BEGIN EXCLUSIVE")
    waited = time.monotonic() - t_lock
    at = run.results()
    time.sleep(args.hold)
    during = run.results() - at
    conn.execute("ROLLBACK")
    conn.close()
    if args.late:
        slots[2] = run.start_cli(2)
    error = None
    try:
        run.supervise(slots, run.start_cli, lambda: None, restart_delay=1.0)
    except chaos.Timeout as e:
        error = str(e)
    counts, info = run.analyze()
    run.finish()
    import tunewise as tw

    trials = tw.load_study(study_name=run.study_name, storage=run.url).trials
    stale = [t.number for t in trials if "no heartbeat" in str(t.system_attrs.get("fail_reason", ""))]
    return {
        "label": args.label,
        "seed": seed,
        "late": args.late,
        "hold_s": args.hold,
        "lock_waited_s": round(waited, 2),
        "results_during_lock": during,
        "seconds": round(time.monotonic() - t0, 1),
        "error": error,
        "counts": counts,
        "failed_as_stale": stale,
        "info": info,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--trials", type=int, default=80)
    ap.add_argument("--hold", type=float, default=35.0)
    ap.add_argument("--late", action="store_true")
    ap.add_argument("--deadline", type=float, default=240.0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    for r in range(args.repeats):
        line = json.dumps(one(r, args))
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
