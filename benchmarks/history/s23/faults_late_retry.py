"""A worker SIGSTOPped past the grace period: its trial is failed as stale by another process and a
retry is queued WAITING; the worker is then resumed (SIGCONT) and reports its result late.

Each repeat: ``create_study(max_trials=4)``, heartbeat 0.2 s, grace 0.8 s. Worker A (a process)
runs ``optimize()`` with a 1 s objective that logs every call (its parameters) to a file. Once
A's first trial runs, A is stopped (SIGSTOP) for 2.5 s; meanwhile another process fails the
stale trial (``fail_stale``: the retry is queued WAITING). A is resumed and runs on to the end
of the budget; then a worker B runs ``optimize()`` too. Counts over the finished study:

- ``wasted``: objective calls beyond one per parameter set (a rerun of the parameters whose late
  result had arrived);
- ``lost``: parameter sets that ran and have no COMPLETE trial;
- ``duplicated``: COMPLETE trials beyond one per parameter set;
- ``running`` / ``waiting``: trials left so; ``budget``: started trials minus started retries
  minus ``max_trials`` (0 = the budget is exact).

``--params saved`` (default): A's objective waits 0.5 s after suggesting, so a heartbeat has saved
the parameter and the retry reruns it; ``unsaved``: stopped at once, the retry has no parameters
(it samples anew) and A's late result is the only run of its parameter.

Usage: python faults_late_retry.py --storage sqlite|postgresql [--params saved|unsaved] [--repeats 3]
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
import json, sys, time
import tunewise as tw
tw.logging.set_verbosity(tw.logging.ERROR)
name, url, log, saved = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "saved"
study = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.RandomSampler())
def objective(t):
    x = t.suggest_float("x", 0, 1)
    if saved:
        time.sleep(0.5)  # a heartbeat saves the parameter before the stop: the retry reruns it
    with open(log, "a") as f:
        f.write(json.dumps({"x": x, "number": t.number}) + "\n")
    time.sleep(1.0)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--params", default="saved", choices=("saved", "unsaved"))
    args = ap.parse_args()
    tw.logging.set_verbosity(tw.logging.ERROR)
    for _ in range(args.repeats):
        tmp = tempfile.mkdtemp()
        url = f"sqlite:///{tmp}/late.db" if args.storage == "sqlite" else os.environ["TUNEWISE_TEST_POSTGRES_URL"]
        name, log, max_trials = f"late-retry-{uuid.uuid4().hex[:8]}", f"{tmp}/calls.jsonl", 4
        study = tw.create_study(
            study_name=name, storage=url, max_trials=max_trials, heartbeat_interval=0.2, grace_period=0.8
        )
        a = subprocess.Popen([sys.executable, "-c", WORKER, name, url, log, args.params])
        while not (os.path.exists(log) and os.path.getsize(log) > 0):
            time.sleep(0.02)
        a.send_signal(signal.SIGSTOP)
        time.sleep(2.5)
        reaper = subprocess.run([sys.executable, "-c", REAPER, name, url], capture_output=True, text=True)
        a.send_signal(signal.SIGCONT)
        if reaper.returncode != 0:  # e.g. SQLite: A was stopped inside a write and holds the lock
            assert a.wait(timeout=120) == 0
            error = reaper.stderr.strip().splitlines()[-1]
            print(
                json.dumps(
                    {"tree": tw.__file__, "storage": args.storage, "params": args.params, "reaper_failed": error}
                ),
                flush=True,
            )
            continue
        reaped = int(reaper.stdout.strip())
        assert a.wait(timeout=120) == 0
        b = subprocess.run([sys.executable, "-c", WORKER, name, url, log, args.params], timeout=120)
        assert b.returncode == 0
        calls = collections.Counter(json.loads(line)["x"] for line in open(log))
        trials = study.get_trials()
        done = collections.Counter(t.params.get("x") for t in trials if t.state == TrialState.COMPLETE)
        started = [t for t in trials if t.state != TrialState.WAITING]
        out = {
            "reaped": reaped,
            "calls": sum(calls.values()),
            "wasted": sum(n - 1 for n in calls.values()),
            "lost": sum(x not in done for x in calls),
            "duplicated": sum(n - 1 for n in done.values() if n > 1),
            "running": sum(t.state == TrialState.RUNNING for t in trials),
            "waiting": sum(t.state == TrialState.WAITING for t in trials),
            "budget": len(started) - sum("retried_from" in t.system_attrs for t in started) - max_trials,
            "complete": sum(done.values()),
            "late_results": sum("late_result" in t.system_attrs for t in trials),
        }
        print(json.dumps({"tree": tw.__file__, "storage": args.storage, "params": args.params, **out}), flush=True)


if __name__ == "__main__":
    main()
