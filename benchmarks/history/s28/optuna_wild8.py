"""Run an eighth batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20-27) under Optuna and under tunewise.

Session 23's ``optuna_wild4.py`` machinery, as sessions 26 and 27 use it (imported from there, so later steps
of one entry take only the step patches their text has), with this batch's manifest (``SCRIPTS``,
repositories pinned in ``REVS``). Each script is read from its bare mirror, edited as little as makes it run
here offline in about a minute (every edit marked ``# harness`` in the run copy, the same for both runs), run
once as written under Optuna 5.1 and once switched as docs/migrating-from-optuna.md says under tunewise, with
``optuna`` and ``optuna_integration`` blocked from import. The adapted scripts go to ``--work``; they are
third-party code and are not committed.

    .venv/bin/python benchmarks/history/s28/optuna_wild8.py --manifest
    .venv/bin/python benchmarks/history/s28/optuna_wild8.py --mode optuna --extra /tmp/s28w/extra \
        --work /tmp/s28w/run --out optuna_wild8_optuna.json
    git archive <before> src | tar -x -C /tmp/s28w/before
    .venv/bin/python benchmarks/history/s28/optuna_wild8.py --mode tunewise --tunewise-src /tmp/s28w/before/src \
        --extra /tmp/s28w/extra --work /tmp/s28w/run --out optuna_wild8_before.json
    .venv/bin/python benchmarks/history/s28/optuna_wild8.py --report optuna_wild8_optuna.json \
        optuna_wild8_before.json optuna_wild8_after.json --causes optuna_wild8_causes.json

``--extra`` is one folder on ``PYTHONPATH``: session 24's ``/tmp/s24w/extra`` (optuna-integration 5.0.0,
LightGBM 4.7) and seaborn 0.13.2 (``pip --target``), linked into ``/tmp/s28w/extra``.
"""

from __future__ import annotations

import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s26"))
sys.path.insert(0, str(HERE.parent / "s23"))
import optuna_wild4 as s23  # noqa: E402
import optuna_wild6  # noqa: E402, F401  (applies session 26's tolerant step patches to s23)
from optuna_wild4 import Script, Spec  # noqa: E402

_SWAP = s23.s20.as_tunewise


def _as_tunewise(source: str) -> str:
    """The earlier swap, plus ``import optuna.<submodule>`` without ``as`` (vrbaj's ``import
    optuna.distributions``), which also binds the name ``optuna``: ``import tunewise.<submodule>,
    tunewise as optuna``, as docs/migrating-from-optuna.md says since session 28."""
    source = re.sub(
        r"^(\s*)import optuna\.([\w.]+)(\s*#.*)?$", r"\1import tunewise.\2, tunewise as optuna\3", source, flags=re.M
    )
    return _SWAP(source)


s23.s20.as_tunewise = _as_tunewise

FLAVIA = "flaviagaia/optuna-rag-tuning"
FLAVIA_COMPANIONS = (
    "src/chunking.py",
    "src/evaluation.py",
    "src/retriever.py",
    "data/golden_dataset.json",
    "data/corpus/politica_cancelamento.md",
    "data/corpus/politica_reembolso_viagens.md",
    "data/corpus/politica_seguranca_informacao.md",
    "data/corpus/politica_trabalho_remoto.md",
)
FLAVIA_DEST = {
    "src/chunking.py": "chunking.py",
    "src/evaluation.py": "evaluation.py",
    "src/retriever.py": "retriever.py",
}

FISHER = "fisherynwa/xgb-optuna-calibration-pipeline"

XIYUAN = "xiyuanyang-code/ML-Go-Optuna"

KUREK = "kurekj/optuna-saturate"
KUREK_PACKAGE = (
    "src/optuna_saturate/__init__.py",
    "src/optuna_saturate/api.py",
    "src/optuna_saturate/core/__init__.py",
    "src/optuna_saturate/core/context.py",
    "src/optuna_saturate/core/space.py",
    "src/optuna_saturate/core/trial.py",
    "src/optuna_saturate/exceptions.py",
    "src/optuna_saturate/runtime/__init__.py",
    "src/optuna_saturate/runtime/nvml.py",
    "src/optuna_saturate/runtime/profile.py",
    "src/optuna_saturate/vectorized/__init__.py",
    "src/optuna_saturate/vectorized/dropout.py",
    "src/optuna_saturate/vectorized/ensemble.py",
    "src/optuna_saturate/vectorized/loop.py",
    "src/optuna_saturate/vectorized/losses.py",
    "src/optuna_saturate/vectorized/optim.py",
)
KUREK_DEST = {p: p.removeprefix("src/") for p in KUREK_PACKAGE}

MOFF = "moffermann/optuna-framework"
MOFF_COMPANIONS = (
    "examples/__init__.py",
    "examples/simple_trace/__init__.py",
    "examples/simple_trace/myproj/__init__.py",
    "examples/simple_trace/myproj/optuna/__init__.py",
    "examples/simple_trace/myproj/optuna/objective.py",
    "examples/simple_trace/myproj/optuna/optimization.py",
    "examples/simple_trace/myproj/optuna/prune.py",
    "examples/simple_trace/myproj/optuna/trial.py",
    "examples/simple_trace/myproj/optuna/worker.py",
    "examples/simple_trace/parameters.yaml",
    "optuna_framework/__init__.py",
    "optuna_framework/adapters/__init__.py",
    "optuna_framework/adapters/objective.py",
    "optuna_framework/adapters/optimization.py",
    "optuna_framework/adapters/prune.py",
    "optuna_framework/adapters/trial.py",
    "optuna_framework/adapters/worker.py",
    "optuna_framework/cli.py",
    "optuna_framework/imports.py",
    "optuna_framework/io.py",
    "optuna_framework/objective.py",
    "optuna_framework/reporting.py",
    "optuna_framework/runner.py",
    "optuna_framework/search_space.py",
)

HEALTHEXP_STANDIN = (
    "def _harness_healthexp():  # harness: seaborn's load_dataset downloads healthexp; a synthetic frame of its shape\n"
    "    import numpy as _np, pandas as _pd, seaborn as _sns\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _rows = [(y, c) for y in range(1970, 2021) for c in ['Canada', 'France', 'Germany', 'Great Britain',"
    " 'Japan', 'USA']]\n"
    "    _f = _pd.DataFrame(_rows, columns=['Year', 'Country'])\n"
    "    _f['Spending_USD'] = (_f['Year'] - 1960) * 60 * _rng.uniform(0.8, 1.2, len(_f))\n"
    "    _f['Life_Expectancy'] = 70 + (_f['Year'] - 1970) * 0.15 + _rng.normal(0, 0.6, len(_f))\n"
    "    _sns.load_dataset = lambda name, **kw: _f.copy()\n"
    "_harness_healthexp()\n"
)

VOICES_STANDIN = (
    "def _harness_voices():  # harness: training_data/men/datasets.npz is not in the repository\n"
    "    import os as _os, numpy as _np\n"
    "    from sklearn.datasets import make_classification as _mc\n"
    "    _X, _y = _mc(n_samples=240, n_features=12, n_informative=5, random_state=0)\n"
    "    _os.makedirs('training_data/men', exist_ok=True)\n"
    "    _np.savez('training_data/men/datasets.npz', X=_X, y=_y)\n"
    "_harness_voices()\n"
)


SCRIPTS: dict[str, Script] = {
    "justin_xgb_cv_pruning_callback": Script(
        "JustinKurland/xgboost-optuna",
        "xgboost-optuna.py",
        Spec(patches={"n_trials=100": "n_trials=12"}, timeout=600),
        preamble=(
            "import sklearn.datasets as _skd  # harness: the script reads the names data / target it never defines\n"
            "data, target = _skd.load_breast_cancer(return_X_y=True)\n"
        ),
        data="scikit-learn's breast_cancer for the data / target names the script uses and never defines",
        note="xgb.cv(nfold=3, early_stopping_rounds=10) with optuna.integration.XGBoostPruningCallback(trial, "
        "'test-logloss'), MedianPruner(n_warmup_steps=10), RandomSampler(), a booster choice whose branches suggest "
        "more, trial.set_user_attr('n_estimators', len(history)), best_trial.params",
    ),
    "flavia_rag_tune_user_attrs": Script(
        FLAVIA,
        "src/tune.py",
        Spec(
            patches={"ROOT = Path(__file__).parent.parent": "ROOT = Path(__file__).parent  # harness: run at the root"},
            args=("12",),
        ),
        companions=FLAVIA_COMPANIONS,
        companion_dest=FLAVIA_DEST,
        note="a TF-IDF retriever tuned on the repository's golden set: suggest_int(log=True), TPESampler(seed=42), "
        "four trial.set_user_attr per trial, best_trial.user_attrs, study.trials sorted by value with their "
        "user_attrs, trials_dataframe().to_csv",
    ),
    "flavia_rag_sha_vs_nop_pruning": Script(
        FLAVIA,
        "experiments/exp_pruning.py",
        Spec(
            patches={
                'SRC = Path(__file__).parent.parent / "src"': "SRC = Path(__file__).parent  # harness: run at the root",
                "ROOT = Path(__file__).parent.parent": "ROOT = Path(__file__).parent  # harness: run at the root",
            },
            args=("14",),
        ),
        companions=FLAVIA_COMPANIONS,
        companion_dest=FLAVIA_DEST,
        note="multi-fidelity on the number of questions: report(score, rung) / should_prune / TrialPruned under "
        "SuccessiveHalvingPruner(min_resource=1, reduction_factor=3) against NopPruner with the same TPESampler seed, "
        "counting evaluations; TrialState.PRUNED counted from study.trials",
    ),
    "fisher_warm_start_enqueue_notebook": Script(
        FISHER,
        "notebooks/xgb_optuna_warm_start.ipynb",
        Spec(
            patches={
                "XGBOptClf(n_trials=100)": "XGBOptClf(n_trials=6)",
                "n_outer=5": "n_outer=2",
                "XGBOptClfWarm(n_trials=100, initial_params=best_params)": (
                    "XGBOptClfWarm(n_trials=6, initial_params=best_params)"
                ),
                # The notebook uses XGBOptClfWarm and never imports it (it ran in a kernel that had).
                "from src.xgb_opt_clf import *\n": (
                    "from src.xgb_opt_clf import *\n"
                    "from src.xgb_opt_clf_warm import XGBOptClfWarm  # harness: the import the notebook lacks\n"
                ),
            },
            no_show=True,
            timeout=900,
        ),
        notebook=True,
        preamble="import sys as _s; _s.path.insert(0, 'src')  # harness: the notebook runs from notebooks/ with src/\n",
        companions=("src/__init__.py", "src/xgb_opt_clf.py", "src/xgb_opt_clf_warm.py", "src/helper_functions.py"),
        note="notebook: a scikit-learn estimator wrapping a study (xgb.cv with XGBoostPruningCallback, TPESampler("
        "multivariate, n_startup_trials), MedianPruner, set_user_attr of CV means / stds / n_estimators, "
        "get_param_importances(FanovaImportanceEvaluator)) in nested CV, then a subclass that enqueue_trial()s the "
        "best fold's params before optimizing",
    ),
    "wassawa_sqlite_load_if_exists": Script(
        "wassawa1/OPTUNA_GITHUB_ACTIONS",
        "optimize.py",
        Spec(patches={"n_trials=100": "n_trials=25"}),
        note="a named SQLite study with load_if_exists, suggest_float x2 and suggest_int, best_value / best_params",
    ),
    "rosaav_toy_plots_write_image": Script(
        "RoSaav/optuna_ml",
        "train/toy.py",
        Spec(patches={"n_trials = 1000,": "n_trials = 15,"}),
        preamble="__import__('os').makedirs('img', exist_ok=True)  # harness: its output folder (not in the repo)\n",
        note="four studies (maximize / minimize x one / two parameters), best_params, plot_edf / "
        "plot_optimization_history / plot_slice / plot_param_importances written with write_image (HTML here)",
    ),
    "xiyuan_tuner_subprocess_cmaes": Script(
        XIYUAN,
        "optuna-tuner/tuner.py",
        Spec(
            patches={
                'cmd = ["python", self.train_script]': (
                    'cmd = [__import__("sys").executable, self.train_script]  # harness: this venv\'s python'
                )
            },
            args=(
                "test/simple_train.py",
                "--trials",
                "6",
                "--storage",
                "sqlite:///tuner.db",
                "--sampler",
                "cmaes",
                "--pruner",
                "threshold",
            ),
            timeout=600,
        ),
        companions=("test/simple_train.py", "test/simple_train_hyperparameters.json"),
        note="a tuner that runs a training script per trial with subprocess and reads its result.json: JSON search "
        "space, CmaEsSampler(seed=42) on a space with a categorical, ThresholdPruner(lower=0.0), a SQLite storage, "
        "set_user_attr of a dict and of each metric, best_trial.user_attrs, study.direction and per-trial "
        "datetime_start / datetime_complete written to JSON",
    ),
    "xiyuan_tuner_pca_random_hyperband": Script(
        XIYUAN,
        "data/generate_mock_data.py",
        Spec(timeout=900),
        preamble="__import__('os').makedirs('data', exist_ok=True)  # harness: the folder it writes into\n",
        companions=("test/pca_train.py", "test/params.json"),
        steps=(
            (
                "optuna-tuner/tuner.py",
                ("test/pca_train.py", "--trials", "6", "--sampler", "random", "--pruner", "hyperband"),
            ),
        ),
        step_patches={
            'cmd = ["python", self.train_script]': (
                'cmd = [__import__("sys").executable, self.train_script]  # harness: this venv\'s python'
            )
        },
        note="two scripts: the repository's data generator, then the same tuner on its PCA + RandomForest training "
        "script (n_components, a bool as a categorical, svd_solver, tol from test/params.json) with "
        "RandomSampler(seed=42) and HyperbandPruner(), in memory",
    ),
    "tsubame_quadratic_sqlite_then_history": Script(
        "toshihikoyanase/tsubame-optuna-example",
        "quadratic.py",
        Spec(patches={"n_trials=100": "n_trials=20"}, args=("tsubame", "sqlite:///tsubame.db")),
        steps=(("print_study_history.py", ("tsubame", "sqlite:///tsubame.db")),),
        note="a study named and stored from the command line (create_study(load_if_exists=True), suggest_uniform, "
        "a categorical), then a second process reopens it with create_study(load_if_exists=True) and prints "
        "trials_dataframe()",
    ),
    "vrbaj_optuna_search_cv_distributions": Script(
        "vrbaj/optuna_voices_playground",
        "training_men.py",
        Spec(patches={"n_trials=100": "n_trials=6", "n_splits=10, n_repeats=2": "n_splits=3, n_repeats=1"}),
        preamble=VOICES_STANDIN,
        data="a 240-row make_classification array saved as training_data/men/datasets.npz (not in the repository)",
        note="optuna.integration.OptunaSearchCV with a dict of IntDistribution / CategoricalDistribution (including "
        "max_features='auto', which scikit-learn no longer accepts), scoring='matthews_corrcoef', n_jobs=-1, "
        "verbose=100, best_params_ / best_score_",
    ),
    "kurek_saturate_quickstart": Script(
        KUREK,
        "examples/quickstart.py",
        Spec(timeout=600),
        companions=KUREK_PACKAGE,
        companion_dest=KUREK_DEST,
        note="a library that replaces study.optimize: study.ask() for a leader, enqueue_trial(shared params, "
        "skip_if_exists=False) and ask() for the rest of a group, one vectorised PyTorch run per group, then "
        "study.tell(trial, value) or tell(trial, state=TrialState.FAIL); 32 trials in groups of 8",
    ),
    "kurek_saturate_test_api": Script(
        KUREK,
        "tests/test_api.py",
        Spec(timeout=600),
        companions=(*KUREK_PACKAGE, "tests/__init__.py", "tests/objectives.py", "tests/models.py", "tests/fakes.py"),
        companion_dest=KUREK_DEST,
        dest="test_api_kurek.py",
        epilogue=(
            "\n# harness: the repository runs this with pytest\n"
            "if __name__ == '__main__':\n"
            "    import sys as _sys, pytest as _pytest\n"
            "    _sys.exit(_pytest.main(['-q', '-p', 'no:cacheprovider', __file__]))\n"
        ),
        note="the library's API tests under pytest: groups share the shape-changing value and differ in the "
        "vectorised one, every trial COMPLETE, failures told as TrialState.FAIL, parameters the objective does not "
        "declare rejected",
    ),
    "thanay_healthexp_random_plots": Script(
        "thanay-sisir/hyperparameter-tuning-with-optuna",
        "health_expenditure_forecast.ipynb",
        Spec(patches={"n_trials=100": "n_trials=6"}, no_show=True, timeout=900),
        notebook=True,
        preamble=HEALTHEXP_STANDIN,
        data="a synthetic frame with seaborn's healthexp columns (seaborn downloads it)",
        note="notebook: RandomSampler(seed=42) on a RandomForestRegressor with cross_val_score, best_params / "
        "best_value, plot_optimization_history / plot_parallel_coordinate / plot_slice(params=[...]) / "
        "plot_param_importances as notebook expressions, a refit",
    ),
    "sopacha_healthexp_matplotlib_history": Script(
        "sopacha/ml-optuna-redis-api",
        "notebooks/optuna_experiments.ipynb",
        Spec(patches={"n_trials=200": "n_trials=6"}, no_show=True, timeout=900),
        notebook=True,
        preamble=HEALTHEXP_STANDIN,
        data="a synthetic frame with seaborn's healthexp columns (seaborn downloads it)",
        note="notebook: the same healthexp RandomForest study, optuna.visualization.matplotlib's "
        "plot_optimization_history imported under another name, plotly plots, a refit from best_params",
    ),
    "moffermann_multiprocess_rdb_runner": Script(
        MOFF,
        "main.py",
        Spec(args=("--params", "examples/simple_trace/parameters.yaml"), timeout=600),
        companions=MOFF_COMPANIONS,
        dest="main_moffermann.py",
        note="a framework that runs Optuna in worker processes: RDBStorage(url, engine_kwargs) on SQLite, "
        "get_all_study_summaries to version the study name, create_study then optuna.load_study in each of 3 "
        "processes, ask / tell with TrialState.PRUNED and FAIL, len(study.trials) as the stop rule, set_user_attr, "
        "TPESampler(seed), best trial written to JSON (the repository's simple_trace example: 4 trials)",
    ),
    "habib_credit_risk_xgb": Script(
        "habibzahid203-web/credit-risk-xgboost-optuna",
        "main.py",
        Spec(patches={"n_trials=40": "n_trials=10"}, timeout=600),
        dest="main_habib.py",
        note="a self-contained credit-risk script: its own synthetic applicants, a DecisionTree baseline, then "
        "XGBClassifier tuned on ROC-AUC (logging.set_verbosity(WARNING), show_progress_bar=False), best_value / "
        "best_params, the refit's feature importances",
    ),
    "santosh_argparse_float_n_trials": Script(
        "IamSantoshKumar/XGBoost-Optuna-Optimization",
        "XGBoost_Optuna_Optimization.py",
        Spec(
            patches={
                "import glob": (
                    "import glob\nimport optuna  # harness: the script uses optuna and partial, never imports them\n"
                    "from functools import partial  # harness"
                ),
                "'tree_method': \"gpu_hist\",": "'tree_method': \"hist\",  # harness: no GPU here (was gpu_hist)",
                '"gpu_id": 0,': "# harness: no GPU here (was gpu_id 0)",
                'parser.add_argument("--n_iters", type=int, default=200, required=False)': (
                    'parser.add_argument("--n_iters", type=int, default=200, required=False)\n'
                    '    parser.add_argument("--seed", type=int, default=42)  # harness: read, never declared'
                ),
            },
            args=(
                "--path",
                ".",
                "--filename",
                "train.csv",
                "--n_trials",
                "4",
                "--n_iters",
                "40",
                "--es_stop",
                "10",
                "--n_folds",
                "3",
            ),
            timeout=600,
        ),
        preamble=(
            "def _harness_train_csv():  # harness: ../train.csv (a frame with a 'target' column) is not in the repo\n"
            "    import pandas as _pd\n"
            "    from sklearn.datasets import make_classification as _mc\n"
            "    _X, _y = _mc(n_samples=600, n_features=10, n_informative=4, random_state=0)\n"
            "    _f = _pd.DataFrame(_X, columns=[f'f{i}' for i in range(10)])\n"
            "    _f['target'] = _y\n"
            "    _f.to_csv('train.csv', index=False)\n"
            "_harness_train_csv()\n"
        ),
        data="a 600-row make_classification frame with a target column (train.csv is not in the repository)",
        note="argparse options with --n_trials declared type=float (study.optimize(n_trials=4.0)), a functools.partial "
        "objective, suggest_loguniform (deprecated), suggest_float(log=True), StratifiedKFold xgb.train with "
        "early_stopping_rounds, best_trial.value / params",
    ),
}

# Each repository as read in this session (its mirror's HEAD then).
REVS = {
    "JustinKurland/xgboost-optuna": "46d784fd2aaafeb070f080973784443f6a2c70f0",
    "flaviagaia/optuna-rag-tuning": "ca71ef21c4ed0d7bf54f055b95e2542f2135332f",
    "fisherynwa/xgb-optuna-calibration-pipeline": "4baa12e9e4d832c06f1342165e95056b97a82b4e",
    "wassawa1/OPTUNA_GITHUB_ACTIONS": "44c286e3e41ba3b81ecaebe9b73031c15fab22ea",
    "RoSaav/optuna_ml": "2b68f9db5da08e6d2081ae5d8a7baa78cd91a459",
    "xiyuanyang-code/ML-Go-Optuna": "b70b4c7801c865d09dd24a0355b08983b2e17307",
    "toshihikoyanase/tsubame-optuna-example": "7001e3cf533358e686fd522928da841b3783d0e9",
    "vrbaj/optuna_voices_playground": "fcebcf97f4aa647f2b7018518d8c7b9f161dbd57",
    "kurekj/optuna-saturate": "8c2c30c3e9a91c42ba7e8480417c093b933bd637",
    "thanay-sisir/hyperparameter-tuning-with-optuna": "c098cf193993097aa395f057977cc0638749bde8",
    "sopacha/ml-optuna-redis-api": "a4d0a18e65a170d785dfda5c3b9795b0ac85b31e",
    "moffermann/optuna-framework": "b7faf23e723999a0532551c660c5e668b6732f93",
    "habibzahid203-web/credit-risk-xgboost-optuna": "7efb6658985d464191582988ac424e6e4dfc9b63",
    "IamSantoshKumar/XGBoost-Optuna-Optimization": "902ed485338592c08746162c7428be4d7c522f23",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
