"""SQLite files on unusual paths (s32 faults, case 4): spaces and non-ASCII names work; a '?' in
the file name, which a URL reads as the start of its query, and a name too long for the file
system are refused with an error that names the problem, instead of a study written to another
file ('x?y.db' opened 'x') or SQLite's bare "unable to open database file"."""

from __future__ import annotations

import os

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError
from tunewise.trial import TrialState


def test_spaces_and_non_ascii_names_work(tmp_path):
    path = tmp_path / "dir with space" / "ünï cødé" / "stüdy db.db"
    path.parent.mkdir(parents=True)
    url = f"sqlite:///{path}"
    tw.create_study(name="s", storage=url).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    assert [t.state for t in tw.load_study("s", url).trials] == [TrialState.COMPLETE] * 2
    assert path.exists()


def test_a_question_mark_in_the_file_name_is_refused_not_cut(tmp_path):
    with pytest.raises(StorageError, match=r"(?s)'.*/q' is the file this URL names: '\?mark\.db' .*'mark\.db' "
                                           r"dropped.*write it as %3F \('sqlite:///.*/q%3Fmark\.db'\)"):
        tw.create_study(name="s", storage=f"sqlite:///{tmp_path}/q?mark.db")
    assert os.listdir(tmp_path) == []  # no study went to a file named 'q'
    url = f"sqlite:///{tmp_path}/q%3Fmark.db"  # what the message says
    tw.create_study(name="s", storage=url).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert (tmp_path / "q?mark.db").exists()
    assert len(tw.load_study("s", url).trials) == 1


def test_a_file_name_too_long_for_the_file_system_is_named(tmp_path):
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    name = "L" * (longest - 5) + ".db"  # fits, but its -journal does not
    with pytest.raises(StorageError, match=rf"the file name 'L+\.\.\.' is {longest - 2} bytes long, and SQLite also "
                                           rf"creates '<name>-journal' .* allows {longest}: choose a name of at most "
                                           rf"{longest - 8} bytes"):
        tw.create_study(name="s", storage=f"sqlite:///{tmp_path}/{name}")
    ok = "M" * (longest - 8 - 3) + ".db"
    tw.create_study(name="s", storage=f"sqlite:///{tmp_path}/{ok}").optimize(lambda t: t.suggest_float("x", 0, 1),
                                                                               n_trials=1)
