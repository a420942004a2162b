"""A late result whose retry another worker has already started: how much of the rerun is computed,
when the objective asks ``should_prune()`` at each step but does not ``report()`` (session 25).

A copy of ``benchmarks/history/s24/faults_late_running_retry.py`` with one option: ``--mode
should_prune`` (the default here) calls ``trial.should_prune()`` at each step instead of ``report()``
(raising ``TrialPruned`` when it answers True); ``--mode report`` is s24's objective. The
rest is s24's harness:

Each repeat: ``create_study(max_trials=4)``, heartbeat 0.2 s, grace 0.8 s. The objective suggests
``x``, trains 10 steps of 0.15 s (``report`` at each step, which saves ``x``), then evaluates for
1 s without reporting and returns. Every step and evaluation is logged to a file.

Worker A (a process) runs ``optimize()``. Once A's first trial is in its evaluation, A is stopped
(SIGSTOP); after 2.5 s another process fails the stale trial (``fail_stale``: its retry is queued
WAITING with ``x``), and worker B starts and takes that retry. Once B has logged a step of the
retry, A is resumed (SIGCONT): it finishes its evaluation and reports late. Both then run on to
the end of the budget. Counts over the finished study:

- ``rerun_steps`` / ``rerun_evals``: steps and evaluations B computed for the retry of A's trial
  (a full rerun is 10 / 1); ``rerun_steps_after_late``: those logged after A's late result;
- ``wasted``: evaluations beyond one per parameter set;
- ``lost``: parameter sets evaluated with no COMPLETE trial; ``duplicated``: COMPLETE trials beyond
  one per parameter set; ``running`` / ``waiting``: trials left so; ``budget``: started trials
  minus started retries minus ``max_trials`` (0 = exact);
- ``b_rc``: B's exit code (0: its ``optimize()`` ended normally).

Usage: python faults_settled_retry_heartbeat.py --storage sqlite|postgresql [--repeats 3] [--mode should_prune|report]
(PYTHONPATH=<tree>/src for another tree). One JSON line per repeat.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import tunewise as tw
from tunewise.trial import TrialState

WORKER = r"""
import json, os, sys, time
import tunewise as tw
tw.logging.set_verbosity(tw.logging.ERROR)
name, url, log, who, mode = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
study = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.RandomSampler())
def note(**kw):
    with open(log, "a") as f:
        f.write(json.dumps({"who": who, "time": time.time(), **kw}) + "\n")
def objective(t):
    x = t.suggest_float("x", 0, 1)
    for step in range(10):
        time.sleep(0.15)
        note(x=x, number=t.number, step=step)
        if mode == "report":
            t.report(x * step, step)
        elif t.should_prune():
            note(x=x, number=t.number, phase="stopped")
            raise tw.TrialPruned()
    note(x=x, number=t.number, phase="eval")
    time.sleep(1.0)
    note(x=x, number=t.number, phase="told")
    return x
study.optimize(objective)
"""

REAPER = r"""
import sys
import tunewise as tw
from tunewise.storage._heartbeat import fail_stale
study = tw.load_study(study_name=sys.argv[1], storage=sys.argv[2])
print(len(fail_stale(study)))
"""


def entries(log: str) -> list[dict]:
    if not os.path.exists(log):
        return []
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_for(pred, timeout: float = 60.0) -> None:
    end = time.time() + timeout
    while not pred():
        if time.time() > end:
            raise SystemExit("timed out")
        time.sleep(0.02)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--mode", choices=["should_prune", "report"], default="should_prune")
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        tmp = tempfile.mkdtemp()
        url = f"sqlite:///{tmp}/late.db" if args.storage == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        name, log, max_trials = f"late-running-{uuid.uuid4().hex[:8]}", f"{tmp}/calls.jsonl", 4
        study = tw.create_study(
            study_name=name, storage=url, max_trials=max_trials, heartbeat_interval=0.2, grace_period=0.8
        )
        a = subprocess.Popen([sys.executable, "-c", WORKER, name, url, log, "A", args.mode])
        wait_for(lambda log=log: any(e.get("phase") == "eval" for e in entries(log)))
        a.send_signal(signal.SIGSTOP)
        stopped = next(e for e in entries(log) if e.get("phase") == "eval")
        time.sleep(2.5)
        reaper = subprocess.run([sys.executable, "-c", REAPER, name, url], capture_output=True, text=True)
        if reaper.returncode != 0:  # e.g. SQLite: A was stopped inside a write and holds the lock
            a.send_signal(signal.SIGCONT)
            a.wait(timeout=120)
            print(
                json.dumps(
                    {
                        "tree": tw.__file__,
                        "storage": args.storage,
                        "reaper_failed": reaper.stderr.strip().splitlines()[-1],
                    }
                ),
                flush=True,
            )
            continue
        b = subprocess.Popen([sys.executable, "-c", WORKER, name, url, log, "B", args.mode])
        wait_for(lambda log=log, stopped=stopped: any(e["who"] == "B" and e["x"] == stopped["x"] for e in entries(log)))
        resumed = time.time()
        a.send_signal(signal.SIGCONT)
        a_rc, b_rc = a.wait(timeout=120), b.wait(timeout=120)
        log_entries = entries(log)
        late = next(
            (
                e["time"]
                for e in log_entries
                if e["who"] == "A" and e.get("phase") == "told" and e["number"] == stopped["number"]
            ),
            None,
        )
        rerun = [e for e in log_entries if e["who"] == "B" and e["x"] == stopped["x"]]
        evals = collections.Counter(e["x"] for e in log_entries if e.get("phase") == "eval")
        trials = study.get_trials()
        done = collections.Counter(t.params.get("x") for t in trials if t.state == TrialState.COMPLETE)
        started = [t for t in trials if t.state != TrialState.WAITING]
        out = {
            "reaped": int(reaper.stdout.strip()),
            "a_rc": a_rc,
            "b_rc": b_rc,
            "resume_to_late_s": None if late is None else round(late - resumed, 2),
            "rerun_steps": sum("step" in e for e in rerun),
            "rerun_steps_after_late": sum("step" in e and late is not None and e["time"] > late for e in rerun),
            "rerun_evals": sum(e.get("phase") == "eval" for e in rerun),
            "wasted": sum(n - 1 for n in evals.values()),
            "lost": sum(x not in done for x in evals),
            "duplicated": sum(n - 1 for n in done.values() if n > 1),
            "running": sum(t.state == TrialState.RUNNING for t in trials),
            "waiting": sum(t.state == TrialState.WAITING for t in trials),
            "budget": len(started) - sum("retried_from" in t.system_attrs for t in started) - max_trials,
            "complete": sum(done.values()),
            "settled_running": sum("late_result_of" in t.system_attrs for t in trials),
            "b_stopped": sum(e.get("phase") == "stopped" for e in rerun),
            "pruned": sum(t.state == TrialState.PRUNED for t in trials),
        }
        print(json.dumps({"tree": tw.__file__, "storage": args.storage, "mode": args.mode, **out}), flush=True)


if __name__ == "__main__":
    main()
