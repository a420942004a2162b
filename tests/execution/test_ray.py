"""RayExecutor on a local Ray cluster started by the test: the executor conformance suite (a
SIGKILLed Ray worker's trial is retried, max_trials exact, nothing left RUNNING), Ray's resource
requests with two fake GPUs, and its errors."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tunewise.testing.executor import ExecutorTests
from tunewise.trial import TrialState

ray = pytest.importorskip("ray")

pytestmark = pytest.mark.slow  # a Ray cluster takes seconds to start, and its workers to spawn


@pytest.fixture(scope="module")
def ray_cluster():
    if ray.is_initialized():  # pragma: no cover - another module left one running
        ray.shutdown()
    ray.init(num_cpus=2, num_gpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield ray
    ray.shutdown()


class TestRayExecutor(ExecutorTests):
    separate_processes = True

    @pytest.fixture
    def executor(self, ray_cluster):
        return tw.RayExecutor()

    def test_ctrl_c_leaves_no_trial_running(self, storage):
        """The conformance check, in a child process with a Ray cluster of its own. The check sends
        SIGINT to its whole process; three times, a full suite run under CPU load (benchmarks beside
        it) ended at this test, exit status 1 and no summary, with every other test unaffected and
        no failure alone or with this module. In a child, whatever Ctrl-C does under Ray shows as
        this test's failure with the child's output, and the session goes on."""
        script = textwrap.dedent(f"""
            import ray
            import tunewise as tw
            from tunewise.testing.executor import check_ctrl_c_leaves_no_trial_running

            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
            try:
                check_ctrl_c_leaves_no_trial_running(tw.RayExecutor(), {storage!r})
            finally:
                ray.shutdown()
            print("ctrl-c check passed")
        """)
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0 and "ctrl-c check passed" in proc.stdout, (
            f"exit status {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


def _records_its_devices(trial) -> float:
    import time

    trial.set_user_attr("visible", os.environ.get("CUDA_VISIBLE_DEVICES"))
    trial.set_user_attr("told", trial.devices)
    time.sleep(0.1)
    return trial.suggest_float("x", 0, 1)


def test_gpu_trials_ask_ray_for_gpus_and_see_only_theirs(ray_cluster, tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'ray.db'}", sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_records_its_devices, n_trials=6, executor=tw.RayExecutor(num_cpus=0.5),
                   resources={"gpu": 1})
    trials = study.trials
    assert len(trials) == 6 and all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials:
        devices = t.system_attrs["devices"]
        assert len(devices) == 1 and devices[0] in {"0", "1"}, devices
        assert t.user_attrs["visible"] == devices[0] and t.user_attrs["told"] == devices
    for i, a in enumerate(trials):  # two GPUs: trials that overlap in time are on different ones
        for b in trials[i + 1:]:
            if a.datetime_start < b.datetime_complete and b.datetime_start < a.datetime_complete:
                assert a.system_attrs["devices"] != b.system_attrs["devices"], (a.number, b.number)


def test_more_gpus_than_the_cluster_has_is_a_clear_error(ray_cluster, tmp_path):
    study = tw.create_study(storage=f"sqlite:///{tmp_path / 'ray.db'}")
    with pytest.raises(ValueError, match=r"asks for 3 GPU\(s\) per trial, but the Ray cluster has 2"):
        study.optimize(_records_its_devices, n_trials=1, executor=tw.RayExecutor(), resources={"gpu": 3})
    assert study.trials == []


def test_an_in_memory_study_is_refused(ray_cluster):
    with pytest.raises(ValueError, match="RayExecutor needs a storage every Ray worker can open"):
        tw.create_study().optimize(functools.partial(_records_its_devices), n_trials=1, executor=tw.RayExecutor())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_concurrent": 0}, "max_concurrent must be a positive integer or None, got 0"),
    ({"num_cpus": -1}, "num_cpus must be a non-negative number of CPUs per trial, got -1"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tw.RayExecutor(**kwargs)
