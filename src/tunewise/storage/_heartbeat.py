"""Heartbeats and crash recovery for studies on persistent storage.

A worker that dies (kill -9, OOM killer, a lost machine) cannot mark its trial finished. While a
trial runs, a daemon thread in its process records a heartbeat every ``heartbeat_interval``
seconds, and saves the trial's suggested parameters shortly after they are suggested (so a retry
reruns the same configuration). Every study that asks for a trial first fails the RUNNING trials
whose last heartbeat is older than ``grace_period`` (``fail_reason`` "stale: ..."), and, while
``max_retries`` allow, re-enqueues each with the same parameters and
``system_attrs["retried_from"]`` = the failed trial's number. The storage marks a stale trial
FAILED at most once, so one retry is enqueued however many workers notice it. A worker whose
trial was failed as stale cannot finish it any more: its late result is kept on the failed trial
(``system_attrs["late_result"]``), never counted twice. A process never fails a trial it runs
itself (on any of its study objects on that storage): its heartbeat thread may only have been
starved past the grace period (an objective holding the GIL in another thread), so the recovery
beats for it instead (``recover_stale_trials(..., alive=...)``). Other processes cannot tell a
starved worker from a dead one: they fail it after the grace period, as above. On SQLite, a
process stopped inside a write (SIGSTOP, a debugger) holds the write lock, and every other
worker's heartbeats wait for it; the check does not count as a trial's silence the time during
which the checking process's own writes waited for that lock (``LockWaits``), so the live trials
of the other workers are not failed once the lock is released.

A trial can be handed over instead: ``Trial.detach()`` (what ``tunewise ask`` does) saves what
it recorded and stops its heartbeats for good; the storage then holds no heartbeat for it
(``BaseStorage.detach_trial``), so it is never failed as stale and stays RUNNING until any
process tells it, and nobody waits for it at the end of a budget. A trial asked with
``study.ask()`` outside ``optimize()`` and not told when its process ends normally is detached
then (Optuna's ask-and-tell across processes); a process killed, or ended by an uncaught
exception, leaves its trials to the heartbeats, so they are failed as stale and retried.

Heartbeats are on by default for persistent storages (:data:`DEFAULT_POLICY`: a beat every 10 s,
stale after 60 s, one retry); ``heartbeat_interval=0`` turns them off. The policy lives in the
storage (study attribute ``"heartbeat"``), so every worker that opens the study by name follows
it: ``tw.create_study(..., heartbeat_interval=10, grace_period=60, max_retries=2)``.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from tunewise.exceptions import UpdateFinishedTrialError

if TYPE_CHECKING:
    from tunewise.storage._base import BaseStorage, StaleOutcome
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

__all__ = ["DEFAULT_POLICY", "active_policy", "check_policy", "configure", "fail_dead_trial", "fail_stale",
           "keep_late_params", "on_ask", "on_detach", "on_finish", "on_start", "retry_interrupted"]

_log = logging.getLogger("tunewise")

ATTR_KEY = "heartbeat"
#: Trial system attr: the system attrs a retry of the trial starts with (besides the retry's own
#: ``retried_from``, ``retry_attempt``, ``retry_history``); kept on the retry too.
RETRY_ATTRS = "retry_attrs"
#: Trial system attr the loop publishes with a decision that ends the trial (a scheduler's PAUSE
#: or STOP): ``{"action": ..., "suggest": bool}``. The trial's work is done and recorded; a stale
#: trial carrying it is ended PRUNED, not retried (see ``_decisions._publish``).
ENDS_PRUNED = "ends_pruned"
_IDLE_EXIT = 30.0  # seconds without a running trial before the heartbeat thread stops
# How long tell() of a trial running in another process waits for that process to save the
# parameters it suggested (its heartbeat thread saves them _SAVE_PARAMS_AFTER after the start).
_AWAIT_OWNER_PARAMS = 2.0
# What a study on persistent storage gets when nobody chose a policy: a worker killed without a
# word (kill -9, OOM killer, preemption) has its trial failed within a minute and rerun once.
DEFAULT_POLICY: dict[str, Any] = {"interval": 10.0, "grace": 60.0, "max_retries": 1}
_OFF: dict[str, Any] = {"interval": 0.0, "grace": 0.0, "max_retries": 0}
DEFAULT_MAX_RETRIES = 1
# A running trial's newly suggested parameters are saved once it has run this long (a shorter
# trial writes them with its finish, so the common fast trial costs no extra write).
_SAVE_PARAMS_AFTER = 0.05


def check_policy(heartbeat_interval: float | None, grace_period: float | None,
                 max_retries: int | None) -> dict[str, Any] | None:
    """Validate the user's options; return the policy to store (None: nothing chosen, so the
    stored policy or :data:`DEFAULT_POLICY` applies). ``heartbeat_interval=0`` turns heartbeats off."""
    def positive(name: str, v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or v != v or v == float("inf"):
            raise ValueError(f"{name} must be a positive number of seconds, got {v!r}")
        return float(v)

    if max_retries is not None and (isinstance(max_retries, bool) or not isinstance(max_retries, int)
                                    or max_retries < 0):
        raise ValueError(f"max_retries must be a non-negative integer, got {max_retries!r}")
    if heartbeat_interval is None and grace_period is None and max_retries is None:
        return None
    if heartbeat_interval is not None and not isinstance(heartbeat_interval, bool) and heartbeat_interval == 0:
        if grace_period is not None or max_retries:
            raise ValueError("heartbeat_interval=0 turns heartbeats off: then there is no grace_period and "
                             "no retry of crashed trials")
        return dict(_OFF)
    retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    if heartbeat_interval is None:
        grace_given = positive("grace_period", grace_period) if grace_period is not None else DEFAULT_POLICY["grace"]
        heartbeat_interval = min(DEFAULT_POLICY["interval"], grace_given / 3.0)
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
        # Held by the thread while it writes beats: stop(wait=True) returns once none is in flight.
        self.writing = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid = os.getpid()
        # Which storage it beats on (set at its first trial): see alive_here.
        self.storage_key: tuple[str, Any] | None = None
        self.clocks: tuple[float, float] | None = None  # (wall, monotonic) at the last stale check
        self.quiet_until = 0.0  # monotonic: no stale check before (the wall clock stepped ahead)
        _monitors.add(self)

    def __getstate__(self) -> dict[str, Any]:  # a study may be pickled to a worker
        return {"policy": self.policy}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["policy"])  # type: ignore[misc]

    def start(self, storage: BaseStorage, trial: Trial) -> None:
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's thread does not exist here
                self.pid, self.thread, self.trials = os.getpid(), None, {}
            self.storage_key = _storage_key(storage)
            now = time.monotonic()
            # [live trial, number of params saved, when it started, when it last beat, saved since]
            self.trials[trial._trial_id] = [trial, len(trial._frozen.params), now, now, False]
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._beat, args=(storage,), daemon=True,
                                               name="tunewise-heartbeat")
                self.thread.start()

    def stop(self, trial_id: int, wait: bool = False) -> None:
        """Stop beating for the trial; with ``wait``, also let a write in flight for it land
        first (a trial that stays RUNNING must not get an older write after its last one)."""
        with self.lock:
            self.trials.pop(trial_id, None)
            thread = self.thread if self.pid == os.getpid() else None
        if wait and thread is not None and thread is not threading.current_thread():
            with self.writing:
                pass

    def running_here(self) -> set[int]:
        with self.lock:
            return set(self.trials) if self.pid == os.getpid() else set()

    def alive_here(self, storage: BaseStorage) -> set[int]:
        """The ids of the trials this process runs on ``storage``: those of every study object
        (and so every thread) here that beats for trials on it, not only this one's."""
        ids = self.running_here()
        for mon in list(_monitors):
            if mon is not self and mon.storage_key == _storage_key(storage):
                ids |= mon.running_here()
        return ids

    def _beat(self, storage: BaseStorage) -> None:
        assert self.policy is not None
        interval = self.policy["interval"]
        # Wake often enough to save a trial's parameters soon after they are suggested (a few
        # len() calls per wake-up); beat only every interval.
        tick = min(interval, _SAVE_PARAMS_AFTER)
        idle_since: float | None = None
        release: Callable[[], None] | None = getattr(storage, "_release_thread", None)
        holds = False  # whether this thread may hold a database connection (it wrote since it last gave it back)
        try:
            while True:
                time.sleep(tick)
                now = time.monotonic()
                with self.lock:
                    running = [(tid, entry) for tid, entry in self.trials.items()]
                    if not running:
                        idle_since = idle_since or now
                        if now - idle_since > max(_IDLE_EXIT, 3 * interval):
                            self.thread = None
                            return
                    else:
                        idle_since = None
                if not running:
                    if holds and release is not None:
                        # Nothing to beat for: give the connection back now, not at the idle exit
                        # (one server connection per study whose trials ran in the last 30 s,
                        # s32 lead_pg_connections.txt); the next trial takes one from the pool.
                        release()
                        holds = False
                    continue
                with self.writing:
                    holds = True
                    self._write_beats(storage, running, now, interval)
        finally:
            if release is not None:
                release()

    def _write_beats(self, storage: BaseStorage, running: list[tuple[int, list[Any]]], now: float,
                     interval: float) -> None:
        for tid, entry in running:
            if tid not in self.trials:
                continue  # stopped since the snapshot (finished or detached): nothing to write
            trial, saved, started, last, early_done = entry
            beat_due = now - last >= interval
            # Parameters once soon after they are suggested, then with the beats (a trial
            # that keeps suggesting new names is not rewritten every tick).
            save = len(trial.params) > saved and (beat_due or (
                not early_done and now - started >= _SAVE_PARAMS_AFTER))
            if not save and not beat_due:
                continue
            try:
                if save:
                    # A retry after a crash reuses them. dict() copies atomically under
                    # the GIL while the objective keeps suggesting.
                    params = dict(trial.params)
                    storage.update_trial(tid, params=params)  # also a heartbeat
                    entry[1], entry[4] = len(params), True
                elif storage.record_heartbeat(tid) is False:
                    entry[3] = now  # asked again at the next beat at most, if it turns out to run on
                    self._ended_elsewhere(storage, tid, trial)
                    continue
                entry[3] = now
            except UpdateFinishedTrialError:
                # Finished (or failed as stale) since our snapshot: nothing to keep alive.
                self._ended_elsewhere(storage, tid, trial)
            except KeyError as e:  # StudyNotFoundError is one
                self._gone(tid, trial, e)
            except RuntimeError:
                # Another RuntimeError (not "finished": caught above), e.g. a storage closing as the
                # process exits: silent, and tried again at the next wake-up, as before s25.
                pass
            except Exception as e:  # noqa: BLE001 - keep beating; the trial may still finish
                entry[3] = now
                _log.warning("could not record a heartbeat for trial id %d: %s", tid, e)

    def _gone(self, tid: int, trial: Trial, error: KeyError) -> None:
        """The storage has no trial ``tid`` any more (its study was deleted by another process):
        stop beating for it, with one warning. Before, the thread tried again at every wake-up
        (20 writes and warnings a second while the trial saved new parameters); the trial's own
        next write or finish raises the storage's error, which names the deleted study."""
        with self.lock:
            if self.trials.pop(tid, None) is None:
                return
        _log.warning("heartbeats for trial %d of study %r stop: the storage has no such trial any more (was the "
                     "study deleted by another process?): %s", trial.number, trial.study.study_name,
                     error.args[0] if error.args else error)

    def _ended_elsewhere(self, storage: BaseStorage, tid: int, trial: Trial) -> None:
        """The storage took no beat for the running ``trial``: it was finished elsewhere. Stop
        beating for it, and if it was recorded with the late result of the trial it retries (the
        same parameters, see ``Study._settle_running_retry``), mark it so that its next
        ``should_prune()`` stops this run, which can only compute that result again. A trial
        failed as stale runs on: its result, told late, may still settle its retry."""
        from tunewise.trial import TrialState

        try:
            stored = storage.get_trial(tid)
        except KeyError as e:
            self._gone(tid, trial, e)
            return
        except Exception as e:  # noqa: BLE001 - only a faster stop is lost; its report still learns
            _log.debug("could not read trial id %d after a refused heartbeat: %s", tid, e)
            return
        if stored.state is TrialState.RUNNING:
            return  # detached meanwhile, or a storage that answers False for another reason: beat on
        with self.lock:
            if self.trials.pop(tid, None) is None:
                return  # finished here meanwhile
        if stored.state in (TrialState.COMPLETE, TrialState.PRUNED) and "late_result_of" in stored.system_attrs:
            trial._settled_elsewhere = stored
        else:
            keep_late_params(storage, trial, stored)


# Every monitor of this process (weakly: a study object dropped takes its monitor with it).
_monitors: weakref.WeakSet[_Monitor] = weakref.WeakSet()


def _storage_key(storage: BaseStorage) -> tuple[str, Any]:
    """Two handles on one database (two study objects of one process) share their URL; a storage
    without one is itself."""
    url = storage.url
    return ("url", url) if url is not None else ("object", id(storage))


def _stored_policy(study: Study) -> dict[str, Any] | None:
    stored: dict[str, Any] | None = study._storage.get_study_attrs(study._study_id).get(ATTR_KEY)
    return stored


def _monitor(study: Study) -> _Monitor:
    mon: _Monitor | None = getattr(study, "_heartbeat", None)
    if mon is None:
        policy = None
        if study._storage.is_persistent:
            policy = _stored_policy(study) or dict(DEFAULT_POLICY)
            if not policy.get("interval"):
                policy = None  # heartbeat_interval=0: off
        mon = _Monitor(policy)
        study._heartbeat = mon  # type: ignore[attr-defined]
    return mon


def active_policy(study: Study) -> dict[str, Any] | None:
    """The heartbeat policy this process follows for ``study`` (``interval``, ``grace``,
    ``max_retries``), or None when heartbeats are off (in memory, or ``heartbeat_interval=0``)."""
    return _monitor(study).policy


def configure(study: Study, policy: dict[str, Any] | None) -> None:
    """Store ``policy`` (from :func:`check_policy`) for every worker of the study, and use it here.

    Without one, the storage's own applies if it has one: Optuna's storage objects take the
    heartbeat options (``tunewise.storages.RDBStorage(url, heartbeat_interval=...)``) and carry
    them as ``heartbeat_policy``."""
    if policy is None:
        policy = getattr(study._storage, "heartbeat_policy", None)
    if policy is None:
        return
    if not study._storage.is_persistent:
        if policy.get("interval"):
            _log.info("heartbeats are for persistent storages (SQLite, PostgreSQL); in memory they are off")
    study._storage.set_study_attr(study._study_id, ATTR_KEY, policy)
    active = policy if study._storage.is_persistent and policy.get("interval") else None
    study._heartbeat = _Monitor(active)  # type: ignore[attr-defined]


def _max_retries(study: Study) -> int:
    mon = _monitor(study)
    if mon.policy is not None:
        return int(mon.policy["max_retries"])
    stored = _stored_policy(study)  # in memory: the policy still says how often to retry
    return int(stored["max_retries"]) if stored else DEFAULT_MAX_RETRIES


def _retry_plan(t: FrozenTrial, max_retries: int) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``(params, system_attrs)`` of the retry of the failed trial ``t``, or None when no retries
    are left. Pure: the storage may call it inside the transaction that fails ``t``."""
    from tunewise._published_proposal import running_params

    attempt = int(t.system_attrs.get("retry_attempt", 0))
    if attempt >= max_retries:
        return None
    # Its parameters: the ones it suggested and saved, else the sampler's published proposal.
    params = {**running_params(t), **dict(t.system_attrs.get("fixed_params", {})), **t.params}
    # retry_history: every trial this one retries, the first failed one first (what Optuna's
    # RetryFailedTrialCallback.retry_history reads, via tunewise.storages).
    history = [*t.system_attrs.get("retry_history", ()), t.number]
    # A scheduler's continuation (ASHA promotion, PBT segment) starts again as the same
    # continuation: its checkpoint hand-off and scheduler state, as it was enqueued (RETRY_ATTRS).
    start = dict(t.system_attrs.get(RETRY_ATTRS) or {})
    if start:
        start[RETRY_ATTRS] = dict(start)  # so that a retry of the retry starts the same way
    return params, {**start, "retried_from": t.number, "retry_attempt": attempt + 1, "retry_history": history}


def _log_retry(study: Study, t: FrozenTrial, retry: FrozenTrial | None) -> None:
    reason = t.system_attrs.get("fail_reason")
    if retry is None:
        _log.warning("trial %d of study %r was marked FAILED (%s); no retries left", t.number,
                     study.study_name, reason)
    else:
        _log.warning("trial %d of study %r was marked FAILED (%s); retrying it as trial %d", t.number,
                     study.study_name, reason, retry.number)


def _stale_outcome(t: FrozenTrial, max_retries: int, point: str = "stale:retry") -> StaleOutcome:
    """What becomes of ``t``, a trial whose worker died (or was stopped): PRUNED when its
    scheduler's decision to end it was recorded (:data:`ENDS_PRUNED`), else FAILED with its retry
    while ``max_retries`` allow. The storage calls it inside the step that ends ``t`` and enqueues
    the retry, so the crash point ``point`` (a test's kill) lands inside that step."""
    from tunewise.storage._base import StaleOutcome
    from tunewise.testing.faults import crash_point
    from tunewise.trial import TrialState

    if t.system_attrs.get(ENDS_PRUNED):
        # Its scheduler had paused or stopped it, and that was published with its reports: only
        # the PRUNED finish was lost. A retry would train the same segment a second time.
        return StaleOutcome(TrialState.PRUNED)
    plan = StaleOutcome(retry=_retry_plan(t, max_retries))
    if plan.retry is not None:
        crash_point(point)
    return plan


def _after_ended_pruned(study: Study, t: FrozenTrial) -> None:
    """What follows ending ``t`` PRUNED because its dead worker had recorded its scheduler's
    PAUSE/STOP (:data:`ENDS_PRUNED`): say so, and ask again for what that decision suggests (the
    dead worker may not have enqueued it yet; claims make a repeat harmless)."""
    mark = t.system_attrs[ENDS_PRUNED]
    _log.warning("trial %d of study %r ended PRUNED (%s): its worker died after its scheduler's %s "
                 "decision was recorded", t.number, study.study_name, t.system_attrs.get("fail_reason"),
                 mark.get("action"))
    if mark.get("suggest"):
        from tunewise._decisions import resume_suggestions

        resume_suggestions(study, t)


def _clock_stepped(mon: _Monitor, policy: dict[str, Any]) -> bool:
    """Whether stale checks wait because this process's wall clock moved ahead of its monotonic
    clock by more than half the grace period since its last check (an NTP step, the machine
    resumed from a pause): every heartbeat then looks that much older than it is, and no worker
    has beaten on the new clock yet. The checks wait two heartbeat intervals (and a second) for
    them to. (A clock stepped back is the storage's business: see ``u_future_beats``.)"""
    wall, mono = time.time(), time.monotonic()
    last, mon.clocks = mon.clocks, (wall, mono)
    if last is not None and (wall - last[0]) - (mono - last[1]) > policy["grace"] / 2:
        mon.quiet_until = mono + 2 * policy["interval"] + 1.0
        _log.warning("the clock moved %.0f s ahead of this process's monotonic clock since its last stale check "
                     "(an NTP step, a pause?): trials are not failed as stale for the next %.0f s, while their "
                     "workers beat on the new clock", (wall - last[0]) - (mono - last[1]),
                     2 * policy["interval"] + 1.0)
    return mono < mon.quiet_until


def _recover_stale(study: Study, policy: dict[str, Any]) -> list[FrozenTrial]:
    """End the study's stale trials, each FAILED with its retry in the same storage transaction
    (a worker killed in between would leave a FAILED trial nobody reruns), or PRUNED when its
    scheduler's decision to end it was recorded; then what follows. The ended trials."""
    from tunewise.trial import TrialState

    if _clock_stepped(_monitor(study), policy):
        return []

    max_retries = policy["max_retries"]
    outcome = functools.partial(_stale_outcome, max_retries=max_retries)
    # Never a trial this process runs itself: its heartbeat thread may have been starved past the
    # grace period (an objective holding the GIL in another thread), and the trial is alive; the
    # storage beats for it instead. Other processes still end it after the grace period.
    alive = _monitor(study).alive_here(study._storage)
    ended = recover_sparing(study._storage, study._study_id, policy["grace"], outcome, alive)
    callback = getattr(study._storage, "stale_trial_callback", None)
    for t, retry in ended:
        if t.state == TrialState.PRUNED and t.system_attrs.get(ENDS_PRUNED):
            _after_ended_pruned(study, t)
        else:
            _log_retry(study, t, retry)
        # Optuna's heartbeat_stale_trial_callback(study, trial); it runs in the process that ended the trial.
        if callback is not None:
            callback(study, t)
    return [t for t, _ in ended]


def recover_sparing(storage: BaseStorage, study_id: int, grace: float,
                    outcome: Callable[[FrozenTrial], StaleOutcome],
                    alive: Collection[int]) -> list[tuple[FrozenTrial, FrozenTrial | None]]:
    """``storage.recover_stale_trials``, sparing the trials ``alive`` (run by the caller), also on a
    storage of one's own written before ``alive``: it beats for them first (not in the same step
    as the recovery, but a thread starved again in between is rare). Also what the parent of
    ``optimize(n_jobs=k)``'s worker processes calls for them."""
    if alive and _takes_alive(type(storage)):
        return storage.recover_stale_trials(study_id, grace, outcome, alive=alive)
    for trial_id in alive:
        storage.record_heartbeat(trial_id)
    return storage.recover_stale_trials(study_id, grace, outcome)


@functools.cache
def _takes_alive(storage_type: type[BaseStorage]) -> bool:
    """Whether the storage class's ``recover_stale_trials`` takes ``alive`` (tunewise's do)."""
    try:
        params = inspect.signature(storage_type.recover_stale_trials).parameters
    except (TypeError, ValueError):
        return False
    return "alive" in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def fail_stale(study: Study) -> list[FrozenTrial]:
    """Fail the study's stale trials now (and retry them, as :func:`on_ask` does); return them.
    Nothing, without heartbeats."""
    mon = _monitor(study)
    policy = mon.policy
    if policy is None:
        return []
    # Checking at every ask is wasted work: nothing can go stale faster than the heartbeat interval.
    mon.next_check = time.monotonic() + policy["interval"]
    return _recover_stale(study, policy)


def on_ask(study: Study) -> None:
    """Before a trial starts: fail stale trials and re-enqueue them while retries remain."""
    mon = _monitor(study)
    if mon.policy is not None and time.monotonic() >= mon.next_check:
        fail_stale(study)


def fail_dead_trial(study: Study, trial_id: int, reason: str,
                    params: Mapping[str, Any] | None = None) -> FrozenTrial | None:
    """Fail the trial of a worker known to be dead (``reason`` says how it died) and retry it
    under the study's retry policy, in one storage step (a process killed between the two would
    leave a FAILED trial nobody reruns); or end it PRUNED, returning None, when its scheduler's
    decision to end it was recorded (see :data:`ENDS_PRUNED`). ``params``: values the worker
    chose that may not have reached the storage (stored with the failed trial, so the retry
    reruns them). Does nothing (returns None) unless the trial is still RUNNING."""
    from tunewise.trial import TrialState

    outcome = functools.partial(_stale_outcome, max_retries=_max_retries(study), point="dead:retry")
    ended = study._storage.recover_trial(study._study_id, trial_id, reason, outcome, params=params)
    if ended is None:
        return None  # finished (or failed as stale) meanwhile
    t, retry = ended
    if t.state == TrialState.PRUNED:
        # Its scheduler's PAUSE/STOP was recorded before the worker died: the trial's work is done,
        # only its PRUNED finish was lost (a retry would train the segment twice).
        _after_ended_pruned(study, t)
        return None
    _log_retry(study, t, retry)
    return t


def retry_interrupted(study: Study, trial: Trial) -> bool:
    """Fail the live ``trial`` its own worker was told to stop (SIGTERM: the worker was stopped,
    not the trial) with what it recorded (``system_attrs["fail_reason"]`` set), and queue its
    retry under the study's retry policy, in one storage step. False, with nothing written, if
    the trial had finished already (failed as stale while this worker was stopped, and retried
    then)."""
    outcome = functools.partial(_stale_outcome, max_retries=_max_retries(study), point="interrupt:retry")
    ended = study._storage.recover_trial(
        study._study_id, trial._trial_id, trial.system_attrs["fail_reason"], outcome, params=trial.params,
        intermediate_values=trial.intermediate_values, user_attrs=trial.user_attrs, system_attrs=trial.system_attrs)
    if ended is None:
        return False
    _log_retry(study, *ended)
    return True


def await_running(study: Study, deadline: float | None) -> bool:
    """At the end of the study's budget: wait while other processes' trials still run, failing
    (and retrying) those whose workers died. True when a retry is waiting to be run, False when
    nothing runs any more (or without heartbeats, where a dead trial cannot be told apart)."""
    from tunewise.trial import TrialState

    mon = _monitor(study)
    policy = mon.policy
    if policy is None:
        return False
    storage, sid = study._storage, study._study_id
    step = min(policy["interval"], 1.0)
    while deadline is None or time.time() < deadline:
        if study._stop_requested:
            return False
        _recover_stale(study, policy)
        mon.next_check = time.monotonic() + policy["interval"]
        # Only a retry may start once the budget is used: a WAITING trial that is none (an ASHA
        # promotion queued as the budget ran out, an enqueued configuration) waits for the next run.
        if storage.has_waiting_retry(sid):  # one query, not every WAITING trial with its attributes
            return True
        mine = mon.running_here()
        # Detached trials (no heartbeat) wait for a tell that may come any time or never: not for us.
        if not [t for t in storage.get_trials(sid, (TrialState.RUNNING,))
                if t.trial_id not in mine and t.heartbeat_ts is not None]:
            return False
        time.sleep(step)
    return False


def on_start(study: Study, trial: Trial, *, asked: bool = False) -> None:
    """The trial has started here: beat for it. ``asked``: by ``study.ask()`` outside
    ``optimize()``, so it is detached if still running when this process ends normally."""
    if asked and study._storage.is_persistent:
        _remember_asked(study, trial)
    mon = _monitor(study)
    if mon.policy is not None:
        mon.start(study._storage, trial)


def on_finish(study: Study, trial_id: int) -> None:
    mon: _Monitor | None = getattr(study, "_heartbeat", None)
    if mon is not None:
        mon.stop(trial_id)
    if _asked:
        _forget_asked(study, trial_id)


def on_detach(study: Study, trial_id: int) -> None:
    """Before the trial is detached (``Trial.detach``): stop beating for it here, and wait for a
    beat in flight, so no write of this process follows the detaching one."""
    mon: _Monitor | None = getattr(study, "_heartbeat", None)
    if mon is not None:
        mon.stop(trial_id, wait=True)
    _forget_asked(study, trial_id)


def keep_late_params(storage: BaseStorage, trial: Trial, stored: FrozenTrial) -> FrozenTrial:
    """``stored``, the live ``trial`` of this process as another process finished it (told it by
    number): with the parameters this process chose that it lacks added, if it is COMPLETE or
    PRUNED (those chosen after its last save, up to a heartbeat interval before the tell: the
    teller could not wait for them). A stored parameter never changes; a trial recorded with the
    late result of the trial it retries, or FAILED (a late result keeps them), is left as it is."""
    from tunewise.trial import TrialState

    if stored.state not in (TrialState.COMPLETE, TrialState.PRUNED) or "late_result_of" in stored.system_attrs:
        return stored
    params = dict(trial.params)  # one atomic copy: the objective may still be suggesting
    if not set(params) - set(stored.params):
        return stored
    try:
        added = storage.record_late_params(stored.trial_id, params)
    except Exception as e:  # noqa: BLE001 - the trial stays as it was told; say what it lacks
        _log.warning("trial %d was told by another process before its parameters %s were saved, and they could not "
                     "be added to it: %s", stored.number, sorted(set(params) - set(stored.params)), e)
        return stored
    if not added:
        return stored
    _log.warning("trial %d was told by another process before this process saved its parameters %s; they are added "
                 "to it (system_attrs['late_params'])", stored.number, added)
    return storage.get_trial(stored.trial_id)


def params_of_running(study: Study, stored: FrozenTrial) -> FrozenTrial:
    """``stored`` (a RUNNING trial about to be told by a study object that did not ask it) as it
    is once the process running it has saved the parameters it chose, so a tell from outside
    does not finish it without them (its own later write would be refused). A trial of another
    study object of this process has them written now; one of another process, still beating
    and with none stored, is waited for up to ``_AWAIT_OWNER_PARAMS`` seconds (its heartbeat
    thread saves them soon after they are suggested). Returned as soon as it has them, ended, or
    was detached; ValueError if it still has none (told now, they would be lost). A trial with
    parameters stored, detached (its process handed it over), or without heartbeats is returned
    as it is: parameters its process chose since its last save are added by that process at its
    next write (:func:`keep_late_params`)."""
    from tunewise.trial import TrialState

    storage = study._storage
    if stored.params or stored.heartbeat_ts is None or stored.state is not TrialState.RUNNING \
            or _monitor(study).policy is None:
        return stored
    key = _storage_key(storage)
    for mon in list(_monitors):
        if mon.storage_key != key or mon.pid != os.getpid():
            continue
        with mon.lock:
            entry = mon.trials.get(stored.trial_id)
        if entry is not None:  # asked by another study object here: write what it chose
            owner = entry[0]
            if owner._pending_params:
                owner.study._write_progress(owner, {})
            return storage.get_trial(stored.trial_id)
    deadline = time.monotonic() + _AWAIT_OWNER_PARAMS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        stored = storage.get_trial(stored.trial_id)
        if stored.params or stored.heartbeat_ts is None or stored.state is not TrialState.RUNNING:
            return stored
    raise ValueError(
        f"trial {stored.number} of study {study.study_name!r} is running in another process, which has stored "
        f"no parameters for it yet (waited {_AWAIT_OWNER_PARAMS:g} s): told now, it would be recorded without the "
        f"parameters that process chose. Tell it again once they are stored (a running trial saves them soon after "
        f"they are suggested), or let that process tell it; if that process is gone, the trial is failed as stale "
        f"after the grace period and retried"
    )


# ---- trials asked outside optimize(): detached when the process ends normally -------------------
# (id(study), trial id) -> the live trial. The study is the one that asked (Trial.study), kept
# alive by the entry, so its id is not reused while the entry exists.
_asked: dict[tuple[int, int], Trial] = {}
_asked_lock = threading.Lock()
_exit_hook = False


def _remember_asked(study: Study, trial: Trial) -> None:
    global _exit_hook
    with _asked_lock:
        _asked[(id(study), trial._trial_id)] = trial
        if not _exit_hook:
            # Registered after the storage was opened, so it runs before anything that storage
            # may register for the exit (atexit runs its hooks last registered first).
            atexit.register(_detach_asked_at_exit)
            _exit_hook = True


def _forget_asked(study: Study, trial_id: int) -> None:
    with _asked_lock:
        _asked.pop((id(study), trial_id), None)


def _detach_asked_at_exit() -> None:
    """At a normal exit: detach the trials this process asked and did not tell, so that another
    process can tell them. After an uncaught exception (the interpreter printed it and set
    ``sys.last_type``) the process crashed: its trials go stale and are retried, as a killed one's."""
    if getattr(sys, "last_type", None) is not None:
        return
    with _asked_lock:
        trials = list(_asked.values())
        _asked.clear()
    for trial in trials:
        try:
            trial.detach()
        except RuntimeError as e:  # finished meanwhile (told by another process, or failed as stale)
            _log.debug("trial %d not detached at exit: %s", trial.number, e)
        except Exception as e:  # noqa: BLE001 - the others still get detached
            _log.warning("trial %d of study %r was left running and could not be detached at exit (%s); it will "
                         "be failed as stale and retried", trial.number, trial.study.study_name, e)


def _forget_asked_in_child() -> None:
    # A forked child has a copy of the parent's trials, not trials of its own.
    global _asked_lock
    _asked.clear()
    _asked_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_asked_in_child)
