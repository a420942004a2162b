"""Run a sixth batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20-24) under Optuna and under tunewise.

Session 23's ``optuna_wild4.py`` with this batch's manifest (``SCRIPTS``): the machinery (read each script
from its bare mirror at a pinned commit, edit it as little as makes it run here offline in about a minute,
run it under Optuna 5.1 and, switched as docs/migrating-from-optuna.md says, under tunewise with ``optuna``
and ``optuna_integration`` blocked from import) is imported from ``../s23/optuna_wild4.py`` unchanged. The
adapted scripts go to ``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s26/optuna_wild6.py --manifest
    .venv/bin/python benchmarks/history/s26/optuna_wild6.py --mode optuna --extra /tmp/s24w/extra \
        --work /tmp/s26w/run --out optuna_wild6_optuna.json
    git archive <before> src | tar -x -C /tmp/s26w/before
    .venv/bin/python benchmarks/history/s26/optuna_wild6.py --mode tunewise --tunewise-src /tmp/s26w/before/src \
        --extra /tmp/s24w/extra --work /tmp/s26w/run --out optuna_wild6_before.json
    .venv/bin/python benchmarks/history/s26/optuna_wild6.py --report optuna_wild6_optuna.json \
        optuna_wild6_before.json optuna_wild6_after.json --causes optuna_wild6_causes.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s23"))
import optuna_wild4 as s23  # noqa: E402
from optuna_wild4 import Script, Spec  # noqa: E402

KAITO = "217kaito/Optuna-Practice"
AMIT = "amitsaha/optuna-demo"

BREAST_CANCER_SPLIT = (
    "def load_adult_income_data(test_size=0.2, random_state=42):  # harness: breast_cancer for the UCI download\n"
    "    from sklearn.datasets import load_breast_cancer\n"
    "    X, y = load_breast_cancer(return_X_y=True, as_frame=True)\n"
    "    return train_test_split(X, y, test_size=test_size, random_state=random_state, stratify=y)\n"
    "\n\n"
    "def _original_load_adult_income_data(test_size=0.2, random_state=42):\n"
)
AMIT_PATCHES = {
    "utils/data_utils.py": {
        "from ucimlrepo import fetch_ucirepo\n": "# harness: ucimlrepo (downloads UCI Adult) is not installed\n",
        "def load_adult_income_data(test_size=0.2, random_state=42):\n": BREAST_CANCER_SPLIT,
    }
}

HIMKT_URLS = {
    # the e2e containers' URLs, in the middle of calls (no room for a "# harness" comment)
    '"mysql+pymysql://root:root@mysql:3306/optuna"': '"sqlite:///data/mysql_standin.db"',
    '"postgresql+psycopg2://root:root@postgresql/optuna"': '"sqlite:///data/postgresql_standin.db"',
    '"mssql+pymssql://sa:optuna-test-5ZYB@mssql/optuna?charset=utf8"': '"sqlite:///data/mssql_standin.db"',
    '"redis://redis:6379"': '"sqlite:///data/redis_standin.db"',
}


def _tolerant_step_patches() -> None:
    """Later steps of one entry may lack some of its ``step_patches`` (session 23's harness asks every step to
    have every one): a step gets the patches its text has, and each patch must be found in some step."""
    original = s23.prepared

    def prepared(script, path, mode, patches=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        if patches and path != script.path and patches is script.step_patches:
            text = s23.source_of(script, path)
            patches = {old: new for old, new in patches.items() if old in text}
        return original(script, path, mode, patches, *args, **kwargs)

    s23.prepared = prepared


SCRIPTS: dict[str, Script] = {
    "luis_resume_checkpoint_sqlite": Script(
        "LuisCarretero/similar-expressions",
        "test_optuna_resume.py",
        Spec(
            patches={
                'Path("/tmp/optuna_resume_test_checkpoint.json")': 'Path("optuna_resume_test_checkpoint.json")'
                "  # harness: /tmp is shared by both runs",
                'db_path = "/tmp/optuna_resume_test.db"': 'db_path = "optuna_resume_test.db"  # harness: run folder',
            }
        ),
        note="SQLite study with load_if_exists; optimize(catch=(RuntimeError,)) over a trial that raises after "
        "four reports (FAIL), then a resumed trial that re-suggests the saved values as suggest_float(name, v, v) / "
        "suggest_int(name, v, v) and re-reports the saved steps, then three more trials with MedianPruner's default "
        "should_prune; trial.state / intermediate_values printed",
    ),
    "kaito_quadratic_print_trials": Script(
        KAITO,
        "Tutorial/Key-Features-1/quadratic.py",
        note="tutorial transcript: 100 trials, best_params / best_value, print(trial) of two FrozenTrials, "
        "a second optimize(100) on the same study",
    ),
    "kaito_median_pruner_sgd": Script(
        KAITO,
        "Tutorial/Key-Features-3/Pruning-Algorithms.py",
        note="SGDClassifier.partial_fit on iris with report / should_prune / TrialPruned, MedianPruner(), "
        "optuna.logging.get_logger('optuna').addHandler(StreamHandler(stdout))",
    ),
    "kaito_switching_samplers": Script(
        KAITO,
        "Tutorial/Key-Features-3/Switching-Samplers.py",
        note="study.sampler.__class__.__name__ printed for create_study() / RandomSampler() / CmaEsSampler()",
    ),
    "amit_xgb_single_objective": Script(
        AMIT,
        "single-objective/single_objective_demo.py",
        companions=("utils/data_utils.py",),
        companion_patches=AMIT_PATCHES,
        data="scikit-learn's breast_cancer (the helper downloads UCI Adult with ucimlrepo)",
        note="XGBClassifier with cross_val_score(n_jobs=-1) in a lambda objective, create_study(study_name=...), "
        "best_trial.number / best_value / best_params, refit from best_params",
    ),
    "amit_xgb_two_objectives": Script(
        AMIT,
        "multi-objective/multi_objective_demo.py",
        Spec(
            patches={"run_multi_objective_optimization(n_trials=50)": "run_multi_objective_optimization(n_trials=10)"}
        ),
        companions=("utils/data_utils.py",),
        companion_patches=AMIT_PATCHES,
        data="scikit-learn's breast_cancer (the helper downloads UCI Adult with ucimlrepo)",
        note="directions=['maximize', 'minimize'] (ROC AUC, n_estimators * max_depth), best_trials sorted by "
        "values[0], trial.values / params, refit of the median Pareto trial",
    ),
    "kenji_rdb_regressor_choice": Script(
        "kenjishioya/optuna_env",
        "src/sample.py",
        Spec(
            patches={
                "n_samples=10**4": "n_samples=600",
                "study.optimize(objective, n_trials=50)": "study.optimize(objective, n_trials=6)",
            },
            timeout=900,
        ),
        companions=("src/utils/storage.py",),
        companion_dest={"src/utils/storage.py": "utils/storage.py"},
        companion_patches={
            "src/utils/storage.py": {
                "    return RDBStorage(url=url)": (
                    "    return RDBStorage(url='sqlite:///sample.db')  # harness: the project's MySQL container\n"
                )
            }
        },
        data="make_regression with 600 rows (the script makes 10**4)",
        note="jupytext notebook: RDBStorage from a helper module (the project's MySQL container; SQLite here), "
        "create_study(direction='maximize', pruner=MedianPruner(), load_if_exists=True), a categorical model choice "
        "(RandomForest / XGBoost / AdaBoost) with suggest_int(50, 4000), best_trial.params refit",
    ),
    "thytu_torch_click_get_trials": Script(
        "Thytu/Optuna-bases",
        "main.py",
        Spec(
            args=["--epochs", "1", "--nb-trials", "4", "--train-exemples", "256", "--test-exemples", "128"],
            timeout=900,
        ),
        companions=("hp_optimizer.py", "data.py", "network.py", "settings.py"),
        data="scikit-learn's digits through session 18's torchvision stand-in (the project downloads FashionMNIST)",
        note="click CLI (run with --epochs 1 --nb-trials 4 ...): a PyTorch MLP whose depth, widths and dropouts are "
        "suggested per layer, report / should_prune / optuna.exceptions.TrialPruned, optimize(n_trials, timeout), "
        "get_trials(deepcopy=False, states=[TrialState.PRUNED]) / [COMPLETE]",
    ),
    "martinyanev_rf_default_direction": Script(
        "martinyanev94/data-science-project-lifecycle",
        "Lesson_22_Advancements_In_Model_Training_Frameworks/part_3_optuna_random_forest_optimizer.py",
        Spec(patches={"n_trials=100": "n_trials=20"}),
        note="a lesson script: an iris RandomForest accuracy under create_study()'s default direction (minimize, "
        "as written), best_params",
    ),
    "zhang_nsga2_sqlite_two_objectives": Script(
        "Zhang-Tongdi/Optuna_test",
        "benchmark/benchmark.py",
        steps=(("benchmark/stat.py", ()),),
        note="NSGAIISampler(seed=None) on directions=['minimize', 'minimize'] in a named SQLite study, a handler "
        "added to optuna.logging.get_logger('optuna'), 200 trials whose parameters are logged to a file; then the "
        "repository's stat.py counts repeated parameter lines",
    ),
    "sfr_round_runner_tpe_group": Script(
        "sfr9802/optuna-round-refinement",
        "scripts/round_runner.py",
        Spec(
            args=[
                "run",
                "--config",
                "examples/tabular_toy/experiment.active.yaml",
                "--out-bundle",
                "out/study_bundle.json",
                "--out-llm-input",
                "out/llm_input.md",
            ],
            timeout=900,
        ),
        companions=(
            "scripts/round_adapter.py",
            "examples/tabular_toy/experiment.active.yaml",
            "examples/tabular_toy/evaluate.py",
            "examples/tabular_toy/dataset.py",
            "examples/tabular_toy/model.py",
            "schemas/study_bundle.schema.json",
            "schemas/next_round_config.schema.json",
        ),
        companion_dest={
            # the runner lands in the run folder, which its adapter must share; the adapter finds the schemas
            # in its parent folder, as in the repository
            "scripts/round_adapter.py": "round_adapter.py",
            "schemas/study_bundle.schema.json": "../schemas/study_bundle.schema.json",
            "schemas/next_round_config.schema.json": "../schemas/next_round_config.schema.json",
        },
        note="a YAML-driven runner (run --config ...): TPESampler(seed=42, n_startup_trials=5, multivariate=True, "
        "group=True), MedianPruner(n_startup_trials=5, n_warmup_steps=5), suggest_* dispatched from the YAML, "
        "trial.set_user_attr of a dict, FrozenTrial state.name / params / user_attrs exported, "
        "optuna.importance.get_param_importances, optuna.__version__ written into a JSON bundle (a small PyTorch MLP "
        "on breast_cancer, 20 trials)",
    ),
    "floringogianu_sha_maxtrials_callback": Script(
        "floringogianu/optuna_boilerplate",
        "search.py",
        Spec(
            patches={
                "    for epoch in range(opt.epoch_num):": (
                    "    for epoch in range(opt.num_epochs):  # harness: the template's"
                    " placeholder loop (its base.yaml names the field num_epochs)"
                ),
                "        metrics: dict[str, float]\n": (
                    "        metrics: dict[str, float] = _harness_metrics(opt, epoch)"
                    "  # harness: 'your training code'\n"
                ),
            },
            args=["configs/tune_init", "--max-trials", "8"],
        ),
        preamble=(
            "def _harness_metrics(opt, epoch):  # harness: a validation accuracy that depends on the tuned values\n"
            "    import math as _m\n"
            "    lr, eps = opt.optim.args_['lr'], opt.optim.args_['eps']\n"
            "    tuf = opt.agent.args_['target_update_freq']\n"
            "    base = 1.0 - abs(_m.log10(lr) + 3.5) / 4 - abs(_m.log10(eps) + 4.5) / 8 - abs(tuf - 4000) / 20000\n"
            "    return {'acc': base * (1 - 0.5 ** (epoch + 1))}\n"
        ),
        companions=("options.py", "configs/tune_init/base.yaml", "configs/tune_init/tune.yaml"),
        data="a synthetic accuracy curve for the template's placeholder training loop",
        note="a template: suggest_int / suggest_float(step=None, log=...) / suggest_categorical dispatched from a "
        "YAML space, RDBStorage(url=sqlite), SuccessiveHalvingPruner(min_resource=5, reduction_factor=4), "
        "trial.set_user_attr + report + should_prune, optimize() with no n_trials stopped by "
        "MaxTrialsCallback(8, states=None), load_if_exists",
    ),
    "marpil98_pipeline_tuner_inf": Script(
        "marpil98/Optuna_Sklearn_Tuner",
        "tuner.py",
        Spec(timeout=900),
        epilogue=(
            "\n# harness: the README's use on a DataFrame; a driver on scikit-learn's diabetes\n"
            "if __name__ == '__main__':\n"
            "    from sklearn.datasets import load_diabetes as _ld\n"
            "    from sklearn.model_selection import train_test_split as _tts\n"
            "    _X, _y = _ld(return_X_y=True, as_frame=True)\n"
            "    _t = Tuning(*_tts(_X, _y, test_size=0.25, random_state=0))\n"
            "    _t.tuning(n_trials=12, study_name='diabetes')\n"
            "    print('best params:', _t.best_params)\n"
            "    print(_t.build_best_model())\n"
        ),
        note="a tuning class: suggest_categorical with None among the choices, the same names (max_depth, "
        "n_estimators, n_quantiles, n_components) suggested with ranges that depend on earlier choices, "
        "suggest_float(-100, 100) / (1e-5, 1e5, log=True), every error in the objective turned into a returned "
        "np.inf, SQLite study with load_if_exists, best_params rebuilt into a Pipeline",
    ),
    "himkt_e2e_storages_copy_study": Script(
        "himkt/optuna-e2e",
        "src/init.py",
        Spec(
            patches={
                "import pymssql\n": "# harness: pymssql (SQL Server driver) is not installed\n",
                "\ncreate_mssql_database()\n": "\n# harness: create_mssql_database() (no SQL Server)\n",
                **HIMKT_URLS,
            }
        ),
        preamble="__import__('os').makedirs('data', exist_ok=True)  # harness: the container's data/ volume\n",
        companions=("src/objective.py",),
        companion_dest={"src/objective.py": "objective.py"},
        steps=(("src/load.py", ()), ("src/redis/copy_study.py", ()), ("src/redis/copy_back_study.py", ())),
        step_patches=HIMKT_URLS,
        data="SQLite files stand in for the e2e containers (MySQL, PostgreSQL, SQL Server, Redis)",
        note="an Optuna developer's end-to-end check, four scripts: create_study on five storages (SQLite files stand "
        "in for MySQL / PostgreSQL / SQL Server / Redis), an objective with suggest_float(log=True / step=2.0) and "
        "suggest_int(log=True / step=2), print(study); load_study and 10 more trials each; "
        "copy_study(from_study_name, from_storage, to_study_name, to_storage); delete_study then copy_study back",
    ),
    "gishamer_text_svm_importances": Script(
        "gishamer/optuna-example",
        "main.py",
        Spec(
            patches={
                "from sklearn.datasets import fetch_20newsgroups\n": (
                    "from sklearn.datasets import fetch_20newsgroups as"
                    " _sk_fetch_20newsgroups  # harness: a synthetic corpus stands in (no download)\n"
                ),
                "    ), n_trials=50)": "    ), n_trials=10)",
            },
            no_show=True,
        ),
        preamble=(
            "def fetch_20newsgroups(categories=None, remove=()):  # harness: two synthetic 'newsgroups', 160 posts\n"
            "    import random as _r\n"
            "    from sklearn.utils import Bunch as _B\n"
            "    _r.seed(0)\n"
            "    _a = 'god faith church bible jesus prayer belief soul heaven sin'.split()\n"
            "    _b = 'atheism evidence reason science proof argument logic claim debate doubt'.split()\n"
            "    _c = 'the a of and to in is it that this was for on with'.split()\n"
            "    _docs, _y = [], []\n"
            "    for _i in range(160):\n"
            "        _k = _i % 2\n"
            "        _w = [_r.choice((_a, _b)[_k] if _r.random() < 0.35 else _c) for _ in range(30)]\n"
            "        _docs.append(' '.join(_w)); _y.append(_k)\n"
            "    return _B(data=_docs, target=_y)\n"
        ),
        data="160 synthetic two-class posts for fetch_20newsgroups (a download)",
        note="a text pipeline (Tfidf / Count vectorizer, SVC) whose branches suggest the same names, "
        "suggest_categorical with None among the choices and string tuples, suggest_float(2e-5, 2e15), a lambda "
        "objective on a named SQLite study, then load_study, best_trial.params, plot_param_importances(...).show()",
    ),
    "tfdbonas_continue_and_timeout": Script(
        "0h-n0/tfdbonas",
        "examples/optuna_2d_shapre_function.py",
        note="suggest_uniform (deprecated); optimize(n_trials=10), then 20 more on the same study, then "
        "optimize(timeout=2.0) with no n_trials; best_value / best_params after each",
    ),
    "darenr_lightgbm_tuner_cv": Script(
        "darenr/optuna-lgb",
        "example_1.py",
        note="import optuna.integration.lightgbm as lgb: lgb.Dataset, LightGBMTunerCV(params, dtrain, time_budget=60, "
        "verbose_eval=0, early_stopping_rounds=50, folds=KFold(3)) (LightGBM 3-era keywords), tuner.run(), "
        "best_score / best_params",
    ),
    "zhangxjohn_optuna_search_lgbm": Script(
        "zhangxjohn/optuna-learn",
        "optlearn/opt.py",
        Spec(timeout=900),
        epilogue=(
            "\n# harness: the README's quick start (n_trials=100 -> 5)\n"
            "if __name__ == '__main__':\n"
            "    from lightgbm import LGBMClassifier\n"
            "    from sklearn.datasets import load_iris\n"
            "    from sklearn.metrics import accuracy_score\n"
            "    X, y = load_iris(return_X_y=True)\n"
            "    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)\n"
            "    opt = OptunaSearch(model=LGBMClassifier, optimize_direction='maximize', n_trials=5,\n"
            "                       params_dict={'n_estimators': ['categorical', 100, 200, 300, 500],\n"
            "                                    'reg_alpha': ['float', 0.001, 10, False],\n"
            "                                    'reg_lambda': ['float', 0.001, 100, False],\n"
            "                                    'num_leaves': ['int', 2, 256]})\n"
            "    opt.fit(X_train, y_train)\n"
            "    print(accuracy_score(y_test, opt.predict(X_test)))\n"
            "    print(opt.best_estimator_params)\n"
        ),
        note="a search class: create_study(direction=..., sampler=None, pruner=None), suggest_* from a params dict, "
        "cross_val_score(n_jobs=-1) in the objective, trial.should_prune() with nothing reported, best_trial.params "
        "refit (LGBMClassifier on iris, the README's quick start)",
    ),
    "wattlebirdaz_private_rdb_storage": Script(
        "wattlebirdaz/optuna-cache-experiment",
        "withoutcache.py",
        Spec(args=["sqlite3", "3", "20", "5"]),
        note="an Optuna developer's benchmark (run as withoutcache.py sqlite3 3 20 5): "
        "from optuna.storages._rdb.storage import RDBStorage (a private module path), optuna.storages.get_storage "
        "replaced by a function of the script's, three studies on one RDBStorage object, study._study_id, "
        "optimize(gc_after_trial=False), logging.set_verbosity(ERROR)",
    ),
    "riron_check_before_any_trial": Script(
        "riron1206/kaggle_MoA",
        "notebook/2000_MLP_for_ensemble/20201124/run_objective_2l/objective_check.py",
        note="jupytext notebook: create_study(load_if_exists=True, TPESampler(seed=1)) on a SQLite file with its "
        "optimize line commented out (run here before any trial, as the first thing a user runs), "
        "trials_dataframe().to_csv of the empty study, then str(study.best_params)",
    ),
    "qemqemqem_llm_sampler_mock": Script(
        "qemqemqem/optuna",
        "llm_guided/mock_llm_demo.py",
        preamble=(
            "import sys as _sys, types as _types  # harness: litellm (an LLM API client) is not installed; the demo\n"
            "_sys.modules.setdefault('litellm', _types.ModuleType('litellm'))  # patches every call it would make\n"
        ),
        companions=tuple(
            f"llm_guided/src/{name}.py"
            for name in ("__init__", "context_builder", "llm_client", "models", "parameter_validator", "sampler")
        ),
        companion_dest={
            f"llm_guided/src/{name}.py": f"src/{name}.py"
            for name in ("__init__", "context_builder", "llm_client", "models", "parameter_validator", "sampler")
        },
        note="a user-defined sampler (the fork owner's llm_guided/ folder, not Optuna's code): a BaseSampler "
        "subclass with infer_relative_search_space / sample_relative / sample_independent / after_trial that caches "
        "one configuration per trial as an attribute set on the FrozenTrial it is given, reads study.trials, "
        "trial.distributions of the last COMPLETE trial, study.user_attrs (set_user_attr of lists and dicts); the "
        "demo patches the LLM call with unittest.mock; then a default create_study for comparison",
    ),
}

# Each repository as read in this session (its mirror's HEAD then): the scripts and their companions.
REVS = {
    "LuisCarretero/similar-expressions": "1159688c74a9c41efcf4a0b5f3327674c368ace9",
    "217kaito/Optuna-Practice": "44e23eacbf26f7e68e709a3e577ed1c8988a26ba",
    "amitsaha/optuna-demo": "60dce07af0467c2cfb118a69aa3719d1994088e3",
    "kenjishioya/optuna_env": "c4c250ab4d84c4f9e83d3caff5b23ffe6e645dc7",
    "Thytu/Optuna-bases": "4ca2f58e23d97cf42fe85a3a5a8e7465620cb79f",
    "martinyanev94/data-science-project-lifecycle": "6b77fed071b2f50443a9e1dd61c72fdad4eb7fe7",
    "Zhang-Tongdi/Optuna_test": "519210413eb2a02235b025d4a5ce93b61b0c135c",
    "sfr9802/optuna-round-refinement": "2f5ca53ee2dfc90498ab9166ce3fe25bab7bccc4",
    "floringogianu/optuna_boilerplate": "5b52f4549d8a55faf0d2292dff789a030eacf4d0",
    "marpil98/Optuna_Sklearn_Tuner": "acfcfec0b5323990fe0d1f7825c924be5eb1e202",
    "himkt/optuna-e2e": "bdce1e087a99eb03b227d02155239559453afb1d",
    "gishamer/optuna-example": "0b42345bd96748fc9a82757c22f2ed4060954324",
    "0h-n0/tfdbonas": "e90d60c7d05dd749ebf5618f351868efcf401e00",
    "darenr/optuna-lgb": "4c931d9fc9f7b4f7d74cf9ad37ecc389fede5314",
    "zhangxjohn/optuna-learn": "08aead380f117983c33aff4951c223b81e57ac58",
    "wattlebirdaz/optuna-cache-experiment": "47e3a6145fb09944c03bbf07faf7903667708975",
    "riron1206/kaggle_MoA": "feab22fa661bc6815a5401a8d1a73432fe8d71a4",
    "qemqemqem/optuna": "a3dad5e944962cf7b14ef3a0cbd7558a480a6521",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS
_tolerant_step_patches()

if __name__ == "__main__":
    s23.main()
