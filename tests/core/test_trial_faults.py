"""Broken promises found by fault injection (issue 16): each test failed on the code before its fix.

Budgets that a parameter name could switch off, late finishes of trials failed as stale,
exceptions at finish that left trials RUNNING, heartbeats that were off by default, SIGTERM,
parameters saved too late for a retry, results lost in a storage outage, and tell(number).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.exceptions import StorageError
from tunewise.storage import _heartbeat
from tunewise.trial import TrialState

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _spool_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "spool"))


def _spawn(code: str, *args: str, **popen) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def _wait_for(predicate, timeout: float = 60.0, what: str = "the condition") -> None:
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


# ---- 1. a parameter named like an internal attribute does not switch the budget off ----------
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_parameter_named_retried_from_does_not_disable_max_trials(backend, tmp_path):
    study = tw.create_study(name=unique("budget"), storage=backend_url(backend, tmp_path), max_trials=10,
                            sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(lambda t: t.suggest_float("retried_from", 0, 1), n_trials=40)
    assert len(study.trials) == 10


def test_an_old_database_is_migrated_and_its_retries_still_do_not_count(tmp_path):
    """A version-1 file (no retried_from column) opens; its retries are found by parsing, not LIKE."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'v1.db'}"
    study = tw.create_study(name="s", storage=url, max_trials=3)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.storage.enqueue_trial(study._study_id, {"x": 0.5}, system_attrs={"retried_from": 0, "retry_attempt": 1})
    study.storage.enqueue_trial(study._study_id, {"x": 0.25}, system_attrs={"proposal": {"retried_from": 1}})
    study.storage.close()
    with sqlite3.connect(tmp_path / "v1.db") as con:  # make it look as the previous release wrote it
        con.execute("ALTER TABLE tunewise_trials DROP COLUMN retried_from")
        con.execute("UPDATE tunewise_meta SET value = '1' WHERE key = 'schema_version'")
    again = tw.load_study("s", url)
    with sqlite3.connect(tmp_path / "v1.db") as con:
        assert con.execute("SELECT value FROM tunewise_meta WHERE key='schema_version'").fetchone() == ("2",)
        rows = con.execute("SELECT number, retried_from FROM tunewise_trials ORDER BY number").fetchall()
    assert rows == [(0, None), (1, 0), (2, None)]
    again.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    # 3 trials count (0, 2 and one new one); the retry (1) reruns trial 0 and does not.
    assert len(again.trials) == 4


# ---- 4. a trial failed as stale is never finished again by its late worker -------------------
@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_late_finish_of_a_stale_trial_is_kept_apart_and_counts_once(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("late")
    study = tw.create_study(name=name, storage=url, heartbeat_interval=0.1, grace_period=0.3, max_retries=1,
                            max_trials=3)
    stopped = study.ask()  # a worker that will be stopped (SIGSTOP) past the grace period
    x = stopped.suggest_float("x", 0, 1)
    study._write_progress(stopped, {})
    _heartbeat.on_finish(study, stopped._trial_id)  # its heartbeats stop, as if the process was frozen
    time.sleep(0.6)
    other = tw.load_study(name, url)
    other.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)  # reaps, retries, fills the budget
    frozen = study.tell(stopped, x)  # the stopped worker resumes and finishes the original
    assert frozen.state == TrialState.FAILED
    trials = {t.number: t for t in tw.load_study(name, url).trials}
    original = trials[stopped.number]
    assert original.state == TrialState.FAILED
    assert original.system_attrs["fail_reason"].startswith("stale")  # not erased by the late finish
    assert original.system_attrs["late_result"]["values"] == [x]
    assert original.system_attrs["late_result"]["params"] == {"x": x}
    retry = next(t for t in trials.values() if t.system_attrs.get("retried_from") == stopped.number)
    assert retry.state == TrialState.COMPLETE and retry.params == {"x": x}
    # max_trials=3: the original (FAILED), its retry (not counted) and two more.
    assert [t.state for t in trials.values()].count(TrialState.COMPLETE) == 3
    assert len(trials) == 4


SIGSTOPPED_WORKER = """
import sys, time
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.load_study(name, url)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(1.0)   # SIGSTOPped in here for longer than the grace period
    return x
study.optimize(objective, n_trials=1)
print("done", flush=True)
"""


@pytest.mark.slow
def test_sigstop_past_the_grace_period_then_sigcont_counts_the_trial_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'stop.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=0.1, grace_period=0.5, max_retries=1,
                            max_trials=2)
    proc = _spawn(SIGSTOPPED_WORKER, url, "s")
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    _wait_for(lambda: study.storage.get_trial(study.trials[0].trial_id).params, what="the params to be saved")
    proc.send_signal(signal.SIGSTOP)
    try:
        time.sleep(1.0)  # past the grace period: this worker fails it, retries it and fills the budget
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    finally:
        proc.send_signal(signal.SIGCONT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    trials = study.trials
    assert [t.state for t in trials].count(TrialState.RUNNING) == 0
    stopped = trials[0]
    assert stopped.state == TrialState.FAILED and stopped.system_attrs["fail_reason"].startswith("stale")
    assert stopped.system_attrs["late_result"]["state"] == "COMPLETE"
    assert [t.state for t in trials].count(TrialState.COMPLETE) == 2  # budget of 2, not 3
    assert trials[1].system_attrs["retried_from"] == 0 and trials[1].params == stopped.params


# ---- 5. exceptions at finish end the trial FAILED with the reason -----------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_user_attr_that_is_not_json_fails_the_trial_with_the_reason(backend, tmp_path):
    study = tw.create_study(name=unique("attr"), storage=backend_url(backend, tmp_path))

    def objective(t):
        t.suggest_float("x", 0, 1)
        t.set_user_attr("model", object())
        return 1.0

    study.optimize(objective, n_trials=2, catch=(TypeError,))
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert "set_user_attr('model', ...)" in study.trials[0].system_attrs["fail_reason"]
    assert "JSON" in study.trials[0].system_attrs["fail_reason"]
    with pytest.raises(TypeError, match="JSON-serializable"):
        study.optimize(objective, n_trials=1)
    assert study.trials[-1].state == TrialState.FAILED


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unstorable_attribute_written_behind_the_api_still_fails_the_trial(backend, tmp_path):
    study = tw.create_study(name=unique("attr2"), storage=backend_url(backend, tmp_path))

    def objective(t):
        t.suggest_float("x", 0, 1)
        t.user_attrs["model"] = object()  # past set_user_attr's check
        return 1.0

    study.optimize(objective, n_trials=1, catch=(TypeError,))
    t = study.trials[0]
    assert t.state == TrialState.FAILED and "could not be stored" in t.system_attrs["fail_reason"]
    assert t.user_attrs["model"].startswith("<not stored: <object object")
    with pytest.raises(TypeError, match="recorded as FAILED"):
        study.optimize(objective, n_trials=1)
    assert [x.state for x in study.trials] == [TrialState.FAILED] * 2


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_result_too_large_for_a_float_fails_the_trial(backend, tmp_path):
    study = tw.create_study(name=unique("big"), storage=backend_url(backend, tmp_path))
    study.optimize(lambda t: 10 ** 400 + t.suggest_int("k", 0, 1), n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.FAILED] * 2
    assert "out of the range of a float" in study.trials[0].system_attrs["fail_reason"]
    assert "401 digits" in study.trials[0].system_attrs["fail_reason"]


def test_sys_exit_in_the_objective_fails_the_trial_and_exits(tmp_path):
    url = f"sqlite:///{tmp_path / 'exit.db'}"
    code = """
    import sys
    import tunewise as tw
    study = tw.create_study(name="s", storage=sys.argv[1])
    def objective(t):
        t.suggest_float("x", 0, 1)
        sys.exit(3)
    study.optimize(objective, n_trials=5, catch=(Exception,))
    """
    proc = _spawn(code, url)
    proc.communicate(timeout=120)
    assert proc.returncode == 3
    trials = tw.load_study("s", url).trials
    assert [t.state for t in trials] == [TrialState.FAILED]
    assert trials[0].system_attrs["fail_reason"] == "SystemExit: (3,)"


def test_tunewise_worker_survives_an_objective_with_an_unstorable_attr(tmp_path):
    (tmp_path / "badattr.py").write_text(textwrap.dedent("""
        def objective(t):
            x = t.suggest_float("x", 0, 1)
            if x < 0.5:
                t.set_user_attr("bad", object())
            return x
    """))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.run([sys.executable, "-m", "tunewise", "worker", "--study", "s", "--storage", url,
                           "--objective", "badattr:objective", "--n-trials", "8", "--direction", "maximize",
                           "--sampler", "random", "--seed", "0"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    trials = tw.load_study("s", url).trials
    assert len(trials) == 8 and not [t for t in trials if t.state == TrialState.RUNNING]
    failed = [t for t in trials if t.state == TrialState.FAILED]
    assert failed and all(t.params["x"] < 0.5 for t in failed)


# ---- 6. heartbeats on by default; SIGTERM; no dead trial left RUNNING at the budget's end -----
def test_heartbeats_are_on_by_default_for_persistent_storage_and_can_be_turned_off(tmp_path):
    study = tw.create_study(name="on", storage=f"sqlite:///{tmp_path / 'a.db'}")
    assert _heartbeat._monitor(study).policy == _heartbeat.DEFAULT_POLICY
    off = tw.create_study(name="off", storage=f"sqlite:///{tmp_path / 'a.db'}", heartbeat_interval=0)
    assert _heartbeat._monitor(off).policy is None
    # The choice is stored with the study: every worker that opens it follows it.
    assert _heartbeat._monitor(tw.load_study("off", f"sqlite:///{tmp_path / 'a.db'}")).policy is None
    assert tw.create_study().storage.is_persistent is False
    with pytest.raises(ValueError, match="turns heartbeats off"):
        tw.create_study(storage=f"sqlite:///{tmp_path / 'a.db'}", heartbeat_interval=0, max_retries=2)


SIGTERMED_WORKER = """
import sys, time
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.load_study(name, url)
def objective(t):
    t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(60)
study.optimize(objective, n_trials=1)
"""


def test_sigterm_fails_the_running_trial_and_queues_its_rerun(tmp_path):
    url = f"sqlite:///{tmp_path / 'term.db'}"
    tw.create_study(name="s", storage=url)
    proc = _spawn(SIGTERMED_WORKER, url, "s")
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM and "Traceback" not in err
    trials = tw.load_study("s", url).trials
    assert trials[0].state == TrialState.FAILED
    assert trials[0].system_attrs["fail_reason"] == "interrupted (SIGTERM)"
    assert trials[1].state == TrialState.WAITING and trials[1].system_attrs["retried_from"] == 0
    assert trials[1].system_attrs["fixed_params"] == trials[0].params  # the same configuration


PARALLEL_SIGTERMED = """
import sys, time
import tunewise as tw
url = sys.argv[1]
study = tw.load_study("s", url)
def objective(t):
    t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(60)
study.optimize(objective, n_trials=4, n_jobs=2)
"""


@pytest.mark.slow
def test_sigterm_to_an_n_jobs_run_fails_and_requeues_every_running_trial(tmp_path):
    url = f"sqlite:///{tmp_path / 'pterm.db'}"
    study = tw.create_study(name="s", storage=url)
    proc = _spawn(PARALLEL_SIGTERMED, url)
    _wait_for(lambda: len(study.get_trials(states=(TrialState.RUNNING,))) == 2, timeout=120,
              what="two running trials")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM, err
    trials = study.trials
    failed = [t for t in trials if t.state == TrialState.FAILED]
    assert len(failed) == 2 and all(t.system_attrs["fail_reason"] == "interrupted (SIGTERM)" for t in failed)
    waiting = [t for t in trials if t.state == TrialState.WAITING]
    assert sorted(t.system_attrs["retried_from"] for t in waiting) == sorted(t.number for t in failed)
    assert TrialState.RUNNING not in [t.state for t in trials]


def test_tunewise_worker_takes_heartbeat_options_and_sigterm(tmp_path):
    (tmp_path / "slow.py").write_text(textwrap.dedent("""
        import time
        def objective(t):
            t.suggest_float("x", 0, 1)
            print("in trial", flush=True)
            time.sleep(60)
            return 0.0
    """))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    proc = subprocess.Popen([sys.executable, "-m", "tunewise", "worker", "--study", "s", "--storage", url,
                             "--objective", "slow:objective", "--direction", "minimize", "--heartbeat-interval",
                             "0.5", "--grace-period", "5", "--max-retries", "2"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGTERM, err  # ends as SIGTERM does, after the cleanup
    assert "Traceback" not in err
    study = tw.load_study("s", url)
    policy = study.storage.get_study_attrs(study._study_id)["heartbeat"]
    assert policy == {"interval": 0.5, "grace": 5.0, "max_retries": 2}
    assert [t.state for t in study.trials] == [TrialState.FAILED, TrialState.WAITING]


KILLED_WORKER = """
import sys, time
import tunewise as tw
url, name = sys.argv[1], sys.argv[2]
study = tw.load_study(name, url)
def objective(t):
    x = t.suggest_float("x", 0, 1)
    print("in trial", flush=True)
    time.sleep(120)
study.optimize(objective, n_trials=1)
"""


def test_at_the_end_of_the_budget_a_dead_workers_trial_is_reaped_and_rerun(tmp_path):
    """The last worker standing does not leave a killed worker's trial RUNNING (149 + 1 RUNNING)."""
    url = f"sqlite:///{tmp_path / 'end.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=0.1, grace_period=0.5, max_retries=1,
                            max_trials=5)
    proc = _spawn(KILLED_WORKER, url, "s")
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    _wait_for(lambda: study.storage.get_trial(study.trials[0].trial_id).params, what="the params to be saved")
    proc.kill()
    proc.wait(timeout=30)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=100)  # returns once nothing is left
    states = [t.state for t in study.trials]
    assert TrialState.RUNNING not in states and TrialState.WAITING not in states
    assert states.count(TrialState.COMPLETE) == 5 and states.count(TrialState.FAILED) == 1
    retry = next(t for t in study.trials if t.system_attrs.get("retried_from") == 0)
    assert retry.params == study.trials[0].params


@pytest.mark.parametrize("sampler", ["default", "grid"])
def test_a_proposal_made_once_the_budget_is_used_is_not_left_waiting(tmp_path, sampler):
    """The test above, made deterministic: the other worker dies during the last trial of the budget,
    so its trial is still fresh at the next ask. That ask proposed and claimed (GPSampler claims while
    another trial runs; a grid point), the start found the budget used, waited, failed the dead trial
    as stale and started its retry; the claimed proposal was then queued WAITING past the budget
    (7 trials, the last WAITING) and, for a grid, ran only when the budget was raised."""
    url = f"sqlite:///{tmp_path / 'end.db'}"
    grid = {"x": [i / 10 for i in range(10)]}

    def make():
        return tw.samplers.GridSampler(grid, seed=0) if sampler == "grid" else None

    study = tw.create_study(name="s", storage=url, heartbeat_interval=0.1, grace_period=1.0, max_retries=1,
                            max_trials=5, sampler=make())
    other = tw.load_study("s", url, sampler=make())  # another worker: its trial 0 beats until it dies
    victim = other.ask()
    victim.suggest_float("x", 0, 1)

    def objective(t):
        if t.number == 4:  # the last trial of the budget: the other worker dies, its trial RUNNING
            _heartbeat.on_finish(other, victim._trial_id)
        return t.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=100)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAILED] + [TrialState.COMPLETE] * 5
    assert study.trials[5].system_attrs["retried_from"] == 0
    if sampler == "grid":  # every point runs once the budget is raised, none twice
        again = tw.load_study("s", url, sampler=make(), max_trials=10)
        again.optimize(objective, n_trials=100)
        done = [t.params["x"] for t in again.trials if t.state == TrialState.COMPLETE]
        assert len(again.trials) == 11 and sorted(done) == grid["x"]


# ---- 7. parameters are saved soon after they are suggested, not at the first heartbeat -------
def test_parameters_reach_the_storage_long_before_the_first_heartbeat(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    study = tw.create_study(name="s", storage=url, heartbeat_interval=30, grace_period=120)
    reader = tw.load_study("s", url)
    seen = {}

    def objective(t):
        x = t.suggest_float("x", 0, 1)
        _wait_for(lambda: reader.trials[0].params, timeout=10, what="the suggested params in storage")
        seen.update(reader.trials[0].params)
        return x

    study.optimize(objective, n_trials=1)
    assert seen == study.trials[0].params


@pytest.mark.slow
def test_a_killed_short_trial_is_rerun_with_its_parameters(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    # A heartbeat every 0.5 s: the trial is killed 0.15 s in, before its first beat.
    study = tw.create_study(name="s", storage=url, heartbeat_interval=0.5, grace_period=1.5, max_retries=1)
    code = """
    import sys, time
    import tunewise as tw
    study = tw.load_study("s", sys.argv[1], sampler=tw.samplers.RandomSampler())
    def objective(t):
        t.suggest_float("x", 0, 1)
        t.suggest_categorical("c", ["a", "b", "c"])
        time.sleep(0.15)
        print("in trial", flush=True)
        time.sleep(60)
    study.optimize(objective, n_trials=1)
    """
    proc = _spawn(code, url)
    assert proc.stdout.readline().strip() == "in trial", proc.communicate()
    proc.kill()
    proc.wait(timeout=30)
    time.sleep(1.8)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_categorical("c", ["a", "b", "c"]))[0],
                   n_trials=1)
    first, retry = study.trials
    assert set(first.params) == {"x", "c"}
    assert retry.system_attrs["retried_from"] == 0 and retry.params == first.params


# ---- 8. a result computed during a long storage outage is not lost ---------------------------
def test_a_result_the_storage_cannot_take_is_spooled_and_written_when_it_opens_again(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'o.db'}"
    study = tw.create_study(name="s", storage=url)
    real_finish = study.storage.finish_trial

    def unreachable(*a, **k):
        raise StorageError("the storage could not be reached for 60 s (simulated outage)")

    monkeypatch.setattr(study.storage, "finish_trial", unreachable)
    with pytest.raises(StorageError, match="was not lost: it is kept in"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + 10, n_trials=3)
    monkeypatch.setattr(study.storage, "finish_trial", real_finish)
    spooled = os.listdir(tmp_path / "spool")
    assert len(spooled) == 1
    again = tw.load_study("s", url)  # opening it writes what was spooled
    [t] = again.trials
    assert t.state == TrialState.COMPLETE and t.value == t.params["x"] + 10
    assert os.listdir(tmp_path / "spool") == []


def test_a_result_neither_the_storage_nor_the_spool_can_take_is_in_the_error(tmp_path, monkeypatch):
    # A full disk holding the database and ~/.cache: the spool's OSError hid the result and the cause
    study = tw.create_study(name="s", storage=f"sqlite:///{tmp_path / 'o.db'}")
    (tmp_path / "full").write_text("")
    monkeypatch.setenv("TUNEWISE_SPOOL_DIR", str(tmp_path / "full" / "spool"))  # cannot be created
    monkeypatch.setenv("TUNEWISE_SPOOL_FALLBACK_DIR", str(tmp_path / "full" / "fallback"))  # nor its fallback

    def unreachable(*a, **k):
        raise StorageError("database or disk is full")

    monkeypatch.setattr(study.storage, "finish_trial", unreachable)
    with pytest.raises(StorageError) as info:
        study.optimize(lambda t: t.suggest_float("x", 0, 1) + 10, n_trials=1)
    message = str(info.value)
    assert "database or disk is full" in message and "could not be kept in" in message
    x = re.search(r"finished COMPLETE with values \[(\S+)\] and parameters \{'x': (\S+)\}", message)
    assert x is not None and float(x[1]) == float(x[2]) + 10


@pytest.mark.postgres
def test_a_postgresql_outage_longer_than_the_retry_window_loses_no_result(tmp_path):
    import sqlalchemy as sa

    from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON
    from tunewise.storage import SQLStorage
    from tunewise.testing.faults import FlakyProxy

    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    pg = sa.engine.make_url(POSTGRES_URL)
    proxy = FlakyProxy(pg.host or "127.0.0.1", pg.port or 5432)
    try:
        url = pg.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        name = unique("outage-spool")
        storage = SQLStorage(url, retry_seconds=1.0)
        study = tw.create_study(name=name, storage=storage)

        def objective(t):
            x = t.suggest_float("x", 0, 1)
            proxy.down()  # the database goes away for longer than the retry window
            return x

        with pytest.raises(StorageError, match="was not lost"):
            study.optimize(objective, n_trials=1)
        proxy.up()
        again = tw.load_study(name, SQLStorage(url))
        [t] = again.trials
        assert t.state == TrialState.COMPLETE and t.value == t.params["x"]
    finally:
        proxy.close()


# ---- 14. tell(number) keeps every suggested parameter -----------------------------------------
@pytest.mark.parametrize("backend", BACKENDS)
def test_tell_by_number_keeps_the_parameters(backend, tmp_path):
    study = tw.create_study(name=unique("tell"), storage=backend_url(backend, tmp_path))
    t = study.ask()
    x = t.suggest_float("x", 0, 1)
    k = t.suggest_int("k", 1, 4)
    study.tell(t.number, x * k)
    [done] = study.trials
    assert done.params == {"x": x, "k": k} and done.value == x * k
    assert study.best_params == {"x": x, "k": k}
