"""Calls next to the eleventh batch's scripts, run under Optuna and tunewise (session 30's probe machinery).

Each case prints one line that should not depend on sampled values (counts, states, types, key sets, the
exception's class), so the two outputs compare line by line:

    PYTHONPATH= /work/venvs/compat30/bin/python benchmarks/history/s31/optuna_wild11_probe.py optuna
    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s31/optuna_wild11_probe.py tunewise

Weighted to the brief's list and to what the batch's scripts touch: the pruners the scripts use (Patient with
min_delta, Threshold with warm-up and interval, Wilcoxon's startup steps, SuccessiveHalving's options, Hyperband)
on replayed curves; JournalStorage on a file (the v4 backend and the deprecated names), copy / delete / summaries
on it; RDBStorage with a heartbeat and RetryFailedTrialCallback; NSGA-II / NSGA-III with constraints_func and
their options; QMC (halton, scramble), CmaEs options, PartialFixed, BruteForce; TPE with constraints_func;
optuna.visualization.matplotlib return types; the importance evaluators on a multi-objective target; artifacts.
"""

# ruff: noqa: E501, F841 - one-line cases; report_float_step_and_numpy_value computes errs and (a slip) does not print it
from __future__ import annotations

import importlib
import os
import sys
import tempfile
import warnings

warnings.simplefilter("ignore")

PKG = "tunewise" if sys.argv[1:] == ["tunewise"] else "optuna"
if PKG == "tunewise":
    sys.modules["optuna"] = None  # type: ignore[assignment]
    sys.modules["optuna_integration"] = None  # type: ignore[assignment]
optuna = importlib.import_module(PKG)
TrialState = importlib.import_module(f"{PKG}.trial").TrialState

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")

optuna.logging.set_verbosity(optuna.logging.WARNING)
CASES = []
TMP = tempfile.mkdtemp(prefix="owild11_")


def mod(name):
    """``optuna.<sub>`` under Optuna, ``tunewise.<sub>`` under tunewise (what the scripts' import swap does)."""
    return importlib.import_module(name.replace("optuna", PKG, 1))


def case(fn):
    CASES.append(fn)
    return fn


def states(study):
    counts: dict[str, int] = {}
    for t in study.trials:
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
    return dict(sorted(counts.items()))


def _try(fn):
    try:
        return repr(fn())
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


def quad(trial):
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_int("y", -3, 3)
    return (x - 1) ** 2 + (y + 2) ** 2


def _path(name):
    return os.path.join(TMP, name)


def replay(pruner, curves, direction="minimize", n_startup_complete=0):
    """Run fixed curves through a pruner; return where each trial stopped."""
    study = optuna.create_study(direction=direction, pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))
    stops = []

    for curve in curves:
        def objective(trial, curve=curve):
            trial.suggest_float("x", 0, 1)
            for step, value in enumerate(curve):
                trial.report(value, step)
                if trial.should_prune():
                    stops.append(step)
                    raise optuna.TrialPruned()
            stops.append(None)
            return curve[-1]

        study.optimize(objective, n_trials=1)
    return stops, states(study)


CURVES = [
    [1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
    [1.0, 0.95, 0.9, 0.85, 0.8, 0.75],
    [2.0, 1.9, 1.8, 1.7, 1.6, 1.5],
    [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [3.0, 2.0, 1.0, 0.5, 0.4, 0.3],
    [1.2, 1.1, 1.15, 1.12, 1.11, 1.1],
]

# --- pruners ------------------------------------------------------------------------------------------------------


@case
def patient_pruner_min_delta_replay():
    pruner = optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=2), patience=1, min_delta=0.05)
    return replay(pruner, CURVES)


@case
def patient_pruner_none_wrapped():
    pruner = optuna.pruners.PatientPruner(None, patience=2)
    return replay(pruner, CURVES)


@case
def patient_pruner_maximize():
    pruner = optuna.pruners.PatientPruner(None, patience=1)
    return replay(pruner, CURVES, direction="maximize")


@case
def threshold_pruner_warmup_interval():
    pruner = optuna.pruners.ThresholdPruner(upper=1.5, n_warmup_steps=2, interval_steps=2)
    return replay(pruner, CURVES)


@case
def threshold_pruner_lower_and_upper():
    pruner = optuna.pruners.ThresholdPruner(lower=0.45, upper=2.5)
    return replay(pruner, CURVES)


@case
def threshold_pruner_nan_report():
    pruner = optuna.pruners.ThresholdPruner(upper=10.0)
    return replay(pruner, [[1.0, float("nan"), 1.0]])


@case
def threshold_pruner_bad_args():
    return (
        _try(lambda: optuna.pruners.ThresholdPruner()),
        _try(lambda: optuna.pruners.ThresholdPruner(lower=2.0, upper=1.0)),
        _try(lambda: optuna.pruners.ThresholdPruner(upper=1.0, n_warmup_steps=-1)),
        _try(lambda: optuna.pruners.ThresholdPruner(upper=1.0, interval_steps=0)),
    )


@case
def patient_pruner_bad_args():
    return (
        _try(lambda: optuna.pruners.PatientPruner(None, patience=-1)),
        _try(lambda: optuna.pruners.PatientPruner(None, patience=1, min_delta=-1.0)),
    )


@case
def wilcoxon_pruner_startup_steps():
    pruner = optuna.pruners.WilcoxonPruner(p_threshold=0.1, n_startup_steps=3)
    rng = np.random.default_rng(0)
    base = rng.normal(size=20)
    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))
    stops = []

    def objective(trial):
        shift = trial.suggest_float("s", 0, 1)
        shift = [0.0, 2.0, 3.0, -0.5, 1.5][trial.number]
        for i in range(20):
            trial.report(float(base[i] + shift), i)
            if trial.should_prune():
                stops.append((trial.number, i))
                return float(base[: i + 1].mean() + shift)
        stops.append((trial.number, None))
        return float(base.mean() + shift)

    study.optimize(objective, n_trials=5)
    return stops, states(study)


@case
def wilcoxon_pruner_bad_args():
    return (
        _try(lambda: optuna.pruners.WilcoxonPruner(p_threshold=-0.1)),
        _try(lambda: optuna.pruners.WilcoxonPruner(n_startup_steps=-1)),
    )


@case
def successive_halving_options_replay():
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, min_early_stopping_rate=0)
    return replay(pruner, CURVES)


@case
def successive_halving_bootstrap():
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    return replay(pruner, CURVES)


@case
def successive_halving_bad_args():
    return (
        _try(lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource=0)),
        _try(lambda: optuna.pruners.SuccessiveHalvingPruner(reduction_factor=1)),
        _try(lambda: optuna.pruners.SuccessiveHalvingPruner(min_early_stopping_rate=-1)),
        _try(lambda: optuna.pruners.SuccessiveHalvingPruner(min_resource="auto", bootstrap_count=1)),
    )


@case
def median_pruner_n_min_trials():
    pruner = optuna.pruners.MedianPruner(n_startup_trials=0, n_min_trials=3)
    return replay(pruner, CURVES)


@case
def report_same_step_twice_and_should_prune_twice():
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    seen = []

    def objective(trial):
        trial.report(1.0, 0)
        trial.report(2.0, 0)
        seen.append((trial.should_prune(), trial.should_prune()))
        return 1.0

    study.optimize(objective, n_trials=1)
    return seen, study.trials[0].intermediate_values


@case
def report_float_step_and_numpy_value():
    study = optuna.create_study()

    def objective(trial):
        trial.report(np.float32(0.5), np.int64(1))
        errs = (_try(lambda: trial.report(1.0, 1.5)), _try(lambda: trial.report(1.0, -1)), _try(lambda: trial.report("a", 2)))
        return 0.0

    study.optimize(objective, n_trials=1)
    t = study.trials[0]
    return t.intermediate_values, {type(k).__name__ for k in t.intermediate_values}, {type(v).__name__ for v in t.intermediate_values.values()}


# --- storages ---------------------------------------------------------------------------------------------------


@case
def journal_file_backend_roundtrip():
    journal = mod("optuna.storages.journal")
    storage = optuna.storages.JournalStorage(journal.JournalFileBackend(_path("j1.log")))
    study = optuna.create_study(study_name="j", storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("k", 1)
    study.optimize(quad, n_trials=4)
    again = optuna.load_study(study_name="j", storage=optuna.storages.JournalStorage(journal.JournalFileBackend(_path("j1.log"))))
    return len(again.trials), again.user_attrs, again.best_params == study.best_params, states(again)


@case
def journal_file_storage_deprecated_names():
    storage = optuna.storages.JournalStorage(
        optuna.storages.JournalFileStorage(_path("j2.log"), lock_obj=optuna.storages.JournalFileOpenLock(_path("j2.log")))
    )
    study = optuna.create_study(storage=storage, study_name="dep")
    study.optimize(quad, n_trials=2)
    return len(study.trials), optuna.get_all_study_names(storage)


@case
def journal_symlink_lock_and_summaries():
    journal = mod("optuna.storages.journal")
    backend = journal.JournalFileBackend(_path("j3.log"), lock_obj=journal.JournalFileSymlinkLock(_path("j3.log")))
    storage = optuna.storages.JournalStorage(backend)
    optuna.create_study(study_name="a", storage=storage).optimize(quad, n_trials=2)
    optuna.create_study(study_name="b", storage=storage, directions=["minimize", "maximize"])
    summaries = sorted(optuna.get_all_study_summaries(storage), key=lambda s: s.study_name)
    return [(s.study_name, s.n_trials, [d.name for d in s.directions]) for s in summaries]


@case
def journal_copy_to_sqlite_and_delete():
    journal = mod("optuna.storages.journal")
    storage = optuna.storages.JournalStorage(journal.JournalFileBackend(_path("j4.log")))
    optuna.create_study(study_name="c", storage=storage).optimize(quad, n_trials=3)
    url = f"sqlite:///{_path('j4.db')}"
    optuna.copy_study(from_study_name="c", from_storage=storage, to_storage=url)
    copied = optuna.load_study(study_name="c", storage=url)
    optuna.delete_study(study_name="c", storage=storage)
    return len(copied.trials), optuna.get_all_study_names(storage), _try(lambda: optuna.load_study(study_name="c", storage=storage))


@case
def journal_two_processes_file():
    import multiprocessing as mp

    log = _path("j5.log")
    journal = mod("optuna.storages.journal")
    optuna.create_study(study_name="mp", storage=optuna.storages.JournalStorage(journal.JournalFileBackend(log)))
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_journal_worker, args=(log,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    study = optuna.load_study(study_name="mp", storage=optuna.storages.JournalStorage(journal.JournalFileBackend(log)))
    return len(study.trials), sorted({t.number for t in study.trials}) == list(range(len(study.trials))), states(study)


def _journal_worker(log):
    journal = mod("optuna.storages.journal")
    study = optuna.load_study(study_name="mp", storage=optuna.storages.JournalStorage(journal.JournalFileBackend(log)))
    study.optimize(quad, n_trials=3)


@case
def rdb_heartbeat_and_retry_callback_attrs():
    storage = optuna.storages.RDBStorage(
        url=f"sqlite:///{_path('hb.db')}",
        heartbeat_interval=60,
        grace_period=120,
        failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=2),
    )
    study = optuna.create_study(storage=storage, study_name="hb")
    study.optimize(quad, n_trials=2)
    cb = optuna.storages.RetryFailedTrialCallback
    t = study.trials[0]
    return (
        storage.get_heartbeat_interval(),
        type(storage.get_failed_trial_callback()).__name__,
        cb.retried_trial_number(t),
        cb.retry_history(t),
        states(study),
    )


@case
def rdb_heartbeat_bad_args():
    url = f"sqlite:///{_path('hb2.db')}"
    return (
        _try(lambda: optuna.storages.RDBStorage(url=url, heartbeat_interval=0)),
        _try(lambda: optuna.storages.RDBStorage(url=url, heartbeat_interval=10, grace_period=0)),
    )


@case
def retry_failed_trial_callback_stale_trial():
    url = f"sqlite:///{_path('hb3.db')}"
    storage = optuna.storages.RDBStorage(
        url=url, heartbeat_interval=1, grace_period=1,
        failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=1, inherit_intermediate_values=True),
    )
    study = optuna.create_study(storage=storage, study_name="stale")
    trial = study.ask({"x": optuna.distributions.FloatDistribution(0, 1)})
    trial.report(0.5, 0)
    storage.record_heartbeat(trial._trial_id) if hasattr(storage, "record_heartbeat") else None
    import time

    time.sleep(2.5)
    optuna.storages.fail_stale_trials(study)
    trials = study.get_trials(deepcopy=False)
    cb = optuna.storages.RetryFailedTrialCallback
    return (
        [t.state.name for t in trials],
        [cb.retried_trial_number(t) for t in trials],
        [t.intermediate_values for t in trials],
        [sorted(t.params) for t in trials],
    )


# --- samplers ---------------------------------------------------------------------------------------------------


def zdt(trial):
    x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(3)]
    trial.set_user_attr("c", [x[0] - 0.5])
    return x[0], 1 + x[1] + x[2] - x[0] ** 0.5


@case
def nsga2_constraints_func_best_trials_feasible():
    sampler = optuna.samplers.NSGAIISampler(population_size=10, seed=0, constraints_func=lambda t: t.user_attrs["c"])
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(zdt, n_trials=30)
    best = study.best_trials
    key = "constraints"
    return (
        all(t.user_attrs["c"][0] <= 0 for t in best),
        all(key in t.system_attrs for t in study.trials) if hasattr(study.trials[0], "system_attrs") else "n/a",
        len(study.trials),
    )


@case
def nsga2_options_and_crossovers():
    nsgaii = mod("optuna.samplers.nsgaii")
    names = []
    for cross in (nsgaii.UniformCrossover(0.4), nsgaii.BLXAlphaCrossover(), nsgaii.SBXCrossover(), nsgaii.VSBXCrossover(), nsgaii.UNDXCrossover(), nsgaii.SPXCrossover()):
        sampler = optuna.samplers.NSGAIISampler(population_size=6, crossover=cross, crossover_prob=0.8, swapping_prob=0.3, mutation_prob=0.2, seed=1)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(zdt, n_trials=14)
        names.append((type(cross).__name__, len(study.trials), states(study)))
    return names


@case
def nsga2_bad_args():
    return (
        _try(lambda: optuna.samplers.NSGAIISampler(population_size=1)),
        _try(lambda: optuna.samplers.NSGAIISampler(crossover_prob=1.5)),
        _try(lambda: optuna.samplers.NSGAIISampler(swapping_prob=-0.1)),
        _try(lambda: optuna.samplers.NSGAIISampler(mutation_prob=2.0)),
        _try(lambda: optuna.samplers.NSGAIISampler(crossover="undx")),
    )


@case
def nsga3_reference_points_and_dividing():
    sampler = optuna.samplers.NSGAIIISampler(population_size=8, dividing_parameter=4, seed=0)
    study = optuna.create_study(directions=["minimize", "minimize", "minimize"], sampler=sampler)

    def obj(trial):
        x = [trial.suggest_float(f"x{i}", 0, 1) for i in range(3)]
        return x[0], x[1], 1 - x[0] - x[1] + x[2]

    study.optimize(obj, n_trials=20)
    ref = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    s2 = optuna.create_study(directions=["minimize"] * 3, sampler=optuna.samplers.NSGAIIISampler(population_size=6, reference_points=ref, seed=0))
    s2.optimize(obj, n_trials=12)
    return len(study.trials), states(study), len(s2.trials)


@case
def qmc_halton_and_sobol_unscrambled():
    out = []
    for kind, scramble in (("halton", True), ("sobol", False)):
        sampler = optuna.samplers.QMCSampler(qmc_type=kind, scramble=scramble, seed=0)
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1), n_trials=8)
        out.append((kind, len({round(t.params["a"], 9) for t in study.trials})))
    sobol_first = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=False))
    sobol_first.optimize(lambda t: t.suggest_float("a", 0, 1), n_trials=4)
    return out, [round(t.params["a"], 6) for t in sobol_first.trials], _try(lambda: optuna.samplers.QMCSampler(qmc_type="lhs"))


@case
def cmaes_options_run():
    out = []
    for kw in ({"x0": {"x": 0.0, "y": 0.0}, "sigma0": 0.5}, {"use_separable_cma": True}, {"with_margin": True}, {"lr_adapt": True}, {"n_startup_trials": 3}):
        sampler = optuna.samplers.CmaEsSampler(seed=0, **kw)
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: t.suggest_float("x", -2, 2) ** 2 + t.suggest_int("y", -3, 3) ** 2, n_trials=12)
        out.append((sorted(kw), len(study.trials), states(study)))
    return out


@case
def cmaes_categorical_falls_back():
    sampler = optuna.samplers.CmaEsSampler(seed=0, warn_independent_sampling=False)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", -2, 2) ** 2 + (t.suggest_categorical("c", ["a", "b"]) == "a"), n_trials=10)
    return len(study.trials), sorted({t.params["c"] for t in study.trials}) <= ["a", "b"]


@case
def partial_fixed_with_tpe_and_enqueue():
    base = optuna.samplers.TPESampler(seed=0, n_startup_trials=3)
    sampler = optuna.samplers.PartialFixedSampler({"y": 1}, base)
    study = optuna.create_study(sampler=sampler)
    study.enqueue_trial({"x": 0.5, "y": 2})
    study.optimize(quad, n_trials=6)
    return [t.params["y"] for t in study.trials], study.trials[0].params["x"]


@case
def brute_force_mixed_and_avoid_premature_stop():
    sampler = optuna.samplers.BruteForceSampler(seed=0)
    study = optuna.create_study(sampler=sampler)

    def obj(trial):
        c = trial.suggest_categorical("c", ["a", "b"])
        if c == "a":
            return trial.suggest_int("i", 0, 2)
        return trial.suggest_float("f", 0, 1, step=0.5)

    study.optimize(obj, n_trials=50)
    combos = sorted(tuple(sorted(t.params.items())) for t in study.trials)
    s2 = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0, avoid_premature_stop=True))
    s2.optimize(obj, n_trials=50)
    return len(study.trials), combos, len(s2.trials)


@case
def tpe_constraints_func_and_options():
    sampler = optuna.samplers.TPESampler(
        seed=0, n_startup_trials=4, multivariate=True, group=True, constant_liar=True, n_ei_candidates=12,
        consider_endpoints=True, prior_weight=0.5, constraints_func=lambda t: t.user_attrs["c"],
    )
    study = optuna.create_study(sampler=sampler)

    def obj(trial):
        x = trial.suggest_float("x", -3, 3)
        trial.set_user_attr("c", [x - 1.0])
        return x**2

    study.optimize(obj, n_trials=15)
    return study.best_trial.user_attrs["c"][0] <= 0, len(study.trials)


@case
def grid_sampler_seed_and_is_exhausted():
    sampler = optuna.samplers.GridSampler({"x": [0, 1, 2], "c": ["a", "b"]}, seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_int("x", 0, 2) + (t.suggest_categorical("c", ["a", "b"]) == "a"), n_trials=20)
    combos = sorted((t.params["x"], t.params["c"]) for t in study.trials)
    return len(study.trials), combos


@case
def random_sampler_reseed_same_sequence():
    s1 = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    s1.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    s2 = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    s2.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    return [t.params for t in s1.trials] == [t.params for t in s2.trials]


# --- study / callbacks -----------------------------------------------------------------------------------------------


@case
def max_trials_callback_states_none():
    study = optuna.create_study()
    cb = optuna.study.MaxTrialsCallback(4, states=None)

    def obj(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise optuna.TrialPruned()
        return x

    study.optimize(obj, n_trials=20, callbacks=[cb])
    return len(study.trials), states(study)


@case
def max_trials_callback_counts_fail():
    study = optuna.create_study()
    cb = optuna.study.MaxTrialsCallback(2, states=(TrialState.FAIL,))

    def obj(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise ValueError("boom")
        return 1.0

    study.optimize(obj, n_trials=20, callbacks=[cb], catch=(ValueError,))
    return len(study.trials), states(study)


@case
def callbacks_order_and_frozen_trial_type():
    seen = []
    study = optuna.create_study()
    study.optimize(
        quad, n_trials=2,
        callbacks=[lambda s, t: seen.append(("a", t.number, t.state.name, type(t).__name__)), lambda s, t: seen.append(("b", t.number))],
    )
    return seen


@case
def optimize_catch_tuple_and_fail_value():
    study = optuna.create_study()

    def obj(trial):
        trial.suggest_float("x", 0, 1)
        raise ZeroDivisionError("x")

    study.optimize(obj, n_trials=2, catch=(ZeroDivisionError, KeyError))
    t = study.trials[0]
    return states(study), t.value, t.values, sorted(t.system_attrs) if hasattr(t, "system_attrs") else None


@case
def multi_objective_constraints_dataframe_columns():
    sampler = optuna.samplers.NSGAIISampler(population_size=4, seed=0, constraints_func=lambda t: t.user_attrs["c"])
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.set_metric_names(["f1", "f2"])
    study.optimize(zdt, n_trials=6)
    df = study.trials_dataframe()
    return sorted(df.columns)


@case
def study_stop_inside_callback_n_jobs_1():
    study = optuna.create_study()

    def cb(s, t):
        if t.number >= 2:
            s.stop()

    study.optimize(quad, n_trials=10, callbacks=[cb])
    return len(study.trials)


# --- visualization / importance / artifacts ------------------------------------------------------------------------


@case
def matplotlib_plots_return_axes():
    vm = mod("optuna.visualization.matplotlib")
    study = optuna.create_study(pruner=optuna.pruners.NopPruner(), sampler=optuna.samplers.RandomSampler(seed=0))

    def obj(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        for i in range(3):
            trial.report(x + y + i, i)
        return x + y

    study.optimize(obj, n_trials=8)
    out = []
    for name in ("plot_optimization_history", "plot_intermediate_values", "plot_param_importances", "plot_slice", "plot_contour", "plot_edf", "plot_parallel_coordinate", "plot_rank", "plot_timeline"):
        fig = getattr(vm, name)(study)
        out.append((name, type(fig).__name__ if not isinstance(fig, np.ndarray) else f"ndarray{fig.shape}"))
    return out


@case
def matplotlib_pareto_and_hypervolume():
    vm = mod("optuna.visualization.matplotlib")
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(zdt, n_trials=8)
    a = vm.plot_pareto_front(study)
    b = vm.plot_hypervolume_history(study, reference_point=[2.0, 3.0])
    c = vm.plot_pareto_front(study, constraints_func=lambda t: t.user_attrs["c"])
    return type(a).__name__, type(b).__name__, type(c).__name__


@case
def plotly_pareto_constraints_traces():
    vis = mod("optuna.visualization")
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(zdt, n_trials=10)
    fig = vis.plot_pareto_front(study, constraints_func=lambda t: t.user_attrs["c"])
    fig2 = vis.plot_pareto_front(study, include_dominated_trials=False, target_names=["a", "b"])
    return len(fig.data), [tr.name for tr in fig.data], fig2.layout.xaxis.title.text, fig2.layout.yaxis.title.text


@case
def plotly_slice_target_lambda_multiobjective():
    vis = mod("optuna.visualization")
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(zdt, n_trials=6)
    fig = vis.plot_slice(study, target=lambda t: t.values[0], target_name="Objective value 0")
    no_target = _try(lambda: vis.plot_slice(study))
    return len(fig.data), fig.layout.yaxis.title.text, no_target


@case
def importance_multiobjective_needs_target():
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(zdt, n_trials=12)
    no_target = _try(lambda: optuna.importance.get_param_importances(study))
    with_target = optuna.importance.get_param_importances(study, target=lambda t: t.values[0], evaluator=optuna.importance.PedAnovaImportanceEvaluator())
    return no_target, sorted(with_target), type(with_target).__name__


@case
def importance_fanova_seed_and_single_param():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6)
    imp = optuna.importance.get_param_importances(study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0))
    return imp


@case
def artifacts_upload_download():
    artifacts = mod("optuna.artifacts")
    store = artifacts.FileSystemArtifactStore(base_path=_path(""))
    study = optuna.create_study()
    src = _path("a.txt")
    with open(src, "w") as f:
        f.write("hello")
    ids = []

    def obj(trial):
        ids.append(artifacts.upload_artifact(artifact_store=store, file_path=src, study_or_trial=trial))
        return 1.0

    study.optimize(obj, n_trials=1)
    dst = _path("b.txt")
    artifacts.download_artifact(artifact_store=store, file_path=dst, artifact_id=ids[0])
    metas = artifacts.get_all_artifact_meta(study.trials[0], storage=study._storage) if PKG == "optuna" else artifacts.get_all_artifact_meta(study.trials[0], storage=study._storage)
    return open(dst).read(), len(metas), sorted(vars(metas[0])) if metas else None


def main():
    for fn in CASES:
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001
            out = f"raised {type(exc).__name__}: {str(exc)[:120]}"
        print(f"{fn.__name__}: {out}", flush=True)


if __name__ == "__main__":
    main()
