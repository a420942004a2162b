"""An ask-and-tell worker loop that finishes a grid, including the retry of a trial whose worker died.

Run from the repository root:  .venv/bin/python examples/ask_tell_worker_retries.py

What it shows:
- Workers of your own (a job array, a queue consumer) share one SQLite study and run trials with
  ``study.ask()`` / ``study.tell()``. The study's heartbeats (``heartbeat_interval``,
  ``grace_period``, ``max_retries``) let a live worker tell a dead worker's trial from a slow one.
- Once the sampler has nothing left (``ask()`` raises ``SearchExhausted``: the grid ran through), a
  worker calls ``study.await_retry(timeout)``: it waits while other workers' trials run, fails a
  trial whose worker stopped beating (queueing its retry) and returns True when a retry waits;
  ``study.ask_retry()`` starts that retry only. ``optimize()`` does the same at the end of its search.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import tunewise as tw
from tunewise.exceptions import SearchExhausted

GRID = {"lr": [1e-3, 1e-2, 1e-1], "layers": [1, 2]}

# A worker that takes a grid point and dies before it tells (an OOM kill, a lost machine).
DOOMED_WORKER = r"""
import json, os, sys
import tunewise as tw
study = tw.load_study("retries-demo", sys.argv[1], sampler=tw.samplers.GridSampler(json.loads(sys.argv[2])))
trial = study.ask()
trial.suggest_float("lr", 1e-3, 1e-1, log=True), trial.suggest_int("layers", 1, 2)
print(f"another worker took trial {trial.number} {trial.params} and died", flush=True)
os._exit(137)  # no tell, no more heartbeats: the trial stays RUNNING
"""


def train(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 2)
    return (lr - 1e-2) ** 2 * 1e4 + 0.1 * layers  # stand-in for a validation loss


def run_one(study: tw.Study, trial: tw.Trial) -> None:
    study.tell(trial, train(trial))
    retry = trial.system_attrs.get("retried_from")
    print(f"  trial {trial.number} {trial.params}" + ("" if retry is None else f" (retry of trial {retry})"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'study.db')}"
        study = tw.create_study(
            name="retries-demo",
            storage=url,
            sampler=tw.samplers.GridSampler(GRID),
            heartbeat_interval=0.25,
            grace_period=1.0,
            max_retries=1,
        )
        env = dict(os.environ, PYTHONPATH=os.path.join(os.getcwd(), "src"))
        subprocess.run([sys.executable, "-c", DOOMED_WORKER, url, json.dumps(GRID)], env=env, timeout=120)

        print("this worker's loop:")
        while True:  # the search: new trials until the grid has run through
            try:
                trial = study.ask()
            except SearchExhausted:
                break
            run_one(study, trial)
        # The grid ran through, but the dead worker's point never ran. Wait for the other workers'
        # trials (at most 60 s): a dead one is failed after its grace period and its retry queued.
        while study.await_retry(timeout=60.0):
            try:
                trial = study.ask_retry()
            except SearchExhausted:  # another worker started the retry first
                continue
            run_one(study, trial)

        states = [t.state for t in study.trials]
        done = {tuple(t.params.values()) for t in study.trials if t.state == tw.TrialState.COMPLETE}
        print(
            f"{len(states)} trials: {states.count(tw.TrialState.COMPLETE)} COMPLETE, "
            f"{states.count(tw.TrialState.FAIL)} FAILED (the dead worker's), none RUNNING"
        )
        print(f"best {study.best_params} -> {study.best_value:.3f}")
        assert tw.TrialState.RUNNING not in states and len(done) == 6  # every grid point ran once


if __name__ == "__main__":
    main()
