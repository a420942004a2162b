"""Every executor passes the executor conformance suite (tunewise.testing.executor), and
optimize() picks and checks its executor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.testing.executor import ExecutorTests


class TestSequentialExecutor(ExecutorTests):
    @pytest.fixture
    def executor(self):
        return tw.SequentialExecutor()


class TestSequentialExecutorInMemory(TestSequentialExecutor):
    @pytest.fixture
    def storage(self):
        return None


class TestProcessExecutor(ExecutorTests):
    separate_processes = True

    @pytest.fixture
    def executor(self):
        return tw.ProcessExecutor(n_jobs=2)


class TestProcessExecutorInMemory(TestProcessExecutor):
    @pytest.fixture
    def storage(self):
        return None


@pytest.mark.postgres
class TestProcessExecutorOnPostgreSQL(TestProcessExecutor):
    @pytest.fixture
    def storage(self):
        from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON

        if not POSTGRES_URL:
            pytest.skip(SKIP_PG_REASON)
        return POSTGRES_URL


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


class TestDaskExecutor(ExecutorTests):
    separate_processes = True

    @pytest.fixture
    def executor(self, dask_client):
        return tw.DaskExecutor(dask_client)


# ---- optimize() and its executor ------------------------------------------------------------------
def _x(trial):
    return trial.suggest_float("x", 0, 1)


def test_n_jobs_picks_the_sequential_or_the_process_executor(monkeypatch):
    used = []
    for cls in (tw.SequentialExecutor, tw.ProcessExecutor):
        original = cls.run

        def spy(self, job, _original=original):
            used.append(self)
            return _original(self, job)

        monkeypatch.setattr(cls, "run", spy)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_x, n_trials=2)
    study.optimize(_x, n_trials=2, n_jobs=2)
    assert [type(e) for e in used] == [tw.SequentialExecutor, tw.ProcessExecutor]
    assert used[1].n_jobs == 2
    assert len(study.trials) == 4


@pytest.mark.parametrize("wrong, message", [
    (object(), r"executor must be a tunewise Executor \(tw.SequentialExecutor\(\), tw.ProcessExecutor\(n_jobs\), "
               r"tw.DaskExecutor\(client\), tw.RayExecutor\(\), or an instance of your own subclass of "
               r"tw.Executor\), got <object"),
    (tw.ProcessExecutor, r"executor must be an instance, got the class ProcessExecutor: "
                         r"pass executor=ProcessExecutor\(\.\.\.\)"),
    ("processes", r"got 'processes'"),
])
def test_a_wrong_executor_is_a_clear_type_error(wrong, message):
    study = tw.create_study()
    with pytest.raises(TypeError, match=message):
        study.optimize(_x, n_trials=1, executor=wrong)
    assert study.trials == []


def test_a_pool_from_concurrent_futures_gets_a_hint():
    from concurrent.futures import ThreadPoolExecutor

    study = tw.create_study()
    with ThreadPoolExecutor(1) as pool, pytest.raises(TypeError, match=r"use n_jobs=k or executor=tw.ProcessExecutor"):
        study.optimize(_x, n_trials=1, executor=pool)


def test_n_jobs_and_an_executor_together_are_refused():
    study = tw.create_study()
    with pytest.raises(ValueError, match="pass n_jobs or executor, not both"):
        study.optimize(_x, n_trials=1, n_jobs=2, executor=tw.SequentialExecutor())


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, True, "2"])
def test_process_executor_checks_n_jobs(n_jobs):
    with pytest.raises(ValueError, match=r"n_jobs must be a positive integer or -1 \(one worker per CPU\)"):
        tw.ProcessExecutor(n_jobs)


def test_process_executor_defaults_to_one_worker_per_cpu():
    import os

    assert tw.ProcessExecutor().n_jobs == (os.cpu_count() or 1)
    assert repr(tw.ProcessExecutor(3)) == "ProcessExecutor(n_jobs=3)"


def test_executors_reach_the_study_only_through_the_job():
    """Executors decide where trials run: they use OptimizeJob/RemoteJob, never Study's privates."""
    root = Path(tw.__file__).parent / "execution"
    for path in sorted(root.glob("*.py")):
        if path.name == "_job.py":
            continue  # _job.py holds the loop's executor hooks
        text = path.read_text()
        poking = re.findall(r"\bstudy\._\w+|\._storage\b|\._study_id\b|\._run_trial\b", text)
        assert not poking, f"{path.name} reaches into the study: {sorted(set(poking))}"


def test_ctrl_c_while_the_parent_waits_for_the_zygote_leaves_the_next_run_intact(monkeypatch, caplog):
    """A Ctrl-C between a request to the worker zygote and its reply used to leave the reply
    unread, to answer the next request: the next n_jobs run read pids as exit codes."""
    import os
    import signal

    from tunewise.execution import _zygote

    zygote = _zygote._get_zygote()
    if zygote is None:
        pytest.skip("workers are not forked from a zygote here")
    real_recv = zygote.conn.recv
    pressed = []

    def recv():
        if not pressed:
            pressed.append(True)
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the reply is on its way
        return real_recv()

    monkeypatch.setattr(zygote.conn, "recv", recv)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    try:
        with pytest.raises(KeyboardInterrupt):
            study.optimize(_x, n_trials=50, n_jobs=2)
    finally:
        signal.signal(signal.SIGINT, old)
    monkeypatch.undo()
    assert pressed
    before = len(study.trials)
    caplog.clear()
    study.optimize(_x, n_trials=6, n_jobs=2)
    assert not [r.getMessage() for r in caplog.records if "died" in r.getMessage()]
    trials = study.trials
    assert len(trials) == before + 6
    assert all(t.state == tw.TrialState.COMPLETE for t in trials[before:])
