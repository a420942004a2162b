"""Heartbeats and crash recovery for studies on persistent storage.

A worker that dies (kill -9, OOM killer, a lost machine) cannot mark its trial finished. While a
trial runs, a daemon thread in its process records a heartbeat every ``heartbeat_interval``
seconds. Every study that asks for a trial first fails the RUNNING trials whose last heartbeat
is older than ``grace_period`` (``fail_reason`` "stale: ..."), and, while ``max_retries`` allow,
re-enqueues each with the same parameters and ``system_attrs["retried_from"]`` = the failed
trial's number. The storage marks a stale trial FAILED at most once, so one retry is enqueued
however many workers notice it.

The policy lives in the storage (study attribute ``"heartbeat"``), so every worker that opens the
study by name follows it: ``tw.create_study(..., heartbeat_interval=10, grace_period=60,
max_retries=2)``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.storage._base import BaseStorage
    from tunewise.study import Study
    from tunewise.trial import Trial

__all__ = ["check_policy", "configure", "on_ask", "on_finish", "on_start"]

_log = logging.getLogger("tunewise")

ATTR_KEY = "heartbeat"
_IDLE_EXIT = 30.0  # seconds without a running trial before the heartbeat thread stops


def check_policy(heartbeat_interval: float | None, grace_period: float | None,
                 max_retries: int | None) -> dict[str, Any] | None:
    """Validate the user's options; return the policy to store (None: no heartbeats)."""
    def positive(name: str, v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or v != v or v == float("inf"):
            raise ValueError(f"{name} must be a positive number of seconds, got {v!r}")
        return float(v)

    retries = 0 if max_retries is None else max_retries
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError(f"max_retries must be a non-negative integer, got {max_retries!r}")
    if heartbeat_interval is None:
        if grace_period is not None or retries:
            raise ValueError(
                "grace_period and max_retries need heartbeat_interval (seconds between heartbeats of a "
                "running trial), e.g. heartbeat_interval=10, grace_period=60, max_retries=2"
            )
        return None
    interval = positive("heartbeat_interval", heartbeat_interval)
    # Default: three missed heartbeats, so one slow write or a busy machine does not kill a trial.
    grace = 3.0 * interval if grace_period is None else positive("grace_period", grace_period)
    if grace <= interval:
        raise ValueError(
            f"grace_period ({grace:g} s) must be longer than heartbeat_interval ({interval:g} s), "
            f"or every running trial would look stale"
        )
    return {"interval": interval, "grace": grace, "max_retries": retries}


class _Monitor:
    """Per-study, per-process state: the policy, and the thread that sends heartbeats."""

    def __init__(self, policy: dict[str, Any] | None) -> None:
        self.policy = policy
        self.next_check = 0.0
        # trial_id -> [live trial, number of params already saved]
        self.trials: dict[int, list[Any]] = {}
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:  # a study may be pickled to a worker
        return {"policy": self.policy}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["policy"])  # type: ignore[misc]

    def start(self, storage: BaseStorage, trial: Trial) -> None:
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's thread does not exist here
                self.pid, self.thread, self.trials = os.getpid(), None, {}
            self.trials[trial._trial_id] = [trial, len(trial._frozen.params)]
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._beat, args=(storage,), daemon=True,
                                               name="tunewise-heartbeat")
                self.thread.start()

    def stop(self, trial_id: int) -> None:
        with self.lock:
            self.trials.pop(trial_id, None)

    def _beat(self, storage: BaseStorage) -> None:
        assert self.policy is not None
        interval = self.policy["interval"]
        idle_since: float | None = None
        try:
            while True:
                time.sleep(interval)
                with self.lock:
                    running = [(tid, entry) for tid, entry in self.trials.items()]
                    if not running:
                        now = time.monotonic()
                        idle_since = idle_since or now
                        if now - idle_since > max(_IDLE_EXIT, 3 * interval):
                            self.thread = None
                            return
                        continue
                idle_since = None
                for tid, entry in running:
                    trial, saved = entry
                    try:
                        # Save parameters suggested since the last beat (the objective may run for
                        # hours before it reports): a retry after a crash reuses them. dict() copies
                        # atomically under the GIL while the objective keeps suggesting.
                        params = dict(trial.params)
                        if len(params) > saved:
                            storage.update_trial(tid, params=params)  # also a heartbeat
                            entry[1] = len(params)
                        else:
                            storage.record_heartbeat(tid)
                    except RuntimeError:
                        pass  # finished between our snapshot and the write: nothing to keep alive
                    except Exception as e:  # noqa: BLE001 - keep beating; the trial may still finish
                        _log.warning("could not record a heartbeat for trial id %d: %s", tid, e)
        finally:
            release = getattr(storage, "_release_thread", None)
            if release is not None:
                release()


def _monitor(study: Study) -> _Monitor:
    mon: _Monitor | None = getattr(study, "_heartbeat", None)
    if mon is None:
        policy = None
        if study._storage.is_persistent:
            policy = study._storage.get_study_attrs(study._study_id).get(ATTR_KEY)
        mon = _Monitor(policy)
        study._heartbeat = mon  # type: ignore[attr-defined]
    return mon


def configure(study: Study, policy: dict[str, Any] | None) -> None:
    """Store ``policy`` (from :func:`check_policy`) for every worker of the study, and use it here."""
    if policy is None:
        return
    if not study._storage.is_persistent:
        _log.info("heartbeats are for persistent storages (SQLite, PostgreSQL); in memory they are off")
    study._storage.set_study_attr(study._study_id, ATTR_KEY, policy)
    study._heartbeat = _Monitor(policy if study._storage.is_persistent else None)  # type: ignore[attr-defined]


def on_ask(study: Study) -> None:
    """Before a trial starts: fail stale trials and re-enqueue them while retries remain."""
    mon = _monitor(study)
    policy = mon.policy
    if policy is None:
        return
    now = time.monotonic()
    if now < mon.next_check:
        return
    # Checking at every ask is wasted work: nothing can go stale faster than the heartbeat interval.
    mon.next_check = now + policy["interval"]
    storage, sid = study._storage, study._study_id
    for t in storage.fail_stale_trials(sid, policy["grace"]):
        attempt = int(t.system_attrs.get("retry_attempt", 0))
        if attempt >= policy["max_retries"]:
            _log.warning("trial %d of study %r is stale and was marked FAILED (%s); no retries left",
                         t.number, study.study_name, t.system_attrs.get("fail_reason"))
            continue
        params = dict(t.system_attrs.get("fixed_params", {}))
        params.update(t.params)
        retry = storage.enqueue_trial(sid, params, system_attrs={"retried_from": t.number,
                                                                  "retry_attempt": attempt + 1})
        _log.warning("trial %d of study %r is stale and was marked FAILED (%s); retrying it as trial %d",
                     t.number, study.study_name, t.system_attrs.get("fail_reason"), retry.number)


def on_start(study: Study, trial: Trial) -> None:
    mon = _monitor(study)
    if mon.policy is not None:
        mon.start(study._storage, trial)


def on_finish(study: Study, trial_id: int) -> None:
    mon: _Monitor | None = getattr(study, "_heartbeat", None)
    if mon is not None:
        mon.stop(trial_id)
