"""s33 faults, case 1: the SQLite file moved, deleted, replaced or truncated under a running study.

A worker process runs ``optimize(n_jobs=--jobs)`` on a SQLite study with a stored budget
(``max_trials``, heartbeat 0.5 s, grace 3 s, 2 retries); every objective appends its result to a
ledger (fsynced) before returning. At the ``--at``-th result the harness does ``--mode`` to the
database file:

- ``mv``: ``mv study.db moved.db`` (the main file only, as a user would);
- ``rm``: ``rm study.db study.db-wal study.db-shm`` (hard links kept aside first, so it can be put back);
- ``replace``: another study's database moved over ``study.db`` (the original kept aside by a hard link);
- ``truncate``: ``truncate -s 0 study.db`` (a copy through SQLite's backup API taken just before, kept aside;
  put back, as an operator restores a backup, only when the file at the path is damaged after the workers
  (unreadable, or without the study's tables); else the resume runs on the file the workers went on with);
- ``truncate-ckpt``: the same after a checkpoint (``PRAGMA wal_checkpoint(PASSIVE)``: the pages are in the main
  file, not only in the WAL).

``--resume-during``: 1 s after the fault a second worker (same command) starts while the file is
still moved/removed/replaced/truncated: does it silently create a fresh database at the path?

When the workers have exited (or after ``--timeout`` s: "hung", killed), the harness records what
sits at the path (a fresh database, how many trials it holds), puts the original back (moving any
fresh file aside), and runs the worker once more to finish the budget (it replays the spool).
Counts: lost (a ledger result whose parameters no COMPLETE trial has, a ``late_result`` on a
FAILED trial counting as kept), dup (COMPLETE trials with the same parameters), RUNNING at the
end, budget (COMPLETE - max_trials at the end), plus each worker's exit code and last error line.

    nice -n 19 .venv/bin/python benchmarks/history/s33/faults_file_swap.py --mode mv|rm|replace|truncate \
        --jobs 1|2 [--resume-during] --label ... --out benchmarks/history/s33/faults_file_swap.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

WORKER = r"""
import json, os, sys, time
import tunewise as tw
url, ledger, budget, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
study = tw.create_study(study_name="swap", storage=url, load_if_exists=True, max_trials=budget,
                        sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.15)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x, "pid": os.getpid()}) + "\n").encode()); os.fsync(fd)
    os.close(fd)
    return x
study.optimize(objective, n_jobs=jobs)
print("worker done", len(study.trials), flush=True)
"""


def _count(path: str) -> dict[str, int] | str:
    """Trial states of the database at ``path`` read from a copy (tunewise not involved)."""
    if not os.path.exists(path):
        return "absent"
    d = tempfile.mkdtemp(prefix="faults33_copy_")
    try:
        for suffix in ("", "-wal"):
            if os.path.exists(path + suffix):
                shutil.copy(path + suffix, os.path.join(d, "c.db" + suffix))
        con = sqlite3.connect(os.path.join(d, "c.db"))
        try:
            rows = con.execute("SELECT state, count(*) FROM tunewise_trials GROUP BY state").fetchall()
        except sqlite3.Error as e:
            return f"unreadable: {e} (size {os.path.getsize(path)})"
        finally:
            con.close()
        return {str(s): int(n) for s, n in rows}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _last_error(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("[I")]
    errs = [ln for ln in lines if "Error" in ln or "error" in ln]
    return (errs[-1] if errs else (lines[-1] if lines else ""))[:600]


def _ledger_len(ledger: str) -> int:
    if not os.path.exists(ledger):
        return 0
    with open(ledger) as f:
        return sum(1 for _ in f)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["mv", "rm", "replace", "truncate", "truncate-ckpt"], required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--at", type=int, default=8)
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=90.0)
    ap.add_argument("--resume-during", action="store_true")
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    side = tempfile.mkdtemp(prefix="faults33_swap_", dir="/tmp/faults33")
    data, aside = os.path.join(side, "data"), os.path.join(side, "aside")
    os.makedirs(data)
    os.makedirs(aside)
    path = os.path.join(data, "study.db")
    url = f"sqlite:///{path}"
    ledger = os.path.join(side, "ledger.jsonl")
    spool = os.path.join(side, "spool")
    env = dict(os.environ, TUNEWISE_SPOOL_DIR=spool, TUNEWISE_SPOOL_FALLBACK_DIR=os.path.join(side, "fallback"))
    script = os.path.join(side, "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    cmd = [sys.executable, script, url, ledger, str(args.budget), str(args.jobs)]
    t0 = time.monotonic()
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs = [first]
    fault_at: float | None = None
    second: subprocess.Popen[str] | None = None
    at_fault = 0
    while any(p.poll() is None for p in procs) and time.monotonic() - t0 < args.timeout:
        if fault_at is None and _ledger_len(ledger) >= args.at:
            fault_at = time.monotonic()
            at_fault = _ledger_len(ledger)
            if args.mode == "mv":
                os.rename(path, os.path.join(aside, "moved.db"))
            elif args.mode == "rm":
                for s in ("", "-wal", "-shm"):
                    if os.path.exists(path + s):
                        os.link(path + s, os.path.join(aside, "study.db" + s))
                        os.unlink(path + s)
            elif args.mode == "replace":
                other = os.path.join(side, "other.db")
                con = sqlite3.connect(other)
                con.execute("CREATE TABLE t (x)")
                con.commit()
                con.close()
                for s in ("", "-wal", "-shm"):  # the original's -wal/-shm stay at the path too (mv moves one file)
                    if os.path.exists(path + s):
                        os.link(path + s, os.path.join(aside, "study.db" + s))
                os.rename(other, path)
            else:
                src = sqlite3.connect(path)
                if args.mode == "truncate-ckpt":  # the pages in the main file, not only in the WAL
                    src.execute("PRAGMA wal_checkpoint(PASSIVE)")
                dst = sqlite3.connect(os.path.join(aside, "study.db"))
                src.backup(dst)
                src.close()
                dst.close()
                os.truncate(path, 0)
        if args.resume_during and fault_at is not None and second is None and time.monotonic() - fault_at > 1.0:
            second = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            procs.append(second)
        time.sleep(0.05)
    hung = [p.pid for p in procs if p.poll() is None]
    for p in procs:
        if p.poll() is None:
            p.kill()
    outs = [p.communicate() for p in procs]
    at_path = _count(path)
    spooled = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    fb = os.path.join(side, "fallback")
    fallback = sorted(os.listdir(fb)) if os.path.isdir(fb) else []
    # Put the original back. A database file at the path now is a fresh one (or the replacement):
    # moved aside with its -wal/-shm. For mv, the -wal/-shm left at the path are the original's.
    fresh_created = os.path.exists(path) and args.mode in ("mv", "rm")
    restored = False  # truncate modes: the copy taken before put back
    if os.path.exists(path) and not args.mode.startswith("truncate"):
        fresh = os.path.join(side, "fresh")
        os.makedirs(fresh, exist_ok=True)
        for s in ("", "-wal", "-shm"):
            if os.path.exists(path + s):
                os.rename(path + s, os.path.join(fresh, "study.db" + s))
    if args.mode == "mv":
        os.rename(os.path.join(aside, "moved.db"), path)
    elif args.mode.startswith("truncate"):
        # The file at the path is the one the workers went on with; when it is damaged (unreadable, or
        # without the study's tables) the operator puts the copy taken before the truncation back.
        if not isinstance(at_path, dict):
            for s in ("-wal", "-shm"):
                if os.path.exists(path + s):
                    os.unlink(path + s)
            os.replace(os.path.join(aside, "study.db"), path)
            restored = True
    else:
        for s in ("", "-wal", "-shm"):
            if os.path.exists(os.path.join(aside, "study.db" + s)):
                os.rename(os.path.join(aside, "study.db" + s), path + s)
    before_resume = _count(path)
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.timeout * 2)
    sys.path.insert(0, os.environ.get("FAULTS_SRC", ""))
    import tunewise as tw

    final_error = ""
    try:
        trials = tw.load_study(study_name="swap", storage=url).trials
    except Exception as e:  # noqa: BLE001 - recorded: the row says the study could not be read at the end
        final_error = f"{type(e).__name__}: {e}"[:600]
        trials = []
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE]
    late = {t.system_attrs["late_result"].get("params", {}).get("x")
            if isinstance(t.system_attrs.get("late_result"), dict) else None for t in trials}
    kept = set(complete) | late
    lost = [c for c in computed if c["x"] not in kept]
    row = {
        "label": args.label, "mode": args.mode, "jobs": args.jobs, "resume_during": args.resume_during,
        "results_at_fault": at_fault, "hung": hung,
        "worker_rc": [p.returncode for p in procs], "worker_error": [_last_error(e) for _, e in outs],
        "at_path_after_workers": at_path, "fresh_file_created": fresh_created,
        "spooled": len(spooled), "spooled_fallback": len(fallback),
        "restored_from_copy": restored, "before_resume": before_resume,
        "resume_rc": third.returncode, "resume_error": _last_error(third.stderr) if third.returncode else "",
        "computed": len(computed), "lost": len(lost), "lost_numbers": [c["number"] for c in lost],
        "dup": len(complete) - len(set(complete)),
        "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "budget": len(complete) + sum(t.state == tw.TrialState.FAILED and not t.system_attrs.get("retried_as")
                                      for t in trials) * 0 - args.budget,
        "states": {s: sum(t.state.name == s for t in trials) for s in ("COMPLETE", "FAILED", "RUNNING", "WAITING")},
        "final_error": final_error,
        "side": side,
    }
    with open(os.path.join(side, "log.txt"), "w") as f:
        for i, (o, e) in enumerate(outs):
            f.write(f"==== worker {i} rc {procs[i].returncode}\n{o}\n{e}\n")
        f.write(f"==== resume rc {third.returncode}\n{third.stdout}\n{third.stderr}\n")
    print(json.dumps(row, indent=1))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
