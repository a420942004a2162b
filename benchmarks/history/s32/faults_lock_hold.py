"""s32 faults, case 4: a process SIGSTOPped while it holds a SQLite study's write lock.

Two worker processes run ``optimize()`` on a SQLite study with a stored budget (``max_trials``,
heartbeat 0.5 s, grace 3 s, 2 retries); every objective appends its result to a ledger (fsynced)
before returning. After ``--at`` results a third process takes the file's write lock
(``BEGIN IMMEDIATE``, as a writer in the middle of its transaction) and is SIGSTOPped for
``--hold`` seconds, longer than the workers' lock timeout (and, with a long hold, than their
retry window), then SIGCONTed and it commits. A worker that exits non-zero is restarted (once per
exit, as a supervisor would) until the budget is done. Counts: lost (a ledger result whose
parameters no COMPLETE trial has), dup (COMPLETE trials with the same parameters), RUNNING at the
end, budget (COMPLETE - max_trials), and what the workers printed.

    nice -n 19 .venv/bin/python benchmarks/history/s32/faults_lock_hold.py --hold 8|40 --label ... \
        --out benchmarks/history/s32/faults_lock_hold.jsonl
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

WORKER = r"""
import json, os, sys, time
import tunewise as tw
url, ledger, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.create_study(study_name="s", storage=url, load_if_exists=True, max_trials=budget,
                        sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.1)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x, "pid": os.getpid()}) + "\n").encode()); os.fsync(fd)
    os.close(fd)
    return x
study.optimize(objective)
print("worker done", flush=True)
"""
HOLDER = r"""
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
con.execute("BEGIN IMMEDIATE")
con.execute("UPDATE tunewise_studies SET name = name")
print("HOLDING", flush=True)
time.sleep(3600)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hold", type=float, default=8.0)
    ap.add_argument("--at", type=int, default=10)
    ap.add_argument("--budget", type=int, default=40)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    d = tempfile.mkdtemp(prefix="faults32_lock_")
    path, ledger = os.path.join(d, "s.db"), os.path.join(d, "ledger.jsonl")
    url = f"sqlite:///{path}"
    env = dict(os.environ, TUNEWISE_SPOOL_DIR=os.path.join(d, "spool"))
    script = os.path.join(d, "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    cmd = [sys.executable, script, url, ledger, str(args.budget)]
    subprocess.run(cmd[:3] + [ledger + ".setup", "0"], env=env, capture_output=True)  # the schema, the study
    logs = [open(os.path.join(d, f"w{i}.log"), "a") for i in range(2)]
    workers = [subprocess.Popen(cmd, env=env, stdout=logs[i], stderr=logs[i]) for i in range(2)]
    exits: list[list[int]] = [[], []]
    t0 = time.monotonic()
    holder = None
    held_at = released_at = None
    while time.monotonic() - t0 < args.timeout:
        n = sum(1 for _ in open(ledger)) if os.path.exists(ledger) else 0
        if holder is None and n >= args.at:
            holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdout=subprocess.PIPE, text=True)
            assert holder.stdout is not None
            holder.stdout.readline()
            holder.send_signal(signal.SIGSTOP)
            held_at = time.monotonic()
        if held_at is not None and released_at is None and time.monotonic() - held_at >= args.hold:
            holder.send_signal(signal.SIGCONT)
            holder.kill()  # its transaction is rolled back: the lock is let go
            holder.wait()
            released_at = time.monotonic()
        for i, w in enumerate(workers):
            rc = w.poll()
            if rc is not None and rc != 0:
                exits[i].append(rc)
                workers[i] = subprocess.Popen(cmd, env=env, stdout=logs[i], stderr=logs[i])
        if all(w.poll() == 0 for w in workers) and released_at is not None:
            break
        time.sleep(0.05)
    hung = [w.poll() is None for w in workers]
    for w in workers:
        if w.poll() is None:
            w.kill()
    import tunewise as tw

    trials = tw.load_study(study_name="s", storage=url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE]
    lost = [c for c in computed if c["x"] not in set(complete)]
    for lg in logs:
        lg.close()
    lines = []
    for i in range(2):
        with open(os.path.join(d, f"w{i}.log")) as f:
            lines += [ln.strip()[:300] for ln in f if ("Error" in ln or "[W" in ln or "[E" in ln)]
    row = {
        "label": args.label, "hold_s": args.hold, "at": args.at, "budget": args.budget,
        "worker_exits_nonzero": exits, "hung": hung, "seconds": round(time.monotonic() - t0, 1),
        "computed": len(computed), "lost": len(lost), "lost_numbers": [c["number"] for c in lost],
        "dup": len(complete) - len(set(complete)),
        "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "budget_diff": len(complete) - args.budget,
        "states": {s.name: n for s in tw.TrialState if (n := sum(t.state == s for t in trials))},
        "failed": [(t.number, str(t.system_attrs.get("fail_reason", ""))[:100]) for t in trials
                   if t.state == tw.TrialState.FAIL],
        "log_lines": lines[:12],
    }
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
