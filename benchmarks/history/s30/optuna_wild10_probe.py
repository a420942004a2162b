"""Calls next to the tenth batch's scripts that earlier probes (s24-s29) had little of, run under Optuna and tunewise.

Each case prints one line that should not depend on sampled values (counts, states, types, key sets, column
names, the exception's class), so the two outputs can be compared line by line:

    PYTHONPATH= /work/venvs/compat30/bin/python benchmarks/history/s30/optuna_wild10_probe.py optuna
    PYTHONPATH=<tunewise src> /work/venvs/compat30/bin/python benchmarks/history/s30/optuna_wild10_probe.py tunewise

Weighted to the brief's list: copy_study / delete_study / load_study / study summaries on SQLite, enqueue_trial
with partial parameters and user attributes, add_trial / create_trial with intermediate values, study and trial
user attributes with numpy values, optimize callbacks (MaxTrialsCallback with states, a callback that reads
best_trial), ask / tell with states and fixed distributions, pruners' report / should_prune (Hyperband,
SuccessiveHalving, Percentile, Nop) on a replayed curve, multi-objective trials_dataframe columns,
optuna.importance evaluators with params= / normalize=, distributions, TrialState helpers, GridSampler and
BruteForceSampler exhaustion, PartialFixedSampler, OptunaSearchCV's attributes.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback
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
TMP = tempfile.mkdtemp(prefix="owild10_")


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


def _url(name):
    return f"sqlite:///{os.path.join(TMP, name)}.db"


# --- storages: copy / delete / load / summaries ------------------------------------------------------------------


@case
def copy_study_between_sqlite_files():
    src, dst = _url("copy_src"), _url("copy_dst")
    study = optuna.create_study(study_name="s", storage=src, sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("owner", "me")
    study.optimize(quad, n_trials=4)
    optuna.copy_study(from_study_name="s", from_storage=src, to_storage=dst)
    copied = optuna.load_study(study_name="s", storage=dst)
    same = [t.params == u.params and t.value == u.value for t, u in zip(study.trials, copied.trials)]
    again = _try(lambda: optuna.copy_study(from_study_name="s", from_storage=src, to_storage=dst))
    renamed = optuna.copy_study(from_study_name="s", from_storage=src, to_storage=dst, to_study_name="s2")
    names = sorted(optuna.get_all_study_names(storage=dst))
    return (
        f"n={len(copied.trials)} same={all(same)} attrs={copied.user_attrs} again={again} "
        f"ret={renamed!r} names={names} dir={copied.direction.name}"
    )


@case
def delete_study_then_load_raises():
    url = _url("delete")
    optuna.create_study(study_name="gone", storage=url).optimize(quad, n_trials=2)
    optuna.delete_study(study_name="gone", storage=url)
    after_load = _try(lambda: optuna.load_study(study_name="gone", storage=url))
    after_delete = _try(lambda: optuna.delete_study(study_name="gone", storage=url))
    names = optuna.get_all_study_names(storage=url)
    return f"load={after_load} delete_again={after_delete} names={names}"


@case
def load_study_name_none_single_and_many():
    url = _url("none_name")
    optuna.create_study(study_name="only", storage=url).optimize(quad, n_trials=1)
    one = optuna.load_study(study_name=None, storage=url).study_name
    optuna.create_study(study_name="second", storage=url)
    two = _try(lambda: optuna.load_study(study_name=None, storage=url))
    return f"one={one} two={two}"


@case
def study_summaries_fields():
    url = _url("summaries")
    s = optuna.create_study(study_name="a", storage=url, direction="maximize")
    s.set_user_attr("k", [1, 2])
    s.optimize(quad, n_trials=3)
    optuna.create_study(study_name="b", storage=url, directions=["minimize", "maximize"])
    summaries = optuna.get_all_study_summaries(storage=url)
    rows = []
    for summary in sorted(summaries, key=lambda x: x.study_name):
        best = None if summary.best_trial is None else type(summary.best_trial).__name__
        rows.append((summary.study_name, summary.n_trials, [d.name for d in summary.directions], best,
                     summary.user_attrs))
    return f"rows={rows} dt={type(summaries[0].datetime_start).__name__}"


@case
def create_study_existing_name_raises_and_load_if_exists():
    url = _url("dup")
    optuna.create_study(study_name="d", storage=url)
    dup = _try(lambda: optuna.create_study(study_name="d", storage=url))
    dup_name = type(optuna.exceptions.DuplicatedStudyError).__name__
    loaded = optuna.create_study(study_name="d", storage=url, load_if_exists=True).study_name
    return f"dup={dup} cls={dup_name} loaded={loaded}"


@case
def rdb_storage_object_and_url_string():
    url = _url("rdb")
    storage = optuna.storages.RDBStorage(url=url)
    s = optuna.create_study(study_name="r", storage=storage, sampler=optuna.samplers.RandomSampler(seed=1))
    s.optimize(quad, n_trials=3)
    again = optuna.load_study(study_name="r", storage=url)
    return f"n={len(again.trials)} best_same={again.best_params == s.best_params} cls={type(storage).__name__}"


# --- enqueue / add_trial / create_trial ----------------------------------------------------------------------------


@case
def enqueue_partial_params_and_user_attrs():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"x": 0.5}, user_attrs={"source": "baseline"})
    study.enqueue_trial({"x": 1.0, "y": 2})
    study.optimize(quad, n_trials=3)
    t0, t1 = study.trials[0], study.trials[1]
    return (
        f"t0x={t0.params['x']} t0y_in_range={-3 <= t0.params['y'] <= 3} t0attrs={t0.user_attrs} "
        f"t1={t1.params} sys_keys_hidden={'fixed_params' not in t0.user_attrs}"
    )


@case
def enqueue_out_of_range_value():
    study = optuna.create_study()
    study.enqueue_trial({"x": 50.0, "y": 10})
    study.optimize(quad, n_trials=1)
    t = study.trials[0]
    return f"state={t.state.name} params={t.params}"


@case
def add_trial_with_intermediate_values_and_attrs():
    dists = {"x": optuna.distributions.FloatDistribution(-5, 5), "y": optuna.distributions.IntDistribution(-3, 3)}
    study = optuna.create_study()
    study.add_trial(
        optuna.trial.create_trial(
            params={"x": 1.0, "y": -2},
            distributions=dists,
            value=0.0,
            intermediate_values={0: 3.0, 1: 1.0},
            user_attrs={"note": "hand"},
        )
    )
    study.add_trials([optuna.trial.create_trial(params={"x": 2.0, "y": 0}, distributions=dists, value=5.0)])
    study.optimize(quad, n_trials=2)
    t = study.trials[0]
    return (
        f"n={len(study.trials)} best={study.best_trial.number} iv={t.intermediate_values} "
        f"last_step={t.last_step} attrs={t.user_attrs} numbers={[x.number for x in study.trials]}"
    )


@case
def create_trial_bad_inputs():
    d = {"x": optuna.distributions.FloatDistribution(0, 1)}
    missing = _try(lambda: optuna.trial.create_trial(params={"x": 0.5}, distributions=d))
    outside = _try(
        lambda: optuna.create_study().add_trial(optuna.trial.create_trial(params={"x": 5.0}, distributions=d, value=1))
    )
    both = _try(lambda: optuna.trial.create_trial(params={"x": 0.5}, distributions=d, value=1.0, values=[1.0]))
    fail = optuna.trial.create_trial(params={"x": 0.5}, distributions=d, state=TrialState.FAIL)
    return f"missing={missing} outside={outside} both={both} fail_value={fail.value} fail_state={fail.state.name}"


# --- user attrs ----------------------------------------------------------------------------------------------------


@case
def user_attrs_numpy_and_nested():
    study = optuna.create_study(storage=_url("attrs"))

    def objective(trial):
        trial.set_user_attr("acc", np.float64(0.9))
        trial.set_user_attr("n", np.int64(3))
        trial.set_user_attr("feats", ["a", "b"])
        trial.set_user_attr("cfg", {"depth": 3, "name": "x"})
        return quad(trial)

    study.optimize(objective, n_trials=1)
    attrs = study.trials[0].user_attrs
    types = {k: type(v).__name__ for k, v in sorted(attrs.items())}
    study.set_user_attr("best_model", "rf")
    return f"types={types} values={sorted(attrs.items())} study={study.user_attrs}"


@case
def user_attr_unserializable():
    study = optuna.create_study(storage=_url("attrs_bad"))

    def objective(trial):
        trial.set_user_attr("model", object())
        return 1.0

    study.optimize(objective, n_trials=1, catch=(Exception,))
    return f"state={study.trials[0].state.name}"


# --- callbacks -----------------------------------------------------------------------------------------------------


@case
def max_trials_callback_states():
    cb_cls = mod("optuna.study").MaxTrialsCallback
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        if trial.number % 2:
            raise optuna.TrialPruned()
        return x

    study.optimize(objective, n_trials=20, callbacks=[cb_cls(3, states=(TrialState.COMPLETE,))])
    study2 = optuna.create_study()
    study2.optimize(objective, n_trials=20, callbacks=[cb_cls(4, states=None)])
    return f"states={states(study)} none={states(study2)}"


@case
def callback_reads_best_trial_and_sets_study_attr():
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    seen = []

    def cb(study, trial):
        if study.best_trial.number == trial.number:
            study.set_user_attr("best_number", trial.number)
        seen.append((type(trial).__name__, trial.state.name))

    def objective(trial):
        trial.set_user_attr("model", f"m{trial.number}")
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=5, callbacks=[cb])
    return f"kinds={sorted(set(seen))} attr_is_best={study.user_attrs['best_number'] == study.best_trial.number}"


@case
def callback_on_failed_and_pruned_trials():
    study = optuna.create_study()
    seen = []

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            raise optuna.TrialPruned()
        if trial.number == 1:
            raise ValueError("boom")
        if trial.number == 2:
            return float("nan")
        return 1.0

    study.optimize(objective, n_trials=4, catch=(ValueError,), callbacks=[lambda s, t: seen.append(t.state.name)])
    return f"seen={seen} values={[t.value for t in study.trials]}"


# --- ask / tell ----------------------------------------------------------------------------------------------------


@case
def ask_fixed_distributions_and_tell_states():
    study = optuna.create_study()
    dists = {
        "x": optuna.distributions.FloatDistribution(0, 1),
        "c": optuna.distributions.CategoricalDistribution(["a", "b"]),
    }
    t = study.ask(fixed_distributions=dists)
    keys = sorted(t.params)
    study.tell(t, 0.5)
    t2 = study.ask()
    study.tell(t2, state=TrialState.PRUNED)
    t3 = study.ask()
    study.tell(t3, state=TrialState.FAIL)
    t4 = study.ask()
    wrong = _try(lambda: study.tell(t4, state=TrialState.COMPLETE))
    again = _try(lambda: study.tell(t.number, 0.1))
    by_number = study.tell(t4.number, 0.25)
    return (
        f"keys={keys} states={[x.state.name for x in study.trials]} wrong={wrong} again={again} "
        f"ret={type(by_number).__name__} values={[x.value for x in study.trials]}"
    )


@case
def tell_pruned_uses_last_intermediate():
    study = optuna.create_study()
    t = study.ask()
    t.suggest_float("x", 0, 1)
    t.report(0.7, 0)
    t.report(0.4, 1)
    study.tell(t, state=TrialState.PRUNED)
    ft = study.trials[0]
    return f"state={ft.state.name} value={ft.value} iv={ft.intermediate_values}"


# --- pruners -------------------------------------------------------------------------------------------------------


def _curve_study(pruner, n=8, steps=9, seed=0):
    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=seed))
    pruned_at = []

    def objective(trial):
        k = trial.number
        for step in range(steps):
            trial.report(1.0 / (step + 1) + 0.1 * ((k * 7) % 5), step)
            if trial.should_prune():
                pruned_at.append((k, step))
                raise optuna.TrialPruned()
        return 1.0 / steps + 0.1 * ((k * 7) % 5)

    study.optimize(objective, n_trials=n)
    return study, pruned_at


@case
def hyperband_pruner_curve():
    study, at = _curve_study(optuna.pruners.HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3))
    # Optuna puts a trial in a bracket by crc32 of "<study name>_<number>", and the default name is random:
    # the counts vary from run to run under Optuna itself, so only the kinds of state are compared.
    return f"state_kinds={sorted(states(study))}"


@case
def successive_halving_pruner_curve():
    study, at = _curve_study(optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2))
    return f"pruned_at={at}"


@case
def percentile_pruner_curve():
    study, at = _curve_study(optuna.pruners.PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=1))
    return f"pruned_at={at}"


@case
def median_pruner_interval_steps():
    study, at = _curve_study(optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=2, interval_steps=3))
    return f"pruned_at={at}"


@case
def nop_pruner_never_prunes():
    study, at = _curve_study(optuna.pruners.NopPruner())
    return f"pruned_at={at} states={states(study)}"


@case
def should_prune_without_reports_and_pruned_exception_message():
    study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=0))
    flags = []

    def objective(trial):
        flags.append(trial.should_prune())
        raise optuna.TrialPruned(f"stopped at {trial.number}")

    study.optimize(objective, n_trials=2)
    exc = optuna.TrialPruned("m")
    return f"flags={flags} states={states(study)} str={str(exc)} isexc={isinstance(exc, Exception)}"


# --- multi-objective dataframe -------------------------------------------------------------------------------------


@case
def multiobjective_dataframe_attrs_value():
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        clf = trial.suggest_categorical("clf", ["LR", "RF"])
        trial.suggest_float("x", 0, 1)
        return (0.1, 10.0) if clf == "LR" else (0.2, 5.0)

    study.optimize(objective, n_trials=5)
    df = study.trials_dataframe(attrs=("state", "params", "value"))
    df2 = study.trials_dataframe(attrs=("number", "values"))
    return f"cols={list(df.columns)} cols2={list(df2.columns)} state0={df['state'].iloc[0]!r}"


@case
def multiobjective_nsga2_population_and_best_trials():
    sampler = optuna.samplers.NSGAIISampler(population_size=4, seed=0)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("x2", 0, 1)), n_trials=9)
    best = study.best_trials
    return f"n={len(study.trials)} best_types={sorted({type(b).__name__ for b in best})} nondominated={len(best) >= 1}"


# --- importance ----------------------------------------------------------------------------------------------------


def _imp_study():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        a = trial.suggest_float("a", 0, 1)
        b = trial.suggest_float("b", 0, 1)
        c = trial.suggest_categorical("c", ["u", "v"])
        return 10 * a + 0.1 * b + (1 if c == "u" else 0)

    study.optimize(objective, n_trials=30)
    return study


@case
def importance_params_subset_and_normalize():
    imp = mod("optuna.importance")
    study = _imp_study()
    full = imp.get_param_importances(study)
    sub = imp.get_param_importances(study, params=["a", "b"])
    raw = imp.get_param_importances(study, normalize=False)
    return (
        f"full_keys={sorted(full)} top={next(iter(full))} sum={round(sum(full.values()), 6)} "
        f"sub_keys={sorted(sub)} raw_type={type(raw).__name__} vtype={type(next(iter(full.values()))).__name__}"
    )


@case
def importance_evaluators():
    imp = mod("optuna.importance")
    study = _imp_study()
    out = []
    for name in ("FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator", "PedAnovaImportanceEvaluator"):
        cls = getattr(imp, name, None)
        if cls is None:
            out.append((name, "missing"))
            continue
        kwargs = {} if name == "PedAnovaImportanceEvaluator" else {"seed": 0}
        res = imp.get_param_importances(study, evaluator=cls(**kwargs))
        out.append((name, sorted(res), next(iter(res))))
    return f"{out}"


@case
def importance_target_and_too_few_trials():
    imp = mod("optuna.importance")
    study = _imp_study()
    tgt = imp.get_param_importances(study, target=lambda t: t.params["b"])
    one = optuna.create_study()
    one.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    few = _try(lambda: imp.get_param_importances(one))
    return f"target_top={next(iter(tgt))} few={few}"


# --- distributions / states ----------------------------------------------------------------------------------------


@case
def trial_state_helpers():
    return (
        f"finished={[s.name for s in TrialState if s.is_finished()]} "
        f"repr={TrialState.COMPLETE!r} str={str(TrialState.PRUNED)} int={int(TrialState.FAIL)}"
    )


@case
def distributions_single_and_contains():
    d = optuna.distributions
    f = d.FloatDistribution(1.0, 1.0)
    i = d.IntDistribution(1, 10, step=3)
    c = d.CategoricalDistribution([None, 1, "a"])
    return (
        f"single={f.single()},{i.single()} high={i.high} "
        f"compat={_try(lambda: d.check_distribution_compatibility(i, d.IntDistribution(1, 10)))} "
        f"compat_kind={_try(lambda: d.check_distribution_compatibility(i, f))} "
        f"c_index={c.to_internal_repr(None)} c_back={c.to_external_repr(2)!r} "
        f"bad_step={_try(lambda: d.FloatDistribution(0, 1, log=True, step=0.1))}"
    )


@case
def suggest_int_step_high_not_multiple():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    vals = []

    def objective(trial):
        vals.append(trial.suggest_int("n", 1, 10, step=4))
        return 0.0

    study.optimize(objective, n_trials=10)
    dist = study.trials[0].distributions["n"]
    return f"vals_ok={set(vals) <= {1, 5, 9}} high={dist.high} step={dist.step}"


@case
def suggest_same_name_different_range():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def objective(trial):
        a = trial.suggest_float("a", 0, 1)
        b = trial.suggest_float("a", 0, 1)
        c = _try(lambda: trial.suggest_int("a", 0, 1))
        return a + b + (0 if c else 0)

    study.optimize(objective, n_trials=1)
    return f"states={states(study)} params={list(study.trials[0].params)}"


# --- samplers ------------------------------------------------------------------------------------------------------


@case
def grid_sampler_exhaustion_and_extra_trials():
    grid = {"x": [0.0, 1.0], "y": [-1, 1]}
    study = optuna.create_study(sampler=optuna.samplers.GridSampler(grid, seed=0))
    study.optimize(quad, n_trials=10)
    pts = sorted((t.params["x"], t.params["y"]) for t in study.trials)
    return f"n={len(study.trials)} points={pts}"


@case
def grid_sampler_param_not_in_grid():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [0.0, 1.0]}))
    study.optimize(quad, n_trials=1, catch=(Exception,))
    return f"states={states(study)}"


@case
def brute_force_sampler_int_and_categorical():
    study = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))

    def objective(trial):
        a = trial.suggest_int("a", 0, 2)
        b = trial.suggest_categorical("b", ["p", "q"])
        return a + (b == "q")

    study.optimize(objective, n_trials=20)
    return f"n={len(study.trials)} distinct={len({tuple(sorted(t.params.items())) for t in study.trials})}"


@case
def partial_fixed_sampler():
    base = optuna.samplers.TPESampler(seed=0)
    sampler = optuna.samplers.PartialFixedSampler({"y": 1}, base)
    study = optuna.create_study(sampler=sampler)
    study.optimize(quad, n_trials=5)
    dist = type(study.trials[0].distributions["y"]).__name__
    return f"ys={sorted({t.params['y'] for t in study.trials})} dist={dist}"


@case
def sampler_reseed_and_tpe_options():
    s = optuna.samplers.TPESampler(seed=1, n_startup_trials=3, multivariate=True, group=True, constant_liar=True)
    s.reseed_rng()
    study = optuna.create_study(sampler=s)
    study.optimize(quad, n_trials=6)
    return f"states={states(study)}"


# --- OptunaSearchCV --------------------------------------------------------------------------------------------------


@case
def optuna_search_cv_attributes():
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    if PKG == "optuna":
        OSCV = importlib.import_module("optuna_integration").OptunaSearchCV
    else:
        OSCV = importlib.import_module("tunewise.integration").OptunaSearchCV
    X, y = load_iris(return_X_y=True)
    dists = {"C": optuna.distributions.FloatDistribution(1e-3, 1e2, log=True)}
    s = OSCV(LogisticRegression(max_iter=300), dists, n_trials=4, cv=3, random_state=0, return_train_score=True)
    s.fit(X, y)
    df = s.trials_dataframe()
    cols = sorted(c for c in df.columns if c.startswith("user_attrs_"))
    return (
        f"n_trials_={s.n_trials_} best_index_type={type(s.best_index_).__name__} "
        f"best_keys={sorted(s.best_params_)} study={type(s.study_).__name__} trials={len(s.trials_)} "
        f"user_attr_cols={cols} classes={list(s.classes_)} score_type={type(s.score(X, y)).__name__}"
    )


# --- round 2: calls scripts make around the loop ----------------------------------------------------------------------


@case
def fixed_trial_runs_an_objective():
    ft = optuna.trial.FixedTrial({"x": 2.0, "y": 1})
    value = quad(ft)
    missing = _try(lambda: quad(optuna.trial.FixedTrial({"x": 2.0})))
    return f"value={value} params={ft.params} number={ft.number} missing={missing}"


@case
def best_on_empty_and_all_failed_study():
    empty = optuna.create_study()
    failed = optuna.create_study()
    failed.optimize(lambda t: float("nan"), n_trials=2)
    return (
        f"empty_value={_try(lambda: empty.best_value)} empty_params={_try(lambda: empty.best_params)} "
        f"failed_trial={_try(lambda: failed.best_trial)} n={len(failed.trials)}"
    )


@case
def direction_strings_and_enum():
    up = _try(lambda: optuna.create_study(direction="MAXIMIZE").direction.name)
    d = mod("optuna.study").StudyDirection
    s1 = optuna.create_study(direction=d.MAXIMIZE)
    s2 = optuna.create_study(directions=["minimize", d.MAXIMIZE])
    bad = _try(lambda: optuna.create_study(direction="max"))
    mo_direction = _try(lambda: s2.direction)
    return f"s1={s1.direction.name} s2={[x.name for x in s2.directions]} bad={bad} mo={mo_direction} up={up}"


@case
def optimize_timeout_and_n_jobs_with_callbacks():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    seen = []
    study.optimize(quad, n_trials=6, n_jobs=2, callbacks=[lambda s, t: seen.append(t.number)])
    study.optimize(quad, timeout=0.5, n_trials=3)
    return f"n={len(study.trials)} seen={sorted(seen)}"


@case
def stop_from_inside_the_objective():
    study = optuna.create_study()

    def objective(trial):
        if trial.number == 2:
            trial.study.stop()
        return quad(trial)

    study.optimize(objective, n_trials=10)
    return f"n={len(study.trials)} states={states(study)}"


@case
def trial_attributes_inside_objective():
    out = []

    def objective(trial):
        v = quad(trial)
        out.append((sorted(trial.params), sorted(type(d).__name__ for d in trial.distributions.values()),
                    type(trial.datetime_start).__name__, trial.number, type(trial.study).__name__))
        return v

    optuna.create_study().optimize(objective, n_trials=1)
    return f"{out[0]}"


@case
def frozen_trial_times_and_duration():
    study = optuna.create_study()
    study.optimize(quad, n_trials=1)
    t = study.trials[0]
    return (
        f"start={type(t.datetime_start).__name__} complete={type(t.datetime_complete).__name__} "
        f"duration={type(t.duration).__name__} last_step={t.last_step}"
    )


@case
def trials_dataframe_multi_index_and_datetimes():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(quad, n_trials=2)
    df = study.trials_dataframe(multi_index=True)
    flat = study.trials_dataframe()
    return f"cols={list(df.columns)[:6]} dtypes={[str(flat[c].dtype) for c in ('datetime_start', 'duration')]}"


@case
def logging_verbosity_roundtrip():
    lg = optuna.logging
    before = lg.get_verbosity()
    lg.set_verbosity(lg.ERROR)
    mid = lg.get_verbosity()
    lg.disable_default_handler()
    lg.enable_default_handler()
    lg.enable_propagation()
    lg.disable_propagation()
    lg.set_verbosity(before)
    return f"levels={[lg.DEBUG, lg.INFO, lg.WARNING, lg.ERROR, lg.CRITICAL]} mid={mid}"


@case
def suggest_legacy_names_and_log_int():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    kinds = []

    def objective(trial):
        a = trial.suggest_discrete_uniform("a", 0.0, 1.0, 0.25)
        b = trial.suggest_int("b", 1, 64, log=True)
        c = trial.suggest_float("c", 0.0, 1.0, step=0.1)
        kinds.append((type(a).__name__, type(b).__name__, type(c).__name__))
        return a + b + c

    study.optimize(objective, n_trials=3)
    d = study.trials[0].distributions
    return f"kinds={sorted(set(kinds))} a_step={d['a'].step} b_log={d['b'].log} c_step={d['c'].step}"


@case
def in_memory_storage_object_and_study_name():
    storage = optuna.storages.InMemoryStorage()
    s = optuna.create_study(storage=storage, study_name="mem")
    s.optimize(quad, n_trials=2)
    again = optuna.load_study(study_name="mem", storage=storage)
    return f"n={len(again.trials)} name={again.study_name} names={optuna.get_all_study_names(storage)}"


@case
def visualization_is_available_and_timeline():
    vis = mod("optuna.visualization")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(quad, n_trials=3)
    fig = vis.plot_timeline(study)
    return f"available={vis.is_available()} type={type(fig).__name__} traces={len(fig.data) >= 1}"


@case
def study_system_and_user_attrs_types():
    study = optuna.create_study()
    study.set_user_attr("cfg", {"a": 1, "b": [1, 2]})
    study.set_user_attr("tuple", (1, 2))
    return f"user={study.user_attrs} types={sorted(type(v).__name__ for v in study.user_attrs.values())}"


@case
def trial_report_then_get_intermediate_in_callback():
    study = optuna.create_study(pruner=optuna.pruners.NopPruner())
    got = []

    def objective(trial):
        for step in range(3):
            trial.report(float(step), step)
        return 1.0

    study.optimize(objective, n_trials=1, callbacks=[lambda s, t: got.append(dict(t.intermediate_values))])
    return f"iv={got[0]} key_types={sorted({type(k).__name__ for k in got[0]})}"


@case
def enqueue_then_get_trials_waiting():
    study = optuna.create_study()
    study.enqueue_trial({"x": 0.0, "y": 0})
    waiting = study.get_trials(states=(TrialState.WAITING,))
    return f"waiting={len(waiting)} params={waiting[0].params if waiting else None} n={len(study.trials)}"


# --- round 3 ------------------------------------------------------------------------------------------------------


@case
def multiobjective_report_and_should_prune():
    study = optuna.create_study(directions=["minimize", "minimize"])
    got = {}

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        got["report"] = _try(lambda: trial.report(x, 0))
        got["prune"] = _try(lambda: trial.should_prune())
        return x, 1 - x

    study.optimize(objective, n_trials=1)
    return f"{got} state={study.trials[0].state.name}"


@case
def catch_single_class_and_gc_after_trial():
    study = optuna.create_study()

    def objective(trial):
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            raise KeyError("k")
        return 1.0

    study.optimize(objective, n_trials=2, catch=KeyError, gc_after_trial=True)
    bad = _try(lambda: optuna.create_study().optimize(objective, n_trials=1, catch=[KeyError]))
    return f"states={states(study)} list_catch={bad}"


@case
def dataframe_user_attrs_only_and_system_attrs():
    study = optuna.create_study()

    def objective(trial):
        trial.set_user_attr("acc", 0.5)
        return quad(trial)

    study.optimize(objective, n_trials=1)
    df = study.trials_dataframe(attrs=("number", "user_attrs"))
    return f"cols={list(df.columns)}"


@case
def summaries_without_best_trial():
    url = _url("summaries_nobest")
    optuna.create_study(study_name="a", storage=url).optimize(quad, n_trials=2)
    summaries = optuna.get_all_study_summaries(storage=url, include_best_trial=False)
    return f"best={summaries[0].best_trial} n={summaries[0].n_trials}"


@case
def pruned_raised_in_callback_and_exception_from_callback():
    study = optuna.create_study()

    def cb(study, trial):
        if trial.number == 1:
            raise RuntimeError("cb")

    raised = _try(lambda: study.optimize(quad, n_trials=3, callbacks=[cb]))
    return f"raised={raised} n={len(study.trials)} states={states(study)}"


@case
def value_types_returned_by_objective():
    study = optuna.create_study()
    outs = [np.float32(1.5), np.int64(2), 3, np.float64("nan")]
    i = iter(outs)
    study.optimize(lambda t: next(i), n_trials=len(outs))
    return f"values={[t.value for t in study.trials]} types={[type(t.value).__name__ for t in study.trials]}"


@case
def gp_and_qmc_and_nsga3_samplers_run():
    out = []
    for name, kw in (("GPSampler", {"seed": 0}), ("QMCSampler", {"seed": 0}), ("NSGAIIISampler", {"seed": 0})):
        cls = getattr(optuna.samplers, name, None)
        if cls is None:
            out.append((name, "missing"))
            continue
        directions = ["minimize", "minimize"] if name == "NSGAIIISampler" else ["minimize"]
        study = optuna.create_study(directions=directions, sampler=cls(**kw))
        if len(directions) == 2:
            study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=4)
        else:
            study.optimize(quad, n_trials=4)
        out.append((name, states(study)))
    return f"{out}"


@case
def fail_stale_trials_and_heartbeat_storage():
    url = _url("heartbeat")
    storage = optuna.storages.RDBStorage(url=url, heartbeat_interval=60, grace_period=120)
    study = optuna.create_study(storage=storage)
    study.optimize(quad, n_trials=1)
    fn = getattr(optuna.storages, "fail_stale_trials", None)
    res = _try(lambda: fn(study)) if fn else "missing"
    return f"n={len(study.trials)} fail_stale={res}"


@case
def set_metric_names_then_dataframe_and_best_trials():
    study = optuna.create_study(directions=["minimize", "maximize"])
    study.set_metric_names(["loss", "acc"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.5), n_trials=2)
    df = study.trials_dataframe(attrs=("number", "values"))
    return f"names={study.metric_names} cols={list(df.columns)}"


# --- round 4 ------------------------------------------------------------------------------------------------------


@case
def categorical_mixed_types_roundtrip():
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0), storage=_url("mixed"))
    seen = set()

    def objective(trial):
        v = trial.suggest_categorical("v", [1, "a", None, 2.5, True])
        seen.add(repr(v))
        return 0.0

    study.optimize(objective, n_trials=15)
    back = sorted({repr(t.params["v"]) for t in study.trials})
    return f"seen={sorted(seen)} back={back} best={study.best_params!r}"


@case
def suggest_bad_ranges_exception_classes():
    study = optuna.create_study()
    out = {}

    def objective(trial):
        out["log0"] = _try(lambda: trial.suggest_float("a", 0.0, 1.0, log=True))
        out["low_gt_high"] = _try(lambda: trial.suggest_float("b", 2.0, 1.0))
        out["int_low_gt_high"] = _try(lambda: trial.suggest_int("c", 5, 1))
        out["empty_choices"] = _try(lambda: trial.suggest_categorical("d", []))
        out["step_and_log"] = _try(lambda: trial.suggest_int("e", 1, 10, step=2, log=True))
        return 0.0

    study.optimize(objective, n_trials=1)
    return f"{out}"


@case
def add_pruned_trial_with_intermediate_values():
    d = {"x": optuna.distributions.FloatDistribution(0, 1)}
    study = optuna.create_study()
    study.add_trial(optuna.trial.create_trial(params={"x": 0.5}, distributions=d, state=TrialState.PRUNED,
                                              intermediate_values={0: 0.9, 1: 0.8}))
    t = study.trials[0]
    return f"state={t.state.name} value={t.value} iv={t.intermediate_values} best={_try(lambda: study.best_trial)}"


@case
def optimize_n_trials_none_with_timeout():
    study = optuna.create_study()

    def objective(trial):
        import time as _time

        _time.sleep(0.05)
        return quad(trial)

    study.optimize(objective, n_trials=None, timeout=0.3)
    return f"some={len(study.trials) >= 1} all_complete={set(states(study)) == {'COMPLETE'}}"


@case
def trials_dataframe_state_column_and_values_dtype():
    study = optuna.create_study()
    study.optimize(quad, n_trials=2)
    t = study.ask()
    study.tell(t, state=TrialState.PRUNED)
    study.ask()
    df = study.trials_dataframe()
    return f"states={list(df['state'])} value_dtype={df['value'].dtype} number_dtype={df['number'].dtype}"


@case
def best_trial_copy_is_independent():
    study = optuna.create_study()
    study.optimize(quad, n_trials=2)
    bt = study.best_trial
    bt.params["x"] = 99.0
    bt.user_attrs["z"] = 1
    return f"x_changed={study.best_trial.params['x'] == 99.0} attrs={study.best_trial.user_attrs}"


@case
def frozen_trial_suggest_replays_params():
    study = optuna.create_study()
    study.optimize(quad, n_trials=1)
    ft = study.trials[0]
    return f"replay_equal={quad(ft) == ft.value} missing={_try(lambda: ft.suggest_float('zz', 0, 1))}"


@case
def study_user_attrs_on_sqlite_reload():
    url = _url("attrs_reload")
    s = optuna.create_study(study_name="r", storage=url)
    s.set_user_attr("n", 3)
    s.set_user_attr("lst", [1, "a"])
    s.set_system_attr("sys", {"k": 1}) if hasattr(s, "set_system_attr") else None
    again = optuna.load_study(study_name="r", storage=url)
    return f"user={again.user_attrs}"


@case
def sampler_seed_reproducible_across_studies():
    def run():
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=7))
        study.optimize(quad, n_trials=12)
        return [round(t.params["x"], 12) for t in study.trials]

    return f"same={run() == run()}"


@case
def enqueue_trial_then_optimize_with_grid_sampler():
    study = optuna.create_study(sampler=optuna.samplers.GridSampler({"x": [0.0, 1.0], "y": [0]}))
    study.enqueue_trial({"x": 0.5, "y": 0})
    study.optimize(quad, n_trials=4)
    return f"n={len(study.trials)} xs={[t.params['x'] for t in study.trials]}"


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
