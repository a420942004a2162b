"""In-memory storage: the default when no URL is given. Thread-safe; shared with worker
processes through the local executor's coordinator."""

from __future__ import annotations

import copy
import json
import threading
import time
from array import array
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from typing import Any

from tunewise import distributions as D
from tunewise.exceptions import DuplicatedStudyError, StudyNotFoundError, UpdateFinishedTrialError
from tunewise.storage._base import (
    BaseStorage,
    ClaimTaken,
    PreparedStart,
    StaleOutcome,
    StudySummary,
    applied,
    attr_changes,
    not_a_dict,
)
from tunewise.storage._compact import KeyShared, TimeColumns, compact_times, series
from tunewise.storage._names import check_keys, check_name
from tunewise.trial import FrozenTrial, TrialState


class _StudyRecord:
    __slots__ = ("attrs", "claims", "directions", "distributions", "keys", "name", "start", "times", "trials",
                 "waiting")

    def __init__(self, name: str, directions: list[str]) -> None:
        self.name = name
        self.directions = directions
        self.attrs: dict[str, Any] = {}
        self.distributions: dict[str, D.Distribution] = {}
        self.trials: list[FrozenTrial] = []
        self.waiting: list[int] = []  # numbers of WAITING trials, oldest first
        self.claims: set[str] = set()
        self.start = time.time()
        # Compact finished trials (see storage/_compact.py): shared key tables for their params,
        # user_attrs and system_attrs, and a column store for their times.
        self.keys = (KeyShared(), KeyShared(), KeyShared())
        self.times = TimeColumns()


def _json_copy(value: Any) -> Any:
    # Keeps in-memory semantics identical to SQL storage: values must be JSON-serializable.
    return json.loads(json.dumps(value))


def _merged(stored: Mapping[str, Any] | None, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``stored`` attributes with a write of ``attrs`` merged in per key (``attr_changes``); the
    values written are copied (and checked) as JSON."""
    changes, removed = attr_changes(attrs)
    return applied(stored, _json_copy(changes), removed)


class InMemoryStorage(BaseStorage):
    """Keeps everything in this process. Trials live as long as the Python object.

    >>> from tunewise.storage import InMemoryStorage
    >>> s = InMemoryStorage(); sid = s.create_study("demo", ["minimize"])
    >>> s.start_trial(sid).number
    0
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._studies: dict[int, _StudyRecord] = {}
        self._names: dict[str, int] = {}
        self._deleted: dict[int, str] = {}  # the names of studies deleted here, by id
        # trial_id -> study_id and number: ids are dense from 0, so two arrays (16 bytes a trial,
        # where a dict of tuples costs ~100). A deleted study's trials get study id -1.
        self._trial_study = array("q")
        self._trial_number = array("q")
        self._next_study = 0
        self._next_trial = 0

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("_deleted", {})  # (pickled by a version without it)
        self.__dict__.update(state)
        self._lock = threading.RLock()

    def _study(self, study_id: int) -> _StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            name = self._deleted.get(study_id)
            if name is None:
                raise StudyNotFoundError(f"no study with id {study_id} (was it deleted?)") from None
            raise StudyNotFoundError(f"study {name!r} (id {study_id}) no longer exists in this storage: it was "
                                     f"deleted (through another handle) while this one had it open") from None

    # ---- studies -------------------------------------------------------------------
    def create_study(self, name: str, directions: list[str]) -> int:
        check_name("study name", name)
        with self._lock:
            if name in self._names:
                raise DuplicatedStudyError(
                    f"a study named {name!r} already exists; pass load_if_exists=True to resume it"
                )
            sid = self._next_study
            self._next_study += 1
            self._studies[sid] = _StudyRecord(name, list(directions))
            self._names[name] = sid
            return sid

    def get_study_id(self, name: str) -> int:
        check_name("study name", name)
        with self._lock:
            try:
                return self._names[name]
            except KeyError:
                raise StudyNotFoundError(f"no study named {name!r} in this storage") from None

    def get_study_directions(self, study_id: int) -> list[str]:
        return list(self._study(study_id).directions)

    def get_all_studies(self) -> list[StudySummary]:
        with self._lock:
            out = []
            for sid, rec in self._studies.items():
                complete = [t for t in rec.trials if t.state == TrialState.COMPLETE]
                best = None
                if complete and len(rec.directions) == 1:
                    vals = [t.values[0] for t in complete if t.values]
                    best = max(vals) if rec.directions[0] == "maximize" else min(vals)
                first = min((t.datetime_start_ts for t in rec.trials if t.datetime_start_ts is not None),
                            default=None)
                out.append(
                    StudySummary(rec.name, sid, list(rec.directions), len(rec.trials), len(complete), best,
                                 rec.start, dict(rec.attrs), first_trial_start=first, first_trial_start_known=True)
                )
            return out

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            rec = self._study(study_id)
            for t in rec.trials:
                self._trial_study[t.trial_id] = -1
            del self._names[rec.name]
            del self._studies[study_id]
            self._deleted[study_id] = rec.name  # named in the error of a later use of the id

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        check_name("study attribute key", key, allow_empty=True)
        if isinstance(value, Mapping):
            # "user"/"system": the study's user and system attributes (Study.set_user_attr)
            check_keys(f"study {key} attribute key" if key in ("user", "system") else f"key in study attribute "
                       f"{key!r}", value)
        with self._lock:
            self._study(study_id).attrs[key] = _json_copy(value)

    def set_study_attr_item(self, study_id: int, key: str, item: str, value: Any) -> None:
        check_name("study attribute key", key, allow_empty=True)
        patch = {item: value}
        check_keys(f"study {key} attribute key" if key in ("user", "system") else f"key in study attribute "
                   f"{key!r}", patch)
        patch = _json_copy(patch)
        with self._lock:
            attrs = self._study(study_id).attrs
            current = attrs.get(key, {})
            if not isinstance(current, dict):
                raise not_a_dict(key, current)
            attrs[key] = {**current, **patch}

    def get_study_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._study(study_id).attrs)

    # ---- distributions ---------------------------------------------------------------
    def get_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        with self._lock:
            return dict(self._study(study_id).distributions)

    def add_distribution(self, study_id: int, name: str, dist: D.Distribution) -> D.Distribution:
        check_name("parameter name", name)
        with self._lock:
            return self._study(study_id).distributions.setdefault(name, dist)

    # ---- trials ------------------------------------------------------------------------
    def _new_trial(self, study_id: int, state: TrialState, system_attrs: dict[str, Any],
                   user_attrs: dict[str, Any]) -> FrozenTrial:
        rec = self._study(study_id)
        tid = self._next_trial
        self._next_trial += 1
        now = time.time()
        t = FrozenTrial(
            number=len(rec.trials), trial_id=tid, state=state, distributions=rec.distributions,
            system_attrs=system_attrs, user_attrs=user_attrs,
            datetime_start=now if state == TrialState.RUNNING else None,
            heartbeat=now if state == TrialState.RUNNING else None,
        )
        rec.trials.append(t)
        self._trial_study.append(study_id)
        self._trial_number.append(t.number)
        return t

    def enqueue_trial(self, study_id: int, fixed_params: Mapping[str, Any],
                      system_attrs: Mapping[str, Any] | None = None,
                      user_attrs: Mapping[str, Any] | None = None) -> FrozenTrial:
        check_keys("parameter name", fixed_params, allow_empty=False)
        check_keys("user attribute key", user_attrs)
        check_keys("system attribute key", system_attrs)
        with self._lock:
            sys_attrs = _json_copy(dict(system_attrs or {}))
            sys_attrs["fixed_params"] = _json_copy(dict(fixed_params))
            t = self._new_trial(study_id, TrialState.WAITING, sys_attrs, _json_copy(dict(user_attrs or {})))
            self._study(study_id).waiting.append(t.number)
            return t

    def has_waiting_retry(self, study_id: int) -> bool:
        with self._lock:
            rec = self._study(study_id)
            return any("retried_from" in rec.trials[n].system_attrs for n in rec.waiting)

    def next_trial_number(self, study_id: int, *, claim_waiting: bool = True) -> int:
        with self._lock:
            rec = self._study(study_id)
            return rec.waiting[0] if claim_waiting and rec.waiting else len(rec.trials)

    def start_trial(self, study_id: int, *, claim_waiting: bool = True,
                    max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        with self._lock:
            rec = self._study(study_id)
            number = rec.waiting[0] if claim_waiting and rec.waiting else len(rec.trials)
            if max_started is not None:
                started = len(rec.trials) - len(rec.waiting)
                if started >= max_started:  # only near the cap: subtract the retries of stale trials run
                    started -= sum(1 for t in rec.trials if "retried_from" in t.system_attrs
                                   and t.state != TrialState.WAITING)
                if started >= max_started:
                    # Only a retry may start now: the oldest WAITING one (not a new trial queued first).
                    retry = next((n for n in rec.waiting if "retried_from" in rec.trials[n].system_attrs), None)
                    if retry is None:
                        from tunewise.exceptions import MaxTrialsReached

                        raise MaxTrialsReached(f"study {rec.name!r} has used its budget of {max_started} trials")
                    number, claim_waiting, prepared = retry, True, None
            extra: dict[str, Any] = {}
            if prepared is not None and prepared.applies_to(number, claimed=claim_waiting and bool(rec.waiting)):
                extra = self._changes(None, None, prepared.user_attrs or None, prepared.system_attrs or None)
                if prepared.claim is not None:  # with the start, under the same lock
                    if prepared.claim in rec.claims:
                        raise ClaimTaken(f"{prepared.claim!r} is claimed already in study {rec.name!r}")
                    rec.claims.add(prepared.claim)
            if claim_waiting and rec.waiting:
                rec.waiting.remove(number)
                old = rec.trials[number]
                now = time.time()
                for key, attrs in (("user_attrs", old.user_attrs), ("system_attrs", old.system_attrs)):
                    if key in extra:  # merged over the enqueued trial's own (its fixed_params stay)
                        extra[key] = {**attrs, **extra[key]}
                t = self._replace(old, state=TrialState.RUNNING, datetime_start=now, heartbeat=now, **extra)
                rec.trials[number] = t
                return t
            return self._new_trial(study_id, TrialState.RUNNING, extra.get("system_attrs", {}),
                                   extra.get("user_attrs", {}))

    def start_retry_of(self, study_id: int, number: int) -> FrozenTrial | None:
        with self._lock:
            rec = self._study(study_id)
            retry = next((n for n in rec.waiting if rec.trials[n].system_attrs.get("retried_from") == number), None)
            if retry is None:
                return None
            rec.waiting.remove(retry)
            now = time.time()
            t = self._replace(rec.trials[retry], state=TrialState.RUNNING, datetime_start=now, heartbeat=now)
            rec.trials[retry] = t
            return t

    @staticmethod
    def _replace(t: FrozenTrial, **changes: Any) -> FrozenTrial:
        kw: dict[str, Any] = {
            "number": t.number, "trial_id": t.trial_id, "state": t.state, "values": t.values,
            "params": t.params, "distributions": t._distributions,
            "intermediate_values": t._reports, "user_attrs": t.user_attrs,
            "system_attrs": t.system_attrs, "datetime_start": t.datetime_start_ts,
            "datetime_complete": t.datetime_complete_ts, "heartbeat": t.heartbeat_ts,
        }
        kw.update(changes)
        return FrozenTrial(**kw)

    def _locate(self, trial_id: int) -> tuple[_StudyRecord, int]:
        try:
            if trial_id < 0:
                raise IndexError
            sid, number = self._trial_study[trial_id], self._trial_number[trial_id]
            if sid < 0:
                raise IndexError
        except (IndexError, TypeError):
            raise KeyError(f"no trial with id {trial_id}") from None
        return self._studies[sid], number

    @staticmethod
    def _changes(params: Mapping[str, Any] | None, intermediate_values: Mapping[int, float] | None,
                 user_attrs: Mapping[str, Any] | None, system_attrs: Mapping[str, Any] | None,
                 stored: FrozenTrial | None = None) -> dict[str, Any]:
        """The fields of a write, checked and copied; reports merged with the ones ``stored`` has
        (a step stored already keeps its value: another process may report to the same trial),
        attributes merged per key into its attributes (``attr_changes``)."""
        if params:
            check_keys("parameter name", params, allow_empty=False)
        if user_attrs:
            check_keys("user attribute key", user_attrs)
        if system_attrs:
            check_keys("system attribute key", system_attrs)
        ch: dict[str, Any] = {}
        if params is not None:
            ch["params"] = _json_copy(dict(params))
        if intermediate_values is not None:
            reports = {int(k): float(v) for k, v in intermediate_values.items()}
            have = stored._reports if stored is not None else None
            if have:
                reports = {**reports, **have}
            ch["intermediate_values"] = reports
        if user_attrs is not None:
            ch["user_attrs"] = _merged(stored.user_attrs if stored is not None else None, user_attrs)
        if system_attrs is not None:
            ch["system_attrs"] = _merged(stored.system_attrs if stored is not None else None, system_attrs)
        return ch

    def update_trial(self, trial_id: int, *, params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> None:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state.is_finished():
                raise UpdateFinishedTrialError(f"trial {t.number} is already {t.state.value} and cannot change")
            # A live write is also a heartbeat, except for a detached trial (no heartbeat: never stale).
            beat = None if t.heartbeat_ts is None else time.time()
            rec.trials[number] = self._replace(
                t, heartbeat=beat, **self._changes(params, intermediate_values, user_attrs, system_attrs, t)
            )

    def finish_trial(self, trial_id: int, state: TrialState, values: list[float] | None, *,
                     params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> bool:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state is not TrialState.RUNNING and t.state is not TrialState.WAITING:
                return False  # finished already (COMPLETE, PRUNED, or FAILED e.g. as stale)
            if t.state == TrialState.WAITING and number in rec.waiting:
                rec.waiting.remove(number)
            done = self._replace(
                t, state=TrialState(state), values=None if values is None else [float(v) for v in values],
                datetime_complete=time.time(),
                **self._changes(params, intermediate_values, user_attrs, system_attrs, t),
            )
            rec.trials[number] = self._compact(rec, done)
            return True

    def record_late_result(self, trial_id: int, late: Mapping[str, Any]) -> bool:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state != TrialState.FAILED:
                return False
            attrs = {**t.system_attrs, "late_result": _json_copy(dict(late))}
            rec.trials[number] = self._compact(rec, self._replace(t, system_attrs=attrs))
            return True

    def record_late_params(self, trial_id: int, params: Mapping[str, Any]) -> list[str]:
        check_keys("parameter name", params, allow_empty=False)
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state not in (TrialState.COMPLETE, TrialState.PRUNED):
                return []
            added = [name for name in params if name not in t.params]
            if not added:
                return []
            new = _json_copy({name: params[name] for name in added})
            late = sorted({*t.system_attrs.get("late_params", ()), *added})
            rec.trials[number] = self._compact(rec, self._replace(
                t, params={**t.params, **new}, system_attrs={**t.system_attrs, "late_params": late}))
            return added

    @staticmethod
    def _compact(rec: _StudyRecord, t: FrozenTrial) -> FrozenTrial:
        """The finished trial in its compact form (studies hold 100,000s of them)."""
        kp, ku, ks = rec.keys
        t.params = kp.make(t.params)
        t.user_attrs = ku.make(t.user_attrs)
        t.system_attrs = ks.make(t.system_attrs)
        t._reports = series(t._reports)
        if t.state is not TrialState.FAILED:  # a FAILED trial can still get a late result
            compact_times(t, rec.times)
        return t

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            rec, number = self._locate(trial_id)
            return rec.trials[number]

    def get_trials(self, study_id: int, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        with self._lock:
            trials = self._study(study_id).trials
            if states is None:
                return list(trials)
            return [t for t in trials if t.state in states]

    def try_claim(self, study_id: int, key: str) -> bool:
        check_name("claim key", key, allow_empty=True)
        with self._lock:
            claims = self._study(study_id).claims
            if key in claims:
                return False
            claims.add(key)
            return True

    def claims_at_start(self) -> bool:
        return True

    def is_claimed(self, study_id: int, key: str) -> bool:
        with self._lock:
            return key in self._study(study_id).claims

    def claim_for_trial(self, study_id: int, trial_id: int, key: str, system_attrs: Mapping[str, Any]) -> bool:
        check_name("claim key", key, allow_empty=True)
        with self._lock:  # one step: the claim only once the write went through
            claims = self._study(study_id).claims
            if key in claims:
                return False
            self.update_trial(trial_id, system_attrs=dict(system_attrs))
            claims.add(key)
            return True

    def release_claim(self, study_id: int, key: str) -> bool:
        check_name("claim key", key, allow_empty=True)
        with self._lock:
            claims = self._study(study_id).claims
            if key not in claims:
                return False
            claims.discard(key)
            return True

    def claim_and_enqueue(self, study_id: int, key: str,
                          trials: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[FrozenTrial] | None:
        check_name("claim key", key, allow_empty=True)
        for params, attrs in trials:  # every error before the claim is taken
            check_keys("parameter name", params, allow_empty=False)
            check_keys("system attribute key", attrs)
            _json_copy([params, attrs])
        with self._lock:  # one step: no other thread sees the claim without the trials
            if not self.try_claim(study_id, key):
                return None
            return [self.enqueue_trial(study_id, params, system_attrs=attrs) for params, attrs in trials]

    def record_heartbeat(self, trial_id: int) -> bool:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state == TrialState.RUNNING and t.heartbeat_ts is not None:  # a detached trial stays so
                rec.trials[number] = self._replace(t, heartbeat=time.time())
                return True
            return False

    def detach_trial(self, trial_id: int) -> bool:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state != TrialState.RUNNING:
                return False
            rec.trials[number] = self._replace(t, heartbeat=None)
            return True

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[FrozenTrial]:
        # This class's own recovery (a subclass may route recover_stale_trials through this method)
        ended = InMemoryStorage.recover_stale_trials(self, study_id, grace_seconds, lambda t: StaleOutcome())
        return [t for t, _ in ended]

    def _end(self, rec: _StudyRecord, study_id: int, failed: FrozenTrial,
             outcome: Callable[[FrozenTrial], StaleOutcome]) -> tuple[FrozenTrial, FrozenTrial | None]:
        """Under the lock: end the trial ``failed`` (FAILED, its fail_reason set) as ``outcome``
        says and enqueue its retry; what :meth:`recover_stale_trials` and :meth:`recover_trial`
        do to each trial."""
        plan = outcome(failed)
        if plan.state is not TrialState.FAILED:
            failed = self._replace(failed, state=plan.state)
        rec.trials[failed.number] = failed
        retry = None
        if plan.retry is not None:
            retry = self.enqueue_trial(study_id, plan.retry[0], system_attrs=plan.retry[1])
        return failed, retry

    def recover_stale_trials(self, study_id: int, grace_seconds: float,
                             outcome: Callable[[FrozenTrial], StaleOutcome], *,
                             alive: Collection[int] = ()) -> list[tuple[FrozenTrial, FrozenTrial | None]]:
        with self._lock:
            rec = self._study(study_id)
            now = time.time()
            out: list[tuple[FrozenTrial, FrozenTrial | None]] = []
            for t in list(rec.trials):  # a copy: retries are appended
                beat = t.heartbeat_ts
                if t.state == TrialState.RUNNING and beat is not None and beat > now + 1.0:
                    # Written before the clock stepped back: its age starts now (as SQLStorage's).
                    rec.trials[t.number] = self._replace(t, heartbeat=now)
                    continue
                if t.state == TrialState.RUNNING and beat is not None and now - beat > grace_seconds:
                    if t.trial_id in alive:  # the caller runs it: its beat was late, not its worker dead
                        rec.trials[t.number] = self._replace(t, heartbeat=now)
                        continue
                    attrs = dict(t.system_attrs)
                    attrs["fail_reason"] = f"stale: no heartbeat for {now - beat:.1f} s"
                    failed = self._replace(t, state=TrialState.FAILED, datetime_complete=now, system_attrs=attrs)
                    out.append(self._end(rec, study_id, failed, outcome))
            return out

    def recover_trial(self, study_id: int, trial_id: int, reason: str,
                      outcome: Callable[[FrozenTrial], StaleOutcome], *,
                      params: Mapping[str, Any] | None = None,
                      intermediate_values: Mapping[int, float] | None = None,
                      user_attrs: Mapping[str, Any] | None = None,
                      system_attrs: Mapping[str, Any] | None = None) -> tuple[FrozenTrial, FrozenTrial | None] | None:
        with self._lock:
            rec, number = self._locate(trial_id)
            t = rec.trials[number]
            if t.state != TrialState.RUNNING:
                return None
            changes = self._changes(params, intermediate_values, user_attrs, system_attrs, t)
            attrs = dict(changes.get("system_attrs", t.system_attrs))
            attrs["fail_reason"] = reason
            changes.update(system_attrs=attrs, params={**changes.get("params", {}), **t.params})
            failed = self._replace(t, state=TrialState.FAILED, datetime_complete=time.time(), **changes)
            return self._end(rec, study_id, failed, outcome)
