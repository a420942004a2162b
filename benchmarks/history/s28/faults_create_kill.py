"""Session 28, faults: SIGKILL during create_study (a new SQLite file, or a new study on PostgreSQL).

A child imports tunewise, says READY, and on a signal file calls
``create_study(name, storage, load_if_exists=True, max_trials=5, heartbeat...)``; the harness
SIGKILLs it a random 0-``--window`` ms after the signal (inside the schema's creation on a fresh
SQLite file, or the study's rows). Then 2 fresh processes each run
``create_study(..., load_if_exists=True).optimize(n_trials=3)`` on the same name at once.
Counted per kill: what the kill left (SQLite tables, the study row), whether the file/study
was left unusable (a recovery process failed, and its message), studies with the name, trials
(expected 5: the stored budget, or 6 when the kill landed before the budget was stored and each
process ran its 3), RUNNING left.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_create_kill.py \\
        --backend sqlite --repeats 20 --label probe [--pg-url URL]
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
import sqlalchemy, tunewise.storage._sql  # imported before the signal: the kill lands in the creation
url, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
print("READY", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
tw.create_study(study_name=name, storage=url, load_if_exists=True, max_trials=5)
print("CREATED", flush=True)
"""
RECOVER = r"""
import sys, tunewise as tw
url, name = sys.argv[1], sys.argv[2]
st = tw.create_study(study_name=name, storage=url, load_if_exists=True, max_trials=5)
st.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
print("OK")
"""


def _left(url: str, name: str, backend: str) -> str:
    """What the killed child left: SQLite tables (how far the schema got), or the study's row."""
    if backend == "sqlite":
        import sqlite3

        path = url[len("sqlite:///") :]
        if not os.path.exists(path):
            return "no file"
        conn = sqlite3.connect(path)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            studies = (
                conn.execute("SELECT count(*) FROM tunewise_studies").fetchone()[0]
                if "tunewise_studies" in tables
                else None
            )
        finally:
            conn.close()
        return f"{len(tables)} tables, studies={studies}"
    import tunewise as tw

    return "study row" if name in tw.get_all_study_names(url) else "no study row"


def one(args: argparse.Namespace, rng: random.Random, i: int) -> dict:
    d = tempfile.mkdtemp(prefix="s28_create_kill_", dir=args.tmp)
    url = f"sqlite:///{d}/c.db" if args.backend == "sqlite" else args.pg_url
    name = f"s28-create-kill-{uuid.uuid4().hex[:8]}"
    go = os.path.join(d, "go")
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, name, go], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert p.stdout is not None
    assert p.stdout.readline().strip() == "READY"
    delay = rng.uniform(0, args.window / 1000)
    open(go, "w").close()
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    out, err = p.communicate()
    created_before_kill = "CREATED" in out
    left = _left(url, name, args.backend)
    recs = [
        subprocess.Popen(
            [sys.executable, "-c", RECOVER, url, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [r.communicate(timeout=180) for r in recs]
    failures = [e.strip().splitlines()[-1][:300] for r, (o, e) in zip(recs, results) if r.returncode != 0]
    import tunewise as tw

    try:
        names = [s.study_name for s in tw.get_all_study_summaries(url) if s.study_name == name]
        trials = tw.load_study(study_name=name, storage=url).trials if names else []
        check = None
    except Exception as e:  # noqa: BLE001 - counted
        names, trials, check = [], [], f"{type(e).__name__}: {e}"[:300]
    if args.backend == "postgresql" and names:
        tw.delete_study(study_name=name, storage=url)
    return {
        "label": args.label,
        "backend": args.backend,
        "i": i,
        "kill_ms": round(delay * 1000, 1),
        "created_before_kill": created_before_kill,
        "left_by_kill": left,
        "recover_failures": failures,
        "check_error": check,
        "studies": len(names),
        "trials": len(trials),
        "running_left": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "states": sorted({t.state.name for t in trials}),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--window", type=float, default=150.0, help="kill within this many ms of the signal")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--tmp", default=None)
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
