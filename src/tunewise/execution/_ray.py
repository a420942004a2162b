"""Trials as tasks on a Ray cluster: :class:`RayExecutor`.

The driver (where ``study.optimize`` is called) keeps at most as many tasks in flight as the
cluster has room for (its CPUs, and GPUs with ``resources={"gpu": ...}``) and submits a new one
as each finishes, so ``n_trials``/``timeout``/``stop()`` are decided centrally. Each task runs one
trial: it opens the study's storage by URL (cached per worker process), asks the sampler, runs
the objective and writes the result; the storage is the only shared state.

Ray retries a task whose worker died, which would start a *new* trial while the lost one stays
RUNNING; tasks are therefore submitted with ``max_retries=0`` and each one tells a small actor
(no CPU) which trial it started before its objective runs. When a task's worker or node is
lost, the driver fails that trial at once ("worker died: ...") and queues its retry, which the
task submitted in its place runs first.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any

from tunewise._interrupts import DeferInterrupt
from tunewise.execution._executor import Executor
from tunewise.execution._resources import ENV_CPUS, ENV_DEVICES, apply_thread_limit
from tunewise.trial import FrozenTrial

if TYPE_CHECKING:
    from tunewise.execution._job import OptimizeJob, RemoteJob

_log = logging.getLogger("tunewise")



def _run_trial_task(job: RemoteJob, slot: int, key: str, announcer: Any, cpus: int) -> FrozenTrial | None:
    """Runs in a Ray worker: one trial, written to the shared storage (None: the search is exhausted)."""
    import ray

    runner = job.open_cached(worker=slot)
    # Ray set CUDA_VISIBLE_DEVICES to this task's GPUs; the trial is told them (trial.devices).
    os.environ[ENV_DEVICES] = ",".join(str(g) for g in ray.get_gpu_ids())
    os.environ[ENV_CPUS] = str(cpus)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(cpus)
    apply_thread_limit(cpus)

    started: list[int] = []

    def announce(trial_id: int) -> None:
        started.append(trial_id)
        # Waited for: once the objective runs, the driver can tell which trial a lost task held.
        ray.get(announcer.started.remote(key, trial_id))

    try:
        return runner.run_trial(on_start=announce)
    except KeyboardInterrupt:
        # Cancelled (Ctrl-C in the driver) after the trial started but before its objective ran,
        # e.g. while announcing it: the loop never held it, so it is failed here, not left RUNNING.
        from tunewise.execution._job import fail_running_trial

        for trial_id in started:
            fail_running_trial(runner.study.storage, trial_id, "interrupted (KeyboardInterrupt)")
        raise


class _Announcements:
    """A Ray actor: the trial each task started, for the driver to fail if the task is lost."""

    def __init__(self) -> None:
        self.trials: dict[str, int] = {}

    def started(self, key: str, trial_id: int) -> None:
        self.trials[key] = trial_id

    def trial_of(self, key: str) -> int | None:
        return self.trials.pop(key, None)

    def forget(self, keys: list[str]) -> None:
        for key in keys:
            self.trials.pop(key, None)


class RayExecutor(Executor):
    """Run ``study.optimize`` trials as tasks on a Ray cluster.

    ``address`` is the cluster to join (``"auto"`` for the one on this machine, ``"ray://host:10001"``
    for a remote one, None: the Ray already initialised in this process, else a local one
    started for you); ``init_kwargs`` go to ``ray.init``. The study's storage must be a URL
    every Ray worker can open (SQLite on a shared disk for one machine, PostgreSQL for many).
    Each trial is a task asking Ray for ``num_cpus`` CPUs (``resources={"cpu": k}`` overrides
    it) and, with ``optimize(resources={"gpu": g})``, ``num_gpus=g``: Ray places it and sets its
    ``CUDA_VISIBLE_DEVICES``; the trial is told them (``trial.devices``). ``max_concurrent``
    caps the trials in flight (default: as many as the cluster's CPUs and GPUs hold).

    A worker or node that dies has its trial failed at once and retried; ``max_trials`` holds
    exactly. On Ctrl-C the running tasks are cancelled, their trials recorded FAILED.

    >>> import os, tempfile
    >>> import ray
    >>> import tunewise as tw
    >>> _ = ray.init(num_cpus=2, include_dashboard=False)  # doctest: +SLOW
    >>> study = tw.create_study(storage="sqlite:///" + os.path.join(tempfile.mkdtemp(), "tunewise.db"))
    >>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=10,
    ...                executor=tw.RayExecutor())
    >>> len(study.trials)
    10
    >>> ray.shutdown()
    """

    def __init__(self, address: str | None = None, *, num_cpus: float = 1, max_concurrent: int | None = None,
                 init_kwargs: dict[str, Any] | None = None) -> None:
        if max_concurrent is not None and (isinstance(max_concurrent, bool) or not isinstance(max_concurrent, int)
                                           or max_concurrent < 1):
            raise ValueError(f"max_concurrent must be a positive integer or None, got {max_concurrent!r}")
        if isinstance(num_cpus, bool) or not isinstance(num_cpus, (int, float)) or num_cpus < 0:
            raise ValueError(f"num_cpus must be a non-negative number of CPUs per trial, got {num_cpus!r}")
        if address is not None and not isinstance(address, str):
            raise TypeError(f"address must be a Ray address such as 'auto' or 'ray://host:10001', or None, "
                            f"got {address!r}")
        self.address = address
        self.num_cpus = num_cpus
        self.max_concurrent = max_concurrent
        self.init_kwargs = dict(init_kwargs or {})

    def __repr__(self) -> str:
        return (f"RayExecutor({self.address!r}, num_cpus={self.num_cpus!r}, "
                f"max_concurrent={self.max_concurrent!r})")

    def _ray(self) -> Any:
        try:
            import ray
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError('RayExecutor needs Ray: pip install "tunewise[ray]"') from e
        if not ray.is_initialized():
            ray.init(address=self.address, **self.init_kwargs)
        return ray

    def run(self, job: OptimizeJob) -> None:
        storage = job.study.storage
        if not storage.is_persistent or storage.url is None:
            raise ValueError(
                "RayExecutor needs a storage every Ray worker can open, such as "
                "storage='postgresql+psycopg://...' or 'sqlite:///shared/path.db'; this study is in memory"
            )
        _RayRun(job, self._ray(), self).run()


class _RayRun:
    """One optimize() call on the cluster; everything that touches the storage or the callbacks
    happens in the calling thread."""

    def __init__(self, job: OptimizeJob, ray: Any, executor: RayExecutor) -> None:
        self.job = job
        self.ray = ray
        self.max_concurrent = executor.max_concurrent
        resources = job.resources
        self.num_gpus = float(resources.gpu) if resources is not None else 0.0
        cpu = resources.cpu if resources is not None and resources.cpu is not None else executor.num_cpus
        self.num_cpus = float(cpu)
        self.threads = max(1, int(cpu))  # the trial's torch/BLAS threads
        self.remote = job.remote()
        self.in_flight: dict[Any, str] = {}  # object ref -> task key
        self.capacity = 0
        self.refreshed = 0.0
        self.submitted = 0
        self.stop = False
        self.error: BaseException | None = None

    def _room(self) -> int:
        """How many trials the cluster holds at once (from its total resources, checked each second:
        it may grow or shrink)."""
        if time.monotonic() - self.refreshed > 1.0:
            total = self.ray.cluster_resources()
            fits = [int(total.get("CPU", 0) / self.num_cpus + 1e-9)] if self.num_cpus else []
            if self.num_gpus:
                if total.get("GPU", 0) < self.num_gpus:  # (a fraction needs one GPU at least)
                    have = f"has {total['GPU']:g}" if total.get("GPU") else "offers no GPU"
                    raise ValueError(
                        f"resources={{'gpu': {self.num_gpus:g}}} asks for {self.num_gpus:g} GPU(s) per trial, but "
                        f"the Ray cluster {have} (ray.cluster_resources() = {total}); start its nodes with GPUs "
                        f"(`ray start --num-gpus=N`), ask for fewer, or drop 'gpu' from resources"
                    )
                fits.append(int(total["GPU"] / self.num_gpus + 1e-9))
            self.capacity = min(fits) if fits else 1024
            if self.max_concurrent is not None:
                self.capacity = min(self.capacity, self.max_concurrent)
            self.refreshed = time.monotonic()
        return self.capacity

    def _fill(self) -> None:
        while not self.stop and len(self.in_flight) < self._room():
            if not self.job.claim_slot():
                return
            key = f"{self.remote.call_id}-{self.submitted}"
            # Ctrl-C between submitting a task and tracking it would leave the task out of the
            # cancellation, and its trial RUNNING once the cluster goes: held until it is tracked.
            with DeferInterrupt() as guard:
                ref = self.task.options(num_cpus=self.num_cpus, num_gpus=self.num_gpus, max_retries=0,
                                        retry_exceptions=False, name=f"tunewise-trial-{self.submitted}").remote(
                    self.job_ref, self.submitted, key, self.announcer, self.threads)
                self.submitted += 1
                self.in_flight[ref] = key
            guard.raise_if_fired()

    def run(self) -> None:
        ray = self.ray
        self.task = ray.remote(_run_trial_task)
        self.announcer = ray.remote(num_cpus=0)(_Announcements).remote()
        self.job_ref = ray.put(self.remote)
        try:
            try:
                while True:
                    self._fill()
                    if not self.in_flight:
                        if self.stop or not self.job.work_remains():
                            break
                        time.sleep(0.2)  # the cluster has no room: wait for it to grow
                        self.refreshed = 0.0
                        continue
                    ready, _ = ray.wait(list(self.in_flight), num_returns=1, timeout=1.0)
                    for ref in ready:
                        self._handle(ref)
            except KeyboardInterrupt:
                self._interrupted()
                raise
        finally:
            try:
                ray.kill(self.announcer)
            except Exception:  # noqa: BLE001 - the cluster may be going away
                pass
        if self.error is not None:
            raise self.error

    def _handle(self, ref: Any) -> None:
        exceptions = self.ray.exceptions
        key = self.in_flight.pop(ref)
        try:
            value = self.ray.get(ref)
        except exceptions.RayTaskError as e:  # the objective raised something not in `catch`
            cause = getattr(e, "cause", None)
            self.error = self.error or (cause if isinstance(cause, BaseException) else e)
            self.stop = True
            return
        except exceptions.RayError as e:  # the task's worker or node was lost
            self._lost(key, e)
            return
        if value is None:  # the search is exhausted
            self.job.release_slot()
            self.stop = True
            return
        try:
            self.job.trial_finished(value)
        except Exception as e:  # a failing callback stops the run, as in-process
            self.error = self.error or e
            self.stop = True

    def _lost(self, key: str, error: BaseException) -> None:
        trial_id = self.ray.get(self.announcer.trial_of.remote(key))
        what = type(error).__name__
        _log.warning("a Ray task of trial id %s was lost (%s); failing its trial and retrying", trial_id, what)
        self.job.settle_lost_trial(trial_id, f"worker died: Ray task lost ({what})")

    def _interrupted(self) -> None:
        """Ctrl-C: cancel the tasks in flight (each records its trial FAILED, "interrupted"), wait
        for them a little, and fail any trial still RUNNING."""
        self.stop = True
        if not self.in_flight:
            return
        ray = self.ray
        refs = list(self.in_flight)
        try:  # tasks already done are not cancelled: cancelling one as it completes crashed Ray's
            # core worker under load ("Tried to complete task that was not pending")
            done, _ = ray.wait(refs, num_returns=len(refs), timeout=0)
        except Exception:  # noqa: BLE001
            done = []
        finished = set(done)
        for ref in refs:
            if ref in finished:
                continue
            try:
                ray.cancel(ref, force=False)  # a KeyboardInterrupt in the task: the loop fails its trial
            except Exception:  # noqa: BLE001
                pass
        try:
            ray.wait(refs, num_returns=len(refs), timeout=30.0)
        except BaseException:  # noqa: BLE001 - a second Ctrl-C: stop waiting
            pass
        for ref in refs:
            key = self.in_flight.pop(ref)
            try:
                trial_id = ray.get(self.announcer.trial_of.remote(key), timeout=30.0)
            except Exception:  # noqa: BLE001
                continue
            if trial_id is None:
                continue
            try:
                self.job.fail_lost_trial(trial_id, "interrupted (KeyboardInterrupt)", retry=False)
            except Exception as e:  # noqa: BLE001 - the storage is out of reach: the heartbeat reaper will
                _log.warning("could not fail interrupted trial id %d: %s", trial_id, e)
