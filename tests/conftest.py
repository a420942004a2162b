"""Session set-up shared by the whole suite.

mypy-as-a-test (tests/test_typing.py) is started in the background once collection shows it will
run, so its two minutes of CPU overlap the tests that wait; see that module's docstring.

Under pytest-xdist (pyproject's addopts) each worker gets a PostgreSQL database of its own,
``<database>_<worker id>`` beside the one ``TUNEWISE_TEST_POSTGRES_URL`` names, created on first use
and kept for the next run: the variable the tests read points at it, so two workers never share a
database and each holds only its own connections, as one process did.

Every PostgreSQL storage a test opened is closed when the test ends (its connections go back to
the server): otherwise a storage kept alive by its study's heartbeat thread (30 s after its last
trial) or by a reference cycle (until the next full garbage collection) holds its connections, and
the PostgreSQL tests of one process held up to 87 of the server's 100 (s33, suite.md).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.test_typing import MYPY_DIR, start_mypy

_MYPY_PROC = pytest.StashKey[subprocess.Popen[bytes]]()
_POSTGRES_ENV = "TUNEWISE_TEST_POSTGRES_URL"
# The PostgreSQL storages (tunewise.storage.SQLStorage and its subclasses) opened in this process
# since the last test ended: see _close_postgresql_storages.
_PG_STORAGES: weakref.WeakSet[Any] = weakref.WeakSet()


def _worker_database(url: str, worker: str) -> str:
    """``url`` with its database replaced by ``<database>_<worker>``, created on the same server
    (as the user of ``url``) when it does not exist yet."""
    import psycopg
    import sqlalchemy as sa
    from psycopg import sql

    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    with psycopg.connect(base.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:  # another run's worker of the same id made it
                pass
    return base.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config: pytest.Config) -> None:
    # Before collection: tests/storage/_backends.py reads the variable when it is imported.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get(_POSTGRES_ENV)
    if worker and url:
        import psycopg

        # A server that cannot be reached fails the PostgreSQL tests, as in one process.
        with contextlib.suppress(psycopg.OperationalError):
            os.environ[_POSTGRES_ENV] = _worker_database(url, worker)
    if url:
        _track_postgresql_storages()


def _track_postgresql_storages() -> None:
    """Note every SQLStorage opened on PostgreSQL in this process (by any test, fixture or the
    library itself: a study opened by URL, a sweep agent, the dashboard) in _PG_STORAGES."""
    from tunewise.storage import SQLStorage

    init = SQLStorage.__init__

    @functools.wraps(init)
    def __init__(self: SQLStorage, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if self.url.startswith("postgres"):
            _PG_STORAGES.add(self)

    SQLStorage.__init__ = __init__  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _close_postgresql_storages() -> Iterator[None]:
    """After each test (and its own fixtures' teardown: autouse fixtures are torn down last), close
    the PostgreSQL storages opened meanwhile with their public ``close()``, which gives back the
    connections of the closing thread and of the pool. What the test checked is unchanged: this
    runs once it is over, and a storage used again (none is shared between tests) reconnects."""
    yield
    for storage in list(_PG_STORAGES):
        storage.close()
    _PG_STORAGES.clear()


def _runs_mypy_test(session: pytest.Session) -> bool:
    return any(item.path.name == "test_typing.py" and item.name == "test_mypy_finds_no_errors"
               for item in session.items)


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly or not _runs_mypy_test(session) or importlib.util.find_spec("mypy") is None:
        return
    if hasattr(config, "workerinput"):
        # xdist: both cores already run tests, so mypy in the background would only take CPU from
        # them (in s32's first -n 2 run, at load 7-16, it did not finish in its 600 s); the worker
        # handed the test runs mypy itself, once.
        return
    result_dir = Path(tempfile.mkdtemp(prefix="tunewise-mypy-"))
    config.stash[_MYPY_PROC] = start_mypy(result_dir)
    config.stash[MYPY_DIR] = result_dir


def pytest_sessionfinish(session: pytest.Session) -> None:
    # A run that ended before the test (-x, Ctrl-C, a deselecting plugin) must not leave mypy running.
    proc = session.config.stash.get(_MYPY_PROC, None)
    if proc is None:
        return
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and mypy under it: it leads its own group
        proc.wait()
    shutil.rmtree(session.config.stash[MYPY_DIR], ignore_errors=True)


@pytest.fixture
def dask_client() -> Iterator[Any]:
    """A Dask client on a LocalCluster of its own (2 worker processes of 1 thread), closed after the
    test. One cluster per test: the fault tests stop a worker, which then leaves the cluster
    (tests/execution/test_dask_silent_worker.py, tests/faults/test_attack_dask_stopped_worker.py)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()
