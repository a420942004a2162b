# ruff: noqa
"""Session 22 probe of Optuna API calls the third-party scripts use little (ad hoc; one case per line of output).

Run from an empty folder:  python optuna_wild3_probe_api.py optuna     > out_optuna.txt
                           PYTHONPATH=<tunewise src> python optuna_wild3_probe_api.py tunewise > out_tw.txt
then diff the two outputs."""
import sys, os, traceback, warnings, math
warnings.filterwarnings("ignore")
MODE = sys.argv[1]
if MODE == "tunewise":
    sys.modules["optuna"] = None
    import tunewise as optuna
else:
    import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
import matplotlib; matplotlib.use("Agg")

def case(name):
    def deco(f):
        try:
            r = f()
            print(f"{name}: OK {r!r}"[:400])
        except Exception as e:
            print(f"{name}: ERR {type(e).__name__}: {e}"[:400])
        return f
    return deco

def obj(t):
    x = t.suggest_float("x", -5, 5); y = t.suggest_int("y", 0, 4)
    return x * x + y

@case("mpl_history")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(obj, n_trials=10)
    ax = optuna.visualization.matplotlib.plot_optimization_history(s)
    return type(ax).__name__, ax.get_title(), ax.get_xlabel(), ax.get_ylabel()

@case("mpl_importances")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(obj, n_trials=20)
    ax = optuna.visualization.matplotlib.plot_param_importances(s)
    return type(ax).__name__, ax.get_title(), ax.get_xlabel()

@case("mpl_slice")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(obj, n_trials=10)
    ax = optuna.visualization.matplotlib.plot_slice(s)
    return type(ax).__name__, getattr(ax, "shape", None)

@case("mpl_contour")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(obj, n_trials=10)
    ax = optuna.visualization.matplotlib.plot_contour(s, params=["x", "y"])
    return type(ax).__name__

@case("mpl_pareto")
def _():
    s = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.suggest_float("y", 0, 1)), n_trials=10)
    ax = optuna.visualization.matplotlib.plot_pareto_front(s)
    return type(ax).__name__, ax.get_title()

@case("mpl_intermediate_edf_parallel_rank_timeline")
def _():
    def o(t):
        v = t.suggest_float("x", 0, 1)
        for i in range(3): t.report(v * i, i)
        return v
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(o, n_trials=5)
    out = []
    for f in ["plot_intermediate_values", "plot_edf", "plot_parallel_coordinate", "plot_rank", "plot_timeline"]:
        try:
            ax = getattr(optuna.visualization.matplotlib, f)(s); out.append((f, type(ax).__name__))
        except Exception as e:
            out.append((f, type(e).__name__, str(e)[:80]))
    return out

@case("max_trials_cb")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(obj, n_trials=50, callbacks=[optuna.study.MaxTrialsCallback(7, states=(optuna.trial.TrialState.COMPLETE,))])
    return len(s.trials)

@case("cb_raises_pruned")
def _():
    def cb(study, trial):
        if trial.number == 2: raise optuna.TrialPruned()
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(obj, n_trials=5, callbacks=[cb])
    return len(s.trials)

@case("nsga3")
def _():
    s = optuna.create_study(directions=["minimize"]*3, sampler=optuna.samplers.NSGAIIISampler(seed=0, population_size=8))
    s.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_float("b", 0, 1), t.suggest_float("c", 0, 1)), n_trials=20)
    return len(s.best_trials) > 0

@case("qmc")
def _():
    s = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="sobol", scramble=True, seed=0))
    s.optimize(obj, n_trials=8); return len(s.trials)

@case("qmc_halton")
def _():
    s = optuna.create_study(sampler=optuna.samplers.QMCSampler(qmc_type="halton", seed=0))
    s.optimize(obj, n_trials=8); return len(s.trials)

@case("bruteforce")
def _():
    s = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=0))
    s.optimize(lambda t: t.suggest_int("a", 0, 2) + t.suggest_categorical("b", [0, 1]), n_trials=100)
    return len(s.trials)

@case("cmaes_margin")
def _():
    s = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(with_margin=True, seed=0))
    s.optimize(obj, n_trials=15); return len(s.trials)

@case("cmaes_ipop")
def _():
    s = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(restart_strategy="ipop", seed=0))
    s.optimize(obj, n_trials=15); return len(s.trials)

@case("cmaes_sep_lr")
def _():
    s = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(use_separable_cma=True, seed=0))
    s.optimize(obj, n_trials=15); 
    s2 = optuna.create_study(sampler=optuna.samplers.CmaEsSampler(lr_adapt=True, seed=0)); s2.optimize(obj, n_trials=15)
    return len(s.trials), len(s2.trials)

@case("gp")
def _():
    s = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=0, n_startup_trials=5))
    s.optimize(obj, n_trials=8); return len(s.trials)

@case("constraints_nsga2")
def _():
    def o(t):
        x = t.suggest_float("x", 0, 1); t.set_user_attr("c", [x - 0.5]); return x, 1 - x
    s = optuna.create_study(directions=["minimize", "minimize"], sampler=optuna.samplers.NSGAIISampler(seed=0, constraints_func=lambda t: t.user_attrs["c"]))
    s.optimize(o, n_trials=20); return all(t.params["x"] <= 0.5 for t in s.best_trials)

@case("importance_evaluators")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0)); s.optimize(obj, n_trials=30)
    out = {}
    for ev in ["FanovaImportanceEvaluator", "MeanDecreaseImpurityImportanceEvaluator", "PedAnovaImportanceEvaluator"]:
        imp = optuna.importance.get_param_importances(s, evaluator=getattr(optuna.importance, ev)(seed=0) if ev != "PedAnovaImportanceEvaluator" else getattr(optuna.importance, ev)())
        out[ev] = sorted(imp)
    imp = optuna.importance.get_param_importances(s, params=["x"], normalize=False)
    out["params_x"] = list(imp)
    imp = optuna.importance.get_param_importances(s, target=lambda t: t.params["x"])
    out["target"] = type(imp).__name__
    return out

@case("artifacts")
def _():
    import optuna.artifacts as A
    store = A.FileSystemArtifactStore("./art"); os.makedirs("./art", exist_ok=True)
    open("f.txt", "w").write("hi")
    s = optuna.create_study()
    def o(t):
        aid = A.upload_artifact(artifact_store=store, file_path="f.txt", study_or_trial=t)
        t.set_user_attr("aid", aid); return 1.0
    s.optimize(o, n_trials=1)
    aid = s.trials[0].user_attrs["aid"]
    meta = A.get_all_artifact_meta(s.trials[0])
    with store.open_reader(aid) as r: content = r.read()
    A.download_artifact(artifact_store=store, artifact_id=aid, file_path="g.txt")
    return content, len(meta), open("g.txt").read()

@case("rdb_heartbeat_retry")
def _():
    for f in ["hb.db"]:
        if os.path.exists(f): os.remove(f)
    st = optuna.storages.RDBStorage("sqlite:///hb.db", heartbeat_interval=1, grace_period=2,
        failed_trial_callback=optuna.storages.RetryFailedTrialCallback(max_retry=2), engine_kwargs={"connect_args": {"timeout": 10}})
    s = optuna.create_study(storage=st, study_name="hb")
    s.optimize(obj, n_trials=3)
    return len(s.trials), optuna.storages.RetryFailedTrialCallback.retried_trial_number(s.trials[0])

@case("journal_file")
def _():
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend
    if os.path.exists("j.log"): os.remove("j.log")
    st = JournalStorage(JournalFileBackend("j.log"))
    s = optuna.create_study(storage=st, study_name="j"); s.optimize(obj, n_trials=3)
    s2 = optuna.load_study(study_name="j", storage=JournalStorage(JournalFileBackend("j.log")))
    return len(s2.trials)

@case("journal_file_old_names")
def _():
    if os.path.exists("j2.log"): os.remove("j2.log")
    st = optuna.storages.JournalStorage(optuna.storages.JournalFileStorage("j2.log", lock_obj=optuna.storages.JournalFileOpenLock("j2.log")))
    s = optuna.create_study(storage=st); s.optimize(obj, n_trials=2); return len(s.trials)

@case("ask_fixed_distributions")
def _():
    s = optuna.create_study()
    d = {"x": optuna.distributions.FloatDistribution(0, 1), "c": optuna.distributions.CategoricalDistribution(["a", "b"]), "n": optuna.distributions.IntDistribution(1, 9, step=2)}
    t = s.ask(fixed_distributions=d)
    s.tell(t, t.params["x"])
    t2 = s.ask(d); s.tell(t2, state=optuna.trial.TrialState.PRUNED)
    return sorted(t.params), s.trials[1].state.name, t.distributions == d

@case("distributions_direct")
def _():
    D = optuna.distributions
    out = [repr(D.FloatDistribution(0, 1, log=False, step=0.1)), repr(D.IntDistribution(1, 10, log=True)), repr(D.CategoricalDistribution([1, "a", None]))]
    j = D.distribution_to_json(D.FloatDistribution(1e-3, 1, log=True)); out.append(j)
    out.append(D.json_to_distribution(j) == D.FloatDistribution(1e-3, 1, log=True))
    out.append(D.check_distribution_compatibility(D.FloatDistribution(0, 1), D.FloatDistribution(0, 2)))
    out.append(D.FloatDistribution(0, 1).single()); out.append(D.IntDistribution(0, 3)._contains(2) if hasattr(D.IntDistribution(0,3), "_contains") else None)
    out.append(D.UniformDistribution(0, 1) == D.FloatDistribution(0, 1))
    out.append(repr(D.LogUniformDistribution(1e-3, 1)))
    out.append(repr(D.IntUniformDistribution(0, 10, step=2)))
    return out

@case("create_trial_variants")
def _():
    D = optuna.distributions
    t = optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": D.FloatDistribution(0, 1)}, value=1.0,
        user_attrs={"a": 1}, system_attrs={"s": 2}, intermediate_values={0: 0.1, 1: 0.2})
    t2 = optuna.trial.create_trial(state=optuna.trial.TrialState.FAIL)
    t3 = optuna.trial.create_trial(params={"x": 0.1}, distributions={"x": D.FloatDistribution(0, 1)}, values=[1.0, 2.0])
    s = optuna.create_study(); s.add_trials([t, t2])
    return t.number, t.state.name, s.trials[0].intermediate_values, t3.values, len(s.trials), s.best_value, t.last_step, t.duration

@case("metric_names")
def _():
    s = optuna.create_study(directions=["minimize", "maximize"])
    s.set_metric_names(["loss", "acc"])
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.5), n_trials=3)
    df = s.trials_dataframe()
    return s.metric_names, [c for c in df.columns if c.startswith("values")]

@case("metric_names_single")
def _():
    s = optuna.create_study(); s.set_metric_names(["rmse"])
    s.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    return [c for c in s.trials_dataframe().columns if "value" in c]

@case("copy_delete_names_summaries")
def _():
    for f in ["a.db", "b.db"]:
        if os.path.exists(f): os.remove(f)
    s = optuna.create_study(study_name="src", storage="sqlite:///a.db"); s.optimize(obj, n_trials=3)
    s.set_user_attr("k", "v")
    optuna.copy_study(from_study_name="src", from_storage="sqlite:///a.db", to_storage="sqlite:///b.db")
    names = optuna.get_all_study_names(storage="sqlite:///b.db")
    summ = optuna.get_all_study_summaries("sqlite:///b.db", include_best_trial=True)
    c = optuna.load_study(study_name="src", storage="sqlite:///b.db")
    optuna.delete_study(study_name="src", storage="sqlite:///a.db")
    try:
        optuna.load_study(study_name="src", storage="sqlite:///a.db"); after = "still"
    except KeyError as e: after = "KeyError"
    return names, [(x.study_name, x.n_trials, x.best_trial is not None, x.direction.name, x.user_attrs) for x in summ], len(c.trials), c.user_attrs, after

@case("copy_study_to_name")
def _():
    if os.path.exists("c.db"): os.remove("c.db")
    s = optuna.create_study(study_name="one", storage="sqlite:///c.db"); s.optimize(obj, n_trials=2)
    optuna.copy_study(from_study_name="one", from_storage="sqlite:///c.db", to_storage="sqlite:///c.db", to_study_name="two")
    return sorted(optuna.get_all_study_names("sqlite:///c.db"))

@case("verbosity")
def _():
    optuna.logging.set_verbosity(optuna.logging.INFO); v1 = optuna.logging.get_verbosity()
    optuna.logging.disable_default_handler(); optuna.logging.enable_default_handler()
    optuna.logging.disable_propagation(); optuna.logging.enable_propagation()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return v1 == optuna.logging.INFO, optuna.logging.get_verbosity() == optuna.logging.WARNING, optuna.logging.CRITICAL, optuna.logging.FATAL, optuna.logging.DEBUG

@case("exceptions")
def _():
    E = optuna.exceptions
    return [issubclass(E.TrialPruned, Exception), E.DuplicatedStudyError.__mro__[1].__name__, issubclass(E.StorageInternalError, E.OptunaError),
            hasattr(E, "ExperimentalWarning"), hasattr(E, "CLIUsageError"), hasattr(E, "UpdateFinishedTrialError"), optuna.TrialPruned is E.TrialPruned]

@case("dup_study_error")
def _():
    if os.path.exists("d.db"): os.remove("d.db")
    optuna.create_study(study_name="d", storage="sqlite:///d.db")
    try:
        optuna.create_study(study_name="d", storage="sqlite:///d.db")
    except optuna.exceptions.DuplicatedStudyError as e:
        return "DuplicatedStudyError"

@case("pruners_patient_threshold_percentile")
def _():
    out = {}
    for name, p in [("patient", optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(n_startup_trials=2), patience=1, min_delta=0.0)),
                    ("threshold", optuna.pruners.ThresholdPruner(upper=0.8, n_warmup_steps=1)),
                    ("percentile", optuna.pruners.PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=0, interval_steps=1)),
                    ("patient_none", optuna.pruners.PatientPruner(None, patience=0)),
                    ("sha", optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)),
                    ("nop", optuna.pruners.NopPruner())]:
        s = optuna.create_study(pruner=p, sampler=optuna.samplers.RandomSampler(seed=0))
        def o(t):
            v = t.suggest_float("x", 0, 1)
            for i in range(5):
                t.report(v + i * 0.1, i)
                if t.should_prune(): raise optuna.TrialPruned()
            return v
        s.optimize(o, n_trials=10)
        out[name] = sum(t.state.name == "PRUNED" for t in s.trials)
    return out

@case("wilcoxon")
def _():
    import numpy as np
    rng = np.random.default_rng(0); insts = rng.normal(size=20)
    s = optuna.create_study(pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.1), sampler=optuna.samplers.RandomSampler(seed=0))
    def o(t):
        x = t.suggest_float("x", -1, 1); tot = []
        for i in rng.permutation(20):
            v = (x - insts[i]) ** 2; tot.append(v); t.report(v, int(i))
            if t.should_prune(): return sum(tot) / len(tot)
        return sum(tot) / len(tot)
    s.optimize(o, n_trials=10)
    return len(s.trials), [t.state.name for t in s.trials][:3]

@case("study_stop_in_objective")
def _():
    s = optuna.create_study()
    def o(t):
        if t.number == 3: s.stop()
        return t.suggest_float("x", 0, 1)
    s.optimize(o, n_trials=10); return len(s.trials)

@case("enqueue_skip_if_exists")
def _():
    s = optuna.create_study()
    s.enqueue_trial({"x": 1.0, "y": 2}); s.enqueue_trial({"x": 1.0, "y": 2}, skip_if_exists=True)
    s.enqueue_trial({"x": 2.0}, user_attrs={"src": "manual"})
    s.optimize(obj, n_trials=3)
    return [t.params for t in s.trials], s.trials[1].user_attrs

@case("trial_misc")
def _():
    s = optuna.create_study()
    t = s.ask()
    x = t.suggest_float("x", 0, 1, step=0.25); n = t.suggest_int("n", 1, 100, log=True)
    t.set_user_attr("tuple", (1, 2))
    r = (t.number, t.datetime_start is not None, sorted(t.params), sorted(t.distributions), t.user_attrs, t.relative_params if hasattr(t, "relative_params") else "n/a")
    s.tell(t, 1.0)
    ft = s.trials[0]
    return r, ft.user_attrs, ft.last_step, type(ft.duration).__name__, ft.state.is_finished()

@case("frozen_trial_suggest_and_fixed")
def _():
    ft = optuna.trial.FixedTrial({"x": 0.3, "c": "a"})
    return ft.suggest_float("x", 0, 1), ft.suggest_categorical("c", ["a", "b"]), ft.number

@case("best_trials_constraints_best_trial")
def _():
    s = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0, constraints_func=lambda t: [t.params["x"] - 0.5]))
    for x in [0.9, 0.1, 0.3]: s.enqueue_trial({"x": x})
    s.optimize(lambda t: -t.suggest_float("x", 0, 1), n_trials=3)
    return s.best_trial.number, s.best_value

@case("terminator")
def _():
    s = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    s.optimize(obj, n_trials=5, callbacks=[optuna.terminator.TerminatorCallback()])
    return len(s.trials) <= 5

@case("optimize_catch_and_gc")
def _():
    s = optuna.create_study()
    def o(t):
        if t.number % 2: raise ValueError("boom")
        return 1.0
    s.optimize(o, n_trials=4, catch=(ValueError,), gc_after_trial=True)
    return [t.state.name for t in s.trials]

@case("dataframe_multi_index")
def _():
    s = optuna.create_study(); s.optimize(obj, n_trials=2)
    df = s.trials_dataframe(multi_index=True)
    return list(df.columns)[:6]

@case("study_summaries_datetime")
def _():
    if os.path.exists("e.db"): os.remove("e.db")
    s = optuna.create_study(study_name="e", storage="sqlite:///e.db", directions=["minimize", "maximize"])
    s.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    summ = optuna.study.get_all_study_summaries(storage="sqlite:///e.db")
    x = summ[0]
    return x.directions, x.n_trials, x.datetime_start is not None, x.system_attrs if hasattr(x, "system_attrs") else None, x.study_id if hasattr(x, "study_id") else None
