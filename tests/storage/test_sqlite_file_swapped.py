"""The SQLite file truncated or moved away (without its -wal) under a running study.

A file truncated or overwritten in place keeps its inode, and a connection with its pages cached
went on committing to it: the run ended "successfully" with every result in a file SQLite calls
"not a database" (s33 faults, case 1). A file moved away without its write-ahead log held none of
the results still in the log, and a new database created at the old path took that log as its own.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError


@pytest.fixture(autouse=True)
def _spool_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.setenv("TUNEWISE_SPOOL_FALLBACK_DIR", str(tmp_path / "fallback"))


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 1)


def _study_with_results(path: str, n: int = 3) -> tw.Study:
    study = tw.create_study(name="s", storage=f"sqlite:///{path}",
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=n)
    return study


def _checkpoint(path: str) -> None:
    """Copy the write-ahead log into the file, as SQLite does by itself every 1,000 pages."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(PASSIVE)")
    con.close()


def test_a_truncated_file_stops_the_run_and_the_result_is_spooled(tmp_path):
    path = str(tmp_path / "a.db")
    study = _study_with_results(path)
    _checkpoint(path)

    def objective(trial):
        os.truncate(path, 0)
        return _objective(trial)

    with pytest.raises(StorageError, match=r"(?s)a\.db' was truncated \(to 0 bytes\).*restore it from a backup"):
        study.optimize(objective, n_trials=3)
    [spooled] = (tmp_path / "spool").iterdir()
    assert json.loads(spooled.read_text())["state"] == "COMPLETE"


def test_a_file_moved_away_without_its_log_holds_every_result_stored_before(tmp_path):
    path = str(tmp_path / "a.db")
    study = _study_with_results(path, n=3)
    stored = sorted(t.params["x"] for t in study.trials)
    (tmp_path / "away").mkdir()
    moved = str(tmp_path / "away" / "a.db")
    os.rename(path, moved)  # as `mv a.db away/`: a.db-wal (with the results) stays behind
    with pytest.raises(StorageError, match="a.db' was deleted"):
        study.optimize(_objective, n_trials=1)
    assert os.path.getsize(path + "-wal") == 0  # the log's commits were copied into the moved file
    # Read the moved file alone, as on another machine.
    con = sqlite3.connect(f"file:{moved}?mode=ro", uri=True)
    try:
        [(n,)] = con.execute("SELECT count(*) FROM tunewise_trials WHERE state = 'COMPLETE'").fetchall()
    finally:
        con.close()
    assert n == 3
    assert sorted(t.params["x"] for t in tw.load_study(study_name="s", storage=f"sqlite:///{moved}").trials) == stored


def test_a_new_database_is_not_created_over_a_log_left_behind(tmp_path):
    path = str(tmp_path / "a.db")
    study = _study_with_results(path, n=3)  # kept open: its log is not checkpointed or removed
    (tmp_path / "away").mkdir()
    os.rename(path, str(tmp_path / "away" / "a.db"))
    assert os.path.getsize(path + "-wal") > 0
    with pytest.raises(StorageError, match=r"(?s)a\.db' is missing, but its write-ahead log .*a\.db-wal"):
        tw.create_study(name="s", storage=f"sqlite:///{path}", load_if_exists=True)
    assert not os.path.exists(path)
    del study


def test_a_study_is_not_started_afresh_where_its_database_was_moved_away(tmp_path):
    # The running study noticed and emptied the log into the moved file: what is left at the
    # path (an empty -wal, the -shm) still says a database was there; a second worker resuming
    # the study there would silently have started it afresh in a new file.
    path = str(tmp_path / "a.db")
    study = _study_with_results(path, n=3)
    (tmp_path / "away").mkdir()
    os.rename(path, str(tmp_path / "away" / "a.db"))
    with pytest.raises(StorageError, match="a.db' was deleted or moved away"):
        study.optimize(_objective, n_trials=1)
    with pytest.raises(StorageError, match=r"(?s)a\.db' is missing, but .*a\.db-wal.* still there: the database "
                                           r"was moved or deleted while a process had it open"):
        tw.create_study(name="s", storage=f"sqlite:///{path}", load_if_exists=True)
    assert not os.path.exists(path)
