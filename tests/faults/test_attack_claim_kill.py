"""A worker killed in the window of a grid point's claim (left open in session 22).

Before session 23, ``ask()`` claimed the grid point with ``try_claim``, then started the trial
(``start_trial``), and gave the claim back (``release_claim``) when the budget refused the start.
A worker killed between the claim and the start, or between the refused start and the release,
left the point claimed by a trial that never existed: it never ran
(``benchmarks/history/s23/faults_claim_kill.py``: one point missing per kill). Now the storage
claims the point in the start's own atomic step (``PreparedStart.claim``), so a kill before or
at the start leaves it free, and a start the budget refuses claims nothing.

The kill is a real SIGKILL of a worker process (SQL storages), or, in one process, an exception
that ends the worker where the kill would (every storage, in-memory included).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.exceptions import MaxTrialsReached
from tunewise.storage import BaseStorage, InMemoryStorage, SQLStorage
from tunewise.trial import TrialState

GRID = {"x": [0.0, 1.0, 2.0, 3.0]}


class _Killed(BaseException):
    """The worker dies here (not an Exception: nothing in tunewise handles it)."""


def _objective(trial: tw.Trial) -> float:
    return trial.suggest_float("x", 0, 3)


def _dies_at_start(storage: BaseStorage) -> None:
    """The next start that carries the sampler's proposal ends the worker before it starts (the
    point was chosen, and before the fix claimed, in ``ask()``)."""
    real = storage.start_trial

    def start_trial(study_id: int, **kw):  # type: ignore[no-untyped-def]
        if kw.get("prepared") is not None:
            storage.start_trial = real  # type: ignore[method-assign]
            raise _Killed
        return real(study_id, **kw)

    storage.start_trial = start_trial  # type: ignore[method-assign]


def _assert_every_point_once(study: tw.Study) -> None:
    trials = study.get_trials()
    assert sorted(t.params["x"] for t in trials if t.state == TrialState.COMPLETE) == GRID["x"]
    assert not [t for t in trials if t.state != TrialState.COMPLETE]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_worker_that_dies_between_choosing_a_grid_point_and_starting_its_trial_leaves_it_to_run(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("claim-start-window")
    storage: BaseStorage = InMemoryStorage() if url is None else SQLStorage(url)
    tw.create_study(study_name=name, storage=storage)
    dying = tw.load_study(
        study_name=name, storage=storage if url is None else SQLStorage(url), sampler=tw.samplers.GridSampler(GRID)
    )
    _dies_at_start(dying._storage)
    with pytest.raises(_Killed):
        dying.optimize(_objective)
    assert dying.get_trials() == []  # it died before its trial existed
    other = tw.load_study(study_name=name, storage=storage, sampler=tw.samplers.GridSampler(GRID))
    other.optimize(_objective)
    _assert_every_point_once(other)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_start_the_budget_refuses_claims_nothing(backend, tmp_path):
    """The worker dies at the refused start, before anything could be given back."""
    url = backend_url(backend, tmp_path)
    name = unique("claim-refused-window")
    first = tw.create_study(study_name=name, storage=url, max_trials=2)
    storage = first._storage
    a = tw.load_study(
        study_name=name, storage=storage if url is None else SQLStorage(url), sampler=tw.samplers.GridSampler(GRID)
    )
    b = tw.load_study(
        study_name=name, storage=storage if url is None else SQLStorage(url), sampler=tw.samplers.GridSampler(GRID)
    )
    ta = a.ask()
    a.tell(ta, _objective(ta))
    tb = b.ask()  # the budget's last trial: worker a has not read it (SQL storages)
    b.tell(tb, _objective(tb))

    def release_claim(study_id: int, key: str) -> bool:
        raise _Killed  # dead before the release

    a._storage.release_claim = release_claim  # type: ignore[method-assign]
    try:
        a.ask()
    except (MaxTrialsReached, _Killed):
        pass
    raised = tw.load_study(
        study_name=name,
        storage=url if url is not None else storage,
        max_trials=4,
        sampler=tw.samplers.GridSampler(GRID),
    )
    raised.optimize(_objective)
    _assert_every_point_once(raised)


_KILLED_AT = textwrap.dedent("""
    import os, signal, sys
    import tunewise as tw
    from tunewise.exceptions import MaxTrialsReached
    name, url, window = sys.argv[1], sys.argv[2], sys.argv[3]
    grid = {"x": [0.0, 1.0, 2.0, 3.0]}
    study = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.GridSampler(grid))
    storage = study._storage
    real = storage.start_trial
    def start_trial(study_id, **kw):
        if window == "start" and kw.get("prepared") is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        try:
            return real(study_id, **kw)
        except MaxTrialsReached:
            if kw.get("prepared") is not None:
                os.kill(os.getpid(), signal.SIGKILL)
            raise
    storage.start_trial = start_trial
    if window == "refused":  # another worker started the budget's last trial after this one read the study
        t = study.ask(); study.tell(t, t.suggest_float("x", 0, 3))
        other = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.GridSampler(grid))
        t = other.ask(); other.tell(t, t.suggest_float("x", 0, 3))
    study.ask()  # proposes (this worker sees room), then the start is refused
""")


@pytest.mark.parametrize("window", ["start", "refused"])
@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_worker_sigkilled_in_a_grid_claim_window_leaves_the_point_to_run(backend, window, tmp_path):
    url = backend_url(backend, tmp_path)
    assert url is not None
    name = unique(f"claim-kill-{window}")
    tw.create_study(study_name=name, storage=url, max_trials=2 if window == "refused" else None)
    worker = subprocess.run([sys.executable, "-c", _KILLED_AT, name, url, window], timeout=120)
    assert worker.returncode == -9
    before = tw.load_study(study_name=name, storage=url).get_trials()
    assert len(before) == (2 if window == "refused" else 0)
    raised = tw.load_study(study_name=name, storage=url, max_trials=4, sampler=tw.samplers.GridSampler(GRID))
    raised.optimize(_objective)
    _assert_every_point_once(raised)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_start_claims_its_key_in_the_same_step_or_starts_nothing(backend, tmp_path):
    from tunewise.storage._base import ClaimTaken, PreparedStart

    url = backend_url(backend, tmp_path)
    storage: BaseStorage = InMemoryStorage() if url is None else SQLStorage(url)
    assert storage.claims_at_start()
    study_id = storage.create_study(unique("claim-start"), ["minimize"])
    t = storage.start_trial(study_id, prepared=PreparedStart(None, {"grid_id": 0}, {}, "grid:0"))
    assert t.system_attrs == {"grid_id": 0}
    assert storage.is_claimed(study_id, "grid:0")
    assert not storage.try_claim(study_id, "grid:0")
    with pytest.raises(ClaimTaken):
        storage.start_trial(study_id, prepared=PreparedStart(None, {"grid_id": 0}, {}, "grid:0"))
    assert [x.number for x in storage.get_trials(study_id)] == [0]  # nothing started
    # Not written when the start takes a queued trial instead: the key stays free.
    storage.enqueue_trial(study_id, {"x": 1.0})
    waiting = storage.start_trial(study_id, prepared=PreparedStart(None, {"grid_id": 1}, {}, "grid:1"))
    assert waiting.number == 1 and "grid_id" not in waiting.system_attrs
    assert not storage.is_claimed(study_id, "grid:1")
    # Nor when the budget refuses the start.
    with pytest.raises(MaxTrialsReached):
        storage.start_trial(study_id, max_started=2, prepared=PreparedStart(None, {"grid_id": 2}, {}, "grid:2"))
    assert not storage.is_claimed(study_id, "grid:2")
    new = storage.start_trial(study_id, max_started=3, prepared=PreparedStart(None, {"grid_id": 2}, {}, "grid:2"))
    assert new.number == 2 and storage.is_claimed(study_id, "grid:2")
