"""Batch 12 probe (s32): the brief's less common Optuna calls, one line per case, under Optuna or tunewise.

    PYTHONPATH= $P benchmarks/history/s32/optuna_wild12_probe.py optuna   > optuna_wild12_probe_optuna.txt
    PYTHONPATH=<tunewise src> $P benchmarks/history/s32/optuna_wild12_probe.py tunewise > optuna_wild12_probe_<rev>.txt

Each case prints what a script would see (values, types, column names, exception class and message head) where it
does not depend on sampled values; sampled values are reduced to shapes or to properties both libraries promise.
"""

# ruff: noqa: I001, E402, E501, B018 - imports per library in an if, one-line cases, attribute reads that raise
from __future__ import annotations

import datetime
import io
import logging
import sys
import tempfile
import warnings

MODE = sys.argv[1] if len(sys.argv) > 1 else "optuna"
if MODE == "tunewise":
    import tunewise as optuna
    import tunewise.distributions as dists
    from tunewise.trial import TrialState, FixedTrial, FrozenTrial, create_trial
    from tunewise.study import StudyDirection, MaxTrialsCallback
    import tunewise.search_space as search_space
    import tunewise.importance as importance
else:
    import optuna
    import optuna.distributions as dists
    from optuna.trial import TrialState, FixedTrial, FrozenTrial, create_trial
    from optuna.study import StudyDirection, MaxTrialsCallback
    import optuna.search_space as search_space
    import optuna.importance as importance

warnings.simplefilter("ignore")
optuna.logging.set_verbosity(optuna.logging.WARNING)
CASES = []


def case(f):
    CASES.append(f)
    return f


def err(e: BaseException) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0][:110] if str(e) else ''}"


def quad(trial):
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_int("y", 0, 5)
    return (x - 2) ** 2 + y


@case
def get_trials_states():
    s = optuna.create_study()

    def obj(t):
        x = t.suggest_float("x", 0, 1)
        if t.number % 3 == 1:
            raise optuna.TrialPruned()
        if t.number % 3 == 2:
            raise ValueError("boom")
        return x

    s.optimize(obj, n_trials=9, catch=(ValueError,))
    return (len(s.get_trials(states=(TrialState.COMPLETE,))), len(s.get_trials(deepcopy=False, states=[TrialState.PRUNED])),
            len(s.get_trials(states=(TrialState.FAIL, TrialState.PRUNED))), len(s.get_trials(states=())),
            len(s.get_trials(states=None)))


@case
def add_trials_create_trial():
    s = optuna.create_study(direction="maximize")
    space = {"x": dists.FloatDistribution(-1, 1), "n": dists.IntDistribution(1, 9, step=2),
             "c": dists.CategoricalDistribution(["a", "b", None])}
    ts = [create_trial(params={"x": 0.5, "n": 3, "c": "a"}, distributions=space, value=1.0),
          create_trial(params={"x": -0.5, "n": 5, "c": None}, distributions=space, value=2.0,
                       user_attrs={"u": 1}, intermediate_values={0: 0.1, 3: 0.4})]
    s.add_trials(ts)
    b = s.best_trial
    return (len(s.trials), b.number, b.params, b.user_attrs, b.intermediate_values, b.last_step,
            [t.state.name for t in s.trials], [type(t.datetime_start).__name__ for t in s.trials])


@case
def create_trial_states_and_errors():
    space = {"x": dists.FloatDistribution(0, 1)}
    out = []
    for kw in (dict(state=TrialState.PRUNED, intermediate_values={1: 0.3}),
               dict(state=TrialState.FAIL), dict(state=TrialState.WAITING), dict(value=0.2, values=[0.2])):
        try:
            t = create_trial(params={"x": 0.1}, distributions=space, **kw)
            out.append((t.state.name, t.value, t.datetime_start is None, t.datetime_complete is None))
        except Exception as e:
            out.append(err(e))
    return out


@case
def add_trial_invalid():
    s = optuna.create_study()
    out = []
    for params in ({"x": 2.0}, {"y": 0.5}):
        try:
            s.add_trial(create_trial(params=params, distributions={"x": dists.FloatDistribution(0, 1)}, value=1.0))
            out.append("added")
        except Exception as e:
            out.append(err(e))
    try:
        s.add_trial(create_trial(params={"x": 0.5}, distributions={"x": dists.FloatDistribution(0, 1)}))
        out.append("added no value")
    except Exception as e:
        out.append(err(e))
    return out, len(s.trials)


@case
def fixed_trial_rerun():
    t = FixedTrial({"x": 1.5, "y": 3, "opt": "adam", "lr": 1e-3}, number=7)
    v = quad(t)
    a = t.suggest_categorical("opt", ["adam", "sgd"])
    lr = t.suggest_float("lr", 1e-5, 1e-1, log=True)
    t.set_user_attr("k", "v")
    t.report(0.5, 1)
    out = [v, a, lr, t.number, t.params, t.distributions.keys() == {"x", "y", "opt", "lr"}, t.user_attrs,
           t.should_prune(), type(t.datetime_start).__name__]
    try:
        t.suggest_float("missing", 0, 1)
    except Exception as e:
        out.append(err(e))
    try:
        FixedTrial({"y": 2.5}).suggest_int("y", 0, 5)
        out.append("int from float ok")
    except Exception as e:
        out.append(err(e))
    try:
        out.append(FixedTrial({"x": 20.0}).suggest_float("x", 0, 1))
    except Exception as e:
        out.append(err(e))
    return out


@case
def fixed_trial_best_params_roundtrip():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(quad, n_trials=5)
    return quad(FixedTrial(s.best_params)) == s.best_value


@case
def frozen_trial_fields():
    s = optuna.create_study()

    def obj(t):
        t.set_user_attr("tag", "a")
        for i in range(3):
            t.report(float(i), i)
        return t.suggest_float("x", 0, 1)

    s.optimize(obj, n_trials=2)
    t = s.trials[0]
    return (type(t.datetime_start).__name__, type(t.datetime_complete).__name__, type(t.duration).__name__,
            t.duration >= datetime.timedelta(0), t.intermediate_values, t.user_attrs, t.last_step, t.number,
            type(t).__name__, isinstance(t, FrozenTrial), sorted(t.distributions), t.values is not None,
            s.trials[1].datetime_start >= t.datetime_complete)


@case
def frozen_trial_running_duration():
    s = optuna.create_study()
    t = s.ask()
    ft = s.trials[0]
    return ft.state.name, ft.duration, ft.datetime_complete, ft.value, ft.values, t.number


@case
def trials_dataframe_attrs():
    s = optuna.create_study()

    def obj(t):
        t.set_user_attr("u", 1)
        t.report(1.0, 0)
        return quad(t)

    s.optimize(obj, n_trials=3)
    df = s.trials_dataframe(attrs=("number", "value", "params", "state"))
    df2 = s.trials_dataframe(attrs=("number", "duration", "user_attrs", "datetime_start", "intermediate_values"))
    df3 = s.trials_dataframe(multi_index=True)
    return (list(df.columns), [str(d) for d in df.dtypes], list(df2.columns), [str(d) for d in df2.dtypes],
            list(df3.columns), df.shape)


@case
def trials_dataframe_empty():
    s = optuna.create_study()
    df = s.trials_dataframe(attrs=("number", "value", "params", "state"))
    return list(df.columns), df.shape, type(df).__name__


@case
def logging_calls():
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.INFO)
    mid = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    names = [optuna.logging.CRITICAL, optuna.logging.FATAL, optuna.logging.ERROR, optuna.logging.WARN,
             optuna.logging.WARNING, optuna.logging.INFO, optuna.logging.DEBUG]
    lg = optuna.logging.get_logger("optuna")
    return before, mid, names, lg.name, type(lg).__name__


@case
def logging_handler_output():
    buf = io.StringIO()
    h = logging.StreamHandler(buf)
    optuna.logging.get_logger("optuna").addHandler(h)
    optuna.logging.set_verbosity(optuna.logging.INFO)
    s = optuna.create_study(study_name="probe-log")
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    optuna.logging.get_logger("optuna").removeHandler(h)
    lines = buf.getvalue().splitlines()
    return len(lines), [ln.split(" ")[0:2] for ln in lines[:3]]


@case
def logging_disable_default_handler_propagation():
    optuna.logging.disable_default_handler()
    optuna.logging.enable_default_handler()
    optuna.logging.enable_propagation()
    optuna.logging.disable_propagation()
    return "ok"


@case
def trial_pruned_in_callback():
    s = optuna.create_study()

    def cb(study, trial):
        if trial.number == 1:
            raise optuna.TrialPruned()

    try:
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, callbacks=[cb])
        return "no raise", len(s.trials)
    except Exception as e:
        return err(e), len(s.trials), [t.state.name for t in s.trials]


@case
def exception_in_callback_catch():
    s = optuna.create_study()

    def cb(study, trial):
        raise ValueError("cb")

    try:
        s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, callbacks=[cb], catch=(ValueError,))
        return "no raise", len(s.trials)
    except Exception as e:
        return err(e), len(s.trials), [t.state.name for t in s.trials]


@case
def sampler_seed_reproducible():
    out = []
    for make in (lambda: optuna.samplers.TPESampler(seed=3), lambda: optuna.samplers.RandomSampler(seed=3),
                 lambda: optuna.samplers.CmaEsSampler(seed=3), lambda: optuna.samplers.QMCSampler(seed=3),
                 lambda: optuna.samplers.NSGAIISampler(seed=3)):
        runs = []
        for _ in range(2):
            s = optuna.create_study(sampler=make())
            s.optimize(quad, n_trials=12)
            runs.append([tuple(t.params.values()) for t in s.trials])
        out.append(runs[0] == runs[1])
    return out


@case
def study_stop_from_callback():
    s = optuna.create_study()

    def cb(study, trial):
        if len(study.trials) >= 3:
            study.stop()

    s.optimize(quad, n_trials=10, callbacks=[cb])
    n1 = len(s.trials)
    s.optimize(quad, n_trials=2)
    return n1, len(s.trials)


@case
def study_stop_outside():
    s = optuna.create_study()
    try:
        s.stop()
        return "no raise"
    except Exception as e:
        return err(e)


@case
def enqueue_skip_if_exists():
    s = optuna.create_study()
    s.enqueue_trial({"x": 1.0, "y": 2})
    s.enqueue_trial({"x": 1.0, "y": 2}, skip_if_exists=True)
    s.enqueue_trial({"x": 1.0}, skip_if_exists=True)
    n_wait = len(s.get_trials(states=(TrialState.WAITING,)))
    s.optimize(quad, n_trials=2)
    s.enqueue_trial({"x": 1.0, "y": 2}, skip_if_exists=True)
    n_after = len(s.get_trials(states=(TrialState.WAITING,)))
    s.enqueue_trial({"x": 1.0, "y": 2}, user_attrs={"src": "manual"}, skip_if_exists=False)
    s.optimize(quad, n_trials=1)
    return n_wait, n_after, [t.params for t in s.trials], s.trials[-1].user_attrs


@case
def intersection_search_space_fn():
    s = optuna.create_study()

    def obj(t):
        x = t.suggest_float("x", 0, 1)
        if t.number % 2:
            t.suggest_int("odd", 0, 3)
        if t.number == 3:
            raise optuna.TrialPruned()
        return x

    s.optimize(obj, n_trials=4)
    a = search_space.intersection_search_space(s.get_trials(deepcopy=False))
    b = search_space.intersection_search_space(s.get_trials(deepcopy=False), include_pruned=True)
    c = search_space.IntersectionSearchSpace().calculate(s)
    return sorted(a), sorted(b), sorted(c), repr(a["x"]), type(a).__name__


@case
def intersection_search_space_dynamic_range():
    s = optuna.create_study()
    s.optimize(lambda t: t.suggest_float("x", 0, 1 + t.number) + t.suggest_float("y", 0, 1), n_trials=3)
    return sorted(search_space.intersection_search_space(s.trials))


@case
def importance_evaluators_params():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def obj(t):
        x = t.suggest_float("x", -5, 5)
        y = t.suggest_float("y", -5, 5)
        z = t.suggest_categorical("z", ["a", "b"])
        return x ** 2 + 0.01 * y + (0.1 if z == "a" else 0)

    s.optimize(obj, n_trials=40)
    out = []
    for ev in (importance.FanovaImportanceEvaluator(seed=0), importance.MeanDecreaseImpurityImportanceEvaluator(seed=0),
               importance.PedAnovaImportanceEvaluator()):
        imp = importance.get_param_importances(s, evaluator=ev, params=["y", "x"])
        out.append((type(ev).__name__, list(imp)[0], sorted(imp), round(sum(imp.values()), 6),
                    type(imp).__name__))
    raw = importance.get_param_importances(s, evaluator=importance.FanovaImportanceEvaluator(seed=0), normalize=False)
    out.append(("normalize=False sums to 1", round(sum(raw.values()), 3) == 1.0, sorted(raw)))
    try:
        importance.get_param_importances(s, params=["nope"])
    except Exception as e:
        out.append(err(e))
    return out


@case
def importance_target():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(quad, n_trials=20)
    imp = importance.get_param_importances(s, target=lambda t: t.params["y"],
                                           evaluator=importance.MeanDecreaseImpurityImportanceEvaluator(seed=0))
    return list(imp)[0]


@case
def matplotlib_plots():
    import matplotlib
    matplotlib.use("Agg")
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))

    def obj(t):
        for i in range(3):
            t.report(float(i), i)
        return quad(t)

    s.optimize(obj, n_trials=10)
    m = optuna.visualization.matplotlib
    out = []
    for name, f in (("history", lambda: m.plot_optimization_history(s)), ("importances", lambda: m.plot_param_importances(s)),
                    ("intermediate", lambda: m.plot_intermediate_values(s)),
                    ("contour", lambda: m.plot_contour(s, params=["x", "y"])), ("slice", lambda: m.plot_slice(s, params=["x"])),
                    ("edf", lambda: m.plot_edf(s)), ("parallel", lambda: m.plot_parallel_coordinate(s)),
                    ("rank", lambda: m.plot_rank(s)), ("timeline", lambda: m.plot_timeline(s))):
        try:
            r = f()
            out.append((name, type(r).__name__, getattr(r, "shape", None)))
        except Exception as e:
            out.append((name, err(e)))
    return out


@case
def study_direction_enum():
    s = optuna.create_study(direction="maximize")
    m = optuna.create_study(directions=["minimize", "maximize"])
    out = [s.direction == StudyDirection.MAXIMIZE, s.direction.name, int(s.direction), m.directions,
           StudyDirection.MINIMIZE.value, str(StudyDirection.NOT_SET)]
    try:
        m.direction
    except Exception as e:
        out.append(err(e))
    try:
        optuna.create_study(direction=StudyDirection.MINIMIZE).direction.name
        out.append("enum ok")
    except Exception as e:
        out.append(err(e))
    return out


@case
def trial_state_enum():
    return ([(s.name, s.value, s.is_finished()) for s in TrialState], repr(TrialState.COMPLETE), str(TrialState.PRUNED))


@case
def max_trials_callback_states():
    s = optuna.create_study()

    def obj(t):
        x = t.suggest_float("x", 0, 1)
        if t.number % 2:
            raise optuna.TrialPruned()
        return x

    s.optimize(obj, n_trials=20, callbacks=[MaxTrialsCallback(3, states=(TrialState.COMPLETE,))])
    return len(s.trials), len(s.get_trials(states=(TrialState.COMPLETE,)))


@case
def ask_tell_fixed_distributions():
    s = optuna.create_study()
    t = s.ask(fixed_distributions={"x": dists.FloatDistribution(0, 1), "k": dists.CategoricalDistribution([1, 2])})
    p = dict(t.params)
    ft = s.tell(t, 0.3)
    t2 = s.ask()
    ft2 = s.tell(t2.number, state=TrialState.PRUNED)
    out = [sorted(p), type(ft).__name__, ft.state.name, ft2.state.name, ft2.value]
    try:
        s.tell(t, 0.1)
    except Exception as e:
        out.append(err(e))
    try:
        s.tell(s.ask(), state=TrialState.COMPLETE)
    except Exception as e:
        out.append(err(e))
    return out


@case
def distribution_json_roundtrip():
    out = []
    for d in (dists.FloatDistribution(1e-5, 1, log=True), dists.IntDistribution(0, 10, step=2),
              dists.CategoricalDistribution(["a", 1, None])):
        j = dists.distribution_to_json(d)
        out.append((j, dists.json_to_distribution(j) == d))
    try:
        dists.check_distribution_compatibility(dists.FloatDistribution(0, 1), dists.IntDistribution(0, 1))
    except Exception as e:
        out.append(err(e))
    return out


@case
def best_trial_errors():
    s = optuna.create_study()
    out = []
    for attr in ("best_trial", "best_value", "best_params"):
        try:
            getattr(s, attr)
        except Exception as e:
            out.append(err(e))
    m = optuna.create_study(directions=["minimize", "minimize"])
    try:
        m.best_trial
    except Exception as e:
        out.append(err(e))
    return out


@case
def study_user_attrs():
    s = optuna.create_study()
    s.set_user_attr("a", [1, 2])
    s.set_metric_names(["loss"])
    return s.user_attrs, s.metric_names, s.study_name.startswith("no-name-")


@case
def study_summaries_sqlite():
    d = tempfile.mkdtemp()
    url = f"sqlite:///{d}/p.db"
    for n in ("a", "b"):
        s = optuna.create_study(study_name=n, storage=url, direction="maximize" if n == "b" else "minimize")
        s.optimize(quad, n_trials=2)
    sums = optuna.get_all_study_summaries(url)
    names = optuna.get_all_study_names(url)
    optuna.copy_study(from_study_name="a", from_storage=url, to_storage=url, to_study_name="c")
    optuna.delete_study(study_name="b", storage=url)
    return ([(x.study_name, x.n_trials, x.direction.name, type(x.datetime_start).__name__) for x in sums], names,
            optuna.get_all_study_names(url), len(optuna.load_study(study_name="c", storage=url).trials))


@case
def load_study_missing():
    d = tempfile.mkdtemp()
    url = f"sqlite:///{d}/p.db"
    optuna.create_study(study_name="x", storage=url)
    try:
        optuna.load_study(study_name="nope", storage=url)
    except Exception as e:
        return err(e), isinstance(e, KeyError)


@case
def create_study_duplicate():
    d = tempfile.mkdtemp()
    url = f"sqlite:///{d}/p.db"
    optuna.create_study(study_name="x", storage=url)
    try:
        optuna.create_study(study_name="x", storage=url)
    except Exception as e:
        return type(e).__name__, isinstance(e, optuna.exceptions.DuplicatedStudyError)


@case
def suggest_errors():
    s = optuna.create_study()
    out = []
    t = s.ask()
    for f in (lambda: t.suggest_float("a", 1, 0), lambda: t.suggest_float("b", 0, 1, log=True),
              lambda: t.suggest_int("c", 0, 10, step=3), lambda: t.suggest_float("d", 0, 1, step=0.3, log=True),
              lambda: t.suggest_categorical("e", [[1], [2]])):
        try:
            out.append(f())
        except Exception as e:
            out.append(err(e))
    return [o if isinstance(o, str) else type(o).__name__ for o in out]


@case
def suggest_same_name_other_range():
    s = optuna.create_study()
    t = s.ask()
    a = t.suggest_float("x", 0, 1)
    try:
        b = t.suggest_float("x", 0, 2)
        return a == b
    except Exception as e:
        return err(e)


@case
def optimize_timeout_and_n_trials_none():
    s = optuna.create_study()
    s.optimize(quad, n_trials=3, timeout=60)
    return len(s.trials)


@case
def trial_repr_fields():
    s = optuna.create_study()
    s.optimize(quad, n_trials=1)
    r = repr(s.trials[0])
    return r.split("(")[0], [k for k in ("number=", "state=", "values=", "datetime_start=", "params=", "user_attrs=",
                                         "system_attrs=", "intermediate_values=", "distributions=", "trial_id=",
                                         "value=None") if k in r]


@case
def study_trials_copy_semantics():
    s = optuna.create_study()
    s.optimize(quad, n_trials=2)
    t = s.trials[0]
    t.user_attrs["mut"] = 1
    return "mut" in s.trials[0].user_attrs, s.get_trials(deepcopy=False)[0] is s.get_trials(deepcopy=False)[0]


@case
def trials_dataframe_multi_objective():
    s = optuna.create_study(directions=["minimize", "maximize"])
    s.set_metric_names(["loss", "acc"])
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=2)
    return list(s.trials_dataframe(attrs=("number", "values", "params")).columns)


for f in CASES:
    try:
        res = f()
    except Exception as e:  # noqa: BLE001
        res = "UNCAUGHT " + err(e)
    print(f"{f.__name__}: {res!r}", flush=True)
