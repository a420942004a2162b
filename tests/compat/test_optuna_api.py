"""Optuna's names, keywords and behaviours that Optuna users' scripts rely on (issue 20, items 1 and 7)."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tunewise as tw


def _quadratic(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    return (x - 1) ** 2


def _study(**kw) -> tw.Study:
    return tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), **kw)


# ---- keyword names and aliases ----------------------------------------------------------------
def test_load_and_delete_study_with_optunas_keywords(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    tw.create_study(study_name="s", storage=url).optimize(_quadratic, n_trials=2)
    study = tw.load_study(study_name="s", storage=url)
    assert len(study.trials) == 2
    tw.delete_study(study_name="s", storage=url)
    assert tw.get_all_study_names(url) == []
    with pytest.raises(TypeError, match="needs the storage"):
        tw.load_study(study_name="s")
    with pytest.raises(ValueError, match="pass the study's name once"):
        tw.load_study("a", url, study_name="b")


def test_trial_state_fail_is_failed() -> None:
    assert tw.TrialState.FAIL is tw.TrialState.FAILED
    assert list(tw.TrialState).count(tw.TrialState.FAILED) == 1  # an alias, not a sixth state
    study = _study()
    study.tell(study.ask(), state=tw.TrialState.FAIL)
    assert study.trials[0].state is tw.TrialState.FAILED


def test_gc_after_trial_collects_after_each_trial(monkeypatch) -> None:
    import gc

    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    _study().optimize(_quadratic, n_trials=3, gc_after_trial=True)
    assert len(calls) == 3


def test_trials_dataframe_has_optunas_columns() -> None:
    optuna = pytest.importorskip("optuna")
    pytest.importorskip("pandas")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial):
        trial.set_user_attr("note", "n")
        x = trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise optuna.TrialPruned() if hasattr(trial, "_cached_frozen_trial") else tw.TrialPruned()
        return x

    ours, theirs = _study(), optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    ours.optimize(objective, n_trials=3)
    theirs.optimize(objective, n_trials=3)
    for kwargs in ({}, {"attrs": ("number", "value", "params", "state")}, {"multi_index": True},
                   {"attrs": ("number", "params", "user_attrs"), "multi_index": True}):
        a, b = ours.trials_dataframe(**kwargs), theirs.trials_dataframe(**kwargs)
        columns_b = [c for c in b.columns if "system_attrs" not in str(c)]
        assert list(a.columns) == columns_b, kwargs
        if "state" in a.columns:
            assert list(a["state"]) == list(b["state"]) == ["COMPLETE", "PRUNED", "COMPLETE"]
    with pytest.raises(ValueError, match="trial attributes are"):
        ours.trials_dataframe(attrs=("nonsense",))
    assert "system_attrs_strategy" not in ours.trials_dataframe().columns
    assert tw.create_study().trials_dataframe().empty


def test_trials_dataframe_multi_objective_values_columns() -> None:
    pytest.importorskip("pandas")
    study = tw.create_study(directions=["minimize", "maximize"])
    study.tell(study.ask(), [1.0, 2.0])
    assert list(study.trials_dataframe(attrs=("number", "value")).columns) == ["number", "values_0", "values_1"]


def test_create_trial_add_trial_and_copy_study(tmp_path) -> None:
    study = _study()
    study.add_trial(tw.create_trial(params={"x": 1.0}, distributions={"x": tw.distributions.FloatDistribution(-5, 5)},
                                    value=0.0, intermediate_values={0: 3.0}, user_attrs={"src": "paper"}))
    study.add_trials([tw.create_trial(state=tw.TrialState.PRUNED, params={"x": 2.0},
                                      distributions={"x": tw.uniform(-5, 5)}, value=9.0),
                      tw.create_trial(state=tw.TrialState.FAIL)])
    study.optimize(_quadratic, n_trials=2)
    assert [t.state.value for t in study.trials] == ["COMPLETE", "PRUNED", "FAILED", "COMPLETE", "COMPLETE"]
    assert study.best_trial.number == 0 and study.trials[0].intermediate_values == {0: 3.0}
    with pytest.raises(ValueError, match="distributions="):
        tw.create_trial(params={"y": 1}, value=1.0)
    with pytest.raises(ValueError, match="needs value"):
        tw.create_trial(params={})

    url = f"sqlite:///{tmp_path / 'copy.db'}"
    study.set_user_attr("owner", "me")
    tw.copy_study(from_study_name=study.study_name, from_storage=study.storage, to_storage=url,
                  to_study_name="copy")
    copy = tw.load_study(study_name="copy", storage=url)
    assert copy.user_attrs == {"owner": "me"}
    assert [(t.state, t.values, t.params, t.intermediate_values, t.user_attrs) for t in copy.trials] == \
        [(t.state, t.values, t.params, t.intermediate_values, t.user_attrs) for t in study.trials]


def test_get_all_study_summaries(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    tw.create_study(study_name="a", storage=url, direction="maximize").optimize(_quadratic, n_trials=3)
    tw.create_study(study_name="b", storage=url)
    summaries = {s.study_name: s for s in tw.get_all_study_summaries(url)}
    assert summaries["a"].n_trials == 3 and summaries["a"].direction == "maximize"
    assert summaries["a"].best_trial.value == max(t.value for t in tw.load_study(study_name="a", storage=url).trials)
    assert summaries["b"].best_trial is None and summaries["b"].n_trials == 0
    assert tw.get_all_study_summaries(url, include_best_trial=False)[0].best_trial is None


def test_study_summary_datetime_start_is_the_first_trials_start_as_in_optuna(tmp_path) -> None:
    # Optuna's StudySummary.datetime_start is the earliest start of the study's trials (None without
    # one), not when the study was created; `tunewise studies -f table` prints it too.
    import time

    url = f"sqlite:///{tmp_path / 's.db'}"
    study = tw.create_study(study_name="a", storage=url)
    tw.create_study(study_name="b", storage=url)
    time.sleep(1.1)  # the study's creation and its first trial's start are a second apart
    study.enqueue_trial({"x": 0.5})  # a WAITING trial has no start
    study.optimize(_quadratic, n_trials=2)
    study.enqueue_trial({"x": 0.25})
    summaries = {s.study_name: s for s in tw.get_all_study_summaries(url)}
    assert summaries["a"].datetime_start == min(t.datetime_start for t in study.trials if t.datetime_start)
    assert summaries["b"].datetime_start is None


def test_study_summaries_list_a_study_whose_attributes_were_written_raw(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    tw.create_study(study_name="ok", storage=url).set_user_attr("owner", "me")
    odd = tw.create_study(study_name="odd", storage=url)
    odd._storage.set_study_attr(odd._study_id, "user", 1)  # through the storage API, not Study's
    summaries = {s.study_name: s for s in tw.get_all_study_summaries(url)}
    assert summaries["ok"].user_attrs == {"owner": "me"} and summaries["odd"].user_attrs == {}


def test_importance_and_visualization_names() -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("plotly")
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0.01 * t.suggest_float("y", 0, 1), n_trials=30)
    assert list(tw.importance.get_param_importances(study)) == ["x", "y"]
    assert tw.visualization.is_available()
    for name in ("plot_optimization_history", "plot_param_importances", "plot_parallel_coordinate",
                 "plot_contour", "plot_slice", "plot_intermediate_values", "plot_edf", "plot_timeline"):
        fig = getattr(tw.visualization, name)(study)
        assert fig.layout.title.text, name
        assert getattr(tw.plots, name) is getattr(tw.visualization, name)
    fig = tw.visualization.plot_contour(study, params=["x", "y"])
    assert fig.data
    with pytest.raises(ValueError, match="fanova"):
        tw.importance.get_param_importances(study, evaluator=object())


# ---- pruners ---------------------------------------------------------------------------------
def test_pruners_namespace_takes_optunas_keywords() -> None:
    p = tw.pruners
    assert isinstance(p.MedianPruner(n_startup_trials=3, n_warmup_steps=2, interval_steps=1, n_min_trials=1),
                      tw.schedulers.MedianScheduler)
    assert isinstance(p.PercentilePruner(25.0, n_startup_trials=2), tw.schedulers.PercentileScheduler)
    sh = p.SuccessiveHalvingPruner(min_resource=1, reduction_factor=4, min_early_stopping_rate=1)
    assert isinstance(sh, tw.schedulers.ASHAScheduler) and sh.min_resource == 4
    assert isinstance(p.PatientPruner(p.MedianPruner(), patience=2), tw.schedulers.PatienceScheduler)
    for pruner in (p.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3), p.HyperbandPruner(),
                   p.NopPruner(), p.ThresholdPruner(upper=1.0), sh):
        assert isinstance(pruner, p.BasePruner)
        tw.create_study(pruner=pruner)
    with pytest.raises(ValueError, match="bootstrap_count"):
        p.SuccessiveHalvingPruner(bootstrap_count=2)


def _curve_objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    for step in range(10):
        trial.report(x * (step + 1), step)
        if trial.should_prune():
            raise tw.TrialPruned()
    return x * 10


def test_default_pruner_is_the_median_rule_and_nop_pruner_turns_it_off() -> None:
    study = _study()
    study.optimize(_curve_objective, n_trials=30)
    pruned = [t for t in study.trials if t.state is tw.TrialState.PRUNED]
    assert study.scheduler is None and len(pruned) >= 8  # before: 0 pruned, silently
    assert all(t.number >= 5 for t in pruned)  # n_startup_trials=5, as MedianPruner()
    explicit = _study(pruner=tw.pruners.MedianPruner())
    explicit.optimize(_curve_objective, n_trials=30)
    assert [t.state for t in explicit.trials] == [t.state for t in study.trials]
    nop = _study(pruner=tw.pruners.NopPruner())
    nop.optimize(_curve_objective, n_trials=30)
    assert all(t.state is tw.TrialState.COMPLETE for t in nop.trials)


def test_threshold_pruner() -> None:
    study = _study(pruner=tw.pruners.ThresholdPruner(upper=5.0))
    study.optimize(_curve_objective, n_trials=10)
    for t in study.trials:
        assert (t.state is tw.TrialState.PRUNED) == (max(t.intermediate_values.values()) > 5.0)


def test_hyperband_pruner_auto_max_resource_waits_for_a_complete_trial() -> None:
    study = _study(pruner=tw.pruners.HyperbandPruner())
    study.optimize(_curve_objective, n_trials=1)
    assert study.trials[0].state is tw.TrialState.COMPLETE
    study.optimize(_curve_objective, n_trials=20)
    assert study.scheduler._inner is not None and study.scheduler._inner.max_resource == 9


@pytest.mark.parametrize("kind", ["scheduler", "pruner", "sampler"])
def test_a_class_instead_of_an_instance_says_so(kind: str) -> None:
    cls = tw.samplers.TPESampler if kind == "sampler" else tw.schedulers.MedianScheduler
    with pytest.raises(TypeError, match=rf"is a class; pass an instance: {cls.__name__}\(\)"):
        tw.create_study(**{kind: cls})


# ---- reports: NaN, steps going backwards, inf and NaN results ---------------------------------
def test_nan_report_is_recorded_with_a_warning_and_pruned_like_optuna() -> None:
    study = _study(pruner=tw.pruners.MedianPruner(n_startup_trials=1))
    study.optimize(_curve_objective, n_trials=2)

    def nan_objective(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.report(float("nan"), 0)
        if trial.should_prune():
            raise tw.TrialPruned()
        return 1.0

    with pytest.warns(RuntimeWarning, match="reported NaN at step 0"):
        study.optimize(nan_objective, n_trials=1)
    last = study.trials[-1]
    assert last.state is tw.TrialState.PRUNED and math.isnan(last.intermediate_values[0])


def test_nan_report_is_stored_in_sqlite(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nan.db'}"
    study = tw.create_study(storage=url, pruner=tw.pruners.NopPruner())
    trial = study.ask()
    with pytest.warns(RuntimeWarning):
        trial.report(float("nan"), 0)
    trial.report(1.0, 1)
    study.tell(trial, 1.0)
    assert math.isnan(tw.load_study(study.study_name, url).trials[0].intermediate_values[0])


def test_steps_going_backwards_are_recorded_with_a_warning() -> None:
    study = _study()
    trial = study.ask()
    trial.report(0.5, 3)
    with pytest.warns(RuntimeWarning, match="step 1 after step 3"):
        trial.report(0.7, 1)
    with pytest.warns(UserWarning, match="reported step 1 again"):
        trial.report(0.9, 1)  # Optuna keeps the first value of a step
    study.tell(trial, 0.5)
    assert study.trials[0].intermediate_values == {1: 0.7, 3: 0.5}
    assert study.trials[0].last_step == 3


def test_infinite_result_is_complete_and_nan_result_fails_with_a_reason() -> None:
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(lambda t: math.inf if t.suggest_float("x", 0, 1) > 0.5 else t.params["x"], n_trials=15)
    assert all(t.state is tw.TrialState.COMPLETE for t in study.trials)
    assert any(t.value == math.inf for t in study.trials) and study.best_value < 0.5
    study.optimize(lambda t: float("nan"), n_trials=1)
    failed = study.trials[-1]
    assert failed.state is tw.TrialState.FAILED and "NaN result" in failed.system_attrs["fail_reason"]


# ---- logging ---------------------------------------------------------------------------------
def test_one_info_line_per_finished_trial_as_optuna_prints_it(caplog) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")
    study = _study()
    study.optimize(_quadratic, n_trials=3)
    lines = [r.getMessage() for r in caplog.records if r.name == "tunewise"]
    assert lines.pop(0) == f"A new study created in memory with name: {study.study_name}"  # Optuna's first line
    assert len(lines) == 3
    best = study.best_trial
    t2 = study.trials[2]
    assert lines[2] == (f"Trial 2 finished with value: {t2.value} and parameters: {t2.params}. "
                        f"Best is trial {best.number} with value: {best.value}.")
    caplog.clear()
    tw.logging.set_verbosity(tw.logging.WARNING)
    try:
        study.optimize(_quadratic, n_trials=2)
        assert not [r for r in caplog.records if r.name == "tunewise"]
    finally:
        tw.logging.set_verbosity(tw.logging.INFO)
    assert tw.logging.get_verbosity() == tw.logging.INFO
    study.tell(study.ask(), state=tw.TrialState.PRUNED)
    study.tell(study.ask(), -1.0)
    lines = [r.getMessage() for r in caplog.records if r.name == "tunewise"]
    assert lines[0] == "Trial 5 pruned."
    assert lines[1].endswith("Best is trial 6 with value: -1.0.")


def test_default_handler_prints_optunas_format_to_stderr_when_logging_is_not_set_up(capsys, caplog,
                                                                                     monkeypatch) -> None:
    caplog.set_level(logging.INFO, logger="tunewise")  # (other test modules lower it at import)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])  # as in a plain script (pytest installs its own)
    _study().optimize(_quadratic, n_trials=1)
    err = capsys.readouterr().err
    assert err.startswith("[I ") and "] Trial 0 finished with value: " in err


# ---- Ray habits: tw.report(dict), PBT population --------------------------------------------
def _train(config: dict) -> None:
    for epoch in range(3):
        tw.report({"val_loss": config["lr"] / (epoch + 1), "acc": 1 - config["lr"]})


def test_report_a_dict_with_the_metric_named_at_create_study() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), metric="val_loss")
    study.optimize(_train, space={"lr": tw.uniform(0, 1)}, n_trials=3)
    t = study.trials[0]
    assert t.value == pytest.approx(t.params["lr"] / 3)
    assert t.user_attrs["metrics"] == {"val_loss": t.value, "acc": 1 - t.params["lr"]}


def test_report_a_dict_names_the_metric_once() -> None:
    study = _study()
    trial = study.ask()
    with pytest.raises(ValueError, match="name the one to optimize once"):
        trial.report({"val_loss": 1.0, "acc": 0.5}, 0)
    trial.report({"val_loss": 1.0, "acc": 0.5}, 0, metric="val_loss")
    trial.report({"val_loss": 0.5, "acc": 0.6}, 1)  # the name is stored with the study
    with pytest.raises(ValueError, match="optimizes 'val_loss'"):
        trial.report({"val_loss": 0.5, "acc": 0.6}, 2, metric="acc")
    assert trial.intermediate_values == {0: 1.0, 1: 0.5}
    single = _study().ask()
    single.report({"loss": 0.3})  # one entry: that is the metric
    assert single.intermediate_values == {0: 0.3}


def test_pbt_population_as_ray_states_it_and_budget_messages() -> None:
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, num_samples=4, max_step=6, seed=0)
    assert pbt.population_size == 4 and pbt.trials_needed() == 12
    with pytest.raises(ValueError, match="pass one of them"):
        tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=3, num_samples=4)

    def objective(trial: tw.Trial) -> float:
        lr = trial.suggest_float("lr", 0.01, 1.0, log=True)
        state = trial.load_checkpoint()
        start = 0 if state is None else state["step"]
        for step in range(start + 1, 7):
            trial.report(lr * step, step)
            trial.save_checkpoint({"step": step})
            if trial.should_prune():
                raise tw.TrialPruned()
        return lr * 6

    study = tw.create_study(direction="maximize", scheduler=pbt, sampler=tw.samplers.RandomSampler(seed=0))
    with pytest.warns(UserWarning, match="n_trials counts segments.*Use n_trials=12"):
        study.optimize(objective, n_trials=4)  # Ray's habit: one trial per member
    with pytest.raises(ValueError, match="with PBT, n_trials counts segments"):
        _ = study.best_value
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(objective, n_trials=8)  # enough to finish: no warning
    assert len(study.get_trials(states=(tw.TrialState.COMPLETE,))) == 4
    assert study.best_value > 0


def test_best_value_hint_when_every_trial_was_pruned() -> None:
    study = _study()
    study.tell(study.ask(), state=tw.TrialState.PRUNED)
    with pytest.raises(ValueError, match="1 PRUNED.*every finished trial was pruned"):
        _ = study.best_value


def test_worker_on_a_new_study_without_direction_says_how_to_fix_it(tmp_path) -> None:
    from click.testing import CliRunner

    from tunewise.cli import main

    url = f"sqlite:///{tmp_path / 'w.db'}"
    result = CliRunner().invoke(main, ["worker", "--study", "new", "--storage", url, "--objective",
                                       "math:sqrt", "--n-trials", "1"])
    assert result.exit_code == 2
    assert "no study named 'new'" in result.output and "--direction minimize" in result.output


def test_report_a_dict_from_a_sweep_program_prints_the_sweeps_metric(monkeypatch, capsys) -> None:
    from tunewise import _env_report

    monkeypatch.setenv(_env_report.ENV_TRIAL, "0")
    monkeypatch.setenv(_env_report.ENV_METRIC, "val_loss")
    tw.report({"val_loss": 0.25, "acc": 0.9}, 2)
    assert capsys.readouterr().out == 'tunewise: {"val_loss": 0.25, "step": 2}\n'


# ---- session 13: names found missing by running optuna-examples --------------------------------
def _instances(trial: tw.Trial, offset: float, n: int = 12, order: list[int] | None = None) -> float:
    """Scores one configuration on n instances, reporting each at step = its index."""
    x = trial.suggest_float("x", 0, 1)
    losses = []
    for i in order or range(n):
        losses.append(offset + x + 0.01 * i)
        trial.report(losses[-1], i)
        if trial.should_prune():
            raise tw.TrialPruned()
    return sum(losses) / len(losses)


def test_wilcoxon_pruner_stops_a_worse_configuration_and_keeps_a_better_one() -> None:
    study = tw.create_study(pruner=tw.pruners.WilcoxonPruner(p_threshold=0.1, n_startup_steps=3))
    study.enqueue_trial({"x": 0.5})
    study.enqueue_trial({"x": 0.9})  # worse on every instance: stopped once the test is sure
    study.enqueue_trial({"x": 0.1})  # better on every instance: never stopped
    study.optimize(lambda t: _instances(t, 0.0), n_trials=3)
    base, worse, better = study.trials
    assert base.state == better.state == tw.TrialState.COMPLETE
    assert worse.state == tw.TrialState.PRUNED and 3 <= len(worse.intermediate_values) < 12


def test_wilcoxon_pruner_waits_for_its_startup_steps_and_stops_on_nan() -> None:
    study = tw.create_study(pruner=tw.pruners.WilcoxonPruner(n_startup_steps=13))
    study.enqueue_trial({"x": 0.1})
    study.enqueue_trial({"x": 0.9})
    study.optimize(lambda t: _instances(t, 0.0), n_trials=2)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 2  # never 13 pairs of 12 instances

    def nan_first(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        trial.report(math.nan, 0)
        if trial.should_prune():
            raise tw.TrialPruned()
        return 0.0

    study.optimize(nan_first, n_trials=1)
    assert study.trials[-1].state == tw.TrialState.PRUNED


def test_wilcoxon_pruner_takes_instances_in_any_order_without_warnings() -> None:
    study = tw.create_study(pruner=tw.pruners.WilcoxonPruner())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(lambda t: _instances(t, 0.0, order=[5, 2, 9, 0, 11, 1, 3, 4, 6, 7, 8, 10]), n_trials=3)
    assert all(sorted(t.intermediate_values) == list(range(12)) for t in study.trials
               if t.state == tw.TrialState.COMPLETE)
    with pytest.raises(ValueError, match="p_threshold"):
        tw.pruners.WilcoxonPruner(p_threshold=2)


def test_optuna_base_sampler_hooks_with_optunas_signatures() -> None:
    calls: list[tuple[str, object]] = []

    class Recorder(tw.samplers.BaseSampler):
        def infer_relative_search_space(self, study, trial):
            return tw.search_space.intersection_search_space(study.trials)

        def sample_relative(self, study, trial, search_space):
            assert study.direction == tw.study.StudyDirection.MINIMIZE == "minimize"
            return {name: dist.high for name, dist in search_space.items()}

        def sample_independent(self, study, trial, param_name, param_distribution):
            return param_distribution.low

        def before_trial(self, study, trial):
            calls.append(("before", trial.number))

        def after_trial(self, study, trial, state, values):
            calls.append(("after", (trial.number, state, values)))

    study = tw.create_study(sampler=Recorder())
    study.optimize(lambda t: t.suggest_float("x", 0, 2), n_trials=3)
    assert [t.params["x"] for t in study.trials] == [0.0, 2.0, 2.0]  # independent, then relative
    assert [c for c in calls if c[0] == "before"] == [("before", 0), ("before", 1), ("before", 2)]
    assert ("after", (1, tw.TrialState.COMPLETE, [2.0])) in calls


def test_intersection_search_space_keeps_parameters_every_complete_trial_shares() -> None:
    study = _study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + (t.suggest_int("n", 1, 3) if t.number % 2 else 0),
                   n_trials=4)
    assert list(tw.search_space.intersection_search_space(study.trials)) == ["x"]
    assert tw.search_space.intersection_search_space([]) == {}


@pytest.mark.parametrize("make", [
    lambda f: tw.samplers.TPESampler(seed=0, constraints_func=f),
    lambda f: tw.samplers.GPSampler(seed=0, constraints_func=f),
    lambda f: tw.samplers.NSGAIISampler(seed=0, constraints_func=f),
])
def test_constraints_func_given_to_the_sampler_reaches_the_study(make) -> None:
    def constraints(trial: tw.FrozenTrial) -> list[float]:
        return [trial.params["x"] - 0.5]  # feasible when x <= 0.5

    study = tw.create_study(sampler=make(constraints))
    assert study.constraints_func is constraints
    study.optimize(lambda t: -t.suggest_float("x", 0, 1), n_trials=12)
    assert study.best_trial.params["x"] <= 0.5
    assert all("constraints" in t.system_attrs for t in study.trials)


def test_max_trials_callback_counts_the_given_states() -> None:
    study = _study()
    cb = tw.study.MaxTrialsCallback(3, states=(tw.TrialState.COMPLETE,))

    def sometimes_pruned(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise tw.TrialPruned()
        return x

    study.optimize(sometimes_pruned, n_trials=20, callbacks=[cb])
    assert len(study.get_trials(states=(tw.TrialState.COMPLETE,))) == 3 and len(study.trials) == 5
    with pytest.raises(ValueError, match="n_trials"):
        tw.study.MaxTrialsCallback(-1)


def test_named_constraints_set_one_at_a_time_as_in_optuna_5(tmp_path) -> None:
    """Optuna 5's trial.set_constraint(key, value) (its FAQ's Binh and Korn example): each named
    value is kept in the order set; a name set twice keeps its first value, with a warning."""
    def binh_and_korn(trial: tw.Trial) -> tuple[float, float]:
        x, y = trial.suggest_float("x", -15, 30), trial.suggest_float("y", -15, 30)
        trial.set_constraint("c0", (x - 5) ** 2 + y ** 2 - 25)
        trial.set_constraint("c1", -((x - 8) ** 2) - (y + 3) ** 2 + 7.7)
        return 4 * x ** 2 + 4 * y ** 2, (x - 5) ** 2 + (y - 5) ** 2

    study = tw.create_study(directions=["minimize", "minimize"], storage=f"sqlite:///{tmp_path / 'c.db'}",
                            sampler=tw.samplers.NSGAIISampler(seed=0))
    study.optimize(binh_and_korn, n_trials=40)
    for t in study.trials:
        x, y = t.params["x"], t.params["y"]
        assert t.constraints == pytest.approx([(x - 5) ** 2 + y ** 2 - 25, -((x - 8) ** 2) - (y + 3) ** 2 + 7.7])
        assert t.system_attrs["constraint_names"] == ["c0", "c1"]
    feasible = [t for t in study.trials if max(t.constraints) <= 0]
    assert feasible and all(t in feasible for t in study.best_trials)
    with pytest.warns(UserWarning, match="'c0' is already set"):
        binh_and_korn(study.best_trials[0])  # the objective runs again on a FrozenTrial: values kept

    trial = study.ask()
    with pytest.raises(TypeError, match="give one named value"):
        trial.set_constraint(3, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must not be NaN"):
        trial.set_constraint("c0", math.nan)
    trial.set_constraint("c0", 1)
    with pytest.raises(ValueError, match="given by name"):
        trial.set_constraint([1.0, 2.0])
    fixed = tw.trial.FixedTrial({"x": 5.0, "y": 0.0})
    binh_and_korn(fixed)
    assert fixed.system_attrs["constraints"] == pytest.approx([-25.0, -10.3])
    made = tw.trial.create_trial(params={}, distributions={}, value=1.0, constraints={"b": 2.0, "a": -1.0})
    assert made.constraints == [2.0, -1.0] and made.system_attrs["constraint_names"] == ["b", "a"]


def test_set_metric_names_names_the_value_columns_and_the_pareto_axes(tmp_path) -> None:
    """Optuna's study.set_metric_names / study.metric_names (its docstring example), kept in the
    storage under Optuna's key; the names label trials_dataframe's value columns, in their order."""
    pytest.importorskip("pandas")
    url = f"sqlite:///{tmp_path / 'm.db'}"
    study = tw.create_study(study_name="m", storage=url, directions=["minimize", "minimize"])
    assert study.metric_names is None
    study.set_metric_names(["x**2", "x+1"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 10) ** 2, t.params["x"] + 1), n_trials=3)
    assert tw.load_study(study_name="m", storage=url).metric_names == ["x**2", "x+1"]
    df = study.trials_dataframe(multi_index=True)
    assert list(df.get("values").keys()) == ["x**2", "x+1"]
    assert list(study.trials_dataframe(attrs=("number", "values")).columns) == ["number", "values_x**2", "values_x+1"]

    single = _study(direction="maximize")
    single.set_metric_names(["accuracy"])
    single.optimize(_quadratic, n_trials=2)
    assert list(single.trials_dataframe(attrs=("number", "value")).columns) == ["number", "value_accuracy"]
    with pytest.raises(ValueError, match="has 1 objective"):
        single.set_metric_names(["a", "b"])
    with pytest.raises(TypeError, match="one per objective"):
        single.set_metric_names("accuracy")  # type: ignore[arg-type]
    pytest.importorskip("plotly")
    fig = tw.visualization.plot_pareto_front(study)
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("x**2", "x+1")


def test_load_study_without_a_name_opens_the_storages_only_study(tmp_path) -> None:
    """Optuna's load_study(study_name=None, storage=...) (its copy_study docstring example)."""
    url = f"sqlite:///{tmp_path / 'one.db'}"
    tw.create_study(study_name="only", storage=url).optimize(_quadratic, n_trials=2)
    study = tw.load_study(study_name=None, storage=url)
    assert study.study_name == "only" and len(study.trials) == 2
    tw.create_study(study_name="second", storage=url)
    with pytest.raises(ValueError, match=r"holds 2: \['only', 'second'\]; pass study_name="):
        tw.load_study(storage=url)
    with pytest.raises(TypeError, match="needs the study's name"):
        tw.delete_study(storage=url)


def test_grid_values_off_the_suggested_distribution_run_with_a_warning() -> None:
    """Optuna's GridSampler docstring grids x = -0.5, 0.5 for suggest_float("x", -5, 5, step=1) and
    runs them with a warning: so does tunewise (each trial records a distribution widened to hold
    its value). A parameter the grid does not name is an error."""
    study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [-0.5, 0.5]}))
    with pytest.warns(UserWarning, match=r"GridSampler's value -?0.5 for parameter 'x' is outside Float\(low=-5.0"):
        study.optimize(lambda t: t.suggest_float("x", -5, 5, step=1) ** 2)
    assert sorted(t.params["x"] for t in study.trials) == [-0.5, 0.5]
    assert all(t.distributions["x"] == tw.distributions.Float(-5.0, 5.0) for t in study.trials)
    with pytest.raises(ValueError, match="'y' is not in the GridSampler's search space"):
        tw.create_study(sampler=tw.samplers.GridSampler({"x": [1.0]})).optimize(
            lambda t: t.suggest_float("x", -5, 5) + t.suggest_float("y", 0, 1), n_trials=1)


def test_optunas_importance_evaluator_objects() -> None:
    """optuna.importance's evaluator classes (its PedAnovaImportanceEvaluator docstring example, with
    the evaluators tunewise has): evaluate() is unnormalized, get_param_importances normalizes."""
    pytest.importorskip("sklearn")
    from tunewise.importance import (
        FanovaImportanceEvaluator,
        MeanDecreaseImpurityImportanceEvaluator,
        PedAnovaImportanceEvaluator,
    )

    study = _study()
    study.optimize(lambda t: t.suggest_float("x1", -10, 10) + t.suggest_float("x2", -10, 10) / 1000, n_trials=60)
    for evaluator in (FanovaImportanceEvaluator(seed=1, n_trees=16), MeanDecreaseImpurityImportanceEvaluator(seed=1)):
        importance = tw.importance.get_param_importances(study, evaluator=evaluator)
        assert list(importance) == ["x1", "x2"] and sum(importance.values()) == pytest.approx(1.0)
        assert importance == tw.importance.get_param_importances(study, evaluator=evaluator)  # seeded
    raw = FanovaImportanceEvaluator(seed=1).evaluate(study, params=["x1", "x2"])
    assert list(raw) == ["x1", "x2"] and raw["x1"] > 0.9
    ped = tw.importance.get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert list(ped) == ["x1", "x2"] and sum(ped.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="n_trees=0"):
        FanovaImportanceEvaluator(n_trees=0)


@pytest.mark.parametrize("make", [
    lambda: tw.pruners.MedianPruner(n_startup_trials=2),
    lambda: tw.pruners.PercentilePruner(50.0, n_startup_trials=2),
    lambda: tw.pruners.SuccessiveHalvingPruner(),
    lambda: tw.pruners.HyperbandPruner(min_resource=1, max_resource=9),
    lambda: tw.pruners.ThresholdPruner(upper=4.0),
    lambda: tw.pruners.PatientPruner(tw.pruners.MedianPruner(n_startup_trials=2), patience=0),
    lambda: tw.pruners.PatientPruner(None, patience=1),
])
def test_a_pruner_of_ones_own_can_wrap_a_built_in_pruner_through_prune(make: Callable[[], Any]) -> None:
    # Optuna's pattern: class MyPruner(BasePruner): def prune(self, study, trial): return inner.prune(...).
    # Wrapped, the built-in rule stops the same trials at the same steps as when it is the pruner.
    class Wrapping(tw.pruners.BasePruner):
        def __init__(self) -> None:
            self.inner = make()

        def prune(self, study: Any, trial: Any) -> bool:
            decision = self.inner.prune(study, trial)
            assert isinstance(decision, bool)
            return decision

    def stops(pruner: Any) -> tuple[list[int | None], tw.Study]:
        study = tw.create_study(pruner=pruner)
        out: list[int | None] = []
        for value in (1.0, 2.0, 1.5, 3.0, 5.0, 0.5, 6.0):
            t = study.ask()
            stop = None
            for step in range(9):
                t.report(value + step / 10, step)
                if t.should_prune():
                    stop = step
                    break
            out.append(stop)
            if stop is None:
                study.tell(t, value)
        return out, study

    direct, _ = stops(make())
    wrapped, study = stops(Wrapping())
    assert wrapped == direct and any(s is not None for s in direct)
    # Called directly on a live trial, prune only decides: nothing is recorded.
    probe = study.ask()
    probe.report(7.0, 0)
    states = [t.state for t in study.trials]
    assert make().prune(study, probe) in (True, False)
    assert [t.state for t in study.trials] == states


@pytest.mark.parametrize("patience", [0, 1, 3])
@pytest.mark.parametrize("min_delta", [0.0, 0.05])
@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_patient_pruner_decides_as_optunas(patience: int, min_delta: float, direction: str) -> None:
    optuna = pytest.importorskip("optuna")
    rng = np.random.default_rng(patience * 10 + int(min_delta * 100))
    ours = tw.pruners.PatientPruner(None, patience=patience, min_delta=min_delta)
    theirs = optuna.pruners.PatientPruner(None, patience=patience, min_delta=min_delta)
    study = tw.create_study(direction=direction, pruner=ours)
    peer = optuna.create_study(direction=direction)
    agree = 0
    for _ in range(40):
        curve = np.round(np.cumsum(rng.normal(0.0, 0.1, int(rng.integers(1, 9)))), 2)
        if rng.random() < 0.2:
            curve[int(rng.integers(len(curve)))] = np.nan
        t, p = study.ask(), peer.ask()
        for step, v in enumerate(curve.tolist()):
            t.report(v, step)
            p.report(v, step)
        frozen = peer._storage.get_trial(p._trial_id)
        assert ours.prune(study, t) == theirs.prune(peer, frozen), (curve, patience, min_delta)
        agree += 1
        study.tell(t, 0.0)
        peer.tell(p, 0.0)
    assert agree == 40


def test_optuna_2_distribution_names_build_todays_distributions_with_a_future_warning() -> None:
    d = tw.distributions
    cases = [
        (lambda: d.UniformDistribution(0.0, 1.0), d.Float(0.0, 1.0)),
        (lambda: d.LogUniformDistribution(1e-3, 1.0), d.Float(1e-3, 1.0, log=True)),
        (lambda: d.DiscreteUniformDistribution(0.0, 1.0, 0.25), d.Float(0.0, 1.0, step=0.25)),
        (lambda: d.IntUniformDistribution(1, 9, step=2), d.Int(1, 9, step=2)),
        (lambda: d.IntLogUniformDistribution(1, 100), d.Int(1, 100, log=True)),
    ]
    for make, expected in cases:
        with pytest.warns(FutureWarning, match="Optuna's name from before version 3"):
            assert make() == expected
    # An Optuna 2 script adds a trial with them and reuses it.
    with pytest.warns(FutureWarning):
        dists = {"x": d.UniformDistribution(0.0, 1.0), "n": d.IntUniformDistribution(1, 5)}
    study = tw.create_study()
    study.add_trial(tw.trial.create_trial(params={"x": 0.5, "n": 3}, distributions=dists, value=1.0))
    t = study.ask(fixed_distributions=dists)
    assert 0.0 <= t.params["x"] <= 1.0 and t.params["n"] in range(1, 6)
    with pytest.warns(FutureWarning), pytest.raises(ValueError, match="step=1"):
        d.IntLogUniformDistribution(1, 100, step=2)


@pytest.mark.parametrize("value", [math.nan, math.inf, 1e-17, "foo", None])
def test_enqueue_trial_skip_if_exists_finds_the_same_configuration(value: Any, tmp_path) -> None:
    for storage in (None, f"sqlite:///{tmp_path / 'q.db'}"):
        study = tw.create_study(storage=storage)
        study.enqueue_trial({"x": value})
        study.enqueue_trial({"x": value}, skip_if_exists=True)  # NaN is the same NaN here
        study.enqueue_trial({"x": 0.0}, skip_if_exists=True)  # another value is not
        assert len(study.trials) == 2
