"""Run a seventh batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20-26) under Optuna and under tunewise.

Session 23's ``optuna_wild4.py`` machinery, as session 26's ``optuna_wild6.py`` uses it (imported from there,
so later steps of one entry take only the step patches their text has), with this batch's manifest
(``SCRIPTS``, repositories pinned in ``REVS``). Each script is read from its bare mirror, edited as little
as makes it run here offline in about a minute (every edit marked ``# harness`` in the run copy, the same
for both runs), run once as written under Optuna 5.1 and once switched as docs/migrating-from-optuna.md says
under tunewise, with ``optuna`` and ``optuna_integration`` blocked from import. The adapted scripts go to
``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s27/optuna_wild7.py --manifest
    .venv/bin/python benchmarks/history/s27/optuna_wild7.py --mode optuna --extra /tmp/s24w/extra \
        --work /tmp/s27w/run --out optuna_wild7_optuna.json
    git archive <before> src | tar -x -C /tmp/s27w/before
    .venv/bin/python benchmarks/history/s27/optuna_wild7.py --mode tunewise --tunewise-src /tmp/s27w/before/src \
        --extra /tmp/s24w/extra --work /tmp/s27w/run --out optuna_wild7_before.json
    .venv/bin/python benchmarks/history/s27/optuna_wild7.py --report optuna_wild7_optuna.json \
        optuna_wild7_before.json optuna_wild7_after.json --causes optuna_wild7_causes.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s26"))
sys.path.insert(0, str(HERE.parent / "s23"))
import optuna_wild4 as s23  # noqa: E402
import optuna_wild6  # noqa: E402, F401  (applies session 26's tolerant step patches to s23)
from optuna_wild4 import Script, Spec  # noqa: E402

TIEMKA = "tiemka14/try-optuna"
LUCID = "lucidfrontier45/optuna-async-helper"
HEMATYT = "Hematyt/xgboost_optuna"

LUCID_COMPANION = {
    "src/optuna_async_helper/__init__.py": {
        '__version__ = importlib.metadata.version("optuna-async-helper")': (
            '__version__ = "0+harness"  # harness: the package is not installed, its folder is copied'
        )
    }
}

INSURANCE_STANDIN = (
    "import pandas as pd\n"
    "\n\n"
    "def _harness_insurance():  # harness: a synthetic frame with the Kaggle cross-sell columns (input/train.csv)\n"
    "    import numpy as _np\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _n = 1500\n"
    "    _f = pd.DataFrame({\n"
    "        'id': _np.arange(1, _n + 1),\n"
    "        'Gender': _rng.choice(['Male', 'Female'], _n),\n"
    "        'Age': _rng.integers(20, 80, _n),\n"
    "        'Driving_License': _rng.integers(0, 2, _n),\n"
    "        'Region_Code': _rng.integers(0, 50, _n).astype(float),\n"
    "        'Previously_Insured': _rng.integers(0, 2, _n),\n"
    "        'Vehicle_Age': _rng.choice(['< 1 Year', '1-2 Year', '> 2 Years'], _n),\n"
    "        'Vehicle_Damage': _rng.choice(['Yes', 'No'], _n),\n"
    "        'Annual_Premium': _rng.normal(30000, 10000, _n).round(),\n"
    "        'Policy_Sales_Channel': _rng.integers(1, 160, _n).astype(float),\n"
    "        'Vintage': _rng.integers(10, 300, _n),\n"
    "    })\n"
    "    _logit = 1.5 * (_f['Vehicle_Damage'] == 'Yes') - 2.0 * _f['Previously_Insured'] + (_f['Age'] - 45) / 30\n"
    "    _f['Response'] = (_logit + _rng.normal(0, 1, _n) > 0.8).astype(int)\n"
    "    return _f\n"
)
HEMATYT_PATCHES = {
    "dataset.py": {
        "import pandas as pd\n": INSURANCE_STANDIN,
        "train = pd.read_csv('input/train.csv').set_index('id')": (
            "train = _harness_insurance().set_index('id')  # harness: no Kaggle download"
        ),
    }
}

TWEETS_STANDIN = (
    "def _harness_tweets():  # harness: tweets_plus_emb.csv (332 embedding columns, a label, its number) is not in\n"
    "    import os as _os, numpy as _np, pandas as _pd  # the repository: a synthetic three-class frame of that shape\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _y = _rng.integers(0, 3, 300)\n"
    "    _X = _rng.normal(size=(300, 332)) + _y[:, None] * 0.15\n"
    "    _f = _pd.DataFrame(_X, columns=[f'e{i}' for i in range(332)])\n"
    "    _f['label'] = _np.array(['negative', 'neutral', 'positive'])[_y]\n"
    "    _f['numeric_label'] = _y\n"
    "    _f.to_csv('tweets_plus_emb.csv', index=False)\n"
    "    _os.makedirs('dnn_results', exist_ok=True)  # the folder the notebook writes its CSV into\n"
    "_harness_tweets()\n"
)

MOBILE_STANDIN = (
    "def _harness_mobile():  # harness: archive/train.csv (Kaggle mobile price, 20 features, price_range 0-3)\n"
    "    import pandas as _pd\n"
    "    from sklearn.datasets import make_classification as _mc\n"
    "    _X, _y = _mc(n_samples=600, n_features=20, n_informative=8, n_classes=4, random_state=0)\n"
    "    _f = _pd.DataFrame(_X, columns=[f'f{i}' for i in range(20)])\n"
    "    _f['price_range'] = _y\n"
    "    return _f\n"
)

EXTRA2 = (
    "import sys as _sys2; _sys2.path.append('/tmp/s27w/extra2')  # harness: category_encoders, statsmodels, patsy,"
    " polars (pip --target; not in the venv)\n"
)
WALTERS = "waltersperat/optuna-hackathon"
WALTERS_DATA = {
    "n_samples=50_000, n_numerical=100, n_categorical=10, n_categories=10": (
        "n_samples=1_500, n_numerical=8, n_categorical=3, n_categories=4  # harness: 50,000 x 110 columns"
    )
}
WALTERS_COMPANIONS = (
    "__init__.py",
    "src/__init__.py",
    "src/optuna_helper_functions.py",
    "src/utils.py",
    "data/raw_data/.gitkeep",
    "results/.gitkeep",
)


# scikit-learn 1.6 removed make_scorer(needs_proba=True); 1.9 passes the keyword on to the metric, which raises
# TypeError in every fold, so every trial returns NaN (FAILED) under both: the keyword it became, for both runs.
ROC_PROBA = {
    "make_scorer(roc_auc_score, needs_proba=True)": (
        'make_scorer(roc_auc_score, response_method="predict_proba")  # harness: needs_proba (removed in scikit-learn)'
    )
}
BRIER_PROBA = {
    "scoring=make_scorer(brier_score_loss, needs_proba=True),": (
        'scoring=make_scorer(brier_score_loss, response_method="predict_proba"),  # harness: needs_proba (removed)'
    )
}


SCRIPTS: dict[str, Script] = {
    "tiemka_sgd_partial_fit_sha": Script(
        TIEMKA,
        "medium_example_partial_fit.py",
        Spec(timeout=900),  # 60 trials: 90-100 s alone, over 240 s with three runs sharing the 2 cores
        note="SGDClassifier.partial_fit on breast_cancer for 128 epochs, report / should_prune / TrialPruned (imported "
        "from optuna), SuccessiveHalvingPruner(reduction_factor=2), RandomSampler(seed=42), a lambda objective, "
        "60 trials",
    ),
    "tiemka_samplers_qmc_cmaes_contour": Script(
        TIEMKA,
        "medium_example_samplers.py",
        Spec(patches={"n_trials=100": "n_trials=8", **ROC_PROBA}, no_show=True),
        note="RandomSampler / QMCSampler / CmaEsSampler / TPESampler(seed=42) studies of an ExtraTrees objective "
        "scored with make_scorer(roc_auc_score, needs_proba=True), plot_contour(study, [two params]).write_html",
    ),
    "tiemka_extra_trees_warm_start_sha": Script(
        TIEMKA,
        "medium_example_warm_start.py",
        Spec(patches={"n_trials=60": "n_trials=4", **ROC_PROBA}, timeout=900),
        note="an ExtraTreesClassifier grown one tree at a time with warm_start, report(score, n_trees) / should_prune "
        "under SuccessiveHalvingPruner(reduction_factor=2), then cross_val_score with "
        "make_scorer(needs_proba=True)",
    ),
    "lucid_journal_joblib_ask_tell": Script(
        LUCID,
        "examples/rosenbrock.py",
        Spec(patches={"n_trials=100": "n_trials=40"}, timeout=600),
        companions=("src/optuna_async_helper/__init__.py",),
        companion_dest={"src/optuna_async_helper/__init__.py": "optuna_async_helper/__init__.py"},
        companion_patches=LUCID_COMPANION,
        note="a small package: JournalStorage(JournalFileBackend(path)) in a temporary folder, "
        "create_study(load_if_exists=True, TPESampler(constant_liar=True)), then joblib.Parallel(n_jobs=-1) workers "
        "(processes: the study is pickled) that loop study.ask() / suggest_* / study.tell() until RUNNING + COMPLETE "
        "trials reach n_trials, counted from study.trials with TrialState; t.params / t.value / best_params",
    ),
    "lucid_test_enqueue_skip_if_exists": Script(
        LUCID,
        "tests/test_optimizer.py",
        Spec(timeout=600),
        companions=("src/optuna_async_helper/__init__.py",),
        companion_dest={"src/optuna_async_helper/__init__.py": "optuna_async_helper/__init__.py"},
        companion_patches=LUCID_COMPANION,
        dest="test_optimizer_lucid.py",
        epilogue=(
            "\n# harness: the repository runs this with pytest; the test function called directly\n"
            "if __name__ == '__main__':\n"
            "    test_optimizer()\n"
            "    print('test_optimizer passed')\n"
        ),
        note="the package's test: study.enqueue_trial(params, skip_if_exists=True) for three starting points, 32 "
        "joblib workers asking and telling into one journal file until 10 trials, then asserts best_value < 1 and "
        "best_params near the optimum",
    ),
    "andyyue_two_objectives_pareto_plot": Script(
        "andyyue2024/OptunaTest",
        "SRC/MultiObjectiveTest.py",
        Spec(no_show=True),
        note="directions=['minimize', 'minimize'] (XGBoost error rate, training seconds) on make_classification, "
        "optimize(n_trials=10, timeout=60), study.study_name, best_trials' params / values, trials_dataframe().head(), "
        "plot_pareto_front(study, target_names=[...]).show() in a try",
    ),
    "yellowshippo_poly_sqlite_best_trial": Script(
        "yellowshippo/optuna_mlp",
        "poly.py",
        Spec(no_show=True),
        note="a named SQLite study with load_if_exists, suggest_int('polynomial_degree', 1, 10), a model pickled per "
        "trial.number, print(study.best_trial), the best model reloaded by best_trial.number and plotted",
    ),
    "marianaph6_xgb_mlflow_best_params": Script(
        "marianaph6/california_housing_optuna",
        "california_housing_optuna/main.py",
        Spec(
            patches={
                "data = fetch_california_housing()": (
                    "data = __import__('sklearn.datasets').datasets.load_diabetes()"
                    "  # harness: diabetes for the California housing download"
                ),
                "n_trials=50": "n_trials=10",
            },
            timeout=600,
        ),
        data="scikit-learn's diabetes (the script downloads California housing)",
        note="XGBRegressor with suggest_float(step=0.01 / 0.1) and suggest_int, mlflow.set_experiment at import, "
        "then XGBRegressor(**study.best_params) logged to a local MLflow run (log_params(best_params), "
        "mlflow.xgboost.log_model)",
    ),
    "hematyt_rf_cv_log_int": Script(
        HEMATYT,
        "optuna_for_randomforest.py",
        Spec(patches={"n_trials=20": "n_trials=8"}, timeout=600),
        companions=("dataset.py",),
        companion_patches=HEMATYT_PATCHES,
        data="a synthetic 1,500-row frame with the Kaggle insurance cross-sell columns (input/train.csv)",
        note="RandomForest with suggest_int(log=True) twice, None among categorical choices, "
        "cross_val_score(n_jobs=-1), best_trial.value / params",
    ),
    "hematyt_xgb_booster_branches": Script(
        HEMATYT,
        "optuna_for_xgboost.py",
        Spec(patches={"n_trials=50": "n_trials=12"}, timeout=600),
        companions=("dataset.py",),
        companion_patches=HEMATYT_PATCHES,
        data="a synthetic 1,500-row frame with the Kaggle insurance cross-sell columns (input/train.csv)",
        note="xgb.train with a booster choice (gbtree / gblinear / dart) whose branches suggest more parameters, "
        "suggest_int(step=2), suggest_float(log=True), accuracy maximized",
    ),
    "mkhoshdeli_rf_partial_objective": Script(
        "mkhoshdeli1990/hyperparameter-tuning-example-with-sklearn-optuna-hyperopt",
        "hyperparameter_optimization_optuna.py",
        Spec(
            patches={
                'df = pd.read_csv("archive/train.csv")': "df = _harness_mobile()  # harness: no Kaggle download",
                "n_trials=15": "n_trials=4",
            },
            timeout=900,
        ),
        preamble=MOBILE_STANDIN,
        data="a 600-row make_classification frame with 20 features and price_range 0-3 (archive/train.csv)",
        note="functools.partial objective, suggest_uniform (deprecated) and suggest_int up to 1,500 trees, a "
        "hand-written StratifiedKFold loop, minimize -accuracy",
    ),
    "sisyphus_feature_mask_catch_pruned": Script(
        "stochastic-sisyphus/feature-selection-optuna-remix",
        "feature-selection-optuna.py",
        Spec(no_show=True),
        note="feature selection on iris: suggest_int(f'feature_{i}', 0, 1) per feature, float('-inf') returned under "
        "maximize, a convergence rule that raises optuna.exceptions.TrialPruned from the objective, "
        "optimize(catch=(TrialPruned,)) inside try/except TrialPruned, trial.number, matplotlib savefig",
    ),
    "lvystorobska_sa_sampler_dnn_notebook": Script(
        "LVystorobska/hp-opt-optuna",
        "optuna_dnn.ipynb",
        Spec(patches={"n_trials=50": "n_trials=8"}, no_show=True, timeout=900),
        notebook=True,
        preamble=TWEETS_STANDIN,
        companions=("simulated_annealing.py", "pso_sampler.py", "harmony_sampler.py"),
        data="a synthetic 300-row frame of 332 embedding columns with three labels (tweets_plus_emb.csv is not in the "
        "repository)",
        note="notebook: imports three user samplers (a particle swarm and a harmony search sampler built on Optuna's "
        "private optuna._transform, optuna.samplers._base, optuna.study._multi_objective._dominates and "
        "study._storage; a simulated annealing sampler on the public API), then a PyTorch MLP with conditional layers, "
        "report / should_prune under MedianPruner with the simulated annealing sampler, trials_dataframe().to_csv, "
        "plotly intermediate values / history / parallel / importances, and the CSV's datetime_start / "
        "datetime_complete read back",
    ),
    "skydevour_sgd_median_prune_after_loop": Script(
        "Skydevour/Neural-network-code-summary",
        "Optuna_test.py",
        note="SGDClassifier.partial_fit on iris with report at every step and a single should_prune() after the loop, "
        "MedianPruner(), suggest_loguniform (deprecated)",
    ),
    "anna_jar_objective_json_direction": Script(
        "AnnaVitali/optuna_PSO",
        "optuna_pso/hyperparameter_tuning.py",
        Spec(patches={"n_trials=100": "n_trials=20"}),
        note="an objective that runs a Java PSO jar with subprocess and parses the last number it prints (the jar is "
        "not built here: java prints its 'Unable to access jarfile ...-1.0.jar' error, parsed as -1.0, under both), "
        "then best_params / best_value / best_trial.number and study.direction written with json.dump",
    ),
    "gabadev_rf_make_classification": Script(
        "GabaDev2412/Exercicios-ML-avancados",
        "q8.py",
        Spec(patches={"n_trials=50": "n_trials=20"}),
        note="an exercise: RandomForest on make_classification, suggest_int x3, best_params / best_value",
    ),
    "tiemka_data_size_rungs_sha": Script(
        TIEMKA,
        "medium_example_data.py",
        Spec(patches={"n_trials=60": "n_trials=8", **ROC_PROBA}, timeout=900),
        note="data size as the budget: an ExtraTrees fitted on 16, 32, ..., 256 training rows, report(score, "
        "n_samples) / should_prune under SuccessiveHalvingPruner(reduction_factor=2) with RandomSampler(seed=42), then "
        "cross_val_score with make_scorer(needs_proba=True)",
    ),
    "tiemka_pipeline_search_category_encoders": Script(
        TIEMKA,
        "medium_example.py",
        Spec(patches={"n_trials=100": "n_trials=8", **ROC_PROBA}, timeout=900),
        preamble=EXTRA2,
        note="a define-by-run scikit-learn pipeline: imputer, scaler, encoder (WOEEncoder / OrdinalEncoder / "
        "OneHotEncoder) and learner (ExtraTrees / LogisticRegression / RandomForest / SVC / KNN) chosen per trial "
        "with their own suggest_* branches, create_study(study_name=...), cross_val_score with "
        "make_scorer(needs_proba=True), best_params / best_trial logged to a file",
    ),
    "walters_basic_top_trials_frozen_refit": Script(
        WALTERS,
        "src/get_data.py",
        Spec(patches=WALTERS_DATA, timeout=900),
        dest="get_data.py",
        preamble=EXTRA2 + "__import__('os').makedirs('results/basic_optimization', exist_ok=True)"
        "  # harness: its output folder (not in the repository)\n",
        companions=WALTERS_COMPANIONS,
        steps=(("experiments/basic_optimization.py", ()),),
        step_patches={
            "study.optimize(basic_objective, n_trials=30)": "study.optimize(basic_objective, n_trials=6)",
            **BRIER_PROBA,
        },
        data="the repository's own generator (polars), 1,500 rows x 11 columns instead of 50,000 x 110",
        note="two scripts: the data generator, then a named SQLite study (TPESampler(n_startup_trials=10, seed=42)) "
        "of a LightGBM pipeline with WOE / one-hot branches scored by make_scorer(brier_score_loss, needs_proba=True); "
        "the top 10% of study.trials sorted by value re-instantiated by calling the suggest functions on each "
        "FrozenTrial",
    ),
    "walters_stepwise_four_studies": Script(
        WALTERS,
        "src/get_data.py",
        Spec(patches=WALTERS_DATA, timeout=900),
        dest="get_data.py",
        preamble=EXTRA2 + "__import__('os').makedirs('results/stepwise_optimization', exist_ok=True)  # harness: its"
        " output folder (not in the repository)\n",
        companions=WALTERS_COMPANIONS,
        steps=(("experiments/stepwise_optimization.py", ()),),
        step_patches={
            "study.optimize(objectives, n_trials=30)": "study.optimize(objectives, n_trials=4)",
            **BRIER_PROBA,
        },
        data="the repository's own generator (polars), 1,500 rows x 11 columns instead of 50,000 x 110",
        note="two scripts: the data generator, then a StepwiseStudy class: four studies on one SQLite file, each with "
        "a deepcopy of one TPESampler, each step's objective a functools.partial given the previous steps' best model "
        "parameters, rebuilt by calling the suggest functions on studies[-1].best_trial (a FrozenTrial); best_params "
        "merged with reduce, deepcopy(study.trials)",
    ),
}

# Each repository as read in this session (its mirror's HEAD then).
REVS = {
    "tiemka14/try-optuna": "1926e3161f372bd4dba034be0aacf7328303f790",
    "lucidfrontier45/optuna-async-helper": "b8408267bf102b7686cd7cd6b221b9440fea267b",
    "andyyue2024/OptunaTest": "dd0193767e37f03f29b38c353f111ecb7b45ce01",
    "yellowshippo/optuna_mlp": "4729ae1424f274bfa083dc0ed42e492f72380ce0",
    "marianaph6/california_housing_optuna": "c77bc0f09bd892f2cd7a2c63ef37301053baeed2",
    "Hematyt/xgboost_optuna": "4023db38c6bb05108875801a0daac1481a7298f6",
    "mkhoshdeli1990/hyperparameter-tuning-example-with-sklearn-optuna-hyperopt": (
        "dcd701f9fdd82f1f044d55168eb902b2980f76cc"
    ),
    "stochastic-sisyphus/feature-selection-optuna-remix": "d66895302b71c38a3397244af4bb1bc09285f168",
    "LVystorobska/hp-opt-optuna": "21421653745476794e48481e097d4b55091c7e55",
    "Skydevour/Neural-network-code-summary": "5dfbdc21cd93eccfceb04448a76e86b13f198063",
    "AnnaVitali/optuna_PSO": "c7b62cf9cb13d67a841ea1c0126bc3354fb73a1b",
    "GabaDev2412/Exercicios-ML-avancados": "2a4324e136db6e97d4caeb26d182250d5f9d0404",
    "waltersperat/optuna-hackathon": "f573bfd04a1ca90486a3ef593055aa8c704ea577",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
