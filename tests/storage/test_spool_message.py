"""The line that says a spooled result was written names the trial as its user knows it, by its
number and study, not by the storage's internal id (session 28's open case 5, session 30)."""

from __future__ import annotations

import logging

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError


def test_the_replayed_result_is_named_by_its_number_and_study(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))
    url = f"sqlite:///{tmp_path / 'o.db'}"
    other = tw.create_study(name="other", storage=url)  # ids and numbers differ for "lr-search"
    other.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    study = tw.create_study(name="lr-search", storage=url)
    real_finish = study.storage.finish_trial

    def unreachable(*args, **kwargs):
        raise StorageError("the storage could not be reached for 60 s (simulated outage)")

    monkeypatch.setattr(study.storage, "finish_trial", unreachable)
    with pytest.raises(StorageError, match="was not lost"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    monkeypatch.setattr(study.storage, "finish_trial", real_finish)
    with caplog.at_level(logging.WARNING, logger="tunewise"):
        tw.load_study("lr-search", url)  # opening it writes what was spooled
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("wrote the result of")]
    assert len(lines) == 1 and lines[0].startswith("wrote the result of trial 0 of study 'lr-search', kept in ")
    assert "trial id" not in lines[0]  # before: "wrote the result of trial id 4 kept in ..."
