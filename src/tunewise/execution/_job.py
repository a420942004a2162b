"""One ``optimize()`` call as an executor sees it: what to run, the budget, and the loop's hooks.

Executors decide *where* trials run, never *what* a trial does. The loop (ask the sampler, run
the objective, tell the result, retries, heartbeats) stays in :class:`~tunewise.study.Study`;
an executor reaches it only through the objects here:

- :class:`OptimizeJob`, in the calling process: claim a trial slot (``n_trials``, ``timeout``
  and ``study.stop()`` are decided here, for every worker alike), run a trial in this process,
  hand a finished trial to the progress bar and callbacks, fail the trial of a lost worker;
- :class:`RemoteJob`, its picklable half for other processes (workers, cluster tasks);
- :class:`TrialRunner`, what ``RemoteJob.open()`` returns in a worker: it runs trials there.

This module is the only one under ``tunewise.execution`` that calls the study's executor hooks
(``Study._run_trial``, ``Study._worker_options``, ``Study._apply_worker_options``).
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tunewise import _decisions
from tunewise.exceptions import MaxTrialsReached, SearchExhausted
from tunewise.study import Study
from tunewise.trial import FrozenTrial, Trial, TrialState

_log = logging.getLogger("tunewise")

_cache_lock = threading.Lock()
# (storage URL, study name, worker process, thread) -> (the optimize() call it was built for, runner)
_runner_cache: dict[tuple[str | None, str, int, int], tuple[str, TrialRunner]] = {}

if TYPE_CHECKING:
    from tunewise.execution._resources import TrialResources
    from tunewise.samplers import Sampler
    from tunewise.schedulers import Scheduler
    from tunewise.storage import BaseStorage
    from tunewise.study import Callback, ObjectiveFunc

__all__ = ["OptimizeJob", "RemoteJob", "TrialRunner"]

#: The system attribute naming the executor's task that ran a trial (``TrialRunner.run_trial(task=...)``).
TASK_ATTR = "executor_task"


class OptimizeJob:
    """The trials one ``study.optimize()`` call asks for, handed to its executor's ``run``.

    Created by :meth:`Study.optimize <tunewise.Study.optimize>`; an executor never builds one.
    Its slot methods are thread-safe (a coordinator may serve many workers from threads).

    An executor's ``run(job)`` claims a slot before each trial it starts (:meth:`claim_slot`),
    runs the trial in this process (:meth:`run_trial`) or ships :meth:`remote` to a worker,
    and passes every finished trial to :meth:`trial_finished`, in this process. A slot whose
    trial never ran (a worker lost before it started one) goes back with :meth:`release_slot`.
    """

    def __init__(self, study: Study, objective: ObjectiveFunc, catch: tuple[type[BaseException], ...],
                 n_trials: int | None, deadline: float | None, callbacks: list[Callback], progress: Any,
                 resources: Mapping[str, Any] | None = None) -> None:
        from tunewise.execution._resources import ResourceObjective, parse_resources

        self.study = study
        #: What each trial asks for (``optimize(resources=...)``): executors give each worker its
        #: devices and CPU threads from it; None when the call asked for nothing.
        self.resources: TrialResources | None = parse_resources(resources)
        if self.resources is not None:
            objective = ResourceObjective(objective, self.resources)  # records the trial's devices
        self.objective = objective
        self.catch = catch
        self.n_trials = n_trials  # trials this call runs (None: no limit)
        self.deadline = deadline  # time.monotonic() after which no trial starts (None: no limit)
        self._callbacks = callbacks
        self._progress = progress
        self._lock = threading.Lock()
        self._claimed = 0

    # ---- the budget of this call -----------------------------------------------------------
    @property
    def stop_requested(self) -> bool:
        """True once ``study.stop()`` was called (a callback asked the run to end)."""
        return self.study._stop_requested

    def _open(self) -> bool:
        if self.study._stop_requested:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        return self.n_trials is None or self._claimed < self.n_trials

    def claim_slot(self) -> bool:
        """Claim the right to start one more trial of this call. False once ``n_trials`` slots
        are claimed, the timeout has passed or ``study.stop()`` was called: start no trial then.
        (The study-wide ``max_trials`` is enforced by the loop itself, atomically in the storage.)"""
        with self._lock:
            if not self._open():
                return False
            self._claimed += 1
            return True

    def release_slot(self) -> None:
        """Give back a claimed slot whose trial did not run to the end (its worker was lost, or
        the search was exhausted), so that ``n_trials`` is still met."""
        with self._lock:
            self._claimed -= 1

    def work_remains(self) -> bool:
        """Whether :meth:`claim_slot` would succeed now (nothing is claimed)."""
        with self._lock:
            return self._open()

    # ---- trials ----------------------------------------------------------------------------
    def run_trial(self) -> FrozenTrial | None:
        """Run one trial in this process (ask, objective, tell) and return it finished.

        None when the search is exhausted (the sampler has nothing left, or the study-wide
        ``max_trials`` is used up): start no more trials. An exception of the objective that
        is not in ``catch`` propagates after the trial was recorded FAILED, as does
        KeyboardInterrupt (Ctrl-C), after the trial was recorded FAILED ("interrupted").
        """
        try:
            _decisions.hold_new_trial(self.study)  # PBT: no "excess" trial while the population trains
            return self.study._run_trial(self.objective, self.catch)
        except MaxTrialsReached:
            return None
        except SearchExhausted:  # the sampler has nothing left: a dead worker's trial may still need its retry
            return self.study._run_retries(self.objective, self.catch)

    def trial_finished(self, trial: FrozenTrial) -> None:
        """A trial of this call finished (here or in a worker): the progress bar and the callbacks
        see it, in this process. Call it once per trial; an exception of a callback propagates."""
        self._progress.update(trial)
        for cb in self._callbacks:
            cb(self.study, trial)

    def settle_lost_trial(self, trial_id: int | None, reason: str) -> None:
        """A remote task (Dask, Ray) that held a slot was lost with its worker: fail its trial
        (:meth:`fail_lost_trial`, retried under the study's policy) and give its slot back so a
        new task runs in its place; or, if the trial had finished first, count it as this call's.
        A storage out of reach leaves the trial to the heartbeat reaper."""
        finished = None
        if trial_id is not None:
            try:
                finished = self.fail_lost_trial(trial_id, reason)
            except Exception as e:  # noqa: BLE001 - the heartbeat reaper will fail it later
                _log.warning("could not fail trial id %d of a lost worker: %s", trial_id, e)
        if finished is None:
            self.release_slot()  # a new task runs in its place (the retry, if one was queued)
        else:
            self.trial_finished(finished)  # its result was written before the worker went

    def trial_of_task(self, task: str) -> int | None:
        """The id of the trial that the remote task ``task`` ran (``TrialRunner.run_trial(task=...)``)
        as far as the storage knows: a task lost before its executor heard which trial it started
        may have written its result first. None if no stored trial names it yet (or the storage is
        out of reach). Reads the study's trials: for a lost task, not for every trial."""
        try:
            trials = self.study.storage.get_trials(self.study._study_id)
        except Exception as e:  # noqa: BLE001 - the heartbeat reaper fails a RUNNING one later
            _log.warning("could not look up the trial of lost task %s: %s", task, e)
            return None
        for t in reversed(trials):
            if t.system_attrs.get(TASK_ATTR) == task:
                return t.trial_id
        return None

    def fail_lost_trial(self, trial_id: int, reason: str, *, retry: bool = True,
                        params: dict[str, Any] | None = None) -> FrozenTrial | None:
        """The worker that ran trial ``trial_id`` was lost (its process died, its task was lost).

        If the trial is still RUNNING, it is recorded FAILED with ``reason`` (for example
        ``"worker died: signal 9"``) and, with ``retry``, queued to rerun with its parameters
        (``params``: the values the worker announced, for those not stored yet) under the study's
        retry policy (``max_retries``); returns None. If the worker finished
        it first, returns it as stored: it counts as a trial of this call.
        """
        from tunewise.storage._heartbeat import fail_dead_trial

        storage = self.study.storage
        if retry:
            if fail_dead_trial(self.study, trial_id, reason, params=params) is not None:
                return None
        elif fail_running_trial(storage, trial_id, reason):
            return None
        stored = storage.get_trial(trial_id)
        return stored if stored.state.is_finished() else None

    def remote(self) -> RemoteJob:
        """What a worker in another process needs to run trials of this call (picklable).

        The study must be on a storage the worker can open by URL, or the executor serves the
        in-memory storage itself and passes it to :meth:`RemoteJob.open`.
        """
        from tunewise.samplers import Sampler
        from tunewise.samplers._base import started_trials

        study, storage = self.study, self.study.storage
        seed = getattr(study.sampler, "seed", None)
        if seed is not None and type(study.sampler).reseed is Sampler.reseed:
            seed = None  # a sampler without random streams of its own
        return RemoteJob(
            study_name=study.study_name,
            storage_url=storage.url if storage.is_persistent else None,
            objective=self.objective,
            catch=self.catch,
            sampler=study.sampler,
            scheduler=study.scheduler,
            options=study._worker_options(),
            seed=None if seed is None else int(seed),
            n_started=0 if seed is None else started_trials(study),
        )


@dataclass(frozen=True)
class RemoteJob:
    """The picklable half of an :class:`OptimizeJob`: enough to run its trials in another process.

    Ship it to a worker (with ``cloudpickle``, which also ships objectives defined in
    ``__main__`` and closures) and call :meth:`open` there. Slots stay with the calling process:
    a worker asks its executor before each trial, and the executor claims the slot.
    """

    study_name: str
    storage_url: str | None  # None: the study is in memory; the executor serves its storage
    objective: Callable[[Trial], Any]
    catch: tuple[type[BaseException], ...]
    sampler: Sampler
    scheduler: Scheduler | None
    options: dict[str, Any]  # the call's settings the loop needs in a worker (its max_trials)
    seed: int | None  # the sampler's seed, for each worker's own random stream (None: unseeded)
    n_started: int  # trials the study had started when the call began (part of each stream's nonce)
    call_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # tells optimize() calls apart

    def open(self, storage: BaseStorage | None = None, *, worker: int = 0) -> TrialRunner:
        """Build the call's study in this process and return a runner for its trials.

        ``storage`` defaults to the study's storage opened by URL. ``worker`` is this worker's
        index in the call (0, 1, ...; a respawned or rerun worker gets a new one): with a seeded
        sampler each worker draws its own reproducible stream, never one another worker drew.
        The sampler and scheduler are copies of their own, so several runners may share a job.
        """
        from tunewise.samplers._base import claim_stream, stream_seed

        if storage is None:
            if self.storage_url is None:
                raise ValueError(f"study {self.study_name!r} is in memory: pass the storage that serves it, "
                                 f"RemoteJob.open(storage)")
            from tunewise.storage import get_storage

            storage = get_storage(self.storage_url)
        sampler, scheduler = copy.deepcopy((self.sampler, self.scheduler))
        study = _WorkerStudy(self.study_name, storage, sampler, scheduler)
        if self.seed is None:
            sampler.reseed(None)
        else:
            sampler.reseed(stream_seed(self.seed, self.n_started, claim_stream(study, self.n_started, worker)))
        study._apply_worker_options(self.options)
        return TrialRunner(study, self)

    def open_cached(self, *, worker: int = 0) -> TrialRunner:
        """:meth:`open`, once per worker process, thread and optimize() call: a cluster worker
        (Dask, Ray) that runs many trials of one call reuses its runner, and a later call (which may
        bring another sampler, scheduler or budget) reuses its storage connections."""
        ident = (self.storage_url, self.study_name, os.getpid(), threading.get_ident())
        with _cache_lock:
            cached = _runner_cache.get(ident)
            if cached is not None and cached[0] == self.call_id:
                return cached[1]
            runner = self.open(cached[1].study.storage if cached is not None else None, worker=worker)
            _runner_cache[ident] = (self.call_id, runner)
            return runner


def fail_running_trial(storage: BaseStorage, trial_id: int, reason: str) -> bool:
    """Record trial ``trial_id`` FAILED with ``reason`` if it is still RUNNING; whether it was."""
    t = storage.get_trial(trial_id)
    if t.state != TrialState.RUNNING:
        return False
    return bool(storage.finish_trial(trial_id, TrialState.FAILED, None,
                                     system_attrs=dict(t.system_attrs, fail_reason=reason)))


class TrialRunner:
    """Runs the trials of a :class:`RemoteJob` in a worker process (from :meth:`RemoteJob.open`)."""

    def __init__(self, study: Study, job: RemoteJob) -> None:
        self.study = study
        self.job = job

    def run_trial(self, on_start: Callable[[int], None] | None = None,
                  on_param: Callable[[int, str, Any], None] | None = None,
                  task: str | None = None) -> FrozenTrial | None:
        """Run one trial here, as :meth:`OptimizeJob.run_trial` does (None: the search is exhausted).

        Ask the executor for a slot first. ``on_start(trial_id)`` is called as soon as the
        trial is written RUNNING, before the objective runs: tell the executor, so that it can
        fail the trial (:meth:`OptimizeJob.fail_lost_trial`) if this worker dies.
        ``on_param(trial_id, name, value)`` is called as each value is chosen: passed to
        ``fail_lost_trial``, they rerun the same configuration even if it was never stored.
        ``task`` (the executor's name for the task running this trial) is stored with the trial
        as ``system_attrs["executor_task"]`` (:data:`TASK_ATTR`), written with its result: an
        executor that never heard ``on_start`` finds the trial of a lost task by it
        (:meth:`OptimizeJob.trial_of_task`).
        """
        study = self.study
        assert isinstance(study, _WorkerStudy)
        study._on_start, study._on_param, study._task = on_start, on_param, task
        try:
            _decisions.hold_new_trial(study)  # PBT: no "excess" trial while the population trains
            return study._run_trial(self.job.objective, self.job.catch)
        except MaxTrialsReached:
            return None
        except SearchExhausted:  # the sampler has nothing left: a dead worker's trial may still need its retry
            return study._run_retries(self.job.objective, self.job.catch)
        finally:
            study._on_start = study._on_param = study._task = None

    @property
    def stop_requested(self) -> bool:
        """True once the objective in this worker called ``study.stop()``: the
        executor passes it on to the calling process, whose study is another object."""
        return self.study._stop_requested

    def close(self) -> None:
        """Release the storage's connections (the runner cannot be used afterwards)."""
        self.study.storage.close()


class _WorkerStudy(Study):
    """A study in a worker process, which tells its executor each trial it starts."""

    _on_start: Callable[[int], None] | None = None
    _on_param: Callable[[int, str, Any], None] | None = None
    _task: str | None = None

    def ask(self, fixed_distributions: Any = None) -> Trial:
        trial = super().ask(fixed_distributions)
        if self._task is not None:
            trial.system_attrs[TASK_ATTR] = self._task  # written with the trial's result at the latest
        if self._on_start is not None:
            self._on_start(trial._trial_id)
        on_param = self._on_param
        if on_param is not None:
            trial._on_param = lambda t, name, value: on_param(t._trial_id, name, value)
        return trial
