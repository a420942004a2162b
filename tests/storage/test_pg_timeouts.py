"""A PostgreSQL statement cancelled by ``statement_timeout`` or ``lock_timeout`` while another
session holds a lock on the trial's row: the storage retries it within its retry window, and a
lock held longer loses no result (it is spooled, as in an outage) instead of escaping as a raw
``psycopg.errors.QueryCanceled`` that left the finished trial RUNNING and its result lost.
"""

from __future__ import annotations

import threading
import urllib.parse

import pytest

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON, unique
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage
from tunewise.trial import TrialState

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _spool_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))


def _url_with(setting: str) -> str:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options={urllib.parse.quote('-c ' + setting)}"


class _RowLock:
    """Another session holding the row of one trial (SELECT ... FOR UPDATE) until released."""

    def __init__(self, trial_id: int) -> None:
        import psycopg

        self.conn = psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"))
        self.conn.execute("SELECT trial_id FROM tunewise_trials WHERE trial_id = %s FOR UPDATE", (trial_id,))

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


@pytest.mark.parametrize("setting", ["statement_timeout=100", "lock_timeout=100"])
def test_a_lock_held_past_the_timeout_is_waited_out(setting):
    study = tw.create_study(name=unique("pg-timeout"), storage=SQLStorage(_url_with(setting), retry_seconds=60))
    locks: list[_RowLock] = []

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        locks.append(_RowLock(trial._trial_id))
        threading.Timer(0.5, locks[-1].release).start()  # longer than the timeout, inside the window
        return x

    study.optimize(objective, n_trials=1)
    [t] = study.trials
    assert t.state == TrialState.COMPLETE and t.value == t.params["x"]


def test_a_lock_held_past_the_retry_window_loses_no_result(tmp_path):
    url = _url_with("statement_timeout=100")
    name = unique("pg-timeout-spool")
    study = tw.create_study(name=name, storage=SQLStorage(url, retry_seconds=0.5))
    locks: list[_RowLock] = []

    def objective(trial):
        locks.append(_RowLock(trial._trial_id))
        return trial.suggest_float("x", 0, 1)

    try:
        with pytest.raises(StorageError, match="statement timeout(.|\n)*was not lost"):
            study.optimize(objective, n_trials=1)
    finally:
        for lock in locks:
            lock.release()
    assert len(list((tmp_path / "spool").iterdir())) == 1
    [t] = tw.load_study(name, SQLStorage(url)).trials  # opening it writes the spooled result
    assert t.state == TrialState.COMPLETE and t.value == t.params["x"]
