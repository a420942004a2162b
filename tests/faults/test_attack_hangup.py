"""SIGHUP (the terminal or SSH session of a worker closed) mid-trial (session 28): handled as SIGTERM,
the running trial is failed and queued to rerun, instead of being left RUNNING for nobody until
another worker finds it stale after the grace period."""

from __future__ import annotations

import signal
import subprocess
import sys

import tunewise as tw
from tunewise.trial import TrialState

HUNG_UP_WORKER = """
import signal, sys, time
# A worker started from a terminal: SIGHUP at its default (the test run itself may be under nohup,
# whose SIG_IGN the child would inherit, and a nohup'ed worker runs on by design: see below).
signal.signal(signal.SIGHUP, signal.SIG_DFL)
import tunewise as tw
study = tw.load_study(sys.argv[2], sys.argv[1])
def objective(t):
    t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(60)
study.optimize(objective, n_trials=1)
"""


def test_sighup_fails_the_running_trial_and_queues_its_rerun(tmp_path):
    url = f"sqlite:///{tmp_path / 'hup.db'}"
    tw.create_study(name="s", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    proc = subprocess.Popen(
        [sys.executable, "-c", HUNG_UP_WORKER, url, "s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGHUP and "Traceback" not in err  # still ends as SIGHUP would
    trials = tw.load_study("s", url).trials
    assert [t.state for t in trials] == [TrialState.FAILED, TrialState.WAITING]
    assert trials[0].system_attrs["fail_reason"] == "interrupted (SIGHUP)"
    assert trials[1].system_attrs["retried_from"] == 0 and trials[1].system_attrs["fixed_params"] == trials[0].params


IGNORED_HUP_WORKER = """
import signal, sys, time
import tunewise as tw
signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup does: the worker runs on
study = tw.load_study(sys.argv[2], sys.argv[1])
def objective(t):
    x = t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(1)
    return x
study.optimize(objective, n_trials=1)
"""


def test_a_worker_that_ignores_sighup_runs_on(tmp_path):
    url = f"sqlite:///{tmp_path / 'nohup.db'}"
    tw.create_study(name="s", storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    proc = subprocess.Popen(
        [sys.executable, "-c", IGNORED_HUP_WORKER, url, "s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert [t.state for t in tw.load_study("s", url).trials] == [TrialState.COMPLETE]
