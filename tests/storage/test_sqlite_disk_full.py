"""The disk holding a SQLite database fills up mid-run (SQLITE_FULL): the error names the file and
what to do, the result of the finishing trial is spooled, and reopening the study stores it.

The disk is "filled" with SQLite's own limit on the file's pages (PRAGMA max_page_count), which
fails writes with the same error as ENOSPC does.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import more_than_the_pages_left, sqlite_study_on_a_full_disk
from tunewise.exceptions import StorageError
from tunewise.trial import TrialState


@pytest.fixture(autouse=True)
def _spool_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))


def test_a_full_disk_is_named_and_loses_no_result(tmp_path):
    url, study = sqlite_study_on_a_full_disk(tmp_path)
    with pytest.raises(StorageError, match=r"(?s)the disk holding the SQLite file '.*a\.db' is full.*free space in"
                                           r".*was not lost"):
        study.optimize(more_than_the_pages_left, n_trials=1)
    study.storage.close()
    trials = tw.load_study("s", url).trials  # another connection, room again: the spooled result is written
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 3
    assert len(trials[2].user_attrs["log"]) == 100_000
