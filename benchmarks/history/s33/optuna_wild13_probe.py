"""Session 33: a probe of the Optuna calls the brief names that this batch's scripts did not reach.

One line per case, printed under Optuna 5.1 (``optuna``) and under tunewise (``tunewise``, imported as ``optuna``);
``diff`` the two outputs. Values that depend on a sampler's draws are not printed (types, counts, names are).

    PYTHONPATH=           $P benchmarks/history/s33/optuna_wild13_probe.py optuna   > optuna_wild13_probe_optuna.txt
    PYTHONPATH=<tw src>   $P benchmarks/history/s33/optuna_wild13_probe.py tunewise > optuna_wild13_probe_<rev>.txt
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
import warnings

warnings.filterwarnings("ignore")
if sys.argv[1:] == ["tunewise"]:
    import tunewise as optuna
else:
    import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)
WORK = tempfile.mkdtemp(prefix="compat33_probe_")
os.chdir(WORK)
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def two(trial):
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


@case
def set_metric_names_dataframe():
    s = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    s.set_metric_names(["v0", "v1"])
    s.optimize(two, n_trials=5)
    df = s.trials_dataframe()
    return s.metric_names, [c for c in df.columns if c.startswith("values")]


@case
def set_metric_names_wrong_length():
    s = optuna.create_study(directions=["minimize", "minimize"])
    try:
        s.set_metric_names(["only"])
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return "no error"


@case
def best_trials_pareto_plot():
    s = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=1))
    s.optimize(two, n_trials=20)
    fig = optuna.visualization.plot_pareto_front(s, target_names=["a", "b"])
    best = s.best_trials
    return type(best).__name__, all(len(t.values) == 2 for t in best), type(fig).__name__, fig.layout.xaxis.title.text


@case
def best_trial_on_multi_objective_raises():
    s = optuna.create_study(directions=["minimize", "minimize"])
    s.optimize(two, n_trials=2)
    try:
        _ = s.best_trial
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return "no error"


@case
def tpe_constraints_func_feasible():
    def obj(t):
        x = t.suggest_float("x", -5, 5)
        t.set_user_attr("c", 1 - x)
        return x * x

    s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0, constraints_func=lambda t: (t.user_attrs["c"],)))
    s.optimize(obj, n_trials=30)
    return s.best_trial.user_attrs["c"] <= 0, "constraints" in str(sorted(s.best_trial.system_attrs))


@case
def nsga3_three_objectives():
    def obj(t):
        x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
        return x, y, 2 - x - y

    sampler = optuna.samplers.NSGAIIISampler(seed=0, population_size=8)
    s = optuna.create_study(directions=["minimize"] * 3, sampler=sampler)
    s.optimize(obj, n_trials=24)
    return len(s.trials), type(s.sampler).__name__, len(s.best_trials) > 0


@case
def bruteforce_exhausts():
    s = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))
    s.optimize(lambda t: t.suggest_int("a", 0, 2) + t.suggest_categorical("b", [0, 10]), n_trials=20)
    return len(s.trials), sorted((t.params["a"], t.params["b"]) for t in s.trials)


@case
def partial_fixed_sampler():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("y", -1, 1), n_trials=5)
    s.sampler = optuna.samplers.PartialFixedSampler({"y": 0}, s.sampler)
    s.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("y", -1, 1), n_trials=5)
    return [t.params["y"] for t in s.trials[5:]]


@case
def qmc_sampler_types():
    s = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="halton", scramble=True, seed=0))
    s.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 4), n_trials=6)
    return [(type(t.params["x"]).__name__, type(t.params["n"]).__name__) for t in s.trials][:2]


@case
def journal_file_backend_reload():
    path = os.path.join(WORK, "j.log")
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    s = optuna.create_study(study_name="jstudy", storage=storage)
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    again = optuna.load_study(study_name="jstudy",
                              storage=optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path)))
    return len(again.trials), again.study_name


@case
def copy_study_and_summaries():
    src = "sqlite:///" + os.path.join(WORK, "a.db")
    dst = "sqlite:///" + os.path.join(WORK, "b.db")
    s = optuna.create_study(study_name="orig", storage=src, direction="maximize")
    s.set_user_attr("owner", "probe")
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    optuna.copy_study(from_study_name="orig", from_storage=src, to_storage=dst, to_study_name="copy")
    sums = optuna.get_all_study_summaries(storage=dst)
    c = optuna.load_study(study_name="copy", storage=dst)
    return ([(x.study_name, x.n_trials, x.direction.name) for x in sums], c.user_attrs, len(c.trials))


@case
def summaries_include_best_trial():
    url = "sqlite:///" + os.path.join(WORK, "c.db")
    optuna.create_study(study_name="empty", storage=url)
    s = optuna.create_study(study_name="done", storage=url)
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    sums = sorted(optuna.get_all_study_summaries(storage=url, include_best_trial=True), key=lambda x: x.study_name)
    return [(x.study_name, x.best_trial is None, type(x.datetime_start).__name__) for x in sums]


@case
def artifacts_upload_and_meta():
    from optuna.artifacts import FileSystemArtifactStore, get_all_artifact_meta, upload_artifact  # noqa: F401
    return "imported"


@case
def artifacts_roundtrip():
    import importlib

    art = importlib.import_module(optuna.__name__ + ".artifacts")
    base = os.path.join(WORK, "artifacts")
    os.makedirs(base, exist_ok=True)
    store = art.FileSystemArtifactStore(base_path=base)
    s = optuna.create_study()
    metas = []

    def obj(t):
        p = os.path.join(WORK, f"f{t.number}.txt")
        with open(p, "w") as f:
            f.write(str(t.number))
        art.upload_artifact(artifact_store=store, file_path=p, study_or_trial=t)
        metas.append(art.get_all_artifact_meta(t))
        return 0.0

    s.optimize(obj, n_trials=2)
    out = os.path.join(WORK, "dl.txt")
    art.download_artifact(artifact_store=store, file_path=out, artifact_id=metas[1][0].artifact_id)
    with open(out) as f:
        text = f.read()
    return [len(m) for m in metas], metas[1][0].filename, text


@case
def terminator_callback_stops():
    import importlib

    from sklearn.datasets import load_wine
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import KFold, cross_val_score

    term = importlib.import_module(optuna.__name__ + ".terminator")
    X, y = load_wine(return_X_y=True)

    def obj(t):
        clf = RandomForestClassifier(n_estimators=5, max_depth=t.suggest_int("d", 1, 8), random_state=0)
        sc = cross_val_score(clf, X, y, cv=KFold(3, shuffle=True, random_state=0))
        term.report_cross_validation_scores(t, sc)
        return sc.mean()

    s = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(obj, n_trials=40, callbacks=[term.TerminatorCallback()])
    return len(s.trials) <= 40, type(term.Terminator()).__name__


@case
def terminator_static_error_min_trials():
    import importlib

    term = importlib.import_module(optuna.__name__ + ".terminator")
    t = term.Terminator(error_evaluator=term.StaticErrorEvaluator(0.02), min_n_trials=100)
    s = optuna.create_study()
    s.optimize(lambda tr: tr.suggest_float("x", 0, 1), n_trials=5)
    return t.should_terminate(s)


@case
def lightgbm_pruning_callback_reports():
    import importlib

    import lightgbm as lgb
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    integ = importlib.import_module(optuna.__name__ + ".integration")
    X, y = load_breast_cancer(return_X_y=True)
    Xt, Xv, yt, yv = train_test_split(X, y, random_state=0)

    def obj(t):
        cb = integ.LightGBMPruningCallback(t, "binary_logloss")
        b = lgb.train({"objective": "binary", "verbosity": -1, "num_leaves": t.suggest_int("l", 4, 16)},
                      lgb.Dataset(Xt, yt), num_boost_round=5, valid_sets=[lgb.Dataset(Xv, yv)], callbacks=[cb])
        return b.best_score["valid_0"]["binary_logloss"]

    s = optuna.create_study(pruner=optuna.pruners.NopPruner())
    s.optimize(obj, n_trials=2)
    return [sorted(t.intermediate_values) for t in s.trials]


@case
def xgboost_pruning_callback_reports():
    import importlib

    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer

    integ = importlib.import_module(optuna.__name__ + ".integration")
    X, y = load_breast_cancer(return_X_y=True)
    d = xgb.DMatrix(X[:400], label=y[:400])
    v = xgb.DMatrix(X[400:], label=y[400:])

    def obj(t):
        cb = integ.XGBoostPruningCallback(t, "validation-logloss")
        xgb.train({"objective": "binary:logistic", "eval_metric": "logloss", "max_depth": t.suggest_int("d", 1, 3)},
                  d, num_boost_round=4, evals=[(v, "validation")], callbacks=[cb], verbose_eval=False)
        return 0.0

    s = optuna.create_study()
    s.optimize(obj, n_trials=2)
    return [sorted(t.intermediate_values) for t in s.trials]


@case
def small_categorical_run_through_default_sampler():
    import random

    random.seed(0)
    s = optuna.create_study()
    s.optimize(lambda t: random.random() + len(t.suggest_categorical("a", ["p", "q", "r"])), n_trials=30)
    return len(s.trials), sorted({t.state.name for t in s.trials}), sorted({t.params["a"] for t in s.trials})


@case
def small_int_run_through_gp():
    import random

    random.seed(0)
    s = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0))
    s.optimize(lambda t: random.random() + t.suggest_int("k", 0, 3), n_trials=20)
    return len(s.trials), sorted({t.state.name for t in s.trials})


for fn in CASES:
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001
        tb = traceback.extract_tb(e.__traceback__)[-1]
        out = f"ERROR {type(e).__name__}: {str(e)[:160]} ({os.path.basename(tb.filename)}:{tb.lineno})"
    print(f"{fn.__name__}: {out}", flush=True)
