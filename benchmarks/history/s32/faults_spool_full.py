"""s32 faults, case 1: the disk under a SQLite study fills up, and it holds the spool too.

Adapted from s31's ``faults_disk.py`` (s31 left open 2). ``--spool-on-disk`` puts
``TUNEWISE_SPOOL_DIR`` on the full disk (a home directory on the same disk); ``--fallback``
says where a spool fallback may go: ``default`` (nothing configured: ``$TMPDIR``/``/tmp`` and
``/dev/shm``), ``other`` (``TUNEWISE_SPOOL_FALLBACK_DIR`` on a second tmpfs with space),
``full`` (``TUNEWISE_SPOOL_FALLBACK_DIR`` on a second tmpfs that is full too: every place fails).
Original description (s31):

The study file lives on a tmpfs of ``--size`` (mounted here at ``--mnt``; root only). A worker
process runs ``optimize(n_jobs=--jobs)`` on a study with a stored budget (``max_trials``,
heartbeat 0.5 s, grace 3 s, 2 retries); every objective appends its result to a ledger on
another disk (fsynced) before returning. At the ``--at``-th result the fault lands:

- ``fill-objective``: that objective fills the disk itself (writes a scratch file on it until
  ENOSPC, then returns its result as usual);
- ``fill-outside``: another process fills the disk (this script, with a filler file);
- ``ro``: the file system is remounted read-only (``mount -o remount,ro``; refused while files
  are open for writing: "mount point is busy");
- ``immutable``: ``chattr +i`` on the directory and the database's files (a write through a
  descriptor opened before still goes through; every new open for writing fails).

When the first worker has exited (or after ``--timeout`` s: "hung"), trials left RUNNING are
counted on a copy of the file (no tunewise open, which would write spooled results), space is
given back (filler removed / remounted rw), and the same worker is run again: it must finish the
budget. Counts: lost (a ledger result whose parameters no COMPLETE trial has), dup (COMPLETE
trials with the same parameters), RUNNING after the first worker and at the end, budget
(COMPLETE - max_trials at the end).

    nice -n 19 .venv/bin/python benchmarks/history/s32/faults_spool_full.py --mode fill-objective --jobs 2 \
        --spool-on-disk --fallback default|other|full [--recover] --label ... \
        --out benchmarks/history/s32/faults_spool_full.jsonl
"""

from __future__ import annotations

import argparse
import glob
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
url, ledger, mode, mnt = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[6]
at, budget = int(sys.argv[4]), int(sys.argv[5])
study = tw.create_study(study_name="full", storage=url, load_if_exists=True, max_trials=budget,
                        sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    t.set_user_attr("blob", "b" * 4096)
    time.sleep(0.05)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x, "pid": os.getpid()}) + "\n").encode()); os.fsync(fd)
    os.close(fd)
    with open(ledger) as f:
        n = sum(1 for _ in f)
    if mode == "fill-objective" and n == at:
        try:
            with open(os.path.join(mnt, "scratch.bin"), "ab") as f:
                while True:
                    f.write(b"s" * 65536)
                    f.flush()
        except OSError as e:
            print("objective filled the disk:", e, flush=True)
    return x
study.optimize(objective, n_jobs=int(sys.argv[7]))
print("worker done", len(study.trials), flush=True)
"""


def _copy_counts(mnt: str, side: str) -> dict[str, int]:
    """Trial states read from a copy of the database (tunewise not involved)."""
    dst = os.path.join(side, "copy")
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for f in glob.glob(os.path.join(mnt, "full.db*")):
        shutil.copy(f, dst)
    con = sqlite3.connect(os.path.join(dst, "full.db"))
    try:
        rows = con.execute("SELECT state, count(*) FROM tunewise_trials GROUP BY state").fetchall()
    finally:
        con.close()
    return {str(s): int(n) for s, n in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["fill-objective", "fill-outside", "ro", "immutable"], required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--mnt", default="/tmp/faults32/full")
    ap.add_argument("--size", default="2m")
    ap.add_argument("--at", type=int, default=8)
    ap.add_argument("--budget", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=150.0)
    ap.add_argument("--spool-on-disk", action="store_true",
                    help="TUNEWISE_SPOOL_DIR on the full disk too (a home directory on the same disk)")
    ap.add_argument("--fallback", choices=["default", "other", "full"], default="default")
    ap.add_argument("--mnt2", default="/tmp/faults32/fallback")
    ap.add_argument("--recover", action="store_true",
                    help="before the second worker, do what the first worker's error says: save each printed spool "
                         "record under the file name it gives")
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.makedirs(args.mnt, exist_ok=True)
    subprocess.run(["umount", args.mnt], capture_output=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size}", "tmpfs", args.mnt], check=True)
    side = tempfile.mkdtemp(prefix="faults32_spool_")
    ledger, spool = os.path.join(side, "ledger.jsonl"), os.path.join(side, "spool")
    if args.spool_on_disk:
        spool = os.path.join(args.mnt, "spool")
    env = dict(os.environ, TUNEWISE_SPOOL_DIR=spool)
    env.pop("TUNEWISE_SPOOL_FALLBACK_DIR", None)
    fallback_dirs: list[str] = []
    if args.fallback != "default":
        os.makedirs(args.mnt2, exist_ok=True)
        subprocess.run(["umount", args.mnt2], capture_output=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", args.mnt2], check=True)
        if args.fallback == "full":
            subprocess.run(["dd", "if=/dev/zero", f"of={args.mnt2}/filler.bin", "bs=64k"], capture_output=True)
        env["TUNEWISE_SPOOL_FALLBACK_DIR"] = os.path.join(args.mnt2, "spool")
        fallback_dirs = [env["TUNEWISE_SPOOL_FALLBACK_DIR"]]
    else:
        uid = os.getuid()
        fallback_dirs = [os.path.join(tempfile.gettempdir(), f"tunewise-spool-{uid}"),
                         f"/dev/shm/tunewise-spool-{uid}"]
    before_fallback = {d: set(os.listdir(d)) if os.path.isdir(d) else set() for d in fallback_dirs}
    url = f"sqlite:///{args.mnt}/full.db"
    script = os.path.join(side, "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    cmd = [sys.executable, script, url, ledger, args.mode, str(args.at), str(args.budget), args.mnt, str(args.jobs)]
    t0 = time.monotonic()
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fault_at = None
    while first.poll() is None and time.monotonic() - t0 < args.timeout:
        n = sum(1 for _ in open(ledger)) if os.path.exists(ledger) else 0
        if fault_at is None and n >= args.at and args.mode != "fill-objective":
            fault_at = round(time.monotonic() - t0, 1)
            if args.mode == "fill-outside":
                subprocess.run(["dd", "if=/dev/zero", f"of={args.mnt}/filler.bin", "bs=64k"], capture_output=True)
            elif args.mode == "immutable":
                r = subprocess.run(["chattr", "+i", *glob.glob(os.path.join(args.mnt, "full.db*")), args.mnt],
                                   capture_output=True, text=True)
                fault_at = f"{fault_at} (chattr rc {r.returncode} {r.stderr.strip()[:80]})"
            else:
                r = subprocess.run(["mount", "-o", "remount,ro", args.mnt], capture_output=True, text=True)
                fault_at = f"{fault_at} (remount rc {r.returncode} {r.stderr.strip()[:80]})"
        time.sleep(0.05)
    hung = first.poll() is None
    if hung:
        first.kill()
    out, err = first.communicate()
    first_s = time.monotonic() - t0
    running_after_first = _copy_counts(args.mnt, side).get("RUNNING", 0)
    spooled = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    spooled_fallback = sorted(f"{d}/{n}" for d in fallback_dirs if os.path.isdir(d)
                              for n in set(os.listdir(d)) - before_fallback[d])
    if args.fallback == "full" and os.path.exists(f"{args.mnt2}/filler.bin"):
        os.remove(f"{args.mnt2}/filler.bin")
    # Space back.
    for f in ("filler.bin", "scratch.bin"):
        if os.path.exists(os.path.join(args.mnt, f)):
            os.remove(os.path.join(args.mnt, f))
    subprocess.run(["mount", "-o", "remount,rw", args.mnt], capture_output=True)
    subprocess.run(["chattr", "-i", *glob.glob(os.path.join(args.mnt, "full.db*")), args.mnt], capture_output=True)
    recovered = []
    if args.recover:
        import re

        # The log line of every worker that could not keep a result (the raised error names only one).
        for name, folder, record in re.findall(r"its spool record, to save as (\S+) in (\S+): (\{.*\})\n", err):
            target = os.path.join(folder, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as f:
                f.write(record)
            recovered.append(target)
    second = subprocess.run(cmd[:4] + ["none"] + cmd[5:], env=env, capture_output=True, text=True,
                            timeout=args.timeout)
    import tunewise as tw

    trials = tw.load_study(study_name="full", storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE]
    lost = [c for c in computed if c["x"] not in set(complete)]

    def tail(text: str, k: int) -> list[str]:
        return [ln[:400] for ln in text.splitlines() if ln.strip() and not ln.startswith("[I")][-k:]

    row = {
        "label": args.label, "mode": args.mode, "jobs": args.jobs, "spool_on_disk": args.spool_on_disk,
        "size": args.size, "at": args.at,
        "budget": args.budget, "fault_at_s": fault_at,
        "first_exit": None if hung else first.returncode, "hung": hung, "first_s": round(first_s, 1),
        "first_last_lines": tail(err, 8) + tail(out, 2),
        "running_after_first": running_after_first,
        "spooled_after_first": len(spooled), "fallback": args.fallback, "spooled_fallback": spooled_fallback,
        "fallback_left_at_end": sorted(f"{d}/{n}" for d in fallback_dirs if os.path.isdir(d)
                                       for n in set(os.listdir(d)) - before_fallback[d]),
        "recovered_by_hand": recovered,
        "second_exit": second.returncode, "second_last_lines": tail(second.stderr, 3) + tail(second.stdout, 1),
        "computed": len(computed),
        "lost": len(lost), "lost_numbers": [c["number"] for c in lost],
        "dup": len(complete) - len(set(complete)),
        "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "budget_diff": len(complete) - args.budget,
        "states": {s.name: n for s in tw.TrialState if (n := sum(t.state == s for t in trials))},
    }
    row["failed_trials"] = [(t.number, t.params, t.system_attrs.get("fail_reason", "")[:120],
                             t.system_attrs.get("fixed_params")) for t in trials if t.state == tw.TrialState.FAIL]
    row["retries"] = [(t.number, t.system_attrs.get("retried_from"), t.params) for t in trials
                      if t.system_attrs.get("retried_from") is not None]
    subprocess.run(["umount", args.mnt], capture_output=True)
    if args.fallback != "default":
        subprocess.run(["umount", args.mnt2], capture_output=True)
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
