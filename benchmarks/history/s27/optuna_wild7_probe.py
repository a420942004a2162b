"""Calls next to the seventh batch's scripts, the same API with other arguments, run under Optuna and tunewise.

Each case prints one line that should not depend on sampled values (counts, states, types, the exception's
class), so the two outputs can be compared line by line:

    PYTHONPATH=/tmp/s24w/extra .venv/bin/python benchmarks/history/s27/optuna_wild7_probe.py optuna
    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s27/optuna_wild7_probe.py tunewise
"""

from __future__ import annotations

import json
import math
import os
import pickle
import sys
import tempfile
import traceback
import warnings

warnings.simplefilter("ignore")

if sys.argv[1:] == ["tunewise"]:
    sys.modules["optuna"] = None  # type: ignore[assignment]
    import tunewise as optuna
    from tunewise.trial import TrialState
else:
    import optuna
    from optuna.trial import TrialState

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


@case
def direction_as_json():
    # anna: json.dump({"direction": study.direction})
    study = optuna.create_study(direction="minimize")
    d = study.direction
    return f"json={json.dumps(d)} str={d!s} int_ok={_try(lambda: int(d))} eq1={d == 1} name={d.name}"


def _try(fn):
    try:
        return repr(fn())
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


@case
def directions_as_json_two_objectives():
    study = optuna.create_study(directions=["minimize", "maximize"])
    return f"json={json.dumps(study.directions)} names={[d.name for d in study.directions]}"


@case
def catch_trial_pruned_tuple():
    # sisyphus: optimize(catch=(TrialPruned,)) and an objective that raises TrialPruned after trial 5
    def objective(trial):
        x = trial.suggest_int("x", 0, 1)
        if trial.number >= 5:
            raise optuna.exceptions.TrialPruned("Convergence reached")
        return float(x)

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    try:
        study.optimize(objective, n_trials=8, catch=(optuna.exceptions.TrialPruned,))
        raised = "none"
    except optuna.exceptions.TrialPruned:
        raised = "TrialPruned"
    return f"raised={raised} states={states(study)}"


@case
def minus_inf_under_maximize():
    def objective(trial):
        x = trial.suggest_int("x", 0, 3)
        return float("-inf") if trial.number % 2 == 0 else float(x)

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=6)
    return f"states={states(study)} best_is_finite={math.isfinite(study.best_value)}"


@case
def all_minus_inf_under_maximize():
    study = optuna.create_study(direction="maximize")
    study.optimize(lambda t: (t.suggest_int("x", 0, 1), float("-inf"))[1], n_trials=3)
    return f"states={states(study)} best={study.best_value} best_number={study.best_trial.number}"


@case
def journal_study_pickled_ask_tell():
    # lucid: a journal-backed study pickled to a worker that asks and tells
    with tempfile.TemporaryDirectory() as d:
        storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(os.path.join(d, "j.log")))
        study = optuna.create_study(
            study_name="p", storage=storage, sampler=optuna.samplers.TPESampler(constant_liar=True, seed=0)
        )
        copy = pickle.loads(pickle.dumps(study))
        trial = copy.ask()
        copy.tell(trial, quad(trial))
        again = optuna.load_study(study_name="p", storage=storage)
        return f"copy_trials={len(copy.trials)} original_sees={len(study.trials)} reload_sees={len(again.trials)}"


@case
def joblib_processes_ask_tell_journal():
    import joblib

    def worker(study, n):
        while len([t for t in study.trials if t.state in [TrialState.RUNNING, TrialState.COMPLETE]]) < n:
            trial = study.ask()
            study.tell(trial, quad(trial))

    with tempfile.TemporaryDirectory() as d:
        storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(os.path.join(d, "j.log")))
        study = optuna.create_study(study_name="j", storage=storage, load_if_exists=True)
        joblib.Parallel(n_jobs=2)(joblib.delayed(worker)(study, 12) for _ in range(4))
        n = len(study.trials)
        complete = states(study).get("COMPLETE", 0)  # workers racing past the count: 12 to 15
        return f"complete_in_12_to_15={12 <= complete <= 15} all_complete={complete == n}"


@case
def enqueue_skip_if_exists():
    study = optuna.create_study()
    for _ in range(2):
        study.enqueue_trial({"x": 0.0, "y": 0.0}, skip_if_exists=True)
    study.enqueue_trial({"x": 1.0, "y": 0.0}, skip_if_exists=True)
    waiting = states(study)
    study.optimize(quad, n_trials=3)
    return f"waiting={waiting} first_params={study.trials[0].params} states={states(study)}"


@case
def enqueue_skip_if_exists_after_complete():
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.0, "y": 0.0})
    study.optimize(quad, n_trials=1)
    study.enqueue_trial({"x": 0.0, "y": 0.0}, skip_if_exists=True)
    return f"states={states(study)}"


@case
def dataframe_pruned_times():
    # lvystorobska: df.iloc[-1]['datetime_complete'] - df.iloc[0]['datetime_start'] with pruned trials
    import pandas as pd

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-3, 1.0, log=True)
        for step in range(4):
            trial.report(lr * step if trial.number % 2 else -step, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return lr

    study = optuna.create_study(
        direction="maximize",
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2),
        sampler=optuna.samplers.RandomSampler(seed=0),
    )
    study.optimize(objective, n_trials=8)
    df = study.trials_dataframe()
    with tempfile.TemporaryDirectory() as d:
        df.to_csv(os.path.join(d, "r.csv"), index=False)
        back = pd.read_csv(os.path.join(d, "r.csv"))
    span = pd.Timestamp(back.iloc[-1]["datetime_complete"]) - pd.Timestamp(back.iloc[0]["datetime_start"])
    cols = [c for c in df.columns if not c.startswith("system_attrs")]
    return f"cols={cols} span_ok={span.total_seconds() >= 0} state_values={sorted(set(df['state']))}"


@case
def dataframe_two_objectives_columns():
    study = optuna.create_study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=3)
    return f"cols={list(study.trials_dataframe().columns)}"


@case
def pareto_plot_target_names():
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=6)
    fig = optuna.visualization.plot_pareto_front(study, target_names=["error", "seconds"])
    ax = optuna.visualization.matplotlib.plot_pareto_front(study, target_names=["error", "seconds"])
    return (
        f"plotly={type(fig).__name__} x={fig.layout.xaxis.title.text} y={fig.layout.yaxis.title.text} "
        f"mpl={type(ax).__name__} xl={ax.get_xlabel()}"
    )


@case
def contour_two_params_html():
    study = optuna.create_study(sampler=optuna.samplers.QMCSampler(seed=42))
    study.optimize(quad, n_trials=8)
    with tempfile.TemporaryDirectory() as d:
        optuna.visualization.plot_contour(study, ["x", "y"]).write_html(os.path.join(d, "c.html"))
        ok = os.path.getsize(os.path.join(d, "c.html")) > 1000
    return f"html_written={ok} complete={states(study)}"


@case
def samplers_with_arguments():
    out = []
    for name, make in [
        ("qmc_halton", lambda: optuna.samplers.QMCSampler(qmc_type="halton", scramble=True, seed=0)),
        ("qmc_sobol", lambda: optuna.samplers.QMCSampler(qmc_type="sobol", seed=42)),
        ("cmaes_seed", lambda: optuna.samplers.CmaEsSampler(seed=42)),
        (
            "cmaes_ipop",
            lambda: optuna.samplers.CmaEsSampler(restart_strategy="ipop", inc_popsize=2, n_startup_trials=3, seed=0),
        ),
        ("cmaes_sep", lambda: optuna.samplers.CmaEsSampler(use_separable_cma=True, seed=0)),
        ("cmaes_x0", lambda: optuna.samplers.CmaEsSampler(x0={"x": 0.0, "y": 0.0}, sigma0=1.0, seed=0)),
        ("tpe_liar", lambda: optuna.samplers.TPESampler(constant_liar=True, seed=0)),
        ("tpe_mv_group", lambda: optuna.samplers.TPESampler(multivariate=True, group=True, seed=0)),
        ("partial_fixed", lambda: optuna.samplers.PartialFixedSampler({"y": -2.0}, optuna.samplers.TPESampler(seed=0))),
        ("gp", lambda: optuna.samplers.GPSampler(seed=0, n_startup_trials=4)),
    ]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                study = optuna.create_study(sampler=make())
                study.optimize(quad, n_trials=10)
            fixed = {t.params["y"] for t in study.trials} == {-2.0} if name == "partial_fixed" else ""
            out.append(f"{name}:{states(study).get('COMPLETE')}{':fixed' if fixed else ''}")
        except Exception as exc:  # noqa: BLE001
            out.append(f"{name}:{type(exc).__name__}")
    return " ".join(out)


@case
def cmaes_bipop():
    try:
        optuna.samplers.CmaEsSampler(restart_strategy="bipop")
        return "accepted"
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


@case
def cmaes_inc_popsize_without_restart_strategy():
    try:
        study = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(inc_popsize=2, n_startup_trials=2, seed=0))
        study.optimize(quad, n_trials=6)
        return f"runs complete={states(study).get('COMPLETE')}"
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


@case
def nsga2_with_arguments():
    sampler = optuna.samplers.NSGAIISampler(
        population_size=6, mutation_prob=0.2, crossover_prob=0.8, swapping_prob=0.4, seed=0
    )
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=14)
    return f"states={states(study)} best_trials_nonempty={len(study.best_trials) > 0}"


@case
def grid_sampler_optimize_without_n_trials():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [-1, 0, 1], "y": [0, 1]}))
    study.optimize(lambda t: t.suggest_int("x", -1, 1) ** 2 + t.suggest_int("y", 0, 1))
    return f"trials={len(study.trials)} best={study.best_value}"


@case
def max_trials_callback_pruned_states():
    def objective(trial):
        trial.report(trial.suggest_float("x", 0, 1), 0)
        if trial.number % 3 == 2:
            raise optuna.TrialPruned()
        return 0.0

    cb = optuna.study.MaxTrialsCallback(4, states=(TrialState.COMPLETE,))
    study = optuna.create_study()
    study.optimize(objective, n_trials=20, callbacks=[cb])
    return f"states={states(study)}"


@case
def ask_tell_variants():
    study = optuna.create_study()
    t0 = study.ask()
    t0.suggest_float("x", 0, 1)
    study.tell(t0, state=TrialState.PRUNED)
    t1 = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
    study.tell(t1.number, 0.5)
    t2 = study.ask()
    study.tell(t2, state=TrialState.FAIL)
    t3 = study.ask()
    try:
        study.tell(t3, float("nan"))
    except Exception as exc:  # noqa: BLE001
        return f"nan_raised={type(exc).__name__}"
    return f"states={states(study)} x_in_t1={'x' in t1.params} best={study.best_value}"


@case
def frozen_trial_suggest_refit():
    # waltersperat-style instantiate_model(frozen_trial): suggest_* on a FrozenTrial returns the stored value
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_int("n", 1, 9) + t.suggest_float("f", 0, 1), n_trials=3)
    best = study.best_trial
    same = best.suggest_int("n", 1, 9) == best.params["n"] and best.suggest_float("f", 0, 1) == best.params["f"]
    return f"same={same}"


@case
def suggest_int_log_and_step_rules():
    study = optuna.create_study()
    trial = study.ask()
    a = trial.suggest_int("a", 2, 50, log=True)
    b = trial.suggest_int("b", 3, 9, step=2)
    try:
        trial.suggest_int("c", 1, 9, step=2, log=True)
        c = "accepted"
    except Exception as exc:  # noqa: BLE001
        c = type(exc).__name__
    return f"a_ok={2 <= a <= 50} b_odd={b % 2 == 1} log_and_step={c}"


@case
def user_sampler_simulated_annealing_conditional():
    # lvystorobska: a simulated annealing sampler (public API) on a conditional space with MedianPruner
    import numpy as np

    class SA(optuna.samplers.BaseSampler):
        def __init__(self, seed=None):
            self._rng = np.random.RandomState(seed)
            self._independent_sampler = optuna.samplers.RandomSampler(seed=seed)
            self._current_trial = None

        def infer_relative_search_space(self, study, trial):
            return optuna.search_space.intersection_search_space(study.get_trials(deepcopy=False))

        def sample_relative(self, study, trial, search_space):
            if search_space == {}:
                return {}
            complete = study.get_trials(deepcopy=False, states=[TrialState.COMPLETE])
            self._current_trial = complete[-1]
            params = {}
            for name, dist in search_space.items():
                if isinstance(dist, optuna.distributions.CategoricalDistribution):
                    continue
                cur = self._current_trial.params[name]
                w = (dist.high - dist.low) * 0.1
                params[name] = self._rng.uniform(max(cur - w, dist.low), min(cur + w, dist.high))
            return params

        def sample_independent(self, study, trial, name, dist):
            return self._independent_sampler.sample_independent(study, trial, name, dist)

    def objective(trial):
        lr = trial.suggest_float("learning_rate", 1e-5, 1e-1)
        opt = trial.suggest_categorical("optimizer", ["Adam", "AdamW", "RMSprop"])
        n_layers = trial.suggest_int("n_layers", 1, 3)
        units = [trial.suggest_int(f"n_units_l{i}", 4, 18) for i in range(n_layers)]
        for epoch in range(3):
            trial.report(lr * sum(units) / (epoch + 1), epoch)
            if trial.should_prune():
                raise optuna.exceptions.TrialPruned()
        return lr * sum(units) + (opt == "Adam")

    study = optuna.create_study(direction="maximize", sampler=SA(seed=0), pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=12)
    n_int = {t.params.get("n_units_l0") == int(t.params.get("n_units_l0", 0)) for t in study.trials}
    return f"finished={sum(states(study).values())} ints_stay_ints={n_int == {True}}"


@case
def private_transform_module():
    try:
        __import__(optuna.__name__ + "._transform")
        return "imports"
    except ImportError as exc:
        return type(exc).__name__


@case
def private_samplers_base_module():
    try:
        mod = __import__(optuna.__name__ + ".samplers._base", fromlist=["BaseSampler"])
        return f"imports BaseSampler_same={mod.BaseSampler is optuna.samplers.BaseSampler}"
    except ImportError as exc:
        return type(exc).__name__


@case
def importances_evaluators():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda t: (
            t.suggest_float("a", 0, 1) * 10
            + t.suggest_float("b", 0, 1) * 0.1
            + (t.suggest_categorical("c", ["p", "q"]) == "p")
        ),
        n_trials=30,
    )
    out = []
    for name, ev in [
        ("default", None),
        ("fanova", optuna.importance.FanovaImportanceEvaluator(seed=0)),
        ("mdi", optuna.importance.MeanDecreaseImpurityImportanceEvaluator(seed=0)),
        ("ped", optuna.importance.PedAnovaImportanceEvaluator()),
    ]:
        imp = optuna.importance.get_param_importances(study, evaluator=ev)
        out.append(f"{name}:{sorted(imp)}:top={next(iter(imp))}")
    return " ".join(out)


@case
def set_verbosity_levels():
    levels = [
        optuna.logging.DEBUG,
        optuna.logging.INFO,
        optuna.logging.WARN,
        optuna.logging.WARNING,
        optuna.logging.ERROR,
        optuna.logging.CRITICAL,
        optuna.logging.FATAL,
    ]
    got = []
    for level in levels:
        optuna.logging.set_verbosity(level)
        got.append(optuna.logging.get_verbosity() == level)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return f"roundtrip={all(got)} values={levels}"


@case
def timeout_and_n_trials_two_objectives():
    study = optuna.create_study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=5, timeout=60)
    return f"trials={len(study.trials)} name_is_str={isinstance(study.study_name, str)}"


@case
def print_best_trial_contains_params():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_int("polynomial_degree", 1, 10), n_trials=3)
    text = str(study.best_trial)
    return f"has_params={'polynomial_degree' in text} starts={text.split('(')[0]}"


@case
def sqlite_load_if_exists_twice():
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/poly.db"
        for _ in range(2):
            study = optuna.create_study(study_name="poly", storage=url, load_if_exists=True)
            study.optimize(lambda t: t.suggest_int("polynomial_degree", 1, 10), n_trials=3)
        return f"trials={len(study.trials)} numbers={[t.number for t in study.trials]}"


@case
def lightgbm_and_xgboost_pruning_callbacks():
    import lightgbm as lgb
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    Xt, yt, Xv, yv = X[:400], y[:400], X[400:], y[400:]

    def lgb_objective(trial):
        params = {
            "objective": "binary",
            "metric": "binary_logloss",
            "verbosity": -1,
            "num_leaves": trial.suggest_int("num_leaves", 2, 64),
        }
        dtrain, dvalid = lgb.Dataset(Xt, label=yt), lgb.Dataset(Xv, label=yv)
        cb = optuna.integration.LightGBMPruningCallback(trial, "binary_logloss")
        booster = lgb.train(params, dtrain, num_boost_round=30, valid_sets=[dvalid], callbacks=[cb])
        return booster.best_score["valid_0"]["binary_logloss"]

    def xgb_objective(trial):
        params = {
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "verbosity": 0,
            "max_depth": trial.suggest_int("max_depth", 1, 6),
        }
        dtrain, dvalid = xgb.DMatrix(Xt, label=yt), xgb.DMatrix(Xv, label=yv)
        cb = optuna.integration.XGBoostPruningCallback(trial, "validation-logloss")
        booster = xgb.train(
            params, dtrain, num_boost_round=30, evals=[(dvalid, "validation")], callbacks=[cb], verbose_eval=False
        )
        return float(booster.eval(dvalid).split(":")[1])

    out = []
    for name, objective in [("lgb", lgb_objective), ("xgb", xgb_objective)]:
        study = optuna.create_study(
            pruner=optuna.pruners.MedianPruner(n_startup_trials=2), sampler=optuna.samplers.RandomSampler(seed=0)
        )
        study.optimize(objective, n_trials=6)
        steps = {len(t.intermediate_values) for t in study.trials if t.state == TrialState.COMPLETE}
        out.append(f"{name}:finished={sum(states(study).values())}:complete_steps={sorted(steps)}")
    return " ".join(out)


def main() -> None:
    for fn in CASES:
        try:
            line = fn()
        except Exception as exc:  # noqa: BLE001
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            line = f"ERROR {type(exc).__name__}: {str(exc)[:150]} (at {os.path.basename(tb.filename)}:{tb.lineno})"
        print(f"{fn.__name__}: {line}", flush=True)


if __name__ == "__main__":
    main()
