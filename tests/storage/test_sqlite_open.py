"""Opening a SQLite database that another process holds locked: wait for it, within bounds."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage


def _hold_lock(path: Path) -> sqlite3.Connection:
    """Another process's write in progress: an exclusive lock on a rollback-journal database."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (a)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO other VALUES (1)")
    return holder


def test_open_waits_for_a_lock_held_longer_than_the_busy_timeout(tmp_path: Path) -> None:
    # busy_timeout (SQLite's own wait) is far shorter than the lock: the open retries with
    # backoff, as every other operation does, and succeeds once the lock is released.
    path = tmp_path / "locked.db"
    holder = _hold_lock(path)
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    t0 = time.monotonic()
    storage = SQLStorage(f"sqlite:///{path}", busy_timeout=0.05, retry_seconds=30)
    assert time.monotonic() - t0 >= 0.9  # it did wait for the lock
    release.join()
    study = tw.create_study(name="s", storage=storage)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert len(tw.load_study("s", f"sqlite:///{path}").trials) == 3


def test_open_gives_up_with_a_clear_error_after_retry_seconds(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = _hold_lock(path)
    try:
        t0 = time.monotonic()
        with pytest.raises(StorageError, match="cannot open the SQLite database: database is locked"):
            SQLStorage(f"sqlite:///{path}", busy_timeout=0.05, retry_seconds=0.5)
        assert 0.4 <= time.monotonic() - t0 < 20
    finally:
        holder.execute("ROLLBACK")
        holder.close()
