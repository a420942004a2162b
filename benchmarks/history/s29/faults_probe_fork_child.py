"""s29 probe: an objective forks a child (os.fork: a data loader, a helper) that outlives its trial and
exits normally later (sys.exit: atexit handlers run in the child), or lingers past optimize().
Counts trials per state, RUNNING left, trials failed as stale or detached, errors; in-process and
n_jobs=2, on SQLite with heartbeats (0.3 s, grace 1.5 s).

    CHILD_SLEEP=2.5 .venv/bin/python benchmarks/history/s29/faults_probe_fork_child.py  # child exits after
    CHILD_SLEEP=0 .venv/bin/python benchmarks/history/s29/faults_probe_fork_child.py  # child exits during
"""

from __future__ import annotations

import collections
import os
import sys
import tempfile
import time

import tunewise as tw

CHILD_SLEEP = float(os.environ.get("CHILD_SLEEP", "2.5"))
MAIN = os.getpid()


def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    pid = os.fork()
    if pid == 0:  # the child outlives the trial (or not), then exits as a normal Python process does
        time.sleep(CHILD_SLEEP)
        sys.exit(0)  # SystemExit: raised inside the objective, in the child
    time.sleep(0.3)
    return x


def run(n_jobs: int) -> None:
    d = tempfile.mkdtemp()
    url = f"sqlite:///{d}/f.db"
    study = tw.create_study(storage=url, sampler=tw.samplers.RandomSampler(seed=0), heartbeat_interval=0.3,
                            grace_period=1.5, max_retries=1)
    err = None
    try:
        study.optimize(objective, n_trials=8, n_jobs=n_jobs)
    except BaseException as e:  # noqa: BLE001
        err = f"{type(e).__name__}: {str(e)[:200]}"
    if os.getpid() != MAIN:
        os._exit(0)  # a forked child that came back out of optimize(): the probe's results are the parent's
    time.sleep(4.0)  # every child has exited (and run its atexit handlers)
    trials = tw.load_study(study.study_name, url).trials
    states = collections.Counter(t.state.name for t in trials)
    reasons = collections.Counter(str(t.system_attrs.get("fail_reason")) for t in trials if t.state.name == "FAIL")
    detached = sum(1 for t in trials if t.state.name == "RUNNING" and t.heartbeat_ts is None)
    print(f"n_jobs={n_jobs}: states={dict(states)} failed_reasons={dict(reasons)} detached_running={detached} "
          f"error={err}", flush=True)


if __name__ == "__main__":
    run(1)
    run(2)
