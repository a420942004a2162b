"""Calls next to the eighth batch's scripts (the brief's list of calls earlier batches had little of), run under
Optuna and tunewise.

Each case prints one line that should not depend on sampled values (counts, states, types, key sets, the
exception's class), so the two outputs can be compared line by line:

    .venv/bin/python benchmarks/history/s28/optuna_wild8_probe.py optuna
    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s28/optuna_wild8_probe.py tunewise
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import traceback
import warnings

warnings.simplefilter("ignore")

import importlib  # noqa: E402

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


def _exc(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return exc
    return None


def _try(fn):
    try:
        return repr(fn())
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__


# --- add_trial / create_trial / distributions -------------------------------------------------------------------


@case
def add_trial_create_trial_then_optimize():
    study = optuna.create_study()
    space = {
        "x": optuna.distributions.FloatDistribution(-1, 1),
        "y": optuna.distributions.FloatDistribution(-1, 1),
    }
    study.add_trial(optuna.trial.create_trial(params={"x": 0.5, "y": -0.3}, distributions=space, value=-0.15))
    study.add_trial(optuna.trial.create_trial(params={"x": 0.1, "y": 0.1}, distributions=space, value=0.0))
    study.optimize(lambda t: t.suggest_float("x", -1, 1) * t.suggest_float("y", -1, 1), n_trials=3)
    first = study.trials[0]
    return (
        f"n={len(study.trials)} numbers={[t.number for t in study.trials]} first={first.params} "
        f"value={first.value} state={first.state.name} best_le={study.best_value <= -0.15}"
    )


@case
def create_trial_other_states_and_attrs():
    study = optuna.create_study()
    dist = {"lr": optuna.distributions.FloatDistribution(1e-5, 1e-1, log=True)}
    study.add_trials(
        [
            optuna.create_trial(
                params={"lr": 1e-3},
                distributions=dist,
                state=TrialState.PRUNED,
                intermediate_values={0: 0.9, 1: 0.8},
                user_attrs={"note": "old"},
            ),
            optuna.create_trial(params={"lr": 1e-2}, distributions=dist, state=TrialState.FAIL),
            optuna.create_trial(params={"lr": 1e-4}, distributions=dist, values=[0.5]),
        ]
    )
    t0, t1, t2 = study.trials
    return (
        f"states={[t.state.name for t in study.trials]} iv={t0.intermediate_values} ua={t0.user_attrs} "
        f"fail_value={t1.value} best={study.best_value} dist={type(t2.distributions['lr']).__name__}"
        f"(log={t2.distributions['lr'].log})"
    )


@case
def create_trial_int_categorical_distributions():
    space = {
        "n": optuna.distributions.IntDistribution(1, 10, step=3),
        "c": optuna.distributions.CategoricalDistribution(["a", "b", None]),
        "k": optuna.distributions.IntDistribution(1, 64, log=True),
    }
    t = optuna.trial.create_trial(params={"n": 4, "c": None, "k": 8}, distributions=space, value=1.0)
    study = optuna.create_study()
    study.add_trial(t)
    study.optimize(
        lambda tr: (
            tr.suggest_int("n", 1, 10, step=3)
            + tr.suggest_int("k", 1, 64, log=True) * 0.0
            + (tr.suggest_categorical("c", ["a", "b", None]) is None)
        ),
        n_trials=4,
    )
    ns = sorted({tr.params["n"] for tr in study.trials} - {1, 4, 7, 10})
    return f"params={study.trials[0].params} off_grid_n={ns}"


@case
def create_trial_bad_param_raises():
    space = {"x": optuna.distributions.FloatDistribution(0, 1)}
    a = _try(lambda: optuna.trial.create_trial(params={"x": 2.0}, distributions=space, value=1.0))
    b = _try(lambda: optuna.trial.create_trial(params={"x": 0.5}, distributions={}, value=1.0))
    c = _try(lambda: optuna.trial.create_trial(params={"x": 0.5}, distributions=space))
    return f"out_of_range={a} missing_dist={b} complete_without_value={c}"


@case
def distributions_json_roundtrip():
    d = optuna.distributions.FloatDistribution(0.1, 10.0, log=True)
    s = optuna.distributions.distribution_to_json(d)
    back = optuna.distributions.json_to_distribution(s)
    c = optuna.distributions.CategoricalDistribution([1, "a", None])
    dists = optuna.distributions
    return (
        f"eq={back == d} cat_eq={dists.json_to_distribution(dists.distribution_to_json(c)) == c}"
        f" compat={_try(lambda: dists.check_distribution_compatibility(d, dists.FloatDistribution(0.1, 5, log=True)))}"
        f" incompat={_try(lambda: dists.check_distribution_compatibility(d, dists.IntDistribution(1, 5)))}"
    )


# --- callbacks that stop the study --------------------------------------------------------------------------------


@case
def max_trials_callback_default_and_none():
    MaxTrialsCallback = mod("optuna.study").MaxTrialsCallback

    def objective(trial):
        x = trial.suggest_int("x", 0, 9)
        if trial.number % 3 == 0:
            raise optuna.TrialPruned()
        return x

    s1 = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s1.optimize(objective, n_trials=30, callbacks=[MaxTrialsCallback(4)])
    s2 = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s2.optimize(objective, n_trials=30, callbacks=[MaxTrialsCallback(4, states=None)])
    return f"default={states(s1)} none={states(s2)}"


@case
def custom_callback_stop_after_no_improvement():
    class Stop:
        def __init__(self, patience):
            self.patience = patience
            self.calls = 0

        def __call__(self, study, trial):
            self.calls += 1
            if trial.number >= self.patience:
                study.stop()

    cb = Stop(5)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(quad, n_trials=50, callbacks=[cb])
    return f"trials={len(study.trials)} calls={cb.calls}"


@case
def study_stop_inside_objective():
    study = optuna.create_study()

    def objective(trial):
        if trial.number == 2:
            study.stop()
        return quad(trial)

    study.optimize(objective, n_trials=10)
    return f"states={states(study)}"


@case
def callback_sees_frozen_trial_state():
    seen = []

    def cb(study, trial):
        seen.append((trial.state.name, type(trial).__name__, trial.number))

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise optuna.TrialPruned()
        if trial.number == 2:
            raise ValueError("boom")
        return 1.0

    study = optuna.create_study()
    study.optimize(objective, n_trials=4, callbacks=[cb], catch=(ValueError,))
    return f"seen={seen}"


@case
def study_stop_outside_optimize_raises():
    study = optuna.create_study()
    return f"stop={_try(study.stop)}"


# --- storages: heartbeat, retries, summaries, copy / delete -------------------------------------------------------


@case
def rdb_heartbeat_retry_callback():
    with tempfile.TemporaryDirectory() as d:
        storage = optuna.storages.RDBStorage(
            url=f"sqlite:///{d}/hb.db",
            heartbeat_interval=60,
            grace_period=120,
            failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=3),
        )
        study = optuna.create_study(study_name="hb", storage=storage, load_if_exists=True)
        study.optimize(quad, n_trials=3)
        optuna.storages.fail_stale_trials(study)
        t = study.trials[0]
        return (
            f"states={states(study)} retried={optuna.storages.RetryFailedTrialCallback.retried_trial_number(t)} "
            f"history={optuna.storages.RetryFailedTrialCallback.retry_history(t)} "
            f"hb={storage.get_heartbeat_interval()} enabled={storage.is_heartbeat_enabled()}"
        )


@case
def rdb_engine_kwargs_and_study_summaries():
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/s.db"
        storage = optuna.storages.RDBStorage(url, engine_kwargs={"pool_pre_ping": True})
        a = optuna.create_study(study_name="a", storage=storage, direction="maximize")
        a.optimize(lambda t: t.suggest_int("x", 0, 3), n_trials=3)
        a.set_user_attr("owner", "me")
        optuna.create_study(study_name="b", storage=url, directions=["minimize", "maximize"])
        sums = optuna.get_all_study_summaries(url, include_best_trial=True)
        names = optuna.get_all_study_names(url)
        by = {s.study_name: s for s in sums}
        sa, sb = by["a"], by["b"]
        return (
            f"names={sorted(names)} a_n={sa.n_trials} a_dir={sa.direction.name} a_best_is_none={sa.best_trial is None} "
            f"a_user={sa.user_attrs} b_dirs={[x.name for x in sb.directions]} b_best={sb.best_trial} "
            f"a_start_type={type(sa.datetime_start).__name__} b_dir={_try(lambda: sb.direction)}"
        )


@case
def copy_study_and_delete_study():
    with tempfile.TemporaryDirectory() as d:
        src = f"sqlite:///{d}/src.db"
        dst = f"sqlite:///{d}/dst.db"
        s = optuna.create_study(study_name="orig", storage=src)
        s.set_user_attr("k", 1)
        s.optimize(quad, n_trials=4)
        optuna.copy_study(from_study_name="orig", from_storage=src, to_storage=dst)
        optuna.copy_study(from_study_name="orig", from_storage=src, to_storage=dst, to_study_name="copy2")
        copied = optuna.load_study(study_name="orig", storage=dst)
        again = _try(lambda: optuna.copy_study(from_study_name="orig", from_storage=src, to_storage=dst))
        same = [t.value for t in copied.trials] == [t.value for t in s.trials]
        optuna.delete_study(study_name="orig", storage=src)
        gone = isinstance(_exc(lambda: optuna.load_study(study_name="orig", storage=src)), KeyError)
        del_missing = isinstance(_exc(lambda: optuna.delete_study(study_name="nope", storage=src)), KeyError)
        return (
            f"copied_n={len(copied.trials)} user={copied.user_attrs} names={sorted(optuna.get_all_study_names(dst))} "
            f"same_values={same} again={again} "
            f"load_deleted={gone} delete_missing={del_missing}"
        )


@case
def load_study_with_sampler_and_no_name():
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/one.db"
        optuna.create_study(study_name="only", storage=url).optimize(quad, n_trials=2)
        st = optuna.load_study(study_name=None, storage=url, sampler=optuna.samplers.TPESampler(seed=1))
        st.optimize(quad, n_trials=2)
        optuna.create_study(study_name="second", storage=url)
        two = _try(lambda: optuna.load_study(study_name=None, storage=url))
        missing = _try(lambda: isinstance(_exc(lambda: optuna.load_study(study_name="missing", storage=url)), KeyError))
        dup = _try(lambda: optuna.create_study(study_name="only", storage=url))
        return (
            f"name={st.study_name} n={len(st.trials)} sampler={type(st.sampler).__name__} two_studies={two} "
            f"missing={missing} duplicate={dup}"
        )


@case
def inmemory_and_journal_storage_objects():
    with tempfile.TemporaryDirectory() as d:
        mem = optuna.storages.InMemoryStorage()
        a = optuna.create_study(storage=mem, study_name="m")
        a.optimize(quad, n_trials=2)
        b = optuna.load_study(storage=mem, study_name="m")
        j = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(os.path.join(d, "j.log")))
        c = optuna.create_study(storage=j, study_name="j")
        c.optimize(quad, n_trials=2)
        return f"mem_reload={len(b.trials)} journal={len(optuna.load_study(storage=j, study_name='j').trials)}"


# --- samplers -----------------------------------------------------------------------------------------------------


@case
def grid_sampler_dict_exhausts():
    space = {"x": [-50, 0, 50], "y": [-99, 0, 99]}
    study = optuna.create_study(sampler=optuna.samplers.GridSampler(space))
    study.optimize(lambda t: t.suggest_float("x", -100, 100) ** 2 + t.suggest_int("y", -100, 100) ** 2)
    seen = sorted((t.params["x"], t.params["y"]) for t in study.trials)
    s2 = optuna.create_study(sampler=optuna.samplers.GridSampler(space, seed=0))
    s2.optimize(lambda t: t.suggest_float("x", -100, 100) + t.suggest_int("y", -100, 100), n_trials=20)
    return f"n={len(study.trials)} distinct={len(set(seen))} n_trials20={len(s2.trials)} best={study.best_value}"


@case
def grid_sampler_param_not_in_grid():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [0, 1]}))

    def objective(trial):
        x = trial.suggest_int("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return x + y

    r = _try(lambda: study.optimize(objective, n_trials=2))
    return f"result={r} states={states(study)}"


@case
def grid_sampler_value_outside_suggest_range():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [0.5, 5.0]}))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    return f"params={sorted(t.params.get('x') for t in study.trials)} states={states(study)}"


@case
def nsga2_constraints_func_best_trials():
    def objective(trial):
        x = trial.suggest_float("x", 0, 5)
        y = trial.suggest_float("y", 0, 3)
        trial.set_user_attr("constraint", [(x - 5) ** 2 + y**2 - 25, -((x - 8) ** 2) - (y + 3) ** 2 + 7.7])
        return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2

    sampler = optuna.samplers.NSGAIISampler(
        population_size=10, constraints_func=lambda t: t.user_attrs["constraint"], seed=0
    )
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=30)
    feasible_best = all(all(c <= 0 for c in t.user_attrs["constraint"]) for t in study.best_trials)
    key = "constraints" in study.trials[0].system_attrs
    return (
        f"n={len(study.trials)} best_all_feasible={feasible_best} sys_key={key} n_best_pos={len(study.best_trials) > 0}"
    )


@case
def nsga3_constraints_and_reference_points():
    import numpy as np

    sampler = optuna.samplers.NSGAIIISampler(
        population_size=8,
        reference_points=np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]),
        constraints_func=lambda t: [t.params["x"] - 0.8],
        seed=0,
    )
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1) * t.params["x"]), n_trials=24)
    return f"n={len(study.trials)} best_feasible={all(t.params['x'] <= 0.8 for t in study.best_trials)}"


@case
def tpe_constraints_func_single_objective_best():
    def objective(trial):
        x = trial.suggest_float("x", -3, 3)
        trial.set_user_attr("c", [x - 1.0])
        return (x - 2) ** 2

    sampler = optuna.samplers.TPESampler(constraints_func=lambda t: t.user_attrs["c"], seed=0)
    study = optuna.create_study(sampler=sampler)
    study.optimize(objective, n_trials=20)
    return f"best_feasible={study.best_trial.params['x'] <= 1.0} best_trials={len(study.best_trials)}"


@case
def brute_force_sampler_discrete():
    study = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))

    def objective(trial):
        c = trial.suggest_categorical("c", ["a", "b"])
        if c == "a":
            return trial.suggest_int("n", 0, 2)
        return trial.suggest_float("f", 0.0, 1.0, step=0.5)

    study.optimize(objective)
    combos = sorted(tuple(sorted(t.params.items())) for t in study.trials)
    return f"n={len(study.trials)} combos={combos}"


@case
def brute_force_sampler_float_without_step():
    study = optuna.create_study(sampler=optuna.samplers.BruteForceSampler())
    r = _try(lambda: study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2))
    return f"result={r} states={states(study)}"


@case
def partial_fixed_sampler_params():
    base = optuna.samplers.TPESampler(seed=0)
    sampler = optuna.samplers.PartialFixedSampler({"y": 0}, base)
    study = optuna.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("y", -1, 1), n_trials=5)
    return (
        f"ys={sorted({t.params['y'] for t in study.trials})} xs_vary={len({t.params['x'] for t in study.trials}) > 1}"
    )


@case
def sampler_reseed_and_infer_relative():
    s = optuna.samplers.TPESampler(seed=0)
    s.reseed_rng()
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=2)
    return f"ok={len(study.trials)} has_reseed={hasattr(optuna.samplers.RandomSampler(), 'reseed_rng')}"


# --- attributes ---------------------------------------------------------------------------------------------------


@case
def user_and_system_attrs():
    study = optuna.create_study()
    study.set_user_attr("dataset", "iris")
    study.set_user_attr("folds", [1, 2])

    def objective(trial):
        trial.set_user_attr("acc", 0.9)
        trial.set_user_attr("arr", {"a": [1, 2]})
        return quad(trial)

    study.optimize(objective, n_trials=2)
    t = study.trials[0]
    sa = study.system_attrs
    return (
        f"study_user={study.user_attrs} trial_user={t.user_attrs} "
        f"study_sys_type={type(sa).__name__} best_user={study.best_trial.user_attrs['acc']}"
    )


@case
def frozen_trial_set_user_attr_and_copy():
    study = optuna.create_study()
    study.optimize(quad, n_trials=1)
    ft = study.trials[0]
    ft.set_user_attr("later", 1)
    again = study.trials[0].user_attrs
    return f"frozen_has={'later' in ft.user_attrs} stored_has={'later' in again}"


@case
def trials_dataframe_attrs_user_and_system():
    study = optuna.create_study()

    def objective(trial):
        trial.set_user_attr("n_estimators", 10)
        return quad(trial)

    study.optimize(objective, n_trials=2)
    df = study.trials_dataframe(attrs=("number", "value", "params", "user_attrs", "state"))
    df2 = study.trials_dataframe(multi_index=True)
    return f"cols={list(df.columns)} state0={df['state'][0]} multi_top={sorted(set(c[0] for c in df2.columns))}"


@case
def enqueue_trial_user_attrs_and_waiting():
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.0, "y": 0.0}, user_attrs={"source": "warm"})
    waiting = len(study.get_trials(states=(TrialState.WAITING,)))
    study.optimize(quad, n_trials=1)
    t = study.trials[0]
    return f"waiting={waiting} params={t.params} user={t.user_attrs} value={t.value}"


@case
def enqueue_partial_params():
    study = optuna.create_study()
    study.enqueue_trial({"x": 1.0})
    study.optimize(quad, n_trials=1)
    t = study.trials[0]
    return f"x={t.params['x']} has_y={'y' in t.params}"


@case
def fixed_trial_and_missing_param():
    ft = optuna.trial.FixedTrial({"x": 1.0, "n": 3, "c": "a"})
    v = ft.suggest_float("x", 0, 2) + ft.suggest_int("n", 0, 5)
    c = ft.suggest_categorical("c", ["a", "b"])
    missing = _try(lambda: ft.suggest_float("z", 0, 1))
    return f"v={v} c={c} missing={missing} number={ft.number} params={ft.params}"


# --- importance ---------------------------------------------------------------------------------------------------


def _importance_study():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda t: 10 * t.suggest_float("a", 0, 1) + 0.1 * t.suggest_float("b", 0, 1) + t.suggest_int("c", 0, 1),
        n_trials=40,
    )
    return study


@case
def importance_evaluators():
    study = _importance_study()
    out = []
    for name in ("FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator", "PedAnovaImportanceEvaluator"):
        ev = getattr(optuna.importance, name)
        imp = optuna.importance.get_param_importances(study, evaluator=ev() if name.startswith("Ped") else ev(seed=0))
        out.append(f"{name[:6]}:{type(imp).__name__}:{sorted(imp)}:top={next(iter(imp))}")
    return " ".join(out)


@case
def importance_params_target_normalize():
    study = _importance_study()
    a = optuna.importance.get_param_importances(study, params=["a", "b"])
    b = optuna.importance.get_param_importances(study, target=lambda t: -t.value, normalize=False)
    sum1 = abs(sum(a.values()) - 1) < 1e-9
    return f"params={sorted(a)} sum1={sum1} unnorm_keys={sorted(b)} sum_not1={abs(sum(b.values()) - 1) > 1e-9}"


# --- logging ------------------------------------------------------------------------------------------------------


@case
def logging_handlers_and_propagation():
    optuna.logging.disable_default_handler()
    optuna.logging.enable_default_handler()
    optuna.logging.enable_propagation()
    optuna.logging.disable_propagation()
    lg = optuna.logging.get_logger("optuna")
    optuna.logging.set_verbosity(optuna.logging.INFO)
    v = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return f"logger_type={type(lg).__name__} info={v == logging.INFO} name_ok={isinstance(lg.name, str)}"


@case
def logging_stream_handler_receives_trial_lines():
    import io

    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    optuna.logging.get_logger("optuna").addHandler(handler)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    try:
        study = optuna.create_study()
        study.optimize(quad, n_trials=2)
    finally:
        optuna.logging.get_logger("optuna").removeHandler(handler)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    text = buf.getvalue()
    return f"lines_with_finished={text.count('finished with value')} has_best={'Best is trial' in text}"


# --- artifacts, terminator ----------------------------------------------------------------------------------------


@case
def artifacts_upload_download():
    art = mod("optuna.artifacts")
    FileSystemArtifactStore, download_artifact = art.FileSystemArtifactStore, art.download_artifact
    get_all_artifact_meta, upload_artifact = art.get_all_artifact_meta, art.upload_artifact

    with tempfile.TemporaryDirectory() as d:
        store = FileSystemArtifactStore(base_path=d)
        path = os.path.join(d, "model.txt")
        with open(path, "w") as f:
            f.write("weights")

        def objective(trial):
            x = trial.suggest_float("x", 0, 1)
            aid = upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
            trial.set_user_attr("artifact_id", aid)
            return x

        study = optuna.create_study()
        study.optimize(objective, n_trials=2)
        aid = study.best_trial.user_attrs["artifact_id"]
        out = os.path.join(d, "back.txt")
        download_artifact(artifact_store=store, file_path=out, artifact_id=aid)
        meta = get_all_artifact_meta(study.best_trial, storage=study._storage)
        with open(out) as f:
            back = f.read()
        return f"back={back} n_meta={len(meta)} meta_name={meta[0].filename} meta_type={type(meta[0]).__name__}"


@case
def terminator_callback_static_error():
    term_mod = mod("optuna.terminator")
    StaticErrorEvaluator, Terminator = term_mod.StaticErrorEvaluator, term_mod.Terminator
    TerminatorCallback = term_mod.TerminatorCallback

    term = Terminator(error_evaluator=StaticErrorEvaluator(1e9), min_n_trials=5)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(quad, n_trials=30, callbacks=[TerminatorCallback(term)])
    return f"stopped_at={len(study.trials)}"


@case
def terminator_report_cv_scores():
    report_cross_validation_scores = mod("optuna.terminator").report_cross_validation_scores

    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        report_cross_validation_scores(trial, [x, x + 0.1, x - 0.1])
        return x

    study.optimize(objective, n_trials=2)
    keys = sorted(k for k in study.trials[0].system_attrs if "terminator" in k)
    one = _try(lambda: report_cross_validation_scores(optuna.trial.FixedTrial({}), [0.5]))
    return f"keys={keys} single_score={one}"


# --- visualization.matplotlib -------------------------------------------------------------------------------------


@case
def matplotlib_plots_return_types():
    import matplotlib.pyplot as plt

    vm = mod("optuna.visualization.matplotlib")

    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_int("y", 0, 3)
        for step in range(3):
            trial.report(x * step, step)
        return x + y

    study.optimize(objective, n_trials=8)
    out = []
    for name in (
        "plot_optimization_history",
        "plot_param_importances",
        "plot_slice",
        "plot_contour",
        "plot_intermediate_values",
        "plot_edf",
        "plot_parallel_coordinate",
        "plot_rank",
        "plot_timeline",
    ):
        try:
            ax = getattr(vm, name)(study)
            out.append(f"{name[5:]}={type(ax).__name__}")
        except Exception as exc:  # noqa: BLE001
            out.append(f"{name[5:]}=ERR:{type(exc).__name__}")
        plt.close("all")
    return " ".join(out)


@case
def matplotlib_pareto_and_savefig():
    import matplotlib.pyplot as plt

    plot_pareto_front = mod("optuna.visualization.matplotlib").plot_pareto_front

    study = optuna.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=6)
    ax = plot_pareto_front(study, target_names=["loss", "acc"])
    with tempfile.TemporaryDirectory() as d:
        plt.savefig(os.path.join(d, "p.png"))
        ok = os.path.getsize(os.path.join(d, "p.png")) > 0
    labels = (ax.get_xlabel(), ax.get_ylabel())
    plt.close("all")
    return f"type={type(ax).__name__} labels={labels} saved={ok}"


@case
def matplotlib_history_target_and_name():
    import matplotlib.pyplot as plt

    plot_optimization_history = mod("optuna.visualization.matplotlib").plot_optimization_history

    study = optuna.create_study(directions=["minimize", "minimize"])
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=4)
    no_target = _try(lambda: plot_optimization_history(study))
    ax = plot_optimization_history(study, target=lambda t: t.values[0], target_name="first")
    ylabel = ax.get_ylabel()
    plt.close("all")
    return f"no_target={no_target} ylabel={ylabel}"


@case
def plotly_is_available_and_figure_types():
    vis = optuna.visualization
    study = optuna.create_study()
    study.optimize(quad, n_trials=4)
    fig = vis.plot_optimization_history(study)
    return f"available={vis.is_available()} fig={type(fig).__name__} mpl_available={vis.matplotlib.is_available()}"


# --- MLflow -------------------------------------------------------------------------------------------------------


@case
def mlflow_callback_file_store():
    try:
        MLflowCallback = mod("optuna.integration").MLflowCallback
    except Exception as exc:  # noqa: BLE001
        return f"import={type(exc).__name__}"
    import mlflow

    with tempfile.TemporaryDirectory() as d:
        uri = f"sqlite:///{d}/mlflow.db"
        cb = MLflowCallback(tracking_uri=uri, metric_name="my_score")
        study = optuna.create_study(study_name="mlf")
        study.optimize(quad, n_trials=3, callbacks=[cb])
        mlflow.set_tracking_uri(uri)
        runs = mlflow.search_runs(experiment_names=["mlf"])
        cols = sorted(c for c in runs.columns if c.startswith(("metrics.", "params.")))
        return f"runs={len(runs)} cols={cols}"


@case
def mlflow_callback_multi_objective_metric_names():
    try:
        MLflowCallback = mod("optuna.integration").MLflowCallback
    except Exception as exc:  # noqa: BLE001
        return f"import={type(exc).__name__}"
    import mlflow

    with tempfile.TemporaryDirectory() as d:
        uri = f"sqlite:///{d}/mlflow.db"
        cb = MLflowCallback(tracking_uri=uri, metric_name=["m1", "m2"])
        study = optuna.create_study(study_name="mo", directions=["minimize", "maximize"])
        study.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1)), n_trials=2, callbacks=[cb])
        mlflow.set_tracking_uri(uri)
        runs = mlflow.search_runs(experiment_names=["mo"])
        cols = sorted(c for c in runs.columns if c.startswith("metrics."))
        return f"runs={len(runs)} metric_cols={cols}"


# --- integration callbacks, pickling, OptunaSearchCV (the batch's scripts' calls) ---------------------------------


@case
def xgboost_pruning_callback_in_xgb_cv():
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    dtrain = xgb.DMatrix(X, label=y)

    def objective(trial):
        param = {
            "verbosity": 0,
            "objective": "binary:logistic",
            "eval_metric": "logloss",
            "max_depth": trial.suggest_int("max_depth", 1, 5),
        }
        cb = mod("optuna.integration").XGBoostPruningCallback(trial, "test-logloss")
        history = xgb.cv(param, dtrain, num_boost_round=20, nfold=3, callbacks=[cb], seed=0, verbose_eval=False)
        trial.set_user_attr("n_estimators", len(history))
        return float(history["test-logloss-mean"].values[-1])

    study = optuna.create_study(
        pruner=optuna.pruners.MedianPruner(n_warmup_steps=5), sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(objective, n_trials=5)
    steps = sorted({len(t.intermediate_values) for t in study.trials if t.state == TrialState.COMPLETE})
    n_est = study.best_trial.user_attrs["n_estimators"]
    return f"finished={sum(states(study).values())} complete_steps={steps} n_est={n_est}"


@case
def lightgbm_pruning_callback_valid_name():
    import lightgbm as lgb
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)

    def objective(trial):
        params = {
            "objective": "binary",
            "metric": "auc",
            "verbosity": -1,
            "num_leaves": trial.suggest_int("num_leaves", 2, 32),
        }
        dtrain, dvalid = lgb.Dataset(X[:400], label=y[:400]), lgb.Dataset(X[400:], label=y[400:])
        cb = mod("optuna.integration").LightGBMPruningCallback(trial, metric="auc", valid_name="valid")
        booster = lgb.train(
            params, dtrain, num_boost_round=15, valid_sets=[dvalid], valid_names=["valid"], callbacks=[cb]
        )
        return booster.best_score["valid"]["auc"]

    study = optuna.create_study(
        direction="maximize", pruner=optuna.pruners.HyperbandPruner(), sampler=optuna.samplers.RandomSampler(seed=0)
    )
    study.optimize(objective, n_trials=4)
    return f"finished={sum(states(study).values())} steps0={len(study.trials[0].intermediate_values)}"


@case
def pickled_study_joblib_roundtrip():
    import joblib

    study = optuna.create_study()
    study.optimize(quad, n_trials=3)
    with tempfile.TemporaryDirectory() as d:
        joblib.dump(study, os.path.join(d, "study.pkl"))
        back = joblib.load(os.path.join(d, "study.pkl"))
    back.optimize(quad, n_trials=1)
    return f"n={len(back.trials)} best_same={back.best_value <= study.best_value} orig_n={len(study.trials)}"


@case
def disable_default_handler_silences_stderr():
    import contextlib
    import io

    optuna.logging.set_verbosity(optuna.logging.INFO)
    optuna.logging.disable_default_handler()
    buf = io.StringIO()
    try:
        with contextlib.redirect_stderr(buf):
            study = optuna.create_study()
            study.optimize(quad, n_trials=2)
    finally:
        optuna.logging.enable_default_handler()
        optuna.logging.set_verbosity(optuna.logging.WARNING)
    return f"stderr_chars={len(buf.getvalue())}"


@case
def optuna_search_cv_distributions():
    from sklearn.datasets import load_iris
    from sklearn.ensemble import RandomForestClassifier

    X, y = load_iris(return_X_y=True)
    space = {
        "n_estimators": optuna.distributions.IntDistribution(5, 20),
        "max_depth": optuna.distributions.IntDistribution(2, 6),
        "max_features": optuna.distributions.CategoricalDistribution(["sqrt", "log2"]),
        "bootstrap": optuna.distributions.CategoricalDistribution([True, False]),
    }
    search = mod("optuna.integration").OptunaSearchCV(
        RandomForestClassifier(random_state=0), space, n_trials=4, cv=3, random_state=0
    )
    search.fit(X, y)
    return (
        f"params={sorted(search.best_params_)} n_trials={search.n_trials_} study_n={len(search.study_.trials)} "
        f"has_trials_={hasattr(search, 'trials_')} score_ok={0 <= search.best_score_ <= 1}"
    )


@case
def study_trials_are_copies():
    study = optuna.create_study()
    study.optimize(quad, n_trials=2)
    t = study.trials[0]
    t.set_user_attr("k", 1)
    t.value = 123.0
    again = study.trials[0]
    best = study.best_trial
    best.set_user_attr("b", 2)
    return (
        f"user_leak={'k' in again.user_attrs} value_leak={again.value == 123.0} "
        f"best_leak={'b' in study.best_trial.user_attrs}"
    )


@case
def n_jobs_with_max_trials_callback():
    MaxTrialsCallback = mod("optuna.study").MaxTrialsCallback
    study = optuna.create_study()
    study.optimize(quad, n_trials=40, n_jobs=2, callbacks=[MaxTrialsCallback(6, states=None)])
    return f"in_6_to_8={6 <= len(study.trials) <= 8}"


@case
def study_summary_class_and_fields():
    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{d}/sum.db"
        s = optuna.create_study(study_name="s", storage=url)
        s.optimize(quad, n_trials=2)
        (summary,) = optuna.study.get_all_study_summaries(storage=url)
        fields = [
            f
            for f in (
                "study_name",
                "direction",
                "directions",
                "best_trial",
                "user_attrs",
                "system_attrs",
                "n_trials",
                "datetime_start",
                "_study_id",
            )
            if hasattr(summary, f)
        ]
        return f"type={type(summary).__name__} fields={fields} best_number={summary.best_trial.number in (0, 1)}"


# --- numbers and arguments scripts pass (IamSantoshKumar's argparse type=float n_trials, numpy counts) -----------


@case
def optimize_n_trials_float_and_numpy():
    import numpy as np

    out = []
    for n in (3.0, 2.5, np.int64(2), np.float64(2.0)):
        study = optuna.create_study()
        r = _try(lambda study=study, n=n: study.optimize(quad, n_trials=n))
        out.append(f"{n!r}->{len(study.trials) if r == 'None' else r}")
    study = optuna.create_study()
    r = _try(lambda: study.optimize(quad, n_trials=2, timeout=np.int64(60), n_jobs=np.int64(1)))
    out.append(f"np_timeout_n_jobs->{len(study.trials) if r == 'None' else r}")
    return " ".join(out)


@case
def tpe_custom_gamma_and_weights():
    import numpy as np

    sampler = optuna.samplers.TPESampler(
        seed=0,
        n_startup_trials=3,
        n_ei_candidates=12,
        gamma=lambda n: min(int(np.ceil(0.1 * n)), 25),
        weights=lambda n: np.ones(n),
        consider_endpoints=True,
        prior_weight=0.5,
    )
    study = optuna.create_study(sampler=sampler)
    study.optimize(quad, n_trials=8)
    return f"n={len(study.trials)} states={states(study)}"


@case
def pruners_patient_percentile_threshold():
    out = []
    for name, pruner in (
        ("patient", optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=1), patience=1)),
        ("percentile", optuna.pruners.PercentilePruner(25.0, n_startup_trials=1, n_warmup_steps=1)),
        ("threshold", optuna.pruners.ThresholdPruner(upper=0.5)),
    ):
        study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))

        def objective(trial):
            base = trial.number / 10
            for step in range(5):
                trial.report(base + step * 0.1, step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return base

        study.optimize(objective, n_trials=6)
        out.append(f"{name}:{states(study)}")
    return " ".join(out)


@case
def suggest_int_log_with_step_and_discrete_uniform():
    study = optuna.create_study()
    t = study.ask()
    a = _try(lambda: t.suggest_int("a", 1, 100, step=2, log=True))
    b = _try(lambda: t.suggest_discrete_uniform("b", 0.0, 1.0, 0.25) in (0.0, 0.25, 0.5, 0.75, 1.0))
    c = _try(lambda: t.suggest_float("c", 1.0, 0.0))
    return f"int_log_step={a} discrete_uniform={b} low_gt_high={c}"


@case
def rdb_storage_engine_connect_args_and_progress_bar():
    with tempfile.TemporaryDirectory() as d:
        storage = optuna.storages.RDBStorage(url=f"sqlite:///{d}/c.db", engine_kwargs={"connect_args": {"timeout": 10}})
        study = optuna.create_study(storage=storage, study_name="c")
        study.optimize(quad, n_trials=3, gc_after_trial=True, show_progress_bar=True)
        return f"n={len(study.trials)} url_ok={storage.url.endswith('c.db') if hasattr(storage, 'url') else 'no-url'}"


@case
def best_trial_params_update_then_dataframe():
    # fisher / vrbaj / many refits: params = study.best_trial.params; params.update(fixed)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        trial.set_user_attr("n_estimators", 10)
        return quad(trial)

    study.optimize(objective, n_trials=4)
    params = study.best_trial.params
    params.update({"objective": "binary", "verbosity": -1})
    ua = _try(lambda: study.best_trial.user_attrs.update({"refit": True}))
    cols = [c for c in study.trials_dataframe().columns if c.startswith(("params_", "user_attrs_"))]
    return f"best_params={sorted(study.best_trial.params)} cols={cols} user_update={ua}"


@case
def user_attrs_keep_insertion_order():
    # flavia: print(best.user_attrs.items()) as a report
    study = optuna.create_study()

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        for key in ("recall_at_k", "mrr", "context_chars", "n_chunks"):
            trial.set_user_attr(key, 1)
        trial.report(x, 0)
        for key in ("zeta", "alpha"):
            trial.set_user_attr(key, 2)
        return x

    study.optimize(objective, n_trials=2)
    return f"order={list(study.best_trial.user_attrs)}"


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
    main()
