# s33 pg33: server connections one process holds while it runs PostgreSQL studies one after another
# (s32 lead_pg_connections.py, extended). Each study: create_study(storage=URL), optimize, then the
# reference dropped (del + gc.collect(), or kept with --keep). Only this process's connections are
# counted: the URL gets ?application_name=pg33-<pid> (others' tests on the same database do not count).
#   .venv/bin/python benchmarks/history/s33/pg_connections.py --studies 10 [--trial-seconds 0.1]
#       [--n-jobs 2] [--keep] [--idle 35] [--out rows.jsonl]       (needs /tmp/pgurl from .ci/postgres.sh)
import argparse
import gc
import json
import logging
import os
import time

import psycopg
import sqlalchemy as sa

import tunewise as tw

ap = argparse.ArgumentParser()
ap.add_argument("--studies", type=int, default=10)
ap.add_argument("--trials", type=int, default=3)
ap.add_argument("--trial-seconds", type=float, default=0.0, help="objective sleep (past 0.05 s the heartbeat writes)")
ap.add_argument("--n-jobs", type=int, default=1)
ap.add_argument("--keep", action="store_true", help="keep every study object alive (a notebook's list)")
ap.add_argument("--idle", type=float, default=35.0, help="seconds to wait at the end before the last count")
ap.add_argument("--out", default=None)
args = ap.parse_args()
logging.getLogger("tunewise").setLevel(logging.WARNING)

base = sa.engine.make_url(open("/tmp/pgurl").read().strip())
APP = f"pg33-{os.getpid()}"
URL = base.update_query_dict({"application_name": APP}).render_as_string(hide_password=False)
RAW = base.set(drivername="postgresql").render_as_string(hide_password=False)
out = open(args.out, "a") if args.out else None


def count() -> int:
    with psycopg.connect(RAW) as c:
        row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (APP,)).fetchone()
        return int(row[0]) if row else 0


def objective(t: tw.Trial) -> float:
    x = t.suggest_float("x", 0, 1)
    if args.trial_seconds:
        time.sleep(args.trial_seconds)
    return x


def emit(**row: object) -> None:
    row.update(studies=args.studies, trial_seconds=args.trial_seconds, n_jobs=args.n_jobs, keep=args.keep)
    print(json.dumps(row), flush=True)
    if out:
        out.write(json.dumps(row) + "\n")
        out.flush()


kept = []
peak = 0
t0 = time.time()
for i in range(args.studies):
    s = tw.create_study(study_name=f"conn-{os.getpid()}-{i}", storage=URL)
    s.optimize(objective, n_trials=args.trials, n_jobs=args.n_jobs)
    if args.keep:
        kept.append(s)
    del s
    gc.collect()
    n = count()
    peak = max(peak, n)
    if i + 1 in (1, 2, 5) or (i + 1) % 10 == 0 or i + 1 == args.studies:
        emit(event="after_study", study=i + 1, held=n, peak=peak, t=round(time.time() - t0, 1))
time.sleep(0.5)
emit(event="end_of_loop", held=count(), peak=peak)
kept.clear()
gc.collect()
deadline = time.time() + args.idle
while time.time() < deadline:
    time.sleep(1.0)
gc.collect()
emit(event=f"after_{args.idle:g}s_idle", held=count(), peak=peak)
