"""Several worker processes share one SQLite study; a worker killed mid-trial is recovered.

Run from the repository root:  .venv/bin/python examples/storage_workers_recovery.py

What it shows:
- ``storage="sqlite:///..."`` lets independent processes (here 2 workers started with
  subprocess; on PostgreSQL they could be on different machines) join one study by name.
- ``heartbeat_interval``/``grace_period``/``max_retries``: the study remembers its recovery policy;
  a worker killed with SIGKILL in the middle of a trial leaves a RUNNING trial whose heartbeat
  stops, the next worker to ask marks it FAILED ("stale") and re-runs the same parameters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import tunewise as tw

OUT = os.path.join("out", "storage_workers")
os.makedirs(OUT, exist_ok=True)
DB = os.path.join(OUT, "study.db")
URL = f"sqlite:///{DB}"

WORKER = r"""
import sys, time
import tunewise as tw

def objective(trial):
    x = trial.suggest_float("x", -3, 3)
    y = trial.suggest_int("y", -2, 2)
    if trial.number == 4 and sys.argv[2] == "doomed":
        print("doomed worker is inside trial 4", flush=True)
        time.sleep(600)                      # killed here
    time.sleep(0.05)
    return (x - 1) ** 2 + y * y

study = tw.load_study("recovery-demo", sys.argv[1], sampler=tw.samplers.RandomSampler(seed=len(sys.argv[2])))
study.optimize(objective, n_trials=int(sys.argv[3]))
"""


def spawn(role: str, n_trials: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.path.join(os.getcwd(), "src"))
    return subprocess.Popen([sys.executable, "-c", WORKER, URL, role, str(n_trials)], env=env,
                            stdout=subprocess.PIPE, text=True)


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(DB + suffix):
            os.remove(DB + suffix)
    tw.create_study(name="recovery-demo", storage=URL, direction="minimize",
                    heartbeat_interval=0.5, grace_period=2.0, max_retries=1)

    doomed = spawn("doomed", 50)
    assert doomed.stdout is not None
    print(doomed.stdout.readline().strip())
    time.sleep(1.0)                          # it runs a while (its heartbeats save the params) ...
    doomed.send_signal(signal.SIGKILL)       # like an OOM kill or a lost machine
    doomed.wait()
    print("killed it; trial 4 is left RUNNING with no heartbeat")

    time.sleep(2.5)                          # longer than the grace period
    healthy = [spawn("healthy-a", 10), spawn("healthy-b", 10)]
    for p in healthy:
        p.wait()

    study = tw.load_study("recovery-demo", URL)
    trials = study.trials
    print(f"\n{len(trials)} trials, numbers 0..{trials[-1].number} (dense, no duplicates)")
    for t in trials:
        if t.state != tw.TrialState.COMPLETE or "retried_from" in t.system_attrs:
            note = t.system_attrs.get("fail_reason") or f"retry of trial {t.system_attrs.get('retried_from')}"
            print(f"  trial {t.number}: {t.state.value:8s} params={t.params}  ({note})")
    print(f"best value {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
