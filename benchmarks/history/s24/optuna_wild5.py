"""Run a fifth batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20-23) under Optuna and under tunewise.

Session 23's ``optuna_wild4.py`` with its own manifest (``SCRIPTS``): the machinery (read each script from
its bare mirror at a pinned commit, edit it as little as makes it run here offline in about a minute, run it
under Optuna 5.1 and, switched as docs/migrating-from-optuna.md says, under tunewise with ``optuna`` and
``optuna_integration`` blocked from import) is imported from ``../s23/optuna_wild4.py`` unchanged. The
adapted scripts go to ``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s24/optuna_wild5.py --manifest
    .venv/bin/python benchmarks/history/s24/optuna_wild5.py --mode optuna --extra /tmp/s24w/extra \
        --work /tmp/s24w/run --out optuna_wild5_optuna.json
    git archive <before> src | tar -x -C /tmp/s24w/before
    .venv/bin/python benchmarks/history/s24/optuna_wild5.py --mode tunewise --tunewise-src /tmp/s24w/before/src \
        --extra /tmp/s24w/extra --work /tmp/s24w/run --out optuna_wild5_before.json
    .venv/bin/python benchmarks/history/s24/optuna_wild5.py --report optuna_wild5_optuna.json \
        optuna_wild5_before.json optuna_wild5_after.json --causes optuna_wild5_causes.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s23"))
import optuna_wild4 as s23  # noqa: E402
from optuna_wild4 import Script, Spec  # noqa: E402

SAWA = "sawa3030/optuna-playground"
SLEEP = "SleepWalker/bdl5-2024-ml-final-project"
ISHAN = "ishandandekar/misc"

SLEEP_COMPANIONS = (
    "utils/__init__.py",
    "utils/compress_df.py",
    "utils/io.py",
    "utils/model_lgb.py",
    "utils/optuna_lgb.py",
)
NO_OPTUNAHUB = {"import optunahub\n": "# harness: optunahub (imported, never used) is not installed\n"}

SLEEP_PATCHES = {
    "utils/model_lgb.py": {
        "from BorutaShap import BorutaShap\n": (
            "# harness: BorutaShap (used only by boruta_select_features) is not installed\n"
        )
    }
}


def sleep_driver(direction: str, cv: bool, overfit: bool) -> str:
    return (
        "\n# harness: the repository's notebooks call run_optuna on their own parquet data; a driver on wine\n"
        "if __name__ == '__main__':\n"
        "    from functools import partial as _partial\n"
        "    from sklearn.datasets import load_wine as _lw\n"
        "    from sklearn.metrics import f1_score as _f1\n"
        "    from sklearn.model_selection import train_test_split as _tts\n"
        "    from utils.optuna_lgb import multiclass_objective as _obj\n"
        "    _X, _y = _lw(return_X_y=True, as_frame=True)\n"
        "    _Xtr, _Xte, _ytr, _yte = _tts(_X, _y, test_size=0.3, random_state=0, stratify=_y)\n"
        "    _metric = lambda t, p: _f1(t, p, average='macro')\n"
        f"    _f = _partial(_obj, X_train=_Xtr, y_train=_ytr, X_test=_Xte, y_test=_yte, metric_fn=_metric,\n"
        f"                  num_class=3, seed=0, cv={cv}, optimize_overfitting={overfit},\n"
        "                  param_overrides={'num_iterations': [20, 60], 'min_data_in_leaf': [5, 30]})\n"
        f"    _study = run_optuna('wine_lgb', _f, n_trials=6, direction={direction}, seed=0)\n"
        "    print('trials:', len(_study.trials), [t.state.name for t in _study.trials])\n"
        "    _again = run_optuna('wine_lgb', _f, n_trials=6, direction=" + direction + ", seed=0)\n"
        "    print('after a second run_optuna (MaxTrialsCallback / early return):', len(_again.trials))\n"
    )


SCRIPTS: dict[str, Script] = {
    "sawa_gp_constraints_two_objectives": Script(
        SAWA,
        "gp_constant_liar.py",
        rev="7bcc5967ef9be43d2b89b58591c3459496ebbfb2",
        note="GPSampler(constraints_func=...) on directions=['minimize', 'minimize'], optimize(20) then three "
        "batches of five study.ask() told [10, 10], then a batch whose trials suggest x1 for all before x2",
    ),
    "sawa_ped_anova": Script(
        SAWA,
        "ped-anova.py",
        rev="0b0cce4212b5975e418f6269a721ea24614307f8",
        note="optuna.importance.get_param_importances(study, evaluator=PedAnovaImportanceEvaluator("
        "target_quantile=0.9999999, region_quantile=1.0)) after 20 trials",
    ),
    "sawa_patient_pruner_nan": Script(
        SAWA,
        "pruner.py",
        rev="5ac9b77310cc7d8edd28a80db8b8387a4622fa9f",
        note="PatientPruner(MedianPruner(n_startup_trials=0, n_warmup_steps=0), patience=3) with NaN reported "
        "as intermediate values from trial 2 on, optuna.exceptions.TrialPruned, logging.basicConfig(INFO), "
        "trial.state / intermediate_values printed",
    ),
    "sawa_multivariate_liar_new_space": Script(
        SAWA,
        "multivariate.py",
        rev="8f8e248a161173668d3340bfd6102899803f80aa",
        note="TPESampler(multivariate=True, constant_liar=True): 10 trials on x, y in [0, 10], then one on "
        "the same names over [10, 20] in the same study",
    ),
    "sawa_ask_tell_sqlite_best": Script(
        SAWA,
        "get_best_trial.py",
        rev="4c4735b7870953f9d838c04872040e7ded20de8e",
        note="TPESampler(seed=42, multivariate=True, constant_liar=True) on sqlite:///tmp.db, five ask / tell, "
        "print(study.best_trial) (a FrozenTrial's repr)",
    ),
    "sawa_nsga2_single_sqlite": Script(
        SAWA,
        "update-base.py",
        rev="41d5c20c929991ef7550a2a29d0e9e681c16d07e",
        note="two studies in one SQLite file with load_if_exists, the second with NSGAIISampler(population_size=3, "
        "mutation_prob=0.1, crossover_prob=0.9, swapping_prob=0.5) on one objective, a boolean categorical, "
        "catch=(RuntimeError, ValueError, AssertionError), warnings.simplefilter('always')",
    ),
    "sawa_vsbx_crossover": Script(
        SAWA,
        "class.py",
        Spec(no_show=True),
        rev="7745353d082059f7550381f34e56bc5e70c27a05",
        note="optuna.samplers.nsgaii.VSBXCrossover(eta).crossover(parents_params, rng, study, "
        "search_space_bounds) called directly 1000 times on create_study(directions=['minimize'])",
    ),
    "sawa_journal_threads": Script(
        SAWA,
        "distributed.py",
        rev="98beacc1f70309f21072817c975e3dd8d2d62489",
        note="JournalStorage(JournalFileBackend(file_path='./journal.log')), optimize(n_trials=20, n_jobs=4), "
        "the objective prints trial.number and threading.current_thread().name",
    ),
    "sawa_journal_process_pool": Script(
        SAWA,
        "journal.py",
        rev="0b0cce4212b5975e418f6269a721ea24614307f8",
        note="multiprocessing.Pool(4).map over 12 calls that each create_study(study_name, JournalStorage("
        "JournalFileBackend), load_if_exists=True) and optimize 3 trials; warnings.simplefilter('always')",
    ),
    "sawa_sqlite_two_spaces": Script(
        SAWA,
        "cached.py",
        rev="8d4829c65b29bbd6636e2f15d8fadd55d9eedd9a",
        note="create_study(storage='sqlite:///tmp.db') without a name; optimize on x, y in [-5, 5], then on "
        "x in [-10, 10] in the same study",
    ),
    "sawa_gpsampler_seed": Script(
        SAWA,
        "gpsampler.py",
        rev="4c4735b7870953f9d838c04872040e7ded20de8e",
        note="GPSampler(seed=0), 20 trials, study.trials",
    ),
    "sawa_gp_constant_liar_batches": Script(
        SAWA,
        "tpe_constant_liar.py",
        rev="0b0cce4212b5975e418f6269a721ea24614307f8",
        note="GPSampler(seed=42, constant_liar=None / 'worst'), batches of ten study.ask() then tell, "
        "matplotlib savefig",
    ),
    "sawa_tpe_batches": Script(
        SAWA,
        "optuna_simple.py",
        rev="b3b4407e336f9e2e1d5e80c9f86f57a4fc847296",
        note="TPESampler(seed=42, multivariate in (False, True), constant_liar in (False, True)), batches of "
        "ten study.ask() then tell, matplotlib savefig",
    ),
    "sawa_enqueue_after_study_profile": Script(
        SAWA,
        "journal_storage.py",
        rev="cf8c2c4d7cefea70685c8848cdde795394633316",
        note="trial.suggest_uniform (deprecated), optimize(100), then ten study.enqueue_trial({'x': i, 'y': i}) "
        "with integer values for float parameters, then optimize(100) under cProfile.run",
    ),
    "sawa_rdb_memory_engine_kwargs": Script(
        SAWA,
        "tell_with_warning.py",
        Spec(patches=NO_OPTUNAHUB, args=[".", "profile"]),
        rev="2636dfd798372eff482720343ab0d7e523eaf58e",
        note="RDBStorage(url='sqlite:///:memory:', engine_kwargs={'pool_size': 20, 'connect_args': "
        "{'timeout': 10}}), RandomSampler, 500 trials under cProfile, stats of functions named _run_trial "
        "(run with the arguments '.' 'profile')",
    ),
    "sawa_cmaes_separable": Script(
        SAWA,
        "cmaes_test.py",
        Spec(patches=NO_OPTUNAHUB),
        rev="8f8e248a161173668d3340bfd6102899803f80aa",
        note="source_study.get_trials(deepcopy=False), then CmaEsSampler(use_separable_cma=True) on one float",
    ),
    "sawa_cmaes_source_trials": Script(
        SAWA,
        "client.py",
        Spec(patches=NO_OPTUNAHUB),
        rev="5ac9b77310cc7d8edd28a80db8b8387a4622fa9f",
        note="CmaEsSampler(source_trials=source_study.trials) (warm start) on the source's space (one float, "
        "one log float), then on a space with a third parameter ('Should raise an exception', the script says)",
    ),
    "sleepwalker_maxtrials_custom_pruner": Script(
        SLEEP,
        "utils/optuna.py",
        dest="sleepwalker_optuna_helpers.py",
        companions=SLEEP_COMPANIONS,
        companion_patches=SLEEP_PATCHES,
        epilogue=sleep_driver("'maximize'", cv=False, overfit=False),
        data="scikit-learn's wine (the notebooks read the project's parquet files)",
        note="helpers module: create_study(**{'direction': ...}), RDBStorage(url, {'pool_pre_ping': True}) "
        "(engine_kwargs positional), a BasePruner subclass that prunes a trial whose params equal a COMPLETE "
        "trial's (the objective calls should_prune before training), MaxTrialsCallback appended to a default "
        "list, best_params; LightGBM multiclass objective built by getattr(trial, f'suggest_{type}') with step "
        "and log; driver lines call run_optuna twice on the same SQLite study",
    ),
    "sleepwalker_two_objectives_lgb_cv": Script(
        SLEEP,
        "utils/optuna.py",
        dest="sleepwalker_optuna_helpers.py",
        companions=SLEEP_COMPANIONS,
        companion_patches=SLEEP_PATCHES,
        epilogue=sleep_driver("['minimize', 'maximize']", cv=True, overfit=True),
        data="scikit-learn's wine (the notebooks read the project's parquet files)",
        note="the same helpers with directions=[...] through **{'directions': ...}: lgb.cv with "
        "eval_train_metric and a feval, the objective returns (train - valid accuracy, valid accuracy), "
        "study.best_trials printed (FrozenTrial reprs), the custom pruner on a multi-objective study",
    ),
    "jt269_journal_lock_workers": Script(
        "jt269/Optuna_share",
        "O_run_min.py",
        Spec(timeout=400),
        companions=("O_worker_min.py",),
        companion_dest={"O_worker_min.py": "Optuna_/O_worker_min.py"},
        companion_patches={
            "O_worker_min.py": {
                "study.optimize(fun, timeout=max_time)": "study.optimize(fun, n_trials=10)  # harness: timeout=3600"
            }
        },
        note="JournalStorage(JournalFileStorage(path, lock_obj=JournalFileOpenLock(path))) (deprecated names), "
        "NSGAIISampler() on one objective, load_if_exists; four worker processes (subprocess.Popen) load_study "
        "and optimize; then load_study, trials_dataframe().to_csv, best_params / best_value; ten suggest_int "
        "with step=1 and an objective that sums trial.params.values()",
    ),
    "ishan_xgb_pruning_callback_plots": Script(
        ISHAN,
        "xgboost_optuna.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        note="optuna.integration.XGBoostPruningCallback(trial, 'validation_0-auc') in XGBClassifier.fit(callbacks=...) "
        "with early_stopping_rounds in the constructor, refit from best_params, plot_param_importances / "
        "plot_parallel_coordinate(...).to_html",
    ),
    "ishan_rf_importances_write_image": Script(
        ISHAN,
        "rforest_optuna.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        note="a RandomForest on iris scored by roc_auc_score of predicted labels, then plot_param_importances / "
        "plot_parallel_coordinate .write_image (the harness's write_image writes HTML: no kaleido)",
    ),
    "ishan_study_attribute_yaml": Script(
        ISHAN,
        "optuna_tuning_from_yaml.py",
        companions=("hyperparameters.yaml",),
        note="python-box over a YAML space: study.parameters = {...} (an attribute of one's own set on the Study), "
        "getattr(optuna.distributions, 'IntDistribution')(low, high) / FloatDistribution, a lambda objective",
    ),
    "ishan_suggest_kwargs_yaml": Script(
        ISHAN,
        "model_trainerEngine/tune.py",
        companions=("model_trainerEngine/hparams.yaml",),
        companion_dest={"model_trainerEngine/hparams.yaml": "hparams.yaml"},
        note="trial.suggest_float(**{'name': ..., 'low': ..., 'high': ..., 'step': 0.05}) / suggest_int(**args) / "
        "suggest_categorical(**{'name': ..., 'choices': [...]}) from YAML, a study per model, "
        "optuna.logging.set_verbosity(WARNING), pprint(best_params)",
    ),
    "ishan_sqlite_named_study": Script(
        ISHAN,
        "optuna_dashboard_test.py",
        Spec(patches={"n_trials=100": "n_trials=30"}),
        note="create_study(study_name, storage='sqlite:///example-study.db', sampler=TPESampler()) (no "
        "load_if_exists), suggest_float / suggest_int, best_params",
    ),
    "atsushi_himmelblau_plot": Script(
        "AtsushiSakai/optuna_sample",
        "himmelblau_function_opt.py",
        Spec(patches={"n_trials=100": "n_trials=30"}, no_show=True),
        note="trial.suggest_uniform (deprecated), create_study(study_name=...) in memory, optimize(n_jobs=1), "
        "len(study.trials), best_params, t.params of every trial plotted with matplotlib",
    ),
    "atsushi_quadratic": Script(
        "AtsushiSakai/optuna_sample",
        "quadratic_function_opt.py",
        note="trial.suggest_uniform (deprecated), 100 trials, best_params / best_value / print(best_trial)",
    ),
}

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
