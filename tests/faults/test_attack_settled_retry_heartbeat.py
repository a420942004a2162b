"""A settled retry is noticed by its heartbeats (left open in session 24).

Worker A's trial was failed as stale, its retry R was queued with the same parameters, and worker B
started R. When A resumed and told its result, R was finished with it (session 24, 69cfc32), and B
learnt that only at its next ``report()``. An objective that calls ``should_prune()`` without
reporting (or reports rarely) ran on to its end, computing the same result a second time. Now the
heartbeat that the storage refuses for R marks B's trial, and B's next ``should_prune()`` returns
True: the run stops, the retry keeps A's result, and nothing is left RUNNING or counted twice.

Played in one process, as ``test_attack_late_result_running_retry.py`` does; B beats every 0.05 s.
``benchmarks/history/s25/faults_settled_retry_heartbeat.py`` plays it with SIGSTOP across processes.
Heartbeats are for persistent storages, so the run cases are on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.storage import InMemoryStorage, SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.storage._heartbeat import _retry_plan
from tunewise.trial import TrialState

STEPS = 100  # 0.02 s each: a whole rerun is 2 s
BEAT = 0.05


def _two_workers(url: str, name: str) -> tuple[tw.Study, tw.Study]:
    """A without heartbeats (its trial is failed by hand), B with a beat every 0.05 s."""
    a = tw.create_study(
        study_name=name, storage=SQLStorage(url), heartbeat_interval=0, sampler=tw.samplers.RandomSampler(seed=0)
    )
    b = tw.load_study(
        study_name=name,
        storage=SQLStorage(url),
        sampler=tw.samplers.RandomSampler(seed=1),
        heartbeat_interval=BEAT,
        grace_period=30,
    )
    return a, b


def _fail_as_stale(storage, study_id: int, grace: float = 0.01) -> None:  # type: ignore[no-untyped-def]
    """What a reaper does to a trial: FAILED, and its retry queued with its parameters."""
    time.sleep(0.05)

    def outcome(t):  # type: ignore[no-untyped-def]
        plan = _retry_plan(t, 1)
        assert plan is not None
        return StaleOutcome(retry=plan)

    assert len(storage.recover_stale_trials(study_id, grace, outcome)) == 1


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_settled_retry_stops_at_the_first_should_prune_after_its_heartbeat(backend, tmp_path, caplog):
    a, b = _two_workers(backend_url(backend, tmp_path), unique("settled-retry-beat"))
    t0 = a.ask()
    x = t0.suggest_float("x", 0, 1)
    t0.flush()  # saved: the retry reruns x
    _fail_as_stale(a._storage, a._study_id)
    steps: list[int] = []
    settled_at: list[float] = []

    def objective(trial: tw.Trial) -> float:
        assert trial.suggest_float("x", 0, 1) == x  # the retry of A's trial
        for step in range(STEPS):
            steps.append(step)
            if step == 1:
                a.tell(t0, 0.25)  # A resumes and tells late, while B runs the retry
                settled_at.append(time.monotonic())
            if trial.should_prune():  # no report: before the fix, always False here
                raise tw.TrialPruned()
            time.sleep(0.02)
        return 1.0

    with caplog.at_level("WARNING", logger="tunewise"):
        b.optimize(objective, n_trials=1)  # does not raise
    stopped = time.monotonic()
    assert 2 <= len(steps) < STEPS  # not the whole rerun
    # The next heartbeat (0.05 s) notices; the trial's next should_prune() stops it.
    assert stopped - settled_at[0] < 1.0
    trials = b.get_trials()
    assert [t.state for t in trials] == [TrialState.FAIL, TrialState.COMPLETE]
    failed, retry = trials
    assert failed.system_attrs["late_result"]["values"] == [0.25]
    assert retry.values == [0.25] and retry.params == {"x": x}
    assert retry.system_attrs["late_result_of"] == failed.number
    assert "this run of it stopped at should_prune()" in caplog.text
    assert "does not count" not in caplog.text


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_run_whose_trial_was_failed_as_stale_runs_on_and_settles_its_retry(backend, tmp_path):
    """A refused heartbeat of a trial failed as stale (not settled) stops nothing: its late result
    is what settles the retry, so it must be computed."""
    url = backend_url(backend, tmp_path)
    a, b = _two_workers(url, unique("stale-runs-on"))
    steps: list[int] = []

    def objective(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.flush()
        for step in range(20):
            steps.append(step)
            if step == 1:
                _fail_as_stale(a._storage, a._study_id, grace=0)  # another worker reaped it though it beats
            if trial.should_prune():
                raise tw.TrialPruned()
            time.sleep(0.02)
        return 1.0

    b.optimize(objective, n_trials=1)
    assert len(steps) == 20
    failed, retry = b.get_trials()
    assert failed.state == TrialState.FAIL and failed.system_attrs["late_result"]["values"] == [1.0]
    assert retry.state == TrialState.COMPLETE and retry.values == [1.0]
    assert retry.system_attrs["late_result_of"] == failed.number


@pytest.mark.parametrize("backend", BACKENDS)
def test_record_heartbeat_says_whether_the_trial_still_takes_beats(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else SQLStorage(url)
    study = tw.create_study(study_name=unique("beat-answer"), storage=storage, heartbeat_interval=0)
    running, finished, detached = study.ask(), study.ask(), study.ask()
    study.tell(finished, 1.0)
    assert storage.detach_trial(detached._trial_id)
    assert storage.record_heartbeat(running._trial_id) is True
    assert storage.record_heartbeat(finished._trial_id) is False
    assert storage.record_heartbeat(detached._trial_id) is False
    study.tell(running, 2.0)
    assert storage.record_heartbeat(running._trial_id) is False


class _RefusingBeats(SQLStorage):
    """A storage that answers False to every beat although the trial runs on (a third-party
    storage could): the heartbeat thread reads the trial, finds it RUNNING and beats on."""

    reads = 0

    def record_heartbeat(self, trial_id: int) -> bool:
        super().record_heartbeat(trial_id)
        return False

    def get_trial(self, trial_id: int):  # type: ignore[no-untyped-def]
        _RefusingBeats.reads += 1
        return super().get_trial(trial_id)


def test_a_refused_beat_of_a_running_trial_is_read_about_once_per_beat(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    storage = _RefusingBeats(url)
    study = tw.create_study(study_name=unique("refused-beats"), storage=storage, heartbeat_interval=0.2)
    trial = study.ask()
    _RefusingBeats.reads = 0
    time.sleep(1.0)  # 5 beats; the heartbeat thread wakes every 0.05 s
    reads = _RefusingBeats.reads
    assert not trial.should_prune()
    study.tell(trial, 1.0)
    assert 1 <= reads <= 7  # once per beat, not at every wake-up
