"""Run a fourth batch of third-party Optuna scripts (none from Optuna's repositories, none from the
repositories of sessions 20, 21 and 22) under Optuna and under tunewise.

Session 22's ``optuna_wild3.py`` with its own manifest (``SCRIPTS``) and two additions: a script may be a
Jupyter notebook (``notebook=True``: its code cells, in order, become one script; shell and magic lines,
``!pip ...`` / ``%matplotlib``, are commented out, nothing else changes), and a script may be read at a
pinned commit (``rev``). Everything else is session 22's: the scripts are read from bare mirrors
(``/work/.mirror/owner+name/repo``, as the search tool's ``fetch`` leaves them), edited as little as makes
them run here offline in about a minute (fewer trials, a data set that ships with scikit-learn or a
synthetic frame where a script reads one it does not ship), and run once as written under Optuna 5.1
(``--mode optuna``, the oracle) and once switched as docs/migrating-from-optuna.md says
(``--mode tunewise``) with ``optuna`` and ``optuna_integration`` blocked from import. None of the edits
touches a line that calls Optuna other than to lower a trial count (two grid studies, run to the end of
their grids as written, get ``n_trials=5`` as the other studies of their notebooks do).
A module of functions or callbacks gets driver lines marked ``# harness``. The adapted scripts go to
``--work``; they are third-party code and are not committed.

    .venv/bin/python benchmarks/history/s23/optuna_wild4.py --manifest
    .venv/bin/python benchmarks/history/s23/optuna_wild4.py --mode optuna --extra /tmp/s23w/extra \
        --work /tmp/s23w/run --out optuna_wild4_optuna.json
    git archive a9c6dde src | tar -x -C /tmp/s23w/before
    .venv/bin/python benchmarks/history/s23/optuna_wild4.py --mode tunewise --tunewise-src /tmp/s23w/before/src \
        --extra /tmp/s23w/extra --work /tmp/s23w/run --out optuna_wild4_before.json
    .venv/bin/python benchmarks/history/s23/optuna_wild4.py --report optuna_wild4_optuna.json \
        optuna_wild4_before.json optuna_wild4_after.json --causes optuna_wild4_causes.json
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s18"))
sys.path.insert(0, str(HERE.parent / "s20"))
import optuna_examples as s18  # noqa: E402
import optuna_wild as s20  # noqa: E402
from optuna_examples import Spec  # noqa: E402

MIRRORS = "/work/.mirror"


@dataclass
class Script:
    repo: str
    path: str
    spec: Spec = field(default_factory=Spec)
    rev: str = "HEAD"
    notebook: bool = False  # a .ipynb whose code cells are run as one script
    steps: tuple[tuple[str, tuple[str, ...]], ...] = ()  # more runs after the first: (repo path, args)
    step_patches: dict[str, str] = field(default_factory=dict)  # edits to the later steps' files
    preamble: str = ""
    epilogue: str = ""  # driver lines the harness appends (a module of functions)
    dest: str = ""  # where the script is written in the run folder (default: its file name)
    companions: tuple[str, ...] = ()  # repository files the script imports or reads, same relative path
    companion_patches: dict[str, dict[str, str]] = field(default_factory=dict)  # repo path -> exact edits
    companion_dest: dict[str, str] = field(default_factory=dict)  # repo path -> where the script finds it
    data: str = ""  # what stands in for data the script downloads
    note: str = ""


DIABETES_AS_ET = (
    "__import__('sklearn.datasets').datasets.load_diabetes(as_frame=True).frame.rename("
    "columns={'target': 'ET'})  # harness: scikit-learn's diabetes for the NASA POWER spreadsheet"
)

PIMA_STANDIN = (
    "def _harness_pima(columns):  # harness: a synthetic frame with the Pima columns (the script downloads them)\n"
    "    import numpy as _np, pandas as _pd\n"
    "    _rng = _np.random.default_rng(0)\n"
    "    _X = _rng.normal(size=(768, 8))\n"
    "    _frame = _pd.DataFrame(_np.abs(_X[:, :8]) * [3, 120, 70, 20, 80, 32, 0.5, 33], columns=columns[:8])\n"
    "    _frame[columns[8]] = (_X[:, 1] + 0.5 * _X[:, 5] + _rng.normal(scale=0.8, size=768) > 0.4).astype(int)\n"
    "    return _frame\n"
)

SCRIPTS: dict[str, Script] = {
    "atikul_basics_samplers_plots": Script(
        "atikul-islam-sajib/Optuna-Tutorial",
        "optuna_basics_yt.ipynb",
        Spec(
            patches={
                "df = pd.read_csv(url, names=columns)": "df = _harness_pima(columns)  # harness: no download",
                "study.optimize(objective, n_trials=50)  # Run 50": "study.optimize(objective, n_trials=6)  # Run 50",
                "study.optimize(objective, n_trials=100)": "study.optimize(objective, n_trials=6)",
                "study.optimize(objective, n_trials=50)\n": "study.optimize(objective, n_trials=5)\n",
            },
            no_show=True,
            timeout=400,
        ),
        notebook=True,
        preamble=PIMA_STANDIN,
        data="a synthetic 768-row frame with the Pima columns (the notebook downloads the CSV)",
        note="notebook: TPESampler / RandomSampler / GridSampler(search_space) on a RandomForest, "
        "RandomForestClassifier(**study.best_trial.params) refits, five plotly plots, trials_dataframe() groupby, "
        "optuna.integration.XGBoostPruningCallback(trial, 'eval-mlogloss') with SuccessiveHalvingPruner, "
        "plot_intermediate_values",
    ),
    "atikul_ml_study_attrs": Script(
        "atikul-islam-sajib/Optuna-Tutorial",
        "ML-Optuna.ipynb",
        Spec(patches={"n_trials=20": "n_trials=5"}),
        notebook=True,
        note="notebook: three TPE studies on iris models, study.directions / study.sampler / study.metric_names / "
        "best_trial.params read as notebook expressions, refits from **study.best_params",
    ),
    "atikul_simple_matplotlib": Script(
        "atikul-islam-sajib/Optuna-Tutorial",
        "Simple-Project.ipynb",
        Spec(patches={"n_trials=50": "n_trials=4"}, no_show=True, timeout=900),
        notebook=True,
        companions=("train.csv", "test.csv"),
        note="notebook: conditional LogisticRegression / AdaBoost / GradientBoosting objective, "
        "optuna.visualization.matplotlib (imported as a module alias) plot_parallel_coordinate, "
        "plot_param_importances, plot_rank, study.best_params['C']",
    ),
    "atikul_dl_torch": Script(
        "atikul-islam-sajib/Optuna-Tutorial",
        "DL-Optuna.ipynb",
        Spec(
            patches={
                "for epoch in range(100):": "for epoch in range(1):  # harness: 100 epochs before the study",
                "n_trials=20": "n_trials=2",
            },
            no_show=True,
            timeout=900,
        ),
        notebook=True,
        data="scikit-learn's digits through session 18's torchvision stand-in (the notebook downloads MNIST)",
        note="notebook: a PyTorch MLP trained for trial.suggest_categorical('epochs', [5, 10, 15]) epochs "
        "(its trial argument is named trails), study.best_trial shown",
    ),
    "francesco_rf_two_objectives_rdb": Script(
        "96francesco/nasa-power-et0-prediction",
        "src/optimization/optimize_rf.py",
        Spec(patches={"pd.read_excel('data/train_set.xlsx')": DIABETES_AS_ET, "n_trials=50": "n_trials=10"}),
        companions=("src/optimization/__init__.py",),
        steps=(("src/optimization/print_best_trials.py", ()),),
        step_patches={
            "'sqlite:////home/francesco/nasa_power_et0_prediction/src/optimization/optimization.db'": "'sqlite:///src/optimization/optimization.db'  # harness: the author's absolute path"  # noqa: E501
        },
        data="scikit-learn's diabetes (target renamed ET) for the NASA POWER spreadsheet",
        note="directions=['minimize', 'maximize'] with TPESampler(seed) and a MedianPruner, "
        "RDBStorage(url=sqlite) under src/, load_if_exists, gc_after_trial, an objective returning "
        "(float('inf'), 0) on failure; then a second script: load_study + best_trials values / params "
        "(its absolute SQLite path made relative)",
    ),
    "francesco_svr_two_objectives_rdb": Script(
        "96francesco/nasa-power-et0-prediction",
        "src/models/svm/optimize_svm.py",
        Spec(patches={"pd.read_excel('data/train_set.xlsx')": DIABETES_AS_ET, "n_trials=50": "n_trials=10"}),
        companions=("src/optimization/__init__.py",),
        data="scikit-learn's diabetes (target renamed ET) for the NASA POWER spreadsheet",
        note="the SVR twin: kernel / gamma categoricals, two objectives, the same SQLite file",
    ),
    "wallis_sklearn_directions": Script(
        "Wallis16/optuna_",
        "studies/optuna_sklearn.py",
        companions=(
            "objectives/random_forest_regressor.py",
            "objectives/random_forest_regressor_multi_parameters.py",
            "keys/random_forest_regressor_keys.py",
        ),
        dest="optuna_sklearn.py",
        epilogue=(
            "\n# harness: main.py feeds these with a MongoDB extract; a driver on scikit-learn's diabetes\n"
            "if __name__ == '__main__':\n"
            "    from sklearn.datasets import load_diabetes as _ld\n"
            "    _X, _y = _ld(return_X_y=True, as_frame=True)\n"
            "    print('multi:', sklearn_model_acc_time(_X, _y, ['maximize', 'minimize'], 8))\n"
            "    print('single:', sklearn_model(_X, _y, ['maximize'], 8))\n"
        ),
        note="directions=['maximize', 'minimize'] (R^2 and wall time) with best_trials and values[0], "
        "then directions=['maximize'] with best_trial.value, a lambda objective, suggest_int(log=True)",
    ),
    "hyperforge_classification": Script(
        "AlfonsoGuisado/optuna_tuner",
        "examples/ejemplo_clasificacion.py",
        Spec(patches={"n_trials=50": "n_trials=5"}, timeout=400),
        companions=(
            "hyperforge/__init__.py",
            "hyperforge/callbacks.py",
            "hyperforge/metrics.py",
            "hyperforge/tuner.py",
            "hyperforge/models/__init__.py",
            "hyperforge/models/builder.py",
            "hyperforge/models/classifiers.py",
            "hyperforge/models/regressors.py",
            "hyperforge/assets/metrics.json",
            "hyperforge/assets/search_spaces.json",
        ),
        note="a small tuning package: create_study(load_if_exists=True) then optimize(n_trials=1) in a loop "
        "until enough COMPLETE trials, catch=(Exception,), a callback class printing study.best_value, "
        "logging.set_verbosity(WARNING), refit from best_params (RandomForest, 3 classes)",
    ),
    "hyperforge_regression": Script(
        "AlfonsoGuisado/optuna_tuner",
        "examples/ejemplo_regresion.py",
        Spec(patches={"n_trials=50": "n_trials=5"}, timeout=400),
        companions=(
            "hyperforge/__init__.py",
            "hyperforge/callbacks.py",
            "hyperforge/metrics.py",
            "hyperforge/tuner.py",
            "hyperforge/models/__init__.py",
            "hyperforge/models/builder.py",
            "hyperforge/models/classifiers.py",
            "hyperforge/models/regressors.py",
            "hyperforge/assets/metrics.json",
            "hyperforge/assets/search_spaces.json",
        ),
        note="the same package on XGBoost regression (neg_rmse, direction from a JSON metric table)",
    ),
    "aishwarya_digits_dataframe": Script(
        "aishwaryaboharupi/tuning.learn",
        "optuna_tuning.py",
        Spec(patches={"n_trials=20": "n_trials=8"}, no_show=True),
        steps=(("optuna_visualize.py", ()),),
        note="digits RandomForest, pd.DataFrame(study.trials_dataframe()).to_csv, then a second script plots "
        "the CSV's value column with seaborn",
    ),
    "lukagrbcic_rf_n_jobs": Script(
        "lukagrbcic/AutoTandemML",
        "optuna_example.py",
        Spec(patches={"n_trials=100": "n_trials=12"}),
        rev="3bf25466d20e",
        note="TPESampler(seed=42) with optimize(n_jobs=-1) on an iris RandomForest",
    ),
    "alzavo_journal_none_objective": Script(
        "alzavo/langlab-kaariku-seminar-optuna-tutorial",
        "main.py",
        Spec(patches={"n_trials=30": "n_trials=6"}),
        note="JournalStorage(journal.JournalFileBackend(...)), TPESampler(multivariate=True), HyperbandPruner, "
        "load_if_exists; a stub objective that returns None (every trial fails, the study goes on)",
    ),
    "michelsen_lgbm_cv_pruning": Script(
        "ChristianMichelsen/HyperParameterOptimizationPresentation",
        "optuna_example.py",
        Spec(
            patches={
                "lgb_data_train = ...": "lgb_data_train = __import__('lightgbm').Dataset("
                "*__import__('sklearn.datasets').datasets.load_breast_cancer(return_X_y=True))"
                "  # harness: the author's placeholder",
                "n_trials=100": "n_trials=5",
            }
        ),
        data="scikit-learn's breast_cancer for the author's `...` placeholder",
        note="LightGBMPruningCallback(trial, 'auc') in lgb.cv with LightGBM 3 keywords (early_stopping_rounds, "
        "verbose_eval), MedianPruner(n_warmup_steps=50), show_progress_bar=True, trial.set_user_attr",
    ),
    "timcreer_xgb_callback_frame": Script(
        "timcreer1/Covid_Ventilator_Prediction_XGBoost",
        "optuna_utils.py",
        rev="c789c5159bba",
        companions=("model_utils.py",),
        dest="optuna_utils_tc.py",
        epilogue=(
            "\n# harness: notebook 04 drives these on a private COVID table; a driver on breast_cancer\n"
            "if __name__ == '__main__':\n"
            "    from sklearn.datasets import load_breast_cancer as _lbc\n"
            "    _d = _lbc(as_frame=True)\n"
            "    _X, _y = _d.data.iloc[:, :8], _d.target\n"
            "    _obj = make_xgb_objective(_X, _y, use_smote=False, seed=0,\n"
            "                              space=XGBSearchSpace(n_estimators=(20, 60)))\n"
            "    _storage = make_sqlite_storage('out/optuna_study.db')\n"
            "    _study = create_study('xgb_cv', sampler=optuna.samplers.TPESampler(seed=0), storage=_storage)\n"
            "    _study.optimize(_obj, n_trials=6, callbacks=[progress_callback(6)])\n"
            "    print(study_to_frame(_study).head())\n"
            "    print(best_params(_study))\n"
            "    save_study_csv(_study, 'out/optuna_trials.csv')\n"
        ),
        note="a helper module: a progress callback reading study.best_trial / best_value, "
        "study.direction == optuna.study.StudyDirection.MAXIMIZE, trials_dataframe(attrs=(..., 'user_attrs')), "
        "trial.set_user_attr, a create_study wrapper on SQLite with load_if_exists",
    ),
    "ayush_nsga2_fairness": Script(
        "AyushCodez/German_Credit_Multi_Objective",
        "optuna-solver.ipynb",
        Spec(
            patches={"count_alpha = 30": "count_alpha = 2", "trials_per_alpha = 100": "trials_per_alpha = 6"},
            no_show=True,
            timeout=400,
        ),
        notebook=True,
        companions=("data/german_credit_data_cleaned.csv",),
        note="notebook: one seeded NSGAIISampler shared by a sequence of directions=['maximize', 'minimize'] "
        "studies (accuracy, demographic parity), xgb.train with a custom objective inside, set_user_attr of a "
        "dict, best_trials scanned by values and user_attrs['params']",
    ),
    "infoadam_samplers_pruners": Script(
        "InfoAdam1998/Hyperparameter-Optimization-Notes",
        "Optuna.ipynb",
        Spec(
            patches={
                "n_trials=20": "n_trials=5",
                "n_trials=30": "n_trials=5",
                "n_trials=50": "n_trials=5",
                "study.optimize(objective)  # Perform optimization using grid sampling": "study.optimize(objective, n_trials=5)  # Perform optimization using grid sampling",  # noqa: E501
            },
            no_show=True,
            timeout=900,
        ),
        notebook=True,
        preamble=(
            "# harness: these notes never load data; the names their cells use, on breast_cancer\n"
            "import numpy as np\n"
            "import xgboost as xgb\n"
            "from sklearn.datasets import load_breast_cancer as _lbc\n"
            "from sklearn.metrics import accuracy_score\n"
            "from sklearn.model_selection import cross_val_score, train_test_split as _tts\n"
            "X_train, X_test, y_train, y_test = _tts(*_lbc(return_X_y=True), test_size=0.25, random_state=0)\n"
            "dtrain, dtest = xgb.DMatrix(X_train, label=y_train), xgb.DMatrix(X_test, label=y_test)\n"
        ),
        data="scikit-learn's breast_cancer for the X_train / dtrain names the notes use and never define",
        note="notebook: RandomSampler, TPESampler(n_startup_trials=10), CmaEsSampler() on a space with a "
        "categorical, GridSampler over 36 points, a conditional three-model objective, trials_dataframe groupby, "
        "optuna.visualization.matplotlib history / contour / slice with params the study does not have, "
        "XGBoostPruningCallback with SuccessiveHalvingPruner and HyperbandPruner",
    ),
    "pouya_samplers_keras": Script(
        "pouyaardehkhani/ParameterOptimization",
        "Optuna.ipynb",
        Spec(
            patches={
                "n_trials=20": "n_trials=5",
                "study.optimize(objective)\n": "study.optimize(objective, n_trials=5)\n",
            },
            no_show=True,
            timeout=900,
        ),
        notebook=True,
        note="notebook: Random / TPE / CmaEs / GridSampler (36 points) on breast_cancer, a three-model objective; "
        "then Keras CNNs on MNIST with SQLite studies, load_study and plot_edf([study, study2]) (TensorFlow is "
        "not installed here)",
    ),
    "swapnil_iris_n_jobs": Script(
        "swapnilin/Optuna-for-hyperparameter-tuning",
        "Optuna.ipynb",
        Spec(patches={"n_trials=100": "n_trials=10", "n_trials=50": "n_trials=8"}, no_show=True, timeout=400),
        notebook=True,
        note="notebook: a quadratic, an iris RandomForest with cross_val_score(n_jobs=-1), a four-model objective, "
        "plotly history / parallel / slice / importances, trials_dataframe",
    ),
    "fialho_torch_sqlite_reload": Script(
        "fialhocoelho/optuna-tutorial",
        "opt_tutorial_2.ipynb",
        Spec(
            patches={
                "n_trials=20": "n_trials=5",
                "EPOCHS = 10": "EPOCHS = 3",
                'DEVICE = torch.device("cuda:1")': 'DEVICE = torch.device("cpu")  # harness: CPU for its second GPU',
            },
            no_show=True,
            timeout=600,
        ),
        notebook=True,
        steps=(("optuna_tutorial.ipynb", ()), ("opt_tutorial_3.ipynb", ())),
        data="scikit-learn's digits through session 18's torchvision stand-in (the notebook downloads FashionMNIST)",
        note="notebooks: a PyTorch MLP with report / should_prune / TrialPruned into a SQLite study with "
        "load_if_exists, get_trials(deepcopy=False, states=[...]); then two notebooks reopen it with "
        "create_study(load_if_exists=True): best_trial, plot_edf, plot_intermediate_values, "
        "plot_param_importances(evaluator=MeanDecreaseImpurityImportanceEvaluator()), plot_contour / plot_slice "
        "with params",
    ),
    "lucy_make_classification": Script(
        "Lucypothesis/Optuna",
        "optuna.ipynb",
        Spec(patches={"n_trials=100": "n_trials=10"}, no_show=True),
        notebook=True,
        dest="optuna_notebook.py",  # as optuna.py it would shadow the package
        note="notebook: a RandomForest on make_classification, plotly importances / slice / parallel / history, "
        "RandomForestClassifier(**study.best_params) saved with joblib",
    ),
    "izam_timeline_sqlite": Script(
        "izam-mohammed/ML-Tools",
        "Optuna/Optuna.ipynb",
        Spec(patches={"n_trials=100": "n_trials=8", "n_trials=300": "n_trials=10"}, no_show=True),
        notebook=True,
        note="notebook: iris RandomForest / SVC studies, plot_contour(params), plot_timeline, "
        "plot_param_importances of an earlier study, create_study(storage=sqlite, study_name) then "
        "load_study and optimize again on the first object",
    ),
    "onkar_breast_cancer_grid": Script(
        "Onkar-Ai/ml-hyperparameter-tuning-optuna-",
        "optuna.ipynb",
        Spec(patches={"n_trials=50": "n_trials=6", "n_trials=100": "n_trials=8"}, no_show=True, timeout=900),
        notebook=True,
        dest="optuna_notebook.py",  # as optuna.py it would shadow the package
        note="notebook: TPE / Random / GridSampler(16 points) on breast_cancer, best_trial.params copied and "
        "cast before a refit, five plotly plots, a two-model objective with int(suggest_float)",
    ),
    "youai_user_attr_array": Script(
        "YouAITube/hyperparameter_search",
        "optuna.ipynb",
        Spec(
            patches={
                "heart_data = pd.read_csv(url, names=columns)": "heart_data = _harness_cleveland(columns)  # harness: no download"  # noqa: E501
            },
            no_show=True,
        ),
        notebook=True,
        dest="optuna_notebook.py",  # as optuna.py it would shadow the package
        preamble=(
            "display = print  # harness: IPython's display builtin of a notebook\n"
            "def _harness_cleveland(columns):  # harness: a synthetic frame shaped like UCI's Cleveland table\n"
            "    import numpy as _np, pandas as _pd\n"
            "    _rng = _np.random.default_rng(0)\n"
            "    _frame = _pd.DataFrame(_rng.integers(0, 4, size=(303, 13)).astype(float), columns=columns[:13])\n"
            "    _frame['ca'] = _pd.Series([str(v) if i % 50 else '?'"
            " for i, v in enumerate(_rng.integers(0, 4, size=303))],"
            " dtype=object)\n"
            "    _frame['thal'] = _pd.Series([str(v) for v in _rng.choice([3.0, 6.0, 7.0], size=303)], dtype=object)\n"
            "    _frame[columns[13]] = (_frame['age'] + _frame['cp'] + _rng.normal(size=303) > 3).astype(int) * 2\n"
            "    return _frame\n"
        ),
        data="a synthetic 303-row frame with the Cleveland columns ('ca' / 'thal' as object columns of text with '?', "
        "as pandas < 3 reads UCI's file) for the UCI download; IPython's display as print",
        note="notebook: trial.set_user_attr('score', <numpy array of CV scores>), study.trials[6].user_attrs, a "
        "Cyrillic parameter name 'С', plot_contour(result, ['С', 'degree']), a ColumnTransformer / "
        "PolynomialFeatures / liblinear pipeline refit from best_params",
    ),
}


def mirror(repo: str) -> str:
    base = pathlib.Path(MIRRORS) / repo.replace("/", "+") / "repo"
    return str(base / ".git") if (base / ".git").is_dir() else str(base)


def git(repo: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", mirror(repo), *args], capture_output=True, text=True, check=True).stdout


def commit_of(script: Script) -> str:
    return git(script.repo, "rev-list", "-1", script.rev, "--", script.path).strip()


def notebook_source(text: str) -> str:
    """A notebook's code cells, in order, as one script; shell and magic lines commented out."""
    cells = []
    for cell in json.loads(text)["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [
            "# harness (notebook shell/magic line): " + line if re.match(r"^\s*[!%]", line) else line
            for line in source.splitlines()
        ]
        cells.append("\n".join(lines))
    return "\n\n# %% (next notebook cell)\n".join(cells) + "\n"


def source_of(script: Script, path: str) -> str:
    text = git(script.repo, "show", f"{script.rev}:{path}")
    return notebook_source(text) if path.endswith(".ipynb") else text


def prepared(
    script: Script,
    path: str,
    mode: str,
    patches: dict[str, str] | None = None,
    optional: dict[str, str] | None = None,
    no_show: bool = False,
    extra: str = "",
    no_prologue: bool = False,
) -> str:
    source = source_of(script, path)
    for old, new in (patches or {}).items():
        if old not in source:
            raise KeyError(f"{script.repo}:{path}: patch text {old!r} not found")
        source = source.replace(old, new)
    for old, new in (optional or {}).items():
        source = source.replace(old, new)
    source += extra
    prologue = script.preamble + s20.WRITE_IMAGE_STANDIN + (s18.NO_SHOW if no_show else "")
    if mode == "tunewise":
        source, prologue = s20.as_tunewise(source), s18.BLOCK_OPTUNA + prologue
    return source if no_prologue else s20.with_preamble(source, prologue)


def run_one(name: str, script: Script, mode: str, args: argparse.Namespace) -> dict[str, object]:
    work = pathlib.Path(args.work).resolve()
    here = work / mode / name
    if here.exists():
        subprocess.run(["rm", "-rf", str(here)], check=True)
    here.mkdir(parents=True)
    spec = script.spec
    for companion in script.companions:
        target = here / script.companion_dest.get(companion, companion)
        target.parent.mkdir(parents=True, exist_ok=True)
        if companion.endswith(".py"):
            text = prepared(script, companion, mode, script.companion_patches.get(companion), no_prologue=True)
        else:
            text = git(script.repo, "show", f"{script.rev}:{companion}")
        target.write_text(text)
    first = prepared(script, script.path, mode, spec.patches, spec.optional, spec.no_show, script.epilogue)
    name_of_first = script.dest or pathlib.Path(script.path).with_suffix(".py").name
    runs = [(name_of_first, tuple(spec.args), first)]
    for path, step_args in script.steps:
        runs.append((path, step_args, prepared(script, path, mode, script.step_patches, None, spec.no_show)))
    path_entries = (
        args.tunewise_src and os.path.abspath(args.tunewise_src),
        str(work / "standins"),
        args.extra and os.path.abspath(args.extra),
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(p for p in path_entries if p),
        MPLBACKEND="Agg",
        WANDB_MODE="offline",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        PYTHONWARNINGS="ignore",
    )
    env.update(spec.env)
    start = time.monotonic()
    rc, err_all, out_all = 0, "", ""
    for i, (path, step_args, text) in enumerate(runs):
        script_name = pathlib.Path(path).with_suffix(".py").name
        file = here / (script_name if i == 0 else f"step{i}_{script_name}")
        file.write_text(text)
        try:
            proc = subprocess.run(
                ["nice", "-n", "5", args.python, file.name, *step_args],
                cwd=here,
                env=env,
                capture_output=True,
                text=True,
                timeout=spec.timeout,
            )
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc, out, err = -9, str(exc.stdout or ""), str(exc.stderr or "") + f"\nTimeout: over {spec.timeout} s"
        out_all += f"=== step {i}: {file.name}\n{out}"
        err_all += f"=== step {i}: {file.name}\n{err}"
        if rc != 0:
            break
    (here / "stdout.txt").write_text(out_all)
    (here / "stderr.txt").write_text(err_all)
    return {
        "ok": rc == 0,
        "rc": rc,
        "seconds": round(time.monotonic() - start, 1),
        "error": "" if rc == 0 else s18.last_error(err_all),
    }


def manifest() -> str:
    lines = [
        "| script | repository | path | commit | licence | data stand-in | exercises |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, script in SCRIPTS.items():
        lines.append(
            f"| {name} | {script.repo} | {script.path} | {commit_of(script)[:12]} | {licence(script)} | "
            f"{script.data or '-'} | {script.note} |"
        )
    return "\n".join(lines) + "\n"


def licence(script: Script) -> str:
    names = git(script.repo, "ls-tree", "--name-only", script.rev).split()
    found = [n for n in names if n.lower().startswith(("license", "licence", "copying"))]
    if not found:
        return "none in repository"
    head = git(script.repo, "show", f"{script.rev}:{found[0]}").strip().splitlines()
    return head[0].strip() if head else found[0]


def report(paths: list[str], causes: dict[str, str]) -> str:
    runs = [json.loads(pathlib.Path(p).read_text()) for p in paths]
    heads = ["Optuna 5.1", "tunewise before", "tunewise after"][: len(runs)]
    modes = ["optuna", "tunewise", "tunewise"][: len(runs)]

    def cell(entry: dict[str, object], mode: str) -> str:
        result = entry.get(mode)
        if not isinstance(result, dict):
            return "not run"
        if result["ok"]:
            return f"ok ({result['seconds']} s)"
        return "FAIL: " + str(result["error"]).replace("|", "\\|")[:110]

    names = [n for n in SCRIPTS if n in runs[0]]
    counts = [0] * len(runs)
    lines = [
        "| script | source (repo@commit:path) | " + " | ".join(heads) + " | cause / note |",
        "|---|---|" + "---|" * len(runs) + "---|",
    ]
    for name in names:
        entries = [r.get(name) or {} for r in runs]
        cells = [cell(e, m) for e, m in zip(entries, modes)]
        for i, c in enumerate(cells):
            counts[i] += c.startswith("ok")
        lines.append(f"| {name} | `{entries[0].get('source', '')}` | {' | '.join(cells)} | {causes.get(name, '')} |")
    head = f"{len(names)} scripts. Ran: " + ", ".join(f"{h} {c}/{len(names)}" for h, c in zip(heads, counts)) + "."
    return head + "\n\n" + "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default="/tmp/optuna_wild4/run")
    parser.add_argument("--extra", default="", help="pip --target folder with packages the venv lacks")
    parser.add_argument("--mode", choices=("optuna", "tunewise", "both"), default="both")
    parser.add_argument("--only", default="", help="run the scripts whose name contains this text")
    parser.add_argument("--out", default="", help="merge the results into this JSON file")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--tunewise-src", default="", help="a src/ folder whose tunewise is imported instead")
    parser.add_argument("--report", nargs="+", metavar="JSON", help="Optuna, before[, after] result files")
    parser.add_argument("--causes", default="", help="JSON file: script name -> root cause / note")
    parser.add_argument("--manifest", action="store_true", help="print the manifest table (no run)")
    parser.add_argument("--resume", action="store_true", help="keep the results --out already has")
    args = parser.parse_args()
    if args.manifest:
        print(manifest())
        return
    if args.report:
        causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
        print(report(args.report, causes))
        return
    s18.write_standins(pathlib.Path(args.work) / "standins")
    results: dict[str, object] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())
    results["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    modes = ("optuna", "tunewise") if args.mode == "both" else (args.mode,)
    for name, script in SCRIPTS.items():
        if args.only and not any(part and part in name for part in args.only.split(",")):
            continue
        entry = dict(results.get(name) or {})  # type: ignore[call-overload]
        entry["source"] = f"{script.repo}@{commit_of(script)[:12]}:{script.path}"
        for mode in modes:
            if args.resume and mode in entry:
                continue
            try:
                entry[mode] = result = run_one(name, script, mode, args)
            except (KeyError, subprocess.CalledProcessError) as exc:  # a manifest error: report it, go on
                print(f"{name:36s} {mode:9s} HARNESS ERROR {exc}", flush=True)
                continue
            status = "ok " if result["ok"] else "FAIL"
            print(f"{name:36s} {mode:9s} {status} {result['seconds']:6.1f}s {result['error']}", flush=True)
        results[name] = entry
        if args.out:
            pathlib.Path(args.out).write_text(json.dumps(results, indent=1, sort_keys=True))
    counts = {m: sum(1 for v in results.values() if isinstance(v, dict) and v.get(m, {}).get("ok")) for m in modes}
    print(", ".join(f"{n} ok under {m}" for m, n in counts.items()))


if __name__ == "__main__":
    main()
