"""Trials as tasks on a ``dask.distributed`` cluster: :class:`DaskExecutor`.

The client process (where ``study.optimize`` is called) keeps at most one task per worker
thread in flight and submits a new one as each finishes, so ``n_trials``/``timeout``/``stop()``
are decided centrally. Each task runs one trial: it opens the study's storage by URL (cached per
worker thread), asks the sampler, runs the objective and writes the result; the storage is the
only shared state. Each task is pinned to a worker and announces the trial it starts (a Dask
event), so when a worker dies the client fails that trial at once ("worker died: ...") and
queues its retry, which the task submitted in its place runs first.

A worker that stops without dying (SIGSTOP, a hang that holds the GIL, a frozen machine) sends
no heartbeats: the client fails its trial as stale after the grace period, as any worker would,
and then removes the worker from the cluster (what Dask's own ``worker-ttl`` does after 5
minutes), so that its task is given up and the run goes on with the other workers, instead of
waiting for a process that may never run again.
"""

from __future__ import annotations

import logging
import queue
import time
from typing import TYPE_CHECKING, Any

from tunewise._interrupts import DeferInterrupt
from tunewise.execution._executor import Executor
from tunewise.trial import FrozenTrial

if TYPE_CHECKING:
    from tunewise.execution._job import OptimizeJob, RemoteJob

_log = logging.getLogger("tunewise")
# A task that has not announced a trial yet has no heartbeat of its own: its worker counts as
# stuck once it has sent the scheduler nothing for the grace period, and at least this long
# (a loaded machine delays a healthy worker's beats by seconds).
_MIN_WORKER_SILENCE = 10.0


async def _remove_worker(address: str, reason: str, dask_scheduler: Any = None) -> None:
    """Runs on the scheduler: remove the worker at ``address``, as its ``worker-ttl`` does."""
    await dask_scheduler.remove_worker(address, stimulus_id=f"tunewise-{reason}-{time.time()}", close=True)


def _hold(job: RemoteJob) -> RemoteJob:
    """The job as a task result, not scattered data: if the worker holding it is lost, Dask
    computes it again from the task (scattered data would be gone, and every trial task with it)."""
    return job


def _run_trial_task(job: RemoteJob, slot: int, key: str, topic: str) -> FrozenTrial | None:
    """Runs on a Dask worker: one trial, written to the shared storage (None: the search is exhausted)."""

    from distributed import get_worker

    runner = job.open_cached(worker=slot)
    worker = get_worker()

    def announce(trial_id: int) -> None:
        worker.log_event(topic, {"key": key, "trial": trial_id, "worker": worker.address})

    return runner.run_trial(on_start=announce, task=key)


class DaskExecutor(Executor):
    """Run ``study.optimize`` trials on a Dask cluster.

    ``client`` is a ``distributed.Client`` or a scheduler address (``"tcp://host:8786"``).
    The study's storage must be a URL every Dask worker can open (SQLite on a shared disk for
    one machine, PostgreSQL for many). ``max_concurrent`` caps the trials in flight (default:
    one per worker thread).

    With ``optimize(resources={"gpu": g})`` each task asks Dask for ``g`` of the workers'
    ``GPU`` resource (start workers with ``--resources GPU=1``, one per GPU, as dask-cuda does),
    so a worker runs no more trials at once than its GPUs hold; ``trial.devices`` is the
    worker's ``CUDA_VISIBLE_DEVICES``. (Worker threads share a process: the CPU threads of a
    Dask worker are set where it starts, ``--nthreads``, not per trial.)

    A worker that dies has its trial failed at once and retried. A worker that stops (SIGSTOP,
    hung) past the study's ``grace_period`` has its trial failed as stale and retried, and is
    removed from the cluster (its process is left to its nanny or deployment), so the run
    finishes on the other workers. Dask cannot interrupt a
    running task: on Ctrl-C the trials already running on the cluster are left to finish
    (nothing new starts); a second Ctrl-C stops waiting and marks them FAILED.

    >>> import os, tempfile
    >>> import tunewise as tw
    >>> from distributed import Client, LocalCluster
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None))  # doctest: +SLOW
    >>> study = tw.create_study(storage="sqlite:///" + os.path.join(tempfile.mkdtemp(), "tunewise.db"))
    >>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=20,
    ...                executor=tw.DaskExecutor(client))
    >>> len(study.trials)
    20
    >>> client.shutdown()
    """

    def __init__(self, client: Any, max_concurrent: int | None = None) -> None:
        if max_concurrent is not None and (isinstance(max_concurrent, bool) or not isinstance(max_concurrent, int)
                                           or max_concurrent < 1):
            raise ValueError(f"max_concurrent must be a positive integer or None, got {max_concurrent!r}")
        self._client_arg = client
        self.max_concurrent = max_concurrent

    def __repr__(self) -> str:
        return f"DaskExecutor({self._client_arg!r}, max_concurrent={self.max_concurrent!r})"

    def _client(self) -> Any:
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError('DaskExecutor needs dask.distributed: pip install "tunewise[dask]"') from e
        if isinstance(self._client_arg, str):
            return Client(self._client_arg)  # type: ignore[no-untyped-call]
        return self._client_arg

    def run(self, job: OptimizeJob) -> None:
        storage = job.study.storage
        if not storage.is_persistent or storage.url is None:
            raise ValueError(
                "DaskExecutor needs a storage every Dask worker can open, such as "
                "storage='postgresql+psycopg://...' or 'sqlite:///shared/path.db'; this study is in memory"
            )
        _DaskRun(job, self._client(), self.max_concurrent).run()


class _DaskRun:
    """One optimize() call on the cluster. Everything that touches the storage or the callbacks
    happens in the calling thread; Dask's threads only put events on ``self.events``.

    Each task is pinned to a worker with a free thread: Dask would rerun the task of a lost
    worker elsewhere, where it would start a new trial before the lost one is retried. Pinned,
    a lost task is given up here instead: its trial failed and queued to rerun, its slot freed
    for a new task, which runs the retry first.
    """

    def __init__(self, job: OptimizeJob, client: Any, max_concurrent: int | None) -> None:
        self.job = job
        self.client = client
        self.max_concurrent = max_concurrent
        self.gpu = float(job.resources.gpu) if job.resources is not None else 0.0
        self.remote = job.remote()
        self.topic = f"tunewise-{self.remote.call_id}"  # the trials the tasks start
        self.events: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.in_flight: dict[str, Any] = {}  # task key -> future
        self.placed: dict[str, str] = {}  # task key -> the worker it is pinned to
        self.running: dict[str, int] = {}  # task key -> the trial it announced and has not finished
        self.capacity: dict[str, int] = {}  # worker address -> threads
        self.refreshed = 0.0  # when the workers were last listed
        self.topics: set[str] = set()  # subscribed: ours, and each worker's (it says when the worker is lost)
        # Where the handlers put events, emptied at the end: Dask keeps a handler after unsubscribing.
        self.sink: list[queue.SimpleQueue[tuple[Any, ...]] | None] = [self.events]
        self.submitted = 0
        self.next_check = 0.0  # when to look for stuck workers next (_evict_stuck)
        # worker address -> (its last_seen at the scheduler, when this process saw that value first)
        self.seen: dict[str, tuple[Any, float]] = {}
        self.stop = False
        self.error: BaseException | None = None

    # ---- workers and tasks ---------------------------------------------------------------------
    def _subscribe(self, topic: str, *head: Any) -> None:
        """Put each event of ``topic`` on the queue as ``(*head, message)``."""
        if topic not in self.topics:
            self.topics.add(topic)
            sink = self.sink

            def handler(event: tuple[float, Any]) -> None:
                q = sink[0]
                if q is not None:
                    q.put((*head, event[1]))

            self.client.subscribe_topic(topic, handler)

    def _list_workers(self) -> None:
        self.capacity = {address: n for address, n in self.client.nthreads().items() if n > 0}
        if self.gpu:
            # resources={"gpu": g}: as many tasks per worker as its "GPU" resource holds.
            try:
                workers = self.client.scheduler_info(n_workers=-1)["workers"]
            except TypeError:  # dask before 2025.1 lists every worker without being asked
                workers = self.client.scheduler_info()["workers"]
            self.capacity = {address: min(n, int(workers.get(address, {}).get("resources", {}).get("GPU", 0)
                                                  / self.gpu + 1e-9))
                             for address, n in self.capacity.items()}
            if self.capacity and not any(self.capacity.values()):
                raise ValueError(
                    f"resources={{'gpu': {self.gpu:g}}}: none of the {len(self.capacity)} Dask workers offers a "
                    f"'GPU' resource; start them with one, e.g. `dask worker <scheduler> --resources GPU=1` per "
                    f"GPU (dask-cuda's workers also set CUDA_VISIBLE_DEVICES), or drop 'gpu' from resources"
                )
            self.capacity = {address: n for address, n in self.capacity.items() if n > 0}
        self.refreshed = time.monotonic()
        for address in self.capacity:
            self._subscribe(address, "worker", address)

    def _free_worker(self) -> str | None:
        load: dict[str, int] = {}
        for address in self.placed.values():
            load[address] = load.get(address, 0) + 1
        best, free = None, 0
        for address, n in self.capacity.items():
            if n - load.get(address, 0) > free:
                best, free = address, n - load.get(address, 0)
        return best

    def _done(self, fut: Any) -> None:  # in Dask's callback thread
        try:
            outcome: tuple[bool, Any] = (True, fut.result())
        except BaseException as e:  # noqa: BLE001 - handed to the calling thread
            outcome = (False, e)
        self.events.put(("done", fut.key, outcome))

    def _fill(self) -> None:
        while not self.stop and (self.max_concurrent is None or len(self.in_flight) < self.max_concurrent):
            worker = self._free_worker()
            if worker is None and time.monotonic() - self.refreshed > 1.0:
                self._list_workers()  # workers started since (a lost one's replacement, a scale-up)
                worker = self._free_worker()
            if worker is None or not self.job.claim_slot():
                return
            key = f"{self.topic}-{self.submitted}"
            # Ctrl-C between submitting a task and tracking it would leave it out of the
            # cancellation: held until it is tracked.
            with DeferInterrupt() as guard:
                fut = self.client.submit(_run_trial_task, self.remote_f, self.submitted, key, self.topic, key=key,
                                         pure=False, workers=[worker], allow_other_workers=False,
                                         resources={"GPU": self.gpu} if self.gpu else None)
                self.submitted += 1
                self.in_flight[key] = fut
                self.placed[key] = worker
                fut.add_done_callback(self._done)
            guard.raise_if_fired()

    # ---- the run -------------------------------------------------------------------------------
    def run(self) -> None:
        client = self.client
        self._subscribe(self.topic, "started")
        self._list_workers()
        self.remote_f = client.submit(_hold, self.remote, key=f"{self.topic}-job", pure=False)
        try:
            try:
                while True:
                    self._fill()
                    if not self.in_flight:
                        if self.stop or not self.job.work_remains():
                            break
                        time.sleep(0.2)  # no worker has a free thread: wait for one to join
                        self.refreshed = 0.0
                        continue
                    wait = self.next_check - time.monotonic()  # inf: heartbeats are off
                    try:
                        event = self.events.get(timeout=None if wait == float("inf") else max(0.0, wait))
                    except queue.Empty:
                        self._evict_stuck()
                        continue
                    self._handle(*event)
                    if time.monotonic() >= self.next_check:
                        self._evict_stuck()
            except KeyboardInterrupt:
                self._interrupted()
                raise
        finally:
            self.sink[0] = None
            for topic in self.topics:
                try:
                    client.unsubscribe_topic(topic)
                except Exception:  # noqa: BLE001 - the client may be closing
                    pass
        if self.error is not None:
            raise self.error

    def _handle(self, kind: str, *item: Any) -> None:
        if kind == "started":
            (msg,) = item
            if msg["key"] in self.in_flight:  # (else its result or its worker's loss came first)
                self.running[msg["key"]] = msg["trial"]
        elif kind == "worker":
            address, msg = item
            if msg.get("action") == "remove-worker":
                self._worker_lost(address)
        elif kind == "done":
            key, (ok, value) = item
            if self.in_flight.pop(key, None) is None:
                return  # given up with its worker
            self.placed.pop(key, None)
            self.running.pop(key, None)
            if not ok:  # the objective raised something not in `catch`
                self.error = self.error or value
                self.stop = True
            elif value is None:  # the search is exhausted
                self.job.release_slot()
                self.stop = True
            else:
                try:
                    self.job.trial_finished(value)
                except Exception as e:  # a failing callback stops the run, as in-process
                    self.error = self.error or e
                    self.stop = True

    def _worker_lost(self, address: str) -> None:
        """The worker at ``address`` left the cluster: give up the tasks pinned to it."""
        self.capacity.pop(address, None)
        lost = [key for key, where in self.placed.items() if where == address]
        if lost:
            _log.warning("Dask worker %s was lost with %d trial task(s); failing their trials and retrying",
                         address, len(lost))
        for key in lost:
            fut = self.in_flight.pop(key)
            del self.placed[key]
            fut.cancel()
            trial_id = self.running.pop(key, None)
            if trial_id is None:
                # Its announcement never reached us (sent asynchronously, then the worker stopped or
                # died), but the task may have started a trial, or even written its result: found by
                # the task's name stored with it, it is counted once, or failed and retried, as an
                # announced one (else its slot would be given back and one trial too many would run).
                trial_id = self.job.trial_of_task(key)
            self.job.settle_lost_trial(trial_id, f"worker died: Dask worker {address} was lost")

    def _evict_stuck(self) -> None:
        """Remove from the cluster each worker that holds one of our tasks but stopped running
        (SIGSTOP, hung): its trial was failed as stale (here or by another worker), or, before it
        announced one, it has sent the scheduler nothing for the grace period. Its task is given
        up (:meth:`_worker_lost`), its trial's retry runs elsewhere, and the job's data it held is
        computed again on another worker. Without heartbeats nothing counts as stuck."""
        from tunewise.storage._heartbeat import active_policy, on_ask
        from tunewise.trial import TrialState

        study = self.job.study
        policy = active_policy(study)
        if policy is None:
            self.next_check = float("inf")
            return
        self.next_check = time.monotonic() + min(float(policy["interval"]), 1.0)
        if not self.in_flight:
            return
        try:
            on_ask(study)  # fail stale trials (and queue their retries) here too: the others may all wait
        except Exception:  # noqa: BLE001 - the storage is out of reach: check again later
            return
        stuck: dict[str, str] = {}
        done = set()  # tasks whose trial is finished in the storage though the task has not returned
        for key, trial_id in list(self.running.items()):
            try:
                t = study.storage.get_trial(trial_id)
            except Exception:  # noqa: BLE001 - the storage is out of reach: check again later
                return
            reason = t.system_attrs.get("fail_reason")
            if t.state == TrialState.FAILED and isinstance(reason, str) and reason.startswith("stale:"):
                stuck[self.placed[key]] = f"its trial {t.number} was failed as stale ({reason})"
            elif t.state.is_finished():
                done.add(key)
        # A task with no trial to go stale: none announced yet, or its trial written finished (a
        # worker stopped between that write and returning the result beats for nothing) - its
        # worker's silence at the scheduler counts.
        silent = {self.placed[key] for key in self.in_flight if key not in self.running or key in done} - set(stuck)
        if silent:
            limit = max(float(policy["grace"]), _MIN_WORKER_SILENCE)
            for address, quiet in self._silences().items():
                if address in silent and quiet > limit:
                    stuck[address] = f"it has sent the scheduler nothing for {quiet:.0f} s"
        for address, why in stuck.items():
            _log.warning(
                "Dask worker %s holds a trial task but %s: removing it from the cluster, so the run goes on without it",
                address,
                why,
            )
            try:
                self.client.run_on_scheduler(_remove_worker, address, "stuck")
            except Exception as e:  # noqa: BLE001 - the scheduler is out of reach: check again later
                _log.warning("could not remove Dask worker %s: %s", address, e)
                continue
            self._worker_lost(address)

    def _silences(self) -> dict[str, float]:
        """Seconds since each worker's heartbeat to the scheduler (its ``last_seen``) last changed,
        as this process saw it (no clock is compared across machines)."""
        try:
            try:
                workers = self.client.scheduler_info(n_workers=-1)["workers"]
            except TypeError:  # dask before 2025.1 lists every worker without being asked
                workers = self.client.scheduler_info()["workers"]
        except Exception:  # noqa: BLE001 - the scheduler is out of reach: check again later
            return {}
        now = time.monotonic()
        for address, info in workers.items():
            last = info.get("last_seen")
            if address not in self.seen or self.seen[address][0] != last:
                self.seen[address] = (last, now)
        return {address: now - since for address, (_, since) in self.seen.items() if address in workers}

    def _interrupted(self) -> None:
        """Ctrl-C: start nothing new and wait for the trials in flight (a Dask task cannot be
        interrupted); a second Ctrl-C stops waiting and marks the running ones FAILED."""
        self.stop = True
        if not self.in_flight:
            return
        _log.warning("interrupted: waiting for the %d trial(s) in flight on the Dask cluster to finish; "
                     "press Ctrl-C again to stop waiting and mark them FAILED", len(self.in_flight))
        try:
            while self.in_flight:
                kind, *item = self.events.get()
                if kind != "done":
                    self._handle(kind, *item)
                elif self.in_flight.pop(item[0], None) is not None:
                    # Finished after the interrupt: recorded in the storage, but no callback runs.
                    self.placed.pop(item[0], None)
                    self.running.pop(item[0], None)
        except KeyboardInterrupt:
            self.client.cancel(list(self.in_flight.values()))
            for trial_id in self.running.values():
                try:
                    self.job.fail_lost_trial(trial_id, "interrupted (KeyboardInterrupt)", retry=False)
                except Exception as e:  # noqa: BLE001 - the storage is out of reach: the heartbeat reaper will
                    _log.warning("could not fail interrupted trial id %d: %s", trial_id, e)
            self.in_flight.clear()
            raise
