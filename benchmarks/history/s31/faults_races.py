"""s31 faults, case 3: concurrency races nobody attacked yet.

``create``: ``--procs`` processes call ``create_study(name, load_if_exists=...)`` at the same
instant (each waits for a shared start time), on a fresh SQLite file (the schema is created in
the race too) or on PostgreSQL (``--pg-url``). Counted: studies with that name afterwards,
processes that got a study, the errors they got.

``delete``: two worker processes run ``optimize()`` (one of them with ``n_jobs=2``) on a SQLite
study; after ``--at`` results the study is deleted from another process (``tunewise
delete-study``), and with ``--recreate`` a new study of the same name is created at once by a
third process. Counted: how each worker ended (exit code, last line, seconds after the delete),
trials written into the recreated study by the old workers (must be 0).

``sigint``: ``optimize(n_jobs=2, n_trials=--budget)`` (1 s trials) gets SIGINT twice, 0.2 s
apart, 3 s in; then the study is resumed to its budget. Counted: RUNNING left after the
interrupted process, how it ended, COMPLETE after the resume vs the budget, duplicated params.

    .venv/bin/python benchmarks/history/s31/faults_races.py create --backend sqlite --load-if-exists 0 ...
    .venv/bin/python benchmarks/history/s31/faults_races.py delete [--recreate] ...
    .venv/bin/python benchmarks/history/s31/faults_races.py sigint ...
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

CREATE = r"""
import sys, time
import tunewise as tw
url, name, lie, go = sys.argv[1], sys.argv[2], sys.argv[3] == "1", float(sys.argv[4])
while time.time() < go:
    time.sleep(0.0005)
try:
    s = tw.create_study(study_name=name, storage=url, load_if_exists=lie)
    print("ok", s._study_id, flush=True)
except Exception as e:
    print("error", type(e).__name__, str(e).replace("\n", " ")[:300], flush=True)
"""

WORKER = r"""
import json, os, sys, time
import tunewise as tw
url, ledger, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.load_study(study_name="s", storage=url)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.2)
    with open(ledger, "a") as f:
        f.write(json.dumps({"number": t.number, "x": x, "pid": os.getpid(), "sid": study._study_id}) + "\n")
    return x
try:
    study.optimize(objective, n_trials=400, n_jobs=jobs)
    print("worker done", flush=True)
except Exception as e:
    print("worker error", type(e).__name__, str(e).replace("\n", " ")[:300], flush=True)
    sys.exit(1)
"""

SIGINT = r"""
import json, os, signal, sys, time
# As a process started in a terminal's foreground: a harness run in the background (``cmd &`` in a
# script) starts its children with SIGINT ignored, and then no Ctrl-C reaches them at all.
signal.signal(signal.SIGINT, signal.default_int_handler)
import tunewise as tw
url, ledger, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.create_study(study_name="s", storage=url, load_if_exists=True, max_trials=budget,
                        sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(1.0)
    with open(ledger, "a") as f:
        f.write(json.dumps({"number": t.number, "x": x}) + "\n")
    return x
print("start", flush=True)
study.optimize(objective, n_jobs=2)
print("done", len(study.trials), flush=True)
"""


def _tail(text: str, k: int = 3) -> list[str]:
    return [ln[:400] for ln in text.splitlines() if ln.strip() and not ln.startswith("[I")][-k:]


def create(args: argparse.Namespace) -> dict:
    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="faults31_create_")
    url = f"sqlite:///{tmp}/race.db" if args.backend == "sqlite" else args.pg_url
    name = f"race-{uuid.uuid4().hex[:8]}"
    go = time.time() + 6.0  # past every child's import
    procs = [subprocess.Popen([sys.executable, "-c", CREATE, url, name, str(args.load_if_exists), str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(args.procs)]
    outs = [p.communicate(timeout=120) for p in procs]
    lines = [o[0].strip() or ("stderr: " + " | ".join(_tail(o[1]))) for o in outs]
    from tunewise.storage import SQLStorage

    studies = [s for s in SQLStorage(url).get_all_studies() if s.name == name]
    if args.backend != "sqlite":
        tw.delete_study(study_name=name, storage=url)
    return {"case": "create", "backend": args.backend, "load_if_exists": args.load_if_exists,
            "procs": args.procs, "studies_named": len(studies),
            "got_study": sum(ln.startswith("ok") for ln in lines),
            "study_ids": sorted({ln.split()[1] for ln in lines if ln.startswith("ok")}),
            "errors": sorted({ln[:300] for ln in lines if not ln.startswith("ok")})}


def delete(args: argparse.Namespace) -> dict:
    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="faults31_delete_")
    url, ledger = f"sqlite:///{tmp}/del.db", f"{tmp}/ledger.jsonl"
    tw.create_study(study_name="s", storage=url, heartbeat_interval=0.5, grace_period=3.0)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, url, ledger, str(j)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for j in (1, 2)]
    t0 = time.monotonic()
    while (not os.path.exists(ledger) or sum(1 for _ in open(ledger)) < args.at) and time.monotonic() - t0 < 120:
        time.sleep(0.05)
    d = subprocess.run([os.path.join(os.path.dirname(sys.executable), "tunewise"), "delete-study",
                        "--study-name", "s", "--storage", url], capture_output=True, text=True)
    t_del = time.monotonic()
    new_id = None
    if args.recreate:
        new_id = tw.create_study(study_name="s", storage=url)._study_id
    ends = []
    for w in workers:
        try:
            out, err = w.communicate(timeout=90)
            ends.append({"rc": w.returncode, "s_after_delete": round(time.monotonic() - t_del, 1),
                         "heartbeat_warnings": err.count("heartbeat"), "last": _tail(out, 1) + _tail(err, 2)})
        except subprocess.TimeoutExpired:
            w.kill()
            out, err = w.communicate()
            ends.append({"rc": None, "hung": True, "last": _tail(out, 1) + _tail(err, 2)})
    names = tw.get_all_study_names(storage=url)
    in_new = len(tw.load_study(study_name="s", storage=url).trials) if "s" in names else None
    return {"case": "delete", "recreate": args.recreate, "delete_rc": d.returncode,
            "delete_out": _tail(d.stdout + d.stderr, 2),
            "workers": ends, "studies_after": names, "trials_in_recreated": in_new, "new_study_id": new_id}


def sigint(args: argparse.Namespace) -> dict:
    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="faults31_sigint_")
    url, ledger = f"sqlite:///{tmp}/int.db", f"{tmp}/ledger.jsonl"
    p = subprocess.Popen([sys.executable, "-c", SIGINT, url, ledger, str(args.budget)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    p.stdout.readline()
    time.sleep(args.first)
    p.send_signal(signal.SIGINT)
    time.sleep(args.gap)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=60)
        rc, hung = p.returncode, False
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        rc, hung = None, True
    states1 = {s.name: n for s in tw.TrialState
               if (n := sum(t.state == s for t in tw.load_study(study_name="s", storage=url).trials))}
    # Running left right after it ended (before any stale check of another process).
    r2 = subprocess.run([sys.executable, "-c", SIGINT, url, ledger, str(args.budget)], capture_output=True, text=True,
                        timeout=300)
    trials = tw.load_study(study_name="s", storage=url).trials
    complete = [t.params["x"] for t in trials if t.state == tw.TrialState.COMPLETE]
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    lost = [c for c in computed if c["x"] not in set(complete)]
    return {"case": "sigint", "budget": args.budget, "first_s": args.first, "gap_s": args.gap, "rc": rc, "hung": hung,
            "last": _tail(err, 4) + _tail(out, 1), "tracebacks": err.count("Traceback"),
            "stderr_lines": len(err.splitlines()), "states_after_interrupt": states1,
            "resume_rc": r2.returncode, "resume_last": _tail(r2.stderr, 2) + _tail(r2.stdout, 1),
            "lost": len(lost), "dup": len(complete) - len(set(complete)),
            "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
            "budget_diff": len(complete) - args.budget,
            "states_end": {s.name: n for s in tw.TrialState if (n := sum(t.state == s for t in trials))}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case", choices=["create", "delete", "sigint"])
    ap.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--pg-url", default=None)
    ap.add_argument("--load-if-exists", type=int, default=0)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--at", type=int, default=6)
    ap.add_argument("--recreate", action="store_true")
    ap.add_argument("--budget", type=int, default=12)
    ap.add_argument("--first", type=float, default=3.0)
    ap.add_argument("--gap", type=float, default=0.2)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    row = {"label": args.label, **{"create": create, "delete": delete, "sigint": sigint}[args.case](args)}
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
