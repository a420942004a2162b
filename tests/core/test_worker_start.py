"""How ``optimize(n_jobs=k)`` starts its worker processes (forked from a pre-imported zygote on Linux)."""

import os
import random
import sys

import pytest

import tunewise as tw
from tunewise.execution import _zygote

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the zygote is used on Linux only")


def _pid_objective(trial):
    trial.set_user_attr("pid", os.getpid())
    trial.set_user_attr("draw", random.random())  # unseeded: each worker must have its own stream
    print(f"hello from worker {os.getpid()}", flush=True)
    return trial.suggest_float("x", 0.0, 1.0)


def _run(n_trials=6, n_jobs=2):
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=3))
    study.optimize(_pid_objective, n_trials=n_trials, n_jobs=n_jobs)
    return study


@linux_only
def test_workers_are_forked_from_one_reused_zygote_with_their_own_random_state():
    first = _run()
    zygote = _zygote._zygote
    assert zygote is not None and zygote.alive()
    second = _run(n_jobs=3)
    assert _zygote._zygote is zygote  # the second call reused it: no new interpreter
    for study in (first, second):
        trials = study.trials
        assert len(trials) == 6 and all(t.state == tw.TrialState.COMPLETE for t in trials)
        pids = {t.user_attrs["pid"] for t in trials}
        assert os.getpid() not in pids and zygote.proc.pid not in pids
        draws = [t.user_attrs["draw"] for t in trials]
        assert len(set(draws)) == len(draws)  # no two workers share the zygote's random stream


@linux_only
def test_forked_workers_write_to_the_parents_current_stdout(capfd):
    _run(n_trials=2)
    out = capfd.readouterr().out
    assert out.count("hello from worker") == 2


def test_fresh_interpreters_when_the_zygote_is_disabled(monkeypatch):
    monkeypatch.setenv("TUNEWISE_WORKER_START", "spawn")
    assert _zygote.spawn_worker({}) is None
    study = _run(n_trials=4)
    assert len(study.trials) == 4 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)


@linux_only
def test_a_dead_zygote_is_replaced():
    _run(n_trials=2)
    old = _zygote._zygote
    assert old is not None
    old.proc.kill()
    old.proc.wait()
    study = _run(n_trials=2)
    assert len(study.trials) == 2
    assert _zygote._zygote is not None and _zygote._zygote is not old


@linux_only
def test_a_new_zygote_when_import_time_settings_change(monkeypatch):
    _run(n_trials=2)
    old = _zygote._zygote
    value = "3" if os.environ.get("OMP_NUM_THREADS") != "3" else "2"
    monkeypatch.setenv("OMP_NUM_THREADS", value)  # numpy reads it at import: the old zygote is stale
    study = _run(n_trials=2)
    assert len(study.trials) == 2
    assert _zygote._zygote is not old and _zygote._zygote.import_env["OMP_NUM_THREADS"] == value


def _dies_at_trial_2(trial):
    import signal

    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # the worker dies mid-trial (OOM killer, segfault, kill -9)
    return x


@linux_only
def test_a_killed_forked_worker_is_replaced_and_n_trials_still_met(tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'k.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_dies_at_trial_2, n_trials=6, n_jobs=2)
    trials = study.trials
    assert sum(t.state == tw.TrialState.COMPLETE for t in trials) == 6  # the lost slot was run again
    assert trials[2].state == tw.TrialState.FAILED  # failed by the parent at once, never left RUNNING
    assert trials[2].system_attrs["fail_reason"] == "worker died: signal 9"
