"""SQLStorage: the storage interface over one SQL database (see the package docstring for the design).

The methods here say what each operation reads and writes; how statements are built
(``_statements``), run and retried (``_connection``), which schema they run against
(``_schema``) and how the trials read are kept (``_cache``) live beside this module.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

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
from tunewise.storage._names import check_keys, check_name
from tunewise.storage._sql._cache import StudyCache, by_number, frozen_trial
from tunewise.storage._sql._connection import (
    READ,
    WRITE,
    Abort,
    Backoff,
    Cursor,
    Database,
    LockWaits,
    check_synchronous,
    overlap,
    shared_stalls,
)
from tunewise.storage._sql._optuna import OptunaStudy, study_distributions
from tunewise.storage._sql._schema import TABLES, check_sqlite_storage, ensure_schema
from tunewise.storage._sql._schema import _lock as lock_schema
from tunewise.storage._sql._statements import Statements
from tunewise.testing.faults import crash_point
from tunewise.trial import DISTRIBUTIONS_ATTR, FrozenTrial, TrialState

__all__ = ["SQLStorage"]

_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.loads


class SQLStorage(BaseStorage):
    """Trials in a SQL database: ``sqlite:///path.db`` or ``postgresql+psycopg://user:pw@host/db``.

    Many processes (and machines, with PostgreSQL) can share one study through the same URL.
    ``retry_seconds`` bounds how long an operation keeps retrying (with exponential backoff) when
    the database connection is lost or the database is busy (opening a SQLite file that another
    process holds locked included), before raising StorageError;
    ``busy_timeout`` is how long SQLite waits for another process's write lock.

    Durability (SQLite): ``synchronous`` (or ``?synchronous=`` in the URL) is SQLite's
    ``PRAGMA synchronous``. ``"normal"`` (the default) does not fsync at each commit: a killed
    process loses nothing, but a power cut or OS crash can lose the last commits (the file stays
    intact). ``"full"`` fsyncs the write-ahead log at every commit, so nothing committed is lost;
    each trial then waits for the disk twice (start and finish). ``"off"`` never fsyncs: a power
    cut can corrupt the file. ``benchmarks/overhead.py --durability`` measures the cost per trial.

    Read-only: ``sqlite:///path.db?mode=ro`` (or the SQLite URI
    ``sqlite:///file:/path.db?mode=ro&uri=true``) opens the file read-only, as does a file this
    process cannot write (permissions, read-only media); reads work, writes raise StorageError.

    ``create=False`` opens an existing tunewise storage only (what the CLI's reading commands
    do): a missing SQLite file, or a database without tunewise's tables (another application's),
    raises StorageError naming it, and nothing is created or written there.

    >>> import os, tempfile
    >>> from tunewise.storage import SQLStorage
    >>> from tunewise.trial import TrialState
    >>> s = SQLStorage(f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'demo.db')}")
    >>> sid = s.create_study("demo", ["minimize"])
    >>> t = s.start_trial(sid)
    >>> s.finish_trial(t.trial_id, TrialState.COMPLETE, [0.5], params={"x": 1})
    True
    >>> [(t.number, t.value, t.params) for t in s.get_trials(sid)]
    [(0, 0.5, {'x': 1})]
    """

    def __init__(self, url: str, *, retry_seconds: float = 60.0, busy_timeout: float = 60.0,
                 engine_kwargs: Mapping[str, Any] | None = None, synchronous: str | None = None,
                 create: bool = True) -> None:
        if not isinstance(url, str):
            raise TypeError(f"storage URL must be a string, got {url!r}")
        if isinstance(retry_seconds, bool) or not isinstance(retry_seconds, (int, float)) or retry_seconds < 0:
            raise ValueError(f"retry_seconds must be a non-negative number of seconds, got {retry_seconds!r}")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)) or busy_timeout <= 0:
            raise ValueError(f"busy_timeout must be a positive number of seconds, got {busy_timeout!r}")
        if url.strip() in ("sqlite://", "sqlite:///:memory:"):
            # SQLite keeps a :memory: database per connection; a private file that lives as long
            # as this object behaves as Optuna's in-memory RDB does (scripts write
            # create_study(storage="sqlite:///:memory:")) and works with pooled and worker
            # connections too (workers reopen the file by its URL).
            import shutil
            import tempfile
            import weakref

            directory = tempfile.mkdtemp(prefix="tunewise-sqlite-memory-")
            weakref.finalize(self, shutil.rmtree, directory, ignore_errors=True)
            url = f"sqlite:///{directory}/memory.db"
        self._db = db = Database(
            url, retry_seconds=float(retry_seconds), busy_timeout=float(busy_timeout),
            engine_kwargs=dict(engine_kwargs or {}),
            synchronous=None if synchronous is None else check_synchronous(synchronous, "synchronous"),
        )
        self._url = url
        self._masked = db.masked
        self._is_sqlite = db.is_sqlite
        # The database's own methods, bound here once: the hot path calls them on every operation.
        self._run = db.run
        self._raw = db.raw
        self._release_thread = db.release_thread
        self._caches: dict[int, StudyCache] = {}
        self._caches_lock = threading.Lock()
        self._directions: dict[int, list[str]] = {}
        self._names: dict[int, str] = {}  # the studies this handle created or looked up by name
        # Running trials this process writes (see _Live): their attributes as last written or read
        # here, and (PostgreSQL) whether another process writes their reports too.
        self._live = _Live()
        # The stale check's heartbeats ahead of the clock: study id -> trial id -> (beat, first seen)
        self._ahead: dict[int, dict[int, tuple[float, float]]] = {}
        if not create and db.is_sqlite:
            try:
                check_sqlite_storage(db)  # before the first connection, which switches the file to WAL
            except BaseException:
                db.close()
                raise
        ensure_schema(db, create=create)
        self._stmts = Statements(db.engine.dialect)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SQLStorage:
        """Open the storage at ``url``, creating its tables on first use (see the class docstring)."""
        return cls(url, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes reopen the database by URL: connections never cross processes.
        db = self._db
        return (_reopen, (db.url, db.retry_seconds, db.busy_timeout, db.engine_kwargs, db.synchronous))

    def __repr__(self) -> str:
        return f"SQLStorage({self._masked!r})"

    @property
    def is_persistent(self) -> bool:
        return True

    @property
    def url(self) -> str:
        return self._url

    def close(self) -> None:
        self._db.close()

    # ---- caches -------------------------------------------------------------------------------
    def _cache(self, study_id: int) -> StudyCache:
        c = self._caches.get(study_id)
        if c is None:
            with self._caches_lock:
                c = self._caches.setdefault(study_id, StudyCache())
        return c

    def _refresh_dists(self, cur: Cursor, study_id: int, cache: StudyCache) -> None:
        for rid, name, text in cur.rows(self._stmts.q_dists, sid=study_id, after=cache.dist_id):
            if name not in cache.dists:
                cache.dists[name] = D.distribution_from_json(text)
            if rid > cache.dist_id:
                cache.dist_id = rid

    def _not_found(self, study_id: int) -> StudyNotFoundError:
        name = self._names.get(study_id)
        if name is None:
            return StudyNotFoundError(f"no study with id {study_id} in {self._masked} (was it deleted?)")
        return StudyNotFoundError(f"study {name!r} (id {study_id}) no longer exists in {self._masked}: it was "
                                  f"deleted (by another process, or through another handle) while this one had it open")

    # ---- studies ------------------------------------------------------------------------------
    def create_study(self, name: str, directions: list[str]) -> int:
        return self.create_study_with_attrs(name, directions, {})

    def create_study_with_attrs(self, name: str, directions: list[str], attrs: Mapping[str, Any]) -> int:
        check_name("study name", name)
        dirs = _dumps(list(directions))
        texts = {}
        for key, value in attrs.items():  # every error before the write
            check_name("study attribute key", key, allow_empty=True)
            if isinstance(value, Mapping):
                check_keys(f"study {key} attribute key" if key in ("user", "system") else f"key in study attribute "
                           f"{key!r}", value)
            texts[key] = _encode(value, "study attribute", key)

        def op(cur: Cursor) -> int:
            sid = cur.scalar(self._stmts.i_study, name=name, directions=dirs, created=time.time())
            if sid is None:
                raise DuplicatedStudyError(
                    f"a study named {name!r} already exists in {self._masked}; pass load_if_exists=True "
                    f"to resume it"
                )
            for key, text in texts.items():  # in the study's own transaction
                cur.count(self._stmts.i_attr, sid=int(sid), key=key, value=text)
            return int(sid)

        sid = self._run(op, WRITE)
        self._names[sid] = name
        return sid

    def get_study_id(self, name: str) -> int:
        check_name("study name", name)
        sid = self._run(lambda cur: cur.scalar(self._stmts.q_study_id, name=name), READ)
        if sid is None:
            raise StudyNotFoundError(f"no study named {name!r} in {self._masked}")
        self._names[int(sid)] = name  # for the error that says it was deleted (_not_found)
        return int(sid)

    def get_study_directions(self, study_id: int) -> list[str]:
        dirs = self._directions.get(study_id)
        if dirs is None:
            text = self._run(lambda cur: cur.scalar(self._stmts.q_directions, sid=study_id), READ)
            if text is None:
                raise self._not_found(study_id)
            dirs = self._directions[study_id] = _loads(text)
        return list(dirs)

    def get_all_studies(self) -> list[StudySummary]:
        def op(cur: Cursor) -> list[StudySummary]:
            studies = cur.rows(self._stmts.q_studies)
            stats = {r[0]: r[1:] for r in cur.rows(self._stmts.q_summary)}
            attrs: dict[int, dict[str, Any]] = {}
            for sid, key, value in cur.rows(self._stmts.q_all_attrs):
                attrs.setdefault(sid, {})[key] = _loads(value)
            out = []
            for sid, name, dirs_text, created in studies:
                dirs = _loads(dirs_text)
                n, n_complete, lo, hi, first = stats.get(sid, (0, 0, None, None, None))
                best = None
                if n_complete and len(dirs) == 1:
                    best = hi if dirs[0] == "maximize" else lo
                out.append(StudySummary(name, sid, dirs, int(n), int(n_complete or 0), best, created,
                                        attrs.get(sid, {}), first_trial_start=first, first_trial_start_known=True))
            return out

        return self._run(op, READ)

    def delete_study(self, study_id: int) -> None:
        def op(cur: Cursor) -> None:
            if cur.count(self._stmts.d_study, sid=study_id) == 0:
                raise self._not_found(study_id)
            for stmt in self._stmts.d_children:
                cur.run(stmt, sid=study_id)

        self._run(op, WRITE)
        with self._caches_lock:
            self._caches.pop(study_id, None)
        self._directions.pop(study_id, None)

    def set_study_attr(self, study_id: int, key: str, value: Any) -> None:
        check_name("study attribute key", key, allow_empty=True)
        if isinstance(value, Mapping):
            # "user"/"system": the study's user and system attributes (Study.set_user_attr)
            check_keys(f"study {key} attribute key" if key in ("user", "system") else f"key in study attribute "
                       f"{key!r}", value)
        text = _encode(value, "study attribute", key)
        if self._run(lambda cur: cur.count(self._stmts.i_attr, sid=study_id, key=key, value=text), WRITE) == 0:
            raise self._not_found(study_id)  # deleted (by another process): nothing written

    def set_study_attr_item(self, study_id: int, key: str, item: str, value: Any) -> None:
        check_name("study attribute key", key, allow_empty=True)
        check_keys(f"study {key} attribute key" if key in ("user", "system") else f"key in study attribute "
                   f"{key!r}", {item: None})
        patch: dict[str, Any] = _loads(_encode({item: value}, "study attribute", key))  # as JSON reads it back
        stmts = self._stmts

        def op(cur: Cursor) -> None:
            # The row is locked (SQLite: the whole database, by BEGIN IMMEDIATE) from the read to
            # the write, so an item another worker sets meanwhile is merged, never overwritten.
            cur.run(stmts.i_attr_absent, sid=study_id, key=key, value="{}")
            text = cur.scalar(stmts.q_attr_locked, sid=study_id, key=key)
            if text is None:  # not inserted: the study was deleted (by another process)
                raise self._not_found(study_id)
            current = _loads(text)
            if not isinstance(current, dict):
                raise not_a_dict(key, current)
            current.update(patch)
            cur.run(stmts.i_attr, sid=study_id, key=key, value=_dumps(current))

        self._run(op, WRITE)

    def get_study_attrs(self, study_id: int) -> dict[str, Any]:
        rows = self._run(lambda cur: cur.rows(self._stmts.q_attrs, sid=study_id), READ)
        attrs = {k: _loads(v) for k, v in rows if k is not None}
        if len(attrs) == len(rows):  # no row of NULLs: the study is gone (its attributes with it)
            raise self._not_found(study_id)
        return attrs

    # ---- distributions ------------------------------------------------------------------------
    def get_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        cache = self._cache(study_id)

        def op(cur: Cursor) -> dict[str, D.Distribution]:
            with cache.lock:
                self._refresh_dists(cur, study_id, cache)
                return dict(cache.dists)

        return self._run(op, READ)

    def known_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        cache = self._cache(study_id)
        with cache.lock:
            return dict(cache.dists)

    def add_distribution(self, study_id: int, name: str, dist: D.Distribution) -> D.Distribution:
        check_name("parameter name", name)
        text = D.distribution_to_json(dist)

        def op(cur: Cursor) -> str:
            # The insert returns the row it wrote; a name another worker stored first is read back.
            row = cur.one(self._stmts.i_dist, sid=study_id, name=name, dist=text)
            if row is not None:
                return row[0]  # type: ignore[no-any-return]
            return cur.scalar(self._stmts.q_dist, sid=study_id, name=name)  # type: ignore[no-any-return]

        # One autocommit statement (READ: no BEGIN/COMMIT around it): a trial suggesting n new
        # parameters makes n round trips, not 4n. Stored rows never change, so the read-back of
        # a conflict needs no transaction; a retried insert finds its own row and reads it back.
        stored = self._run(op, READ)
        result = dist if stored == text else D.distribution_from_json(stored)
        cache = self._cache(study_id)
        with cache.lock:  # a name keeps one distribution per study: safe to learn it now
            cache.dists.setdefault(name, result)
        return result

    # ---- trials -------------------------------------------------------------------------------
    def _enqueue_texts(self, fixed_params: Mapping[str, Any], system_attrs: Mapping[str, Any] | None,
                       user_attrs: Mapping[str, Any] | None) -> tuple[str, str, int | None]:
        """An enqueued trial's system and user attrs as stored, and its ``retried_from`` column;
        every error before the transaction."""
        check_keys("parameter name", fixed_params, allow_empty=False)
        check_keys("user attribute key", user_attrs)
        check_keys("system attribute key", system_attrs)
        sys_attrs = dict(system_attrs or {})
        sys_attrs["fixed_params"] = dict(fixed_params)
        sys_text = _encode(sys_attrs, "enqueued trial", "system_attrs/fixed_params")
        retried = sys_attrs.get("retried_from")
        retried_from = retried if isinstance(retried, int) and not isinstance(retried, bool) else None
        return sys_text, _encode(dict(user_attrs or {}), "enqueued trial", "user_attrs"), retried_from

    def _insert_waiting(self, cur: Cursor, study_id: int, texts: tuple[str, str, int | None]) -> tuple[int, int]:
        """Inside a write transaction: insert a WAITING trial; its id and number."""
        sys_text, user_text, retried_from = texts
        row = cur.one(self._stmts.u_bump_new, sid=study_id)
        if row is None:
            raise self._not_found(study_id)
        seq, next_number = row
        tid = cur.scalar(self._stmts.i_trial, sid=study_id, number=next_number - 1, state=TrialState.WAITING.value,
                         params="{}", user_attrs=user_text, system_attrs=sys_text, start=None, hb=None, seq=seq,
                         retried_from=retried_from)
        return tid, next_number - 1

    def _enqueued(self, study_id: int, tid: int, number: int, texts: tuple[str, str, int | None]) -> FrozenTrial:
        cache = self._cache(study_id)
        with cache.lock:
            cache.last_number = max(cache.last_number, number)
            cache.enqueued_here.add(number)
        return FrozenTrial(number=number, trial_id=tid, state=TrialState.WAITING, distributions=cache.dists,
                           system_attrs=_loads(texts[0]), user_attrs=_loads(texts[1]))

    def enqueue_trial(self, study_id: int, fixed_params: Mapping[str, Any],
                      system_attrs: Mapping[str, Any] | None = None,
                      user_attrs: Mapping[str, Any] | None = None) -> FrozenTrial:
        texts = self._enqueue_texts(fixed_params, system_attrs, user_attrs)
        tid, number = self._run(lambda cur: self._insert_waiting(cur, study_id, texts), WRITE)
        return self._enqueued(study_id, tid, number, texts)

    def claim_and_enqueue(self, study_id: int, key: str,
                          trials: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[FrozenTrial] | None:
        check_name("claim key", key, allow_empty=True)
        texts = [self._enqueue_texts(params, attrs, None) for params, attrs in trials]

        def op(cur: Cursor) -> list[tuple[int, int]] | None:
            # One transaction: a worker killed anywhere in it leaves neither the claim nor the trials.
            if cur.count(self._stmts.i_claim, sid=study_id, key=key) != 1:
                return None
            crash_point("claim:enqueue")
            return [self._insert_waiting(cur, study_id, t) for t in texts]

        rows = self._run(op, WRITE)
        if rows is None:
            return None
        return [self._enqueued(study_id, tid, number, t) for (tid, number), t in zip(rows, texts, strict=True)]

    def _check_budget(self, cur: Cursor, study_id: int, max_started: int) -> tuple[Any, ...] | None:
        """Inside the start's transaction: None while the budget has room; once ``max_started``
        trials have started (retries of stale trials not counted: a retry re-runs the same trial),
        the row of the oldest WAITING retry, which is the only trial that may start then (not the
        oldest WAITING trial, which may be a new one: an ASHA promotion, an enqueued
        configuration); MaxTrialsReached without one."""
        started = int(cur.scalar(self._stmts.q_started, sid=study_id) or 0)
        if started >= max_started:  # only near the cap
            started -= int(cur.scalar(self._stmts.q_retries, sid=study_id) or 0)
        if started < max_started:
            return None
        row = cur.one(self._stmts.q_waiting_retry, sid=study_id)
        if row is not None:
            return tuple(row)
        from tunewise.exceptions import MaxTrialsReached

        raise MaxTrialsReached(f"study id {study_id} in {self._masked} has used its budget of "
                               f"{max_started} trials")

    def _claim_retry(self, cur: Cursor, study_id: int, row: tuple[Any, ...],
                     dists: dict[str, D.Distribution]) -> tuple[FrozenTrial, tuple[str, str]]:
        tid, number, user_text, sys_text = row
        now = time.time()
        seq = cur.scalar(self._stmts.u_bump, sid=study_id)
        cur.run(self._stmts.u_claim, tid=tid, start=now, seq=seq, user_attrs=None, system_attrs=None,
                **self._stmts.now_params())
        return FrozenTrial(number=number, trial_id=tid, state=TrialState.RUNNING, distributions=dists,
                           user_attrs=_loads(user_text), system_attrs=_loads(sys_text), datetime_start=now,
                           heartbeat=now), (user_text, sys_text)

    def start_retry_of(self, study_id: int, number: int) -> FrozenTrial | None:
        dists = self._cache(study_id).dists

        def op(cur: Cursor) -> tuple[FrozenTrial, tuple[str, str]] | None:
            row = cur.one(self._stmts.q_waiting_retry_of, sid=study_id, number=number)
            return None if row is None else self._claim_retry(cur, study_id, tuple(row), dists)

        started = self._run(op, WRITE)
        return None if started is None else self._started(study_id, started[0], True, started[1])

    def has_waiting_retry(self, study_id: int) -> bool:
        # One read of the (study_id, state, number) index range of WAITING trials; retried_from is a column.
        return self._run(lambda cur: cur.one(self._stmts.q_has_waiting_retry, sid=study_id), READ) is not None

    def next_trial_number(self, study_id: int, *, claim_waiting: bool = True) -> int:
        # From what this process has read and started: no database round trip. Exact for a single
        # worker; with several, a prediction the caller checks (see PreparedStart).
        cache = self._cache(study_id)
        with cache.lock:
            if claim_waiting:
                waiting = [n for n in (*cache.state_numbers[TrialState.WAITING], *cache.enqueued_here)
                           if n not in cache.claimed_here]
                if waiting:
                    return min(waiting)
            return max(cache.numbers[-1] if cache.numbers else -1, cache.last_number) + 1

    def _started(self, study_id: int, t: FrozenTrial, claimed: bool, texts: tuple[str, str]) -> FrozenTrial:
        cache = self._cache(study_id)
        with cache.lock:
            cache.last_number = max(cache.last_number, t.number)
            if claimed:
                cache.claimed_here.add(t.number)
        # The attributes as stored (``texts``): the base of this trial's attribute writes from here
        # (parsed again when first needed: the dicts of ``t`` are its caller's).
        self._live.start(t.trial_id, texts[0], None, texts[1], None)
        return t

    @staticmethod
    def _prepared_texts(prepared: PreparedStart | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        if prepared is None:
            return None, None
        return (dict(prepared.user_attrs) or None, dict(prepared.system_attrs) or None)

    def start_trial(self, study_id: int, *, claim_waiting: bool = True,
                    max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        dists = self._cache(study_id).dists
        user_patch, sys_patch = self._prepared_texts(prepared)
        if user_patch is not None:
            _encode(user_patch, "trial", "user_attrs")  # a clear error before the transaction
        if sys_patch is not None:
            _encode(sys_patch, "trial", "system_attrs")
        claim = None if prepared is None else prepared.claim
        if not self._is_sqlite:
            return self._start_trial_pg(study_id, claim_waiting, dists, max_started, prepared)

        def op(cur: Cursor) -> tuple[FrozenTrial, bool, tuple[str, str]]:
            now = time.time()
            if max_started is not None:  # BEGIN IMMEDIATE holds the write lock: count and start are atomic
                retry = self._check_budget(cur, study_id, max_started)
                if retry is not None:
                    t, texts = self._claim_retry(cur, study_id, retry, dists)
                    return t, True, texts
            if claim_waiting:
                row = cur.one(self._stmts.q_waiting, sid=study_id)
                if row is not None:
                    tid, number, user_text, sys_text = row
                    user, system = _loads(user_text), _loads(sys_text)
                    new_user = new_sys = None
                    if prepared is not None and prepared.applies_to(number, claimed=True):
                        self._claim_in_start(cur, study_id, claim)
                        if user_patch is not None:  # merged over the enqueued trial's own attributes
                            user.update(user_patch)
                            new_user = _dumps(user)
                        if sys_patch is not None:
                            system.update(sys_patch)
                            new_sys = _dumps(system)
                    seq = cur.scalar(self._stmts.u_bump, sid=study_id)
                    cur.run(self._stmts.u_claim, tid=tid, start=now, seq=seq, user_attrs=new_user, system_attrs=new_sys,
                            **self._stmts.now_params())
                    return FrozenTrial(number=number, trial_id=tid, state=TrialState.RUNNING, distributions=dists,
                                       user_attrs=user, system_attrs=system,
                                       datetime_start=now, heartbeat=now), True, (new_user or user_text,
                                                                                  new_sys or sys_text)
            bumped = cur.one(self._stmts.u_bump_new, sid=study_id)
            if bumped is None:
                raise self._not_found(study_id)
            seq, next_number = bumped
            user = system = None
            if prepared is not None and prepared.applies_to(next_number - 1, claimed=False):
                self._claim_in_start(cur, study_id, claim)
                user, system = user_patch, sys_patch
            texts = ("{}" if user is None else _dumps(user), "{}" if system is None else _dumps(system))
            tid = cur.scalar(self._stmts.i_trial, sid=study_id, number=next_number - 1, state=TrialState.RUNNING.value,
                             params="{}", user_attrs=texts[0], system_attrs=texts[1], start=now, hb=now, seq=seq,
                             retried_from=None)
            return FrozenTrial(number=next_number - 1, trial_id=tid, state=TrialState.RUNNING,
                               distributions=dists, user_attrs=dict(user or {}), system_attrs=dict(system or {}),
                               datetime_start=now, heartbeat=now), False, texts

        t, claimed, texts = self._run(op, WRITE)
        return self._started(study_id, t, claimed, texts)

    def _claim_in_start(self, cur: Cursor, study_id: int, claim: str | None) -> None:
        """Inside a start's transaction, when it writes the prepared attributes: claim their key;
        ClaimTaken (the transaction rolls back: nothing starts) when another worker holds it."""
        if claim is not None and cur.count(self._stmts.i_claim, sid=study_id, key=claim) != 1:
            raise ClaimTaken(f"{claim!r} is claimed already in study id {study_id}")

    def _start_trial_pg(self, study_id: int, claim_waiting: bool, dists: dict[str, D.Distribution],
                        max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        now = time.time()
        user_patch, sys_patch = self._prepared_texts(prepared)
        claim = None if prepared is None else prepared.claim
        params = {
            "sid": study_id, "claim": claim_waiting, "start": now,
            "expect": None if prepared is None else prepared.number,
            "user_patch": None if user_patch is None else _dumps(user_patch),
            "sys_patch": None if sys_patch is None else _dumps(sys_patch),
        }

        def finish(cur: Cursor | None, row: Any) -> tuple[FrozenTrial, tuple[str, str], bool]:
            # The started row as a trial. With a claim (cur: inside the start's transaction), the
            # claim and a claimed WAITING trial's patch are written in that transaction too.
            if row is None:
                raise self._not_found(study_id)
            tid, number, user_text, sys_text, claimed = row
            user, system = _loads(user_text), _loads(sys_text)
            applies = prepared is not None and prepared.applies_to(number, bool(claimed))
            if applies and cur is not None:
                self._claim_in_start(cur, study_id, claim)
            if claimed and applies and (user_patch or sys_patch):
                # A claimed WAITING trial (enqueued or retried: rare) keeps its own attributes, merged
                # with the patch here in a second statement: its stored JSON may hold NaN, which
                # PostgreSQL's jsonb could not merge in the start statement.
                user.update(user_patch or {})
                system.update(sys_patch or {})
                texts = {"params": None, "intermediate": None, "user_attrs": _dumps(user) if user_patch else None,
                         "system_attrs": _dumps(system) if sys_patch else None, "user_base": user_text,
                         "system_base": sys_text}
                if cur is not None:
                    cur.one(self._stmts.pg_live_attrs, tid=tid, **texts)
                else:
                    self._run(lambda c: c.one(self._stmts.pg_live_attrs, tid=tid, **texts), READ)
                user_text, sys_text = texts["user_attrs"] or user_text, texts["system_attrs"] or sys_text
            t = FrozenTrial(number=number, trial_id=tid, state=TrialState.RUNNING, distributions=dists,
                            user_attrs=user, system_attrs=system, datetime_start=now, heartbeat=now)
            return t, (user_text, sys_text), bool(claimed)

        if max_started is None and claim is None:  # one autocommit statement: the hot path
            sent: list[int | None] = []
            t, texts, claimed = finish(None, self._run(lambda cur: self._pg_start_row(cur, params, sent), READ))
            return self._started(study_id, t, claimed, texts)

        def op(cur: Cursor) -> tuple[FrozenTrial, tuple[str, str], bool]:
            if max_started is not None:
                # Lock the study row first (every start updates it, so starts queue here), then
                # count: under READ COMMITTED this later statement sees every start committed before.
                if cur.one(self._stmts.q_lock_study, sid=study_id) is None:
                    raise self._not_found(study_id)
                retry = self._check_budget(cur, study_id, max_started)
                if retry is not None:
                    t, texts = self._claim_retry(cur, study_id, retry, dists)
                    return t, texts, True
            return finish(cur, cur.one(self._stmts.pg_start, **params))

        t, texts, claimed = self._run(op, WRITE)
        return self._started(study_id, t, claimed, texts)

    def _pg_start_row(self, cur: Cursor, params: dict[str, Any], sent: list[int | None]) -> Any:
        """The single-statement start's row. Run again after an attempt that got no answer (the
        connection dropped: the server may have committed it), it would start a second trial and
        leave the first RUNNING with nobody running it (failed as stale a grace period later, and
        retried). So a rerun first looks for the trial the lost attempt started: the study's
        RUNNING trial with this call's ``datetime_start`` (a client float of ``time.time()``), once
        the server process that ran the attempt is done with it. ``sent``: the server process ids
        of the attempts so far."""
        if sent:
            self._await_backend(cur, sent[-1])
            rows = cur.rows(self._stmts.pg_started_at, sid=params["sid"], start=params["start"])
            if len(rows) == 1:  # (two: another worker's start at the very same time; not told apart)
                tid, number, user_text, sys_text = rows[0]
                # Only a queued (WAITING) trial carries fixed_params: the start claimed it
                return tid, number, user_text, sys_text, "fixed_params" in _loads(sys_text)
        sent.append(_backend_pid(cur))
        return cur.one(self._stmts.pg_start, **params)

    def _await_backend(self, cur: Cursor, pid: int | None) -> None:
        """Wait until the PostgreSQL server process ``pid`` (the one an attempt whose answer was
        lost ran in) no longer runs a statement or a transaction: a dropped connection does not
        stop a running statement, and what it writes is visible only once it committed. At most
        ``retry_seconds``; then whether the attempt was stored is unknown (StorageError)."""
        if pid is None or pid == _backend_pid(cur):
            return  # the same connection: the attempt failed with an error, nothing is running
        backoff = Backoff(self._db.retry_seconds)
        while cur.one(self._stmts.pg_backend_busy, pid=pid) is not None:
            if not backoff.wait():
                raise self._db.error(
                    f"a write got no answer, and the server process that ran it (pid {pid}) is still busy after "
                    f"{self._db.retry_seconds:g} s: whether it was stored is unknown")

    def _no_row(self, trial_id: int, finishing: bool) -> Any:
        state = self._run(lambda cur: cur.scalar(self._stmts.q_state, tid=trial_id), READ)
        if state is None:
            raise KeyError(f"no trial with id {trial_id} in {self._masked}")
        if finishing:
            return False
        raise UpdateFinishedTrialError(f"trial {trial_id} is already {state} and cannot change")

    @staticmethod
    def _fields(params: Mapping[str, Any] | None, intermediate_values: Mapping[int, float] | None,
                user_attrs: Mapping[str, Any] | None, system_attrs: Mapping[str, Any] | None
                ) -> tuple[dict[str, Any], list[_Change]]:
        """A write's statement parameters, with its params and reports as stored (JSON text), and
        the changes its attributes make (``attr_changes``: merged per key into the stored ones by
        :meth:`_attrs` or :meth:`_merge_stored`)."""
        check_keys("parameter name", params, allow_empty=False)
        check_keys("user attribute key", user_attrs)
        check_keys("system attribute key", system_attrs)
        fields: dict[str, Any] = {
            "params": None if params is None else _encode(dict(params), "trial", "params"),
            "intermediate": None if intermediate_values is None else _dumps(
                {str(int(k)): float(v) for k, v in intermediate_values.items()}),
            "user_attrs": None, "system_attrs": None,
        }
        if user_attrs is None and system_attrs is None:
            return fields, _NO_CHANGES
        changes = []
        for kind, attrs in (("user", user_attrs), ("system", system_attrs)):
            if attrs is None:
                continue
            patch, removed = attr_changes(attrs)
            if patch or removed:
                changes.append((kind, patch, removed))
        return fields, changes

    def _attrs(self, trial_id: int, fields: dict[str, Any], changes: list[_Change], new: dict[str, Any]) -> bool:
        """Fill in ``fields``' attribute texts (and ``new``, the attributes as written) from what
        this process last wrote or read of the trial's attributes: their base, which the write
        requires to be still stored. False when a base is not known here: the write merges under
        a row lock instead. Every error before the write."""
        entry = self._live.get(trial_id)
        fast = entry is not None
        for kind, patch, removed in changes:
            i = 0 if kind == "user" else 2
            if not fast or entry[i] is None:  # type: ignore[index]
                _encode(patch, "trial", f"{kind}_attrs")  # a clear error before the write
                fast = False
                continue
            base = entry[i + 1]  # type: ignore[index]
            if base is None:
                base = {} if entry[i] == "{}" else _loads(entry[i])  # type: ignore[index]
            merged = applied(base, patch, removed)
            fields[f"{kind}_attrs"], fields[f"{kind}_base"] = _encode(merged, "trial", f"{kind}_attrs"), entry[i]  # type: ignore[index]
            new[kind] = merged
        return fast

    def _wrote(self, trial_id: int, fields: dict[str, Any], new: dict[str, Any]) -> None:
        """After a live write with attributes went through: they are the base of the trial's next write."""
        self._live.wrote(trial_id, new.get("user"), fields["user_attrs"], new.get("system"), fields["system_attrs"])

    def _merge_stored(self, cur: Cursor, trial_id: int, fields: dict[str, Any], changes: list[_Change],
                      new: dict[str, Any]) -> str | None:
        """Inside a write transaction, when a live write or finish could not go through as it was
        (another process reported steps it lacks, or changed the attributes since this process
        last wrote them): lock the trial's row and merge into ``fields`` the stored reports (a
        stored step keeps its value, as ``Trial.report`` keeps the first value of a step; as the
        stored text followed by the new entries) and the stored attributes (the write's keys set,
        its removed keys removed, the others kept), so that the write then goes through. The
        trial's state (None if there is no such trial)."""
        if not self._is_sqlite and cur.one(self._stmts.q_lock_study_of, tid=trial_id) is None:
            return None
        row = cur.one(self._stmts.q_live_stored, tid=trial_id)
        if row is None:
            return None
        state, stored, user_text, sys_text = row
        if state not in _LIVE:
            return state  # type: ignore[no-any-return]
        if fields["intermediate"] is not None:
            fields["intermediate"] = _merged_reports(stored, fields["intermediate"])
        for kind, patch, removed in changes:
            text = user_text if kind == "user" else sys_text
            merged = applied(_loads(text), patch, removed)
            fields[f"{kind}_attrs"], fields[f"{kind}_base"], new[kind] = _dumps(merged), text, merged
        return state  # type: ignore[no-any-return]

    def update_trial(self, trial_id: int, *, params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> None:
        self._update(trial_id, params, intermediate_values, user_attrs, system_attrs)

    def claim_for_trial(self, study_id: int, trial_id: int, key: str, system_attrs: Mapping[str, Any]) -> bool:
        check_name("claim key", key, allow_empty=True)
        return self._update(trial_id, None, None, None, dict(system_attrs), claim=(study_id, key))

    def _update(self, trial_id: int, params: Mapping[str, Any] | None,
                intermediate_values: Mapping[int, float] | None, user_attrs: Mapping[str, Any] | None,
                system_attrs: Mapping[str, Any] | None, claim: tuple[int, str] | None = None) -> bool:
        """A live trial's write (:meth:`update_trial`); with ``claim`` (study id, key), the key is
        claimed in the write's transaction (:meth:`claim_for_trial`): False, and nothing written,
        when it is claimed already."""
        fields, changes = self._fields(params, intermediate_values, user_attrs, system_attrs)
        new: dict[str, Any] = {}
        fast = not changes or self._attrs(trial_id, fields, changes, new)
        stmts = self._stmts
        if changes:  # the statements that also check the attributes' base
            fields.setdefault("user_base", None)
            fields.setdefault("system_base", None)

        def claimed(cur: Cursor) -> bool:
            # After the write, which updates the study's row first, as a start does before it
            # claims: one lock order, so a start and this write claiming one key cannot deadlock.
            # A key held already rolls the write back (Abort), and nothing is written.
            if claim is not None and cur.count(stmts.i_claim, sid=claim[0], key=claim[1]) != 1:
                raise Abort(False)
            return True

        if not self._is_sqlite:
            pg_live = stmts.pg_live_attrs if changes else stmts.pg_live
            # One autocommit statement; READ here means "no explicit BEGIN". It changes nothing
            # when the trial is finished, when another process reported steps this write lacks, or
            # changed the attributes since this process last wrote them. A claim needs a transaction.
            if claim is None and fast and not self._live.merging(trial_id) and \
                    self._run(lambda cur: cur.one(pg_live, tid=trial_id, **fields), READ) is not None:
                if changes:
                    self._wrote(trial_id, fields, new)
                return True
            if claim is None:  # another process writes this trial too: its writes merge from now on
                self._live.merge_from_now(trial_id)

            def merge(cur: Cursor) -> bool:
                if claim is not None and fast and not self._live.merging(trial_id) and \
                        cur.one(pg_live, tid=trial_id, **fields) is not None:
                    return claimed(cur)
                state = self._merge_stored(cur, trial_id, fields, changes, new)
                if state is None:
                    raise KeyError(f"no trial with id {trial_id} in {self._masked}")
                if state not in _LIVE or cur.one(pg_live, tid=trial_id, **fields) is None:
                    raise UpdateFinishedTrialError(f"trial {trial_id} is already {state} and cannot change")
                return claimed(cur)

            return self._live_write(merge, trial_id, fields, changes, new)

        u_live = stmts.u_live_attrs if changes else stmts.u_live

        def op(cur: Cursor) -> bool:  # (BEGIN IMMEDIATE: a claim and the write commit together)
            bumped = cur.one(stmts.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if fast and cur.count(u_live, tid=trial_id, seq=bumped[1], **fields, **stmts.now_params()) == 1:
                return claimed(cur)
            state = self._merge_stored(cur, trial_id, fields, changes, new)
            if state not in _LIVE or cur.count(u_live, tid=trial_id, seq=bumped[1], **fields,
                                               **stmts.now_params()) == 0:
                raise UpdateFinishedTrialError(f"trial {trial_id} is already {state} and cannot change")
            return claimed(cur)

        return self._live_write(op, trial_id, fields, changes, new)

    def _live_write(self, op: Callable[[Cursor], bool], trial_id: int, fields: dict[str, Any],
                    changes: list[_Change], new: dict[str, Any]) -> bool:
        """Run a live trial's write transaction ``op``: a trial found finished is forgotten (and the
        error raised); attributes written become the base of the trial's next write. What ``op``
        returned (False: it wrote nothing, a claim it needed was taken)."""
        try:
            wrote = self._run(op, WRITE)
        except UpdateFinishedTrialError:
            self._live.drop(trial_id)
            raise
        if wrote and changes:
            self._wrote(trial_id, fields, new)
        return bool(wrote)

    def finish_trial(self, trial_id: int, state: TrialState, values: list[float] | None, *,
                     params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> bool:
        state = TrialState(state)
        if not state.is_finished():
            raise ValueError(f"finish_trial state must be COMPLETE, PRUNED or FAILED, got {state.value}")
        fields, changes = self._fields(params, intermediate_values, user_attrs, system_attrs)
        new: dict[str, Any] = {}
        fast = not changes or self._attrs(trial_id, fields, changes, new)
        merging = self._live.drop(trial_id)  # finished from here on (or already): nothing to remember
        vals = None if values is None else [float(v) for v in values]
        fields.update(state=state.value, values=None if vals is None else _dumps(vals),
                      value0=vals[0] if vals else None, end=time.time())
        stmts = self._stmts
        if changes:  # the statements that also check the attributes' base
            fields.setdefault("user_base", None)
            fields.setdefault("system_base", None)
        if not self._is_sqlite:
            pg_finish = stmts.pg_finish_attrs if changes else stmts.pg_finish
            if fast and not merging and \
                    self._run(lambda cur: cur.one(pg_finish, tid=trial_id, **fields), READ) is not None:
                return True

            def merge(cur: Cursor) -> bool:
                stored = self._merge_stored(cur, trial_id, fields, changes, new)
                if stored is None:
                    raise KeyError(f"no trial with id {trial_id} in {self._masked}")
                if stored in _LIVE:
                    return cur.one(pg_finish, tid=trial_id, **fields) is not None
                # Finished already (a late finish never overwrites a decision): by this very call
                # when the answer of its single statement was lost and the rerun found it finished
                # (its state and its datetime_complete, a client float), otherwise elsewhere.
                return cur.one(stmts.pg_finished_at, tid=trial_id, state=fields["state"], end=fields["end"]) is not None

            return self._run(merge, WRITE)

        u_finish = stmts.u_finish_attrs if changes else stmts.u_finish

        def op(cur: Cursor) -> bool:
            bumped = cur.one(stmts.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if fast and cur.count(u_finish, tid=trial_id, seq=bumped[1], **fields) == 1:
                return True
            stored = self._merge_stored(cur, trial_id, fields, changes, new)
            if stored not in _LIVE or cur.count(u_finish, tid=trial_id, seq=bumped[1], **fields) == 0:
                raise Abort(False)  # already COMPLETE or PRUNED: roll back the seq bump too
            return True

        return self._run(op, WRITE)

    def record_late_result(self, trial_id: int, late: Mapping[str, Any]) -> bool:
        late_text = _encode(dict(late), "trial", "late_result")

        def op(cur: Cursor) -> bool:
            bumped = cur.one(self._stmts.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            row = cur.one(self._stmts.q_trial, tid=trial_id)
            if row is None or row[3] != TrialState.FAILED.value:
                raise Abort(False)
            attrs = _loads(row[8])
            attrs["late_result"] = _loads(late_text)
            cur.run(self._stmts.u_late, tid=trial_id, system_attrs=_dumps(attrs), seq=bumped[1])
            return True

        return self._run(op, WRITE)

    def record_late_params(self, trial_id: int, params: Mapping[str, Any]) -> list[str]:
        check_keys("parameter name", params, allow_empty=False)
        _encode(dict(params), "trial", "params")  # a clear error before the write

        def op(cur: Cursor) -> list[str]:
            bumped = cur.one(self._stmts.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            row = cur.one(self._stmts.q_trial, tid=trial_id)
            if row is None or row[3] not in (TrialState.COMPLETE.value, TrialState.PRUNED.value):
                raise Abort([])
            stored = _loads(row[5])
            added = [name for name in params if name not in stored]
            if not added:
                raise Abort([])  # nothing to add: roll back the seq bump too
            stored.update({name: params[name] for name in added})
            attrs = _loads(row[8])
            attrs["late_params"] = sorted({*attrs.get("late_params", ()), *added})
            cur.run(self._stmts.u_late_params, tid=trial_id, state=row[3], params=_encode(stored, "trial", "params"),
                    system_attrs=_dumps(attrs), seq=bumped[1])
            return added

        return self._run(op, WRITE)  # type: ignore[no-any-return]

    def _fetch_changes(self, cur: Cursor, study_id: int, cache: StudyCache) -> None:
        """Read the study's trials written since the cache's last read into it; StudyNotFoundError
        when the study is gone (deleted by another process: the cache must not answer for it)."""
        rows = cur.rows(self._stmts.q_changed, sid=study_id, seq=cache.seq)
        # The statement's last row is the study's own (NULL trial id), if the study exists.
        if rows and rows[-1][0] is None:
            rows.pop()
        elif any(row[0] is None for row in rows):  # (UNION ALL keeps the order in practice)
            rows = [row for row in rows if row[0] is not None]
        else:
            raise self._not_found(study_id)
        if cache.seq < 0:
            cache.seq = 0
        if not rows:
            return
        dists = cache.dists
        frozen = frozen_trial
        parsed = [frozen(row, dists, cache) for row in rows]
        max_seq = max(row[11] for row in rows)
        if any(k not in dists for t in parsed for k in t.params):
            self._refresh_dists(cur, study_id, cache)
        parsed.sort(key=by_number)
        live = self._live
        for t in parsed:
            cache.apply(t)
            if live and t.state.is_finished():  # finished, here or elsewhere: its writes are over
                live.drop(t.trial_id)
        if max_seq > cache.seq:
            cache.seq = max_seq

    def get_trial(self, trial_id: int) -> FrozenTrial:
        def op(cur: Cursor) -> FrozenTrial:
            row = cur.one(self._stmts.q_trial, tid=trial_id)
            if row is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            cache = self._cache(row[0])
            with cache.lock:
                cached = cache.get(row[2])
                if cached is not None and cached.trial_id == trial_id and cached.state.is_finished() \
                        and cached.state.value == row[3]:
                    return cached
                t = frozen_trial(row[1:], cache.dists, cache)
                if any(k not in cache.dists for k in t.params):
                    self._refresh_dists(cur, row[0], cache)
                return t

        return self._run(op, READ)

    def best_complete_trial(self, study_id: int, maximize: bool) -> FrozenTrial | None:
        stmt = self._stmts.q_best_max if maximize else self._stmts.q_best_min
        trial_id = self._run(lambda cur: cur.scalar(stmt, sid=study_id), READ)
        return None if trial_id is None else self.get_trial(trial_id)

    def get_trials(self, study_id: int, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        cache = self._cache(study_id)

        def op(cur: Cursor) -> list[FrozenTrial]:
            with cache.lock:
                self._fetch_changes(cur, study_id, cache)
                return cache.select(states)

        return self._run(op, READ)

    def try_claim(self, study_id: int, key: str) -> bool:
        check_name("claim key", key, allow_empty=True)
        return self._run(lambda cur: cur.count(self._stmts.i_claim, sid=study_id, key=key), WRITE) == 1

    def claims_at_start(self) -> bool:
        return True

    def is_claimed(self, study_id: int, key: str) -> bool:
        return self._run(lambda cur: cur.one(self._stmts.q_claimed, sid=study_id, key=key), READ) is not None

    def release_claim(self, study_id: int, key: str) -> bool:
        check_name("claim key", key, allow_empty=True)
        return self._run(lambda cur: cur.count(self._stmts.d_claim, sid=study_id, key=key), WRITE) == 1

    # ---- liveness -----------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> bool:
        # A heartbeat is not a change readers care about: no seq bump, no study lock. The row count
        # says whether the trial still takes beats (RUNNING, not detached), at no extra cost.
        return self._run(lambda cur: cur.count(self._stmts.u_heartbeat, tid=trial_id, **self._stmts.now_params()) > 0,
                         WRITE)

    def detach_trial(self, trial_id: int) -> bool:
        def op(cur: Cursor) -> bool:
            # A change readers see (seq): a detached trial is one nobody waits for (see _heartbeat).
            bumped = cur.one(self._stmts.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if cur.count(self._stmts.u_detach, tid=trial_id, seq=bumped[1]) == 0:
                raise Abort(False)  # not RUNNING: roll back the seq bump too
            return True

        return self._run(op, WRITE)

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[FrozenTrial]:
        # This class's own recovery (a subclass may route recover_stale_trials through this method)
        return [t for t, _ in SQLStorage.recover_stale_trials(self, study_id, grace_seconds, lambda t: StaleOutcome())]

    def _end(self, cur: Cursor, study_id: int, failed: FrozenTrial, outcome: Callable[[FrozenTrial], StaleOutcome],
             update: Callable[[TrialState], int]) -> _Ended | None:
        """Inside a write transaction: end ``failed`` (the trial as it would be stored FAILED, its
        fail_reason set) as ``outcome`` says, with ``update(state)`` (the number of rows it changed:
        0 when the trial is no longer what was read), and insert its retry; what
        :meth:`recover_stale_trials` and :meth:`recover_trial` do to each trial. A kill anywhere
        in here rolls all of it back."""
        plan = outcome(failed)
        failed.state = plan.state
        if update(plan.state) != 1:
            return None
        retry = None
        if plan.retry is not None:
            texts = self._enqueue_texts(plan.retry[0], plan.retry[1], None)
            retry = (*self._insert_waiting(cur, study_id, texts), texts)
        return failed, retry

    def _ended(self, study_id: int, ended: _Ended) -> tuple[FrozenTrial, FrozenTrial | None]:
        t, r = ended
        return t, None if r is None else self._enqueued(study_id, r[0], r[1], r[2])

    def recover_stale_trials(self, study_id: int, grace_seconds: float,
                             outcome: Callable[[FrozenTrial], StaleOutcome], *,
                             alive: Collection[int] = ()) -> list[tuple[FrozenTrial, FrozenTrial | None]]:
        if isinstance(grace_seconds, bool) or not isinstance(grace_seconds, (int, float)) or grace_seconds < 0:
            raise ValueError(f"grace_seconds must be a non-negative number of seconds, got {grace_seconds!r}")
        grace = float(grace_seconds)
        # A cheap read first: the write lock is taken only when something is stale.
        stmts = self._stmts
        rows = self._run(lambda cur: cur.rows(stmts.q_stale_or_ahead, sid=study_id, grace=grace,
                                              **stmts.now_params()), READ)
        due = self._beats_ahead(study_id, grace, [(r[0], r[1], r[2]) for r in rows if not r[3]])
        if not due and not any(r[3] for r in rows):
            return []
        dists = self._cache(study_id).dists

        # When nobody could write, as this process saw it: SQLite, its writes waited for the write
        # lock; PostgreSQL, it could not reach the server (nor, then, could the workers' heartbeats)
        waits = self._db.lock_waits if self._db.lock_waits is not None else self._db.outages

        def op(cur: Cursor) -> list[_Ended]:
            seq = cur.scalar(stmts.u_bump, sid=study_id)
            if seq is None:
                raise self._not_found(study_id)
            out: list[_Ended] = []
            # Heartbeats ahead of the clock, unchanged for a grace period: their age starts when first seen.
            written = sum(cur.count(stmts.u_future_beats, tid=tid, beat=beat, since=since)
                          for tid, beat, since in due) > 0
            stalls: list[tuple[float, float]] | None = None
            for row in cur.rows(stmts.q_stale, sid=study_id, grace=grace, **stmts.now_params()):
                now = row[12]
                t = frozen_trial(row, dists)
                if t.trial_id in alive:  # the caller runs it: its beat was late, not its worker dead
                    cur.run(stmts.u_heartbeat, tid=t.trial_id, **stmts.now_params())
                    written = True
                    continue
                if waits is not None and t.heartbeat_ts is not None:
                    if stalls is None:
                        stalls = self._stalls(cur, study_id, waits, now - grace)
                    if stalls and now - t.heartbeat_ts - overlap(stalls, t.heartbeat_ts, now) <= grace:
                        # Silent only while nobody could write: another process held the write
                        # lock (stopped inside a write), and its worker's beats waited too.
                        continue
                attrs = dict(t.system_attrs)
                age = now - (t.heartbeat_ts if t.heartbeat_ts is not None else now)
                attrs["fail_reason"] = f"stale: no heartbeat for {age:.1f} s (grace period {grace:g} s)"
                end = time.time()
                failed = FrozenTrial(
                    number=t.number, trial_id=t.trial_id, state=TrialState.FAILED, values=None,
                    params=t.params, distributions=dists, intermediate_values=t.intermediate_values,
                    user_attrs=t.user_attrs, system_attrs=attrs, datetime_start=t.datetime_start_ts,
                    datetime_complete=end, heartbeat=t.heartbeat_ts,
                )
                def update(state: TrialState, tid: int = t.trial_id, attrs: dict[str, Any] = attrs,
                           end: float = end) -> int:
                    # 0 rows: a heartbeat arrived since the select, so the trial is alive after all
                    return cur.count(stmts.u_stale, tid=tid, state=state.value, system_attrs=_dumps(attrs), end=end,
                                     seq=seq, grace=grace, **stmts.now_params())

                ended = self._end(cur, study_id, failed, outcome, update)
                if ended is not None:
                    out.append(ended)
            if not out and not written:
                raise Abort([])  # nothing ended: roll back the seq bump, which readers would re-read for
            return out

        ended = self._run(op, WRITE)
        for t, _ in ended:
            self._live.drop(t.trial_id)
        return [self._ended(study_id, e) for e in ended]

    def _beats_ahead(self, study_id: int, grace: float, ahead: list[tuple[int, float, float]]
                     ) -> list[tuple[int, float, float]]:
        """``(trial_id, beat, since)`` of the heartbeats in ``ahead`` (``(trial_id, beat, now)``:
        the study's running trials whose heartbeat lies ahead of the clock) that this handle has
        seen unchanged since ``since``, more than ``grace`` seconds ago: their workers stopped
        beating. A beat that changed is a live worker's (on a machine whose clock runs ahead, or
        beating on since the clock stepped back) and is left as written: setting it to now on every
        check was a write per check that was a read (s29). Remembers what it saw for the next call.
        """
        seen = self._ahead.get(study_id, {})
        now_seen: dict[int, tuple[float, float]] = {}
        due = []
        for tid, beat, now in ahead:
            before = seen.get(tid)
            since = before[1] if before is not None and before[0] == beat else now
            now_seen[tid] = (beat, since)
            if now - since > grace:
                due.append((tid, beat, since))
        self._ahead[study_id] = now_seen
        return due

    def _stalls(self, cur: Cursor, study_id: int, waits: LockWaits, since: float) -> list[tuple[float, float]]:
        """When nobody could write to this SQLite file, as far as this process can tell, among the
        spans that end at ``since`` or later (only those can excuse a trial's silence past the
        grace period). A span is a wait of this process's writes for the write lock, begun as early
        as the study's last write before it: a process that found a trial stale only once the
        stall had lasted a grace period (its own writes did not wait before) knows the lock was
        held since then at the latest, as no write of the study landed in between."""
        # This process's own spans, and those other processes wrote into the file (the process that
        # held the lock, stopped inside a write, wrote its span before letting go: a checker that
        # joined as the stall ended, and saw no wait, knows of it too)
        spans = sorted([*waits.since(since), *(shared_stalls(cur.cur, since) if self._db.is_sqlite else [])])
        out = []
        for start, end in spans:
            last = [v for v in cur.one(self._stmts.q_last_write, sid=study_id, before=start) or () if v is not None]
            out.append((min(start, max(last)) if last else start, end))
        return sorted(out)

    def recover_trial(self, study_id: int, trial_id: int, reason: str,
                      outcome: Callable[[FrozenTrial], StaleOutcome], *,
                      params: Mapping[str, Any] | None = None,
                      intermediate_values: Mapping[int, float] | None = None,
                      user_attrs: Mapping[str, Any] | None = None,
                      system_attrs: Mapping[str, Any] | None = None) -> tuple[FrozenTrial, FrozenTrial | None] | None:
        given, changes = self._fields(params, intermediate_values, user_attrs, system_attrs)
        for kind, patch, _ in changes:
            _encode(patch, "trial", f"{kind}_attrs")  # every error before the write
        stmts = self._stmts
        dists = self._cache(study_id).dists

        def op(cur: Cursor) -> _Ended | None:
            # The study row first (the seq bump locks it, as every write to a trial does), then
            # the trial as it is now: RUNNING, or finished meanwhile and left alone.
            seq = cur.scalar(stmts.u_bump, sid=study_id)
            if seq is None:
                raise self._not_found(study_id)
            row = cur.one(stmts.q_trial, tid=trial_id)
            if row is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if row[3] != TrialState.RUNNING.value:
                raise Abort(None)
            t = frozen_trial(row[1:], dists)
            reports = row[6] if given["intermediate"] is None else _merged_reports(row[6], given["intermediate"])
            merged = {"user": dict(t.user_attrs), "system": dict(t.system_attrs)}
            for kind, patch, removed in changes:  # merged per key into the stored ones
                for key in removed:
                    merged[kind].pop(key, None)
                merged[kind].update(patch)
            attrs = merged["system"]
            attrs["fail_reason"] = reason
            end = time.time()
            failed = FrozenTrial(
                number=t.number, trial_id=trial_id, state=TrialState.FAILED, values=None,
                params={**(_loads(given["params"]) if params is not None else {}), **t.params}, distributions=dists,
                intermediate_values={int(k): v for k, v in _loads(reports).items()},
                user_attrs=merged["user"], system_attrs=attrs,
                datetime_start=t.datetime_start_ts, datetime_complete=end, heartbeat=t.heartbeat_ts,
            )
            texts = {"params": _dumps(failed.params), "intermediate": reports,
                     "user_attrs": _dumps(failed.user_attrs), "system_attrs": _encode(attrs, "trial", "system_attrs"),
                     "user_base": row[7], "system_base": row[8]}  # as read: the row is locked by the seq bump
            return self._end(cur, study_id, failed, outcome, lambda state: cur.count(
                stmts.u_finish_attrs, tid=trial_id, seq=seq, state=state.value, values=None, value0=None, end=end,
                **texts))

        ended = self._run(op, WRITE)
        self._live.drop(trial_id)
        return None if ended is None else self._ended(study_id, ended)

    # ---- importing ------------------------------------------------------------------------------
    def _import_study(self, study: OptunaStudy, *, source: str) -> int:
        """Write a study read from another tool (``_optuna.read_optuna``) as it was: trial numbers,
        states and times included, in one transaction. Its id."""
        check_name("study name", study.name)
        check_keys("study user attribute key", study.user_attrs)
        check_keys("study system attribute key", study.system_attrs)
        dists = study_distributions(study.trials)
        for name in dists:
            check_name("parameter name", name)
        numbers = [t.number for t in study.trials]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"study {study.name!r} has two trials with the same number; it cannot be imported")
        rows = []
        for seq, t in enumerate(study.trials, start=1):
            check_keys("user attribute key", t.user_attrs)
            check_keys("system attribute key", t.system_attrs)
            system = dict(t.system_attrs)
            own = {k: d.to_json() for k, d in t.distributions.items() if k in t.params and d != dists[k]}
            if own:  # the trial's own distributions, where they differ from the study's (FrozenTrial.distributions)
                system[DISTRIBUTIONS_ATTR] = own
            values = None if t.values is None else [float(v) for v in t.values]
            rows.append({
                "number": t.number, "state": TrialState(t.state).value,
                "value0": values[0] if values else None, "objective_values": None if values is None else _dumps(values),
                "params": _encode(t.params, "trial", "params"),
                "intermediate": _dumps({str(k): float(v) for k, v in t.intermediate_values.items()}),
                "user_attrs": _encode(t.user_attrs, "trial", "user_attrs"),
                "system_attrs": _encode(system, "trial", "system_attrs"),
                "datetime_start": t.datetime_start, "datetime_complete": t.datetime_complete, "heartbeat": None,
                "seq": seq, "retried_from": None,
            })
        starts = [t.datetime_start for t in study.trials if t.datetime_start is not None]
        tables = TABLES
        db = self._db

        def write() -> int:
            with db.engine.connect() as conn, conn.begin():
                lock_schema(db, conn)
                st = tables["studies"]
                if conn.execute(sa.select(st.c.study_id).where(st.c.name == study.name)).first() is not None:
                    raise DuplicatedStudyError(f"a study named {study.name!r} already exists in {self._masked}")
                key = conn.execute(sa.insert(st).values(
                    name=study.name, directions=_dumps(list(study.directions)),
                    next_number=max(numbers) + 1 if numbers else 0, seq=len(rows),
                    created=min(starts) if starts else time.time())).inserted_primary_key
                assert key is not None
                sid = key[0]
                attrs = {"user": study.user_attrs, "system": study.system_attrs, "imported_from": {
                    "tool": "optuna", "source": source, "imported": time.time()}}
                conn.execute(sa.insert(tables["attrs"]), [
                    {"study_id": sid, "key": k, "value": _encode(v, "study attribute", k)}
                    for k, v in attrs.items() if v])
                if dists:
                    conn.execute(sa.insert(tables["dists"]), [
                        {"study_id": sid, "name": k, "distribution": D.distribution_to_json(d)}
                        for k, d in dists.items()])
                if rows:
                    conn.execute(sa.insert(tables["trials"]), [{"study_id": sid, **r} for r in rows])
                return int(sid)

        return db.open_with_retry(write)


_LIVE = (TrialState.RUNNING.value, TrialState.WAITING.value)
# A trial ended by recover_stale_trials / recover_trial, and its retry as inserted (id, number, texts), if any.
_Ended = tuple[FrozenTrial, tuple[int, int, tuple[str, str, int | None]] | None]


# What a write does to one kind of attributes ("user" or "system"): keys to set, keys to remove.
_Change = tuple[str, dict[str, Any], frozenset[str]]
_NO_CHANGES: list[_Change] = []


class _Live(dict[int, list[Any]]):
    """Running trials this process writes: trial id -> ``[user_attrs text, user_attrs, system_attrs
    text, system_attrs, merging]``. The attributes are as this process last wrote (or read at the
    start) them: the base a write's keys are merged into, which is what is stored as long as no
    other process changed them (the statement checks). ``merging``: another process writes the
    trial's reports or attributes too (found by a write that could not go through as it was), so
    its writes on PostgreSQL go straight to the merging transaction (one commit, not two).

    An entry goes when the trial finishes here, when a write finds it finished, and when this
    process reads it finished (a trial finished elsewhere); and at most ``CAP`` entries are kept,
    the oldest forgotten first (a trial without one merges under a row lock: slower, not wrong).
    """

    CAP = 1024

    def start(self, trial_id: int, user_text: str | None, user: dict[str, Any] | None, sys_text: str | None,
              system: dict[str, Any] | None, merging: bool = False) -> None:
        if trial_id not in self and len(self) >= self.CAP:
            try:
                del self[next(iter(self))]
            except (StopIteration, KeyError, RuntimeError):  # another thread changed it meanwhile
                pass
        self[trial_id] = [user_text, user, sys_text, system, merging]

    def wrote(self, trial_id: int, user: dict[str, Any] | None, user_text: str | None,
              system: dict[str, Any] | None, sys_text: str | None) -> None:
        entry = self.get(trial_id)
        if entry is None:
            self.start(trial_id, user_text, user, sys_text, system)
            return
        if user_text is not None:
            entry[0], entry[1] = user_text, user
        if sys_text is not None:
            entry[2], entry[3] = sys_text, system

    def merging(self, trial_id: int) -> bool:
        entry = self.get(trial_id)
        return entry is not None and entry[4]  # type: ignore[no-any-return]

    def merge_from_now(self, trial_id: int) -> None:
        entry = self.get(trial_id)
        if entry is None:
            self.start(trial_id, None, None, None, None, True)
        else:
            entry[4] = True

    def drop(self, trial_id: int) -> bool:
        """Forget the trial; whether its writes were merging."""
        entry = self.pop(trial_id, None)
        return entry is not None and entry[4]  # type: ignore[no-any-return]


def _backend_pid(cur: Cursor) -> int | None:
    """The PostgreSQL server process id of a cursor's connection (known to the client: no round trip)."""
    info = getattr(getattr(cur.cur, "connection", None), "info", None)
    pid = getattr(info, "backend_pid", None)
    return pid if isinstance(pid, int) else None


def _merged_reports(stored: str, mine: str) -> str:
    """The reports ``stored`` (JSON text) followed by the entries of ``mine`` for steps it lacks:
    a stored step keeps its value. As text that extends ``stored`` (see ``Statements.u_live``).

    >>> _merged_reports('{"0":0.5,"2":0.1}', '{"0":0.5,"1":0.3}')
    '{"0":0.5,"2":0.1,"1":0.3}'
    """
    have = _loads(stored)
    new = {k: v for k, v in _loads(mine).items() if k not in have}
    if not new:
        return stored
    tail = _dumps(new)[1:]
    return "{" + tail if stored == "{}" else stored[:-1] + "," + tail


def _encode(value: Any, what: str, field: str) -> str:
    try:
        return _dumps(value)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"{what} {field} must be JSON-serializable (numbers, strings, bools, None, lists, dicts): {e}"
        ) from None


def _reopen(url: str, retry_seconds: float, busy_timeout: float, engine_kwargs: dict[str, Any],
            synchronous: str | None = None) -> SQLStorage:
    return SQLStorage(url, retry_seconds=retry_seconds, busy_timeout=busy_timeout, engine_kwargs=engine_kwargs,
                      synchronous=synchronous)
