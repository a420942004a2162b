"""A process that holds SQLite's write lock past the retry window (session 24, case 3).

Every writer waits while one process holds the lock, so a worker stopped inside a write (SIGSTOP,
Ctrl-Z, a debugger) stalls them all, and after ``busy_timeout`` + ``retry_seconds`` their writes
fail with ``database is locked``. The error now says what to look for
(``benchmarks/history/s24/faults.md``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage


def test_a_write_lock_held_past_the_retry_window_names_the_likely_cause(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    storage = SQLStorage(f"sqlite:///{path}", busy_timeout=0.05, retry_seconds=0.3)
    storage.create_study("first", ["minimize"])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer stopped inside its transaction
    try:
        with pytest.raises(StorageError) as raised:
            storage.create_study("second", ["minimize"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(raised.value)
    assert "database is locked" in message
    assert "may be stopped" in message and f"fuser {path}" in message
    assert storage.create_study("second", ["minimize"]) >= 0  # released: writes go on


def test_other_errors_get_no_lock_hint(tmp_path: Path) -> None:
    storage = SQLStorage(f"sqlite:///{tmp_path / 'ok.db'}", busy_timeout=0.05, retry_seconds=0.3)
    db = storage._db
    assert db._lock_hint(RuntimeError("disk I/O error")) == ""
    assert "may be stopped" in db._lock_hint(RuntimeError("database is locked"))
