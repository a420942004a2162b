"""Resources per trial: optimize(resources={"gpu": ..., "cpu": ...}) gives each trial its own
devices (CUDA_VISIBLE_DEVICES), tells it which (trial.devices) and holds each worker to its
share of the CPU threads. Four GPUs are faked with CUDA_VISIBLE_DEVICES=0,1,2,3."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import time
from fractions import Fraction
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.execution._resources import LEDGER, parse_resources, visible_devices
from tunewise.trial import TrialState


def _holds_its_device(trial, lock_dir: str, per_device: int, seconds: float = 0.15) -> float:
    """Takes one of the ``per_device`` slots of its device (a non-blocking file lock) for a while:
    a trial that finds every slot of its device taken records the conflict."""
    x = trial.suggest_float("x", 0.0, 1.0)
    visible = os.environ["CUDA_VISIBLE_DEVICES"]
    trial.set_user_attr("visible", visible)
    trial.set_user_attr("told", trial.devices)
    files = []
    for device in visible.split(","):
        for slot in range(per_device):
            f = open(os.path.join(lock_dir, f"gpu{device}.{slot}"), "w")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                continue
            files.append(f)
            break
        else:
            trial.set_user_attr("conflict", device)
    time.sleep(seconds)
    for f in files:
        f.close()
    return x


def _overlapping(trials):
    for i, a in enumerate(trials):
        for b in trials[i + 1:]:
            if a.datetime_start < b.datetime_complete and b.datetime_start < a.datetime_complete:
                yield a, b


def test_four_fake_gpus_and_four_workers_never_share_a_device(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2,3")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=1)
    study.optimize(objective, n_trials=12, n_jobs=4, resources={"gpu": 1})
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 12
    for t in trials:
        devices = t.system_attrs["devices"]
        assert len(devices) == 1 and devices[0] in {"0", "1", "2", "3"}, devices
        assert t.user_attrs["visible"] == devices[0]  # the objective sees only its device
        assert t.user_attrs["told"] == devices  # and trial.devices names it
        assert "conflict" not in t.user_attrs, t.user_attrs
    for a, b in _overlapping(trials):  # from the recorded devices and start/end times
        assert a.system_attrs["devices"] != b.system_attrs["devices"], (a.number, b.number)
    assert len({t.system_attrs["devices"][0] for t in trials}) == 4  # every device was used


def test_half_a_gpu_puts_at_most_two_trials_on_a_device(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=2)
    study.optimize(objective, n_trials=12, n_jobs=6, resources={"gpu": 0.5})
    trials = study.trials
    assert len(trials) == 12 and all(t.state == TrialState.COMPLETE for t in trials)
    assert all("conflict" not in t.user_attrs for t in trials), [t.user_attrs for t in trials]
    for t in trials:
        assert t.user_attrs["visible"] == t.system_attrs["devices"][0]
    for a in trials:  # at any trial's start, at most one other trial runs on its device
        others = [b for b in trials if b is not a and b.system_attrs["devices"] == a.system_attrs["devices"]
                  and b.datetime_start <= a.datetime_start < b.datetime_complete]
        assert len(others) <= 1, (a.number, [b.number for b in others])


def test_more_workers_than_gpus_wait_for_a_device(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "7")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=1, seconds=0.05)
    study.optimize(objective, n_trials=4, n_jobs=3, resources={"gpu": 1})
    trials = study.trials
    assert len(trials) == 4 and all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.system_attrs["devices"] == ["7"] and "conflict" not in t.user_attrs for t in trials)
    assert not list(_overlapping(trials))


def test_two_gpus_per_trial_are_two_devices_of_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2,3")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=1, seconds=0.05)
    study.optimize(objective, n_trials=4, n_jobs=2, resources={"gpu": 2})
    for t in study.trials:
        devices = t.system_attrs["devices"]
        assert len(set(devices)) == 2 and t.user_attrs["visible"] == ",".join(devices)
        assert "conflict" not in t.user_attrs


def test_in_process_trials_see_their_device_and_the_environment_is_restored(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "2,3")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=1, seconds=0.0)
    study.optimize(objective, n_trials=2, resources={"gpu": 1})
    assert [t.user_attrs["visible"] for t in study.trials] == ["2", "2"]
    assert [t.system_attrs["devices"] for t in study.trials] == [["2"], ["2"]]
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "2,3"
    assert "TUNEWISE_TRIAL_DEVICES" not in os.environ


def test_no_resources_records_no_devices():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert "devices" not in study.trials[0].system_attrs
    assert study.ask().devices == []


@pytest.mark.parametrize(("env", "resources", "message"), [
    ("", {"gpu": 0.5}, r"asks for 0.5 GPU\(s\) per trial, but no GPU is visible \(CUDA_VISIBLE_DEVICES=''\)"),
    ("0", {"gpu": 2}, r"asks for 2 GPU\(s\) per trial, but only 1 GPU\(s\) are visible"),
])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_asking_for_more_gpus_than_exist_is_a_clear_error(monkeypatch, env, resources, message, n_jobs):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", env)
    study = tw.create_study()
    with pytest.raises(ValueError, match=message):
        study.optimize(lambda t: 0.0, n_trials=2, n_jobs=n_jobs, resources=resources)
    assert study.trials == []


@pytest.mark.parametrize(("resources", "message"), [
    ({"gpus": 1}, r"unknown key\(s\) \['gpus'\]: the keys are 'gpu' .* and 'cpu'"),
    ({"gpu": 1.5}, r"above 1 must be a whole number of GPUs per trial, got 1.5"),
    ({"gpu": -1}, r"resources\['gpu'\] must be a number of GPUs per trial"),
    ({"gpu": "1"}, r"resources\['gpu'\] must be a number of GPUs per trial"),
    ({"cpu": 0}, r"resources\['cpu'\] must be a positive whole number of CPU threads per trial, got 0"),
    ({"cpu": 1.5}, r"resources\['cpu'\] must be a positive whole number"),
])
def test_bad_resources_are_named(resources, message):
    with pytest.raises(ValueError, match=message):
        tw.create_study().optimize(lambda t: 0.0, n_trials=1, resources=resources)


def test_resources_must_be_a_dict():
    with pytest.raises(TypeError, match=r"resources must be a dict such as \{'gpu': 1, 'cpu': 2\}, got 1"):
        tw.create_study().optimize(lambda t: 0.0, n_trials=1, resources=1)


def test_the_device_list_comes_from_cuda_visible_devices(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0, 1,GPU-8f3a")
    assert visible_devices() == ["0", "1", "GPU-8f3a"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1,-1,2")  # CUDA stops at the first invalid entry
    assert visible_devices() == ["1"]
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert visible_devices() == []


def test_fractions_spread_over_devices_before_sharing_one():
    devices = ["a", "b"]
    half = parse_resources({"gpu": 0.5}).gpu
    leases = [LEDGER.try_acquire(devices, half) for _ in range(4)]
    assert [lease.devices for lease in leases] == [["a"], ["b"], ["a"], ["b"]]
    assert LEDGER.try_acquire(devices, half) is None
    assert LEDGER.try_acquire(devices, Fraction(1)) is None
    leases[0].release()
    leases[2].release()
    whole = LEDGER.try_acquire(devices, Fraction(1))
    assert whole.devices == ["a"]
    for lease in (leases[1], leases[3], whole):
        lease.release()
    both = LEDGER.try_acquire(devices, Fraction(2))
    assert both.devices == ["a", "b"]
    both.release()
    both.release()  # releasing twice is harmless
    assert LEDGER.try_acquire(devices, Fraction(2)).devices == ["a", "b"]


def _threads(trial) -> float:
    import torch  # imported in the worker, after its environment was set

    trial.set_user_attr("torch_threads", torch.get_num_threads())
    trial.set_user_attr("omp", os.environ.get("OMP_NUM_THREADS"))
    from threadpoolctl import threadpool_info

    trial.set_user_attr("blas_threads", sorted({p["num_threads"] for p in threadpool_info()
                                                if p["user_api"] == "blas"}))
    return trial.suggest_float("x", 0, 1)


@pytest.mark.slow
@pytest.mark.parametrize(("resources", "expected"), [
    (None, lambda cores: max(1, cores // 2)),
    ({"cpu": 2}, lambda cores: 2),
])
def test_each_worker_gets_its_share_of_the_cpu_threads(monkeypatch, resources, expected):
    pytest.importorskip("torch")
    pytest.importorskip("threadpoolctl")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    from tunewise.execution._resources import available_cores

    share = expected(available_cores())
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_threads, n_trials=2, n_jobs=2, resources=resources)
    for t in study.trials:
        assert t.user_attrs["torch_threads"] == share, t.user_attrs
        assert t.user_attrs["omp"] == str(share)
        assert set(t.user_attrs["blas_threads"]) <= {share}, t.user_attrs  # numpy's BLAS too


def test_dask_tasks_ask_the_workers_for_their_resources(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None,
                                  resources={"GPU": 1}) as cluster, distributed.Client(cluster) as client:
        study = tw.create_study(storage=f"sqlite:///{Path(tmp_path) / 'dask.db'}",
                                sampler=tw.samplers.RandomSampler(seed=0))
        objective = functools.partial(_holds_its_device, lock_dir=str(tmp_path), per_device=1, seconds=0.05)
        os.environ["CUDA_VISIBLE_DEVICES"] = "5"  # the Dask worker's device (dask-cuda sets it so)
        try:
            study.optimize(objective, n_trials=4, executor=tw.DaskExecutor(client), resources={"gpu": 1})
        finally:
            del os.environ["CUDA_VISIBLE_DEVICES"]
    trials = study.trials
    assert len(trials) == 4 and all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.system_attrs["devices"] == ["5"] for t in trials)
    assert not list(_overlapping(trials))  # one GPU on the worker: one trial at a time, on 2 threads


@pytest.mark.slow
def test_tunewise_worker_gives_each_trial_its_gpu(tmp_path):
    import subprocess
    import sys
    import textwrap

    (tmp_path / "gpuobj.py").write_text(textwrap.dedent("""
        import os

        def objective(trial):
            trial.set_user_attr("visible", os.environ["CUDA_VISIBLE_DEVICES"])
            return trial.suggest_float("x", -1, 1) ** 2
    """))
    url = f"sqlite:///{tmp_path / 'w.db'}"
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="0,1")
    res = subprocess.run([sys.executable, "-m", "tunewise", "worker", "--study", "w", "--storage", url,
                          "--objective", "gpuobj:objective", "--n-trials", "4", "--n-jobs", "2",
                          "--resources", "gpu=1", "--direction", "minimize", "--sampler", "random"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    trials = tw.load_study("w", url).trials
    assert len(trials) == 4
    assert all(t.user_attrs["visible"] == t.system_attrs["devices"][0] for t in trials)
    assert {t.system_attrs["devices"][0] for t in trials} <= {"0", "1"}


@pytest.mark.parametrize(("spec", "message"), [
    ("gpu", "expected key=number pairs such as 'gpu=1,cpu=4', got 'gpu'"),
    ("gpu=one", "expected key=number pairs"),
    ("tpu=1", "resources has unknown key(s) ['tpu']"),
    ("cpu=1.5", "resources['cpu'] must be a positive whole number of CPU threads per trial, got 1.5"),
])
def test_tunewise_worker_names_a_bad_resources_option(tmp_path, spec, message):
    from click.testing import CliRunner

    from tunewise.cli import main

    res = CliRunner().invoke(main, ["worker", "--study", "w", "--storage", f"sqlite:///{tmp_path / 'w.db'}",
                                    "--objective", "json:dumps", "--direction", "minimize", "--n-trials", "1",
                                    "--resources", spec])
    assert res.exit_code == 2, res.output
    assert "--resources" in res.output and message in " ".join(res.output.split()), res.output


_SWEEP_PROGRAM = r'''
import json, os, time
with open(os.path.join(os.environ["TUNEWISE_RUN_DIR"], "env.json"), "w") as f:
    json.dump({k: os.environ.get(k) for k in ("CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS")}, f)
time.sleep(0.2)
print("tunewise: " + json.dumps({"loss": 1.0, "step": 1}), flush=True)
'''


def test_a_sweep_file_gives_each_run_its_gpu(monkeypatch, tmp_path):
    import yaml

    from tunewise.sweeps import SweepRunner, load_sweep_config

    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    (tmp_path / "train.py").write_text(_SWEEP_PROGRAM)
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump({
        "program": "train.py", "method": "random", "metric": {"name": "loss"}, "seed": 0, "run_cap": 6,
        "workers": 3, "parameters": {"x": {"min": 0.0, "max": 1.0}}, "resources": {"gpu": 1, "cpu": 2},
    }))
    study = SweepRunner(load_sweep_config(tmp_path / "sweep.yaml"), echo=None).run()
    trials = study.trials
    assert len(trials) == 6 and all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials:
        devices = t.system_attrs["devices"]
        assert devices in (["0"], ["1"])
        seen = json.loads((Path(t.system_attrs["sweep_run_dir"]) / "env.json").read_text())
        assert seen == {"CUDA_VISIBLE_DEVICES": devices[0], "OMP_NUM_THREADS": "2"}  # the run sees only its GPU
    for a, b in _overlapping(trials):  # three workers, two GPUs: runs at the same time never share one
        assert a.system_attrs["devices"] != b.system_attrs["devices"], (a.number, b.number)


@pytest.mark.parametrize(("resources", "message"), [
    ({"tpu": 1}, "unknown key in resources"),
    ({"gpu": 1.5}, "resources.gpu must be a number of GPUs per run"),
    ({"cpu": 0}, "resources.cpu must be a whole number of CPU threads per run >= 1, got 0"),
    ("gpu=1", "resources must be a mapping such as {gpu: 1, cpu: 4}"),
])
def test_a_sweep_file_names_bad_resources(resources, message):
    from tunewise.sweeps import SweepConfig, SweepConfigError

    with pytest.raises(SweepConfigError, match=re.escape(message)):
        SweepConfig.from_dict({"program": "t.py", "method": "random", "metric": {"name": "loss"},
                               "parameters": {"x": {"min": 0.0, "max": 1.0}}, "resources": resources},
                              check_program=False)


def _starts_a_program(trial) -> float:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import os; print(os.environ['CUDA_VISIBLE_DEVICES'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    trial.set_user_attr("child_sees", out)
    return trial.suggest_float("x", 0, 1)


@pytest.mark.parametrize("start", ["zygote", pytest.param("spawn", marks=pytest.mark.slow)])
def test_programs_a_trial_starts_see_only_its_device(monkeypatch, start):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2,3")
    monkeypatch.setenv("TUNEWISE_WORKER_START", start)  # forked from the zygote, or fresh interpreters
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_starts_a_program, n_trials=2, n_jobs=2, resources={"gpu": 1})
    trials = study.trials
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.user_attrs["child_sees"] == t.system_attrs["devices"][0] for t in trials)
    assert all(t.system_attrs["devices"][0] in {"0", "1", "2", "3"} for t in trials)
    a, b = trials  # one worker may run both on a loaded machine; if they overlapped, not on one device
    if a.datetime_start < b.datetime_complete and b.datetime_start < a.datetime_complete:
        assert a.system_attrs["devices"] != b.system_attrs["devices"]


def _dies_once_on_its_device(trial, lock_dir: str) -> float:
    x = _holds_its_device(trial, lock_dir, per_device=1, seconds=0.05)
    if trial.number == 1 and "retried_from" not in trial.system_attrs:
        os.kill(os.getpid(), 9)  # the worker holding a device dies mid-trial (as an out-of-memory kill would)
    return x


def test_a_dead_workers_device_goes_to_its_replacement(monkeypatch, tmp_path):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'dies.db'}", sampler=tw.samplers.RandomSampler(seed=0),
                            max_retries=1)
    study.optimize(functools.partial(_dies_once_on_its_device, lock_dir=str(tmp_path)), n_trials=6, n_jobs=2,
                   resources={"gpu": 1})
    trials = study.trials
    assert trials[1].state == TrialState.FAILED and trials[1].system_attrs["fail_reason"].startswith("worker died")
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) == 6 and [t.system_attrs.get("retried_from") for t in complete].count(1) == 1
    assert all("conflict" not in t.user_attrs for t in complete)
    for a, b in _overlapping(complete):
        assert a.system_attrs["devices"] != b.system_attrs["devices"], (a.number, b.number)


def _blas_threads(trial) -> float:
    from threadpoolctl import threadpool_info

    trial.set_user_attr("blas", sorted({p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"}))
    trial.set_user_attr("omp", os.environ.get("OMP_NUM_THREADS"))
    return trial.suggest_float("x", 0, 1)


def test_in_process_trials_get_their_cpu_threads_and_the_caller_gets_its_own_back(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    before = threadpoolctl.threadpool_info()
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_blas_threads, n_trials=1, resources={"cpu": 1})
    trial = study.trials[0]
    assert trial.user_attrs["omp"] == "1" and set(trial.user_attrs["blas"]) <= {1}
    assert trial.system_attrs["cpu_threads"] == 1 and trial.system_attrs["devices"] == []
    assert "OMP_NUM_THREADS" not in os.environ
    assert threadpoolctl.threadpool_info() == before
