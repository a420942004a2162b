"""MLflowCallback: the study's parent run ends with the right status and an end time on success,
failure and Ctrl-C, against MLflow's real file and SQLite tracking stores (and a process killed
with SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

mlflow = pytest.importorskip("mlflow")

import tunewise as tw  # noqa: E402
from tunewise.integrations.mlflow import MLflowCallback  # noqa: E402


@pytest.fixture(scope="module", params=["file", "sqlite"])
def uri(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(f"mlflow-{request.param}")
    if request.param == "sqlite":
        # One store for the module: creating MLflow's SQLite schema is the slow part.
        yield f"sqlite:///{d / 'mlflow.db'}"
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps its file store behind this switch
        yield (d / "mlruns").as_uri()


def _parent(uri: str, cb: MLflowCallback, study) -> object:
    """The study's parent run as stored (looked up by tag: asking the callback would reopen it)."""
    client = mlflow.MlflowClient(uri)
    exp = client.get_experiment_by_name(cb.experiment_name)
    (run,) = client.search_runs([exp.experiment_id], filter_string=(
        f"tags.`tunewise.study_name` = '{study.study_name}' and tags.`tunewise.role` = 'study'"))
    return run.info


def _study(name: str):
    return tw.create_study(name=name, sampler=tw.samplers.RandomSampler(seed=0))


@pytest.mark.slow
def test_parent_run_finished_failed_killed_and_reopened(uri):
    cb = MLflowCallback(tracking_uri=uri, experiment_name="status")
    t0 = int(time.time() * 1000)

    ok = _study("ok")
    ok.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, callbacks=[cb])
    info = _parent(uri, cb, ok)
    assert info.status == "FINISHED" and info.end_time is not None and info.end_time >= t0

    def fails(t):
        if t.number == 1:
            raise ValueError("diverged")
        return t.suggest_float("x", 0, 1)

    bad = _study("bad")
    with pytest.raises(ValueError, match="diverged"):
        bad.optimize(fails, n_trials=3, callbacks=[cb])
    info = _parent(uri, cb, bad)
    assert info.status == "FAILED" and info.end_time is not None
    run = mlflow.MlflowClient(uri).get_run(info.run_id)
    assert run.data.tags["tunewise.end_reason"] == "ValueError: diverged"

    def interrupted(t):
        if t.number == 1:
            raise KeyboardInterrupt
        return t.suggest_float("x", 0, 1)

    stopped = _study("stopped")
    with pytest.raises(KeyboardInterrupt):
        stopped.optimize(interrupted, n_trials=3, callbacks=[cb])
    assert _parent(uri, cb, stopped).status == "KILLED"

    # Optimizing again reopens the same parent run (RUNNING while trials log) and ends it again.
    seen = []
    stopped.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1,
                     callbacks=[cb, lambda s, t: seen.append(_parent(uri, cb, s).status)])
    assert seen == ["RUNNING"]
    info = _parent(uri, cb, stopped)  # (one parent run per study: _parent unpacks exactly one)
    assert info.status == "FINISHED"
    assert "tunewise.end_reason" not in mlflow.MlflowClient(uri).get_run(info.run_id).data.tags


def test_end_for_ask_and_tell_loops(uri):
    cb = MLflowCallback(tracking_uri=uri, experiment_name="ask-tell")
    study = _study("manual")
    trial = study.ask()
    cb(study, study.tell(trial, trial.suggest_float("x", 0, 1)))
    assert _parent(uri, cb, study).status == "RUNNING"
    cb.end(study, "KILLED")
    assert _parent(uri, cb, study).status == "KILLED"
    with pytest.raises(ValueError, match="status must be"):
        cb.end(study, "DONE")


SCRIPT = textwrap.dedent('''
    import signal, sys, time
    # A terminal's program gets Ctrl-C as KeyboardInterrupt; a test run started in the background
    # (`pytest &`) would hand this process SIGINT ignored, and the interrupt below would do nothing.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import tunewise as tw
    from tunewise.integrations.mlflow import MLflowCallback

    uri, marker, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    cb = MLflowCallback(tracking_uri=uri, experiment_name="proc")
    study = tw.create_study(name="proc-" + mode, sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number >= 1:
            open(marker, "w").close()  # the first trial is logged: the parent run exists
            time.sleep(60)  # "training" until Ctrl-C
        return x

    if mode == "optimize":
        study.optimize(objective, n_trials=5, callbacks=[cb])
    else:  # an ask-and-tell loop: nobody tells the callback the search ended; exit does
        for _ in range(5):
            trial = study.ask()
            cb(study, study.tell(trial, objective(trial)))
''')


@pytest.mark.slow
@pytest.mark.parametrize("store,mode", [("sqlite", "optimize"), ("file", "ask-tell")])
def test_a_process_stopped_with_sigint_leaves_its_parent_run_killed(tmp_path, monkeypatch, store, mode):
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}" if store == "sqlite" else (tmp_path / "mlruns").as_uri()
    script = tmp_path / "search.py"
    script.write_text(SCRIPT)
    marker = tmp_path / "started"
    proc = subprocess.Popen([sys.executable, str(script), uri, str(marker), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "the search never started its second trial"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    client = mlflow.MlflowClient(uri)
    exp = client.get_experiment_by_name("proc")
    (parent,) = client.search_runs([exp.experiment_id], filter_string=(
        f"tags.`tunewise.study_name` = 'proc-{mode}' and tags.`tunewise.role` = 'study'"))
    assert parent.info.status == "KILLED" and parent.info.end_time is not None
    assert parent.data.tags["tunewise.end_reason"] in ("KeyboardInterrupt", "the process exited on KeyboardInterrupt")


def test_searchcv_ends_the_parent_run_when_fit_returns(uri):
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from tunewise.integrations.sklearn import SearchCV

    X, y = load_iris(return_X_y=True)
    cb = MLflowCallback(tracking_uri=uri, experiment_name="searchcv")
    search = SearchCV(LogisticRegression(max_iter=300), param_grid={"C": [0.1, 1.0]}, cv=2, callbacks=[cb]).fit(X, y)
    info = _parent(uri, cb, search.study_)
    assert info.status == "FINISHED" and info.end_time is not None
