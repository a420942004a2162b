"""s30 faults, case 1: a Dask worker that stops (SIGSTOP) after its task wrote its trial COMPLETE
but before the client got the task's result.

Two variants:
- ``unheard``: the client never heard the task's announcement of its trial either (the event is
  sent asynchronously; simulated by dropping it in the client). s29 left this open: the slot is
  given back when the worker is removed, the trial is not reported to callbacks, one more trial
  runs (budget +1).
- ``heard``: the announcement arrived. The announced trial is COMPLETE, so it never goes stale,
  and the worker was not checked for silence either.

The stopped worker's task is held in the worker right after the COMPLETE write (the objective wraps
its worker's ``storage.finish_trial``), then this process SIGSTOPs the worker.

    nice -n 10 .venv/bin/python benchmarks/history/s30/faults_dask_silent.py --variant unheard \
        --label before --out benchmarks/history/s30/faults_dask_silent.jsonl

Counts: lost (a COMPLETE trial the callbacks never saw), dup (a trial reported twice), budget
(trials this call started minus n_trials), RUNNING left.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

import tunewise as tw
from tunewise.execution import _dask

N_TRIALS = 6
STOP_AT = 2  # the trial number whose worker stops after writing it


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variant", choices=["unheard", "heard"], default="unheard")
    ap.add_argument("--deadline", type=float, default=90.0)
    ap.add_argument("--label", default="run")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    import distributed

    tmp = Path(tempfile.mkdtemp(prefix="tw_s30_silent_"))
    pid_file = tmp / "stopped.pid"
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    client = distributed.Client(cluster)
    _dask._MIN_WORKER_SILENCE = 5.0  # (the test's setting; 10 s by default)
    study = tw.create_study(storage=f"sqlite:///{tmp / 'tw.db'}", sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=0.2, grace_period=1.0, max_retries=1)

    if args.variant == "unheard":
        handle = _dask._DaskRun._handle

        def drop_announcement(self, kind, *item):
            if kind == "started" and study.storage.get_trial(item[0]["trial"]).number == STOP_AT:
                return  # the client never heard it
            return handle(self, kind, *item)

        _dask._DaskRun._handle = drop_announcement

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number == STOP_AT:
            storage = trial.study.storage
            finish = storage.finish_trial
            me = trial._trial_id

            def held_finish(trial_id, *a, **k):
                written = finish(trial_id, *a, **k)
                if trial_id == me:  # written COMPLETE; the task never returns
                    pid_file.write_text(str(os.getpid()))
                    time.sleep(600)
                return written

            storage.finish_trial = held_finish
        return x

    def watch():
        while not pid_file.exists():
            time.sleep(0.01)
        time.sleep(0.05)
        os.kill(int(pid_file.read_text()), signal.SIGSTOP)

    threading.Thread(target=watch, daemon=True).start()
    reported: list[int] = []
    done = threading.Event()
    errors: list[str] = []

    def run():
        try:
            study.optimize(objective, n_trials=N_TRIALS, executor=tw.DaskExecutor(client),
                           callbacks=[lambda s, t: reported.append(t.number)])
        except BaseException as e:  # noqa: BLE001 - reported
            errors.append(repr(e))
        done.set()

    t0 = time.monotonic()
    threading.Thread(target=run, daemon=True).start()
    returned = done.wait(args.deadline)
    wall = time.monotonic() - t0
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        except ProcessLookupError:
            pass
    trials = study.trials
    complete = [t.number for t in trials if t.state == tw.TrialState.COMPLETE]
    row = {
        "label": args.label,
        "variant": args.variant,
        "returned": returned,
        "wall_s": round(wall, 1),
        "n_trials": N_TRIALS,
        "trials": len(trials),
        "complete": len(complete),
        "reported": sorted(reported),
        "lost": len(set(complete) - set(reported)) if returned else None,
        "dup": len(reported) - len(set(reported)),
        "budget": len(trials) - N_TRIALS,
        "running": sum(t.state == tw.TrialState.RUNNING for t in trials),
        "errors": errors,
    }
    print(json.dumps(row))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")
    os._exit(0)  # the cluster holds a stopped worker: do not wait for its shutdown


if __name__ == "__main__":
    main()
