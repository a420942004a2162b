"""A worker killed after a grid point's claim made while its trial already runs (left open in s23).

When ``ask()`` does not propose before the start (a queued trial was expected, the budget was
used, a retry saved without parameters, a claim lost to another worker), the GridSampler proposes
at the trial's first suggest, for a RUNNING trial. Before session 24 that claim was its own
transaction (``try_claim``), and the trial recorded the point (``grid_id``, the published
proposal) only with its next write: a worker SIGKILLed between the two left the point claimed by a
trial that did not record it, and its retry proposed another point, so the point never ran
(``benchmarks/history/s24/faults_run_claim_kill.py``: one point missing per such kill). Now the
claim and that record are one step (``BaseStorage.claim_for_trial``): the dead trial's retry runs
the point.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.exceptions import UpdateFinishedTrialError
from tunewise.storage import BaseStorage, InMemoryStorage, SQLStorage
from tunewise.trial import TrialState

GRID = {"x": [0.0, 1.0, 2.0, 3.0]}

_KILLED_AFTER_CLAIM = textwrap.dedent("""
    import os, signal, sys
    import tunewise as tw
    name, url = sys.argv[1], sys.argv[2]
    study = tw.load_study(study_name=name, storage=url,
                          sampler=tw.samplers.GridSampler({"x": [0.0, 1.0, 2.0, 3.0]}))
    storage = study._storage
    storage.expects_waiting = lambda study_id: True  # ask() does not propose: the first suggest does
    real = storage.update_trial
    def update_trial(trial_id, **kw):
        # The trial's first write of the point it claimed: dead before it lands.
        if "grid_id" in (kw.get("system_attrs") or {}):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(trial_id, **kw)
    storage.update_trial = update_trial
    study.optimize(lambda t: t.suggest_float("x", 0, 3))
""")


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 3)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_sigkilled_after_claiming_a_point_for_its_running_trial_leaves_it_to_run(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    assert url is not None
    name = unique("run-claim-kill")
    tw.create_study(study_name=name, storage=url, heartbeat_interval=0.1, grace_period=0.5)
    worker = subprocess.run([sys.executable, "-c", _KILLED_AFTER_CLAIM, name, url], timeout=120)
    assert worker.returncode == -9
    dead = tw.load_study(study_name=name, storage=url).get_trials()
    assert [t.state for t in dead] == [TrialState.RUNNING]  # its first trial, after the point's claim
    other = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.GridSampler(GRID))
    other.optimize(_objective)
    trials = other.get_trials()
    assert sorted(t.params["x"] for t in trials if t.state == TrialState.COMPLETE) == GRID["x"]
    assert [t.state for t in trials if t.state != TrialState.COMPLETE] == [TrialState.FAIL]  # the dead one


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_claim_for_a_running_trial_is_written_with_its_attrs_or_not_at_all(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    storage: BaseStorage = InMemoryStorage() if url is None else SQLStorage(url)
    other: BaseStorage = storage if url is None else SQLStorage(url)
    study_id = storage.create_study(unique("claim-for-trial"), ["minimize"])
    a = storage.start_trial(study_id)
    b = storage.start_trial(study_id)
    storage.update_trial(a.trial_id, system_attrs={"kept": 1})
    assert storage.claim_for_trial(study_id, a.trial_id, "grid:0", {"grid_id": 0, "proposal": {"x": 0.0}})
    assert other.get_trial(a.trial_id).system_attrs == {"kept": 1, "grid_id": 0, "proposal": {"x": 0.0}}
    assert other.is_claimed(study_id, "grid:0") and not other.try_claim(study_id, "grid:0")
    # A key held already: False, and nothing written.
    assert not other.claim_for_trial(study_id, b.trial_id, "grid:0", {"grid_id": 0})
    assert storage.get_trial(b.trial_id).system_attrs == {}
    # A finished trial raises and claims nothing.
    storage.finish_trial(b.trial_id, TrialState.FAIL, None)
    with pytest.raises(UpdateFinishedTrialError):
        other.claim_for_trial(study_id, b.trial_id, "grid:1", {"grid_id": 1})
    assert not storage.is_claimed(study_id, "grid:1")
    assert storage.try_claim(study_id, "grid:1")


def test_a_storage_of_ones_own_keeps_claiming_with_try_claim():
    """The default ``claim_for_trial`` only claims (the loop writes the attributes after it)."""

    class Own(InMemoryStorage):
        def claim_for_trial(self, study_id, trial_id, key, system_attrs):  # type: ignore[no-untyped-def]
            return BaseStorage.claim_for_trial(self, study_id, trial_id, key, system_attrs)

    storage = Own()
    study = tw.create_study(storage=storage, sampler=tw.samplers.GridSampler(GRID))
    storage.expects_waiting = lambda study_id: True  # type: ignore[method-assign]
    study.optimize(_objective)
    trials = study.get_trials()
    assert sorted(t.params["x"] for t in trials) == GRID["x"]
    assert all(t.state == TrialState.COMPLETE and "grid_id" in t.system_attrs for t in trials)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_start_and_a_claim_for_a_running_trial_racing_for_one_key_do_not_deadlock(backend, tmp_path):
    """Both paths update the study's row before they claim: one lock order. Claimed first and
    written after, ``claim_for_trial`` deadlocked with a start claiming the same key on
    PostgreSQL: the server's detector aborted one after ``deadlock_timeout`` (1 s) and the storage
    retried it, so about a third of the keys took a second (s24 ``claim_paths_race.py``)."""
    import threading
    import time

    from tunewise.storage._base import ClaimTaken, PreparedStart

    url = backend_url(backend, tmp_path)
    assert url is not None
    a, b = SQLStorage(url), SQLStorage(url)
    sid = a.create_study(unique("claim-paths"), ["minimize"])
    running = b.start_trial(sid)
    keys, won = 30, []
    barrier = threading.Barrier(2)

    def starts() -> None:
        for k in range(keys):
            barrier.wait()
            try:
                a.start_trial(sid, prepared=PreparedStart(None, {"grid_id": k}, {}, f"grid:{k}"))
                won.append(k)
            except ClaimTaken:
                pass

    def claims() -> None:
        for k in range(keys):
            barrier.wait()
            if b.claim_for_trial(sid, running.trial_id, f"grid:{k}", {"grid_id": k}):
                won.append(k)

    t0 = time.monotonic()
    threads = [threading.Thread(target=starts), threading.Thread(target=claims)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == list(range(keys))  # each key claimed once
    assert time.monotonic() - t0 < 5.0
