"""Trials one after another in the calling process: what ``optimize(n_jobs=1)`` uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tunewise.execution._executor import Executor

if TYPE_CHECKING:
    from tunewise.execution._job import OptimizeJob


class SequentialExecutor(Executor):
    """Run trials one at a time in this process (the default, ``n_jobs=1``).

    The objective runs in the calling thread, so it may use anything the caller holds (a GPU
    context, open files, unpicklable objects); callbacks run right after each trial.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, executor=tw.SequentialExecutor())
    >>> len(study.trials)
    3
    """

    def run(self, job: OptimizeJob) -> None:
        while job.claim_slot():
            trial = job.run_trial()
            if trial is None:  # the search is exhausted
                job.release_slot()
                return
            job.trial_finished(trial)
