"""s31 faults, case 4 (s30 left open 4, s28 open 7): where a SIGKILL during a PostgreSQL create lands.

Run on a cluster of one's own (``pg_createcluster 15 faults31 -p 5434 --start``), never the shared one.

``--what study``: a child that imported tunewise calls ``create_study(name, load_if_exists=True,
max_trials=5, heartbeat_interval=0.5, grace_period=2)`` on a signal and is SIGKILLed a random
0-``--window`` ms later. ``--what study-open``: the same with the storage opened before the signal
(the kill lands in the study's own writes, not in the connection). ``--what trial``: the study
exists; the child calls ``study.ask()`` and suggests x (a trial's creation) on the signal, and is
killed the same way. Recorded per kill
from the tables themselves (psycopg, not tunewise): the study row, its attribute keys, its
distributions, its trials (states) and ``next_number``, rows of any table whose study_id has no
study row (orphans), and the killed client's server backend still open. Then 2 processes at once
run ``create_study(..., load_if_exists=True, max_trials=5, ...).optimize(n_trials=3)``: counted:
their failures, studies with the name, COMPLETE trials (5: the stored budget), RUNNING left.

    nice -n 10 .venv/bin/python benchmarks/history/s31/faults_pg_create_kill.py --pg-url URL --what study \
        --repeats 12 --label ... --out benchmarks/history/s31/faults_pg_create_kill.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid

CHILD = r"""
import os, sys, time
import tunewise as tw
import sqlalchemy, psycopg, tunewise.storage._sql  # imported before the signal
url, name, go, what = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
kw = dict(load_if_exists=True, max_trials=5, heartbeat_interval=0.5, grace_period=2.0)
study = tw.create_study(study_name=name, storage=url, **kw) if what == "trial" else None
if what == "study-open":  # the storage opened (connected, schema checked) before the signal
    from tunewise.storage import SQLStorage
    url = SQLStorage(url)
print("READY", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
if what != "trial":
    tw.create_study(study_name=name, storage=url, **kw)
else:
    t = study.ask()
    t.suggest_float("x", 0, 1)
print("DONE", flush=True)
time.sleep(30)
"""
RECOVER = r"""
import sys, tunewise as tw
url, name = sys.argv[1], sys.argv[2]
st = tw.create_study(study_name=name, storage=url, load_if_exists=True, max_trials=5,
                     heartbeat_interval=0.5, grace_period=2.0)
st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
print("OK")
"""


def _tables(dsn: str, name: str) -> dict:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as con:
        tables = sorted(r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'tunewise%%'"))
        if "tunewise_studies" not in tables:  # the kill landed in the schema's creation (a fresh database)
            return {"tables": tables, "study_row": False}
        row = con.execute("SELECT study_id, next_number FROM tunewise_studies WHERE name = %s", (name,)).fetchone()
        orphans = {t: con.execute(f"SELECT count(*) FROM {t} WHERE study_id NOT IN "
                                  "(SELECT study_id FROM tunewise_studies)").fetchone()[0]
                   for t in ("tunewise_study_attrs", "tunewise_distributions", "tunewise_trials", "tunewise_claims")
                   if t in tables}
        out: dict = {"tables": len(tables), "study_row": row is not None,
                     "orphans": {k: v for k, v in orphans.items() if v}}
        if row is not None:
            sid = row[0]
            out["attr_keys"] = sorted(r[0] for r in con.execute(
                "SELECT key FROM tunewise_study_attrs WHERE study_id = %s", (sid,)))
            out["dists"] = sorted(r[0] for r in con.execute(
                "SELECT name FROM tunewise_distributions WHERE study_id = %s", (sid,)))
            trials = con.execute("SELECT number, state, params FROM tunewise_trials WHERE study_id = %s "
                                 "ORDER BY number", (sid,)).fetchall()
            out["trials"] = [f"{n}:{s}:{p}" for n, s, p in trials]
            out["next_number"] = row[1]
        out["idle_in_tx"] = con.execute("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in trans%%' "
                                        "AND datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    return out


def one(args: argparse.Namespace, rng: random.Random, i: int) -> dict:
    import tunewise as tw

    d = tempfile.mkdtemp(prefix="faults31_pgkill_")
    url, dsn = args.pg_url, args.pg_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"s31-kill-{uuid.uuid4().hex[:8]}"
    go = os.path.join(d, "go")
    p = subprocess.Popen([sys.executable, "-c", CHILD, url, name, go, args.what], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    first = p.stdout.readline().strip()
    if first != "READY":
        p.kill()
        return {"label": args.label, "i": i, "error": first + p.communicate()[1][-300:]}
    delay = rng.uniform(0, args.window / 1000)
    open(go, "w").close()
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    out, _ = p.communicate()
    time.sleep(0.2)  # the server notices the closed connection
    left = _tables(dsn, name)
    recs = [subprocess.Popen([sys.executable, "-c", RECOVER, url, name], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [r.communicate(timeout=180) for r in recs]
    failures = [e.strip().splitlines()[-1][:300] for r, (o, e) in zip(recs, results) if r.returncode != 0]
    after = _tables(dsn, name)
    after.setdefault("orphans", {})
    trials = tw.load_study(study_name=name, storage=url).trials if after["study_row"] else []
    tw.delete_study(study_name=name, storage=url)
    return {
        "label": args.label, "what": args.what, "i": i, "kill_ms": round(delay * 1000, 1),
        "done_before_kill": "DONE" in out, "left_by_kill": left, "recover_failures": failures,
        "orphans_after": after["orphans"], "complete": sum(t.state == tw.TrialState.COMPLETE for t in trials),
        "states": sorted(t.state.name for t in trials),
        "running_left": sum(t.state == tw.TrialState.RUNNING for t in trials),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--what", choices=["study", "study-open", "trial"], default="study")
    ap.add_argument("--repeats", type=int, default=12)
    ap.add_argument("--window", type=float, default=150.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for i in range(args.repeats):
        line = json.dumps(one(args, rng, i))
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
