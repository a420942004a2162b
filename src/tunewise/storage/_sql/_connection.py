"""One SQL database reached from this process: engine, connections, errors and retries.

- The engine is created from the URL: SQLite file paths, read-only opens and tunewise's own query
  options (``synchronous``) are sorted out here, and each new SQLite connection gets its pragmas
  (WAL, busy timeout, synchronous).
- Each thread runs on its own pooled DBAPI connection in driver autocommit mode: reads run
  without a transaction, writes send ``BEGIN IMMEDIATE`` (SQLite) or ``BEGIN`` (PostgreSQL)
  themselves. A forked child never touches its parent's connections.
- Every storage of this process on one PostgreSQL URL shares one engine and one connection per
  thread (:class:`_Connections`), so the server connections a process holds are bounded by its
  threads and its pool, not by how many storages (studies) it opened; they are closed once the
  last of those storages is closed or collected.
- Errors are classified as retry (busy, serialization failure), reconnect (connection lost) or
  fatal; retries back off exponentially for at most ``retry_seconds``, then raise a
  :class:`~tunewise.exceptions.StorageError` that says what happened. SQLite errors the user must
  act on (a corrupt or read-only file) say what to do.
"""

from __future__ import annotations

import collections
import os
import random
import re
import shlex
import threading
import time
import urllib.parse
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tunewise.exceptions import StorageError

if TYPE_CHECKING:
    from tunewise.storage._sql._statements import Stmt

__all__ = ["WRITE", "READ", "Abort", "Backoff", "Cursor", "Database", "LockWaits", "check_synchronous", "overlap",
           "share_stall", "shared_stalls"]

_T = TypeVar("_T")

WRITE = True
READ = False

# ---- URLs and errors ----------------------------------------------------------------------------
_PASSWORD_RE = re.compile(r"(://[^:/@]*:)[^@]*(@)")


def mask(url: str) -> str:
    """The URL with its password replaced by ``***`` (safe to print in errors and logs)."""
    return _PASSWORD_RE.sub(r"\1***\2", url)


def first_line(e: BaseException) -> str:
    orig = getattr(e, "orig", None) or e
    text = " ".join(str(orig).split())  # one line, even for multi-line driver messages
    return text[:300]


def _server_full(e: BaseException) -> bool:
    """Whether PostgreSQL refused a connection because other clients hold all of its connections."""
    low = first_line(e).lower()
    return "too many clients" in low or "connection slots are reserved" in low


def _explain_connect_error(e: BaseException) -> str:
    msg = first_line(e)
    low = msg.lower()
    if _server_full(e):
        return (f"the server has no free connection: other clients hold all of its max_connections (close "
                f"some, raise max_connections, or put a pooler such as PgBouncer in front): {msg}")
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


def check_synchronous(value: Any, where: str) -> str:
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
    msg = first_line(e)
    low = msg.lower()
    shown = repr(path) if path else "the database file"
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        recover = f"sqlite3 {shlex.quote(path)} .recover | sqlite3 recovered.db" if path else \
            "sqlite3 FILE .recover | sqlite3 recovered.db"
        return (f"the SQLite file {shown} is corrupt ({msg}); restore it from a backup, or salvage what is "
                f"still readable with `{recover}` and open recovered.db instead")
    if "disk is full" in low:
        where = os.path.dirname(path) if path else "the database's directory"
        return (f"the disk holding the SQLite file {shown} is full ({msg}); free space in {where!r} (or move the "
                f"database elsewhere) and rerun: what was stored is kept and the study resumes")
    if "readonly" in low or "read-only" in low:
        why = f"it was opened read-only ({read_only})" if read_only else \
            "the file, its directory or the disk is not writable"
        return f"the SQLite file {shown} is read-only: {why}, so nothing can be written ({msg})"
    return None


def _optuna_file(cur: Any) -> bool:
    """Whether a SQLite connection's file holds Optuna's tables and no tunewise ones."""
    cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                "('studies', 'trials', 'version_info', 'tunewise_meta')")
    names = {row[0] for row in cur.fetchall()}
    return "tunewise_meta" not in names and {"studies", "trials", "version_info"} <= names


class _Undecided(Exception):
    """The transaction of a COMMIT that got no answer is still in progress on the server."""


class _FileGone(StorageError):
    """The SQLite file at the storage's path is no longer the one this storage writes (see
    :meth:`Database._check_same_file`)."""


_SQLITE_HEADER_SIZE = 100  # bytes: a database file shorter than its header was truncated


class Abort(Exception):
    """Raised inside an operation: roll back and return ``value`` from :meth:`Database.run`."""

    def __init__(self, value: Any) -> None:
        self.value = value


class Cursor:
    """A DBAPI cursor that runs :class:`~tunewise.storage._sql._statements.Stmt` objects with
    named parameters."""

    __slots__ = ("cur",)

    def __init__(self, cur: Any) -> None:
        self.cur = cur

    def run(self, stmt: Stmt, **params: Any) -> Any:
        p = dict(stmt.defaults)
        p.update(params)
        self.cur.execute(stmt.sql, p)
        return self.cur

    def rows(self, stmt: Stmt, **params: Any) -> list[tuple[Any, ...]]:
        return self.run(stmt, **params).fetchall()  # type: ignore[no-any-return]

    def one(self, stmt: Stmt, **params: Any) -> tuple[Any, ...] | None:
        # fetchall, not fetchone: SQLite cannot commit while a RETURNING cursor is unconsumed.
        rows = self.run(stmt, **params).fetchall()
        return rows[0] if rows else None

    def scalar(self, stmt: Stmt, **params: Any) -> Any:
        row = self.one(stmt, **params)
        return None if row is None else row[0]

    def count(self, stmt: Stmt, **params: Any) -> int:
        return int(self.run(stmt, **params).rowcount)


# A SQLite write that waited at least this long for the write lock is remembered (LockWaits):
# shorter waits cannot make a heartbeat miss a grace period, and are not worth the bookkeeping.
_LOCK_WAIT_MIN = 0.05


class LockWaits:
    """When no other process could write to one SQLite file, as this process saw it: its writes
    waited for the write lock (another process held it), or one of its write transactions held
    the lock that long itself (it was stopped inside it). On the wall clock the file's heartbeats
    use; the latest spans, merged.

    While a process holds SQLite's write lock (stopped inside a write: SIGSTOP, a debugger), no
    other process can write, heartbeats included. Once it lets go, the first process to check for
    stale trials would see the others' heartbeats as missed and fail their live trials
    (benchmarks/history/s24/faults.md, case 3). ``SQLStorage.recover_stale_trials`` does not count
    as a trial's silence the time this process itself could not write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spans: collections.deque[tuple[float, float]] = collections.deque(maxlen=64)

    def add(self, start: float, end: float) -> None:
        with self._lock:
            if self._spans and start <= self._spans[-1][1]:  # another thread's wait for the same holder
                last = self._spans.pop()
                start, end = min(start, last[0]), max(end, last[1])
            self._spans.append((start, end))

    def since(self, time_: float) -> list[tuple[float, float]]:
        """The spans that ended at ``time_`` or later, earliest first (usually none)."""
        if not self._spans:
            return []
        with self._lock:
            return sorted(span for span in self._spans if span[1] >= time_)


def overlap(spans: list[tuple[float, float]], start: float, end: float) -> float:
    """Seconds of ``[start, end]`` that the union of ``spans`` (sorted by start) covers."""
    total, reach = 0.0, start
    for s, e in spans:
        s, e = max(s, reach), min(e, end)
        if e > s:
            total += e - s
            reach = e
    return total


# A span at least this long (a write of this process waited for the lock, or one of its write
# transactions held it) is also written into the file, in that same transaction (share_stall):
# a process that saw no wait itself (one that joined as the stall ended) reads it in its stale
# check. Longer than _LOCK_WAIT_MIN: a write of its own, kept for spans that could matter.
_STALL_SHARED = 0.2
_STALLS_KEY = "lock_stalls"  # tunewise_meta's row of the latest shared spans (JSON [[start, end], ...])
_STALLS_KEPT = 16


def share_stall(cur: Any, spans: list[tuple[float, float]]) -> None:
    """Inside a SQLite write transaction (holding the write lock): merge ``spans`` into the
    file's record of when no process could write (``tunewise_meta``), the latest kept."""
    import json
    import sqlite3

    try:
        cur.execute("SELECT value FROM tunewise_meta WHERE key = :k", {"k": _STALLS_KEY})
        row = cur.fetchone()
    except sqlite3.Error:  # no such table yet (a file being created): nothing to record into
        return
    kept = [tuple(span) for span in json.loads(row[0])] if row else []
    merged: list[list[float]] = []
    for start, end in sorted([*kept, *spans]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    cur.execute("INSERT INTO tunewise_meta (key, value) VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v",
                {"k": _STALLS_KEY, "v": json.dumps(merged[-_STALLS_KEPT:])})


def shared_stalls(cur: Any, since: float) -> list[tuple[float, float]]:
    """The spans :func:`share_stall` recorded in this SQLite file that ended at ``since`` or later."""
    import json

    cur.execute("SELECT value FROM tunewise_meta WHERE key = :k", {"k": _STALLS_KEY})
    row = cur.fetchone()
    spans = [(float(s), float(e)) for s, e in json.loads(row[0])] if row else []
    return [span for span in spans if span[1] >= since]


_lock_waits: dict[str, LockWaits] = {}
_lock_waits_guard = threading.Lock()


def _lock_waits_of(path: str | None) -> LockWaits:
    """One record per SQLite file (or PostgreSQL server) in this process: every handle on it waits alike."""
    if path is None:
        return LockWaits()
    with _lock_waits_guard:
        return _lock_waits.setdefault(path, LockWaits())


class Backoff:
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


class _Connections:
    """An engine and the pooled connection each thread of this process runs on: one per
    :class:`Database` on SQLite, one per PostgreSQL URL (and engine arguments) shared by every
    Database on it in this process.

    Before, each storage had an engine of its own and its thread's connection stayed checked out
    as long as the storage lived: a process that opened studies one after another held one more
    server connection per study (s32 lead_pg_connections.txt: 10 studies, 10 connections)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.local = threading.local()
        self.pid = os.getpid()
        # The connections the threads hold, to close when the last user goes (weakly: a thread
        # that ended without giving its back lets it go with its thread-local storage).
        self.held: weakref.WeakSet[Any] = weakref.WeakSet()
        self.users = 0

    def forked(self) -> None:
        """In a forked child: leave the parent's connections alone, and take new ones from now on."""
        self.engine.dispose(close=False)
        self.local = threading.local()
        self.held = weakref.WeakSet()
        self.pid = os.getpid()

    def close_all(self) -> None:
        """Give back every thread's connection and close the pool's (no user is left)."""
        if os.getpid() != self.pid:  # a forked child's copy: the parent's connections are not ours
            self.engine.dispose(close=False)
            return
        held, self.held, self.local = list(self.held), weakref.WeakSet(), threading.local()
        for raw in held:
            try:
                raw.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not raise
                pass
        self.engine.dispose()


# PostgreSQL: (URL, engine arguments) -> the engine and connections every Database on them shares.
_shared: dict[tuple[str, str], _Connections] = {}
# Reentrant: a collected Database's finalizer (_leave) may run inside _join, at any allocation.
_shared_guard = threading.RLock()


def _join(key: tuple[str, str] | None, engine: sa.Engine) -> _Connections:
    """The connections a new Database on ``key`` uses (None: its own, over ``engine``)."""
    with _shared_guard:
        conns = _shared.get(key) if key is not None else None
        if conns is None:
            conns = _Connections(engine)
            if key is not None:
                _shared[key] = conns
        else:
            engine.dispose()  # the one just made for the URL: never connected
        conns.users += 1
        return conns


def _leave(key: tuple[str, str] | None, conns: _Connections, close_all: bool) -> None:
    """A Database on ``conns`` is closed (``close_all`` False) or was collected: the last one
    closes the pool (and, when collected, every thread's connection: none can be in use)."""
    with _shared_guard:
        conns.users -= 1
        if conns.users > 0:
            return
        if key is not None and _shared.get(key) is conns:
            del _shared[key]
    if close_all:
        conns.close_all()
    else:
        conns.engine.dispose(close=os.getpid() == conns.pid)


def _share_key(url: str, is_sqlite: bool, engine_kwargs: dict[str, Any]) -> tuple[str, str] | None:
    if is_sqlite:
        return None  # (no server: a file's connections stay with its storage, as before)
    try:
        return url, repr(sorted(engine_kwargs.items()))
    except Exception:  # noqa: BLE001 - arguments that cannot be compared: an engine of its own
        return None


class Database:
    """The database at ``url`` as this process reaches it: the engine, one pooled connection per
    thread, and :meth:`run` (one operation, in one transaction for a write, retried with backoff).

    The arguments are those of :class:`~tunewise.storage.SQLStorage`, already validated (except
    what only the URL can tell: driver, path, query options)."""

    def __init__(self, url: str, *, retry_seconds: float, busy_timeout: float, engine_kwargs: dict[str, Any],
                 synchronous: str | None) -> None:
        self.url = url
        self.masked = mask(url)
        self.retry_seconds = retry_seconds
        self.busy_timeout = busy_timeout
        self.engine_kwargs = engine_kwargs
        self.synchronous = synchronous  # SQLite's; the URL's ?synchronous= sets it too (_sqlite_url)
        self.read_only: str | None = None  # why a SQLite file is opened read-only (set by _create_engine)
        self.path: str | None = None  # the SQLite file
        engine = self._create_engine()
        self.is_sqlite = engine.dialect.name == "sqlite"
        key = _share_key(url, self.is_sqlite, engine_kwargs)
        self._conns = conns = _join(key, engine)
        self.engine = conns.engine
        self._finalizer = weakref.finalize(self, _leave, key, conns, True)
        self._finalizer.atexit = False  # at exit, the process's end closes them (daemon threads may still write)
        if self.is_sqlite:
            self._refuse_orphaned_log()
        # SQLite: when this process's writes waited for the file's write lock (see LockWaits);
        # PostgreSQL: when this process could not reach the server (its operations were retried)
        self.lock_waits: LockWaits | None = _lock_waits_of(self.path) if self.is_sqlite else None
        self.outages: LockWaits | None = None if self.is_sqlite else _lock_waits_of("server " + self.masked)
        dbapi: Any = self.engine.dialect.dbapi
        self._dbapi = dbapi
        self._db_errors: tuple[type[BaseException], ...] = (sa_exc.DBAPIError, dbapi.Error)
        self._file_id: tuple[int, int] | None = None  # the SQLite file's (device, inode), see _check_same_file

    def close(self) -> None:
        """Give this thread's connection back; the last open Database on the engine also closes
        its pool. (Other threads may still run operations here: their connections are left to them.)"""
        self.release_thread()
        left = self._finalizer.detach()  # (self, _leave, (key, conns, True), {}) the first time
        if left is not None:
            _leave(left[2][0], left[2][1], False)
        else:
            self.engine.dispose(close=os.getpid() == self._conns.pid)

    def error(self, problem: str) -> StorageError:
        return StorageError(f"storage {self.masked!r}: {problem}")

    # ---- the engine -------------------------------------------------------------------------------
    def _create_engine(self) -> sa.Engine:
        try:
            url = sa.engine.make_url(self.url)
        except Exception:  # noqa: BLE001 - SQLAlchemy raises ArgumentError or ValueError here
            raise self.error(
                "malformed URL; expected e.g. 'sqlite:///path/to/tunewise.db' or "
                "'postgresql+psycopg://user:password@host:5432/dbname'"
            ) from None
        backend = url.get_backend_name()
        kwargs: dict[str, Any] = {"pool_size": 4, "max_overflow": -1, "poolclass": sa.pool.QueuePool}
        if backend == "sqlite":
            if url.drivername not in ("sqlite", "sqlite+pysqlite"):
                raise self.error(f"unsupported SQLite driver {url.drivername!r}; use 'sqlite:///path.db'")
            url = self._sqlite_url(url)
            kwargs["connect_args"] = {"check_same_thread": False}
        elif backend in ("postgresql", "postgres"):
            if self.synchronous is not None:
                raise ValueError(
                    "synchronous is a SQLite setting; PostgreSQL's durability is the server's "
                    "synchronous_commit setting"
                )
            if url.drivername in ("postgresql", "postgres"):
                url = url.set(drivername="postgresql+psycopg")
            if url.drivername != "postgresql+psycopg":
                raise self.error(
                    f"unsupported PostgreSQL driver {url.drivername!r}; use 'postgresql+psycopg://...'"
                )
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise self.error('PostgreSQL needs psycopg 3: pip install "tunewise[postgresql]"') from None
            if "connect_timeout" not in url.query:
                kwargs["connect_args"] = {"connect_timeout": 10}
        elif backend in ("mysql", "mariadb"):
            # The storage's statements rely on what MySQL lacks (RETURNING, data-modifying CTEs,
            # transactional DDL); its studies can still be read, by the Optuna importer.
            raise self.error(
                f"unsupported database {backend!r} for a tunewise storage: tunewise stores studies in SQLite "
                f"('sqlite:///path.db') or PostgreSQL ('postgresql+psycopg://user:password@host/db'); an Optuna "
                f"study kept in MySQL can be copied into one with `tunewise import optuna "
                f"mysql+pymysql://user:password@host/db --storage sqlite:///tunewise.db`"
            )
        else:
            raise self.error(
                f"unsupported database {backend!r}; tunewise stores studies in SQLite ('sqlite:///path.db') "
                f"or PostgreSQL ('postgresql+psycopg://user:password@host/db')"
            )
        kwargs.update(self.engine_kwargs)
        try:
            engine = sa.create_engine(url, **kwargs)
        except Exception as e:  # noqa: BLE001 - bad query parameters and the like
            raise self.error(f"cannot create a database engine: {first_line(e)}") from None
        if backend == "sqlite":
            busy_ms = int(self.busy_timeout * 1000)
            synchronous = (self.synchronous or "normal").upper()
            read_only = self.read_only is not None

            @sa.event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                # Driver-level autocommit: reads need no transaction, writes send BEGIN IMMEDIATE.
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
                # Switching to WAL writes the file header: not in a read-only file, nor in another
                # tool's (an Optuna database is refused unchanged by the schema check).
                if not read_only and not _optuna_file(cur):
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
        write) as a SQLite URI. Sets ``path``, ``read_only`` and ``synchronous``."""
        raw_query = self.url.partition("?")[2].partition("#")[0]
        dropped = [part for part in raw_query.split("&") if part and "=" not in part]
        if dropped:  # SQLAlchemy drops them: the file would silently be another one (x.db?y -> x.db)
            raise self.error(
                f"{url.database!r} is the file this URL names: '?{raw_query}' after it is read as query options "
                f"(and {', '.join(map(repr, dropped))} dropped). If '?' is part of the file name, write it as "
                f"%3F ('sqlite:///{url.database}%3F{raw_query}')")
        query: dict[str, str] = {}
        for key, value in url.query.items():
            if not isinstance(value, str):
                raise self.error(f"query parameter {key!r} is given {len(value)} times; give it once")
            query[key] = value
        sync = query.pop("synchronous", None)
        if sync is not None:
            try:
                sync = check_synchronous(sync, "the URL's synchronous")
            except ValueError as e:
                raise self.error(str(e)) from None
            if self.synchronous is not None and self.synchronous != sync:
                raise ValueError(f"the URL says synchronous={sync} but the synchronous option says "
                                 f"{self.synchronous!r}; give one")
            self.synchronous = sync
        db = url.database or ""
        uri = _truthy(query.get("uri", ""))
        mode = query.get("mode", "").lower()
        if uri and db.startswith("file:"):
            parts = urllib.parse.urlsplit(db)
            if parts.netloc not in ("", "localhost"):
                raise self.error(f"a SQLite URI names a file on this machine ('file:/path'), got host "
                                 f"{parts.netloc!r}")
            db = urllib.parse.unquote(parts.path)
        if not db or db == ":memory:" or db.startswith("file::memory:") or mode == "memory":
            raise self.error(
                "an in-memory SQLite database is private to one connection; pass storage=None for "
                "in-memory storage, or a file path as 'sqlite:///path/to/tunewise.db'"
            )
        path = self.path = os.path.abspath(db)
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            raise self.error(f"directory {directory!r} does not exist; create it or choose another path")
        if os.path.isdir(path):
            raise self.error(f"{db!r} is a directory; give the path of a database file inside it")
        name = os.path.basename(path)
        try:
            longest = os.pathconf(directory, "PC_NAME_MAX")
        except (OSError, ValueError, AttributeError):
            longest = 255
        size = len(os.fsencode(name))
        if size + len("-journal") > longest:  # SQLite would only say "unable to open database file"
            raise self.error(f"the file name {name[:40] + '...'!r} is {size} bytes long, and SQLite also creates "
                             f"'<name>-journal' ({size + 8} bytes) next to it; the file system of {directory!r} "
                             f"allows {longest}: choose a name of at most {longest - 8} bytes")
        exists = os.path.exists(path)
        dir_writable = os.access(directory, os.W_OK)
        shm = os.path.exists(path + "-shm")
        if mode == "ro":
            self.read_only = "the URL asks for mode=ro"
        elif exists and not os.access(path, os.W_OK):
            self.read_only = "the file is not writable by this user"
        elif exists and not dir_writable and not shm:
            # SQLite writes its -wal and -shm files (or a rollback journal) next to the database.
            self.read_only = "its directory is not writable by this user"
        if self.read_only is None:
            if uri:
                return url.set(query=query)
            unknown = sorted(set(query) - _PYSQLITE_ARGS)
            if unknown:  # SQLAlchemy would ignore them (with a warning) without uri=true: say so
                raise self.error(
                    f"unknown query parameter(s) {', '.join(unknown)}; tunewise reads 'synchronous' and "
                    f"'mode=ro', and SQLite URI parameters need 'uri=true' (e.g. "
                    f"'sqlite:///file:/path/to/x.db?mode=ro&uri=true')"
                )
            return url.set(query=query)
        if not exists:
            raise self.error(f"cannot open {path!r} read-only ({self.read_only}): the file does not exist")
        ro_query = {k: v for k, v in query.items() if k not in ("mode", "uri")}
        ro_query.update(mode="ro", uri="true")
        if not dir_writable and not shm:
            # A read-only connection to a WAL database needs the -shm file, and cannot create it
            # here. Without a -wal file holding commits, the database file is the whole database
            # and nobody can be writing it: read it as immutable (no locks, no -shm).
            wal = path + "-wal"
            if os.path.exists(wal) and os.path.getsize(wal) > 0:
                raise self.error(
                    f"cannot read {path!r}: its write-ahead log {wal!r} holds commits that SQLite can only "
                    f"read with a {path + '-shm'!r} file, which cannot be created in the read-only directory; "
                    f"copy the three files to a writable directory (or open it once where it is writable)"
                )
            ro_query.setdefault("immutable", "1")
        return sa.engine.URL.create("sqlite", database="file:" + urllib.parse.quote(path), query=ro_query)

    # ---- connections --------------------------------------------------------------------------------
    def raw(self) -> Any:
        """This thread's pooled DBAPI connection, in driver autocommit mode."""
        conns = self._conns
        if os.getpid() != conns.pid:
            conns.forked()  # the parent's connections must not be touched here
        raw = getattr(conns.local, "raw", None)
        if raw is None:
            raw = conns.engine.raw_connection()
            if not self.is_sqlite:
                driver: Any = raw.driver_connection
                driver.autocommit = True  # we send BEGIN/COMMIT for writes only
            conns.local.raw = raw
            conns.held.add(raw)
        return raw

    def release_thread(self) -> None:
        """Give this thread's connection back to the pool (called by threads that are ending, or
        idle: a heartbeat thread with no trial to beat for)."""
        conns = self._conns
        raw = getattr(conns.local, "raw", None)
        conns.local.raw = None
        if raw is not None and os.getpid() == conns.pid:
            try:
                if conns.users > 0:
                    raw.close()
                else:  # the last Database on it closed and disposed the pool meanwhile (a heartbeat
                    raw.invalidate()  # thread's late tick): checked in there it stayed open until a gc
            except Exception:  # noqa: BLE001 - closing a broken connection must not raise
                pass

    def _drop_raw(self) -> None:
        conns = self._conns
        raw = getattr(conns.local, "raw", None)
        conns.local.raw = None
        if raw is not None:
            try:
                raw.invalidate()
            except Exception:  # noqa: BLE001
                pass

    # ---- errors and retries -------------------------------------------------------------------------
    def classify(self, e: BaseException) -> str:
        """'retry' (same connection), 'reconnect', or 'fatal'."""
        orig = getattr(e, "orig", None) or e
        if self.is_sqlite:
            msg = str(orig).lower()
            return "retry" if ("locked" in msg or "busy" in msg) else "fatal"
        code = getattr(orig, "sqlstate", None)
        if code in ("40001", "40P01"):  # serialization failure, deadlock detected: run it again
            return "retry"
        if code in ("57014", "55P03"):
            # statement_timeout / lock_timeout (another session holding a lock) or a cancel: it did
            # not run; run it again until the retry window closes, then fail as an outage would
            return "retry"
        if code is not None and code.startswith(("08", "57P")):  # connection exception, shutdown
            return "reconnect"
        import psycopg

        if isinstance(orig, (psycopg.OperationalError, psycopg.InterfaceError)) and code is None:
            return "reconnect"  # no answer from a server at all
        if getattr(e, "connection_invalidated", False):
            return "reconnect"
        return "fatal"

    def run(self, fn: Callable[[Cursor], _T], write: bool) -> _T:
        """Run ``fn`` (in one transaction when ``write``); retry on busy/lost databases with backoff.

        A PostgreSQL write whose COMMIT got no answer (the connection dropped after the server
        committed, or before it got the COMMIT) is not simply run again: the retry first asks the
        server whether that transaction committed (``txid_status`` of the id its ``BEGIN`` round
        trip returned), and if it did, the first attempt's result stands. Run again, a claim would
        find its own key taken and report it held by someone else, and a start would start a
        second trial. (SQLite runs in this process: a COMMIT that raises did not commit.)"""
        backoff: Backoff | None = None
        unanswered: tuple[int, Any] | None = None  # (transaction id, result) of a COMMIT that got no answer
        waits = self.lock_waits if write else None
        asked = time.time() if waits is not None else 0.0  # the busy waits and retries for the lock start here
        got = asked
        lost_at: float | None = None  # PostgreSQL: when this operation first found the server out of reach

        def reached(value: _T) -> _T:
            if lost_at is not None and self.outages is not None:  # the server was out of reach until now
                self.outages.add(lost_at, time.time())
            return value

        while True:
            try:
                raw = self.raw()
                cur = raw.cursor()
                try:
                    if unanswered is not None:
                        cur.execute("SELECT txid_status(%(xid)s)", {"xid": unanswered[0]})
                        status = cur.fetchone()[0]
                        if status == "committed":
                            return reached(unanswered[1])
                        if status == "in progress":  # the server has not finished it yet: ask again
                            raise _Undecided()
                        unanswered = None  # aborted: run it again
                    if write:
                        xid = None
                        if self.is_sqlite:
                            cur.execute("BEGIN IMMEDIATE")
                            if waits is not None:
                                got = time.time()
                                if got - asked >= _LOCK_WAIT_MIN:  # another process held the lock
                                    waits.add(asked, got)
                        else:  # one round trip, as a bare BEGIN: the id is assigned now, not at the first write
                            cur.execute("BEGIN; SELECT txid_current()")
                            cur.nextset()
                            xid = cur.fetchone()[0]
                        try:
                            if self.is_sqlite:
                                self._check_same_file()
                            result = fn(Cursor(cur))
                            if waits is not None:  # (one clock read unless this write waited or ran long)
                                now = time.time()
                                if now - asked >= _STALL_SHARED:
                                    share_stall(cur, [(s, e) for s, e in ((asked, got), (got, now))
                                                      if e - s >= _STALL_SHARED])
                            try:
                                cur.execute("COMMIT")
                            except self._db_errors as e:
                                if xid is not None and self.classify(e) == "reconnect":
                                    unanswered = (xid, result)
                                raise
                        except BaseException:
                            try:
                                cur.execute("ROLLBACK")
                            except self._db_errors:
                                pass  # the error ended the transaction itself (SQLite's SQLITE_FULL does)
                            raise
                        finally:
                            if waits is not None:
                                done = time.time()
                                if done - got >= _LOCK_WAIT_MIN:  # (stopped inside it): every other writer waited
                                    waits.add(got, done)
                        return reached(result)
                    return reached(fn(Cursor(cur)))
                finally:
                    cur.close()
            except Abort as a:
                return a.value  # type: ignore[no-any-return]
            except _FileGone:
                self._checkpoint_quietly()
                raise
            except _Undecided:
                backoff = backoff or Backoff(self.retry_seconds)
                if not backoff.wait():
                    raise self.error(
                        f"a write's COMMIT got no answer, and the server still reports its transaction "
                        f"{unanswered[0] if unanswered else '?'} in progress after {self.retry_seconds:g} s: "
                        f"whether it was stored is unknown"
                    ) from None
            except self._db_errors as e:
                kind = self.classify(e)
                if kind == "fatal":
                    orig = getattr(e, "orig", e)
                    if self.is_sqlite:
                        problem = _sqlite_problem(e, self.path, self.read_only)
                        if problem is not None:  # corrupt or read-only: the message says it all
                            raise self.error(problem) from None
                        if isinstance(orig, self._dbapi.OperationalError):
                            raise self.error(first_line(e)) from e
                    elif isinstance(orig, self._dbapi.OperationalError):
                        # The server refused (disk full, out of memory, ...): a StorageError, so a
                        # finished trial's result is spooled instead of lost with the traceback
                        raise self.error(first_line(e)) from e
                    raise
                if kind == "reconnect":
                    self._drop_raw()
                    if lost_at is None:
                        lost_at = time.time()
                else:
                    self._rollback_quietly()
                backoff = backoff or Backoff(self.retry_seconds)
                if not backoff.wait():
                    raise self.error(
                        f"database unavailable for {self.retry_seconds:g} s, giving up: {first_line(e)}"
                        f"{self._lock_hint(e)}"
                    ) from e

    def _lock_hint(self, e: BaseException) -> str:
        """What to look for when SQLite's write lock stayed held past the retry window: every
        writer waits while one process holds it, so a writer stopped inside a write (SIGSTOP,
        Ctrl-Z, a debugger) or hung stalls them all (benchmarks/history/s24/faults.md)."""
        if not self.is_sqlite or "locked" not in str(getattr(e, "orig", None) or e).lower():
            return ""
        where = self.path or "the database file"
        return (f"\nAnother process has held SQLite's write lock for the whole retry window: it may be "
                f"stopped (SIGSTOP, Ctrl-Z, a debugger) or hung inside a "
                f"write. `fuser {where}` lists the processes that have the database open; the lock is released "
                f"when that process resumes or ends (busy_timeout= and retry_seconds= of SQLStorage set how long "
                f"writers wait).")

    def _refuse_orphaned_log(self) -> None:
        """Refuse to create a database where one was moved or deleted while a process had it open.

        SQLite removes a database's ``-wal`` and ``-shm`` when its last connection closes, so
        either one without the database file means it was moved away or deleted under a running
        study (whose process may still be writing to it). A new database there would hold none of
        its trials: a study resumed there would start afresh, silently (s33 faults, case 1); and
        SQLite would take a non-empty log left there as the new file's own (a partial copy of the
        old database)."""
        if self.path is None or os.path.exists(self.path):
            return
        wal, shm = self.path + "-wal", self.path + "-shm"
        try:
            size: int | None = os.path.getsize(wal)
        except OSError:
            size = None
        if size is None and not os.path.exists(shm):
            return
        names = [p for p in (wal, shm) if os.path.exists(p)]
        left = (f"its write-ahead log {wal!r} ({size} bytes, the latest commits) is" if size
                else f"{' and '.join(map(repr, names))} {'are' if len(names) > 1 else 'is'}")
        raise self.error(
            f"the SQLite file {self.path!r} is missing, but {left} still there: the database was moved or "
            f"deleted while a process had it open, and a new database here would start the study afresh. Put the "
            f"database back at that path, or delete {wal!r} and {shm!r} to start a new database there"
        )

    def _check_same_file(self) -> None:
        """Refuse to write once the SQLite file was deleted, moved away, replaced (moved over) or
        truncated under us.

        SQLite keeps writing to the file it opened, so every later commit would go to a file no
        path names any more and vanish with the last connection, silently; a file truncated or
        overwritten in place is corrupt, yet a connection with its pages cached goes on committing
        to it (s33: 30 of 30 results "stored", the file unreadable)."""
        if self.path is None:
            return
        try:
            st = os.stat(self.path)
            now: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            now = None
        if self._file_id is None:
            self._file_id = now  # the file this storage writes: the one there at its first write
        if now is not None and now == self._file_id:  # the same file: is it still a database?
            # Only its size, from stat(): opening the file here and closing it again would drop every
            # POSIX lock this process holds on it (fcntl locks belong to the process and go with ANY
            # descriptor's close), so another connection's write lock would be gone mid-transaction
            # and two processes could write at once: "database disk image is malformed" (s33, the
            # executor tests under 0a26001). A file overwritten in place, as long as before, is not
            # seen here (left open).
            if st.st_size >= _SQLITE_HEADER_SIZE:
                return
            what = f"truncated (to {st.st_size} bytes)"
            kept = ("what its write-ahead log still held was copied back into it (a checkpoint), the rest of it is "
                    "lost: restore it from a backup (a result that finished since is spooled and written when a "
                    "study next opens it)")
        elif now == self._file_id:  # no file at the first write either
            return
        else:
            what = ("deleted or moved away (no file is at that path now)" if now is None
                    else "replaced by another file (one moved or copied over it)")
            kept = ("every result stored before is in the file this storage opened: its write-ahead log was "
                    "copied into it (a checkpoint), so a file moved away holds them all. Put it back at that path "
                    "(a result that finished since is spooled and written when a study next opens it), or start "
                    "anew on another path")
        raise _FileGone(
            f"storage {self.masked!r}: the SQLite file {self.path!r} was {what} while this storage had it "
            f"open; nothing more is written. {kept[0].upper()}{kept[1:]}, and rerun"
        )

    def _checkpoint_quietly(self) -> None:
        """Copy the write-ahead log into the database file this storage opened and empty it.

        After the file was moved away (without its ``-wal``), its last commits would be only in the
        log left at the old path; a new database created there would take that log as its own."""
        raw = getattr(self._conns.local, "raw", None)
        if raw is None:
            return
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA busy_timeout = 2000")  # readers of other processes end within it
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            cur.close()
        except Exception:  # noqa: BLE001 - the error raised already says what happened
            pass

    def _rollback_quietly(self) -> None:
        raw = getattr(self._conns.local, "raw", None)
        if raw is None:
            return
        try:
            cur = raw.cursor()
            cur.execute("ROLLBACK")
            cur.close()
        except Exception:  # noqa: BLE001 - no transaction open: nothing to undo
            pass

    # ---- opening -----------------------------------------------------------------------------------
    def open_with_retry(self, fn: Callable[[], _T]) -> _T:
        """Run ``fn`` (which opens the database through :attr:`engine`, e.g. to create the schema).

        Another process may hold SQLite's lock while this one opens the file (creating the schema,
        switching a new file to WAL): retry like every other operation, with backoff, for up to
        retry_seconds. A PostgreSQL server that cannot be reached fails at once with the
        explanation (a wrong URL should not take a minute to report); one whose connections are
        all taken by other clients is waited for, as a lock is."""
        backoff = Backoff(self.retry_seconds)
        while True:
            try:
                return fn()
            except sa_exc.DBAPIError as e:
                transient = self.classify(e) == "retry" if self.is_sqlite else _server_full(e)
                if not transient or not backoff.wait():
                    raise self.error(self._open_error(e)) from None
                self.engine.dispose()

    def _open_error(self, e: BaseException) -> str:
        if self.is_sqlite:
            problem = _sqlite_problem(e, self.path, self.read_only)
            if problem is None and "unable to open" in first_line(e).lower() and self.path \
                    and not os.access(os.path.dirname(self.path), os.W_OK):
                problem = (f"{first_line(e)} (the directory {os.path.dirname(self.path)!r} is not writable, "
                           f"so the file cannot be created there)")
            return f"cannot open the SQLite database: {problem or first_line(e)}"
        return _explain_connect_error(e)
