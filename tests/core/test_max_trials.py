"""Study-wide trial budget: ``optimize(max_trials=)``, ``create_study(max_trials=)``, ``--max-trials``."""

import os
import re
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise import TrialState
from tunewise.cli import main
from tunewise.exceptions import MaxTrialsReached, SearchExhausted


def _objective(trial):
    return trial.suggest_float("x", 0.0, 1.0)


def _study(url, name="budget", **kw):
    return tw.create_study(name=unique(name), storage=url, sampler=tw.samplers.RandomSampler(seed=0), **kw)


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_trials_caps_the_study_and_resume_counts_earlier_trials(backend, tmp_path):
    study = _study(backend_url(backend, tmp_path))
    study.optimize(_objective, n_trials=3)
    # 3 trials exist already: the budget of 5 leaves 2, although n_trials asks for 10.
    study.optimize(_objective, n_trials=10, max_trials=5)
    assert len(study.trials) == 5
    # A later call with the same budget runs nothing; a larger budget runs the difference.
    study.optimize(_objective, n_trials=10, max_trials=5)
    assert len(study.trials) == 5
    study.optimize(_objective, max_trials=7)
    assert len(study.trials) == 7
    # n_trials still counts this call's trials when it is the tighter limit.
    study.optimize(_objective, n_trials=1, max_trials=100)
    assert len(study.trials) == 8


@pytest.mark.parametrize("backend", BACKENDS)
def test_failed_and_pruned_trials_count_towards_the_budget(backend, tmp_path):
    study = _study(backend_url(backend, tmp_path))

    def objective(trial):
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number % 3 == 0:
            raise RuntimeError("boom")
        if trial.number % 3 == 1:
            raise tw.TrialPruned()
        return x

    study.optimize(objective, max_trials=6, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAILED, TrialState.PRUNED, TrialState.COMPLETE] * 2


def test_enqueued_trials_wait_until_started_and_the_cap_holds(tmp_path):
    study = _study(None)
    for x in (0.1, 0.2, 0.3, 0.4):
        study.enqueue_trial({"x": x})
    study.optimize(_objective, max_trials=2)
    states = [t.state for t in study.trials]
    assert states.count(TrialState.COMPLETE) == 2
    assert states.count(TrialState.WAITING) == 2  # queued but not started: not part of the budget
    assert [t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE] == [0.1, 0.2]


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_stored_budget_is_obeyed_by_every_loader_and_can_be_replaced(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    study = _study(url, max_trials=4)
    study.optimize(_objective)  # no n_trials: the stored budget ends the run
    assert len(study.trials) == 4
    other = tw.load_study(study.study_name, url)
    other.optimize(_objective, n_trials=5)
    assert len(other.trials) == 4
    grown = tw.load_study(study.study_name, url, max_trials=6)  # given again: replaces the budget
    grown.optimize(_objective)
    assert len(grown.trials) == 6
    # An explicit optimize(max_trials=) overrides the stored budget for that call.
    grown.optimize(_objective, max_trials=7)
    assert len(grown.trials) == 7


@pytest.mark.parametrize("backend", BACKENDS)
def test_n_jobs_workers_stop_at_exactly_max_trials(backend, tmp_path):
    study = _study(backend_url(backend, tmp_path))
    study.optimize(_objective, n_trials=2)
    study.optimize(_objective, n_jobs=3, max_trials=11)
    trials = study.trials
    assert len(trials) == 11
    assert sorted(t.number for t in trials) == list(range(11))
    assert all(t.state == TrialState.COMPLETE for t in trials)


def test_storage_raises_max_trials_reached_atomically(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    for storage in (tw.storage.InMemoryStorage(), tw.storage.get_storage(url)):
        sid = storage.create_study(unique("s"), ["minimize"])
        storage.enqueue_trial(sid, {"x": 1.0})
        first = storage.start_trial(sid, max_started=2)
        second = storage.start_trial(sid, max_started=2)
        assert (first.number, second.number) == (0, 1)
        with pytest.raises(MaxTrialsReached, match="budget of 2 trials"):
            storage.start_trial(sid, max_started=2)
        assert issubclass(MaxTrialsReached, SearchExhausted)  # optimize loops stop on it
        assert storage.count_trials(sid) == 2  # the refused start created nothing
        assert storage.start_trial(sid, max_started=3).number == 2


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_retry_of_a_stale_trial_does_not_use_a_second_slot(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    study = _study(url, heartbeat_interval=0.1, grace_period=0.3, max_retries=1)
    # A trial whose worker died: RUNNING, never beats again.
    dead = study.storage.start_trial(study._study_id)
    study.storage.update_trial(dead.trial_id, params={"x": 0.25})
    study.storage.add_distribution(study._study_id, "x", tw.distributions.Float(0.0, 1.0))
    time.sleep(0.6)
    fresh = tw.load_study(study.study_name, url, sampler=tw.samplers.RandomSampler(seed=1))
    fresh.optimize(_objective, max_trials=3)
    trials = fresh.trials
    assert [t.state for t in trials] == [TrialState.FAILED] + [TrialState.COMPLETE] * 3
    assert trials[1].system_attrs["retried_from"] == 0 and trials[1].params == {"x": 0.25}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_grid_point_is_not_claimed_once_the_budget_is_used_and_runs_when_it_is_raised(backend, tmp_path):
    """The ask after the last trial of a budget claimed the next grid point, then found the budget
    used: the point never ran, and a raised budget ended one trial short (9 of 10 points)."""
    grid = {"x": [i / 10 for i in range(10)]}
    study = tw.create_study(name=unique("grid"), storage=backend_url(backend, tmp_path),
                            sampler=tw.samplers.GridSampler(grid, seed=0))
    study.optimize(_objective, n_trials=100, max_trials=5)
    assert len(study.trials) == 5
    study.optimize(_objective, n_trials=100, max_trials=10)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 10
    assert sorted(t.params["x"] for t in study.trials) == grid["x"]


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_invalid_max_trials_is_a_clear_error(bad):
    study = tw.create_study()
    with pytest.raises(ValueError, match=r"max_trials must be a positive integer .* got " + repr(bad)[:2]):
        study.optimize(_objective, max_trials=bad)
    with pytest.raises(ValueError, match="max_trials must be a positive integer"):
        tw.create_study(max_trials=bad)
    assert study.trials == []


def test_cli_max_trials_is_validated(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    res = CliRunner().invoke(main, ["worker", "--study", "w", "--storage", url, "--objective", "m:f",
                                    "--max-trials", "0"])
    assert res.exit_code == 2
    assert "--max-trials" in res.output and "positive integer" in res.output


_WORKER_MODULE = textwrap.dedent("""
    import os
    import time

    _started = False

    def objective(trial):
        global _started
        x = trial.suggest_float("x", -1.0, 1.0)
        if not _started:  # hold each worker's first trial until all 3 run: they race to the budget
            ready = os.environ["BUDGET_READY_DIR"]
            open(os.path.join(ready, str(os.getpid())), "w").close()
            end = time.time() + 120
            while len(os.listdir(ready)) < 3 and time.time() < end:
                time.sleep(0.01)
            _started = True
        time.sleep(0.02)
        return x * x
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
@pytest.mark.slow
def test_independent_worker_processes_stop_at_exactly_n(backend, tmp_path):
    """Three `tunewise worker` processes, started together on one study: exactly 20 trials in all."""
    url = backend_url(backend, tmp_path)
    (tmp_path / "budget_objective.py").write_text(_WORKER_MODULE)
    name = unique("workers")
    tw.create_study(name=name, storage=url)
    (tmp_path / "ready").mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               BUDGET_READY_DIR=str(tmp_path / "ready"))
    cmd = [sys.executable, "-m", "tunewise", "worker", "--study", name, "--storage", url,
           "--objective", "budget_objective:objective", "--max-trials", "20", "--sampler", "random"]
    procs = [subprocess.Popen(cmd + ["--seed", str(i)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(3)]
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (_out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "locked" not in err
    trials = tw.load_study(name, url).trials
    assert len(trials) == 20
    assert sorted(t.number for t in trials) == list(range(20))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    # Every worker ran trials (all three raced to the budget) and reports the same study total.
    ran = [int(re.search(r"(\d+) trials run here", out).group(1)) for out, _ in outs]
    assert sum(ran) == 20 and min(ran) >= 1
    assert all("20 in study" in out for out, _ in outs)


def test_tell_fail_reason_is_stored_and_validated():
    study = tw.create_study()
    t = study.ask()
    frozen = study.tell(t, state=TrialState.FAILED, fail_reason="timed out after 60 s")
    assert frozen.system_attrs["fail_reason"] == "timed out after 60 s"
    assert study.trials[0].system_attrs["fail_reason"] == "timed out after 60 s"
    t2 = study.ask()
    with pytest.raises(ValueError, match="fail_reason is for state=TrialState.FAILED"):
        study.tell(t2, 1.0, fail_reason="nope")
    with pytest.raises(TypeError, match="fail_reason must be a string"):
        study.tell(t2, state=TrialState.FAILED, fail_reason=42)
    assert study.tell(t2, state=TrialState.FAILED).system_attrs["fail_reason"] == "told FAILED"
