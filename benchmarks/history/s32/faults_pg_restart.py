"""s32 faults, case 4: the PostgreSQL server restarts (or stops for a while) under ``optimize(n_jobs=2)``.

Run on a cluster of one's own only (``pg_createcluster 15 faults32 -p 5434 --start``; this script
calls ``pg_ctlcluster 15 <--cluster> restart|stop|start``): never on a shared server.

One process runs ``optimize(n_jobs=2)`` on a study with a stored budget (``max_trials``,
heartbeat 0.5 s, grace 3 s, 2 retries, the storage's retry window ``--retry-seconds``); every
objective appends its result to a ledger (fsynced) before returning. After ``--at`` results the
server is restarted (``--mode restart``, fast shutdown: every connection is cut) or stopped for
``--down`` seconds and started again (``--mode stop``). If the optimize process exits non-zero it
is started again (as a supervisor would) until the budget is done. Counts: lost (a ledger result
whose parameters no COMPLETE trial has), dup, RUNNING at the end, budget (COMPLETE - max_trials).

    nice -n 19 .venv/bin/python benchmarks/history/s32/faults_pg_restart.py --pg-url URL --mode restart|stop \
        [--down 8] --label ... --out benchmarks/history/s32/faults_pg_restart.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid

WORKER = r"""
import json, os, sys, time
import tunewise as tw
from tunewise.storage import SQLStorage
url, ledger, budget, name, retry = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
study = tw.create_study(study_name=name, storage=SQLStorage(url, retry_seconds=retry), load_if_exists=True,
                        max_trials=budget, sampler=tw.samplers.RandomSampler(seed=os.getpid()),
                        heartbeat_interval=0.5, grace_period=3.0, max_retries=2)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    time.sleep(0.1)
    fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, (json.dumps({"number": t.number, "x": x, "pid": os.getpid()}) + "\n").encode()); os.fsync(fd)
    os.close(fd)
    return x
study.optimize(objective, n_jobs=2)
print("worker done", flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--cluster", default="faults32")
    ap.add_argument("--mode", choices=["restart", "stop"], default="restart")
    ap.add_argument("--down", type=float, default=8.0)
    ap.add_argument("--retry-seconds", type=float, default=30.0)
    ap.add_argument("--at", type=int, default=15)
    ap.add_argument("--budget", type=int, default=60)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    d = tempfile.mkdtemp(prefix="faults32_pgrestart_")
    ledger = os.path.join(d, "ledger.jsonl")
    name = f"restart-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, TUNEWISE_SPOOL_DIR=os.path.join(d, "spool"))
    script = os.path.join(d, "worker.py")
    with open(script, "w") as f:
        f.write(WORKER)
    cmd = [sys.executable, script, args.pg_url, ledger, str(args.budget), name, str(args.retry_seconds)]
    log = open(os.path.join(d, "w.log"), "a")
    w = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    exits: list[int] = []
    t0 = time.monotonic()
    fault_at = None
    ctl: list[str] = []
    while time.monotonic() - t0 < args.timeout:
        n = sum(1 for _ in open(ledger)) if os.path.exists(ledger) else 0
        if fault_at is None and n >= args.at:
            fault_at = round(time.monotonic() - t0, 1)
            if args.mode == "restart":
                r = subprocess.run(["pg_ctlcluster", "15", args.cluster, "restart", "-m", "fast"],
                                   capture_output=True, text=True)
                ctl.append(f"restart rc {r.returncode} {r.stderr.strip()[:100]}")
            else:
                r = subprocess.run(["pg_ctlcluster", "15", args.cluster, "stop", "-m", "fast"],
                                   capture_output=True, text=True)
                ctl.append(f"stop rc {r.returncode} {r.stderr.strip()[:100]}")
                time.sleep(args.down)
                r = subprocess.run(["pg_ctlcluster", "15", args.cluster, "start"], capture_output=True, text=True)
                ctl.append(f"start rc {r.returncode} {r.stderr.strip()[:100]}")
        rc = w.poll()
        if rc is not None:
            if rc == 0:
                break
            exits.append(rc)
            time.sleep(1.0)
            w = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
        time.sleep(0.05)
    hung = w.poll() is None
    if hung:
        w.kill()
    log.close()
    import tunewise as tw

    trials = tw.load_study(study_name=name, storage=args.pg_url).trials
    with open(ledger) as f:
        computed = [json.loads(line) for line in f if line.strip()]
    complete = [t.params.get("x") for t in trials if t.state == tw.TrialState.COMPLETE]
    lost = [c for c in computed if c["x"] not in set(complete)]
    with open(os.path.join(d, "w.log")) as f:
        lines = [ln.strip()[:300] for ln in f if ("Error" in ln or "[W" in ln or "[E" in ln)]
    row = {
        "label": args.label, "mode": args.mode, "down_s": args.down if args.mode == "stop" else None,
        "retry_seconds": args.retry_seconds, "at": args.at, "budget": args.budget, "fault_at_s": fault_at,
        "ctl": ctl, "worker_exits_nonzero": exits, "hung": hung, "seconds": round(time.monotonic() - t0, 1),
        "computed": len(computed), "lost": len(lost), "lost_numbers": [c["number"] for c in lost],
        "dup": len(complete) - len(set(complete)),
        "running_end": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "budget_diff": len(complete) - args.budget,
        "states": {s.name: n for s in tw.TrialState if (n := sum(t.state == s for t in trials))},
        "failed": [(t.number, str(t.system_attrs.get("fail_reason", ""))[:100]) for t in trials
                   if t.state == tw.TrialState.FAIL],
        "log_lines": lines[:10], "n_log_lines": len(lines),
    }
    tw.delete_study(study_name=name, storage=args.pg_url)
    line = json.dumps(row)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    main()
