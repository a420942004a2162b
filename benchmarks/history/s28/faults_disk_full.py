"""Session 28, faults: the disk under a SQLite study fills up mid-run (ENOSPC), then is freed.

The study file lives on a tmpfs of ``--size`` (mounted by this script at ``--mnt``; root only);
one ``study.optimize`` process (heartbeat 0.5 s, grace 3 s, seeded RandomSampler) runs trials that
each store a ``--blob`` kB user attribute, so the file grows until the disk is full. Every result is
first appended to a ledger on another disk (fsynced). When the worker exits, the tmpfs is grown
(``mount -o remount,size=64m``: the operator freed space), and a second worker runs 3 trials (its
study opens the storage, which writes any spooled result). Counted: the first worker's exit code
and last line, results lost (ledger vs COMPLETE trials, by parameters), trials left RUNNING,
spooled files before/after.

    PYTHONPATH=<tree>/src nice -n 5 .venv/bin/python benchmarks/history/s28/faults_disk_full.py --label probe
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

WORKER = r"""
import json, os, sys, time
import tunewise as tw
url, ledger, blob, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
study = tw.create_study(study_name="full", storage=url, load_if_exists=True,
                        sampler=tw.samplers.RandomSampler(seed=int(time.time())),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    t.set_user_attr("blob", "b" * (blob * 1024))
    time.sleep(0.02)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x}) + "\n").encode()); os.fsync(fd); os.close(fd)
    return x
study.optimize(objective, n_trials=n)
print("worker done", len(study.trials), flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mnt", default="/tmp/s28f/small")
    ap.add_argument("--size", default="3m")
    ap.add_argument("--blob", type=int, default=20)
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--label", default="probe")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.makedirs(args.mnt, exist_ok=True)
    subprocess.run(["umount", args.mnt], capture_output=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.size}", "tmpfs", args.mnt], check=True)
    side = tempfile.mkdtemp(prefix="s28_disk_full_")
    ledger, spool = os.path.join(side, "ledger.jsonl"), os.path.join(side, "spool")
    env = dict(os.environ, TUNEWISE_SPOOL_DIR=spool)
    url = f"sqlite:///{args.mnt}/full.db"
    script = os.path.join(side, "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    t0 = time.monotonic()
    first = subprocess.run(
        [sys.executable, script, url, ledger, str(args.blob), str(args.trials)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    first_s = time.monotonic() - t0
    spooled_before = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    subprocess.run(["mount", "-o", "remount,size=64m", args.mnt], check=True)
    second = subprocess.run(
        [sys.executable, script, url, ledger, str(args.blob), "3"], env=env, capture_output=True, text=True, timeout=600
    )
    spooled_after = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    import tunewise as tw

    trials = tw.load_study(study_name="full", storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = {t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE}
    lost = [c for c in computed if c["x"] not in complete]
    tail = [ln for ln in first.stderr.splitlines() if ln.strip() and not ln.startswith("[I")][-6:]
    row = {
        "label": args.label,
        "size": args.size,
        "blob_kb": args.blob,
        "first_exit": first.returncode,
        "first_seconds": round(first_s, 1),
        "first_last_lines": tail,
        "computed": len(computed),
        "lost": len(lost),
        "lost_numbers": [c["number"] for c in lost],
        "running_left": [t.number for t in trials if t.state == tw.TrialState.RUNNING],
        "states": {s: sum(t.state.name == s for t in trials) for s in ("COMPLETE", "FAIL", "RUNNING", "WAITING")},
        "spooled_before": len(spooled_before),
        "spooled_after": len(spooled_after),
        "second_exit": second.returncode,
        "second_last_lines": [ln for ln in second.stderr.splitlines() if ln.strip() and not ln.startswith("[I")][-4:],
    }
    subprocess.run(["umount", args.mnt], capture_output=True)
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
