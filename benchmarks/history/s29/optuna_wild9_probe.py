"""Calls next to the ninth batch's scripts (the brief's list of calls earlier batches had little of), run under
Optuna and tunewise.

Each case prints one line that should not depend on sampled values (counts, states, types, key sets, column
names, axis titles, the exception's class), so the two outputs can be compared line by line:

    .venv/bin/python benchmarks/history/s29/optuna_wild9_probe.py optuna
    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s29/optuna_wild9_probe.py tunewise

Weighted to: plotly and matplotlib plots called with target= / params=, trials_dataframe(attrs=...) columns,
multi-objective best_trials and plot_pareto_front, Wilcoxon / Patient / Threshold pruners, QMCSampler, CmaEsSampler
(restart_strategy, source_trials, x0), GPSampler with constraints, JournalStorage on a file, study.stop() in
callbacks, trial.report with step gaps, FrozenTrial comparisons, IntersectionSearchSpace, distribution JSON.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import os
import sys
import tempfile
import traceback
import warnings

warnings.simplefilter("ignore")

PKG = "tunewise" if sys.argv[1:] == ["tunewise"] else "optuna"
if PKG == "tunewise":
    sys.modules["optuna"] = None  # type: ignore[assignment]
optuna = importlib.import_module(PKG)
TrialState = importlib.import_module(f"{PKG}.trial").TrialState


def mod(name):
    """``optuna.<sub>`` under Optuna, ``tunewise.<sub>`` under tunewise (what the scripts' import swap does)."""
    return importlib.import_module(name.replace("optuna", PKG, 1))


import matplotlib  # noqa: E402

matplotlib.use("Agg")

optuna.logging.set_verbosity(optuna.logging.WARNING)
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def states(study):
    counts: dict[str, int] = {}
    for t in study.trials:
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
    return dict(sorted(counts.items()))


def quad(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_float("y", -5, 5)
    return (x - 1) ** 2 + (y + 2) ** 2


def _try(fn):
    try:
        return repr(fn())
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


def _quad_study(n=8, seed=0):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(quad, n_trials=n)
    return study


def _mo_study(n=10, seed=0, names=None):
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=seed))
    if names:
        study.set_metric_names(names)

    def objective(trial):
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)
        return 4 * x**2 + 4 * y**2, -((x - 5) ** 2) - (y - 5) ** 2

    study.optimize(objective, n_trials=n)
    return study


def _axis_title(axis):
    title = getattr(axis, "title", None)
    return getattr(title, "text", None)


# --- plotly plots with target= / params= --------------------------------------------------------------------------


@case
def plotly_history_target_and_name():
    vis = mod("optuna.visualization")
    study = _quad_study()
    fig = vis.plot_optimization_history(study, target=lambda t: t.params["x"], target_name="X value")
    names = [tr.name for tr in fig.data]
    return f"type={type(fig).__name__} names={names} y={_axis_title(fig.layout.yaxis)} n0={len(fig.data[0].y)}"


@case
def plotly_slice_params_subset():
    vis = mod("optuna.visualization")
    study = _quad_study()
    fig = vis.plot_slice(study, params=["y"])
    one = (len(fig.data), _axis_title(fig.layout.xaxis), _axis_title(fig.layout.yaxis))
    fig2 = vis.plot_slice(study, params=["x", "y"], target=lambda t: -t.value, target_name="neg")
    return f"one={one} two_traces={len(fig2.data)} two_y={_axis_title(fig2.layout.yaxis)}"


@case
def plotly_slice_unknown_param_raises():
    vis = mod("optuna.visualization")
    study = _quad_study()
    return f"unknown={_try(lambda: vis.plot_slice(study, params=['nope']))}"


@case
def plotly_contour_params_and_target():
    vis = mod("optuna.visualization")
    study = _quad_study()
    fig = vis.plot_contour(study, params=["x", "y"], target=lambda t: t.value * 2, target_name="twice")
    kinds = sorted({type(tr).__name__ for tr in fig.data})
    return f"kinds={kinds} x={_axis_title(fig.layout.xaxis)} y={_axis_title(fig.layout.yaxis)}"


@case
def plotly_parallel_coordinate_target_name():
    vis = mod("optuna.visualization")
    study = _quad_study()
    fig = vis.plot_parallel_coordinate(study, params=["x", "y"], target=lambda t: t.params["y"], target_name="Y!")
    par = [tr for tr in fig.data if type(tr).__name__ == "Parcoords"]
    # Optuna 5.1 draws it with Scatter lines, the axis names as the x axis' tick labels
    labels = [d["label"] for d in par[0].dimensions] if par else list(fig.layout.xaxis.ticktext or [])
    return f"labels={labels}"


@case
def plotly_importances_target_name():
    vis = mod("optuna.visualization")
    study = _quad_study(12)
    fig = vis.plot_param_importances(study, target=lambda t: t.params["x"] ** 2, target_name="xsq")
    return f"traces={len(fig.data)} names={[tr.name for tr in fig.data]} x={_axis_title(fig.layout.xaxis)}"


@case
def plotly_edf_target_and_studies():
    vis = mod("optuna.visualization")
    a, b = _quad_study(seed=0), _quad_study(seed=1)
    fig = vis.plot_edf([a, b], target=lambda t: t.params["x"], target_name="X")
    return f"traces={len(fig.data)} x={_axis_title(fig.layout.xaxis)}"


@case
def plotly_rank_params():
    vis = mod("optuna.visualization")
    study = _quad_study()
    fig = vis.plot_rank(study, params=["x", "y"])
    return f"type={type(fig).__name__} ntr={len(fig.data) > 0}"


@case
def plotly_intermediate_values_step_gaps():
    vis = mod("optuna.visualization")
    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for step in (0, 5, 10, 30):
            trial.report(x * step, step)
        return x

    study.optimize(objective, n_trials=3)
    fig = vis.plot_intermediate_values(study)
    return f"traces={len(fig.data)} xs={list(fig.data[0].x)} names={sorted(tr.name for tr in fig.data)}"


@case
def plotly_multiobjective_history_needs_target():
    vis = mod("optuna.visualization")
    study = _mo_study()
    no_target = _try(lambda: vis.plot_optimization_history(study))
    fig = vis.plot_optimization_history(study, target=lambda t: t.values[0], target_name="v0")
    return f"no_target={no_target} with_target_y={_axis_title(fig.layout.yaxis)}"


# --- matplotlib plots with target= / params= ---------------------------------------------------------------------


@case
def matplotlib_slice_and_contour_params():
    mvis = mod("optuna.visualization.matplotlib")
    study = _quad_study()
    one = mvis.plot_slice(study, params=["x"])
    two = mvis.plot_slice(study, params=["x", "y"])
    cont = mvis.plot_contour(study, params=["x", "y"], target=lambda t: t.params["x"], target_name="X")
    shape = getattr(two, "shape", None)
    return (
        f"one={type(one).__name__} two={type(two).__name__}{list(shape) if shape is not None else ''} "
        f"contour={type(cont).__name__} contour_x={cont.get_xlabel() if hasattr(cont, 'get_xlabel') else '-'}"
    )


@case
def matplotlib_importances_and_history_target():
    mvis = mod("optuna.visualization.matplotlib")
    study = _quad_study(12)
    imp = mvis.plot_param_importances(study, target=lambda t: t.params["y"], target_name="Y")
    hist = mvis.plot_optimization_history(study, target=lambda t: t.params["x"], target_name="X")
    labels = [t.get_text() for t in hist.get_legend().get_texts()] if hist.get_legend() else []
    return f"imp={type(imp).__name__} imp_x={imp.get_xlabel()!r} hist_y={hist.get_ylabel()!r} legend={labels}"


@case
def matplotlib_parallel_and_edf_target():
    mvis = mod("optuna.visualization.matplotlib")
    study = _quad_study()
    par = mvis.plot_parallel_coordinate(study, params=["x", "y"], target_name="obj")
    edf = mvis.plot_edf(study, target=lambda t: t.params["x"], target_name="X")
    return f"par={type(par).__name__} edf={type(edf).__name__} edf_x={edf.get_xlabel()!r}"


@case
def matplotlib_pareto_front_three_objectives_targets():
    mvis = mod("optuna.visualization.matplotlib")
    study = optuna.create_study(directions=["minimize"] * 3, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1), t.params["x"] * 2), 10)
    ax = mvis.plot_pareto_front(study, targets=lambda t: (t.values[0], t.values[1]), target_names=["a", "b"])
    return f"type={type(ax).__name__} x={ax.get_xlabel()!r} y={ax.get_ylabel()!r}"


# --- multi-objective ----------------------------------------------------------------------------------------------


@case
def multiobjective_best_trials_and_single_best_raises():
    study = _mo_study()
    front = study.best_trials
    nums = [t.number for t in front]
    return (
        f"sorted={nums == sorted(nums)} all_complete={all(t.state == TrialState.COMPLETE for t in front)} "
        f"values_len={sorted({len(t.values) for t in front})} best_trial={_try(lambda: study.best_trial)} "
        f"best_value={_try(lambda: study.best_value)} best_params={_try(lambda: study.best_params)} "
        f"value={_try(lambda: front[0].value)}"
    )


@case
def multiobjective_plotly_pareto_front():
    vis = mod("optuna.visualization")
    study = _mo_study(12, names=["cost", "gain"])
    fig = vis.plot_pareto_front(study)
    fig2 = vis.plot_pareto_front(study, include_dominated_trials=False)
    fig3 = vis.plot_pareto_front(study, targets=lambda t: (t.values[1], t.values[0]), target_names=["g", "c"])
    return (
        f"traces={len(fig.data)} x={_axis_title(fig.layout.xaxis)} y={_axis_title(fig.layout.yaxis)} "
        f"only_front_traces={len(fig2.data)} swapped_x={_axis_title(fig3.layout.xaxis)}"
    )


@case
def multiobjective_metric_names_and_dataframe():
    study = _mo_study(4, names=["acc", "lat"])
    cols = list(study.trials_dataframe(attrs=("number", "values", "params")).columns)
    cols_no = list(_mo_study(3).trials_dataframe(attrs=("number", "values")).columns)
    return f"metric_names={study.metric_names} cols={cols} unnamed={cols_no}"


@case
def multiobjective_wrong_length_and_nan():
    study = optuna.create_study(directions=["minimize", "minimize"])
    outs = iter([(1.0, 2.0), (1.0,), (float("nan"), 1.0), [3.0, 4.0], (1.0, 2.0, 3.0)])
    study.optimize(lambda t: next(outs), n_trials=5)
    return f"states={[t.state.name for t in study.trials]} values={[t.values for t in study.trials]}"


@case
def multiobjective_ask_tell_values_list():
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=optuna.samplers.NSGAIISampler(seed=0))
    for _ in range(6):
        t = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
        study.tell(t, [t.params["x"], 1 - t.params["x"]])
    t = study.ask()
    wrong = _try(lambda: study.tell(t, 1.0).state.name)
    return (
        f"n={len(study.trials)} front={len(study.best_trials)} tell_scalar={wrong} last={study.trials[-1].state.name}"
    )


@case
def multiobjective_directions_enum():
    SD = mod("optuna.study").StudyDirection
    study = optuna.create_study(directions=[SD.MINIMIZE, "maximize"])
    return (
        f"dirs={[d.name for d in study.directions]} eq={study.directions == [SD.MINIMIZE, SD.MAXIMIZE]} "
        f"direction={_try(lambda: study.direction)}"
    )


# --- trials_dataframe column handling -------------------------------------------------------------------------------


@case
def dataframe_attrs_subset_and_state_strings():
    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.suggest_categorical("c", ["a", None])
        if trial.number == 1:
            raise optuna.TrialPruned()
        return x

    study.optimize(objective, n_trials=3)
    df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    return f"cols={list(df.columns)} states={list(df['state'])} index={list(df.index)}"


@case
def dataframe_multi_index_columns():
    study = _quad_study(3)
    study.trials[0]  # noqa: B018
    df = study.trials_dataframe(attrs=("number", "value", "params", "user_attrs"), multi_index=True)
    return f"cols={[tuple(c) for c in df.columns]}"


@case
def dataframe_intermediate_and_duration_dtypes():
    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 0)
        trial.report(x, 3)
        trial.set_user_attr("tag", "t")
        return x

    study.optimize(objective, n_trials=2)
    df = study.trials_dataframe()
    dtypes = {c: str(df[c].dtype) for c in ("datetime_start", "datetime_complete", "duration")}
    return f"cols={list(df.columns)} dtypes={dtypes}"


@case
def dataframe_running_and_waiting_rows():
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.5})
    study.ask()
    study.enqueue_trial({"x": 0.25})
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    df = study.trials_dataframe(attrs=("number", "state", "value", "params"))
    return f"rows={len(df)} states={list(df['state'])} params_x={[None if x != x else x for x in df['params_x']]}"


@case
def dataframe_empty_study():
    df = optuna.create_study().trials_dataframe()
    return f"empty={df.empty} cols={list(df.columns)}"


# --- pruners ---------------------------------------------------------------------------------------------------------


def _replay(pruner, series, direction="minimize"):
    """Enqueue fixed series of reports; return the pruned trial numbers (deterministic under both)."""
    study = optuna.create_study(direction=direction, pruner=pruner)
    for i in range(len(series)):
        study.enqueue_trial({"i": i})

    def objective(trial):
        i = trial.suggest_int("i", 0, len(series) - 1)
        values = series[i]
        for step, v in enumerate(values):
            trial.report(v, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return values[-1]

    study.optimize(objective, n_trials=len(series))
    return [t.number for t in study.trials if t.state == TrialState.PRUNED]


SERIES = [
    [5, 4, 3, 2, 1],
    [6, 5, 4, 3, 2],
    [4, 3, 2, 1, 0.5],
    [9, 9, 9, 9, 9],
    [5, 5, 5, 5, 5],
    [3, 2, 1, 0.5, 0.2],
    [8, 8.5, 9, 9.5, 10],
    [5, 4.5, 4, 3.5, 3],
]


@case
def patient_pruner_wrapping_median():
    P = optuna.pruners
    a = _replay(P.PatientPruner(P.MedianPruner(n_startup_trials=2), patience=1), SERIES)
    b = _replay(P.PatientPruner(P.MedianPruner(n_startup_trials=2), patience=0), SERIES)
    c = _replay(P.PatientPruner(None, patience=0), SERIES)
    return f"patience1={a} patience0={b} wrapped_none={c}"


@case
def patient_pruner_min_delta_wrapping_threshold():
    P = optuna.pruners
    a = _replay(P.PatientPruner(P.ThresholdPruner(upper=6.0), patience=1, min_delta=0.5), SERIES)
    b = _replay(P.ThresholdPruner(upper=6.0, n_warmup_steps=2), SERIES)
    c = _replay(P.ThresholdPruner(lower=1.0, interval_steps=2), SERIES)
    return f"patient_threshold={a} threshold_warmup={b} lower_interval={c}"


@case
def threshold_pruner_nan_and_bad_args():
    P = optuna.pruners
    pruned = _replay(P.ThresholdPruner(upper=100.0), [[1, 2], [1, float("nan")], [1, 3]])
    return (
        f"nan_pruned={pruned} no_bounds={_try(lambda: P.ThresholdPruner())} "
        f"lower_gt_upper={_try(lambda: P.ThresholdPruner(lower=2, upper=1))} "
        f"negative_patience={_try(lambda: P.PatientPruner(None, patience=-1))}"
    )


@case
def wilcoxon_pruner_replay():
    P = optuna.pruners
    # per-instance losses, the same instances (steps) for every trial, best trial first
    base = [1.0, 2.0, 1.5, 3.0, 2.5, 1.2, 2.2, 1.8, 2.8, 1.1]
    series = [base, [v + 1.0 for v in base], [v - 0.05 for v in base], [v * 3 for v in base], base[::-1]]
    a = _replay(P.WilcoxonPruner(p_threshold=0.1), series)
    b = _replay(P.WilcoxonPruner(p_threshold=0.1, n_startup_steps=8), series)
    c = _replay(P.WilcoxonPruner(p_threshold=0.5), series, direction="maximize")
    return f"p01={a} startup8={b} maximize_p05={c}"


@case
def wilcoxon_pruner_shuffled_step_ids_and_bad_args():
    P = optuna.pruners
    study = optuna.create_study(pruner=P.WilcoxonPruner(p_threshold=0.1))
    instances = list(range(12))
    for k in range(3):
        study.enqueue_trial({"w": [0.0, 2.0, -0.01][k]})

    def objective(trial):
        w = trial.suggest_float("w", -1, 3)
        order = instances[k_shift(trial.number) :] + instances[: k_shift(trial.number)]
        losses = []
        for idx in order:
            loss = (idx % 5) + w
            losses.append(loss)
            trial.report(loss, idx)
            if trial.should_prune():
                return sum(losses) / len(losses)  # the WilcoxonPruner docs' idiom: return, not raise
        return sum(losses) / len(losses)

    def k_shift(n):
        return (n * 5) % 12

    study.optimize(objective, n_trials=3)
    steps = [sorted(t.intermediate_values) == instances for t in study.trials]
    n_reports = [len(t.intermediate_values) for t in study.trials]
    return (
        f"states={[t.state.name for t in study.trials]} full_steps={steps} n_reports={n_reports} "
        f"bad_p={_try(lambda: P.WilcoxonPruner(p_threshold=1.5))} "
        f"bad_startup={_try(lambda: P.WilcoxonPruner(n_startup_steps=-1))}"
    )


@case
def report_step_gaps_and_repeat():
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=1, interval_steps=5))

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(0.5, 0)
        trial.report(0.7, 0)  # the same step again: Optuna warns and keeps the first
        trial.report(0.1, 10)
        trial.report(0.2, 25)
        return x

    study.optimize(objective, n_trials=2)
    t = study.trials[0]
    bad_step = []
    for step in (1.5, -1, "3"):
        t2 = study.ask()
        t2.suggest_float("x", 0, 1)
        bad_step.append(_try(lambda t2=t2, step=step: t2.report(1.0, step)))
        study.tell(t2, 1.0)
    return f"iv={t.intermediate_values} last_step={t.last_step} bad_steps={bad_step}"


@case
def report_value_types():
    import numpy as np

    study = optuna.create_study()
    t = study.ask()
    t.report(np.float32(0.5), 0)
    t.report(np.int64(2), 1)
    bad = _try(lambda: t.report("x", 2))
    bad2 = _try(lambda: t.report(None, 3))
    study.tell(t, 1.0)
    iv = study.trials[0].intermediate_values
    return f"iv={iv} types={[type(v).__name__ for v in iv.values()]} str={bad} none={bad2}"


# --- samplers ---------------------------------------------------------------------------------------------------------


@case
def qmc_sampler_sobol_unscrambled_points():
    study = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=False, seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", -1, 1), n_trials=6)
    pts = [(round(t.params["x"], 4), round(t.params["y"], 4)) for t in study.trials]
    return f"points={pts}"


@case
def qmc_sampler_halton_and_categorical():
    s = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="halton", scramble=True, seed=1))

    def objective(trial):
        x = trial.suggest_float("x", 1e-3, 1, log=True)
        n = trial.suggest_int("n", 1, 9)
        c = trial.suggest_categorical("c", ["a", "b"])
        return x + n + (c == "a")

    s.optimize(objective, n_trials=8)
    ok = all(1e-3 <= t.params["x"] <= 1 and 1 <= t.params["n"] <= 9 for t in s.trials)
    bad = _try(lambda: optuna.samplers.QMCSampler(qmc_type="lhs"))
    return f"n={len(s.trials)} in_range={ok} distinct_x={len({t.params['x'] for t in s.trials})} bad_type={bad}"


@case
def cmaes_restart_strategy_and_popsize():
    s = optuna.samplers.CmaEsSampler(restart_strategy="ipop", inc_popsize=2, popsize=4, seed=0, n_startup_trials=2)
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=14)
    bad = _try(lambda: optuna.samplers.CmaEsSampler(restart_strategy="nope"))
    return f"states={states(study)} bad_strategy={bad}"


@case
def cmaes_source_trials_warm_start():
    src = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    src.optimize(quad, n_trials=12)
    s = optuna.samplers.CmaEsSampler(source_trials=src.trials, seed=0)
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=6)
    both = _try(lambda: optuna.samplers.CmaEsSampler(source_trials=src.trials, x0={"x": 0, "y": 0}))
    sep = _try(lambda: optuna.samplers.CmaEsSampler(source_trials=src.trials, use_separable_cma=True))
    return f"states={states(study)} with_x0={both} with_sep={sep}"


@case
def cmaes_x0_sigma0_margin_int():
    s = optuna.samplers.CmaEsSampler(x0={"x": 1.0, "n": 3}, sigma0=0.5, with_margin=True, seed=0)
    study = optuna.create_study(sampler=s)
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2 + t.suggest_int("n", 0, 6), n_trials=8)
    ints = all(isinstance(t.params["n"], int) for t in study.trials)
    return f"states={states(study)} ints={ints}"


@case
def cmaes_lr_adapt_and_separable_with_categorical():
    s = optuna.samplers.CmaEsSampler(lr_adapt=True, seed=0)
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=5)
    s2 = optuna.samplers.CmaEsSampler(use_separable_cma=True, seed=0, warn_independent_sampling=False)
    st2 = optuna.create_study(sampler=s2)
    st2.optimize(lambda t: quad(t) + (t.suggest_categorical("c", ["a", "b"]) == "a"), n_trials=5)
    both = _try(lambda: optuna.samplers.CmaEsSampler(lr_adapt=True, use_separable_cma=True))
    return f"lr={states(study)} sep={states(st2)} lr_and_sep={both}"


def _constraints(trial):
    return (trial.user_attrs["c"],)


def _constrained_objective(trial):
    x = trial.suggest_float("x", -3, 3)
    y = trial.suggest_float("y", -3, 3)
    trial.set_user_attr("c", 1.0 - (x + y))  # feasible when x + y >= 1
    return x**2 + y**2


@case
def gp_sampler_constraints_func():
    s = optuna.samplers.GPSampler(seed=0, constraints_func=_constraints, n_startup_trials=5)
    study = optuna.create_study(sampler=s)
    study.optimize(_constrained_objective, n_trials=12)
    cons = [t.system_attrs.get("constraints") for t in study.trials]
    best = study.best_trial
    return (
        f"n={len(study.trials)} constraints_stored={all(c is not None and len(c) == 1 for c in cons)} "
        f"best_feasible={best.user_attrs['c'] <= 0}"
    )


@case
def gp_sampler_deterministic_and_multiobjective():
    s = optuna.samplers.GPSampler(seed=0, deterministic_objective=True, n_startup_trials=3)
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=6)
    mo = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.GPSampler(seed=0))
    mo.optimize(lambda t: (quad(t), t.params["x"] ** 2), n_trials=12)
    return f"single={states(study)} mo={states(mo)} front_nonempty={len(mo.best_trials) > 0}"


@case
def best_trial_respects_constraints_tpe():
    s = optuna.samplers.TPESampler(seed=0, constraints_func=_constraints, n_startup_trials=4)
    study = optuna.create_study(sampler=s)
    study.optimize(_constrained_objective, n_trials=10)
    feasible = [t for t in study.trials if t.user_attrs["c"] <= 0]
    best = study.best_trial
    return f"best_is_feasible={best.user_attrs['c'] <= 0 if feasible else 'no-feasible'}"


@case
def tpe_multivariate_group_conditional():
    s = optuna.samplers.TPESampler(multivariate=True, group=True, seed=0, n_startup_trials=3)
    study = optuna.create_study(sampler=s)

    def objective(trial):
        kind = trial.suggest_categorical("kind", ["lin", "rbf"])
        if kind == "lin":
            return trial.suggest_float("c", 1e-3, 1, log=True)
        return trial.suggest_float("gamma", 1e-3, 1, log=True) + trial.suggest_int("deg", 1, 3)

    study.optimize(objective, n_trials=12)
    keys = sorted({tuple(sorted(t.params)) for t in study.trials})
    return f"states={states(study)} key_sets={keys}"


# --- search spaces and distributions ---------------------------------------------------------------------------


def _conditional_study():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        a = trial.suggest_float("a", 0, 1)
        if trial.number % 2:
            trial.suggest_int("b", 1, 5)
        if trial.number == 3:
            raise optuna.TrialPruned()
        return a

    study.optimize(objective, n_trials=5)
    return study


@case
def intersection_search_space_class():
    ss = mod("optuna.search_space")
    study = _conditional_study()
    space = ss.IntersectionSearchSpace().calculate(study)
    space_pruned = ss.IntersectionSearchSpace(include_pruned=True).calculate(study)
    return f"keys={list(space)} types={[type(d).__name__ for d in space.values()]} with_pruned={list(space_pruned)}"


@case
def intersection_search_space_function_and_sampler_import():
    ss = mod("optuna.search_space")
    study = optuna.create_study()
    study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_int("b", 1, 3), n_trials=3)
    fn = ss.intersection_search_space(study.get_trials(deepcopy=False))
    old = _try(lambda: optuna.samplers.IntersectionSearchSpace)
    return f"fn_keys={sorted(fn)} samplers_attr={'ok' if not old.endswith('Error') else old}"


@case
def distribution_json_text_and_legacy():
    D = optuna.distributions
    texts = [
        D.distribution_to_json(D.FloatDistribution(0.1, 1.0, log=True)),
        D.distribution_to_json(D.IntDistribution(1, 9, step=2)),
        D.distribution_to_json(D.CategoricalDistribution([True, None, 1.5, "s"])),
    ]
    legacy = [
        '{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 1.0}}',
        '{"name": "LogUniformDistribution", "attributes": {"low": 0.001, "high": 1.0}}',
        '{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 9, "step": 2}}',
        '{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.25}}',
    ]
    back = [D.json_to_distribution(t) for t in legacy]
    reprs = [(type(b).__name__, getattr(b, "log", None), getattr(b, "step", None)) for b in back]
    return f"texts={texts} legacy={reprs}"


@case
def distribution_json_roundtrip_equality_and_hash():
    D = optuna.distributions
    ds = [
        D.FloatDistribution(-1.0, 1.0, step=0.5),
        D.IntDistribution(1, 64, log=True),
        D.CategoricalDistribution(["a", None, 3]),
    ]
    back = [D.json_to_distribution(D.distribution_to_json(d)) for d in ds]
    hashes = [hash(a) == hash(b) for a, b in zip(ds, back)]
    single = [d.single() for d in ds] + [D.FloatDistribution(1.0, 1.0).single()]
    internal = [ds[2].to_internal_repr(None), ds[2].to_external_repr(1.0)]
    return f"eq={[a == b for a, b in zip(ds, back)]} hash={hashes} single={single} internal={internal}"


@case
def distribution_json_bad_inputs():
    D = optuna.distributions
    a = _try(lambda: D.json_to_distribution('{"name": "Nope", "attributes": {}}'))
    b = _try(lambda: D.json_to_distribution("not json"))
    c = _try(lambda: D.CategoricalDistribution([]))
    d = _try(lambda: D.FloatDistribution(1, 0))
    e = _try(lambda: D.FloatDistribution(0, 1, log=True))
    return f"unknown={a} not_json={b} empty_cat={c} low_gt_high={d} log_zero={e}"


@case
def distributions_contains_and_compat():
    D = optuna.distributions
    f = D.FloatDistribution(0, 1, step=0.25)
    i = D.IntDistribution(0, 10, step=5)
    c = D.CategoricalDistribution(["a", "b"])
    cc = _try(lambda: D.check_distribution_compatibility(c, D.CategoricalDistribution(["a", "c"])))
    fi = _try(lambda: D.check_distribution_compatibility(f, i))
    ff = _try(lambda: D.check_distribution_compatibility(f, D.FloatDistribution(0, 2, step=0.25)))
    return f"compat_cat={cc} float_int={fi} float_other_range={ff} int_repr={i.to_external_repr(5.0)!r}"


# --- FrozenTrial ---------------------------------------------------------------------------------------------------


@case
def frozen_trial_comparisons_and_hash():
    study = _quad_study(4)
    a, b = study.trials[0], study.trials[1]
    a2 = study.get_trials()[0]
    dc = copy.deepcopy(a)
    return (
        f"lt={a < b} le={a <= b} eq_other_list={a == a2} eq_deepcopy={dc == a} "
        f"hash={_try(lambda: hash(a) == hash(a2))} sorted={[t.number for t in sorted(study.trials, reverse=True)]} "
        f"max={max(study.trials).number} eq_int={a == 0}"
    )


@case
def frozen_trial_properties():
    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, 0)
        trial.report(x, 7)
        return x

    study.optimize(objective, n_trials=1)
    t = study.trials[0]
    return (
        f"last_step={t.last_step} duration={type(t.duration).__name__} start={type(t.datetime_start).__name__} "
        f"private_trial_id={_try(lambda: type(t._trial_id).__name__)} number={t.number} "
        f"value_values={t.value == t.values[0]} "
        f"repr_head={repr(t)[:12]} distributions={list(t.distributions)}"
    )


@case
def frozen_trial_suggest_and_validate():
    study = _quad_study(2)
    t = study.trials[0]
    again = t.suggest_float("x", -5, 5) == t.params["x"]
    missing = _try(lambda: t.suggest_float("zz", 0, 1))
    t3 = copy.deepcopy(t)
    t3.value = None
    v = _try(lambda: t3._validate())
    ft = optuna.trial.FrozenTrial
    made = _try(
        lambda: (
            ft(
                number=0,
                state=TrialState.COMPLETE,
                value=1.0,
                datetime_start=None,
                datetime_complete=None,
                params={},
                distributions={},
                user_attrs={},
                system_attrs={},
                intermediate_values={},
                trial_id=0,
            ).state.name
        )
    )
    return f"suggest_again={again} missing={missing} validate_complete_no_value={v} constructor={made}"


# --- JournalStorage on a file ---------------------------------------------------------------------------------------


@case
def journal_file_storage_roundtrip():
    J = mod("optuna.storages.journal")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "journal.log")
        storage = optuna.storages.JournalStorage(J.JournalFileBackend(path))
        study = optuna.create_study(storage=storage, study_name="j", direction="maximize")
        study.optimize(quad, n_trials=3)
        study.set_user_attr("k", [1, 2])
        other = optuna.storages.JournalStorage(J.JournalFileBackend(path))
        back = optuna.load_study(study_name="j", storage=other)
        names = optuna.get_all_study_names(storage=other)
        dup = _try(lambda: optuna.create_study(storage=other, study_name="j"))
        return (
            f"n={len(back.trials)} direction={back.direction.name} ua={back.user_attrs} names={names} dup={dup} "
            f"file_nonempty={os.path.getsize(path) > 0}"
        )


@case
def journal_file_storage_locks_and_legacy_names():
    J = mod("optuna.storages.journal")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "j.log")
        b1 = J.JournalFileBackend(path, lock_obj=J.JournalFileOpenLock(path))
        s1 = optuna.storages.JournalStorage(b1)
        study = optuna.create_study(storage=s1)
        study.optimize(quad, n_trials=2)
        legacy = _try(lambda: type(optuna.storages.JournalFileStorage(path)).__name__)
        sym = _try(lambda: type(J.JournalFileSymlinkLock(path)).__name__)
        return f"n={len(study.trials)} legacy={legacy} symlink_lock={sym} study_name_auto={study.study_name != ''}"


@case
def journal_storage_n_jobs_and_load_if_exists():
    J = mod("optuna.storages.journal")
    with tempfile.TemporaryDirectory() as d:
        storage = optuna.storages.JournalStorage(J.JournalFileBackend(os.path.join(d, "p.log")))
        s1 = optuna.create_study(storage=storage, study_name="p", load_if_exists=True)
        s1.optimize(quad, n_trials=6, n_jobs=2)
        s2 = optuna.create_study(storage=storage, study_name="p", load_if_exists=True)
        s2.optimize(quad, n_trials=2)
        nums = sorted(t.number for t in s2.trials)
        return f"n={len(s2.trials)} numbers={nums} states={states(s2)}"


# --- study.stop() inside callbacks ------------------------------------------------------------------------------


@case
def stop_in_callback_then_optimize_again():
    calls = []

    def cb(study, trial):
        calls.append(trial.number)
        if len(study.trials) == 3:
            study.stop()

    study = optuna.create_study()
    study.optimize(quad, n_trials=20, callbacks=[cb])
    first = len(study.trials)
    study.optimize(quad, n_trials=2)
    return f"first={first} after={len(study.trials)} calls={calls}"


@case
def stop_in_callback_with_n_jobs():
    def cb(study, trial):
        if trial.number >= 3:
            study.stop()

    study = optuna.create_study()
    study.optimize(quad, n_trials=40, n_jobs=2, callbacks=[cb])
    n = len(study.trials)
    return f"stopped_early={n < 10} all_finished={all(t.state.is_finished() for t in study.trials)}"


@case
def stop_in_callback_best_value_guard():
    # a callback that reads study.best_value while the first trials fail / are pruned
    seen = []

    def cb(study, trial):
        try:
            seen.append(round(study.best_value, 3))
        except ValueError:
            seen.append("ValueError")
        if trial.number == 3:
            study.stop()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            raise optuna.TrialPruned()
        if trial.number == 1:
            raise RuntimeError("boom")
        return 1.0

    study = optuna.create_study()
    study.optimize(objective, n_trials=10, callbacks=[cb], catch=(RuntimeError,))
    return f"seen={seen} n={len(study.trials)}"


@case
def stop_in_callback_with_timeout_and_max_trials():
    MaxTrialsCallback = mod("optuna.study").MaxTrialsCallback
    study = optuna.create_study()
    study.optimize(quad, n_trials=None, timeout=30, callbacks=[MaxTrialsCallback(4, states=(TrialState.COMPLETE,))])
    return f"n={len(study.trials)}"


# --- misc next to the scripts ----------------------------------------------------------------------------------------


@case
def get_trials_states_and_deepcopy():
    study = _conditional_study()
    c = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    p = study.get_trials(states=[TrialState.PRUNED])
    return f"complete={[t.number for t in c]} pruned={[t.number for t in p]} type={type(c).__name__}"


@case
def suggest_float_bad_combinations():
    study = optuna.create_study()
    t = study.ask()
    a = _try(lambda: t.suggest_float("a", 1e-3, 1, log=True, step=0.1))
    b = _try(lambda: t.suggest_float("b", 0, 1, step=0.3))  # high not a multiple: Optuna warns, adjusts
    c = _try(lambda: t.suggest_int("c", 0, 10, step=3))
    d = _try(lambda: t.suggest_float("a", 0, 2))  # same name, another range
    ok = [x if x.endswith("Error") else "ok" for x in (a, b, c, d)]
    db = t.distributions.get("b")
    return f"errors={ok} dist_b=({db.low}, {db.high}, step={db.step})"


@case
def enqueue_skip_if_exists_and_user_attrs_on_best():
    study = optuna.create_study()
    study.enqueue_trial({"x": 1.0, "y": -2.0}, user_attrs={"src": "seed"})
    study.enqueue_trial({"x": 1.0, "y": -2.0}, skip_if_exists=True)
    study.optimize(quad, n_trials=3)
    return f"n={len(study.trials)} first={study.trials[0].params} best_ua={study.best_trial.user_attrs}"


@case
def best_trial_ties_and_inf():
    study = optuna.create_study()
    vals = iter([2.0, 1.0, 1.0, float("inf"), -float("inf")])
    study.optimize(lambda t: next(vals), n_trials=5)
    study2 = optuna.create_study(direction="maximize")
    vals2 = iter([1.0, 3.0, 3.0])
    study2.optimize(lambda t: next(vals2), n_trials=3)
    return f"min_best={study.best_trial.number} min_value={study.best_value} max_best={study2.best_trial.number}"


# --- integrations (optuna_integration under Optuna, tunewise.integration under tunewise) --------------------------


def integ():
    return importlib.import_module("tunewise.integration" if PKG == "tunewise" else "optuna_integration")


def _lgb_data():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0)


@case
def lightgbm_sklearn_fit_pruning_callback():
    import lightgbm as lgb

    Xtr, Xva, ytr, yva = _lgb_data()
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=1, n_warmup_steps=3))
    for lr in (0.2, 0.001, 0.3):
        study.enqueue_trial({"lr": lr})

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 0.5, log=True)
        model = lgb.LGBMClassifier(n_estimators=15, learning_rate=lr, verbose=-1, random_state=0)
        cb = integ().LightGBMPruningCallback(trial, "binary_logloss")
        model.fit(Xtr, ytr, eval_set=[(Xva, yva)], eval_metric="binary_logloss", callbacks=[cb])
        return model.best_score_["valid_0"]["binary_logloss"]

    study.optimize(objective, n_trials=3)
    return f"states={[t.state.name for t in study.trials]} steps={[len(t.intermediate_values) for t in study.trials]}"


@case
def lightgbm_train_pruning_callback_valid_name():
    import lightgbm as lgb

    Xtr, Xva, ytr, yva = _lgb_data()
    study = optuna.create_study(direction="maximize")

    def objective(trial):
        dtrain = lgb.Dataset(Xtr, label=ytr)
        dvalid = lgb.Dataset(Xva, label=yva)
        params = {
            "objective": "binary",
            "metric": "auc",
            "verbosity": -1,
            "seed": 0,
            "num_leaves": trial.suggest_int("num_leaves", 2, 8),
        }
        cb = integ().LightGBMPruningCallback(trial, "auc", valid_name="validation")
        booster = lgb.train(
            params, dtrain, num_boost_round=5, valid_sets=[dvalid], valid_names=["validation"], callbacks=[cb]
        )
        return booster.best_score["validation"]["auc"]

    study.optimize(objective, n_trials=2)
    bad = _try(
        lambda: study.optimize(
            lambda t: (
                lgb.train(
                    {"objective": "binary", "verbosity": -1},
                    lgb.Dataset(Xtr, label=ytr),
                    2,
                    valid_sets=[lgb.Dataset(Xva, label=yva)],
                    callbacks=[integ().LightGBMPruningCallback(t, "auc")],
                ).best_score
            ),
            n_trials=1,
        )
    )
    return f"states={states(study)} steps={[sorted(t.intermediate_values) for t in study.trials]} missing_metric={bad}"


@case
def xgboost_sklearn_callbacks_pruning():
    import xgboost as xgb

    Xtr, Xva, ytr, yva = _lgb_data()
    study = optuna.create_study()

    def objective(trial):
        cb = integ().XGBoostPruningCallback(trial, "validation_0-logloss")
        model = xgb.XGBClassifier(
            n_estimators=6,
            max_depth=trial.suggest_int("max_depth", 2, 4),
            callbacks=[cb],
            eval_metric="logloss",
            random_state=0,
        )
        model.fit(Xtr, ytr, eval_set=[(Xva, yva)], verbose=False)
        return float(model.evals_result()["validation_0"]["logloss"][-1])

    study.optimize(objective, n_trials=2)
    return f"states={states(study)} steps={[sorted(t.intermediate_values) for t in study.trials]}"


@case
def lightning_pruning_callback_trainer():
    import lightning.pytorch as pl
    import torch

    class Tiny(pl.LightningModule):
        def __init__(self, lr):
            super().__init__()
            self.lr = lr
            self.layer = torch.nn.Linear(4, 1)

        def training_step(self, batch, _):
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)

        def validation_step(self, batch, _):
            x, y = batch
            self.log("val_loss", torch.nn.functional.mse_loss(self.layer(x), y))

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.lr)

    g = torch.Generator().manual_seed(0)
    X = torch.randn(64, 4, generator=g)
    y = X.sum(1, keepdim=True)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=16)

    def objective(trial):
        torch.manual_seed(0)
        model = Tiny(trial.suggest_float("lr", 1e-3, 1e-1, log=True))
        cb = integ().PyTorchLightningPruningCallback(trial, monitor="val_loss")
        trainer = pl.Trainer(
            max_epochs=3,
            callbacks=[cb],
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            accelerator="cpu",
        )
        trainer.fit(model, train_dataloaders=loader, val_dataloaders=loader)
        return trainer.callback_metrics["val_loss"].item()

    import logging as _logging

    _logging.getLogger("lightning.pytorch").setLevel(_logging.ERROR)
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    study.optimize(objective, n_trials=2)
    bad = _try(lambda: integ().PyTorchLightningPruningCallback(object(), monitor="val_loss"))
    return f"states={states(study)} steps={[sorted(t.intermediate_values) for t in study.trials]} bad_trial={bad}"


@case
def optuna_search_cv_attributes():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True)
    D = optuna.distributions
    search = integ().OptunaSearchCV(
        LogisticRegression(max_iter=200),
        {"C": D.FloatDistribution(1e-3, 10, log=True)},
        n_trials=4,
        cv=3,
        random_state=0,
        refit=True,
    )
    search.fit(X, y)
    keys = sorted(k for k in search.cv_results_ if not k.startswith(("split", "param_")))
    ua = sorted(search.trials_[0].user_attrs)
    return (
        f"n_trials_={search.n_trials_} best_index_={type(search.best_index_).__name__} keys={keys} "
        f"trial_user_attrs={ua} study_dir={search.study_.direction.name} params={sorted(search.best_params_)} "
        f"predict={search.predict(X[:2]).tolist()} classes={search.classes_.tolist()}"
    )


@case
def mlflow_callback_nested_in_parent_run():
    import mlflow

    with tempfile.TemporaryDirectory() as d:
        uri = f"sqlite:///{d}/mlflow.db"
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment("probe9")
        cb = integ().MLflowCallback(
            tracking_uri=uri, metric_name="score", create_experiment=False, mlflow_kwargs={"nested": True}
        )
        with mlflow.start_run(run_name="parent"):
            study = optuna.create_study(study_name="nested9")
            study.optimize(quad, n_trials=2, callbacks=[cb])
        runs = mlflow.search_runs(experiment_names=["probe9"])
        child = runs[runs["tags.mlflow.runName"] != "parent"]
        cols = sorted(c for c in child.columns if c.startswith(("metrics.", "params.")))
        parent_tag = "tags.mlflow.parentRunId" in runs.columns and child["tags.mlflow.parentRunId"].notna().all()
        mlflow.set_tracking_uri("")
        return f"runs={len(runs)} child_cols={cols} children_have_parent={bool(parent_tag)}"


@case
def categorical_tuple_choices_refit():
    # the NLP refit: suggest_categorical("ngram_range", [(1, 1), (1, 2)]) then TfidfVectorizer(**best_params)
    from sklearn.feature_extraction.text import TfidfVectorizer

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = []

    def objective(trial):
        ngram = trial.suggest_categorical("ngram_range", [(1, 1), (1, 2)])
        layers = trial.suggest_categorical("layers", [[8], [8, 8]])
        seen.append((type(ngram).__name__, type(layers).__name__))
        return ngram[1] + len(layers)

    study.optimize(objective, n_trials=4)
    best = study.best_params
    docs = ["alpha beta", "beta gamma"]
    refit = _try(lambda: type(TfidfVectorizer(ngram_range=best["ngram_range"]).fit(docs)).__name__)
    return (
        f"objective_got={sorted(set(seen))} best_params={type(best['ngram_range']).__name__},"
        f"{type(best['layers']).__name__} best_trial={type(study.best_trial.params['ngram_range']).__name__} "
        f"refit={refit}"
    )


@case
def lightgbm_tuner_best_params_keys():
    # optuna.integration.lightgbm: scripts print / index tuner.best_params and model.params after lgb.train
    import lightgbm as lgb

    lgbo = mod("optuna.integration.lightgbm")
    Xtr, Xva, ytr, yva = _lgb_data()
    params = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "seed": 0, "num_threads": 1}
    tuned = (
        "lambda_l1",
        "lambda_l2",
        "num_leaves",
        "feature_fraction",
        "bagging_fraction",
        "bagging_freq",
        "min_child_samples",
    )
    tuner = lgbo.LightGBMTuner(
        dict(params),
        lgb.Dataset(Xtr, ytr),
        valid_sets=[lgb.Dataset(Xva, yva)],
        num_boost_round=2,
        optuna_seed=0,
        show_progress_bar=False,
    )
    before = sorted(k for k in tuner.best_params if k in tuned)
    model = lgbo.train(
        dict(params),
        lgb.Dataset(Xtr, ytr),
        valid_sets=[lgb.Dataset(Xva, yva)],
        num_boost_round=2,
        optuna_seed=0,
        show_progress_bar=False,
    )
    after = sorted(k for k in model.params if k in tuned)
    return f"before_run={before} after_train={after} booster={type(model).__name__}"


def main() -> None:
    only = os.environ.get("PROBE_ONLY", "")
    for fn in CASES:
        if only and only not in fn.__name__:
            continue
        try:
            line = fn()
        except Exception as exc:  # noqa: BLE001
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            line = f"ERROR {type(exc).__name__}: {str(exc)[:150]} (at {os.path.basename(tb.filename)}:{tb.lineno})"
        print(f"{fn.__name__}: {line}", flush=True)


if __name__ == "__main__":
    json  # noqa: B018  (kept for cases that print JSON text)
    math  # noqa: B018
    main()
