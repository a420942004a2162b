"""Resuming a sweep after its file changed: a changed metric or search space is refused before any
run starts (nothing RUNNING, no run slot used); settings that do not change what a run means may change."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tests.sweeps.test_sweeps import _write
from tunewise.sweeps import SweepConfig, SweepConfigError, SweepRunner, run_agent

BASE = {"program": "prog.py", "method": "random", "seed": 0, "name": "demo", "metric": {"name": "loss"},
        "parameters": {"x": {"min": 0.0, "max": 1.0}, "depth": {"values": [2, 4]}}, "run_cap": 3}


def _cfg(**changes) -> dict:
    cfg = copy.deepcopy(BASE)
    for key, value in changes.items():
        cfg[key] = value
    return cfg


def _runs(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "runs" / "demo").iterdir())


def test_cli_resume_with_a_changed_range_fails_before_any_run_and_uses_no_run_slot(tmp_path):
    from tunewise.cli import main

    url = f"sqlite:///{tmp_path / 'tunewise.db'}"
    path = _write(tmp_path, _cfg())
    runner = CliRunner()
    assert runner.invoke(main, ["sweep", "run", str(path), "--count", "1"]).exit_code == 0
    stored = tw.load_study("demo", url).system_attrs["sweep"]

    _write(tmp_path, _cfg(parameters={"x": {"min": 0.0, "max": 5.0}, "depth": {"values": [2, 4]}}))
    res = runner.invoke(main, ["sweep", "run", str(path), "--count", "1"])
    assert res.exit_code != 0
    assert "Traceback" not in res.output
    assert ("parameter 'x': stored {distribution: uniform, min: 0.0, max: 1.0}, "
            "now {distribution: uniform, min: 0.0, max: 5.0}") in res.output
    assert "new name" in res.output and str(path) in res.output
    study = tw.load_study("demo", url)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE]  # nothing started, nothing RUNNING
    assert study.system_attrs["sweep"] == stored  # the stored sweep is not overwritten by the refused file
    assert _runs(tmp_path) == ["run-00000"]

    # Put the range back: the sweep resumes and still gets its whole run_cap.
    _write(tmp_path, _cfg())
    res = runner.invoke(main, ["sweep", "run", str(path)])
    assert res.exit_code == 0, res.output
    trials = tw.load_study("demo", url).trials
    assert len(trials) == 3 and all(t.state == tw.TrialState.COMPLETE for t in trials)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
@pytest.mark.parametrize("change, expected", [
    ({"metric": {"name": "val_loss"}},
     "metric.name: stored 'loss', now 'val_loss' (the stored runs report 'loss'"),
    ({"metric": {"name": "loss", "goal": "maximize"}}, "metric.goal: stored 'minimize', now 'maximize'"),
    ({"parameters": {"x": {"min": 0.0, "max": 1.0}, "depth": {"values": [2, 4, 8]}}},
     "parameter 'depth': stored {distribution: categorical, values: [2, 4]}, "
     "now {distribution: categorical, values: [2, 4, 8]}"),
    ({"parameters": {"x": {"distribution": "log_uniform_values", "min": 0.01, "max": 1.0},
                     "depth": {"values": [2, 4]}}},
     "parameter 'x': stored {distribution: uniform, min: 0.0, max: 1.0}, "
     "now {distribution: log_uniform_values, min: 0.01, max: 1.0}"),
    ({"parameters": {"x": {"min": 0.0, "max": 1.0}}}, "parameter 'depth': stored {distribution: categorical, "
                                                      "values: [2, 4]}, now absent from the file"),
    ({"parameters": {"x": {"min": 0.0, "max": 1.0}, "depth": {"values": [2, 4]}, "wd": {"value": 0.1}}},
     "parameter 'wd': not in the stored sweep, now {distribution: constant, value: 0.1}"),
    # The normal family is sampled as a latent quantile: same tunewise distribution, other values.
    ({"parameters": {"x": {"distribution": "normal", "mu": 0.0, "sigma": 1.0}, "depth": {"values": [2, 4]}}},
     "parameter 'x': stored {distribution: uniform, min: 0.0, max: 1.0}, now {distribution: normal"),
])
def test_a_changed_metric_goal_or_parameter_is_refused_with_stored_and_new(tmp_path, backend, change, expected):
    url = backend_url(backend, tmp_path)
    name = unique("demo")
    path = _write(tmp_path, _cfg(name=name))
    SweepRunner(SweepConfig.from_file(path), storage=url, count=1, echo=None).run()

    _write(tmp_path, _cfg(name=name, **change))
    with pytest.raises(SweepConfigError, match="cannot resume sweep") as e:
        SweepRunner(SweepConfig.from_file(path), storage=url, echo=None).run()
    assert expected in str(e.value)
    study = tw.load_study(name, url)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE]
    assert study.system_attrs["sweep"]["config"]["metric"] == {"name": "loss"}
    assert study.system_attrs["sweep_metric"] == {"name": "loss", "goal": "minimize"}  # as created


def test_a_sweep_file_stored_by_a_refused_resume_of_an_older_version_is_still_caught(tmp_path):
    # Older versions stored the changed file before failing: what the runs were sampled from decides.
    store = tw.storage.InMemoryStorage()
    path = _write(tmp_path, _cfg())
    SweepRunner(SweepConfig.from_file(path), storage=store, count=1, echo=None).run()
    changed = _cfg(parameters={"x": {"min": 0.0, "max": 5.0}, "depth": {"values": [2, 4]}})
    study = tw.load_study("demo", store)
    record = dict(study.system_attrs["sweep"], config=changed)
    study.set_system_attr("sweep", record)
    _write(tmp_path, changed)
    with pytest.raises(SweepConfigError, match=r"parameter 'x': the stored runs were sampled from "
                                                r"Float\(low=0.0, high=1.0.*now Float\(low=0.0, high=5.0"):
        SweepRunner(SweepConfig.from_file(path), storage=store, echo=None).run()
    assert [t.state for t in tw.load_study("demo", store).trials] == [tw.TrialState.COMPLETE]


def test_settings_that_do_not_change_a_run_may_change_on_resume(tmp_path, monkeypatch):
    store = tw.storage.InMemoryStorage()
    path = _write(tmp_path, _cfg())
    SweepRunner(SweepConfig.from_file(path), storage=store, count=1, echo=None).run()
    # Same search space written another way (an explicit distribution, 1 for 1.0), other settings.
    _write(tmp_path, _cfg(method="tpe", run_cap=4, timeout=60, workers=2, seed=5,
                          metric={"name": "loss", "goal": "minimize", "target": -1.0},
                          parameters={"x": {"distribution": "uniform", "min": 0.0, "max": 1},
                                      "depth": {"values": [2, 4]}}))
    study = SweepRunner(SweepConfig.from_file(path), storage=store, echo=None).run()
    assert len(study.trials) == 4 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    monkeypatch.chdir(tmp_path)
    assert len(run_agent("demo", store, echo=None).trials) == 4  # an agent rebuilds the stored sweep


def test_a_plain_study_with_trials_is_not_taken_over_by_a_sweep(tmp_path):
    store = tw.storage.InMemoryStorage()
    tw.create_study(name="demo", storage=store).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    path = _write(tmp_path, _cfg())
    with pytest.raises(SweepConfigError, match="study 'demo' already exists with 2 trial.* and is not a sweep"):
        SweepRunner(SweepConfig.from_file(path), storage=store, echo=None).run()
    assert len(tw.load_study("demo", store).trials) == 2


def test_the_stored_sweep_file_is_valid_yaml_for_the_message(tmp_path):
    # The message shows each parameter as the one-line YAML a sweep file would hold.
    store = tw.storage.InMemoryStorage()
    path = _write(tmp_path, _cfg(parameters={"opt": {"values": ["adam", "sgd: momentum"]}}))
    SweepRunner(SweepConfig.from_file(path), storage=store, count=1, echo=None).run()
    _write(tmp_path, _cfg(parameters={"opt": {"values": ["adam"]}}))
    with pytest.raises(SweepConfigError) as e:
        SweepRunner(SweepConfig.from_file(path), storage=store, echo=None).run()
    stored = str(e.value).split("stored ", 1)[1].split(", now ")[0]
    assert yaml.safe_load(stored) == {"distribution": "categorical", "values": ["adam", "sgd: momentum"]}
