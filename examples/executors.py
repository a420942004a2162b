"""Where trials run: one study, three executors, one of them written here.

Run from the repository root:  .venv/bin/python examples/executors.py

What it shows:
- ``optimize(executor=...)`` decides where trials run; the study, its sampler and its storage
  do not change. ``tw.SequentialExecutor()`` is what ``n_jobs=1`` uses, ``tw.ProcessExecutor(2)``
  what ``n_jobs=2`` uses; ``tw.DaskExecutor(client)`` runs them on a Dask cluster
  (examples/dask_cluster.py).
- An executor of your own (an adapter for Ray, a batch system, ...) subclasses ``tw.Executor``
  and implements ``run(job)``: claim a slot per trial, ship ``job.remote()`` to where trials
  run, open it there and run trials, and hand each finished trial back with
  ``job.trial_finished``. It never runs the loop itself: ask, objective, tell, retries and the
  study-wide budget stay with the study. ``PoolExecutor`` below uses a ``concurrent.futures``
  process pool as its engine.
- ``tunewise.testing.executor`` checks such an executor under pytest (exact counts, the budget,
  errors, Ctrl-C, killed workers): see tests/core/test_executors.py.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import tunewise as tw
from tunewise.execution import OptimizeJob, RemoteJob, TrialRunner


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_int("y", -5, 5)
    return (x - 1.5) ** 2 + (y + 2) ** 2


_runners: dict[str, TrialRunner] = {}  # in each pool process: the runner of each optimize() call


def _run_one(job: RemoteJob, index: int) -> tw.FrozenTrial | None:
    """In a pool process: one trial of the call (None: the search is exhausted)."""
    runner = _runners.get(job.call_id)
    if runner is None:  # opened once per process and call: the storage, a sampler of its own
        runner = _runners[job.call_id] = job.open(worker=index)
    return runner.run_trial()


class PoolExecutor(tw.Executor):
    """Trials as tasks of a process pool, at most ``width`` at a time."""

    def __init__(self, pool: ProcessPoolExecutor, width: int) -> None:
        self.pool, self.width = pool, width

    def run(self, job: OptimizeJob) -> None:
        remote = job.remote()  # picklable: the objective, sampler, scheduler and storage URL
        pending: set[Future[tw.FrozenTrial | None]] = set()
        submitted, exhausted = 0, False
        while True:
            while not exhausted and len(pending) < self.width and job.claim_slot():
                pending.add(self.pool.submit(_run_one, remote, submitted))
                submitted += 1
            if not pending:
                return
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                trial = future.result()  # an objective's error (not in catch) propagates here
                if trial is None:
                    job.release_slot()
                    exhausted = True
                else:
                    job.trial_finished(trial)  # progress bar and callbacks, in this process


if __name__ == "__main__":
    url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'executors.db')}"
    study = tw.create_study(name="executors", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    ran: list[str] = []

    def note(where: str) -> Callable[[tw.Study, tw.FrozenTrial], None]:
        return lambda _study, trial: ran.append(where)

    study.optimize(objective, n_trials=8, executor=tw.SequentialExecutor(), callbacks=[note("here")])
    study.optimize(objective, n_trials=8, executor=tw.ProcessExecutor(2), callbacks=[note("worker processes")])
    # Fresh interpreters, not forks of this process (which runs threads, such as the heartbeats').
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        study.optimize(objective, n_trials=8, executor=PoolExecutor(pool, width=2), callbacks=[note("a pool")])
        # The study-wide budget holds for any executor: the loop checks it when a trial starts.
        study.optimize(objective, n_trials=100, max_trials=30, executor=PoolExecutor(pool, width=2))
    assert len(study.trials) == 30 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    for where in dict.fromkeys(ran):
        print(f"{ran.count(where)} trials ran in {where}")
    print(f"{len(study.trials)} trials in all; best {study.best_value:.3f} at {study.best_params}")
