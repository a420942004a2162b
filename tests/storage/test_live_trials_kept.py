"""What a SQL storage keeps in memory about running trials is dropped once they finish anywhere.

Session 20 made PostgreSQL remember the ids of trials whose reports two processes write
(``SQLStorage._merging``), so that their later writes go straight to the merging transaction; an
id left only when this process finished the trial. A trial finished by another process stayed for
the life of the process (found in session 21: one id per such trial, e.g. every trial of an
ask-and-tell loop whose results another process tells). Since session 21 the storage keeps, per
running trial it writes, that mark and the attributes it last wrote (``_Live``), and drops the
entry when the trial finishes here, when a write finds it finished, or when this process reads it
finished; at most ``_Live.CAP`` entries are kept.
"""

from __future__ import annotations

import pytest

from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import SQLStorage
from tunewise.trial import TrialState

N = 40


def _shared_trials(url: str) -> tuple[SQLStorage, SQLStorage, int, list[int]]:
    """N running trials started by a first handle and written by both: each a trial two processes write."""
    s1, s2 = SQLStorage(url), SQLStorage(url)
    sid = s1.create_study(unique("live"), ["minimize"])
    ids = []
    for _ in range(N):
        t = s1.start_trial(sid)
        s1.update_trial(t.trial_id, intermediate_values={0: 1.0}, user_attrs={"a": 1})
        s2.update_trial(t.trial_id, intermediate_values={1: 0.5}, user_attrs={"b": 2})  # lacks step 0: merges
        ids.append(t.trial_id)
    return s1, s2, sid, ids


def _kept(storage: SQLStorage, ids: list[int]) -> list[int]:
    return [i for i in ids if i in storage._live]


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_trials_finished_by_another_process_are_forgotten_once_read(backend, tmp_path):
    s1, s2, sid, ids = _shared_trials(backend_url(backend, tmp_path))
    for i in ids:
        assert s1.finish_trial(i, TrialState.COMPLETE, [0.0])
    assert _kept(s1, ids) == []  # finished here
    assert [t.state for t in s2.get_trials(sid)] == [TrialState.COMPLETE] * N
    assert _kept(s2, ids) == []  # read finished: before, PostgreSQL kept all 40 ids for good
    done = s2.get_trial(ids[0])
    assert (done.user_attrs, sorted(done.intermediate_values)) == ({"a": 1, "b": 2}, [0, 1])
    s1.close()
    s2.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_write_finding_the_trial_finished_forgets_it(backend, tmp_path):
    from tunewise.exceptions import UpdateFinishedTrialError

    s1, s2, sid, ids = _shared_trials(backend_url(backend, tmp_path))
    s1.finish_trial(ids[0], TrialState.PRUNED, None)
    with pytest.raises(UpdateFinishedTrialError):
        s2.update_trial(ids[0], intermediate_values={1: 0.5, 2: 0.1})
    assert ids[0] not in s2._live
    s1.close()
    s2.close()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_at_most_cap_running_trials_are_kept_and_a_forgotten_one_still_merges(backend, tmp_path, monkeypatch):
    from tunewise.storage._sql._storage import _Live

    monkeypatch.setattr(_Live, "CAP", 8)
    s1, s2, sid, ids = _shared_trials(backend_url(backend, tmp_path))
    assert len(s1._live) <= 8 and len(s2._live) <= 8  # never read: the cap bounds them
    s2.update_trial(ids[0], user_attrs={"c": 3})  # forgotten by both: merged under the row lock
    s1.update_trial(ids[0], user_attrs={"d": 4})
    assert s1.get_trial(ids[0]).user_attrs == {"a": 1, "b": 2, "c": 3, "d": 4}
    s1.close()
    s2.close()
