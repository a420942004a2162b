"""A corrupt SQLite file gives one clear StorageError (which file, that it is corrupt, what to do),
never a raw ``sqlite3.DatabaseError`` traceback from deep inside the storage."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage


def _study_file(tmp_path: Path) -> Path:
    """A study spread over many pages, checkpointed into the database file (no WAL left)."""
    path = tmp_path / "study.db"
    study = tw.create_study(name="s", storage=f"sqlite:///{path}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + len(t.suggest_categorical("c", ["a" * 300, "b" * 400])),
                   n_trials=150)
    study._storage.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _smash(path: Path, start: int, length: int) -> None:
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(b"\xff" * length)


def test_corruption_in_the_middle_of_the_file_is_a_clear_storage_error(tmp_path):
    path = _study_file(tmp_path)
    size = os.path.getsize(path)
    assert size > 100_000
    # The second half holds trial rows and index pages; the schema (page 1) and the tables' root
    # pages stay intact, so the file opens and the damage shows on the first read.
    _smash(path, size // 2, size // 2)
    storage = SQLStorage(f"sqlite:///{path}")
    sid = storage.get_study_id("s")
    with pytest.raises(StorageError) as info:
        storage.get_trials(sid)
    msg = str(info.value)
    assert f"the SQLite file {str(path)!r} is corrupt (database disk image is malformed)" in msg
    assert "restore it from a backup" in msg and f"sqlite3 {path} .recover | sqlite3 recovered.db" in msg
    # One error, not a chain of driver tracebacks.
    assert info.value.__cause__ is None and info.value.__suppress_context__
    with pytest.raises(StorageError, match=r"is corrupt \(database disk image is malformed\)"):
        storage.start_trial(sid)  # a write that reaches the damage says the same
    storage.close()


def test_a_file_that_is_not_a_database_is_reported_as_corrupt_on_open(tmp_path):
    path = _study_file(tmp_path)
    _smash(path, 0, 100)  # the header
    with pytest.raises(StorageError, match=r"cannot open the SQLite database: the SQLite file .* is corrupt "
                                           r"\(file is not a database\); restore it from a backup"):
        SQLStorage(f"sqlite:///{path}")


def test_the_command_line_prints_one_line_not_a_traceback(tmp_path):
    path = _study_file(tmp_path)
    size = os.path.getsize(path)
    _smash(path, size // 2, size // 2)
    result = CliRunner().invoke(main, ["trials", "s", "--storage", f"sqlite:///{path}"])
    assert result.exit_code != 0
    assert "is corrupt (database disk image is malformed)" in result.output
    assert "Traceback" not in result.output and "sqlite3.DatabaseError" not in result.output
    assert not isinstance(result.exception, sqlite3.Error)
