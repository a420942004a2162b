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
        resources = job.resources
        if resources is None:
            self._run(job)
            return
        # resources=: this process's environment names the trials' devices (and thread count)
        # for the run; CUDA takes it only if this process has not touched the GPU yet.
        from tunewise.execution._resources import LEDGER, check_devices, devices_in_this_process, visible_devices

        lease = None
        if resources.gpu:
            devices = visible_devices()
            check_devices(resources, devices)
            lease = LEDGER.acquire(devices, resources.gpu, give_up=lambda: not job.work_remains())
            if lease is None:
                return
        try:
            with devices_in_this_process(lease, resources.cpu):
                self._run(job)
        finally:
            if lease is not None:
                lease.release()

    def _run(self, job: OptimizeJob) -> None:
        while job.claim_slot():
            trial = job.run_trial()
            if trial is None:  # the search is exhausted
                job.release_slot()
                return
            job.trial_finished(trial)
