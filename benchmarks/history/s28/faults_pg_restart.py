"""Session 28, faults: PostgreSQL restarted, stopped, and its connections terminated mid-run.

Runs on a PostgreSQL cluster of its own (never the shared one): create it first, e.g.

    pg_createcluster 15 faults --port 5434 && pg_ctlcluster 15 faults start
    runuser -u postgres -- psql -p 5434 -c "CREATE USER twf PASSWORD 'twf' SUPERUSER"
    runuser -u postgres -- createdb -p 5434 -O twf twfaults

Each mode runs a chaos.py study (``max_trials``, heartbeat 0.5 s, grace 3 s, 3 retries, seeded
RandomSampler, the ledger objective of ``benchmarks/_chaos_objective.py``) with tunewise's
default retry window (60 s), and attacks the server three times, at a fifth, two fifths and
three fifths of the budget's results:

1. ``pg_ctlcluster 15 faults restart -m fast`` (every connection dropped, down ~1-3 s);
2. ``pg_terminate_backend`` of every other connection to the database (server up throughout);
3. ``pg_ctlcluster 15 faults stop -m immediate`` (a crash: no shutdown checkpoint), ``--down`` s
   down, then start (crash recovery).

Modes: ``njobs`` (one ``study.optimize(n_jobs=2)`` process), ``cli`` (3 ``tunewise worker``
processes, restarted if they exit non-zero), ``dask`` (``study.optimize(executor=DaskExecutor)``
on a ``LocalCluster`` of 2 worker processes). Counted by chaos.py's ``Run.analyze``: results
lost, duplicated, budget over/undershoot, trials left RUNNING, FAILED trials not recovered; and
the worker exits this harness did not cause.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_pg_restart.py \\
        --url $(cat /tmp/s28f/pgurl_faults) --modes njobs,cli,dask --repeats 1 --label after
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, BENCH)

import chaos  # noqa: E402

DASK_DRIVER = r"""
import sys, os
sys.path.insert(0, os.environ["CHAOS_BENCH"])
import _chaos_objective
import tunewise as tw
from distributed import Client, LocalCluster
study_name, url, max_trials, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if __name__ == "__main__":
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, processes=True)
    client = Client(cluster)
    study = tw.load_study(study_name, url, sampler=tw.samplers.RandomSampler(seed=seed))
    study.optimize(_chaos_objective.objective, max_trials=max_trials, executor=tw.DaskExecutor(client),
                   catch=(Exception,))
    print("dask optimize done", flush=True)
    client.close(); cluster.close()
"""


def _pg(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "15", "faults", *action.split()], check=True, capture_output=True)


def _terminate(url: str) -> int:
    import psycopg
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database, autocommit=True
    ) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def attack(run: chaos.Run, url: str, down: float, log: list[str]) -> None:
    """The three attacks, each once the ledger holds its share of the budget."""
    for share, what in ((0.2, "restart"), (0.4, "terminate"), (0.6, "crash")):
        while run.results() < int(run.max_trials * share):
            run.check_deadline()
            if all(p.poll() is not None for p in run.procs):
                log.append(f"{what}: workers gone before it")
                return
            time.sleep(0.05)
        t = time.monotonic()
        if what == "restart":
            _pg("restart -m fast")
        elif what == "terminate":
            log.append(f"terminated {_terminate(url)} connections")
        else:
            _pg("stop -m immediate")
            time.sleep(down)
            _pg("start")
        log.append(f"{what} at {run.results()} results, {time.monotonic() - t:.1f} s")


def one(mode: str, url: str, seed: int, args: argparse.Namespace) -> dict:
    settings = chaos.Settings(
        trials=args.trials,
        sigstop_trials=0,
        outage_trials=0,
        kills=0,
        stops=0,
        workers=3,
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
    root = tempfile.mkdtemp(prefix=f"s28_pg_{mode}_", dir=args.tmp)
    run = chaos.Run(mode, "postgresql", url, root, settings, args.trials, random.Random(seed), seed)
    log: list[str] = []
    t0 = time.monotonic()
    error = None
    try:
        if mode == "njobs":
            run.start_optimize(0, n_jobs=2)
            attack(run, url, args.down, log)
            while run.procs[0].poll() is None:
                run.check_deadline()
                time.sleep(0.1)
            run.note_exit(run.procs[0], run.procs[0].poll() or 0)
        elif mode == "cli":
            slots = {i: run.start_cli(i) for i in range(3)}
            attack(run, url, args.down, log)
            run.supervise(slots, run.start_cli, lambda: None, restart_delay=1.0)
        elif mode == "dask":
            run.env["CHAOS_BENCH"] = BENCH
            driver = os.path.join(root, "dask_driver.py")
            with open(driver, "w") as f:
                f.write(DASK_DRIVER)
            p = run._start(
                "dask", [sys.executable, driver, run.study_name, run.worker_url, str(args.trials), str(seed)]
            )
            attack(run, url, args.down, log)
            while p.poll() is None:
                run.check_deadline()
                time.sleep(0.1)
            run.note_exit(p, p.poll() or 0)
        counts, info = run.analyze()
    except chaos.Timeout as e:
        error = str(e)
        counts, info = run.analyze()
    finally:
        run.finish()
    return {
        "label": args.label,
        "mode": mode,
        "seed": seed,
        "seconds": round(time.monotonic() - t0, 1),
        "attacks": log,
        "error": error,
        "counts": counts,
        "info": info,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="the faults cluster's database (never the shared one)")
    ap.add_argument("--modes", default="njobs,cli,dask")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--trials", type=int, default=120)
    ap.add_argument("--down", type=float, default=8.0)
    ap.add_argument("--deadline", type=float, default=300.0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    assert ":5434/" in args.url, "use the faults cluster (port 5434), never the shared server"
    for r in range(args.repeats):
        for mode in args.modes.split(","):
            row = one(mode, args.url, r, args)
            line = json.dumps(row)
            print(line, flush=True)
            if args.out:
                with open(args.out, "a") as f:
                    f.write(line + "\n")


if __name__ == "__main__":
    main()
