"""SQL storage through SQLAlchemy Core: SQLite for one machine, PostgreSQL for many.

Design (why it is fast and safe):

- One row per trial, with its params, values, reports and attributes as JSON text columns, so a
  trial write is one statement and reading any number of trials is one query. Nothing is pickled.
- Every write to a study bumps the study's ``seq`` counter inside the write transaction and stamps
  the changed trial row with it. The study row stays locked until commit, so ``seq`` values become
  visible in increasing order. A reader keeps the trials it has seen and asks only for rows with
  ``seq`` above the last one it saw: the cost of a read is proportional to what changed, not to
  the size of the study. Finished trials never change, so cached ones are shared, never copied.
- Trial numbers come from the study's ``next_number`` counter in the same transaction that
  inserts the trial, so they are unique and dense across any number of workers.
- SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and every write
  transaction starts with ``BEGIN IMMEDIATE``: a writer takes the write lock before it reads,
  which is what rules out the "database is locked" upgrade deadlock between processes.
- PostgreSQL claims enqueued trials with ``FOR UPDATE SKIP LOCKED`` so two workers never run the
  same one; starting and finishing a trial are single statements (data-modifying CTEs), one
  network round trip each. Operations are retried with backoff when the connection drops
  (bounded by ``retry_seconds``, then a :class:`~tunewise.exceptions.StorageError`).
- Statements are built with SQLAlchemy Core and compiled once per dialect; the hot path runs
  them on the pooled DBAPI connection, because SQLAlchemy's per-execute machinery costs several
  times what SQLite spends on these small statements.
- Writes that were committed but whose answer was lost with the connection are retried; for
  ``start_trial`` that can leave one orphan RUNNING trial, which heartbeats then fail as stale.
"""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import threading
import time
import urllib.parse
from bisect import bisect_left
from collections.abc import Callable, Container, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tunewise import distributions as D
from tunewise.exceptions import DuplicatedStudyError, StorageError, StudyNotFoundError
from tunewise.storage._base import SCHEMA_VERSION, BaseStorage, PreparedStart, StudySummary
from tunewise.storage._compact import EMPTY, KeyShared, TimeColumns, compact_times, series
from tunewise.storage._names import check_keys, check_name
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["SQLStorage"]

_T = TypeVar("_T")

_STATES = {s.value: s for s in TrialState}

_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.loads


# ---- schema -----------------------------------------------------------------------------------
# Tables carry a ``tunewise_`` prefix so a database can also hold other tools' tables (Optuna's
# ``studies``/``trials`` for instance) without collisions.
def _schema() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    # sqlite_autoincrement: never reuse the ids of deleted rows, as reader caches key on them.
    meta = sa.Table(
        "tunewise_meta", md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    studies = sa.Table(
        "tunewise_studies", md,
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(512), nullable=False, unique=True),
        sa.Column("directions", sa.Text, nullable=False),
        sa.Column("next_number", sa.Integer, nullable=False, default=0),
        sa.Column("seq", sa.BigInteger, nullable=False, default=0),
        sa.Column("created", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    attrs = sa.Table(
        "tunewise_study_attrs", md,
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    dists = sa.Table(
        "tunewise_distributions", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.UniqueConstraint("study_id", "name", name="uq_tunewise_distributions"),
        sqlite_autoincrement=True,
    )
    trials = sa.Table(
        "tunewise_trials", md,
        sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("value0", sa.Float, nullable=True),  # first objective, for SQL-side summaries
        sa.Column("objective_values", sa.Text, nullable=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("intermediate", sa.Text, nullable=False),
        sa.Column("user_attrs", sa.Text, nullable=False),
        sa.Column("system_attrs", sa.Text, nullable=False),
        sa.Column("datetime_start", sa.Float, nullable=True),
        sa.Column("datetime_complete", sa.Float, nullable=True),
        sa.Column("heartbeat", sa.Float, nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        # The number of the crashed trial this one reruns (a retry does not count against
        # max_trials): a real column, as matching JSON text by substring is fooled by any
        # parameter or attribute that happens to be named "retried_from" (schema version 2).
        sa.Column("retried_from", sa.Integer, nullable=True),
        sa.UniqueConstraint("study_id", "number", name="uq_tunewise_trials_number"),
        # (study_id, state, number): finds the oldest WAITING trial without scanning the study.
        sa.Index("ix_tunewise_trials_state", "study_id", "state", "number"),
        sa.Index("ix_tunewise_trials_seq", "study_id", "seq"),
        sqlite_autoincrement=True,
    )
    claims = sa.Table(
        "tunewise_claims", md,
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
    )
    return md, {"meta": meta, "studies": studies, "attrs": attrs, "dists": dists, "trials": trials,
                "claims": claims}


_METADATA, _TABLES = _schema()


# ---- URLs and errors ----------------------------------------------------------------------------
_PASSWORD_RE = re.compile(r"(://[^:/@]*:)[^@]*(@)")


def _mask(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe to print in errors and logs)."""
    return _PASSWORD_RE.sub(r"\1***\2", url)


def _first_line(e: BaseException) -> str:
    orig = getattr(e, "orig", None) or e
    text = " ".join(str(orig).split())  # one line, even for multi-line driver messages
    return text[:300]


def _explain_connect_error(e: BaseException) -> str:
    msg = _first_line(e)
    low = msg.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return f"authentication failed (wrong user name or password): {msg}"
    if "connection refused" in low or "could not connect" in low or "timeout" in low \
            or "name or service not known" in low or "could not translate host" in low:
        return f"server unreachable (is PostgreSQL running and accepting TCP connections there?): {msg}"
    if "does not exist" in low:
        return f"{msg} (create it first, e.g. `createdb NAME`)"
    return msg


# SQLite's PRAGMA synchronous levels offered (EXTRA differs from FULL only without WAL).
_SYNCHRONOUS = {"off": 0, "normal": 1, "full": 2}


def _check_synchronous(value: Any, where: str) -> str:
    if isinstance(value, str) and value.lower() in _SYNCHRONOUS:
        return value.lower()
    raise ValueError(
        f"{where} must be 'normal' (the default: a power cut can lose the last commits), 'full' (fsync at "
        f"every commit: nothing committed is lost) or 'off' (no fsync: a power cut can corrupt the file), "
        f"got {value!r}"
    )


# Query parameters SQLAlchemy passes to the sqlite3 driver itself (not part of a SQLite URI).
_PYSQLITE_ARGS = frozenset({"uri", "timeout", "isolation_level", "detect_types", "check_same_thread",
                            "cached_statements"})


def _truthy(value: str) -> bool:  # how SQLAlchemy reads the boolean ``uri`` query parameter
    return value.strip().lower() in ("true", "yes", "on", "y", "t", "1")


def _sqlite_problem(e: BaseException, path: str | None, read_only: str | None) -> str | None:
    """An explanation, with what to do, for a SQLite error the user must act on (None: no advice)."""
    msg = _first_line(e)
    low = msg.lower()
    shown = repr(path) if path else "the database file"
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        recover = f"sqlite3 {shlex.quote(path)} .recover | sqlite3 recovered.db" if path else \
            "sqlite3 FILE .recover | sqlite3 recovered.db"
        return (f"the SQLite file {shown} is corrupt ({msg}); restore it from a backup, or salvage what is "
                f"still readable with `{recover}` and open recovered.db instead")
    if "readonly" in low or "read-only" in low:
        why = f"it was opened read-only ({read_only})" if read_only else \
            "the file, its directory or the disk is not writable"
        return f"the SQLite file {shown} is read-only: {why}, so nothing can be written ({msg})"
    return None


_WRITE = True
_READ = False


class _Abort(Exception):
    """Internal: roll back and return ``value`` from the operation."""

    def __init__(self, value: Any) -> None:
        self.value = value


# ---- the per-study reader cache ----------------------------------------------------------------
class _StudyCache:
    """Trials of one study seen by this process, kept sorted by number, plus per-state views."""

    __slots__ = ("claimed_here", "dist_id", "dists", "enqueued_here", "keys", "last_number", "lock", "numbers",
                 "seq", "state_numbers", "state_trials", "times", "trials")

    def __init__(self) -> None:
        self.seq = -1  # highest study seq applied
        self.numbers: list[int] = []
        self.trials: list[FrozenTrial] = []
        self.state_numbers: dict[TrialState, list[int]] = {s: [] for s in TrialState}
        self.state_trials: dict[TrialState, list[FrozenTrial]] = {s: [] for s in TrialState}
        # Shared by every FrozenTrial of the study and grown in place: a parameter keeps one
        # distribution per study, so this dict only ever gains keys.
        self.dists: dict[str, D.Distribution] = {}
        self.dist_id = 0
        # Key tables shared by the finished trials' params / user_attrs / system_attrs dicts.
        self.keys = (KeyShared(), KeyShared(), KeyShared())
        self.times = TimeColumns()  # start/complete times of COMPLETE and PRUNED trials
        self.lock = threading.Lock()
        # What this process wrote, for next_trial_number() without a read: the cache learns of
        # its own starts and enqueues only at its next read.
        self.last_number = -1  # the highest trial number this process created
        # Both forget a trial once a read shows it is no longer WAITING (apply): they stay as
        # small as the queue, and a trial another worker claimed stops being predicted.
        self.enqueued_here: set[int] = set()  # WAITING trials this process enqueued
        self.claimed_here: set[int] = set()  # WAITING trials this process claimed

    @staticmethod
    def _put(numbers: list[int], trials: list[FrozenTrial], t: FrozenTrial) -> None:
        n = t.number
        if not numbers or numbers[-1] < n:  # the common case: a new trial at the end
            numbers.append(n)
            trials.append(t)
            return
        i = bisect_left(numbers, n)
        if i < len(numbers) and numbers[i] == n:
            trials[i] = t
        else:
            numbers.insert(i, n)
            trials.insert(i, t)

    @staticmethod
    def _drop(numbers: list[int], trials: list[FrozenTrial], n: int) -> None:
        i = bisect_left(numbers, n)
        if i < len(numbers) and numbers[i] == n:
            del numbers[i]
            del trials[i]

    def apply(self, t: FrozenTrial) -> None:
        if t.state != TrialState.WAITING and (self.enqueued_here or self.claimed_here):
            self.enqueued_here.discard(t.number)
            self.claimed_here.discard(t.number)
        old = self.get(t.number)
        if old is not None and old.state != t.state:
            self._drop(self.state_numbers[old.state], self.state_trials[old.state], old.number)
        self._put(self.numbers, self.trials, t)
        self._put(self.state_numbers[t.state], self.state_trials[t.state], t)

    def get(self, number: int) -> FrozenTrial | None:
        i = bisect_left(self.numbers, number)
        if i < len(self.numbers) and self.numbers[i] == number:
            return self.trials[i]
        return None

    def select(self, states: Container[TrialState] | None) -> list[FrozenTrial]:
        if states is None:
            return list(self.trials)
        chosen = [self.state_trials[s] for s in TrialState if s in states]
        if len(chosen) == 1:
            return list(chosen[0])
        out = [t for lst in chosen for t in lst]
        out.sort(key=_number)  # few sorted runs: Timsort merges them in linear time
        return out


def _number(t: FrozenTrial) -> int:
    return t.number


_EMPTY = EMPTY  # the shared empty dict of finished trials (see _compact)

# Parameter and attribute names (and short string values) repeat in every trial; JSON decoding
# makes a new string object for each. Sharing one object per distinct string saves ~50 bytes per
# name per trial. Capped, so a study with unbounded distinct strings cannot grow it forever.
_STRINGS: dict[str, str] = {}
_STRINGS_CAP = 50_000


def _shared_strings(text: str) -> dict[str, Any]:
    d: dict[str, Any] = _loads(text)
    if len(_STRINGS) > _STRINGS_CAP:
        return d
    share = _STRINGS.setdefault
    return {share(k, k): (share(v, v) if type(v) is str and len(v) <= 64 else v) for k, v in d.items()}


def _finished_dict(text: str, keys: KeyShared | None) -> dict[str, Any]:
    if text == "{}":
        return _EMPTY
    d = _shared_strings(text)
    return d if keys is None else keys.make(d)


class _Stmt:
    """A statement built with SQLAlchemy Core, compiled once for the dialect.

    The hot path executes it on the pooled DBAPI connection directly: SQLAlchemy's per-execute
    machinery costs several times what SQLite itself spends on these small statements.
    """

    __slots__ = ("defaults", "sql")

    def __init__(self, stmt: sa.ClauseElement, dialect: sa.Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.defaults = dict(compiled.params)


class _Cursor:
    """A DBAPI cursor that runs :class:`_Stmt` objects with named parameters."""

    __slots__ = ("cur",)

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def run(self, stmt: _Stmt, **params: Any) -> Any:
        p = dict(stmt.defaults)
        p.update(params)
        self.cur.execute(stmt.sql, p)
        return self.cur

    def rows(self, stmt: _Stmt, **params: Any) -> list[tuple[Any, ...]]:
        return self.run(stmt, **params).fetchall()  # type: ignore[no-any-return]

    def one(self, stmt: _Stmt, **params: Any) -> tuple[Any, ...] | None:
        # fetchall, not fetchone: SQLite cannot commit while a RETURNING cursor is unconsumed.
        rows = self.run(stmt, **params).fetchall()
        return rows[0] if rows else None

    def scalar(self, stmt: _Stmt, **params: Any) -> Any:
        row = self.one(stmt, **params)
        return None if row is None else row[0]

    def count(self, stmt: _Stmt, **params: Any) -> int:
        return int(self.run(stmt, **params).rowcount)


class _Backoff:
    """Waits between retries: exponential with jitter, for at most ``seconds`` from the first."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None
        self.delay = 0.05

    def wait(self) -> bool:
        """Sleep before the next attempt; False (no sleep) once ``seconds`` have passed."""
        now = time.monotonic()
        if self.deadline is None:
            self.deadline = now + self.seconds
        if now >= self.deadline:
            return False
        time.sleep(min(self.delay * (0.5 + random.random()), self.deadline - now))
        self.delay = min(self.delay * 2, 2.0)
        return True


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
                 engine_kwargs: Mapping[str, Any] | None = None, synchronous: str | None = None) -> None:
        if not isinstance(url, str):
            raise TypeError(f"storage URL must be a string, got {url!r}")
        if isinstance(retry_seconds, bool) or not isinstance(retry_seconds, (int, float)) or retry_seconds < 0:
            raise ValueError(f"retry_seconds must be a non-negative number of seconds, got {retry_seconds!r}")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)) or busy_timeout <= 0:
            raise ValueError(f"busy_timeout must be a positive number of seconds, got {busy_timeout!r}")
        self._url = url
        self._masked = _mask(url)
        self._retry_seconds = float(retry_seconds)
        self._busy_timeout = float(busy_timeout)
        self._engine_kwargs = dict(engine_kwargs or {})
        self._synchronous = None if synchronous is None else _check_synchronous(synchronous, "synchronous")
        self._read_only: str | None = None  # why a SQLite file is opened read-only (set by _create_engine)
        self._path: str | None = None  # the SQLite file
        self._engine = self._create_engine()
        self._is_sqlite = self._engine.dialect.name == "sqlite"
        dbapi: Any = self._engine.dialect.dbapi
        self._dbapi = dbapi
        self._db_errors: tuple[type[BaseException], ...] = (sa_exc.DBAPIError, dbapi.Error)
        self._local = threading.local()
        self._pid = os.getpid()
        self._caches: dict[int, _StudyCache] = {}
        self._caches_lock = threading.Lock()
        self._directions: dict[int, list[str]] = {}
        self._ensure_schema()
        self._build_statements()

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SQLStorage:
        """Open the storage at ``url``, creating its tables on first use (see the class docstring)."""
        return cls(url, **kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        # Worker processes reopen the database by URL: connections never cross processes.
        return (_reopen, (self._url, self._retry_seconds, self._busy_timeout, self._engine_kwargs,
                          self._synchronous))

    def __repr__(self) -> str:
        return f"SQLStorage({self._masked!r})"

    @property
    def is_persistent(self) -> bool:
        return True

    @property
    def url(self) -> str:
        return self._url

    def close(self) -> None:
        raw = getattr(self._local, "raw", None)
        self._local.raw = None
        if raw is not None and os.getpid() == self._pid:
            try:
                raw.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not raise
                pass
        self._engine.dispose(close=os.getpid() == self._pid)

    # ---- engine and connections ---------------------------------------------------------------
    def _error(self, problem: str) -> StorageError:
        return StorageError(f"storage {self._masked!r}: {problem}")

    def _create_engine(self) -> sa.Engine:
        try:
            url = sa.engine.make_url(self._url)
        except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError or ValueError here
            raise self._error(
                "malformed URL; expected e.g. 'sqlite:///path/to/tunewise.db' or "
                "'postgresql+psycopg://user:password@host:5432/dbname'"
            ) from None
        backend = url.get_backend_name()
        kwargs: dict[str, Any] = {"pool_size": 4, "max_overflow": -1, "poolclass": sa.pool.QueuePool}
        if backend == "sqlite":
            if url.drivername not in ("sqlite", "sqlite+pysqlite"):
                raise self._error(f"unsupported SQLite driver {url.drivername!r}; use 'sqlite:///path.db'")
            url = self._sqlite_url(url)
            kwargs["connect_args"] = {"check_same_thread": False}
        elif backend in ("postgresql", "postgres"):
            if self._synchronous is not None:
                raise ValueError(
                    "synchronous is a SQLite setting; PostgreSQL's durability is the server's "
                    "synchronous_commit setting"
                )
            if url.drivername in ("postgresql", "postgres"):
                url = url.set(drivername="postgresql+psycopg")
            if url.drivername != "postgresql+psycopg":
                raise self._error(
                    f"unsupported PostgreSQL driver {url.drivername!r}; use 'postgresql+psycopg://...'"
                )
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise self._error('PostgreSQL needs psycopg 3: pip install "tunewise[postgresql]"') from None
            if "connect_timeout" not in url.query:
                kwargs["connect_args"] = {"connect_timeout": 10}
        else:
            raise self._error(
                f"unsupported database {backend!r}; tunewise stores studies in SQLite ('sqlite:///path.db') "
                f"or PostgreSQL ('postgresql+psycopg://user:password@host/db')"
            )
        kwargs.update(self._engine_kwargs)
        try:
            engine = sa.create_engine(url, **kwargs)
        except Exception as e:  # noqa: BLE001 - bad query parameters and the like
            raise self._error(f"cannot create a database engine: {_first_line(e)}") from None
        if backend == "sqlite":
            busy_ms = int(self._busy_timeout * 1000)
            synchronous = (self._synchronous or "normal").upper()
            read_only = self._read_only is not None

            @sa.event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                # Driver-level autocommit: reads need no transaction, writes send BEGIN IMMEDIATE.
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
                if not read_only:  # switching to WAL writes the file header
                    cur.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL (the default): commits do not fsync; a killed process loses nothing,
                # a power cut can lose the last commits but never corrupts the file. FULL fsyncs
                # the WAL at every commit; OFF never fsyncs (a power cut can corrupt the file).
                cur.execute(f"PRAGMA synchronous = {synchronous}")
                cur.close()

        return engine

    def _sqlite_url(self, url: sa.URL) -> sa.URL:
        """The URL SQLAlchemy opens for a ``sqlite:///`` URL: tunewise's own query options taken
        out (``synchronous``), and a read-only open (``mode=ro``, or a file this process cannot
        write) as a SQLite URI. Sets ``_path``, ``_read_only`` and ``_synchronous``."""
        query: dict[str, str] = {}
        for key, value in url.query.items():
            if not isinstance(value, str):
                raise self._error(f"query parameter {key!r} is given {len(value)} times; give it once")
            query[key] = value
        sync = query.pop("synchronous", None)
        if sync is not None:
            try:
                sync = _check_synchronous(sync, "the URL's synchronous")
            except ValueError as e:
                raise self._error(str(e)) from None
            if self._synchronous is not None and self._synchronous != sync:
                raise ValueError(f"the URL says synchronous={sync} but the synchronous option says "
                                 f"{self._synchronous!r}; give one")
            self._synchronous = sync
        db = url.database or ""
        uri = _truthy(query.get("uri", ""))
        mode = query.get("mode", "").lower()
        if uri and db.startswith("file:"):
            parts = urllib.parse.urlsplit(db)
            if parts.netloc not in ("", "localhost"):
                raise self._error(f"a SQLite URI names a file on this machine ('file:/path'), got host "
                                  f"{parts.netloc!r}")
            db = urllib.parse.unquote(parts.path)
        if not db or db == ":memory:" or db.startswith("file::memory:") or mode == "memory":
            raise self._error(
                "an in-memory SQLite database is private to one connection; pass storage=None for "
                "in-memory storage, or a file path as 'sqlite:///path/to/tunewise.db'"
            )
        path = self._path = os.path.abspath(db)
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise self._error(f"directory {directory!r} does not exist; create it or choose another path")
        if os.path.isdir(path):
            raise self._error(f"{db!r} is a directory; give the path of a database file inside it")
        exists = os.path.exists(path)
        dir_writable = os.access(directory, os.W_OK)
        shm = os.path.exists(path + "-shm")
        if mode == "ro":
            self._read_only = "the URL asks for mode=ro"
        elif exists and not os.access(path, os.W_OK):
            self._read_only = "the file is not writable by this user"
        elif exists and not dir_writable and not shm:
            # SQLite writes its -wal and -shm files (or a rollback journal) next to the database.
            self._read_only = "its directory is not writable by this user"
        if self._read_only is None:
            if uri:
                return url.set(query=query)
            unknown = sorted(set(query) - _PYSQLITE_ARGS)
            if unknown:  # SQLAlchemy would ignore them (with a warning) without uri=true: say so
                raise self._error(
                    f"unknown query parameter(s) {', '.join(unknown)}; tunewise reads 'synchronous' and "
                    f"'mode=ro', and SQLite URI parameters need 'uri=true' (e.g. "
                    f"'sqlite:///file:/path/to/x.db?mode=ro&uri=true')"
                )
            return url.set(query=query)
        if not exists:
            raise self._error(f"cannot open {path!r} read-only ({self._read_only}): the file does not exist")
        ro_query = {k: v for k, v in query.items() if k not in ("mode", "uri")}
        ro_query.update(mode="ro", uri="true")
        if not dir_writable and not shm:
            # A read-only connection to a WAL database needs the -shm file, and cannot create it
            # here. Without a -wal file holding commits, the database file is the whole database
            # and nobody can be writing it: read it as immutable (no locks, no -shm).
            wal = path + "-wal"
            if os.path.exists(wal) and os.path.getsize(wal) > 0:
                raise self._error(
                    f"cannot read {path!r}: its write-ahead log {wal!r} holds commits that SQLite can only "
                    f"read with a {path + '-shm'!r} file, which cannot be created in the read-only directory; "
                    f"copy the three files to a writable directory (or open it once where it is writable)"
                )
            ro_query.setdefault("immutable", "1")
        return sa.engine.URL.create("sqlite", database="file:" + urllib.parse.quote(path), query=ro_query)

    def _raw(self) -> Any:
        """This thread's pooled DBAPI connection, in driver autocommit mode."""
        if os.getpid() != self._pid:
            # Forked: the parent's connections must not be touched here.
            self._engine.dispose(close=False)
            self._local = threading.local()
            self._pid = os.getpid()
        raw = getattr(self._local, "raw", None)
        if raw is None:
            raw = self._engine.raw_connection()
            if not self._is_sqlite:
                driver: Any = raw.driver_connection
                driver.autocommit = True  # we send BEGIN/COMMIT for writes only
            self._local.raw = raw
        return raw

    def _release_thread(self) -> None:
        """Give this thread's connection back to the pool (called by threads that are ending)."""
        raw = getattr(self._local, "raw", None)
        self._local.raw = None
        if raw is not None and os.getpid() == self._pid:
            try:
                raw.close()
            except Exception:  # noqa: BLE001
                pass

    def _drop_raw(self) -> None:
        raw = getattr(self._local, "raw", None)
        self._local.raw = None
        if raw is not None:
            try:
                raw.invalidate()
            except Exception:  # noqa: BLE001
                pass

    def _classify(self, e: BaseException) -> str:
        """'retry' (same connection), 'reconnect', or 'fatal'."""
        orig = getattr(e, "orig", None) or e
        if self._is_sqlite:
            msg = str(orig).lower()
            return "retry" if ("locked" in msg or "busy" in msg) else "fatal"
        code = getattr(orig, "sqlstate", None)
        if code in ("40001", "40P01"):  # serialization failure, deadlock detected: run it again
            return "retry"
        if code is not None and code.startswith(("08", "57P")):  # connection exception, shutdown
            return "reconnect"
        import psycopg

        if isinstance(orig, (psycopg.OperationalError, psycopg.InterfaceError)) and code is None:
            return "reconnect"  # no answer from a server at all
        if getattr(e, "connection_invalidated", False):
            return "reconnect"
        return "fatal"

    def _run(self, fn: Callable[[_Cursor], _T], write: bool) -> _T:
        """Run ``fn`` (in one transaction when ``write``); retry on busy/lost databases with backoff."""
        backoff: _Backoff | None = None
        while True:
            try:
                raw = self._raw()
                cur = raw.cursor()
                try:
                    if write:
                        cur.execute("BEGIN IMMEDIATE" if self._is_sqlite else "BEGIN")
                        try:
                            result = fn(_Cursor(cur))
                        except BaseException:
                            cur.execute("ROLLBACK")
                            raise
                        cur.execute("COMMIT")
                        return result
                    return fn(_Cursor(cur))
                finally:
                    cur.close()
            except _Abort as a:
                return a.value  # type: ignore[no-any-return]
            except self._db_errors as e:
                kind = self._classify(e)
                if kind == "fatal":
                    orig = getattr(e, "orig", e)
                    if self._is_sqlite:
                        problem = _sqlite_problem(e, self._path, self._read_only)
                        if problem is not None:  # corrupt or read-only: the message says it all
                            raise self._error(problem) from None
                        if isinstance(orig, self._dbapi.OperationalError):
                            raise self._error(_first_line(e)) from e
                    raise
                if kind == "reconnect":
                    self._drop_raw()
                else:
                    self._rollback_quietly()
                backoff = backoff or _Backoff(self._retry_seconds)
                if not backoff.wait():
                    raise self._error(
                        f"database unavailable for {self._retry_seconds:g} s, giving up: {_first_line(e)}"
                    ) from e

    def _rollback_quietly(self) -> None:
        raw = getattr(self._local, "raw", None)
        if raw is None:
            return
        try:
            cur = raw.cursor()
            cur.execute("ROLLBACK")
            cur.close()
        except Exception:  # noqa: BLE001 - no transaction open: nothing to undo
            pass

    # ---- schema -------------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        # Another process may hold SQLite's lock while this one opens the file (creating the
        # schema, switching a new file to WAL): retry like every other operation, with backoff,
        # for up to retry_seconds. A PostgreSQL server that cannot be reached fails at once
        # with the explanation (a wrong URL should not take a minute to report).
        backoff = _Backoff(self._retry_seconds)
        while True:
            try:
                return self._ensure_schema_once()
            except sa_exc.DBAPIError as e:
                if not (self._is_sqlite and self._classify(e) == "retry") or not backoff.wait():
                    raise self._error(self._open_error(e)) from None
                self._engine.dispose()

    def _open_error(self, e: BaseException) -> str:
        if self._is_sqlite:
            problem = _sqlite_problem(e, self._path, self._read_only)
            if problem is None and "unable to open" in _first_line(e).lower() and self._path \
                    and not os.access(os.path.dirname(self._path), os.W_OK):
                problem = (f"{_first_line(e)} (the directory {os.path.dirname(self._path)!r} is not writable, "
                           f"so the file cannot be created there)")
            return f"cannot open the SQLite database: {problem or _first_line(e)}"
        return _explain_connect_error(e)

    def _ensure_schema_once(self) -> None:
        meta = _TABLES["meta"]
        with self._engine.connect() as conn:
            version = self._read_version(conn)
            conn.rollback()
            if version is None and self._read_only:
                raise self._error(f"{self._path!r} holds no tunewise tables, and they cannot be created: it "
                                  f"is opened read-only ({self._read_only})")
            if version is None:
                with conn.begin():
                    if self._is_sqlite:
                        conn.exec_driver_sql("BEGIN IMMEDIATE")
                    else:
                        # Serialize concurrent first-time creators (DDL is transactional here).
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7461727)"))
                    _METADATA.create_all(conn, checkfirst=True)
                    version = self._read_version(conn)
                    if version is None:
                        conn.execute(sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                        version = str(SCHEMA_VERSION)
        if version != str(SCHEMA_VERSION) and version is not None and version.isdigit() \
                and int(version) < SCHEMA_VERSION and self._read_only:
            raise self._error(f"{self._path!r} has schema version {version}, which this tunewise upgrades on "
                              f"open, but it is opened read-only ({self._read_only}); open it once where it "
                              f"is writable, or with the tunewise version that wrote it")
        if version == "1":
            version = self._migrate_from_v1()
        if version != str(SCHEMA_VERSION):
            raise self._error(
                f"database schema version {version}, but this tunewise reads version {SCHEMA_VERSION}; "
                f"upgrade tunewise (pip install -U tunewise) or use another database"
            )

    def _migrate_from_v1(self) -> str:
        """Version 1 -> 2: the ``retried_from`` column, filled from each retry's system_attrs."""
        meta, tr = _TABLES["meta"], _TABLES["trials"]
        with self._engine.connect() as conn, conn.begin():
            if self._is_sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7461727)"))
            version = self._read_version(conn)
            if version != "1":  # another process migrated it meanwhile
                return str(version)
            if "retried_from" not in {c["name"] for c in sa.inspect(conn).get_columns(tr.name)}:
                conn.exec_driver_sql(f"ALTER TABLE {tr.name} ADD COLUMN retried_from INTEGER")
            # Only rows whose text mentions the key can hold it; parse them to be sure.
            rows = conn.execute(sa.select(tr.c.trial_id, tr.c.system_attrs).where(
                tr.c.system_attrs.like('%"retried_from":%'))).all()
            for tid, text in rows:
                retried = _loads(text).get("retried_from")
                if isinstance(retried, int) and not isinstance(retried, bool):
                    conn.execute(sa.update(tr).where(tr.c.trial_id == tid).values(retried_from=retried))
            conn.execute(sa.update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
        return str(SCHEMA_VERSION)

    @staticmethod
    def _read_version(conn: sa.Connection) -> str | None:
        meta = _TABLES["meta"]
        if not sa.inspect(conn).has_table(meta.name):
            return None
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        return None if value is None else str(value)

    # ---- statements ---------------------------------------------------------------------------
    def _build_statements(self) -> None:
        st, tr, at, di, cl = (_TABLES[k] for k in ("studies", "trials", "attrs", "dists", "claims"))
        bp = sa.bindparam
        dialect_insert: Any
        if self._is_sqlite:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert
            from sqlalchemy.dialects.sqlite.pysqlite import dialect as sqlite_dialect

            dialect_insert = sqlite_insert
            dialect: sa.Dialect = sqlite_dialect(paramstyle="named")
            # Same machine: the client clock is the database clock.
            now: Any = bp("now", type_=sa.Float)
        else:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            dialect_insert = pg_insert
            dialect = self._engine.dialect
            # The server clock, so heartbeats from machines with skewed clocks still agree.
            now = sa.cast(sa.func.extract("epoch", sa.func.clock_timestamp()), sa.Float)

        def c(stmt: Any) -> _Stmt:
            return _Stmt(stmt, dialect)

        def state_is(*states: TrialState) -> Any:
            return sa.or_(*(tr.c.state == s.value for s in states))

        sid, tid = bp("sid", type_=sa.Integer), bp("tid", type_=sa.Integer)
        grace = bp("grace", type_=sa.Float)
        cols = [tr.c.trial_id, tr.c.number, tr.c.state, tr.c.objective_values, tr.c.params, tr.c.intermediate,
                tr.c.user_attrs, tr.c.system_attrs, tr.c.datetime_start, tr.c.datetime_complete, tr.c.heartbeat,
                tr.c.seq]
        self.q_changed = c(sa.select(*cols).where(tr.c.study_id == sid, tr.c.seq > bp("seq", type_=sa.BigInteger)))
        self.q_trial = c(sa.select(tr.c.study_id, *cols).where(tr.c.trial_id == tid))
        self.q_state = c(sa.select(tr.c.state).where(tr.c.trial_id == tid))
        self.q_dists = c(sa.select(di.c.id, di.c.name, di.c.distribution).where(
            di.c.study_id == sid, di.c.id > bp("after", type_=sa.Integer)))
        self.q_dist = c(sa.select(di.c.distribution).where(di.c.study_id == sid, di.c.name == bp("name")))
        self.i_dist = c(dialect_insert(di).values(study_id=sid, name=bp("name"), distribution=bp("dist"))
                        .on_conflict_do_nothing().returning(di.c.distribution))
        waiting = sa.select(tr.c.trial_id, tr.c.number, tr.c.user_attrs, tr.c.system_attrs).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value).order_by(tr.c.number).limit(1)
        # SQLite writers are serialized by BEGIN IMMEDIATE; PostgreSQL workers skip rows another
        # worker is claiming right now instead of queueing behind it.
        self.q_waiting = c(waiting if self._is_sqlite else waiting.with_for_update(skip_locked=True))
        self.u_bump = c(sa.update(st).where(st.c.study_id == sid).values(seq=st.c.seq + 1).returning(st.c.seq))
        self.u_bump_new = c(sa.update(st).where(st.c.study_id == sid).values(
            seq=st.c.seq + 1, next_number=st.c.next_number + 1).returning(st.c.seq, st.c.next_number))
        self.u_bump_by_trial = c(sa.update(st).where(
            st.c.study_id == sa.select(tr.c.study_id).where(tr.c.trial_id == tid).scalar_subquery()
        ).values(seq=st.c.seq + 1).returning(st.c.study_id, st.c.seq))
        self.i_trial = c(sa.insert(tr).values(
            study_id=sid, number=bp("number", type_=sa.Integer), state=bp("state"), params=bp("params"),
            intermediate="{}", user_attrs=bp("user_attrs"), system_attrs=bp("system_attrs"),
            datetime_start=bp("start", type_=sa.Float), heartbeat=bp("hb", type_=sa.Float),
            seq=bp("seq", type_=sa.BigInteger), retried_from=bp("retried_from", type_=sa.Integer),
        ).returning(tr.c.trial_id))
        def keep(col: Any, name: str) -> Any:  # NULL parameter = leave the column as it is
            return sa.func.coalesce(bp(name, type_=sa.Text), col)

        self.u_claim = c(sa.update(tr).where(tr.c.trial_id == tid).values(
            state=TrialState.RUNNING.value, datetime_start=bp("start", type_=sa.Float), heartbeat=now,
            seq=bp("seq", type_=sa.BigInteger), user_attrs=keep(tr.c.user_attrs, "user_attrs"),
            system_attrs=keep(tr.c.system_attrs, "system_attrs")))

        live_fields = {
            "params": keep(tr.c.params, "params"), "intermediate": keep(tr.c.intermediate, "intermediate"),
            "user_attrs": keep(tr.c.user_attrs, "user_attrs"), "system_attrs": keep(tr.c.system_attrs, "system_attrs"),
            "seq": bp("seq", type_=sa.BigInteger),
        }
        self.u_live = c(sa.update(tr).where(tr.c.trial_id == tid, state_is(TrialState.RUNNING, TrialState.WAITING))
                        .values(heartbeat=now, **live_fields))
        # Only a live trial finishes: one failed as stale (perhaps already retried) keeps that decision.
        self.u_finish = c(sa.update(tr).where(tr.c.trial_id == tid, state_is(TrialState.RUNNING, TrialState.WAITING))
                          .values(state=bp("state"), objective_values=bp("values", type_=sa.Text),
                                  value0=bp("value0", type_=sa.Float), datetime_complete=bp("end", type_=sa.Float),
                                  **live_fields))
        self.u_late = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == TrialState.FAILED.value)
                        .values(system_attrs=bp("system_attrs"), seq=bp("seq", type_=sa.BigInteger)))
        self.u_heartbeat = c(sa.update(tr).where(tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value)
                             .values(heartbeat=now))
        stale = (tr.c.study_id == sid, tr.c.state == TrialState.RUNNING.value, tr.c.heartbeat < now - grace)
        self.q_stale_ids = c(sa.select(tr.c.trial_id).where(*stale).limit(1))
        self.q_stale = c(sa.select(*cols, now.label("now")).where(*stale))
        self.u_stale = c(sa.update(tr).where(
            tr.c.trial_id == tid, tr.c.state == TrialState.RUNNING.value, tr.c.heartbeat < now - grace,
        ).values(state=TrialState.FAILED.value, system_attrs=bp("system_attrs"),
                 datetime_complete=bp("end", type_=sa.Float), seq=bp("seq", type_=sa.BigInteger)))
        self.i_claim = c(dialect_insert(cl).values(study_id=sid, key=bp("key")).on_conflict_do_nothing())
        # Trial budget (max_trials): started = all trials (next_number, as numbers are dense) minus
        # the WAITING ones (a short range of the (study_id, state, number) index): O(1) in the study size.
        waiting_count = sa.select(sa.func.count()).select_from(tr).where(
            tr.c.study_id == sid, tr.c.state == TrialState.WAITING.value).scalar_subquery()
        self.q_started = c(sa.select(st.c.next_number - waiting_count).where(st.c.study_id == sid))
        self.q_retries = c(sa.select(sa.func.count()).select_from(tr).where(
            tr.c.study_id == sid, tr.c.retried_from.is_not(None)))
        self.q_lock_study = c(sa.select(st.c.study_id).where(st.c.study_id == sid).with_for_update())
        ins_attr = dialect_insert(at).values(study_id=sid, key=bp("key"), value=bp("value"))
        self.i_attr = c(ins_attr.on_conflict_do_update(index_elements=[at.c.study_id, at.c.key],
                                                       set_={"value": ins_attr.excluded.value}))
        self.q_attrs = c(sa.select(at.c.key, at.c.value).where(at.c.study_id == sid))
        self.q_study_id = c(sa.select(st.c.study_id).where(st.c.name == bp("name")))
        self.q_directions = c(sa.select(st.c.directions).where(st.c.study_id == sid))
        self.i_study = c(dialect_insert(st).values(
            name=bp("name"), directions=bp("directions"), next_number=0, seq=0,
            created=bp("created", type_=sa.Float),
        ).on_conflict_do_nothing().returning(st.c.study_id))
        self.q_studies = c(sa.select(st.c.study_id, st.c.name, st.c.directions, st.c.created)
                           .order_by(st.c.study_id))
        complete = tr.c.state == TrialState.COMPLETE.value
        self.q_summary = c(sa.select(
            tr.c.study_id, sa.func.count(), sa.func.sum(sa.case((complete, 1), else_=0)),
            sa.func.min(sa.case((complete, tr.c.value0))), sa.func.max(sa.case((complete, tr.c.value0))),
        ).group_by(tr.c.study_id))
        self.q_all_attrs = c(sa.select(at.c.study_id, at.c.key, at.c.value))
        self.d_study = c(sa.delete(st).where(st.c.study_id == sid))
        self.d_children = [c(sa.delete(_TABLES[k]).where(_TABLES[k].c.study_id == sid))
                           for k in ("trials", "attrs", "dists", "claims")]
        self._now_p: Callable[[], dict[str, Any]] = (lambda: {"now": time.time()}) if self._is_sqlite else dict
        if not self._is_sqlite:
            self._build_postgres_statements(c)

    def _build_postgres_statements(self, c: Callable[[Any], _Stmt]) -> None:
        """Single-statement versions of the hot writes: one network round trip each.

        PostgreSQL runs data-modifying CTEs in one statement (and one implicit transaction); the
        study row updated in ``s`` stays locked until commit, which keeps ``seq`` in commit order.
        """
        now = "CAST(EXTRACT(epoch FROM clock_timestamp()) AS FLOAT)"
        # A prepared attribute patch (PreparedStart) applies when given and, if it names a trial
        # number, only to the trial with that number. Only a new trial gets it here; a claimed
        # WAITING trial gets a numbered patch only, merged with its stored attributes in Python
        # (see _start_trial_pg).
        applies = ("CAST(:{p} AS TEXT) IS NOT NULL AND "
                   "(CAST(:expect AS INTEGER) IS NULL OR {n} = CAST(:expect AS INTEGER))")
        self.pg_start = c(sa.text(f"""
WITH w AS (
    SELECT trial_id FROM tunewise_trials
    WHERE study_id = :sid AND state = 'WAITING' AND :claim
    ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
), s AS (
    UPDATE tunewise_studies
    SET seq = seq + 1, next_number = next_number + (CASE WHEN EXISTS (SELECT 1 FROM w) THEN 0 ELSE 1 END)
    WHERE study_id = :sid RETURNING seq, next_number
), claimed AS (
    UPDATE tunewise_trials t SET state = 'RUNNING', datetime_start = :start, heartbeat = {now}, seq = s.seq
    FROM w, s WHERE t.trial_id = w.trial_id
    RETURNING t.trial_id, t.number, t.user_attrs, t.system_attrs, TRUE
), created AS (
    INSERT INTO tunewise_trials (study_id, number, state, params, intermediate, user_attrs, system_attrs,
                                 datetime_start, heartbeat, seq)
    SELECT :sid, s.next_number - 1, 'RUNNING', '{{}}', '{{}}',
        CASE WHEN {applies.format(n="s.next_number - 1", p="user_patch")} THEN :user_patch ELSE '{{}}' END,
        CASE WHEN {applies.format(n="s.next_number - 1", p="sys_patch")} THEN :sys_patch ELSE '{{}}' END,
        :start, {now}, s.seq
    FROM s WHERE NOT EXISTS (SELECT 1 FROM w)
    RETURNING trial_id, number, user_attrs, system_attrs, FALSE
)
SELECT * FROM claimed UNION ALL SELECT * FROM created
""").bindparams(sa.bindparam("sid", type_=sa.Integer), sa.bindparam("claim", type_=sa.Boolean),
                sa.bindparam("start", type_=sa.Float), sa.bindparam("expect", type_=sa.Integer),
                sa.bindparam("user_patch", type_=sa.Text), sa.bindparam("sys_patch", type_=sa.Text)))
        bump = """WITH s AS (
    UPDATE tunewise_studies SET seq = seq + 1
    WHERE study_id = (SELECT study_id FROM tunewise_trials WHERE trial_id = :tid) RETURNING seq
)"""
        keep = ("params = COALESCE(:params, params), intermediate = COALESCE(:intermediate, intermediate), "
                "user_attrs = COALESCE(:user_attrs, user_attrs), system_attrs = COALESCE(:system_attrs, system_attrs), "
                "seq = (SELECT seq FROM s)")
        texts = [sa.bindparam(k, type_=sa.Text) for k in ("params", "intermediate", "user_attrs", "system_attrs")]
        self.pg_live = c(sa.text(f"""{bump}
UPDATE tunewise_trials SET heartbeat = {now}, {keep}
WHERE trial_id = :tid AND state IN ('RUNNING', 'WAITING') RETURNING trial_id
""").bindparams(sa.bindparam("tid", type_=sa.Integer), *texts))
        self.pg_finish = c(sa.text(f"""{bump}
UPDATE tunewise_trials SET state = :state, objective_values = :values, value0 = :value0,
    datetime_complete = :end, {keep}
WHERE trial_id = :tid AND state IN ('RUNNING', 'WAITING') RETURNING trial_id
""").bindparams(sa.bindparam("tid", type_=sa.Integer), sa.bindparam("state", type_=sa.Text),
                sa.bindparam("values", type_=sa.Text), sa.bindparam("value0", type_=sa.Float),
                sa.bindparam("end", type_=sa.Float), *texts))

    # ---- caches -------------------------------------------------------------------------------
    def _cache(self, study_id: int) -> _StudyCache:
        c = self._caches.get(study_id)
        if c is None:
            with self._caches_lock:
                c = self._caches.setdefault(study_id, _StudyCache())
        return c

    def _refresh_dists(self, cur: _Cursor, study_id: int, cache: _StudyCache) -> None:
        for rid, name, text in cur.rows(self.q_dists, sid=study_id, after=cache.dist_id):
            if name not in cache.dists:
                cache.dists[name] = D.distribution_from_json(text)
            if rid > cache.dist_id:
                cache.dist_id = rid

    @staticmethod
    def _frozen(row: Any, dists: dict[str, D.Distribution], cache: _StudyCache | None = None) -> FrozenTrial:
        (tid, number, state, values, params, inter, user, system, start, complete, hb) = row[:11]
        st = _STATES[state]
        if st.is_finished():  # compact and shared where possible: studies hold 100,000s of these
            kp, ku, ks = cache.keys if cache is not None else (None, None, None)
            t = FrozenTrial(
                number=number, trial_id=tid, state=st,
                values=None if values is None else _loads(values),
                params=_finished_dict(params, kp), distributions=dists,
                intermediate_values=series(_loads(inter)) if inter != "{}" else _EMPTY,
                user_attrs=_finished_dict(user, ku), system_attrs=_finished_dict(system, ks),
                datetime_start=start, datetime_complete=complete,
            )
            # COMPLETE and PRUNED never change again (a FAILED trial can still be finished by
            # its worker), so their times can live in the study's column store.
            if cache is not None and st is not TrialState.FAILED:
                compact_times(t, cache.times)
            return t
        iv = _loads(inter)
        return FrozenTrial(
            number=number, trial_id=tid, state=st,
            values=None if values is None else _loads(values),
            params=_loads(params), distributions=dists,
            intermediate_values={int(k): v for k, v in iv.items()} if iv else {},
            user_attrs=_loads(user), system_attrs=_loads(system),
            datetime_start=start, datetime_complete=complete, heartbeat=hb,
        )

    def _not_found(self, study_id: int) -> StudyNotFoundError:
        return StudyNotFoundError(f"no study with id {study_id} in {self._masked} (was it deleted?)")

    # ---- studies ------------------------------------------------------------------------------
    def create_study(self, name: str, directions: list[str]) -> int:
        check_name("study name", name)
        dirs = _dumps(list(directions))

        def op(cur: _Cursor) -> int:
            sid = cur.scalar(self.i_study, name=name, directions=dirs, created=time.time())
            if sid is None:
                raise DuplicatedStudyError(
                    f"a study named {name!r} already exists in {self._masked}; pass load_if_exists=True "
                    f"to resume it"
                )
            return int(sid)

        return self._run(op, _WRITE)

    def get_study_id(self, name: str) -> int:
        check_name("study name", name)
        sid = self._run(lambda cur: cur.scalar(self.q_study_id, name=name), _READ)
        if sid is None:
            raise StudyNotFoundError(f"no study named {name!r} in {self._masked}")
        return int(sid)

    def get_study_directions(self, study_id: int) -> list[str]:
        dirs = self._directions.get(study_id)
        if dirs is None:
            text = self._run(lambda cur: cur.scalar(self.q_directions, sid=study_id), _READ)
            if text is None:
                raise self._not_found(study_id)
            dirs = self._directions[study_id] = _loads(text)
        return list(dirs)

    def get_all_studies(self) -> list[StudySummary]:
        def op(cur: _Cursor) -> list[StudySummary]:
            studies = cur.rows(self.q_studies)
            stats = {r[0]: r[1:] for r in cur.rows(self.q_summary)}
            attrs: dict[int, dict[str, Any]] = {}
            for sid, key, value in cur.rows(self.q_all_attrs):
                attrs.setdefault(sid, {})[key] = _loads(value)
            out = []
            for sid, name, dirs_text, created in studies:
                dirs = _loads(dirs_text)
                n, n_complete, lo, hi = stats.get(sid, (0, 0, None, None))
                best = None
                if n_complete and len(dirs) == 1:
                    best = hi if dirs[0] == "maximize" else lo
                out.append(StudySummary(name, sid, dirs, int(n), int(n_complete or 0), best, created,
                                        attrs.get(sid, {})))
            return out

        return self._run(op, _READ)

    def delete_study(self, study_id: int) -> None:
        def op(cur: _Cursor) -> None:
            if cur.count(self.d_study, sid=study_id) == 0:
                raise self._not_found(study_id)
            for stmt in self.d_children:
                cur.run(stmt, sid=study_id)

        self._run(op, _WRITE)
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
        self._run(lambda cur: cur.run(self.i_attr, sid=study_id, key=key, value=text), _WRITE)

    def get_study_attrs(self, study_id: int) -> dict[str, Any]:
        rows = self._run(lambda cur: cur.rows(self.q_attrs, sid=study_id), _READ)
        return {k: _loads(v) for k, v in rows}

    # ---- distributions ------------------------------------------------------------------------
    def get_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        cache = self._cache(study_id)

        def op(cur: _Cursor) -> dict[str, D.Distribution]:
            with cache.lock:
                self._refresh_dists(cur, study_id, cache)
                return dict(cache.dists)

        return self._run(op, _READ)

    def known_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        cache = self._cache(study_id)
        with cache.lock:
            return dict(cache.dists)

    def add_distribution(self, study_id: int, name: str, dist: D.Distribution) -> D.Distribution:
        check_name("parameter name", name)
        text = D.distribution_to_json(dist)

        def op(cur: _Cursor) -> str:
            # The insert returns the row it wrote; a name another worker stored first is read back.
            row = cur.one(self.i_dist, sid=study_id, name=name, dist=text)
            if row is not None:
                return row[0]  # type: ignore[no-any-return]
            return cur.scalar(self.q_dist, sid=study_id, name=name)  # type: ignore[no-any-return]

        # One autocommit statement (_READ: no BEGIN/COMMIT around it): a trial suggesting n new
        # parameters makes n round trips, not 4n. Stored rows never change, so the read-back of
        # a conflict needs no transaction; a retried insert finds its own row and reads it back.
        stored = self._run(op, _READ)
        result = dist if stored == text else D.distribution_from_json(stored)
        cache = self._cache(study_id)
        with cache.lock:  # a name keeps one distribution per study: safe to learn it now
            cache.dists.setdefault(name, result)
        return result

    # ---- trials -------------------------------------------------------------------------------
    def enqueue_trial(self, study_id: int, fixed_params: Mapping[str, Any],
                      system_attrs: Mapping[str, Any] | None = None,
                      user_attrs: Mapping[str, Any] | None = None) -> FrozenTrial:
        check_keys("parameter name", fixed_params, allow_empty=False)
        check_keys("user attribute key", user_attrs)
        check_keys("system attribute key", system_attrs)
        sys_attrs = dict(system_attrs or {})
        sys_attrs["fixed_params"] = dict(fixed_params)
        sys_text = _encode(sys_attrs, "enqueued trial", "system_attrs/fixed_params")
        retried = sys_attrs.get("retried_from")
        retried_from = retried if isinstance(retried, int) and not isinstance(retried, bool) else None
        user_text = _encode(dict(user_attrs or {}), "enqueued trial", "user_attrs")

        def op(cur: _Cursor) -> tuple[int, int]:
            row = cur.one(self.u_bump_new, sid=study_id)
            if row is None:
                raise self._not_found(study_id)
            seq, next_number = row
            tid = cur.scalar(self.i_trial, sid=study_id, number=next_number - 1, state=TrialState.WAITING.value,
                             params="{}", user_attrs=user_text, system_attrs=sys_text, start=None, hb=None, seq=seq,
                             retried_from=retried_from)
            return tid, next_number - 1

        tid, number = self._run(op, _WRITE)
        cache = self._cache(study_id)
        with cache.lock:
            cache.last_number = max(cache.last_number, number)
            cache.enqueued_here.add(number)
        return FrozenTrial(number=number, trial_id=tid, state=TrialState.WAITING,
                           distributions=self._cache(study_id).dists,
                           system_attrs=_loads(sys_text), user_attrs=_loads(user_text))

    def _check_budget(self, cur: _Cursor, study_id: int, max_started: int) -> None:
        """Raise MaxTrialsReached when ``max_started`` trials have started (inside the start's transaction)."""
        started = int(cur.scalar(self.q_started, sid=study_id) or 0)
        if started >= max_started:  # only near the cap: a retry of a stale trial re-runs the same trial
            started -= int(cur.scalar(self.q_retries, sid=study_id) or 0)
        if started >= max_started:
            from tunewise.exceptions import MaxTrialsReached

            raise MaxTrialsReached(f"study id {study_id} in {self._masked} has used its budget of "
                                   f"{max_started} trials")

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

    def _started(self, study_id: int, t: FrozenTrial, claimed: bool) -> FrozenTrial:
        cache = self._cache(study_id)
        with cache.lock:
            cache.last_number = max(cache.last_number, t.number)
            if claimed:
                cache.claimed_here.add(t.number)
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
        if not self._is_sqlite:
            return self._start_trial_pg(study_id, claim_waiting, dists, max_started, prepared)

        def op(cur: _Cursor) -> tuple[FrozenTrial, bool]:
            now = time.time()
            if max_started is not None:  # BEGIN IMMEDIATE holds the write lock: count and start are atomic
                self._check_budget(cur, study_id, max_started)
            if claim_waiting:
                row = cur.one(self.q_waiting, sid=study_id)
                if row is not None:
                    tid, number, user_text, sys_text = row
                    user, system = _loads(user_text), _loads(sys_text)
                    new_user = new_sys = None
                    if prepared is not None and prepared.applies_to(number, claimed=True):
                        if user_patch is not None:  # merged over the enqueued trial's own attributes
                            user.update(user_patch)
                            new_user = _dumps(user)
                        if sys_patch is not None:
                            system.update(sys_patch)
                            new_sys = _dumps(system)
                    seq = cur.scalar(self.u_bump, sid=study_id)
                    cur.run(self.u_claim, tid=tid, start=now, seq=seq, user_attrs=new_user, system_attrs=new_sys,
                            **self._now_p())
                    return FrozenTrial(number=number, trial_id=tid, state=TrialState.RUNNING, distributions=dists,
                                       user_attrs=user, system_attrs=system,
                                       datetime_start=now, heartbeat=now), True
            bumped = cur.one(self.u_bump_new, sid=study_id)
            if bumped is None:
                raise self._not_found(study_id)
            seq, next_number = bumped
            user = system = None
            if prepared is not None and prepared.applies_to(next_number - 1, claimed=False):
                user, system = user_patch, sys_patch
            tid = cur.scalar(self.i_trial, sid=study_id, number=next_number - 1, state=TrialState.RUNNING.value,
                             params="{}", user_attrs="{}" if user is None else _dumps(user),
                             system_attrs="{}" if system is None else _dumps(system), start=now, hb=now, seq=seq,
                             retried_from=None)
            return FrozenTrial(number=next_number - 1, trial_id=tid, state=TrialState.RUNNING,
                               distributions=dists, user_attrs=dict(user or {}), system_attrs=dict(system or {}),
                               datetime_start=now, heartbeat=now), False

        t, claimed = self._run(op, _WRITE)
        return self._started(study_id, t, claimed)

    def _start_trial_pg(self, study_id: int, claim_waiting: bool, dists: dict[str, D.Distribution],
                        max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        now = time.time()
        user_patch, sys_patch = self._prepared_texts(prepared)
        params = {
            "sid": study_id, "claim": claim_waiting, "start": now,
            "expect": None if prepared is None else prepared.number,
            "user_patch": None if user_patch is None else _dumps(user_patch),
            "sys_patch": None if sys_patch is None else _dumps(sys_patch),
        }
        if max_started is None:
            row = self._run(lambda cur: cur.one(self.pg_start, **params), _READ)
        else:
            def op(cur: _Cursor) -> Any:
                # Lock the study row first (every start updates it, so starts queue here), then
                # count: under READ COMMITTED this later statement sees every start committed before.
                if cur.one(self.q_lock_study, sid=study_id) is None:
                    raise self._not_found(study_id)
                self._check_budget(cur, study_id, max_started)
                return cur.one(self.pg_start, **params)

            row = self._run(op, _WRITE)
        if row is None:
            raise self._not_found(study_id)
        tid, number, user_text, sys_text, claimed = row
        user, system = _loads(user_text), _loads(sys_text)
        if claimed and prepared is not None and prepared.applies_to(number, True) and (user_patch or sys_patch):
            # A claimed WAITING trial (enqueued or retried: rare) keeps its own attributes, merged
            # with the patch here in a second statement: its stored JSON may hold NaN, which
            # PostgreSQL's jsonb could not merge in the start statement.
            user.update(user_patch or {})
            system.update(sys_patch or {})
            texts = {"params": None, "intermediate": None, "user_attrs": _dumps(user) if user_patch else None,
                     "system_attrs": _dumps(system) if sys_patch else None}
            self._run(lambda cur: cur.one(self.pg_live, tid=tid, **texts), _READ)
        t = FrozenTrial(number=number, trial_id=tid, state=TrialState.RUNNING, distributions=dists,
                        user_attrs=user, system_attrs=system, datetime_start=now, heartbeat=now)
        return self._started(study_id, t, bool(claimed))

    def _no_row(self, trial_id: int, finishing: bool) -> Any:
        state = self._run(lambda cur: cur.scalar(self.q_state, tid=trial_id), _READ)
        if state is None:
            raise KeyError(f"no trial with id {trial_id} in {self._masked}")
        if finishing:
            return False
        raise RuntimeError(f"trial {trial_id} is already {state} and cannot change")

    @staticmethod
    def _fields(params: Mapping[str, Any] | None, intermediate_values: Mapping[int, float] | None,
                user_attrs: Mapping[str, Any] | None, system_attrs: Mapping[str, Any] | None) -> dict[str, Any]:
        # Parameter names were checked when their distribution was registered (add_distribution).
        check_keys("user attribute key", user_attrs)
        check_keys("system attribute key", system_attrs)
        return {
            "params": None if params is None else _encode(dict(params), "trial", "params"),
            "intermediate": None if intermediate_values is None else _dumps(
                {str(int(k)): float(v) for k, v in intermediate_values.items()}),
            "user_attrs": None if user_attrs is None else _encode(dict(user_attrs), "trial", "user_attrs"),
            "system_attrs": None if system_attrs is None else _encode(dict(system_attrs), "trial", "system_attrs"),
        }

    def update_trial(self, trial_id: int, *, params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> None:
        fields = self._fields(params, intermediate_values, user_attrs, system_attrs)
        if not self._is_sqlite:
            # One autocommit statement; _READ here means "no explicit BEGIN".
            if self._run(lambda cur: cur.one(self.pg_live, tid=trial_id, **fields), _READ) is None:
                self._no_row(trial_id, finishing=False)
            return

        def op(cur: _Cursor) -> None:
            bumped = cur.one(self.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if cur.count(self.u_live, tid=trial_id, seq=bumped[1], **fields, **self._now_p()) == 0:
                state = cur.scalar(self.q_state, tid=trial_id)
                raise RuntimeError(f"trial {trial_id} is already {state} and cannot change")

        self._run(op, _WRITE)

    def finish_trial(self, trial_id: int, state: TrialState, values: list[float] | None, *,
                     params: Mapping[str, Any] | None = None,
                     intermediate_values: Mapping[int, float] | None = None,
                     user_attrs: Mapping[str, Any] | None = None,
                     system_attrs: Mapping[str, Any] | None = None) -> bool:
        state = TrialState(state)
        if not state.is_finished():
            raise ValueError(f"finish_trial state must be COMPLETE, PRUNED or FAILED, got {state.value}")
        fields = self._fields(params, intermediate_values, user_attrs, system_attrs)
        vals = None if values is None else [float(v) for v in values]
        fields.update(state=state.value, values=None if vals is None else _dumps(vals),
                      value0=vals[0] if vals else None, end=time.time())
        if not self._is_sqlite:
            if self._run(lambda cur: cur.one(self.pg_finish, tid=trial_id, **fields), _READ) is None:
                return self._no_row(trial_id, finishing=True)  # type: ignore[no-any-return]
            return True

        def op(cur: _Cursor) -> bool:
            bumped = cur.one(self.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            if cur.count(self.u_finish, tid=trial_id, seq=bumped[1], **fields) == 0:
                raise _Abort(False)  # already COMPLETE or PRUNED: roll back the seq bump too
            return True

        return self._run(op, _WRITE)

    def record_late_result(self, trial_id: int, late: Mapping[str, Any]) -> bool:
        late_text = _encode(dict(late), "trial", "late_result")

        def op(cur: _Cursor) -> bool:
            bumped = cur.one(self.u_bump_by_trial, tid=trial_id)
            if bumped is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            row = cur.one(self.q_trial, tid=trial_id)
            if row is None or row[3] != TrialState.FAILED.value:
                raise _Abort(False)
            attrs = _loads(row[8])
            attrs["late_result"] = _loads(late_text)
            cur.run(self.u_late, tid=trial_id, system_attrs=_dumps(attrs), seq=bumped[1])
            return True

        return self._run(op, _WRITE)

    def _fetch_changes(self, cur: _Cursor, study_id: int, cache: _StudyCache) -> None:
        rows = cur.rows(self.q_changed, sid=study_id, seq=cache.seq)
        if not rows:
            return
        dists = cache.dists
        frozen = self._frozen
        parsed = [frozen(row, dists, cache) for row in rows]
        max_seq = max(row[11] for row in rows)
        if any(k not in dists for t in parsed for k in t.params):
            self._refresh_dists(cur, study_id, cache)
        parsed.sort(key=_number)
        for t in parsed:
            cache.apply(t)
        if max_seq > cache.seq:
            cache.seq = max_seq

    def get_trial(self, trial_id: int) -> FrozenTrial:
        def op(cur: _Cursor) -> FrozenTrial:
            row = cur.one(self.q_trial, tid=trial_id)
            if row is None:
                raise KeyError(f"no trial with id {trial_id} in {self._masked}")
            cache = self._cache(row[0])
            with cache.lock:
                cached = cache.get(row[2])
                if cached is not None and cached.trial_id == trial_id and cached.state.is_finished() \
                        and cached.state.value == row[3]:
                    return cached
                t = self._frozen(row[1:], cache.dists, cache)
                if any(k not in cache.dists for k in t.params):
                    self._refresh_dists(cur, row[0], cache)
                return t

        return self._run(op, _READ)

    def get_trials(self, study_id: int, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        cache = self._cache(study_id)

        def op(cur: _Cursor) -> list[FrozenTrial]:
            with cache.lock:
                self._fetch_changes(cur, study_id, cache)
                if cache.seq < 0:  # nothing seen yet: is the study there at all?
                    if cur.one(self.q_directions, sid=study_id) is None:
                        raise self._not_found(study_id)
                    cache.seq = 0
                return cache.select(states)

        return self._run(op, _READ)

    def try_claim(self, study_id: int, key: str) -> bool:
        check_name("claim key", key, allow_empty=True)
        return self._run(lambda cur: cur.count(self.i_claim, sid=study_id, key=key), _WRITE) == 1

    # ---- liveness -----------------------------------------------------------------------------
    def record_heartbeat(self, trial_id: int) -> None:
        # A heartbeat is not a change readers care about: no seq bump, no study lock.
        self._run(lambda cur: cur.run(self.u_heartbeat, tid=trial_id, **self._now_p()), _WRITE)

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[FrozenTrial]:
        if isinstance(grace_seconds, bool) or not isinstance(grace_seconds, (int, float)) or grace_seconds < 0:
            raise ValueError(f"grace_seconds must be a non-negative number of seconds, got {grace_seconds!r}")
        grace = float(grace_seconds)
        # A cheap read first: the write lock is taken only when something is stale.
        if self._run(lambda cur: cur.one(self.q_stale_ids, sid=study_id, grace=grace, **self._now_p()),
                     _READ) is None:
            return []
        dists = self._cache(study_id).dists

        def op(cur: _Cursor) -> list[FrozenTrial]:
            seq = cur.scalar(self.u_bump, sid=study_id)
            if seq is None:
                raise self._not_found(study_id)
            out = []
            for row in cur.rows(self.q_stale, sid=study_id, grace=grace, **self._now_p()):
                now = row[12]
                t = self._frozen(row, dists)
                attrs = dict(t.system_attrs)
                age = now - (t.heartbeat_ts if t.heartbeat_ts is not None else now)
                attrs["fail_reason"] = f"stale: no heartbeat for {age:.1f} s (grace period {grace:g} s)"
                end = time.time()
                n = cur.count(self.u_stale, tid=t.trial_id, system_attrs=_dumps(attrs), end=end, seq=seq,
                              grace=grace, **self._now_p())
                if n == 1:  # 0: a heartbeat arrived since the select, so the trial is alive after all
                    out.append(FrozenTrial(
                        number=t.number, trial_id=t.trial_id, state=TrialState.FAILED, values=None,
                        params=t.params, distributions=dists, intermediate_values=t.intermediate_values,
                        user_attrs=t.user_attrs, system_attrs=attrs, datetime_start=t.datetime_start_ts,
                        datetime_complete=end, heartbeat=t.heartbeat_ts,
                    ))
            return out

        return self._run(op, _WRITE)


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
