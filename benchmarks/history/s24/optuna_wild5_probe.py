"""Calls seen in public Optuna code during session 24's search (``find_string`` / ``search`` hits that
are modules of larger programs, not runnable scripts), run under Optuna and under tunewise: the same
lines, the import switched. Each case names where its calls come from; the surrounding program (data,
models, servers) is replaced by a small objective. Output: one line per case, ``ok: ...`` or the
exception, for a diff between the two runs.

    PYTHONPATH=/tmp/s24w/extra .venv/bin/python benchmarks/history/s24/optuna_wild5_probe.py optuna
    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s24/optuna_wild5_probe.py tunewise
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from typing import Any

warnings.simplefilter("ignore")
NAME = sys.argv[1] if len(sys.argv) > 1 else "optuna"
optuna: Any = importlib.import_module(NAME)
optuna.logging.set_verbosity(optuna.logging.WARNING)
os.chdir(tempfile.mkdtemp(prefix=f"s24probe_{NAME}_"))
CASES: list[tuple[str, Callable[[], object]]] = []


def case(label: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(function: Callable[[], object]) -> Callable[[], object]:
        CASES.append((label, function))
        return function

    return register


def two(trial: Any) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 5.0)
    y = trial.suggest_float("y", 0.0, 3.0)
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


def one(trial: Any) -> float:
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


@case("copy_study then delete_study (a move_optuna_study.py script; find_string id 20290959002)")
def move_study() -> object:
    old, new = "sqlite:///old.db", "sqlite:///new.db"
    study = optuna.create_study(study_name="moved", storage=old, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(one, n_trials=5)
    best = study.best_value
    optuna.copy_study(from_study_name="moved", from_storage=old, to_storage=new)
    optuna.delete_study(study_name="moved", storage=old)
    copied = optuna.load_study(study_name="moved", storage=new)
    return (
        optuna.get_all_study_names(old),
        optuna.get_all_study_names(new),
        len(copied.trials),
        copied.best_value == best,
    )


@case("the Study object of a deleted study: study.best_value after delete_study (the first draft of this probe)")
def deleted_study_best_value() -> object:
    study = optuna.create_study(study_name="gone", storage="sqlite:///gone.db")
    study.optimize(one, n_trials=2)
    optuna.delete_study(study_name="gone", storage="sqlite:///gone.db")
    return study.best_value


@case("RDBStorage(url, engine_kwargs={'connect_args': {'timeout': 30}}) copy loop (a CLEAN OPTUNA DB script)")
def rdb_connect_args_copy() -> object:
    src = optuna.storages.RDBStorage("sqlite:///from.db", engine_kwargs={"connect_args": {"timeout": 30}})
    dst = optuna.storages.RDBStorage("sqlite:///to.db", engine_kwargs={"connect_args": {"timeout": 30}})
    for name in ("GCN", "GAT"):
        optuna.create_study(study_name=name, storage=src).optimize(one, n_trials=2)
        optuna.copy_study(from_study_name=name, from_storage=src, to_storage=dst)
    return sorted(optuna.study.get_all_study_names(storage=dst))


@case("JournalStorage -> RDBStorage: get_all_study_names(storage=...) then delete_study / copy_study (search hit)")
def journal_to_rdb() -> object:
    src = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend("./run_optuna.log"))
    dst = optuna.storages.RDBStorage("sqlite:///run.db")
    optuna.create_study(study_name="a", storage=src, directions=["minimize", "minimize"]).optimize(two, n_trials=3)
    optuna.create_study(study_name="a", storage=dst).optimize(one, n_trials=1)
    dst_names = set(optuna.study.get_all_study_names(storage=dst))
    for name in optuna.study.get_all_study_names(storage=src):
        if name in dst_names:
            optuna.delete_study(study_name=name, storage=dst)
        optuna.copy_study(from_study_name=name, from_storage=src, to_storage=dst)
    loaded = optuna.load_study(study_name="a", storage=dst)
    return len(loaded.trials), len(loaded.directions)


@case("get_all_study_summaries: n_trials, directions, best_trial (SleepWalker-like helpers)")
def summaries() -> object:
    optuna.create_study(study_name="s1", storage="sqlite:///sum.db").optimize(one, n_trials=3)
    optuna.create_study(study_name="s2", storage="sqlite:///sum.db", directions=["minimize", "maximize"]).optimize(
        two, n_trials=2
    )
    out = []
    for s in optuna.get_all_study_summaries("sqlite:///sum.db"):
        out.append((s.study_name, s.n_trials, [d.name for d in s.directions], s.best_trial is not None))
    return sorted(out)


@case("plot_pareto_front(target_names) + plot_optimization_history / plot_param_importances(target=...) (HPO module)")
def pareto_plots() -> object:
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(two, n_trials=20)
    fig = optuna.visualization.plot_pareto_front(study, target_names=["MAE", "PICP Penalty"])
    hist = optuna.visualization.plot_optimization_history(study, target=lambda t: t.values[0], target_name="MAE")
    imp = optuna.visualization.plot_param_importances(study, target=lambda t: t.values[0], target_name="MAE")
    return (
        fig.layout.xaxis.title.text,
        fig.layout.yaxis.title.text,
        len(study.best_trials) > 0,
        hist.layout.yaxis.title.text,
        sorted(imp.data[0].y),
    )


@case("matplotlib plot_pareto_front with three target_names, getattr(ax, 'figure', ax).savefig (trading module)")
def pareto_matplotlib_three() -> object:
    import matplotlib

    matplotlib.use("Agg")

    def three(trial: Any) -> tuple[float, float, float]:
        x = trial.suggest_float("x", 0, 1)
        return x, 1 - x, x * (1 - x)

    study = optuna.create_study(
        directions=["maximize", "maximize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(three, n_trials=10)
    ax1 = optuna.visualization.matplotlib.plot_optimization_history(
        study, target=lambda t: t.values[0], target_name="Sharpe Ratio"
    )
    getattr(ax1, "figure", ax1).savefig("h.png")
    ax2 = optuna.visualization.matplotlib.plot_pareto_front(study, target_names=["Sharpe", "Sortino", "PF"])
    getattr(ax2, "figure", ax2).savefig("p.png")
    return os.path.getsize("h.png") > 0, os.path.getsize("p.png") > 0


@case("trials_dataframe() of a three-objective study: values_0..values_2 columns, state == 'COMPLETE' (pdf module)")
def dataframe_values_columns() -> object:
    study = optuna.create_study(directions=["minimize"] * 3, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1), 0.5), n_trials=4)
    df = study.trials_dataframe()
    df = df[df["state"] == "COMPLETE"]
    return sorted(c for c in df.columns if c.startswith(("values_", "params_"))), len(df)


@case("study.set_metric_names then plot_pareto_front(study) (a load_study plotting script)")
def metric_names() -> object:
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(two, n_trials=8)
    study.set_metric_names(["Invalid share", "Mean error"])
    fig = optuna.visualization.plot_pareto_front(study)
    df = study.trials_dataframe()
    return study.metric_names, fig.layout.xaxis.title.text, [c for c in df.columns if c.startswith("values_")]


@case("QMCSampler(qmc_type='sobol', seed, warn_independent_sampling=False) as phase 1 (a constrained search module)")
def qmc_sobol() -> object:
    sampler = optuna.samplers.QMCSampler(qmc_type="sobol", seed=1, warn_independent_sampling=False)
    study = optuna.create_study(sampler=sampler)
    study.optimize(one, n_trials=8)
    xs = [round(t.params["x"], 6) for t in study.trials]
    return len(set(xs)) == 8, min(xs) < 0 < max(xs)


@case("QMCSampler(qmc_type='sobol', scramble=True, seed) then study.ask({name: FloatDistribution}) (a design script)")
def qmc_ask_fixed() -> object:
    study = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=3))
    bounds = {"a": (0.0, 1.0), "b": (10.0, 20.0)}
    for _ in range(4):
        trial = study.ask({k: optuna.distributions.FloatDistribution(*v) for k, v in bounds.items()})
        study.tell(trial, trial.params["a"] + trial.params["b"] / 10)
    return len(study.trials), sorted(study.best_params)


@case("enqueue_trial(params=row, user_attrs=<a float>) then optimize (a runner module's warm start)")
def enqueue_user_attrs_scalar() -> object:
    study = optuna.study.create_study(
        sampler=optuna.samplers.QMCSampler(),
        direction="minimize",
        study_name="runner",
        storage=optuna.storages.InMemoryStorage(),
    )
    study.enqueue_trial(params={"x": 1.0}, user_attrs=0.25)
    study.optimize(one, n_trials=1)
    return study.trials[0].params, study.trials[0].user_attrs


@case("enqueue_trial(params, user_attrs={...}, skip_if_exists=True) twice")
def enqueue_skip_if_exists() -> object:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(2):
        study.enqueue_trial({"x": 3.0}, user_attrs={"source": "seed"}, skip_if_exists=True)
    study.optimize(one, n_trials=3)
    return [(t.params["x"], t.user_attrs) for t in study.trials[:2]]


@case("PartialFixedSampler({k: best_params[k] ...}, base) set as study.sampler, optimize, then restore (motor module)")
def partial_fixed_swap() -> object:
    base = optuna.samplers.TPESampler(seed=0)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=base)
    study.optimize(two, n_trials=6)
    best = study.best_trials[0].params
    study.sampler = optuna.samplers.PartialFixedSampler({"x": best["x"]}, base)
    study.optimize(two, n_trials=4)
    study.sampler = base
    return all(t.params["x"] == best["x"] for t in study.trials[6:]), len(study.trials)


@case("PartialFixedSampler(fixed_params=..., base_sampler=NSGAIISampler(seed)) on two directions (a pipeline module)")
def partial_fixed_nsga() -> object:
    sampler = optuna.samplers.PartialFixedSampler(
        fixed_params={"y": 1.5}, base_sampler=optuna.samplers.NSGAIISampler(seed=0)
    )
    study = optuna.create_study(study_name="m_stage", directions=["maximize", "maximize"], sampler=sampler)
    study.optimize(two, n_trials=5)
    return sorted({t.params["y"] for t in study.trials})


@case("MaxTrialsCallback(n) appended to callbacks, optimize(n_trials=n) on a reopened SQLite study (SleepWalker)")
def max_trials_reopened() -> object:
    study = optuna.create_study(study_name="mt", storage="sqlite:///mt.db", load_if_exists=True)
    study.optimize(one, n_trials=3)
    again = optuna.create_study(study_name="mt", storage="sqlite:///mt.db", load_if_exists=True)
    again.optimize(one, n_trials=5, callbacks=[optuna.study.MaxTrialsCallback(5)])
    return len(again.trials)


@case("Terminator(error_evaluator=StaticErrorEvaluator(0.02), min_n_trials=...) in TerminatorCallback (config module)")
def terminator_static() -> object:
    from importlib import import_module

    terminator_module = import_module(f"{NAME}.terminator")
    term = terminator_module.Terminator(error_evaluator=terminator_module.StaticErrorEvaluator(0.02), min_n_trials=5)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(one, n_trials=40, callbacks=[terminator_module.TerminatorCallback(term)])
    return 5 <= len(study.trials) <= 40


@case("artifacts: FileSystemArtifactStore(base_path) + upload_artifact(artifact_store=, file_path=, study_or_trial=)")
def artifacts_roundtrip() -> object:
    art = importlib.import_module(f"{NAME}.artifacts")
    os.makedirs("artifacts", exist_ok=True)
    store = art.FileSystemArtifactStore(base_path="artifacts")

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0, 1)
        with open(f"model_{trial.number}.txt", "w") as f:
            f.write(str(x))
        artifact_id = art.upload_artifact(
            artifact_store=store, file_path=f"model_{trial.number}.txt", study_or_trial=trial
        )
        trial.set_user_attr("artifact_id", artifact_id)
        return x

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=3)
    best = study.best_trial
    art.download_artifact(artifact_store=store, file_path="best.txt", artifact_id=best.user_attrs["artifact_id"])
    metas = art.get_all_artifact_meta(best, storage=study._storage)
    with open("best.txt") as f:
        return float(f.read()) == best.params["x"], [m.filename for m in metas]


@case("optuna.search_space.IntersectionSearchSpace().calculate(study) on a conditional space")
def intersection_space() -> object:
    def cond(trial: Any) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        v = trial.suggest_float(f"v_{kind}", 0, 1)
        return v + trial.suggest_int("n", 1, 3)

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=2))
    study.optimize(cond, n_trials=10)
    space = optuna.search_space.IntersectionSearchSpace().calculate(study)
    return sorted(space), type(space["n"]).__name__


@case("logging: disable_default_handler(), get_logger('optuna').addHandler(StreamHandler(stdout)) (Tensho script)")
def logging_handlers() -> object:
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.disable_default_handler()
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    optuna.logging.get_logger(NAME).addHandler(handler)
    optuna.create_study(study_name="logged").optimize(one, n_trials=2)
    optuna.logging.get_logger(NAME).removeHandler(handler)
    optuna.logging.enable_default_handler()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return len(records) >= 3, any("Trial 1 finished" in r for r in records), records[0][:30]


@case("logging: enable_propagation() + logging.basicConfig capture, verbosity back to WARNING")
def logging_propagation() -> object:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.name)

    root = logging.getLogger()
    handler = Keep()
    root.addHandler(handler)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.enable_propagation()
    optuna.create_study().optimize(one, n_trials=1)
    optuna.logging.disable_propagation()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    root.removeHandler(handler)
    return len(records) >= 1, sorted(set(r.split(".")[0] for r in records))


@case("LightGBMPruningCallback(trial, metric='multi_logloss', valid_name='valid') in lgb.train (ALICE / typer modules)")
def lightgbm_pruning_valid_name() -> object:
    import lightgbm as lgb
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    integration = importlib.import_module("optuna_integration" if NAME == "optuna" else f"{NAME}.integration")
    x, y = load_wine(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)

    def objective(trial: Any) -> float:
        params = {
            "objective": "multiclass",
            "num_class": 3,
            "metric": "multi_logloss",
            "verbose": -1,
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            "num_leaves": trial.suggest_int("num_leaves", 2, 31),
        }
        dtrain = lgb.Dataset(x_train, label=y_train)
        dvalid = lgb.Dataset(x_valid, label=y_valid, reference=dtrain)
        pruning = integration.LightGBMPruningCallback(trial, metric="multi_logloss", valid_name="valid")
        booster = lgb.train(
            params,
            dtrain,
            num_boost_round=60,
            valid_sets=[dvalid],
            valid_names=["valid"],
            callbacks=[lgb.early_stopping(10, verbose=False), lgb.log_evaluation(0), pruning],
        )
        return booster.best_score["valid"]["multi_logloss"]

    study = optuna.create_study(
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=5),
    )
    study.optimize(objective, n_trials=8)
    states = sorted({t.state.name for t in study.trials})
    reported = all(len(t.intermediate_values) > 0 for t in study.trials)
    return states, reported, study.best_value < 1.0


@case("XGBoostPruningCallback(trial, 'validation_0-auc') given to XGBClassifier(callbacks=...) (XGBoost 3's place)")
def xgboost_pruning_constructor() -> object:
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    x, y = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42)

    def objective(trial: Any) -> float:
        model = xgb.XGBClassifier(
            n_estimators=40,
            eval_metric="auc",
            max_depth=trial.suggest_int("max_depth", 2, 6),
            learning_rate=trial.suggest_float("eta", 0.01, 0.3, log=True),
            callbacks=[optuna.integration.XGBoostPruningCallback(trial, "validation_0-auc")],
        )
        model.fit(x_train, y_train, eval_set=[(x_test, y_test)], verbose=False)
        return float(model.evals_result()["validation_0"]["auc"][-1])

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2),
    )
    study.optimize(objective, n_trials=6)
    return sorted({t.state.name for t in study.trials}), max(len(t.intermediate_values) for t in study.trials)


for label, function in CASES:
    try:
        print(f"{label}\n    ok: {function()!r}")
    except Exception as exc:  # noqa: BLE001 - the point is to record what each library raises
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{os.path.basename(last.filename)}:{last.lineno}"
        print(f"{label}\n    {type(exc).__name__}: {str(exc)[:200]} (at {where})")
