# ruff: noqa: E501  (a one-off harness, kept as it was run)
"""s29 attack: the system clock jumps (forward: NTP step, VM resumed; backward: NTP step, an
operator) under 2 `optimize()` worker processes on one SQLite study. Every process's time.time()
is shifted through faults_clock_sitecustomize.py; CLOCK_MONOTONIC is not.

  forward:  at 1/3 of the budget the clock moves +J s (J > grace): how many live trials are failed
            as stale (their work rerun), lost, duplicated, left RUNNING.
  backward: at 1/3 of the budget the clock moves -J s, then a worker is SIGKILLed mid-trial: how
            long until its trial is failed and retried (the heartbeat of a dead worker lies J s in
            the future), and whether the budget finishes.

    nice -n 10 .venv/bin/python benchmarks/history/s29/faults_clock_jump.py --mode forward --jump 60 --out X.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

WORKER = r"""
import os, sys, time
import tunewise as tw
url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
study = tw.load_study(name, url)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    with open(sys.argv[4] + ".start", "a") as f:
        f.write(f"{t.number} {os.getpid()}\n")
    time.sleep(1.0)
    with open(sys.argv[4], "a") as f:  # the ledger: every result computed, in any process
        f.write(f"{t.number} {x!r}\n")
    return x
study.optimize(objective, max_trials=n)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["forward", "backward"], required=True)
    ap.add_argument("--jump", type=float, default=60.0)
    ap.add_argument("--trials", type=int, default=24)
    ap.add_argument("--deadline", type=float, default=240.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--grace", type=float, default=3.0)
    a = ap.parse_args()
    import tunewise as tw

    tmp = tempfile.mkdtemp(prefix="tw-clock-")
    shutil.copy(os.path.join(HERE, "faults_clock_sitecustomize.py"), os.path.join(tmp, "sitecustomize.py"))
    clock = os.path.join(tmp, "clock")
    with open(clock, "w") as f:
        f.write("0")
    ledger = os.path.join(tmp, "ledger")
    url = f"sqlite:///{tmp}/study.db"
    tw.create_study(study_name="clock", storage=url, sampler=tw.samplers.RandomSampler(seed=0),
                    heartbeat_interval=a.interval, grace_period=a.grace, max_retries=3)
    env = dict(os.environ, FAULTS_CLOCK_FILE=clock,
               PYTHONPATH=os.pathsep.join([tmp, os.environ.get("PYTHONPATH", "")]))
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, "clock", str(a.trials), ledger], env=env)
             for _ in range(2)]
    study = tw.load_study("clock", url)
    t0 = time.monotonic()
    jumped_at = killed_at = recovered_at = None
    killed_trial = None
    while time.monotonic() - t0 < a.deadline and any(p.poll() is None for p in procs):
        trials = study.get_trials()
        done = sum(t.state == tw.TrialState.COMPLETE for t in trials)
        if jumped_at is None and done >= a.trials // 3 and (a.mode == "forward" or killed_at is not None):
            with open(clock, "w") as f:
                f.write(str(a.jump if a.mode == "forward" else -a.jump))
            jumped_at = time.monotonic()
        if a.mode == "backward" and killed_at is None and done >= a.trials // 3:
            finished = set()
            if os.path.exists(ledger):
                finished = {int(line.split()[0]) for line in open(ledger)}
            started = [line.split() for line in open(ledger + ".start")]
            live = [(int(n), int(pid)) for n, pid in started if int(n) not in finished]
            if live:
                killed_trial, pid = live[-1]
                os.kill(pid, signal.SIGKILL)
                killed_at = time.monotonic()
                time.sleep(0.5)  # it beat last 0-0.5 s ago; the clock steps back before its grace period ends
        if killed_trial is not None and recovered_at is None:
            t = next(t for t in trials if t.number == killed_trial)
            if t.state == tw.TrialState.FAILED:
                recovered_at = time.monotonic()
        time.sleep(0.2)
    stuck = [p.pid for p in procs if p.poll() is None]
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    trials = study.get_trials()
    computed: dict[int, int] = {}
    if os.path.exists(ledger):
        for line in open(ledger):
            n = int(line.split()[0])
            computed[n] = computed.get(n, 0) + 1
    complete = {t.number for t in trials if t.state == tw.TrialState.COMPLETE}
    stale = [t for t in trials if t.state == tw.TrialState.FAILED and str(t.system_attrs.get("fail_reason", "")).startswith("stale")]
    live_failed = [t for t in stale if t.number in computed]  # failed as stale though its worker computed it
    row = {
        "label": a.label, "mode": a.mode, "jump_s": a.jump, "interval": a.interval, "grace": a.grace, "max_trials": a.trials,
        "complete": len(complete), "budget": len(complete) - a.trials,
        "lost": sum(1 for n in computed if n not in complete and not any(
            t.number == n and "late_result" in t.system_attrs for t in trials)),
        "stale_failed": len(stale), "live_failed_as_stale": len(live_failed),
        "running_left": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "killed_trial": killed_trial,
        "kill_to_failed_s": None if recovered_at is None or killed_at is None else round(recovered_at - killed_at, 1),
        "workers_stuck_at_deadline": len(stuck), "wall_s": round(time.monotonic() - t0, 1),
        "exit_codes": [p.returncode for p in procs],
        "clock_skew_seen_s": round(max(t.datetime_start_ts or 0 for t in trials) - time.time(), 1),
    }
    print(json.dumps(row))
    if os.environ.get("FAULTS_DEBUG"):
        for t in trials:
            print(t.number, t.state.name, {k: v for k, v in t.system_attrs.items() if k in ("fail_reason", "retried_from", "late_result")})
    with open(a.out, "a") as f:
        f.write(json.dumps(row) + "\n")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
