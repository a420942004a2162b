"""What Optuna's tutorial uses beyond the basic loop, under ``import tunewise as optuna``:
``optuna.storages`` (JournalStorage in a file, RDBStorage with heartbeat options, retry callbacks),
``optuna.trial.create_trial`` with ``study.add_trial``, a FrozenTrial given to an objective
(``objective(study.best_trial)``), a user-defined pruner, and ``optuna.trial._state``."""

from __future__ import annotations

import logging
import math
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError
from tunewise.storages import (
    GrpcStorageProxy,
    JournalFileOpenLock,
    JournalFileStorage,
    JournalStorage,
    RDBStorage,
    RetryFailedTrialCallback,
    fail_stale_trials,
    run_grpc_proxy_server,
)
from tunewise.storages.journal import JournalFileBackend, JournalRedisBackend

REPO = Path(__file__).resolve().parents[2]


def _run_python(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# ---- JournalStorage: one file, several processes -------------------------------------------------
_WORKER = """
    import glob, os, sys, time
    import tunewise as optuna
    from tunewise.storages import JournalStorage
    from tunewise.storages.journal import JournalFileBackend

    def objective(trial):
        trial.set_user_attr("pid", os.getpid())
        x = trial.suggest_float("x", -10, 10)
        time.sleep(0.05)
        return (x - 2) ** 2

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Start together: both create (or load) the study and write trials at the same time.
    open(f"{sys.argv[1]}.ready-{os.getpid()}", "w").close()
    deadline = time.time() + 60
    while len(glob.glob(f"{sys.argv[1]}.ready-*")) < int(sys.argv[3]) and time.time() < deadline:
        time.sleep(0.01)
    study = optuna.create_study(study_name="shared", load_if_exists=True,
                                storage=JournalStorage(JournalFileBackend(sys.argv[1])),
                                sampler=optuna.samplers.RandomSampler(seed=os.getpid()))
    study.optimize(objective, n_trials=int(sys.argv[2]))
    print(os.getpid())
"""


def test_journal_file_written_by_two_processes_and_resumed_by_a_third(tmp_path: Path) -> None:
    path = tmp_path / "journal.log"
    workers = [_run_python(_WORKER, str(path), "6", "2") for _ in range(2)]
    pids = set()
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        pids.add(int(out.split()[-1]))
    assert path.read_bytes().startswith(b"SQLite format 3\x00")  # a tunewise database, not a text journal

    third = _run_python(_WORKER, str(path), "3", "0")
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    pids.add(int(out.split()[-1]))

    study = tw.load_study(study_name="shared", storage=JournalStorage(JournalFileBackend(str(path))))
    trials = study.trials
    assert [t.number for t in trials] == list(range(15))  # no number given twice, none lost
    assert all(t.state == tw.TrialState.COMPLETE and t.value == (t.params["x"] - 2) ** 2 for t in trials)
    assert {t.user_attrs["pid"] for t in trials} == pids and len(pids) == 3
    first, second = ([t for t in trials[:12] if t.user_attrs["pid"] == pid] for pid in {t.user_attrs["pid"]
                                                                                       for t in trials[:12]})
    assert len(first) == len(second) == 6
    assert first[0].datetime_start < second[-1].datetime_complete and \
        second[0].datetime_start < first[-1].datetime_complete  # the two processes wrote at the same time
    # The same file is a plain SQLite URL for every other tunewise tool.
    assert len(tw.load_study(study_name="shared", storage=f"sqlite:///{path}").trials) == 15


def test_journal_backend_arguments_are_checked(tmp_path: Path) -> None:
    lock = JournalFileOpenLock(str(tmp_path / "j.log"))
    backend = JournalFileStorage(tmp_path / "j.log", lock_obj=lock)  # Optuna's older name, a PathLike
    assert isinstance(backend, JournalFileBackend) and backend.file_path == str(tmp_path / "j.log")
    assert repr(JournalStorage(backend)) == f"JournalStorage(JournalFileBackend({str(tmp_path / 'j.log')!r}))"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        JournalFileBackend(str(tmp_path / "missing" / "j.log"))
    with pytest.raises(ValueError, match="is a directory"):
        JournalFileBackend(str(tmp_path))
    with pytest.raises(TypeError, match="lock_obj"):
        JournalFileBackend(str(tmp_path / "j.log"), lock_obj="lock")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="JournalFileBackend"):
        JournalStorage(str(tmp_path / "j.log"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="grace_period"):
        JournalFileOpenLock(str(tmp_path / "j.log"), grace_period=0)
    (tmp_path / "notes.txt").write_text("not a database\n")
    with pytest.raises(StorageError, match="neither a tunewise journal"):
        JournalStorage(JournalFileBackend(str(tmp_path / "notes.txt")))
    assert (tmp_path / "notes.txt").read_text() == "not a database\n"  # left as it was


def test_journal_file_in_a_folder_whose_name_a_url_would_cut(tmp_path: Path) -> None:
    """A journal path with ``#``, ``?`` or ``%`` in it (Optuna takes any file name): the file is made
    where asked, worker processes open the same one, and a new storage object reads it back."""
    folder = tmp_path / "run #3?a=1 50%"
    folder.mkdir()
    path = folder / "journal.log"
    study = tw.create_study(study_name="odd", storage=JournalStorage(JournalFileBackend(str(path))),
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, n_jobs=2)
    assert sorted(p.name for p in folder.iterdir())[0] == "journal.log"
    assert list(tmp_path.iterdir()) == [folder]  # nothing written beside it under a cut-off name
    again = tw.load_study(study_name="odd", storage=JournalStorage(JournalFileBackend(str(path))))
    assert len(again.trials) == 4 and all(t.state == tw.TrialState.COMPLETE for t in again.trials)


def test_an_optuna_journal_is_refused_with_the_command_that_imports_it(tmp_path: Path) -> None:
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    path = str(tmp_path / "optuna.log")
    real = optuna.create_study(study_name="old", storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(path)))
    real.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    before = Path(path).read_bytes()
    with pytest.raises(StorageError, match="tunewise import optuna"):
        JournalStorage(JournalFileBackend(path))
    assert Path(path).read_bytes() == before
    target = f"sqlite:///{tmp_path / 'tw.db'}"
    tw.import_optuna(path, target)
    assert [t.params for t in tw.load_study(study_name="old", storage=target).trials] == \
        [t.params for t in real.trials]
    with pytest.raises(TypeError, match="Optuna's own storage object"):
        tw.create_study(storage=real._storage)


def test_storage_objects_work_with_every_study_function(tmp_path: Path) -> None:
    journal = JournalStorage(JournalFileBackend(str(tmp_path / "j.log")))
    rdb = RDBStorage(f"sqlite:///{tmp_path / 'rdb.db'}", engine_kwargs={"pool_pre_ping": True})
    storages = {"journal": journal, "rdb": rdb, "memory": tw.storages.InMemoryStorage()}
    for name, storage in storages.items():
        study = tw.create_study(study_name="s", storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        assert len(tw.load_study(study_name="s", storage=storage).trials) == 2
        assert [(s.study_name, s.n_trials) for s in tw.get_all_study_summaries(storage)] == [("s", 2)]
        tw.copy_study(from_study_name="s", from_storage=storage, to_storage=journal, to_study_name=f"copy-{name}")
        tw.delete_study(study_name="s", storage=storage)
        assert "s" not in tw.get_all_study_names(storage)
    assert sorted(tw.get_all_study_names(journal)) == ["copy-journal", "copy-memory", "copy-rdb"]
    assert all(len(tw.load_study(study_name=f"copy-{name}", storage=journal).trials) == 2 for name in storages)


# ---- RDBStorage's heartbeat options and the retry callbacks -------------------------------------
def _policy(study: tw.Study) -> object:
    return study.storage.get_study_attrs(study._study_id).get("heartbeat")


def test_rdb_heartbeat_options_become_the_studys_policy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'rdb.db'}"
    storage = RDBStorage(url, heartbeat_interval=60, grace_period=120,
                         failed_trial_callback=RetryFailedTrialCallback(max_retry=3))
    study = tw.create_study(study_name="hb", storage=storage)
    assert _policy(study) == {"interval": 60.0, "grace": 120.0, "max_retries": 3}
    # Optuna's defaults: the grace period is twice the interval; no callback, no retry.
    tw.load_study(study_name="hb", storage=RDBStorage(url, heartbeat_interval=10))
    assert _policy(tw.load_study(study_name="hb", storage=url)) == {"interval": 10.0, "grace": 20.0,
                                                                     "max_retries": 0}
    # Without heartbeat options, tunewise's own policy (stored or default) stays.
    assert RDBStorage(url).heartbeat_policy is None
    tw.load_study(study_name="hb", storage=RDBStorage(url))
    assert _policy(tw.load_study(study_name="hb", storage=url))["interval"] == 10.0  # type: ignore[index]
    # create_study's own options win over the storage's.
    other = tw.create_study(study_name="own", storage=storage, heartbeat_interval=5, max_retries=2)
    assert _policy(other) == {"interval": 5.0, "grace": 15.0, "max_retries": 2}


@pytest.mark.parametrize("kwargs, error, match", [
    ({"heartbeat_interval": 0}, ValueError, "heartbeat_interval must be a positive number"),
    ({"grace_period": -1}, ValueError, "grace_period must be a positive number"),
    ({"heartbeat_interval": 10, "grace_period": 5}, ValueError, "must be longer than heartbeat_interval"),
    ({"failed_trial_callback": print, "heartbeat_stale_trial_callback": print}, ValueError, "not both"),
    ({"failed_trial_callback": 3}, TypeError, "must be a function"),
    ({"engine_kwargs": [1]}, TypeError, "engine_kwargs"),
    ({"skip_table_creation": "yes"}, TypeError, "skip_table_creation"),
])
def test_rdb_arguments_are_checked(tmp_path: Path, kwargs: dict[str, object], error: type[Exception],
                                   match: str) -> None:
    with pytest.raises(error, match=match):
        RDBStorage(f"sqlite:///{tmp_path / 'rdb.db'}", **kwargs)  # type: ignore[arg-type]


def test_retry_callback_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="inherit_intermediate_values=True is not supported"):
        RetryFailedTrialCallback(inherit_intermediate_values=True)
    with pytest.raises(ValueError, match="max_retry"):
        RetryFailedTrialCallback(max_retry=-1)


def _stale_trial(study: tw.Study, x: float) -> int:
    """A RUNNING trial whose worker is gone: written by the storage alone, so nothing beats for it."""
    started = study.storage.start_trial(study._study_id, claim_waiting=False)
    study.storage.update_trial(started.trial_id, params={"x": x})
    return started.number


def test_stale_trials_are_failed_and_retried_with_their_history(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path / 'rdb.db'}", heartbeat_interval=0.1, grace_period=0.3,
                         failed_trial_callback=RetryFailedTrialCallback(max_retry=2))
    study = tw.create_study(study_name="stale", storage=storage)
    first = _stale_trial(study, 0.25)
    time.sleep(0.4)
    assert [t.number for t in fail_stale_trials(study)] == [first]
    [retry] = study.get_trials(states=(tw.TrialState.WAITING,))
    assert retry.system_attrs["fixed_params"] == {"x": 0.25}
    assert RetryFailedTrialCallback.retried_trial_number(retry) == first
    assert RetryFailedTrialCallback.retry_history(retry) == [first]
    # The retry runs (with the same x), and dies too: its retry remembers both failures.
    claimed = study.storage.start_trial(study._study_id)
    assert claimed.number == retry.number
    time.sleep(0.4)
    assert [t.number for t in fail_stale_trials(study)] == [retry.number]
    [again] = study.get_trials(states=(tw.TrialState.WAITING,))
    assert RetryFailedTrialCallback.retry_history(again) == [first, retry.number]
    assert RetryFailedTrialCallback.retried_trial_number(again) == first
    assert fail_stale_trials(tw.create_study()) == []  # in memory: no heartbeats, nothing to fail


def test_a_stale_trial_callback_is_called_and_nothing_is_retried(tmp_path: Path) -> None:
    seen: list[tuple[str, int, str]] = []
    storage = RDBStorage(f"sqlite:///{tmp_path / 'rdb.db'}", heartbeat_interval=0.1, grace_period=0.3,
                         heartbeat_stale_trial_callback=lambda study, t: seen.append(
                             (study.study_name, t.number, t.state.value)))
    study = tw.create_study(study_name="cb", storage=storage)
    number = _stale_trial(study, 0.5)
    time.sleep(0.4)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)  # fails it before its own trial
    assert seen == [("cb", number, "FAILED")]
    assert [t.state.value for t in study.trials] == ["FAILED", "COMPLETE"]


def test_retry_callback_called_directly_enqueues_the_retry() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    failed = study.tell(study.ask(), state=tw.TrialState.FAIL)
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    failed_with_x = study.tell(trial, state=tw.TrialState.FAIL)
    callback = RetryFailedTrialCallback(max_retry=1)
    callback(study, failed_with_x)
    [retry] = study.get_trials(states=(tw.TrialState.WAITING,))
    assert retry.system_attrs["fixed_params"] == failed_with_x.params
    assert retry.system_attrs["retry_history"] == [failed_with_x.number]
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    rerun = study.trials[retry.number]
    assert rerun.state == tw.TrialState.COMPLETE and rerun.params == failed_with_x.params
    callback(study, rerun)  # a retry of a retry: over max_retry=1, nothing is enqueued
    assert len(study.trials) == 3 and failed.number == 0


def test_optuna_storages_without_a_counterpart_say_what_to_use() -> None:
    for make in (lambda: GrpcStorageProxy(host="localhost", port=13000),
                 lambda: run_grpc_proxy_server(None, host="localhost", port=13000),
                 lambda: JournalRedisBackend("redis://localhost")):
        with pytest.raises(NotImplementedError, match="has no tunewise counterpart") as info:
            make()
        assert "PostgreSQL" in str(info.value)


# ---- create_trial, add_trial, enqueue_trial ------------------------------------------------------
def test_create_trial_and_add_trials_round_trip_through_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'trials.db'}"
    dists = {"lr": tw.distributions.FloatDistribution(1e-4, 1, log=True),
             "layers": tw.distributions.IntDistribution(1, 4),
             "act": tw.distributions.CategoricalDistribution(["relu", "tanh", None])}
    made = [
        tw.trial.create_trial(params={"lr": 0.01, "layers": 2, "act": "relu"}, distributions=dists, value=0.25,
                              intermediate_values={0: 0.5, 1: 0.25}, user_attrs={"source": "paper"},
                              system_attrs={"note": [1, 2]}, constraints={"memory": -1.0, "latency": 0.5}),
        tw.trial.create_trial(state=tw.TrialState.PRUNED, params={"lr": 0.1, "layers": 1, "act": None},
                              distributions=dists, value=0.75, intermediate_values={0: 0.75}),
        tw.trial.create_trial(state=tw.TrialState.FAIL, params={"lr": 0.5, "layers": 4, "act": "tanh"},
                              distributions=dists, user_attrs={"error": "diverged"}),
        tw.trial.create_trial(state=tw.TrialState.WAITING, params={"lr": 0.001, "layers": 3, "act": "tanh"},
                              distributions=dists, system_attrs={"why": "a hunch"}),
    ]
    assert made[0].datetime_start is not None and made[0].datetime_complete == made[0].datetime_start
    assert made[3].datetime_start is None and made[3].number == -1
    tw.create_study(study_name="added", storage=RDBStorage(url)).add_trials(made)

    study = tw.load_study(study_name="added", storage=url)  # a new storage object: read back from the file
    trials = study.trials
    assert [(t.number, t.state.value, t.values) for t in trials] == \
        [(0, "COMPLETE", [0.25]), (1, "PRUNED", [0.75]), (2, "FAILED", None), (3, "WAITING", None)]
    assert trials[0].params == {"lr": 0.01, "layers": 2, "act": "relu"} and trials[0].distributions == dists
    assert trials[0].intermediate_values == {0: 0.5, 1: 0.25} and trials[0].user_attrs == {"source": "paper"}
    assert trials[0].system_attrs["note"] == [1, 2] and trials[0].constraints == [-1.0, 0.5]
    assert trials[2].user_attrs == {"error": "diverged"}
    assert trials[3].system_attrs["why"] == "a hunch"
    assert study.best_trials == []  # the only COMPLETE trial violates a constraint

    def objective(trial: tw.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-4, 1, log=True)
        layers = trial.suggest_int("layers", 1, 4)
        trial.suggest_categorical("act", ["relu", "tanh", None])
        return lr * layers

    study.optimize(objective, n_trials=1)  # runs the WAITING trial with its values
    assert study.trials[3].state == tw.TrialState.COMPLETE and study.trials[3].value == pytest.approx(0.003)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"value": 1.0, "values": [1.0]}, ValueError, "not both"),
    ({}, ValueError, "COMPLETE trial needs value"),
    ({"value": math.nan}, ValueError, "must not be NaN"),
    ({"state": tw.TrialState.FAIL, "value": 1.0}, ValueError, "FAILED trial has no value"),
    ({"state": "DONE", "value": 1.0}, ValueError, "state must be one of"),
    ({"value": 1.0, "params": {"x": 1.0}}, ValueError, "give distributions= for the parameters"),
    ({"value": 1.0, "distributions": {"x": tw.uniform(0, 1)}}, ValueError, "which params= does not have"),
    ({"value": 1.0, "params": {"x": 2.0}, "distributions": {"x": tw.uniform(0, 1)}}, ValueError, "outside"),
    ({"value": 1.0, "params": {"x": 1}, "distributions": {"x": (0, 1)}}, TypeError, "FloatDistribution"),
    ({"value": 1.0, "intermediate_values": {-1: 0.5}}, ValueError, "non-negative integers"),
    ({"value": 1.0, "user_attrs": {"f": object()}}, TypeError, "JSON-serializable"),
    ({"value": 1.0, "constraints": [math.nan]}, ValueError, "NaN"),
    ({"values": "12"}, TypeError, "sequence of numbers"),
])
def test_create_trial_checks_its_arguments(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        tw.trial.create_trial(**kwargs)  # type: ignore[arg-type]


def test_enqueue_trial_skip_if_exists() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)  # already queued
    study.enqueue_trial({"x": 0.25}, skip_if_exists=True)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    study.enqueue_trial({"x": 0.5}, skip_if_exists=True)  # already run
    assert [t.params["x"] for t in study.trials] == [0.5, 0.25]
    study.enqueue_trial({"x": 0.5})
    assert len(study.trials) == 3


def test_copy_study_keeps_the_values_of_queued_trials(tmp_path: Path) -> None:
    study = tw.create_study(study_name="q")
    study.enqueue_trial({"x": 0.75}, user_attrs={"why": "a hunch"})
    target = RDBStorage(f"sqlite:///{tmp_path / 'copy.db'}")
    tw.copy_study(from_study_name="q", from_storage=study.storage, to_storage=target)
    copy = tw.load_study(study_name="q", storage=target)
    [queued] = copy.trials
    assert (queued.state, queued.system_attrs["fixed_params"], queued.user_attrs) == \
        (tw.TrialState.WAITING, {"x": 0.75}, {"why": "a hunch"})
    copy.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert copy.trials[0].params == {"x": 0.75}


# ---- an objective run again on a FrozenTrial ------------------------------------------------------
def _objective(trial: tw.Trial | tw.FrozenTrial) -> float:
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 8, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.report(x, 0)
    if trial.should_prune():
        raise tw.TrialPruned()
    trial.set_user_attr("kind_again", kind)
    return (x - 1) ** 2 + n + (kind == "b")


def test_objective_runs_again_on_the_best_trial() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1), pruner=tw.pruners.NopPruner())
    study.optimize(_objective, n_trials=10)
    best = study.best_trial
    assert _objective(best) == study.best_value  # the same values come back, nothing prunes
    assert best.user_attrs["kind_again"] == best.params["kind"]
    best.set_user_attr("rerun", True)
    best.set_system_attr("checked", 1)
    assert best.user_attrs["rerun"] is True and best.system_attrs["checked"] == 1
    # best_trial is a copy: the study's trials (and the storage) keep their attributes.
    assert "rerun" not in study.best_trial.user_attrs and "rerun" not in study.trials[best.number].user_attrs
    with pytest.raises(TypeError, match="JSON-serializable"):
        best.set_user_attr("model", object())


def test_frozen_trial_suggest_refuses_what_the_trial_never_ran_with() -> None:
    t = tw.trial.create_trial(params={"x": 0.5, "n": 3, "kind": "b"},
                              distributions={"x": tw.uniform(0, 1), "n": tw.randint(1, 8),
                                             "kind": tw.choice(["a", "b"])}, value=1.0)
    assert (t.suggest_float("x", 0, 1), t.suggest_int("n", 1, 8), t.suggest_categorical("kind", ["a", "b"])) == \
        (0.5, 3, "b")
    with pytest.raises(ValueError, match=r"suggest_float\('y', ...\): trial -1 has no parameter 'y'"):
        t.suggest_float("y", 0, 1)
    with pytest.raises(ValueError, match=r"has x=0.5, outside Float\(low=0.6"):
        t.suggest_float("x", 0.6, 1)
    with pytest.raises(ValueError, match="outside"):
        t.suggest_int("n", 4, 8)
    with pytest.raises(ValueError, match="sampled 'n' from Int"):
        t.suggest_float("n", 1, 8)
    with pytest.raises(ValueError, match="outside Categorical"):
        t.suggest_categorical("kind", ["a", "c"])
    assert t.should_prune() is False and t.report(0.1, 0) is None and t.intermediate_values == {}
    # Optuna's older suggest names.
    old = tw.trial.create_trial(params={"lr": 0.01, "q": 0.5}, value=1.0,
                                distributions={"lr": tw.loguniform(1e-4, 1), "q": tw.quniform(0, 1, 0.25)})
    assert (old.suggest_loguniform("lr", 1e-4, 1), old.suggest_discrete_uniform("q", 0, 1, 0.25),
            old.suggest_uniform("q", 0, 1)) == (0.01, 0.5, 0.5)


# ---- a user-defined pruner, and Optuna's private module path ------------------------------------
def test_trial_state_from_optunas_private_module_path() -> None:
    from tunewise.trial._frozen import FrozenTrial, create_trial
    from tunewise.trial._state import TrialState

    assert TrialState is tw.TrialState and FrozenTrial is tw.FrozenTrial and create_trial is tw.create_trial
    assert not hasattr(tw.trial, "__path__")  # tunewise.trial stays one module
    # In a fresh interpreter, as the first tunewise import of a script.
    proc = _run_python("from tunewise.trial._state import TrialState; import tunewise; "
                       "print(TrialState.FAIL is tunewise.TrialState.FAILED)")
    out, err = proc.communicate(timeout=60)
    assert out.strip() == "True", err


def test_study_module_path_of_optuna() -> None:
    """``from optuna.study.study import ...`` (Optuna's module; ``tunewise.study`` is one module)."""
    from tunewise.study.study import ObjectiveFuncType, Study, create_study, get_all_study_summaries, load_study

    assert Study is tw.Study and create_study is tw.create_study and load_study is tw.load_study
    assert get_all_study_summaries is tw.get_all_study_summaries and ObjectiveFuncType is tw.study.ObjectiveFunc
    assert not hasattr(tw.study, "__path__")
    proc = _run_python("from tunewise.study.study import Study; import tunewise.study.study as m; import tunewise; "
                       "print(Study is tunewise.Study is m.Study)")
    out, err = proc.communicate(timeout=60)
    assert out.strip() == "True", err


def test_study_creation_is_logged_as_optuna_logs_it(tmp_path: Path) -> None:
    """Optuna's logging docstring: with propagation on, the root logger's file starts with the new study."""
    log = tmp_path / "foo.log"
    root = logging.getLogger()
    handler = logging.FileHandler(log, mode="w")
    level, tw_level = root.level, tw.logging.get_verbosity()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    tw.logging.set_verbosity(tw.logging.INFO)
    tw.logging.disable_default_handler()
    tw.logging.enable_propagation()
    try:
        tw.create_study(study_name="logged")
        tw.create_study(study_name="logged", storage=f"sqlite:///{tmp_path / 'a.db'}")
        tw.create_study(study_name="logged", storage=f"sqlite:///{tmp_path / 'a.db'}", load_if_exists=True)
    finally:
        tw.logging.disable_propagation()
        tw.logging.enable_default_handler()
        tw.logging.set_verbosity(tw_level)
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
    assert log.read_text().splitlines() == [
        "A new study created in memory with name: logged",
        "A new study created in RDB with name: logged",
        "Using an existing study with name 'logged' instead of creating a new one.",
    ]


class _LastPlace(tw.pruners.BasePruner):
    """Prune a trial whose latest report is below every COMPLETE trial's at that step (maximize)."""

    def __init__(self, warmup_trials: int) -> None:
        self.warmup_trials = warmup_trials
        self.studies_seen: set[str] = set()

    def prune(self, study, trial) -> bool:  # type: ignore[no-untyped-def]
        from tunewise.trial._state import TrialState

        self.studies_seen.add(f"{study.study_name}:{study.direction}")
        step = trial.last_step
        others = [t.intermediate_values[step] for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                  if step in t.intermediate_values]
        return len(others) > self.warmup_trials and trial.intermediate_values[step] < min(others)


def test_user_defined_pruner_with_optunas_prune_interface() -> None:
    pruner = _LastPlace(warmup_trials=2)
    study = tw.create_study(study_name="lp", direction="maximize", pruner=pruner,
                            sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(3):
            trial.report(x * (step + 1), step)
            if trial.should_prune():
                raise tw.TrialPruned()
        return x * 3

    study.optimize(objective, n_trials=30)
    pruned = study.get_trials(states=(tw.TrialState.PRUNED,))
    assert pruner.studies_seen == {"lp:maximize"} and len(pruned) >= 3
    complete = study.get_trials(states=(tw.TrialState.COMPLETE,))
    for t in pruned:  # each was below every trial COMPLETE before it at its last step
        step = t.last_step
        earlier = [c.intermediate_values[step] for c in complete if c.number < t.number]
        assert len(earlier) > 2 and t.intermediate_values[step] < min(earlier)
    # Every tunewise scheduler is a BasePruner, as Optuna's pruners are.
    assert isinstance(tw.pruners.MedianPruner(), tw.pruners.BasePruner)
    assert issubclass(tw.schedulers.ASHAScheduler, tw.pruners.BasePruner)
    assert not isinstance(object(), tw.pruners.BasePruner)

    class Nothing(tw.pruners.BasePruner):
        pass

    with pytest.raises(TypeError, match=r"must implement prune\(study, trial\)"):
        Nothing()


def test_handlers_on_optunas_logger_name_get_tunewise_messages() -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logger = tw.logging.get_logger("optuna")
    level = logger.level
    logger.setLevel(logging.INFO)  # the user's default (other test modules quieten it on import)
    logger.addHandler(handler)
    try:
        tw.create_study(sampler=tw.samplers.RandomSampler(seed=0)).optimize(lambda t: t.suggest_float("x", 0, 1),
                                                                            n_trials=1)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert any(r.startswith("Trial 0 finished with value") for r in records)


# ---- the command line under Optuna's command names -----------------------------------------------
def test_optuna_study_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tunewise.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, list(args))
        return result.exit_code, result.stdout if result.exit_code == 0 else result.output  # logs: stderr

    code, out = run("create-study", "--storage", url)  # STUDY_NAME=`optuna create-study --storage ...`
    made = out.strip()
    assert code == 0 and tw.load_study(study_name=made, storage=url).direction == "minimize"
    assert run("create-study", "--storage", url, "--study-name", "mo", "--directions", "minimize", "maximize") == \
        (0, "mo\n")
    assert tw.load_study(study_name="mo", storage=url).directions == ["minimize", "maximize"]
    code, out = run("create-study", "--storage", url, "--study-name", "mo")
    assert code != 0 and "already exists" in out and "Traceback" not in out
    assert run("create-study", "--storage", url, "--study-name", "mo", "--skip-if-exists") == (0, "mo\n")
    code, out = run("create-study", "--storage", url, "--study-name", "x", "--direction", "maximize", "minimize")
    assert code != 0 and "after --directions" in out
    assert sorted(run("study-names", "--storage", url)[1].split()) == sorted([made, "mo"])
    assert run("delete-study", "--storage", url, "--study-name", "mo") == (0, "")
    assert tw.get_all_study_names(url) == [made]


# ---- optuna.trial.FixedTrial: an objective run on a chosen configuration ---------------------------
def test_fixed_trial_runs_an_objective_on_given_values() -> None:
    from tunewise.trial._fixed import FixedTrial as OptunaPath

    from tunewise.trial import FixedTrial

    assert OptunaPath is FixedTrial

    def objective(trial: FixedTrial) -> float:
        x = trial.suggest_float("x", -10, 10)
        n = trial.suggest_int("n", 1, 5)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        trial.report(x * n, 0)
        assert not trial.should_prune()
        trial.set_user_attr("kind", kind)
        return x * n + (1.0 if kind == "b" else 0.0)

    t = FixedTrial({"x": 1.5, "n": 2, "kind": "b"}, number=7)
    assert objective(t) == 4.0
    assert t.params == {"x": 1.5, "n": 2, "kind": "b"} and t.number == 7
    assert t.intermediate_values == {0: 3.0} and t.user_attrs == {"kind": "b"}
    assert isinstance(t.distributions["n"], tw.distributions.IntDistribution)
    with pytest.raises(ValueError, match=r"suggest_int\('n', \.\.\.\): no value given for 'n'"):
        objective(FixedTrial({"x": 1.0, "kind": "a"}))
    with pytest.warns(RuntimeWarning, match="outside"):
        assert objective(FixedTrial({"x": 20.0, "n": 1, "kind": "a"})) == 20.0
    with pytest.raises(TypeError, match="JSON-serializable"):
        t.set_user_attr("model", object())


def test_rdb_storage_in_memory_as_in_optunas_faq() -> None:
    """Optuna's FAQ opens RDBStorage(url="sqlite:///:memory:", heartbeat_interval=60, ...): a database
    private to the storage object (a temporary file, removed at the latest when the process exits)."""
    from tunewise.storages import RetryHeartbeatStaleTrialCallback

    storage = RDBStorage(url="sqlite:///:memory:", heartbeat_interval=60, grace_period=120,
                         heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=3),
                         engine_kwargs={"connect_args": {"timeout": 10}})
    study = tw.create_study(storage=storage)
    study.optimize(lambda t: t.suggest_float("x", -100, 100) ** 2, n_trials=3)
    assert len(study.trials) == 3 and storage.heartbeat_policy == {"interval": 60.0, "grace": 120.0, "max_retries": 3}
    other = RDBStorage("sqlite:///:memory:")
    assert tw.get_all_study_names(other) == []  # each object its own database
    directory = Path(repr(storage).split("sqlite:///")[1].rstrip("')")).parent
    assert directory.is_dir() and directory.name.startswith("tunewise-sqlite-memory-")
