"""Storage backends the storage tests run against.

PostgreSQL runs when ``TUNEWISE_TEST_POSTGRES_URL`` is set (``.ci/postgres.sh`` prints one). When it
is set and the server cannot be reached the tests fail: CI asked for PostgreSQL and must get it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from tunewise.storage import SQLStorage

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.testing.faults import FlakyProxy
    from tunewise.trial import Trial

POSTGRES_ENV = "TUNEWISE_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV)
SKIP_PG_REASON = (
    f"PostgreSQL tests need {POSTGRES_ENV}=postgresql+psycopg://user:pw@host/db "
    f"(run `.ci/postgres.sh` to start a local server and print one)"
)

BACKENDS = ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
SQL_BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def backend_url(backend: str, tmp_path) -> str | None:
    """A URL for ``backend`` (None for in-memory); skips PostgreSQL when it is not configured."""
    if backend == "memory":
        return None
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'tw.db'}"
    if backend == "postgresql":
        if not POSTGRES_URL:
            pytest.skip(SKIP_PG_REASON)
        return POSTGRES_URL
    raise ValueError(backend)


def unique(name: str) -> str:
    """Study names unique per test: the PostgreSQL database is shared by every test."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def postgres_behind_proxy() -> Iterator[tuple[str, FlakyProxy]]:
    """``(url, proxy)``: the test PostgreSQL server reached through a :class:`FlakyProxy`, which a
    test takes down and brings back (the shared server itself is never stopped); skips without
    PostgreSQL."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    import sqlalchemy as sa

    from tunewise.testing.faults import FlakyProxy

    url = sa.engine.make_url(POSTGRES_URL)
    proxy = FlakyProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    finally:
        proxy.close()


class SQLStorageClaimingBeforeStart(SQLStorage):
    """SQLStorage whose start claims no key (``claims_at_start()`` False, as a third-party storage
    written before ``PreparedStart.claim``): tunewise then claims a proposal's or an admission's
    key in a step of its own before the start (a queued PBT segment: ``start:<number>``)."""

    def claims_at_start(self) -> bool:
        return False


def sqlite_study_on_a_full_disk(tmp_path) -> tuple[str, Study]:
    """``(url, study)``: a SQLite study ``"s"`` with 2 COMPLETE trials whose file cannot grow any
    more (SQLite's own limit on the file's pages, ``PRAGMA max_page_count``, stands in for a full
    disk): a trial that writes more than the pages left, as :func:`more_than_the_pages_left`
    does, finds the disk full."""
    import tunewise as tw

    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=None)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    con = study.storage._db.raw().driver_connection
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    con.execute(f"PRAGMA max_page_count = {pages}")
    return url, study


def more_than_the_pages_left(trial: Trial) -> float:
    """An objective whose result (a 100,000-character user attr) does not fit a full disk's pages."""
    trial.set_user_attr("log", "x" * 100_000)
    return trial.suggest_float("x", 0, 1)


def spool_dirs_full(monkeypatch: pytest.MonkeyPatch, *full_dirs: object) -> Callable[[], None]:
    """Spool files created in any of ``full_dirs`` fail as on a full disk; returns "space back"."""
    mkstemp = tempfile.mkstemp
    full = {str(d) for d in full_dirs}

    def _no_space(*args, **kwargs):
        if str(kwargs.get("dir")) in full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", _no_space)
    return lambda: monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
