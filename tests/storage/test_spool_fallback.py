"""A full disk that holds the spool too (s31 left open 2): the finishing result goes to a
fallback spool place on another file system, and the next study that opens the storage writes
it; when every place fails, the error names the result and the file to save it in.

The disk is "filled" as in test_sqlite_disk_full.py (PRAGMA max_page_count); the spool's own
disk is "full" by an ENOSPC when a file is created in that directory.
"""

from __future__ import annotations

import json
import os
import re
import tempfile

import pytest

import tunewise as tw
from tests.storage._backends import more_than_the_pages_left, spool_dirs_full, sqlite_study_on_a_full_disk
from tunewise.exceptions import StorageError
from tunewise.storage import _spool
from tunewise.trial import TrialState


@pytest.fixture(autouse=True)
def _places(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))
    monkeypatch.delenv("TUNEWISE_SPOOL_FALLBACK_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # the default fallback, not the real /tmp
    (tmp_path / "tmp").mkdir()
    # The fallbacks before it (tests/storage/test_spool_places.py), not the real ones; unwritable here
    (tmp_path / "not-a-dir").write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "not-a-dir"))
    monkeypatch.setattr(_spool, "_PERSISTENT_TMP", tmp_path / "not-a-dir", raising=False)


def test_a_full_spool_disk_keeps_the_result_in_the_configured_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_FALLBACK_DIR", str(tmp_path / "other-disk"))
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    spool_dirs_full(monkeypatch, tmp_path / "spool")
    with pytest.raises(StorageError, match=r"(?s)is full.*was not lost: it is kept in .*other-disk"):
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    assert len(os.listdir(tmp_path / "other-disk")) == 1
    trials = tw.load_study("s", url).trials  # room again: the fallback's result is written
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert len(trials[2].user_attrs["log"]) == 100_000
    assert os.listdir(tmp_path / "other-disk") == []


def test_without_a_configured_fallback_the_temporary_directory_keeps_it(tmp_path, monkeypatch):
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    spool_dirs_full(monkeypatch, tmp_path / "spool")
    with pytest.raises(StorageError, match=r"(?s)was not lost: it is kept in .*tmp/tunewise-spool-"):
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    fallback = tmp_path / "tmp" / f"tunewise-spool-{os.getuid()}"
    assert len(os.listdir(fallback)) == 1
    assert fallback.stat().st_mode & 0o077 == 0  # private in a shared /tmp
    trials = tw.load_study("s", url).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert os.listdir(fallback) == []


def test_when_every_place_is_full_the_error_names_the_result_and_how_to_recover_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_FALLBACK_DIR", str(tmp_path / "other-disk"))
    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=None)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)

    def full(*args, **kwargs):  # as the SQLite layer reports a full disk
        raise StorageError("storage 'a.db': the disk holding the SQLite file is full")

    monkeypatch.setattr(study.storage, "finish_trial", full)
    space_back = spool_dirs_full(monkeypatch, tmp_path / "spool", tmp_path / "other-disk")
    with pytest.raises(StorageError) as info:
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.storage.close()
    message = str(info.value)
    assert "could not be kept in any spool place" in message
    assert "other-disk" in message and "No space left on device" in message
    match = re.search(r"finished COMPLETE with values \[([0-9.e-]+)\] and parameters \{'x': ([0-9.e-]+)\}", message)
    assert match and match.group(1) == match.group(2)
    target, line = re.search(r"save this line as (\S+) .*\n(\{.*\})$", message).groups()
    assert json.loads(line)["values"] == [float(match.group(1))]
    space_back()
    with open(target, "w") as f:  # what the message tells the user to do
        f.write(line)
    trials = tw.load_study("s", url).trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert trials[2].params["x"] == float(match.group(2))
    assert trials[2].value == float(match.group(1))


def test_replay_skips_a_default_fallback_that_other_users_can_write(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=None)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    shared = tmp_path / "tmp" / f"tunewise-spool-{os.getuid()}"
    shared.mkdir()
    os.chmod(shared, 0o777)
    planted = shared / f"{_spool._prefix(study.storage)}-{trial._trial_id}-planted.json"
    planted.write_text(json.dumps({"trial_id": trial._trial_id, "number": 0, "state": "COMPLETE",
                                   "values": [123.0], "params": {}, "intermediate_values": {},
                                   "user_attrs": {}, "system_attrs": {}}))
    study.storage.close()
    assert tw.load_study("s", url).trials[0].state is TrialState.RUNNING
    assert planted.exists()


def test_a_file_another_replay_wrote_meanwhile_is_passed_over_quietly(tmp_path, monkeypatch, caplog):
    # Two workers restarted together both replay the spool: the second finds some files gone.
    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=None)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    path = _spool.save(study.storage, trial._trial_id, TrialState.COMPLETE, [1.0], trial.params, {}, {}, {},
                       number=0, started=study.trials[0].datetime_start_ts, study="s")
    listdir = os.listdir

    def listed_then_gone(folder):
        names = listdir(folder)
        if path.name in names:
            path.unlink()  # written and deleted by the other replay after this listing
        return names

    monkeypatch.setattr(os, "listdir", listed_then_gone)
    with caplog.at_level("WARNING", logger="tunewise"):
        assert _spool.replay(study.storage) == 0
    assert not [r for r in caplog.records if "cannot be read" in r.getMessage()]
