"""Trials as tasks on a ``dask.distributed`` cluster.

The client process (where ``study.optimize`` is called) keeps at most one task per worker
thread in flight and submits a new one as each finishes, so ``n_trials``/``timeout``/``stop()``
are decided centrally. Each task opens the study's storage by URL (cached per worker process),
asks the sampler, runs the objective and writes the result: the storage is the only shared
state, so a task lost with its worker leaves at most one RUNNING trial for the heartbeat reaper.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from tunewise.samplers._base import Sampler, started_trials
from tunewise.trial import FrozenTrial

if TYPE_CHECKING:
    from tunewise.study import Callback, ObjectiveFunc, Study

_cache_lock = threading.Lock()
# (storage URL, study name, worker thread) -> (the optimize() call it was built for, study)
_study_cache: dict[tuple[str, str, int, int], tuple[str, Any]] = {}


def _run_trial_task(payload: dict[str, Any], func: Any, catch: tuple[type[BaseException], ...],
                    slot: int) -> dict[str, Any]:
    """Runs on a Dask worker: one trial, written to the shared storage."""
    import copy
    import os

    from tunewise.exceptions import SearchExhausted
    from tunewise.samplers._base import claim_stream, stream_seed
    from tunewise.storage import get_storage
    from tunewise.study import Study

    key = (payload["storage_url"], payload["study_name"], os.getpid(), threading.get_ident())
    with _cache_lock:
        cached = _study_cache.get(key)
        study = cached[1] if cached is not None and cached[0] == payload["call"] else None
        if study is None:
            # Built once per worker thread and optimize() call (a later call may bring another
            # sampler or scheduler), with a copy of the sampler: threads of a worker share the payload.
            sampler, scheduler = copy.deepcopy((payload["sampler"], payload["scheduler"]))
            storage = cached[1]._storage if cached is not None else get_storage(payload["storage_url"])
            study = Study(payload["study_name"], storage, sampler, scheduler)
            # Its own random stream: never one another task, call or worker has drawn (see samplers._base).
            seed, n_started = payload["seed"], payload["n_started"]
            if seed is None:
                sampler.reseed(None)
            else:
                sampler.reseed(stream_seed(seed, n_started, claim_stream(study, n_started, slot)))
            apply = getattr(study, "_apply_worker_options", None)
            if apply is not None:
                apply(payload.get("study_options") or {})
            _study_cache[key] = (payload["call"], study)
    try:
        frozen = study._run_trial(func, catch)
    except SearchExhausted:
        return {"exhausted": True}
    return {"trial_id": frozen.trial_id, "number": frozen.number, "worker": os.getpid()}


class DaskExecutor:
    """Run ``study.optimize`` trials on a Dask cluster.

    ``client`` is a ``distributed.Client`` or a scheduler address (``"tcp://host:8786"``).
    The study's storage must be a URL every Dask worker can open (SQLite on a shared disk for
    one machine, PostgreSQL for many).

    >>> import tunewise as tw                                    # doctest: +SKIP
    >>> from distributed import Client, LocalCluster              # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))  # doctest: +SKIP
    >>> study = tw.create_study(storage="sqlite:///tunewise.db")  # doctest: +SKIP
    >>> study.optimize(objective, n_trials=100, executor=tw.DaskExecutor(client))  # doctest: +SKIP
    """

    def __init__(self, client: Any, max_concurrent: int | None = None) -> None:
        if max_concurrent is not None and max_concurrent < 1:
            raise ValueError(f"max_concurrent must be a positive integer or None, got {max_concurrent!r}")
        self._client_arg = client
        self.max_concurrent = max_concurrent

    def _client(self) -> Any:
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError('DaskExecutor needs dask.distributed: pip install "tunewise[dask]"') from e
        if isinstance(self._client_arg, str):
            return Client(self._client_arg)
        return self._client_arg

    def run(self, study: Study, func: ObjectiveFunc, n_trials: int | None, deadline: float | None,
            catch: tuple[type[BaseException], ...], callbacks: list[Callback], progress: Any) -> None:
        from distributed import as_completed

        storage = study._storage
        if not storage.is_persistent or storage.url is None:
            raise ValueError(
                "DaskExecutor needs a storage every Dask worker can open, such as "
                "storage='postgresql+psycopg://...' or 'sqlite:///shared/path.db'; this study is in memory"
            )
        client = self._client()
        seed = getattr(study.sampler, "seed", None)
        if seed is not None and type(study.sampler).reseed is Sampler.reseed:
            seed = None  # a sampler without random streams of its own
        payload: dict[str, Any] = {
            "sampler": study.sampler,
            "scheduler": study.scheduler,
            "study_name": study.study_name,
            "storage_url": storage.url,
            "study_options": getattr(study, "_worker_options", lambda: {})(),
            "call": uuid.uuid4().hex,
            "seed": None if seed is None else int(seed),
            "n_started": 0 if seed is None else started_trials(study),
        }
        [payload_f] = client.scatter([payload], broadcast=True, hash=False)
        [func_f] = client.scatter([func], broadcast=True, hash=False)
        width = self.max_concurrent or max(1, sum(client.nthreads().values()))
        submitted = 0
        stop = False

        def may_submit() -> bool:
            if stop or study._stop_requested:
                return False
            if deadline is not None and time.time() >= deadline:
                return False
            return n_trials is None or submitted < n_trials

        pool = as_completed()
        for _ in range(width):
            if not may_submit():
                break
            pool.add(client.submit(_run_trial_task, payload_f, func_f, catch, submitted, pure=False))
            submitted += 1
        error: BaseException | None = None
        for fut in pool:
            try:
                res = fut.result()
            except BaseException as e:  # the objective raised something not in `catch`
                error = error or e
                stop = True
                continue
            if res.get("exhausted"):
                stop = True
                continue
            frozen: FrozenTrial = storage.get_trial(res["trial_id"])
            progress.update(frozen)
            for cb in callbacks:
                cb(study, frozen)
            if may_submit():
                pool.add(client.submit(_run_trial_task, payload_f, func_f, catch, submitted, pure=False))
                submitted += 1
        if error is not None:
            raise error
