"""AutoSampler follows the tuning guide's strategy-by-budget table (issue 18, item 4): it knows the
planned budget of the running optimize() call and says which strategy it chose and why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import tunewise as tw
from tunewise.samplers import Budget

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _quadratic(t: tw.Trial) -> float:
    return (t.suggest_float("x", -5, 5) - 1.2) ** 2 + (t.suggest_float("y", -5, 5) + 0.7) ** 2


def _learning_curve(t: tw.Trial) -> float:
    lr = t.suggest_float("lr", 1e-4, 1.0, log=True)
    loss = 1.0
    for step in range(3):
        loss = abs(lr - 0.1) + 1.0 / (step + 1)
        t.report(loss, step)
        if t.should_prune():
            raise tw.TrialPruned()
    return loss


def test_budget_planned_trials() -> None:
    assert Budget().planned_trials() is None
    assert Budget(n_trials=20, first_trial=5).planned_trials() == 25
    assert Budget(n_trials=20, first_trial=5, max_trials=12).planned_trials() == 12
    # A timeout counts once a trial's cost is measured: n_jobs trials per trial_seconds.
    timed = Budget(deadline=1000.0, n_jobs=2)
    assert timed.planned_trials(started=3) is None
    assert timed.planned_trials(started=3, trial_seconds=10.0, now=900.0) == 3 + 20
    assert Budget(n_trials=100, deadline=1000.0).planned_trials(0, trial_seconds=1.0, now=990.0) == 10


def test_tiny_budget_is_all_sobol_and_the_plan_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    with caplog.at_level(logging.INFO, logger="tunewise"):
        study.optimize(_quadratic, n_trials=5)
    plan = sampler.plan
    assert plan is not None and plan["strategy"] == "qmc" and plan["planned_trials"] == 5
    assert "tiny budget" in plan["reason"] and "n_trials=5" in plan["reason"]
    assert study.system_attrs["auto_sampler"]["sampler"] == "QMCSampler"
    assert study.system_attrs["auto_sampler_plan"]["strategy"] == "qmc"
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("AutoSampler plan")]
    assert len(lines) == 1 and "tiny budget" in lines[0]


def test_plan_with_a_timeout_is_logged_once_although_the_cost_per_trial_moves(
        caplog: pytest.LogCaptureFixture) -> None:
    # With a timeout the planned count follows the measured cost of every trial; the plan line is
    # about the strategy, so it is not repeated for each new estimate (it was, once per trial).
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    with caplog.at_level(logging.INFO, logger="tunewise"):
        study.optimize(_quadratic, n_trials=12, timeout=600)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("AutoSampler plan")]
    assert len(lines) == 1, lines
    assert "timeout (" in lines[0] and "s per trial so far)" in lines[0]
    assert sampler.plan is not None and sampler.plan["strategy"] == "bo"


def test_medium_budget_is_bayesian_optimization() -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(_quadratic, n_trials=8)
    plan = sampler.plan
    assert plan is not None and plan["strategy"] == "bo" and plan["planned_trials"] == 8
    assert sampler.choice is not None and sampler.choice["sampler"] in ("GPSampler", "TPESampler")
    # A later call plans from its own budget, counted after the earlier trials.
    study.optimize(_quadratic, n_trials=2)
    assert sampler.plan["planned_trials"] == 10 and "after 8 earlier trials" in sampler.plan["reason"]


def test_large_budget_with_reports_recommends_early_stopping_without_adding_it() -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)

    def stop_after_8(study: tw.Study, trial: object) -> None:
        if len(study.trials) >= 8:
            study.stop()

    study.optimize(_learning_curve, n_trials=500, callbacks=[stop_after_8])
    plan = sampler.plan
    assert plan is not None and plan["strategy"] == "bo-then-tpe" and plan["planned_trials"] == 500
    assert "ASHAScheduler" in plan["recommendation"]
    assert study.scheduler is None  # only recommended, never added
    # From 1,000 planned trials on: multi-fidelity search.
    study.optimize(_learning_curve, max_trials=5000, callbacks=[_stop_now])
    assert "BOHBSampler" in sampler.plan["recommendation"]


def _stop_now(study: tw.Study, trial: object) -> None:
    study.stop()


def test_no_recommendation_when_a_scheduler_is_set_or_nothing_is_reported() -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler, scheduler=tw.schedulers.ASHAScheduler(1, 3, 3))
    study.optimize(_learning_curve, n_trials=6, max_trials=400)
    assert study.sampler.plan["recommendation"] is None  # type: ignore[attr-defined]
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    study.optimize(_quadratic, max_trials=400, callbacks=[lambda s, t: s.stop() if len(s.trials) >= 6 else None])
    assert sampler.plan["recommendation"] is None and sampler.plan["planned_trials"] == 400


def test_without_a_budget_the_plan_says_so() -> None:
    sampler = tw.samplers.AutoSampler(seed=0)
    study = tw.create_study(sampler=sampler)
    for _ in range(4):  # ask-and-tell: no optimize() budget
        t = study.ask()
        study.tell(t, _quadratic(t))
    assert sampler.plan is not None and sampler.plan["planned_trials"] is None
    assert "no trial budget known" in sampler.plan["reason"]


@pytest.mark.slow
def test_worker_processes_see_the_budget(tmp_path: Path) -> None:
    # One parameter: a worker never sees a half-known space (with two, a worker that reads the
    # study while another trial has stored only its first parameter sizes its start-up for d = 1).
    study = tw.create_study(storage=f"sqlite:///{tmp_path}/budget.db", sampler=tw.samplers.AutoSampler(seed=0))
    study.optimize(_one_parameter, n_trials=3, n_jobs=2)
    plan = tw.load_study(study_name=study.study_name, storage=f"sqlite:///{tmp_path}/budget.db").system_attrs[
        "auto_sampler_plan"]
    assert plan["planned_trials"] == 3 and plan["strategy"] == "qmc"


def _one_parameter(t: tw.Trial) -> float:
    return (t.suggest_float("x", -5, 5) - 1.2) ** 2
