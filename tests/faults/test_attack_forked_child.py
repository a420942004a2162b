"""An objective that forks (``os.fork()``) a child which comes back out of the objective, by
``sys.exit()``, an exception or a plain return, instead of ending with ``os._exit()`` (session
29). The child used to go on through tunewise's trial code: it failed the parent's trial
("SystemExit: (0,)", the parent's result kept only as late_result: 8 of 8 results not counted in
benchmarks/history/s29/faults_probe_fork_child.py), and in a pool worker it sent its exception to
the parent, whose ``optimize(n_jobs=2)`` then raised SystemExit. The child now exits at once,
recording nothing, with the status it asked for.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

import tunewise as tw

MAIN = os.getpid()


def _forking_objective(how):
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        pid = os.fork()
        if pid == 0:
            if how == "exit":
                sys.exit(3)
            if how == "raise":
                raise ValueError("in the child")
            return 0.5  # how == "return"
        _, status = os.waitpid(pid, 0)  # the child is done before the parent finishes the trial
        trial.set_user_attr("child_status", os.waitstatus_to_exitcode(status))
        time.sleep(0.05)
        return x

    return objective


def _optimize(study, objective, **kwargs):
    try:
        study.optimize(objective, **kwargs)
    finally:
        if os.getpid() != MAIN:  # a child that came back out of optimize() (before the fix): not pytest's
            os._exit(99)


@pytest.mark.parametrize(("how", "status"), [("exit", 3), ("raise", 1), ("return", 0)])
def test_a_forked_child_leaves_its_parents_trial_alone(tmp_path, how, status):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'f.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    _optimize(study, _forking_objective(how), n_trials=3)
    trials = study.trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 3
    assert all(t.value == t.params["x"] and "late_result" not in t.system_attrs for t in trials)
    assert {t.user_attrs["child_status"] for t in trials} == {status}


def test_a_forked_child_in_a_pool_worker_does_not_stop_the_parents_optimize():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    _optimize(study, _forking_objective("exit"), n_trials=4, n_jobs=2)
    trials = study.trials
    assert [t.state for t in trials] == [tw.TrialState.COMPLETE] * 4
    assert {t.user_attrs["child_status"] for t in trials} == {3}
