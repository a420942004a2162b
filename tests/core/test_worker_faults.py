"""Worker processes of ``optimize(n_jobs=k)`` that die, seeded streams that must never replay,
and in-memory studies that must not be driven from another process."""

import os
import pickle
import signal
import subprocess
import sys

import pytest

import tunewise as tw
from tunewise import TrialState
from tunewise.execution import WorkerError

STORAGES = ["memory", "sqlite"]


def _url(kind, tmp_path, name="w.db"):
    return None if kind == "memory" else f"sqlite:///{tmp_path / name}"


def _kill_self():
    os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer or `kill -9` does to a worker


def _dies_at_1_and_4(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number in (1, 4) and "retried_from" not in trial.system_attrs:
        _kill_self()
    return x


def _dies_every_third(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number % 3 == 0 and "retried_from" not in trial.system_attrs:
        _kill_self()
    return x


def _always_dies(trial):
    trial.suggest_float("x", 0.0, 1.0)
    _kill_self()


class _DiesAfterFinishingTrial2(tw.samplers.RandomSampler):
    """Kills its worker after trial 2's result is written, before the worker reports it."""

    def after_trial(self, study, trial):
        if trial.number == 2:
            _kill_self()


def _states(study):
    return [t.state for t in study.trials]


@pytest.mark.parametrize("kind", STORAGES)
def test_a_dead_workers_trial_is_failed_at_once_and_retried(kind, tmp_path):
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=30, max_retries=1)  # no heartbeat could reap it in time
    study.optimize(_dies_at_1_and_4, n_trials=8, n_jobs=2)
    trials = study.trials
    states = _states(study)
    assert TrialState.RUNNING not in states and TrialState.WAITING not in states
    assert states.count(TrialState.COMPLETE) == 8  # the lost slots were run again
    killed = [n for n in (1, 4) if "retried_from" not in trials[n].system_attrs]  # 4 may be 1's retry
    assert 1 in killed
    assert [t.number for t in trials if t.state == TrialState.FAILED] == killed
    for number in killed:
        assert trials[number].system_attrs["fail_reason"] == "worker died: signal 9"
        retries = [t for t in trials if t.system_attrs.get("retried_from") == number]
        assert [t.state for t in retries] == [TrialState.COMPLETE]


def _dies_right_after_suggesting(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    if trial.number == 1 and "retried_from" not in trial.system_attrs:
        _kill_self()  # before any heartbeat could save the values: only the parent knows them
    return x + (c == "b")


@pytest.mark.parametrize("kind", STORAGES)
def test_a_worker_killed_before_its_values_were_stored_is_rerun_with_the_same_values(kind, tmp_path):
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=30, max_retries=1)
    study.optimize(_dies_right_after_suggesting, n_trials=4, n_jobs=2)
    trials = study.trials
    killed = trials[1]
    assert killed.state == TrialState.FAILED and killed.system_attrs["fail_reason"] == "worker died: signal 9"
    assert set(killed.params) == {"x", "c"}  # the values it chose are kept with it ...
    [retry] = [t for t in trials if t.system_attrs.get("retried_from") == 1]
    assert retry.state == TrialState.COMPLETE and retry.params == killed.params  # ... and rerun


@pytest.mark.parametrize("kind", ["memory", pytest.param("sqlite", marks=pytest.mark.slow)])
@pytest.mark.slow
def test_every_dead_worker_is_replaced_while_work_remains(kind, tmp_path):
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=tw.samplers.RandomSampler(seed=0),
                            heartbeat_interval=30, max_retries=1)
    seen = []
    study.optimize(_dies_every_third, n_trials=24, n_jobs=2, callbacks=[lambda s, t: seen.append(t.number)])
    trials = study.trials
    died = [t for t in trials if t.state == TrialState.FAILED]
    assert len(died) >= 8  # more than the 3 * n_jobs deaths after which workers used not to be replaced
    assert all(t.system_attrs["fail_reason"] == "worker died: signal 9" for t in died)
    assert _states(study).count(TrialState.COMPLETE) == 24 and TrialState.RUNNING not in _states(study)
    assert sorted(seen) == sorted(t.number for t in trials if t.state == TrialState.COMPLETE)
    # Respawned workers draw new configurations: only a retry repeats its trial's.
    firsts = [t.params["x"] for t in trials if "retried_from" not in t.system_attrs and "x" in t.params]
    assert len(set(firsts)) == len(firsts)


@pytest.mark.parametrize("kind", STORAGES)
@pytest.mark.slow
def test_optimize_raises_when_workers_keep_dying(kind, tmp_path, monkeypatch):
    # Deaths in a row alone end the run here (by default they must also span 30 s:
    # tests/faults/test_attack_worker_crash_loop.py).
    monkeypatch.setattr("tunewise.execution._local._GIVE_UP_AFTER", 0.0)
    study = tw.create_study(storage=_url(kind, tmp_path), sampler=tw.samplers.RandomSampler(),
                            heartbeat_interval=30, max_retries=1)
    with pytest.raises(WorkerError, match=r"keep dying: 6 deaths in a row .*signal 9 \(SIGKILL"):
        study.optimize(_always_dies, n_trials=100, n_jobs=2)
    states = _states(study)
    assert TrialState.RUNNING not in states and TrialState.COMPLETE not in states
    failed = [t for t in study.trials if t.state == TrialState.FAILED]
    assert 6 <= len(failed) <= 7  # and the other worker's trial, if it was running when optimize() gave up
    assert {t.system_attrs["fail_reason"] for t in failed} == {"worker died: signal 9"}


def test_a_trial_finished_before_its_worker_died_counts_once():
    study = tw.create_study(sampler=_DiesAfterFinishingTrial2(seed=0))
    seen = []
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6, n_jobs=2,
                   callbacks=[lambda s, t: seen.append(t.number)])
    assert _states(study) == [TrialState.COMPLETE] * 6  # not failed, not retried, no seventh trial
    assert sorted(seen) == list(range(6))


# ---- seeded random streams ------------------------------------------------------------------------
def _x(trial):
    return trial.suggest_float("x", 0.0, 1.0)


def test_seeded_parallel_calls_never_replay_each_others_draws():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_x, n_trials=20, n_jobs=2)
    study.optimize(_x, n_trials=20, n_jobs=2)
    xs = [t.params["x"] for t in study.trials]
    assert len(xs) == 40 and len(set(xs)) == 40


@pytest.mark.parametrize("make", [lambda: tw.samplers.RandomSampler(seed=0),
                                  lambda: tw.samplers.TPESampler(seed=0, n_startup_trials=100)],
                         ids=["random", "tpe"])
def test_a_new_process_resuming_a_seeded_study_draws_new_reproducible_points(make, tmp_path):
    fresh = tw.create_study(sampler=make())
    fresh.optimize(_x, n_trials=10)
    url = f"sqlite:///{tmp_path / 'a.db'}"
    study = tw.create_study(name="s", storage=url, sampler=make())
    study.optimize(_x, n_trials=4)
    study.optimize(_x, n_trials=6)  # the same sampler goes on with its stream
    first = [t.params["x"] for t in study.trials]
    assert first == [t.params["x"] for t in fresh.trials]  # a fresh study's draws are the seed's own
    # A new process resuming the study: a new sampler with the same seed.
    tw.load_study("s", url, sampler=make()).optimize(_x, n_trials=10)
    resumed = [t.params["x"] for t in tw.load_study("s", url).trials][10:]
    assert not set(resumed) & set(first) and len(set(resumed)) == 10
    # ... reproducibly: the same history resumed the same way draws the same points.
    other = f"sqlite:///{tmp_path / 'b.db'}"
    tw.create_study(name="s", storage=other, sampler=make()).optimize(_x, n_trials=10)
    tw.load_study("s", other, sampler=make()).optimize(_x, n_trials=10)
    assert [t.params["x"] for t in tw.load_study("s", other).trials] == first + resumed


def test_processes_joining_a_seeded_study_at_the_same_moment_draw_different_points(tmp_path):
    url = f"sqlite:///{tmp_path / 'j.db'}"
    tw.create_study(name="j", storage=url)
    a = tw.load_study("j", url, sampler=tw.samplers.RandomSampler(seed=0))
    b = tw.load_study("j", url, sampler=tw.samplers.RandomSampler(seed=0))
    a.sampler.before_trial(a)  # both take their stream before either has started a trial
    b.sampler.before_trial(b)
    for _ in range(5):
        a.optimize(_x, n_trials=1)
        b.optimize(_x, n_trials=1)
    xs = [t.params["x"] for t in tw.load_study("j", url).trials]
    assert len(set(xs)) == 10
    assert xs[0] == tw.samplers.RandomSampler(seed=0)._rng.random()  # the first keeps the seed's own stream


# ---- in-memory studies in other processes ------------------------------------------------------------
def test_an_in_memory_study_is_a_full_copy_within_its_process_and_read_only_elsewhere():
    study = tw.create_study(name="mem", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_x, n_trials=3)
    copy = pickle.loads(pickle.dumps(study))  # same process: a study of its own
    copy.optimize(_x, n_trials=2)
    assert len(copy.trials) == 5 and len(study.trials) == 3
    code = (
        "import pickle, sys, tunewise as tw\n"
        "s = pickle.loads(sys.stdin.buffer.read())\n"
        "print(len(s.trials), round(s.best_value, 6))\n"
        "try:\n"
        "    s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=1)\n"
        "except tw.TunewiseError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(study), capture_output=True,
                         timeout=120, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert out.returncode == 0, out.stderr.decode()
    lines = out.stdout.decode().splitlines()
    assert lines[0] == f"3 {round(study.best_value, 6)}"  # readable: a pickled model keeps its search
    assert "an in-memory study cannot be shared with other processes: pass storage=" in lines[1]


def test_an_in_memory_study_saved_by_a_process_that_ended_resumes_in_full(tmp_path):
    """Optuna users' habit: joblib.dump(study) at the end of a run, joblib.load(...) later to go on."""
    path = tmp_path / "study.pkl"
    code = (
        "import pickle, sys, tunewise as tw\n"
        "s = tw.create_study(name='saved', sampler=tw.samplers.RandomSampler(seed=0))\n"
        "s.optimize(lambda t: t.suggest_float('x', 0, 1), n_trials=3)\n"
        "open(sys.argv[1], 'wb').write(pickle.dumps(s))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert out.returncode == 0, out.stderr.decode()
    study = pickle.loads(path.read_bytes())  # the process that saved it has ended
    study.optimize(_x, n_trials=2)
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4]
