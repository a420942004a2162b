"""Many processes on one storage: concurrent writers, resuming, and kill -9 fault injection."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(params=SQL_BACKENDS)
def url(request, tmp_path):
    return backend_url(request.param, tmp_path)


def _spawn(code: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait(proc: subprocess.Popen, timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"worker failed ({proc.returncode}):\n{out}\n{err}"
    return out


WORKER = """
import os, sys, time
import tunewise as tw
url, name, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
study = tw.create_study(name=name, storage=url, load_if_exists=True,
                        sampler=tw.samplers.RandomSampler(seed=seed))
if len(sys.argv) > 5:  # start together, so that the writes really interleave
    print("ready", flush=True)
    while not os.path.exists(sys.argv[5]):
        time.sleep(0.01)
def objective(t):
    t.set_user_attr("worker", seed)
    time.sleep(0.001)  # outside any transaction: the other writer gets the lock in between
    return t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 3)
study.optimize(objective, n_trials=n)
print("ok")
"""


@pytest.mark.slow
def test_two_processes_write_one_study(url, tmp_path):
    name = unique("two-procs")
    go = tmp_path / "go"
    procs = [_spawn(WORKER, url, name, "150", str(seed), str(go)) for seed in (1, 2)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.communicate()
    go.touch()
    for p in procs:
        _wait(p)
    trials = tw.load_study(name, url).trials
    assert len(trials) == 300
    assert sorted(t.number for t in trials) == list(range(300))  # dense, no duplicates
    assert len({t.trial_id for t in trials}) == 300
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(set(t.params) == {"x", "k"} for t in trials)
    workers = [t.user_attrs["worker"] for t in trials]
    assert workers.count(1) == workers.count(2) == 150
    # The writes interleaved (the test would prove little otherwise): the worker changes often.
    assert sum(a != b for a, b in zip(workers[:-1], workers[1:], strict=True)) >= 10


def test_resume_a_study_from_another_process(url):
    name = unique("resume")
    first = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    first.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10)
    best_before = first.best_value
    _wait(_spawn(WORKER, url, name, "7", "3"))
    # The first handle sees the other process's trials (incremental read), and so does a new one.
    assert len(first.trials) == 17
    again = tw.load_study(name, url)
    assert [t.number for t in again.trials] == list(range(17))
    assert again.best_value <= best_before
    assert set(again.distributions) == {"x", "k"}


HANGING_WORKER = """
import sys, time
import tunewise as tw
url, name, marker = sys.argv[1], sys.argv[2], sys.argv[3]
study = tw.create_study(name=name, storage=url, load_if_exists=True,
                        sampler=tw.samplers.RandomSampler(seed=5))
def objective(trial):
    x = trial.suggest_float("x", 0, 1)
    if trial.number == 3:          # the trial that will be killed mid-run
        time.sleep(0.5)            # the heartbeat thread saves the suggested params meanwhile
        open(marker, "w").write(str(trial.number))
        time.sleep(600)
    return x
study.optimize(objective, n_trials=10)
"""


@pytest.mark.slow
def test_kill_9_mid_trial_is_failed_as_stale_and_retried(url, tmp_path):
    name = unique("kill9")
    study = tw.create_study(name=name, storage=url, heartbeat_interval=0.2, grace_period=1.0, max_retries=1,
                            sampler=tw.samplers.RandomSampler(seed=0))
    marker = tmp_path / "in-trial"
    proc = _spawn(HANGING_WORKER, url, name, str(marker))
    deadline = time.time() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "the worker never reached the trial to kill"
        time.sleep(0.05)
    time.sleep(0.5)  # it is sending heartbeats: not stale yet
    assert study.storage.fail_stale_trials(study._study_id, 1.0) == []
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    victim = next(t for t in study.trials if t.number == 3)
    assert victim.state == TrialState.RUNNING
    completed_before = {t.number: t.value for t in study.get_trials(states=(TrialState.COMPLETE,))}
    assert set(completed_before) == {0, 1, 2}

    time.sleep(1.3)  # past the grace period: the next ask recovers the trial
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    trials = {t.number: t for t in study.trials}
    victim = trials[3]
    assert victim.state == TrialState.FAILED
    assert victim.system_attrs["fail_reason"].startswith("stale: no heartbeat")
    retries = [t for t in trials.values() if t.system_attrs.get("retried_from") == 3]
    assert len(retries) == 1
    retry = retries[0]
    assert retry.state == TrialState.COMPLETE and retry.params == victim.params
    assert set(victim.params) == {"x"}  # saved by the heartbeat thread before the kill
    assert retry.system_attrs["retry_attempt"] == 1
    # Every trial completed before the crash is still there, unchanged.
    for number, value in completed_before.items():
        assert trials[number].state == TrialState.COMPLETE and trials[number].value == value
    assert sorted(trials) == list(range(len(trials)))
    if url.startswith("sqlite"):
        path = url[len("sqlite:///"):]
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_no_retry_left_means_failed_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'noretry.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=0.1, grace_period=0.3, max_retries=0,
                            sampler=tw.samplers.RandomSampler(seed=0))
    t = study.ask()
    t.suggest_float("x", 0, 1)
    study._write_progress(t, {})
    # Simulate a dead worker: stop this process's heartbeats for the trial, then wait.
    from tunewise.storage import _heartbeat

    _heartbeat.on_finish(study, t._trial_id)
    time.sleep(0.6)
    other = tw.load_study("s", url, sampler=tw.samplers.RandomSampler(seed=0))
    other.optimize(lambda tr: tr.suggest_float("x", 0, 1), n_trials=1)
    states = [(x.number, x.state) for x in other.trials]
    assert states == [(0, TrialState.FAILED), (1, TrialState.COMPLETE)]
    assert "retried_from" not in other.trials[1].system_attrs


TIGHT_WRITER = """
import sys
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.create_study(name=name, storage=url, load_if_exists=True, heartbeat_interval=0.2,
                        grace_period=1.0, max_retries=1, sampler=tw.samplers.RandomSampler(seed=1))
print("ready", flush=True)
study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100000)
"""


SLOW_WRITER = """
import sys, time
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.create_study(name=name, storage=url, load_if_exists=True, heartbeat_interval=0.2,
                        grace_period=1.0, max_retries=1, sampler=tw.samplers.RandomSampler(seed=2))
def objective(t):
    t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(120)
study.optimize(objective, n_trials=1)
"""


@pytest.mark.slow
def test_kill_9_during_storage_writes_keeps_the_database_intact(tmp_path):
    """Three writers killed at random points of a write-heavy loop (mostly inside a transaction),
    and one killed surely inside its trial (the random kills may all land between trials)."""
    import random

    url = f"sqlite:///{tmp_path / 'crash.db'}"
    name = "crash"
    study = tw.create_study(name=name, storage=url, heartbeat_interval=0.2, grace_period=1.0, max_retries=1,
                            sampler=tw.samplers.RandomSampler(seed=0))
    rng = random.Random(0)
    procs = [_spawn(TIGHT_WRITER, url, name) for _ in range(3)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.communicate()
    deadline = time.time() + 60  # on a loaded machine the writers take a while to reach their loop
    while len(study.get_trials()) < 30 and time.time() < deadline:
        time.sleep(0.05)
    for p in procs:
        time.sleep(0.2 + rng.random() * 0.3)
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)  # this worker goes on meanwhile
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    slow = _spawn(SLOW_WRITER, url, name)
    assert slow.stdout.readline().strip() == "in trial", slow.communicate()
    slow.send_signal(signal.SIGKILL)
    slow.wait(timeout=30)
    time.sleep(1.3)  # past the grace period: the next asks fail and retry the killed workers' trials
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with sqlite3.connect(tmp_path / "crash.db") as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    trials = study.trials
    assert [t.number for t in trials] == list(range(len(trials)))
    assert not [t for t in trials if t.state == TrialState.RUNNING]  # each killed trial was failed
    stale = [t for t in trials if t.state == TrialState.FAILED]
    assert 1 <= len(stale) <= 4 and all(t.system_attrs["fail_reason"].startswith("stale") for t in stale)
    retried = {t.system_attrs.get("retried_from") for t in trials} - {None}
    # max_retries=1: a stale trial that was itself a retry (the slow writer may have claimed one)
    # is not retried again.
    assert retried == {t.number for t in stale if t.system_attrs.get("retry_attempt", 0) == 0}
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    assert len(complete) >= 20
    assert all(t.params and t.values for t in complete)
