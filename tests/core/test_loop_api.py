"""The contract of ``tunewise._loop_api``: what tunewise's own loops on top of the study (the sweep
runner and agent, SearchCV) use beyond the public API, instead of reaching into ``Study._tell``
and ``Study._planned`` (session 30; ``tests/test_layering.py`` refuses those reaches now)."""

from __future__ import annotations

import contextlib
import logging

import pytest

import tunewise as tw
from tunewise import _loop_api
from tunewise._finish_outcome import Refusal
from tunewise.storage import InMemoryStorage

logging.getLogger("tunewise").setLevel(logging.ERROR)


def test_tell_records_a_finish_as_tell_does() -> None:
    study = tw.create_study()
    trial = study.ask()
    x = trial.suggest_float("x", 0, 1)
    outcome = _loop_api.tell(study, trial, x * 2)
    assert outcome.recorded and outcome.refused is None
    assert outcome.trial.state == tw.TrialState.COMPLETE and outcome.trial.value == x * 2
    assert study.trials[0].value == x * 2
    pruned = _loop_api.tell(study, study.ask(), state=tw.TrialState.PRUNED)
    failed = _loop_api.tell(study, study.ask(), state=tw.TrialState.FAILED, fail_reason="boom")
    assert [t.state for t in (pruned.trial, failed.trial)] == [tw.TrialState.PRUNED, tw.TrialState.FAILED]
    assert failed.trial.system_attrs["fail_reason"] == "boom"


def test_a_trial_finished_already_is_refused_where_tell_raises() -> None:
    study = tw.create_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    with pytest.raises(ValueError):
        study.tell(trial, 2.0)
    outcome = _loop_api.tell(study, trial, 2.0)  # by object, and by number
    assert outcome.refused is Refusal.ALREADY_FINISHED and outcome.trial.value == 1.0
    assert _loop_api.tell(study, trial.number, 3.0).refused is Refusal.ALREADY_FINISHED
    assert [t.value for t in study.trials] == [1.0]


def test_a_trial_failed_elsewhere_meanwhile_keeps_the_late_result() -> None:
    storage = InMemoryStorage()
    study = tw.create_study(study_name="loop", storage=storage)
    trial = study.ask()
    tw.load_study(study_name="loop", storage=storage).tell(trial.number, state=tw.TrialState.FAILED)
    outcome = _loop_api.tell(study, trial, 5.0)
    assert outcome.refused is Refusal.FAILED_MEANWHILE
    assert outcome.trial.state == tw.TrialState.FAILED and outcome.trial.system_attrs["late_result"]


def test_bad_arguments_raise_as_in_tell() -> None:
    study = tw.create_study()
    trial = study.ask()
    for kwargs, error in [({"state": tw.TrialState.COMPLETE, "fail_reason": "x"}, ValueError),
                          ({"state": tw.TrialState.FAILED, "fail_reason": 3}, TypeError)]:
        with pytest.raises(error):
            study.tell(trial, **kwargs)
        with pytest.raises(error):
            _loop_api.tell(study, trial, **kwargs)
    with pytest.raises(TypeError):
        _loop_api.tell(study, "0", 1.0)  # type: ignore[arg-type]
    assert study.trials[0].state == tw.TrialState.RUNNING


def test_planned_gives_the_sampler_the_plan_as_optimize_does() -> None:
    def run(plan: int | None) -> dict:
        sampler = tw.samplers.AutoSampler(seed=0)
        study = tw.create_study(sampler=sampler)
        with _loop_api.planned(study, plan) if plan is not None else contextlib.nullcontext():
            for _ in range(2):
                t = study.ask()
                study.tell(t, t.suggest_float("x", -1, 1) ** 2)
        assert sampler.plan is not None
        return sampler.plan

    assert run(None)["planned_trials"] is None  # ask-and-tell without a plan
    planned = run(5)
    assert planned["planned_trials"] == 5 and "n_trials=5" in planned["reason"]
    sampler = tw.samplers.AutoSampler(seed=0)
    tw.create_study(sampler=sampler).optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
    assert sampler.plan is not None and sampler.plan["planned_trials"] == 5  # as under optimize()
