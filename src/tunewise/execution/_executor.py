"""The executor interface: where the trials of an ``optimize()`` call run."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.execution._job import OptimizeJob

__all__ = ["Executor", "resolve_executor"]


class Executor(abc.ABC):
    """Where the trials of a ``study.optimize()`` call run: in this process, in worker
    processes, on a cluster.

    ``study.optimize(objective, executor=...)`` calls :meth:`run` once, with the
    :class:`~tunewise.execution.OptimizeJob` of that call. An executor decides *where* trials
    run, never *what* a trial does: it claims a slot per trial, runs trials through the job (or
    the job's :meth:`~tunewise.execution.OptimizeJob.remote` half in another process) and hands
    every finished trial back to the job. ``tunewise.testing.executor`` checks an
    implementation: exact trial counts, the study-wide budget, errors, lost workers, Ctrl-C.

    The built-in ones: :class:`SequentialExecutor` (``n_jobs=1``), :class:`ProcessExecutor`
    (``n_jobs=k``), :class:`DaskExecutor` and :class:`RayExecutor`. A minimal executor that runs trials here:

    >>> import tunewise as tw
    >>> class PrintingExecutor(tw.Executor):
    ...     def run(self, job):
    ...         while job.claim_slot():
    ...             trial = job.run_trial()
    ...             if trial is None:  # the search is exhausted
    ...                 return
    ...             print(f"trial {trial.number}: {trial.state.value}")
    ...             job.trial_finished(trial)
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, executor=PrintingExecutor())
    trial 0: COMPLETE
    trial 1: COMPLETE
    """

    @abc.abstractmethod
    def run(self, job: OptimizeJob) -> None:
        """Run the job's trials; return when no slot is left (or raise what stopped the run).

        Every trial started must be finished when ``run`` returns or raises: COMPLETE, PRUNED
        or FAILED, none left RUNNING (a lost worker's trial via ``job.fail_lost_trial``). An
        objective's exception that is not in ``job.catch`` ends the run and propagates, as do
        KeyboardInterrupt and an exception raised by a callback.
        """

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def resolve_executor(executor: Any, n_jobs: int) -> Executor:
    """The executor ``optimize(n_jobs=..., executor=...)`` runs with; a clear error for anything else."""
    from tunewise.execution._local import ProcessExecutor
    from tunewise.execution._sequential import SequentialExecutor

    if executor is None:
        return SequentialExecutor() if n_jobs == 1 else ProcessExecutor(n_jobs)
    if n_jobs != 1:
        raise ValueError("pass n_jobs or executor, not both: the executor decides where trials run")
    if isinstance(executor, Executor):
        return executor
    valid = ("tw.SequentialExecutor(), tw.ProcessExecutor(n_jobs), tw.DaskExecutor(client), tw.RayExecutor(), "
             "or an instance of your own subclass of tw.Executor")
    if isinstance(executor, type) and issubclass(executor, Executor):
        raise TypeError(f"executor must be an instance, got the class {executor.__name__}: "
                        f"pass executor={executor.__name__}(...)")
    module = type(executor).__module__ or ""
    if module.split(".")[0] == "distributed":
        hint = "; to run trials on a Dask cluster, wrap its client: executor=tw.DaskExecutor(client)"
    elif module.split(".")[0] == "ray":
        hint = "; to run trials on a Ray cluster, use executor=tw.RayExecutor(address)"
    elif module.split(".")[0] == "concurrent":
        hint = "; to run trials in local processes, use n_jobs=k or executor=tw.ProcessExecutor(k)"
    else:
        hint = ""
    raise TypeError(f"executor must be a tunewise Executor ({valid}), got {executor!r}{hint}")
