"""Run a ninth batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20-28) under Optuna and under tunewise.

Session 28's ``optuna_wild8.py`` (imported: session 23's machinery with session 26's step patches and
session 28's import swap for ``import optuna.<submodule>``), with this batch's manifest (``SCRIPTS``,
repositories pinned in ``REVS``). Each script is read from its bare mirror, edited as little as makes it run
here offline in about a minute (every edit marked ``# harness`` in the run copy, the same for both runs), run
once as written under Optuna 5.1 and once switched as docs/migrating-from-optuna.md says under tunewise, with
``optuna`` and ``optuna_integration`` blocked from import. The adapted scripts go to ``--work``; they are
third-party code and are not committed.

    .venv/bin/python benchmarks/history/s29/optuna_wild9.py --manifest
    .venv/bin/python benchmarks/history/s29/optuna_wild9.py --mode optuna --extra /tmp/s24w/extra \
        --work /tmp/s29w/run --out optuna_wild9_optuna.json
    git archive <before> src | tar -x -C /tmp/s29w/before
    .venv/bin/python benchmarks/history/s29/optuna_wild9.py --mode tunewise --tunewise-src /tmp/s29w/before/src \
        --extra /tmp/s24w/extra --work /tmp/s29w/run --out optuna_wild9_before.json
    .venv/bin/python benchmarks/history/s29/optuna_wild9.py --report optuna_wild9_optuna.json \
        optuna_wild9_before.json optuna_wild9_after.json --causes optuna_wild9_causes.json

``--extra`` is session 24's ``/tmp/s24w/extra`` (optuna-integration 5.0.0, LightGBM 4.7, seaborn 0.13.2).
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s28"))
import optuna_wild8  # noqa: E402  (session 28's swap rule, session 26's step patches, session 23's machinery)
from optuna_wild4 import Script, Spec  # noqa: E402

s23 = optuna_wild8.s23

SHAP_STANDIN = (
    "def _harness_shap():  # harness: shap is not installed; TreeExplainer values from the model's importances\n"
    "    import sys as _sys, types as _types, numpy as _np\n"
    "    _m = _types.ModuleType('shap')\n"
    "    class TreeExplainer:\n"
    "        def __init__(self, model):\n"
    "            self.model = model\n"
    "        def shap_values(self, X):\n"
    "            return _np.asarray(X, dtype=float) * self.model.feature_importances_\n"
    "    _m.TreeExplainer = TreeExplainer\n"
    "    _sys.modules['shap'] = _m\n"
    "_harness_shap()\n"
)

CHURN_STANDIN = (
    "def _harness_churn():  # harness: data/raw_customers.csv (train.py's input) is in no script of the repository\n"
    "    import os as _os, numpy as _np, pandas as _pd\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _cols = ['tenure_months', 'orders_last_6m', 'avg_order_value', 'total_spend_12m', 'support_tickets_6m',\n"
    "             'returns_6m', 'is_premium_member', 'discount_rate', 'sessions_30d', 'pages_per_session',\n"
    "             'email_open_rate']\n"
    "    _f = _pd.DataFrame(_rng.gamma(2.0, 2.0, size=(800, len(_cols))), columns=_cols)\n"
    "    _f['is_premium_member'] = _rng.integers(0, 2, 800)\n"
    "    _f['churned'] = ((_f['support_tickets_6m'] - _f['orders_last_6m'] + _rng.normal(0, 2, 800)) > 0).astype(int)\n"
    "    _os.makedirs('data', exist_ok=True)\n"
    "    _f.to_csv('data/raw_customers.csv', index=False)\n"
    "_harness_churn()\n"
)

TZ_PREAMBLE = (
    "display = print  # harness: the notebook's display builtin\n"
    "from sklearn.datasets import load_diabetes as _ld\n"
    "from sklearn.linear_model import Ridge as _Ridge\n"
    "from sklearn.model_selection import cross_val_score as _cvs\n"
    "_X, _y = _ld(return_X_y=True)\n"
    "def objective(trial):  # harness: the notebook's objective is in another cell of its Kaggle kernel\n"
    "    alpha = trial.suggest_float('alpha', 1e-3, 10, log=True)\n"
    "    depth = trial.suggest_int('depth', 2, 8)\n"
    "    return -_cvs(_Ridge(alpha=alpha * depth / 4), _X, _y, cv=3, scoring='neg_mean_squared_error').mean()\n"
)

TZ_FIRST_STUDY = (
    "import matplotlib.pyplot as plt\n"
    "study = optuna.create_study(direction='minimize')  # harness: the fragment plots a study it creates later\n"
    "study.optimize(objective, n_trials=6)  # harness\n"
)

SALARY_DRIVER = (
    "\n# harness: src/main.py feeds this class with the repository's careers parquet after its ETL; a driver on\n"
    "# a synthetic salary frame with the same kind of object columns\n"
    "if __name__ == '__main__':\n"
    "    import numpy as _np, pandas as _pd\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _n = 400\n"
    "    _f = _pd.DataFrame({\n"
    "        'experience_level': _rng.choice(['EN', 'MI', 'SE', 'EX'], _n),\n"
    "        'company_size': _rng.choice(['S', 'M', 'L'], _n),\n"
    "        'remote_ratio': _rng.choice([0, 50, 100], _n),\n"
    "        'work_year': _rng.integers(2020, 2025, _n),\n"
    "    })\n"
    "    _f['salary_in_usd'] = 50000 + 20000 * _f['experience_level'].map({'EN': 0, 'MI': 1, 'SE': 2, 'EX': 3}) + "
    "_rng.normal(0, 8000, _n)\n"
    "    _m = XGBoost(_f)\n"
    "    _m.tune(n_trials=5)\n"
    "    _m.fit()\n"
    "    print('predictions:', _m.predict()[:3].round(0))\n"
)

SCRIPTS: dict[str, Script] = {
    "tarcisio_journal_shap_contour": Script(
        "TarcisioBalbi/Exemplo_Optuna",
        "exemplo_optuna.ipynb",
        Spec(
            patches={
                "n_samples=10000": "n_samples=2000",
                "study.optimize(objective, n_trials=40)": "study.optimize(objective, n_trials=6)",
                "model.fit(X_train[sel_features], y_train,early_stopping_rounds=100, eval_set=": (
                    "model.fit(X_train[sel_features], y_train, eval_set="
                ),
                "model_xgboost.fit(X_train, y_train,early_stopping_rounds=100, eval_set=": (
                    "model_xgboost.fit(X_train, y_train, eval_set="
                ),
            },
            no_show=True,
            timeout=600,
        ),
        notebook=True,
        preamble=SHAP_STANDIN,
        data="shap (not installed) stands in as TreeExplainer values from the model's feature_importances_; "
        "early_stopping_rounds dropped from XGBClassifier.fit (XGBoost 3 takes it in the constructor only)",
        note="notebook: JournalStorage(JournalFileStorage(path)) (the deprecated name), create_study(study_name, "
        "storage, load_if_exists=True), a scale_pos_weight categorical of two floats, set_user_attr of a feature "
        "list read back from best_trial.user_attrs, deepcopy(best_params) then del, plot_optimization_history, "
        "plot_param_importances, plot_contour(params=[...]) as notebook expressions",
    ),
    "consolesystem_nsga2_best_trials": Script(
        "ConsoleSystemPrint/CMA-ES_with_Margin_OPTUNA",
        "cma/objective_function/base.py",
        Spec(),
        dest="base_consolesystem.py",
        note="directions=['minimize', 'minimize'] with NSGAIISampler(), 100 trials, study.best_trials printed "
        "with number / values / params",
    ),
    "feeek_xgb_regressor_class": Script(
        "Feeek/ml_pipeline_xgboost_optuna",
        "src/xgb.py",
        Spec(timeout=600),
        dest="xgb_feeek.py",
        epilogue=SALARY_DRIVER,
        data="a synthetic 400-row salary frame with object columns (the repository's parquet goes through its ETL)",
        note="a model class whose tune() builds a closure objective over XGBRegressor(early_stopping_rounds, "
        "enable_categorical), optimize(show_progress_bar=True), best_trial.params merged into a dict for the refit",
    ),
    "shunpoco_lgbm_train": Script(
        "Shunpoco/trial-optuna-lgbm",
        "main.py",
        Spec(patches={"n_trials=100": "n_trials=10"}),
        dest="main_shunpoco.py",
        note="lgb.train on breast_cancer with seven suggested parameters (log floats, ints), maximize accuracy, "
        "best_trial.value / params",
    ),
    "tarunnewton_lgbm_legacy_dynamic_range": Script(
        "tarunnewton/Hyperparameter-Optimization-Framework",
        "Optuna.ipynb",
        Spec(patches={"n_trials=100": "n_trials=12"}, no_show=True),
        notebook=True,
        dest="optuna_tarun.py",
        note="notebook: the deprecated suggest_loguniform / suggest_uniform, a conditional space on a boosting "
        "categorical, and suggest_uniform('other_rate', 0.0, 1.0 - top_rate): one name with another range in "
        "every trial",
    ),
    "karndeep_iris_rf_plots": Script(
        "karndeepsingh/optuna",
        "Optuna.ipynb",
        Spec(patches={"n_trials=15": "n_trials=5"}, no_show=True),
        notebook=True,
        dest="optuna_karndeep.py",
        note="notebook: iris RandomForest with cross_val_score(n_jobs=-1), suggest_int(log=True), best_trial, "
        "plot_optimization_history / plot_slice as notebook expressions",
    ),
    "manoj_iris_svc_or_rf": Script(
        "ManojAthreya/ML_Playbook",
        "Optuna.ipynb",
        Spec(patches={"n_trials=100": "n_trials=10"}, no_show=True),
        notebook=True,
        dest="optuna_manoj.py",
        note="notebook: a classifier categorical whose branches suggest svc_c (log, 1e-10..1e10) or rf_max_depth "
        "(log int), print(study.best_trial), a refit with hard-coded C",
    ),
    "tztechno_kaggle_matplotlib_plots": Script(
        "tztechno/tz_kaggle",
        "optuna.py",
        Spec(
            patches={"n_trials=600": "n_trials=8", "import matplotlib.pyplot as plt\n": TZ_FIRST_STUDY},
            no_show=True,
        ),
        dest="tz_optuna.py",  # as optuna.py it would shadow the package
        preamble=TZ_PREAMBLE,
        data="a Ridge objective on diabetes for the objective the Kaggle fragment defines in another cell",
        note="a Kaggle kernel's Optuna cells: optuna.visualization.matplotlib imported as a module alias, "
        "plot_optimization_history / plot_slice / plot_param_importances under display(), plotly twins, "
        "best_trial.params.update(fixed), logging.set_verbosity(ERROR)",
    ),
    "rnallan_mlflow_runs_in_objective": Script(
        "rnallanlab/customer-churn-mlflow-optuna-data-pipeline",
        "churn_optuna_mlflow/optimize.py",
        Spec(
            patches={
                'mlflow.set_tracking_uri("http://127.0.0.1:5000")': (
                    'mlflow.set_tracking_uri("sqlite:///mlflow.db")  # harness: no MLflow server here (was :5000)'
                ),
                "n_trials=20": "n_trials=4",
            },
            timeout=600,
        ),
        companions=("churn_optuna_mlflow/train.py",),
        companion_dest={"churn_optuna_mlflow/train.py": "train.py"},
        companion_patches={
            "churn_optuna_mlflow/train.py": {
                "            use_label_encoder=False,\n": (
                    "            # harness: use_label_encoder removed in XGBoost 2\n"
                ),
                'mlflow.sklearn.log_model(model, "model")': (
                    'mlflow.sklearn.log_model(model, "model", serialization_format="cloudpickle")'
                    "  # harness: MLflow 3's skops default refuses XGBoost's types"
                ),
            }
        },
        preamble=CHURN_STANDIN,
        data="a synthetic 800-row data/raw_customers.csv with train.py's columns (no script of the repository writes "
        "it); MLflow on a SQLite file for its localhost server",
        note="an MLflow run per trial inside the objective (log_params / log_metric / sklearn.log_model), "
        "run_name from trial.number, maximize F1, best_trial.params",
    ),
    "nnourr_auto_optuna_action": Script(
        "nnourr/Auto-Optuna",
        "hpo_optimization.py",
        Spec(
            env={
                "INPUT_SCRIPT_PATH": "examples/random_forest_classifier.py",
                "INPUT_N_TRIALS": "8",
                "INPUT_ARTIFACT_NAME": "optimized_model.pkl",
            },
            patches={
                "scorer = accuracy_score if is_classifier(model_class) else r2_score": (
                    "scorer = accuracy_score if is_classifier(model) else r2_score"
                    "  # harness: scikit-learn 1.6+ takes an instance, not the class"
                )
            },
            timeout=600,
        ),
        companions=("params.py", "examples/random_forest_classifier.py"),
        note="a GitHub Action: a search space built from a RandomForest's get_params() and a JSON-like bounds table "
        "(int / float / categorical with per-model options), an objective that returns -inf for invalid "
        "combinations, a lambda objective with optimize(n_jobs=-1), best_params into the model class, pickle",
    ),
    "kaichi_qiita_xgb_torch_lgbm_tuner": Script(
        "ka1ch0/Qiita",
        "Optuna.ipynb",
        Spec(
            patches={
                "data = datasets.fetch_california_housing()": (
                    "data = _harness_housing()  # harness: fetch_california_housing downloads"
                ),
                "score = mse(val_y, pred, squared=False)": (
                    "score = mse(val_y, pred) ** 0.5  # harness: squared= was removed in scikit-learn 1.6"
                ),
                "study.optimize(objective, 30, timeout=600)": "study.optimize(objective, 5, timeout=600)",
                "study.optimize(objective, 10, timeout=600)": "study.optimize(objective, 2, timeout=600)",
                "epochs = 30": "epochs = 2",
                "epochs = 10": "epochs = 1",
                "                   verbose_eval=False)": (
                    "                   )  # harness: verbose_eval was removed in LightGBM 4"
                ),
            },
            optional={'device="cuda"': 'device="cpu"', '.to("cuda")': '.to("cpu")'},  # harness: no GPU
            no_show=True,
            timeout=900,
        ),
        notebook=True,
        dest="optuna_kaichi.py",
        preamble=(
            "display = print  # harness: the notebook's display builtin\n"
            "def _harness_housing():  # harness: a make_regression stand-in with California housing's names\n"
            "    from sklearn.datasets import make_regression as _mr\n"
            "    _X, _y = _mr(n_samples=1500, n_features=8, noise=10.0, random_state=0)\n"
            "    from sklearn.utils import Bunch as _Bunch\n"
            "    return _Bunch(data=_X, target=_y / 100.0, feature_names=['MedInc', 'HouseAge', 'AveRooms', "
            "'AveBedrms', 'Population', 'AveOccup', 'Latitude', 'Longitude'])\n"
        ),
        data="a 1,500-row make_regression frame with California housing's feature names (the notebook downloads it); "
        "CPU for CUDA",
        note="notebook: optimize(objective, 30, timeout=600) with n_trials positional, suggest_loguniform, "
        "best_params / best_value as expressions, a PyTorch MLP study (categorical of powers of two), then "
        "optuna.integration.lightgbm's train() (the LightGBM tuner) with valid_sets, model.params",
    ),
    "yantraveda_prodtaken_rf_plots": Script(
        "Yantraveda/Optuna-HyperParameter-Tune",
        "Optuna.ipynb",
        Spec(patches={"n_trials=50": "n_trials=6"}, no_show=True, timeout=600),
        notebook=True,
        dest="optuna_yantraveda.py",
        preamble=(
            "def _harness_train_csv():  # harness: train.csv (a travel package table) is not in the repository\n"
            "    import pandas as _pd\n"
            "    from sklearn.datasets import make_classification as _mc\n"
            "    _X, _y = _mc(n_samples=500, n_features=8, n_informative=4, weights=[0.8, 0.2], random_state=0)\n"
            "    _f = _pd.DataFrame(_X, columns=[f'f{i}' for i in range(8)])\n"
            "    _f['ProdTaken'] = _y\n"
            "    _f.to_csv('train.csv')\n"
            "_harness_train_csv()\n"
        ),
        data="a 500-row make_classification frame with a ProdTaken target (train.csv is not in the repository)",
        note="notebook: suggest_uniform('max_features', 0.01, 1.0) for a RandomForest, f1 maximized, best_params / "
        "best_value / best_trial printed, plot_edf ... plot_slice imported one by one, plot_optimization_history "
        "as a notebook expression",
    ),
}

# Each repository as read in this session (its mirror's HEAD then).
REVS = {
    "TarcisioBalbi/Exemplo_Optuna": "fe5253312642c306e5c37f02063d04e0d1599d25",
    "ConsoleSystemPrint/CMA-ES_with_Margin_OPTUNA": "7a19b22102606d187fddf794c11cf3a9352ca621",
    "Feeek/ml_pipeline_xgboost_optuna": "972058a559175cddc25f386aa63c5398c34056ba",
    "Shunpoco/trial-optuna-lgbm": "770a494920840ba75626a60d85d0faa69ce4a05c",
    "tarunnewton/Hyperparameter-Optimization-Framework": "e717a68d11afe6d301d7c8b60e84fa4349ad9d54",
    "karndeepsingh/optuna": "193eaaae01a3d1770e75202e98ed601a8dc68600",
    "ManojAthreya/ML_Playbook": "bead051e75dc4f5738dd1810ac8dcbd66944e154",
    "tztechno/tz_kaggle": "b1213fbdb2bd10fb8559ca7038ff3cf03729406e",
    "rnallanlab/customer-churn-mlflow-optuna-data-pipeline": "6a16f22941fe8dcd96f459e34e34845f9f5ad5f2",
    "nnourr/Auto-Optuna": "fbb00a5dd6dd7cc105a7f0ccaf3dd50a7d15617f",
    "ka1ch0/Qiita": "7f8b9f1d888ed5fb5a7854e87faa1644759cd303",
    "Yantraveda/Optuna-HyperParameter-Tune": "0df929c241304a66f4a8b8e4566663438ee0bb0c",
}
for _script in SCRIPTS.values():
    _script.rev = REVS[_script.repo]

s23.SCRIPTS = SCRIPTS

if __name__ == "__main__":
    s23.main()
