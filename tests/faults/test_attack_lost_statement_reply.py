"""A PostgreSQL single-statement write whose answer was lost after the server committed it
(left open in session 24's faults2 write-up and session 25's faults write-up).

PostgreSQL's hot writes are single autocommit statements: the start without a budget or a claim
(``pg_start``), the live write and the finish. The connection drops after the server committed
one and before its answer arrived; the storage reconnects and runs it again. Before session 26:
- a start ran again started a second trial, and the first stayed RUNNING with nobody running it
  (failed as stale a grace period later and retried; a queued trial it had claimed waited that
  long too);
- a finish ran again found its trial finished and answered False, so the caller warned that its
  result did not count, though it was the result stored.

Session 24's fix (a write transaction asks ``txid_status`` after a lost COMMIT answer) cannot cover
them: a single statement's transaction id is learnt only from the answer that was lost.
``benchmarks/history/s26/faults_lost_reply.py`` measures it through a TCP proxy that drops the
connection after the server's answer.
"""

from __future__ import annotations

import threading
import time

import pytest

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON, unique
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage
from tunewise.storage._base import PreparedStart
from tunewise.testing.faults import LostAnswers
from tunewise.trial import TrialState

pytestmark = pytest.mark.postgres

# The statements whose answers are lost: the start (pg_start) and the finish
START = LostAnswers.containing("WITH w AS (")
FINISH = LostAnswers.containing("objective_values = ")
FIRST = lambda n: n == 0  # noqa: E731


@pytest.fixture
def url() -> str:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    return POSTGRES_URL


def _study(url: str, name: str) -> tuple[SQLStorage, int]:
    storage = SQLStorage(url, retry_seconds=10)
    return storage, storage.create_study(unique(name), ["minimize"])


def test_a_start_whose_answer_was_lost_returns_the_trial_it_started(url):
    storage, sid = _study(url, "lost-start")
    faults = LostAnswers(storage, START, FIRST)
    t = storage.start_trial(sid)
    assert faults.lost == 1 and faults.seen == 1  # found, not run again
    trials = SQLStorage(url).get_trials(sid)
    assert [(x.number, x.state) for x in trials] == [(0, TrialState.RUNNING)]
    assert t.trial_id == trials[0].trial_id and t.number == 0
    assert storage.start_trial(sid).number == 1  # the next start is a new trial


def test_a_start_that_claimed_a_queued_trial_and_whose_answer_was_lost_returns_that_trial(url):
    storage, sid = _study(url, "lost-start-queued")
    queued = storage.enqueue_trial(sid, {"x": 0.5})
    other = storage.enqueue_trial(sid, {"x": 0.7})
    faults = LostAnswers(storage, START, FIRST)
    t = storage.start_trial(sid, prepared=PreparedStart(queued.number, {"grid_id": 3}, {"who": "w1"}))
    assert faults.lost == 1 and faults.seen == 1
    assert t.trial_id == queued.trial_id
    assert t.system_attrs["fixed_params"] == {"x": 0.5} and t.system_attrs["grid_id"] == 3
    assert t.user_attrs == {"who": "w1"}
    fresh = SQLStorage(url)
    assert fresh.get_trial(queued.trial_id).system_attrs["grid_id"] == 3  # the claimed trial's patch is stored
    assert {x.number: x.state for x in fresh.get_trials(sid)} == {
        queued.number: TrialState.RUNNING,
        other.number: TrialState.WAITING,
    }
    assert storage.start_trial(sid).trial_id == other.trial_id  # the other queued trial is still there


def test_a_start_that_never_reached_the_server_is_run_again(url):
    # Guard: the rerun must still start a trial when the first attempt did not run.
    storage, sid = _study(url, "lost-start-before")
    faults = LostAnswers(storage, START, FIRST, before=True)
    t = storage.start_trial(sid)
    assert faults.lost == 1 and faults.seen == 2
    assert [(x.trial_id, x.state) for x in SQLStorage(url).get_trials(sid)] == [(t.trial_id, TrialState.RUNNING)]


def test_a_finish_whose_answer_was_lost_reports_that_it_finished_the_trial(url):
    storage, sid = _study(url, "lost-finish")
    t = storage.start_trial(sid)
    storage.update_trial(t.trial_id, params={"x": 0.25}, intermediate_values={0: 1.0})
    faults = LostAnswers(storage, FINISH, FIRST)
    assert storage.finish_trial(t.trial_id, TrialState.COMPLETE, [0.25]) is True
    assert faults.lost == 1
    stored = SQLStorage(url).get_trial(t.trial_id)
    assert stored.state == TrialState.COMPLETE and stored.values == [0.25]
    # A finish of a trial finished elsewhere still answers False (a late finish never overwrites)
    assert storage.finish_trial(t.trial_id, TrialState.COMPLETE, [0.5]) is False


def test_optimize_with_lost_start_and_finish_answers_runs_each_trial_once(url, caplog):
    name = unique("lost-optimize")
    storage = SQLStorage(url, retry_seconds=10)
    study = tw.create_study(
        study_name=name,
        storage=storage,
        sampler=tw.samplers.RandomSampler(seed=0),
        heartbeat_interval=0.1,
        grace_period=0.5,
    )
    LostAnswers(storage, START, lambda n: n % 3 == 1)
    # (a second wrapper over the first: the finish statements whose answers are lost)
    LostAnswers(storage, FINISH, lambda n: n % 3 == 2)
    t0 = time.monotonic()
    with caplog.at_level("WARNING", logger="tunewise"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=9)
    trials = tw.load_study(study_name=name, storage=url).get_trials()
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 9  # no orphan failed as stale
    assert not [r for r in caplog.records if "not count" in r.getMessage() or "stale" in r.getMessage()]
    assert time.monotonic() - t0 < 5  # no wait for a grace period


def test_the_lookup_waits_for_the_server_process_of_the_lost_attempt(url):
    # The first attempt's server process is still busy (here: a sleep on another connection,
    # standing in for the statement the dropped connection had sent): its write is not visible
    # yet, so the lookup waits for it to end rather than run the start again.
    import psycopg

    storage, sid = _study(url, "lost-start-busy")
    other = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    pid = other.info.backend_pid
    threading.Thread(target=lambda: other.execute("SELECT pg_sleep(1.0)"), daemon=True).start()
    time.sleep(0.2)
    t0 = time.monotonic()
    storage._db.run(lambda cur: storage._await_backend(cur, pid), False)
    assert time.monotonic() - t0 > 0.5
    slow = SQLStorage(url, retry_seconds=0.3)
    threading.Thread(target=lambda: other.execute("SELECT pg_sleep(1.5)"), daemon=True).start()
    time.sleep(0.2)
    with pytest.raises(StorageError, match="whether it was stored is unknown"):
        slow._db.run(lambda cur: slow._await_backend(cur, pid), False)
    time.sleep(1.5)
    other.close()
    assert sid is not None
