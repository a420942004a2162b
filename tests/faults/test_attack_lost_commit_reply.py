"""A claim whose COMMIT went through and whose answer was lost (left open in s24's faults write-up).

The connection to PostgreSQL drops after the server committed a write transaction and before its
answer reached the client. The storage reconnects and runs the operation again, and before
session 24's fix the rerun found the key it had just claimed taken, "by another worker":
- ``claim_for_trial``: the trial recorded the point, then proposed another one over it, so the
  first point stayed claimed and never ran;
- a start with a claim (``PreparedStart.claim``): the first attempt's trial started, the rerun
  started a second one and raised ``ClaimTaken``; the first trial was left RUNNING by nobody;
- ``try_claim``: False for the claim this very call made.

Now a write transaction on PostgreSQL learns its transaction id in its ``BEGIN`` round trip, and a
retry after a lost COMMIT answer asks the server whether that transaction committed
(``txid_status``) before running the operation again: committed, the first attempt's result
stands. SQLite is a library call in this process: a COMMIT that raises did not commit (the only
errors retried are "locked" and "busy", after which the transaction is still open), so it has no
such case. ``benchmarks/history/s24/faults2_lost_commit_reply.py`` counts the grid points lost.
"""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON, unique
from tunewise.storage import SQLStorage
from tunewise.storage._base import PreparedStart
from tunewise.testing.faults import LostAnswers
from tunewise.trial import TrialState

pytestmark = pytest.mark.postgres


# The COMMIT of a transaction that inserted a claim: its answer is lost (the server committed it)
CLAIM_COMMIT = LostAnswers.commit_after("INSERT INTO tunewise_claims")


@pytest.fixture
def url() -> str:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    return POSTGRES_URL


def test_try_claim_whose_commit_answer_was_lost_is_won(url):
    storage = SQLStorage(url, retry_seconds=10)
    sid = storage.create_study(unique("lost-reply-try"), ["minimize"])
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0)
    assert storage.try_claim(sid, "k") is True  # this call claimed it; the answer was lost
    assert faults.lost == 1
    assert storage.try_claim(sid, "k") is False  # claimed once


def test_a_claim_whose_commit_never_reached_the_server_is_run_again(url):
    # The server never got the COMMIT: the transaction is rolled back there (perhaps reported "in
    # progress" until the server notices the dropped connection), and the retry runs it again.
    storage = SQLStorage(url, retry_seconds=10)
    sid = storage.create_study(unique("lost-commit"), ["minimize"])
    t = storage.start_trial(sid)
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0, before=True)
    assert storage.claim_for_trial(sid, t.trial_id, "k", {"grid_id": 1}) is True
    assert faults.lost == 1 and faults.seen == 2  # the second attempt committed
    assert storage.get_trial(t.trial_id).system_attrs["grid_id"] == 1
    assert storage.try_claim(sid, "k") is False


def test_a_lost_answer_whose_transaction_the_server_still_runs_is_asked_about_again(url):
    storage = SQLStorage(url, retry_seconds=10)
    sid = storage.create_study(unique("lost-reply-in-progress"), ["minimize"])
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0)
    faults.in_progress = 2  # "in progress" twice, then the server's real answer: committed
    assert storage.try_claim(sid, "k") is True
    assert faults.in_progress == 0 and faults.seen == 1  # asked three times, never run again


def test_claim_for_trial_whose_commit_answer_was_lost_is_won(url):
    storage = SQLStorage(url, retry_seconds=10)
    sid = storage.create_study(unique("lost-reply-for-trial"), ["minimize"])
    t = storage.start_trial(sid)
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0)
    assert storage.claim_for_trial(sid, t.trial_id, "k", {"grid_id": 3}) is True
    assert faults.lost == 1
    assert storage.get_trial(t.trial_id).system_attrs["grid_id"] == 3


def test_a_start_with_a_claim_whose_commit_answer_was_lost_starts_one_trial(url):
    storage = SQLStorage(url, retry_seconds=10)
    sid = storage.create_study(unique("lost-reply-start"), ["minimize"])
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0)
    prepared = PreparedStart(number=None, system_attrs={"grid_id": 0}, claim="grid:0")
    t = storage.start_trial(sid, prepared=prepared)  # before the fix: ClaimTaken
    assert faults.lost == 1
    trials = storage.get_trials(sid)
    assert [(x.trial_id, x.state, x.system_attrs.get("grid_id")) for x in trials] == [
        (t.trial_id, TrialState.RUNNING, 0)
    ]


@pytest.mark.parametrize("first_suggest", [False, True], ids=["claim-at-start", "claim-for-running-trial"])
def test_grid_search_whose_claims_lose_their_answers_runs_every_point_once(url, first_suggest):
    grid = {"x": [float(i) for i in range(8)]}
    name = unique("lost-reply-grid")
    study = tw.create_study(
        study_name=name,
        storage=SQLStorage(url, retry_seconds=10),
        sampler=tw.samplers.GridSampler(grid),
        heartbeat_interval=0.1,
        grace_period=0.5,
    )
    storage = study._storage
    if first_suggest:  # ask() does not propose: the grid is claimed at the trial's first suggest
        storage.expects_waiting = lambda study_id: True  # type: ignore[method-assign]
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n % 2 == 0)  # every other claim's answer is lost
    study.optimize(lambda t: t.suggest_float("x", 0, 7), n_trials=8)
    assert faults.lost >= 4
    trials = study.trials
    done = sorted(t.params["x"] for t in trials if t.state == TrialState.COMPLETE)
    assert done == grid["x"]  # every point ran, once
    assert [t.number for t in trials if t.state != TrialState.COMPLETE] == []  # no trial left behind


def test_a_lost_answer_the_server_cannot_settle_in_the_retry_window_says_the_outcome_is_unknown(url):
    from tunewise.exceptions import StorageError

    storage = SQLStorage(url, retry_seconds=0.5)
    sid = storage.create_study(unique("lost-reply-unsettled"), ["minimize"])
    faults = LostAnswers(storage, CLAIM_COMMIT, lambda n: n == 0)
    faults.in_progress = 10**6
    with pytest.raises(StorageError, match="whether it was stored is unknown"):
        storage.try_claim(sid, "k")
    assert faults.seen == 1  # never run a second time
