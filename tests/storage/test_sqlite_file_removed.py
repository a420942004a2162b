"""The SQLite file deleted, or another file moved over it, while a study runs.

SQLite goes on writing to the file it opened, which no path names any more: every later result
vanished silently when the last connection closed. Now the next write fails with an error that
says what happened, and the result of a trial finishing then is spooled, not dropped.
"""

from __future__ import annotations

import json
import os

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError


@pytest.fixture(autouse=True)
def _spool_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def test_a_deleted_file_stops_the_run_with_an_error_naming_it(tmp_path):
    path = str(tmp_path / "a.db")
    study = tw.create_study(name="s", storage=f"sqlite:///{path}")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    _remove(path)
    with pytest.raises(StorageError, match="a.db' was deleted or moved away"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)


def _finish_after_the_file_is_deleted(tmp_path):
    """Run one trial whose database file is deleted while it runs; returns (path, its spool file)."""
    path = str(tmp_path / "a.db")
    study = tw.create_study(name="s", storage=f"sqlite:///{path}")

    def objective(trial):
        _remove(path)
        return trial.suggest_float("x", 0, 1)

    with pytest.raises(StorageError, match="(?s)was deleted.*was not lost"):
        study.optimize(objective, n_trials=1)
    [spooled] = (tmp_path / "spool").iterdir()
    return path, spooled


def test_a_result_finishing_after_the_file_was_deleted_is_spooled(tmp_path):
    _, spooled = _finish_after_the_file_is_deleted(tmp_path)
    assert json.loads(spooled.read_text())["state"] == "COMPLETE"


def test_a_file_moved_over_the_database_stops_the_run(tmp_path):
    path = str(tmp_path / "a.db")
    study = tw.create_study(name="s", storage=f"sqlite:///{path}")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    other = str(tmp_path / "other.db")
    tw.create_study(name="s", storage=f"sqlite:///{other}")
    _remove(path)
    os.rename(other, path)
    with pytest.raises(StorageError, match="a.db' was replaced by another file"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_a_spooled_result_is_not_written_onto_another_trial_of_a_new_file(tmp_path):
    # The deleted database's trial is spooled; a new database at the same path reuses its trial
    # id for another trial, which must keep its own result.
    path, spooled = _finish_after_the_file_is_deleted(tmp_path)
    lost = json.loads(spooled.read_text())

    fresh = tw.create_study(name="s", storage=f"sqlite:///{path}", load_if_exists=True)
    other = fresh.ask()
    other.suggest_float("x", 0, 1)
    other.report(123.0, 1)
    again = tw.load_study(study_name="s", storage=f"sqlite:///{path}")  # opening replays the spool
    stored = again.trials[0]
    assert stored.state == tw.TrialState.RUNNING and stored.params["x"] != lost["params"]["x"]
    assert [p.name for p in (tmp_path / "spool").iterdir()] == [spooled.name + ".orphaned"]
