"""Two machines whose clocks differ by more than a second share a SQLite file (session 30).

The stale check sets a heartbeat that lies ahead of its clock to now (29abfa3: one written before
the clock stepped back would look fresh for as long as the step). The faster machine's live
heartbeats always lie ahead of the slower machine's clock, so every stale check of the slower
machine took the write path and rewrote them: a write transaction (and a study change every
reader re-reads) per check that was a read. Now a heartbeat ahead of the clock is written only
once it has stayed unchanged for a grace period (its worker stopped beating), and then as
29abfa3 intended: its age counted from the check that first saw it, so a dead worker's trial is
failed at the same check as before. (PostgreSQL stamps heartbeats with the server's clock, so
clients' skew does not reach it.)
"""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa

from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.storage._sql._schema import TABLES
from tunewise.trial import TrialState

SKEW = 5.0  # the fast machine's clock is this far ahead of the slow one's
GRACE = 2.0


@pytest.fixture
def clock(monkeypatch):
    """``clock[0]``: seconds since the test began on the slow machine's clock; ``clock[1]``: the
    offset of the machine whose turn it is (0 slow, SKEW fast)."""
    base = time.time()
    state = [0.0, 0.0]
    monkeypatch.setattr(time, "time", lambda: base + state[0] + state[1])
    return state


def _check(slow: SQLStorage, sid: int, db: sqlite3.Connection) -> tuple[list[int], bool]:
    """The slow machine's stale check: the trials it failed, and whether it wrote to the file."""
    before = db.execute("PRAGMA data_version").fetchone()[0]
    failed = [t.number for t, _ in slow.recover_stale_trials(sid, GRACE, lambda t: StaleOutcome())]
    return failed, db.execute("PRAGMA data_version").fetchone()[0] != before


def test_stale_checks_do_not_rewrite_a_faster_machines_live_heartbeats(tmp_path, clock) -> None:
    path = tmp_path / "skew.db"
    fast, slow = SQLStorage(f"sqlite:///{path}"), SQLStorage(f"sqlite:///{path}")
    db = sqlite3.connect(path)  # sees other connections' commits (PRAGMA data_version)
    sid = fast.create_study("skew", ["minimize"])
    clock[1] = SKEW
    trial = fast.start_trial(sid)
    writes, checks = 0, 0
    for step in range(20):  # the fast worker beats every second; the slow machine checks every half second
        clock[0], clock[1] = float(step), SKEW
        assert fast.record_heartbeat(trial.trial_id)
        beat = fast.get_trial(trial.trial_id).heartbeat_ts
        for half in (0.25, 0.75):
            clock[0], clock[1] = step + half, 0.0
            failed, wrote = _check(slow, sid, db)
            assert failed == []
            writes += wrote
            checks += 1
            assert slow.get_trial(trial.trial_id).heartbeat_ts == beat  # the beat stays as written
    assert (checks, writes) == (40, 0)
    assert slow.get_trial(trial.trial_id).state == TrialState.RUNNING
    db.close()
    slow.close()
    fast.close()


def test_a_dead_fast_workers_trial_is_failed_a_grace_period_after_its_last_beat_was_seen(tmp_path, clock) -> None:
    # As 29abfa3 intended for a heartbeat ahead of the clock: its age starts at the first check that
    # sees it, whether or not that check writes; the trial is failed at the first check a grace
    # period later, no sooner and no later than before this change.
    path = tmp_path / "skew.db"
    fast, slow = SQLStorage(f"sqlite:///{path}"), SQLStorage(f"sqlite:///{path}")
    db = sqlite3.connect(path)
    sid = fast.create_study("skew", ["minimize"])
    clock[1] = SKEW
    trial = fast.start_trial(sid)
    assert fast.record_heartbeat(trial.trial_id)  # at 0 (5 on its own clock); then its worker dies
    seen = []
    for k in range(1, 13):  # checks at 0.25, 0.5, ... 3.0
        clock[0], clock[1] = 0.25 * k, 0.0
        failed, _ = _check(slow, sid, db)
        seen.append((clock[0], failed))
    # first seen at 0.25: failed at the first check more than GRACE later (2.5), and only once
    assert [(at, f) for at, f in seen if f] == [(2.5, [trial.number])]
    stored = slow.get_trial(trial.trial_id)
    assert stored.state == TrialState.FAILED
    assert stored.system_attrs["fail_reason"].startswith("stale: no heartbeat for 2.")
    db.close()
    slow.close()
    fast.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_beat_ahead_of_the_databases_clock_is_failed_a_grace_period_after_it_was_first_seen(backend, tmp_path):
    # The same on the database's own clock (PostgreSQL: the server's): a heartbeat written ahead
    # of it, as before a step back, is left as it is until a grace period after the first check
    # that saw it, then the trial is failed (the write compares the beat it read, a float, exactly).
    url = backend_url(backend, tmp_path)
    storage = SQLStorage(url)
    sid = storage.create_study(unique("ahead"), ["minimize"])
    trial = storage.start_trial(sid)
    ahead = storage.get_trial(trial.trial_id).heartbeat_ts + 3600.0 + 0.123456789
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        trials = TABLES["trials"]
        conn.execute(sa.update(trials).where(trials.c.trial_id == trial.trial_id).values(heartbeat=ahead))
    engine.dispose()
    grace = 0.2
    assert storage.recover_stale_trials(sid, grace, lambda t: StaleOutcome()) == []  # first seen
    assert storage.get_trial(trial.trial_id).heartbeat_ts == ahead  # no write
    time.sleep(2 * grace)
    ended = storage.recover_stale_trials(sid, grace, lambda t: StaleOutcome())
    assert [t.number for t, _ in ended] == [trial.number]
    assert storage.get_trial(trial.trial_id).state == TrialState.FAILED
    storage.close()
