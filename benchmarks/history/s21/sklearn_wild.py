"""Run third-party scikit-learn search scripts (not from scikit-learn's repository) under scikit-learn and tunewise.

The scripts were found in public GitHub repositories with the code search of the search tool; the
manifest (``SCRIPTS`` below, ``--manifest``, and sklearn_wild.md) names each one's repository, path and
commit. Each is read from a bare mirror of its repository (``--mirrors``: one ``owner+name/repo`` git
directory per repository, as the search tool's ``fetch`` leaves them), never committed here, and run in a
subprocess under ``nice -n 5`` with a time limit, headless (``MPLBACKEND=Agg``), with sockets to other hosts
refused:

- ``--mode sklearn``: as written (the oracle);
- ``--mode tunewise``: with ``GridSearchCV`` / ``RandomizedSearchCV`` / ``HalvingGridSearchCV`` /
  ``HalvingRandomSearchCV`` imported from a module that builds ``tunewise.integrations.sklearn.SearchCV``
  as docs/migrating/scikit-learn.md tells a user to switch (``SearchCV(est, param_grid=...)``,
  ``SearchCV(est, param_distributions=..., n_iter=...)``, ``strategy="halving"`` for the Halving ones,
  every other argument as given), and qualified uses (``model_selection.GridSearchCV(``) pointed at the
  same names. ``--tunewise-src`` puts another checkout's ``src/`` first on the path (the "before" run).

The edits that make a script run here apply to both modes and touch no search call, with one kind of
exception said per script: a data set shipped with scikit-learn where the script downloads or reads a file
(the same kind of data: breast cancer for UCI's wdbc, which it is, diabetes for the removed Boston set, ...),
an earlier notebook cell's definitions (a preamble), plots not shown, and where a script's own search would
run for many minutes, a smaller ``n_iter`` / fewer estimators in both modes.

What is compared comes from s19's gallery harness (``../s19/sklearn_gallery.py``, imported): after every
``fit`` of a search the child writes a summary (``best_params_``, ``best_index_``, ``best_score_`` and their
types, every ``cv_results_`` column's type, dtype, shape and values, the refitted estimator and its
predictions); a grid search must give the very same values as scikit-learn's, a random or halving one the
same keys, types, dtypes and shapes; the script's output is compared with times and addresses masked, and a
difference scikit-learn shows against a second run of itself is not held against tunewise.

    .venv/bin/python benchmarks/history/s21/sklearn_wild.py --manifest
    .venv/bin/python benchmarks/history/s21/sklearn_wild.py --mode sklearn --out /tmp/sk_wild/sklearn.json
    .venv/bin/python benchmarks/history/s21/sklearn_wild.py --mode tunewise --reuse-sklearn /tmp/sk_wild/sklearn.json \
        [--tunewise-src /tmp/tw_before/src] --out /tmp/sk_wild/after.json [--only NAME]
    .venv/bin/python benchmarks/history/s21/sklearn_wild.py --report SKLEARN.json BEFORE.json AFTER.json \
        [--causes causes.json] [--json summary.json]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "s19"))
import sklearn_gallery as s19  # noqa: E402

MIRRORS = "/work/.mirror"
SEARCHES = s19.SEARCHES


@dataclass
class Script:
    repo: str  # owner/name on GitHub
    path: str  # the file in the repository (.py, or .ipynb: its code cells are joined)
    rev: str = "HEAD"
    patches: dict[str, str] = field(default_factory=dict)  # exact text -> replacement, both modes
    preamble: str = ""  # put before the script (a notebook fragment's earlier cells, a stand-in)
    companions: tuple[str, ...] = ()  # files of the same repository the script imports (repo paths)
    timeout: float = 600  # seconds, per run (the machine is shared: times vary with its load)
    skip: str = ""  # why it is not run
    # Why the script's results change from run to run under scikit-learn too (an estimator or a shuffled KFold
    # without random_state): its grid searches are then compared as random ones are (keys, types, dtypes,
    # shapes), not value for value.
    unseeded: str = ""
    note: str = ""  # what it exercises; data substituted


# ---- data stand-ins (no network at run time) ------------------------------------------------------------
WDBC = (
    "from sklearn.datasets import load_breast_cancer as _lbc  # harness: UCI's wdbc.data is this data set\n"
    "import numpy as _np, pandas as _pd\n"
    "_bc = _lbc()\n"
    "df = _pd.concat([_pd.DataFrame({0: _np.arange(len(_bc.target)), 1: _np.where(_bc.target == 0, 'M', 'B')}),\n"
    "                 _pd.DataFrame(_bc.data, columns=range(2, 32))], axis=1)"
)
WINE_UCI = (
    "from sklearn.datasets import load_wine as _lw  # harness: UCI's wine.data is this data set\n"
    "import numpy as _np, pandas as _pd\n"
    "_w = _lw()\n"
    "df_wine = _pd.DataFrame(_np.column_stack([_w.target + 1, _w.data]))"
)
# smgpulse007/ML_Templates' search templates assume a classifier pipeline with a "model" step, the data and
# sample weights from earlier cells; the stand-in: breast cancer, StandardScaler + XGBClassifier, balanced weights.
TEMPLATE_CELLS = (
    "# harness: the earlier cells the template assumes\n"
    "from sklearn.datasets import load_breast_cancer\n"
    "from sklearn.model_selection import train_test_split\n"
    "from sklearn.pipeline import Pipeline\n"
    "from sklearn.preprocessing import StandardScaler\n"
    "from sklearn.utils.class_weight import compute_sample_weight\n"
    "from sklearn.metrics import classification_report\n"
    "from xgboost import XGBClassifier\n"
    "X, y = load_breast_cancer(return_X_y=True)\n"
    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)\n"
    "clf = Pipeline([('scaler', StandardScaler()), ('model', XGBClassifier(random_state=0, n_jobs=1))])\n"
    "sample_weights = compute_sample_weight('balanced', y_train)\n"
)
# CreateCodeLearn's workshop reads UCI adult from a local file: a synthetic binary table of the same width
# (100 numeric columns, 3000 rows) with the notebook's "income" column.
ADULT_LIKE = (
    "from sklearn.datasets import make_classification as _mc  # harness: a synthetic stand-in for UCI adult\n"
    "_X, _y = _mc(n_samples=3000, n_features=100, n_informative=20, random_state=0)\n"
    "data = pd.DataFrame(_X, columns=[f'f{i}' for i in range(100)])\n"
    "data['income'] = np.where(_y == 1, ' >50K', ' <=50K')"
)
BOSTON_AS_DIABETES = "load_diabetes  # harness: diabetes for the removed Boston set\n"

SCRIPTS: dict[str, Script] = {
    # HeshamAsem/Sklearn: a course's scripts (iris, SVR, KNN)
    "hesham_grid_svc_df": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.1.3.py",
        note="GridSearchCV(SVC, tuple-valued grid), cv_results_ to a DataFrame with column selection, best_*"),
    "hesham_grid_knn_plot": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.1.4.py",
        note="GridSearchCV(KNN, n_neighbors 1..30, scoring='accuracy', return_train_score=False), plot of "
        "mean_test_score"),
    "hesham_grid_svr_kr": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.1.5.py",
        note="two GridSearchCV (SVR, KernelRidge) with np.logspace values, best_estimator_.support_, predict"),
    "hesham_grid_knn_two": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.1.6.py",
        note="GridSearchCV(KNN, two parameters, cv=10)"),
    "hesham_random_knn": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.2.3.py",
        note="RandomizedSearchCV over lists (n_iter=10, random_state=5): draws without replacement"),
    "hesham_random_logreg": Script(
        "HeshamAsem/Sklearn", "3.2_Grid_Search/3.2.2.4.py",
        note="RandomizedSearchCV(LogisticRegression, uniform C, penalty l1/l2) n_iter=100 n_jobs=-1: l1 fits fail "
        "(lbfgs), FitFailedWarning, best_estimator_.get_params()"),
    "hesham_pipeline_iid": Script(
        "HeshamAsem/Sklearn", "3.3_Pipeline/3.3.5.py",
        note="GridSearchCV(pipe, grid, iid=False): an argument scikit-learn removed in 0.24 (TypeError expected in "
        "both)"),
    # skanwngud/Python: a study repository's ml/ scripts
    "skan_grid_rf_listgrid": Script(
        "skanwngud/Python", "AI/ml/m12_gridSearch2_2_cancer.py",
        unseeded="RandomForestClassifier() without random_state",
        note="GridSearchCV(RF, list of 7 one-parameter grids, some invalid: max_features='auto', "
        "min_weight_fraction_leaf=3), KFold(shuffle, seed), warnings ignored, score()"),
    "skan_random_rf_listgrid": Script(
        "skanwngud/Python", "AI/ml/m13_randomSearch2_3_wine.py",
        unseeded="RandomForestClassifier() without random_state",
        note="RandomizedSearchCV over a list of dicts of lists, no random_state, failing candidates"),
    "skan_pipe_grid_scalers": Script(
        "skanwngud/Python", "AI/ml/m15_pipeline_gridSearch.py",
        unseeded="KFold(shuffle=True) without random_state",
        note="GridSearchCV(Pipeline) in a loop over scalers, list-of-dicts grid with an invalid kernel value"),
    "skan_pipe_rs_and_gs": Script(
        "skanwngud/Python", "AI/ml/m16_pipeline_RS1_iris.py", timeout=1200,
        unseeded="KFold(shuffle=True) and RandomForestClassifier() without random_state",
        note="search classes in a list, called as j(pipe, parameters, cv=kfold): RandomizedSearchCV and GridSearchCV "
        "with one positional dict list"),
    "skan_nested_cv": Script(
        "skanwngud/Python", "AI/ml/m17_nested_cv.py",
        unseeded="KFold(shuffle=True) without random_state",
        note="cross_val_score(GridSearchCV(SVC, list grid), cv=KFold): a search cloned and fitted inside CV"),
    "skan_xgb_grid": Script(
        "skanwngud/Python", "AI/ml/m26_XGB_GridSearch1_iris.py",
        note="GridSearchCV(XGBClassifier, list of 3 grids, a misspelled parameter colsampe_bylevel, repeated values)"),
    "skan_xgb_random": Script(
        "skanwngud/Python", "AI/ml/m27_XGB_RandomSearch5_diabetes.py",
        note="RandomizedSearchCV(XGBRegressor, list of grids), score()"),
    "skan_xgb_sfm": Script(
        "skanwngud/Python", "AI/ml/m43_SelectFromModel2.py",
        patches={"load_boston\n": BOSTON_AS_DIABETES, "load_boston(": "load_diabetes("},
        note="RandomizedSearchCV(XGBRegressor), best_estimator_.feature_importances_ into SelectFromModel; "
        "data: diabetes for Boston"),
    # emattia/sklearn-optimization-examples
    "emattia_dimred_tradeoff": Script(
        "emattia/sklearn-optimization-examples", "sigopt-sklearn-examples/GridSearchCV/dim_reduction_score_tradeoff.py",
        note="refit=callable (best_low_complexity) reading cv_results_, Pipeline(PCA, LinearSVC)"),
    "emattia_skorch_grid": Script(
        "emattia/sklearn-optimization-examples", "sigopt-sklearn-examples/classification/skorch/gridsearch_cv.py",
        rev="6b209eb",  # later commits switch it to SigOptSearchCV (a hosted service)
        unseeded="torch weights initialised without a seed",
        note="GridSearchCV(skorch NeuralNetClassifier, refit=False, scoring='accuracy'), best_params_ after "
        "refit=False"),
    # rasbt/machine-learning-book (MIT)
    "rasbt_ch06": Script(
        "rasbt/machine-learning-book", "ch06/ch06.py",
        patches={
            "df = pd.read_csv('https://archive.ics.uci.edu/ml/'\n                 'machine-learning-databases'\n"
            "                 '/breast-cancer-wisconsin/wdbc.data', header=None)": WDBC,
            "check_packages(d)": "pass  # harness: no version check",
        },
        preamble="import scipy.stats  # harness: the notebook's import cell, lost in the .py export\n",
        companions=("python_environment_check.py",),
        note="GridSearchCV / RandomizedSearchCV(scipy.stats.loguniform) / HalvingRandomSearchCV over a pipeline, "
        "nested cross_val_score, make_scorer(f1_score, pos_label=0); data: breast cancer (= UCI wdbc)"),
    "rasbt_ch07": Script(
        "rasbt/machine-learning-book", "ch07/ch07.py",
        patches={
            "df_wine = pd.read_csv('https://archive.ics.uci.edu/ml/'\n"
            "                      'machine-learning-databases/wine/wine.data',\n"
            "                      header=None)": WINE_UCI,
            "check_packages(d)": "pass  # harness: no version check",
            "(base_estimator=tree,": "(estimator=tree,  # harness: scikit-learn 1.4 renamed base_estimator\n",
        },
        companions=("python_environment_check.py",),
        note="GridSearchCV over a custom MajorityVoteClassifier (get_params(deep) of its own), scoring='roc_auc', "
        "cv_results_ loop; data: wine (= UCI wine)"),
    # junglefire/introduction_to_ml_with_python (the book's code, rewritten)
    "jungle_gridsearch": Script(
        "junglefire/introduction_to_ml_with_python", "chap05/grid_search/gridsearchcv.py",
        note="GridSearchCV(SVC), cv_results_ to DataFrame, reshape of mean_test_score"),
    "jungle_nested_cv": Script(
        "junglefire/introduction_to_ml_with_python", "chap05/grid_search/nested_cv.py",
        note="cross_val_score(GridSearchCV(SVC, list of grids), cv=5)"),
    "jungle_cancer_pl": Script(
        "junglefire/introduction_to_ml_with_python", "chap06/cancer_pl.py",
        patches={"from sklearn.datasets import load_boston\n": "# harness: an unused import of the Boston set\n"},
        unseeded="RandomForestClassifier(n_estimators=100) without random_state as a grid value",
        note="estimators as grid values (classifier: [SVC()], preprocessing: [StandardScaler(), None])"),
    "jungle_create_pl": Script(
        "junglefire/introduction_to_ml_with_python", "chap06/create_pl.py",
        note="make_pipeline step names in the grid, best_estimator_.named_steps"),
    # sivaneshl/python_data_analysis (course assignments)
    "sivaneshl_grid_auc": Script(
        "sivaneshl/python_data_analysis", "applied_machine_learning/evaluation/grid_search_example.py",
        note="GridSearchCV(SVC) with scoring='roc_auc', decision_function on the search"),
    "sivaneshl_optimizing": Script(
        "sivaneshl/python_data_analysis", "applied_machine_learning/evaluation/optimizing_classifier.py",
        skip="imports the repository's plotting helpers (adspy_shared_utilities), which need pydotplus, graphviz "
        "and seaborn, not installed here",
        note="GridSearchCV(SVC) with several scorings in a loop (precision, recall, f1, roc_auc), decision_function"),
    # AutuanLiu/MDeepLearn
    "autuan_kernel_ridge": Script(
        "AutuanLiu/MDeepLearn", "ScikitLearn/KernelRidgeRegression.py",
        note="GridSearchCV(SVR / KernelRidge) timing comparison"),
    "autuan_lgbm_skl": Script(
        "AutuanLiu/MDeepLearn", "boost/LightGBM/regression_skl.py",
        skip="timed out at 600 s under scikit-learn itself, twice (LightGBM's OpenMP threads stall on the shared "
        "machine at load 15-20, even with n_jobs=1 on the searched estimator)",
        patches={"eval_metric='l2', early_stopping_rounds=5)": "eval_metric='l2', callbacks=[__import__('lightgbm')"
                 ".early_stopping(5)])  # harness: LightGBM 4 moved early_stopping_rounds to a callback",
                 "estimator = LGBMRegressor(num_leaves=31)": "estimator = LGBMRegressor(num_leaves=31, n_jobs=1, "
                 "verbose=-1)  # harness: one thread, quiet (LightGBM's OpenMP threads stalled on the shared machine)"},
        note="GridSearchCV(LGBMRegressor) after an early-stopped fit (its callback moved for LightGBM 4, the "
        "only edit)"),
    # blueddie/AI: a course's ml/ scripts (week folders named in Korean)
    "blueddie_grid_svc": Script(
        "blueddie/AI", "ml/1\uc8fc\ucc28/m09_GridSearchCV_01.py",
        note="GridSearchCV(SVC, list of 3 grids, StratifiedKFold, verbose=1, n_jobs=-1), "
        "pd.DataFrame(cv_results_).T printed"),
    "blueddie_halving_grid_svc": Script(
        "blueddie/AI", "ml/2\uc8fc\ucc28/m14_HalvingGridSearch1_\ubd84\ub958.py",
        note="HalvingGridSearchCV(SVC, list of grids given positionally, min_resources=150, factor=3, "
        "random_state=66, verbose=1)"),
    "blueddie_halving_grid_rf_float_factor": Script(
        "blueddie/AI", "ml/2\uc8fc\ucc28/m15_HalvingSearch02_RF_cancer.py",
        patches={"from keras.models import Sequential\n": "", "from keras.layers import Dense\n": "",
                 "from keras.callbacks import EarlyStopping\n": ""},
        unseeded="RandomForestClassifier() without random_state",
        note="HalvingGridSearchCV(RF, 5 grids, factor=3.6 (a float), n_jobs values in the grid); unused keras "
        "imports dropped (both modes)"),
    "blueddie_halving_pipe_digits": Script(
        "blueddie/AI", "ml/2\uc8fc\ucc28/m19_Pipeline_gridSearch13_RF_digits.py",
        unseeded="RandomForestClassifier() without random_state",
        note="HalvingGridSearchCV(RF on digits, factor=3.7, cv=StratifiedKFold), no random_state"),
    "blueddie_halving_random_svc": Script(
        "blueddie/AI", "ml/2\uc8fc\ucc28/m21_HalvingRandomSearchCV_RF.py",
        note="HalvingRandomSearchCV(SVC, list of dicts of lists given positionally, no n_candidates, "
        "min_resources=150, random_state=66)"),
    "blueddie_xgb_random_digits": Script(
        "blueddie/AI", "ml/3\uc8fc\ucc28/m34_xgb02_grid_digits.py",
        patches={"n_iter=20": "n_iter=4"}, timeout=600,
        note="RandomizedSearchCV(XGBClassifier, 11 lists, StratifiedKFold, n_jobs=22, random_state); "
        "n_iter 20 -> 4 in both modes (time)"),
    # smgpulse007/ML_Templates: search templates (notebook fragments)
    "smg_grid_sample_weight": Script(
        "smgpulse007/ML_Templates", "GridSearchCV_ClassImb.py", preamble=TEMPLATE_CELLS,
        note="GridSearchCV(Pipeline, make_scorer(f1_score), n_jobs=-1, verbose=2), "
        "fit(..., model__sample_weight=w): fit params routed to a pipeline step; preamble: breast cancer, "
        "StandardScaler + XGBClassifier"),
    "smg_random_sample_weight": Script(
        "smgpulse007/ML_Templates", "XBGClassifier_RandSearchCV.py", preamble=TEMPLATE_CELLS, timeout=600,
        note="RandomizedSearchCV(Pipeline, lists, n_iter=30, no random_state, make_scorer(f1)), "
        "fit(..., model__sample_weight=w); preamble as above"),
    # CreateCodeLearn/data-science-track: a workshop notebook (code cells joined)
    "createcode_workshop_nb": Script(
        "CreateCodeLearn/data-science-track", "Workshop_Data_Science/Predictive modeling - Hyperparameter Tuning.ipynb",
        patches={
            "data = pd.read_csv(filepath , names=names)\ndata = data.drop('fnlwgt', axis=1)": ADULT_LIKE,
            "from skopt import BayesSearchCV": "raise SystemExit(0)  # harness: skopt is not installed; the rest "
            "is BayesSearchCV",
        },
        unseeded="DecisionTreeClassifier(max_depth=8) without random_state (ties between features)",
        note="notebook: GridSearchCV(scoring='roc_auc', return_train_score=True), a loop over param_max_depth, a plot "
        "helper reading param_<name>, a report over rank_test_score, RandomizedSearchCV(sp_randint) n_iter=36 "
        "twice; data: synthetic stand-in for UCI adult (make_classification, 100 columns); stops before skopt"),
    # lovehyun/tutorial-ai
    "lovehyun_rf_digits_f1": Script(
        "lovehyun/tutorial-ai", "4.model_tuning/4.grid_search/3.digits_data.py", timeout=600,
        note="GridSearchCV(RF on digits, scoring='f1_macro', n_jobs=-1), classification_report of best_estimator_"),
    "lovehyun_pipe_cancer": Script(
        "lovehyun/tutorial-ai", "4.model_tuning/8.pipeline_scaling/4.cancer_data.py",
        note="GridSearchCV(Pipeline(StandardScaler, RF(class_weight='balanced')), f1_macro, n_jobs=-1)"),
    # drunkcoding/model-inference
    "drunkcoding_print_cv_results": Script(
        "drunkcoding/model-inference", "tests/confidence/grid_search.py",
        note="prints the whole cv_results_ dict and sorted(cv_results_.keys())"),
    # yurisa2/ufcl
    "yurisa_rf_random": Script(
        "yurisa2/ufcl", "homolog/paramsearch.py",
        patches={"n_iter=100": "n_iter=20"},
        note="RandomizedSearchCV(RF regressor, lists incl. max_features='auto' which fails now), verbose=2, "
        "n_jobs=-1; n_iter 100 -> 20 in both modes (time)"),
}


# ---- the swap -----------------------------------------------------------------------------------------
QUALIFIED = re.compile(r"\b(?:sklearn\.)?(?:model_selection|ms|sk_ms|skms)\.(" + "|".join(SEARCHES) + r")\b")


def as_tunewise(source: str) -> str:
    """The script with the searches imported from the drop-in module (s19's swap), and qualified uses
    (``model_selection.GridSearchCV``) pointed at the same names."""
    out = s19.swap_imports(source, "_tw_gallery_dropin")
    if QUALIFIED.search(out):
        out = "import _tw_gallery_dropin  # tunewise swap\n" + QUALIFIED.sub(r"_tw_gallery_dropin.\1", out)
    return out


def git_dir(repo: str, mirrors: str) -> str:
    base = pathlib.Path(mirrors) / repo.replace("/", "+") / "repo"
    return str(base / ".git") if (base / ".git").is_dir() else str(base)


def git(repo: str, mirrors: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir(repo, mirrors), *args], capture_output=True, text=True,
                          check=True).stdout


def commit_of(script: Script, mirrors: str) -> str:
    return git(script.repo, mirrors, "rev-list", "-1", script.rev, "--", script.path).strip()


def notebook_code(text: str) -> str:
    """A notebook's code cells, joined; IPython magics and shell lines dropped."""
    cells = json.loads(text)["cells"]
    out = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [ln for ln in src.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def source_of(script: Script, mirrors: str) -> str:
    text = git(script.repo, mirrors, "show", f"{script.rev}:{script.path}")
    if script.path.endswith(".ipynb"):
        text = notebook_code(text)
    for old, new in script.patches.items():
        if old not in text:
            raise ValueError(f"patch not applicable to {script.repo}:{script.path}: {old[:60]!r}")
        text = text.replace(old, new)
    if script.preamble:
        lines = text.splitlines(keepends=True)
        at = max((i + 1 for i, ln in enumerate(lines) if ln.startswith("from __future__")), default=0)
        text = "".join(lines[:at]) + script.preamble + "".join(lines[at:])
    return text


def stage(name: str, script: Script, args: argparse.Namespace) -> pathlib.Path:
    """The patched script (both modes' starting point) and its companions in work/src/<name>/."""
    here = pathlib.Path(args.work) / "src" / name
    here.mkdir(parents=True, exist_ok=True)
    for companion in script.companions:
        files = git(script.repo, args.mirrors, "ls-tree", "-r", "--name-only", script.rev, "--", companion).split()
        top = pathlib.PurePosixPath(companion).parent
        for f in files:  # a file, or every file under a folder (a package the script imports)
            target = here / pathlib.PurePosixPath(f).relative_to(top)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(subprocess.run(["git", "--git-dir", git_dir(script.repo, args.mirrors), "show",
                                               f"{script.rev}:{f}"], capture_output=True, check=True).stdout)
    target = here / pathlib.PurePosixPath(script.path).with_suffix(".py").name
    target.write_text(source_of(script, args.mirrors))
    return target


def run(name: str, script: Script, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    staged = stage(name, script, args)
    work = pathlib.Path(args.work)
    out_dir = work / mode / name
    out_dir.mkdir(parents=True, exist_ok=True)
    for companion in staged.parent.rglob("*"):
        if companion == staged or companion.is_dir():
            continue
        target = out_dir / companion.relative_to(staged.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        if companion.suffix == ".py":
            text = companion.read_text()
            target.write_text(as_tunewise(text) if mode == "tunewise" else text)
        else:
            target.write_bytes(companion.read_bytes())
    # s19.run_one writes work/<mode>/<parent name>/<file>, applies s19's import swap in tunewise mode and
    # starts the child (nice, timeout, recorder, network guard); the qualified-name swap is applied first here.
    source = staged.read_text()
    if mode == "tunewise" and QUALIFIED.search(source):
        staged = staged.parent / ("_q_" + staged.name)
        staged.write_text(as_tunewise(source))
    extra = os.pathsep.join(p for p in (args.tunewise_src if mode == "tunewise" else "", args.extra_path) if p)
    proc = s19.run_one(staged, mode, work, script.timeout, extra)
    return s19.finish_all({mode: proc})[mode]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", default=MIRRORS)
    parser.add_argument("--work", default="/tmp/sk_wild/work")
    parser.add_argument("--mode", choices=("sklearn", "tunewise", "both"), default="both")
    parser.add_argument("--only", action="append", default=[], help="substring of the script's name")
    parser.add_argument("--out", "--json", dest="out", default="", help="results JSON (merged into if it exists)")
    parser.add_argument("--reuse-sklearn", default="", help="a results JSON whose sklearn runs are taken")
    parser.add_argument("--tunewise-src", default="", help="a src/ folder whose tunewise is imported instead")
    parser.add_argument("--extra-path", default="", help="prepended to the children's PYTHONPATH")
    parser.add_argument("--resume", action="store_true", help="skip the scripts --out already has a run of")
    parser.add_argument("--no-rerun", action="store_true", help="judge with the second scikit-learn runs at hand "
                        "only (a difference without one is held against tunewise)")
    parser.add_argument("--judge-only", action="store_true", help="no runs but scikit-learn's reruns: judge the "
                        "tunewise runs --out has against the scikit-learn runs of --reuse-sklearn")
    parser.add_argument("--merge", nargs="+", metavar="JSON", help="merge these results JSONs into --out (no run; "
                        "per script, a later file's runs replace an earlier one's)")
    parser.add_argument("--as-again", nargs="*", default=[], metavar="JSON", help="with --merge: these files' "
                        "scikit-learn runs are merged as the second scikit-learn run (sklearn-again), made ahead in "
                        "parallel instead of by --judge-only one after another")
    parser.add_argument("--manifest", action="store_true", help="print the manifest table (no run)")
    parser.add_argument("--report", nargs="+", metavar="JSON", help="SKLEARN.json BEFORE.json [AFTER.json]: "
                        "the table and counts, no run")
    parser.add_argument("--causes", default="", help="JSON file: script name -> cause / note, for --report")
    parser.add_argument("--summary", default="", help="with --report: write counts and verdicts to this JSON")
    args = parser.parse_args()
    if args.manifest:
        print(manifest(args.mirrors))
        return
    if args.report:
        print(report(args))
        return
    if args.merge:
        merged: dict[str, Any] = {}
        for path in args.merge:
            for name, entry in json.loads(pathlib.Path(path).read_text())["scripts"].items():
                merged.setdefault(name, {}).update(entry)
        for path in args.as_again:
            for name, entry in json.loads(pathlib.Path(path).read_text())["scripts"].items():
                if "sklearn" in entry:
                    merged.setdefault(name, {})["sklearn-again"] = entry["sklearn"]
        write(args.out, merged)
        return
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    (work / "_tw_gallery_dropin.py").write_text(textwrap.dedent(s19.DROPIN))
    (work / "_tw_gallery_runner.py").write_text(s19.RUNNER % {"time_keys": sorted(s19.TIME_KEYS)})
    results: dict[str, Any] = {}
    if args.out and pathlib.Path(args.out).exists():
        results = json.loads(pathlib.Path(args.out).read_text())["scripts"]
    reused = json.loads(pathlib.Path(args.reuse_sklearn).read_text())["scripts"] if args.reuse_sklearn else {}
    modes = ("sklearn", "tunewise") if args.mode == "both" else (args.mode,)
    for name, script in SCRIPTS.items():
        if args.only and not any(o in name for o in args.only):
            continue
        entry: dict[str, Any] = dict(results.get(name) or {})
        if args.resume and all(m in entry for m in modes) or args.judge_only and "tunewise" not in entry:
            continue
        entry["source"] = f"{script.repo}@{commit_of(script, args.mirrors)[:12]}:{script.path}"
        if script.skip:
            entry["skipped"] = script.skip
            results[name] = entry
            print(f"SKIP  {name}: {script.skip}", flush=True)
            continue
        for key in ("sklearn", "sklearn-again"):
            if key in reused.get(name, {}):
                entry[key] = reused[name][key]
        for mode in modes:
            if mode == "sklearn" and "sklearn" in reused.get(name, {}) or args.judge_only:
                continue
            entry[mode] = run(name, script, mode, args)
        for key in ("verdict", "diffs", "sklearn_vs_itself", "diffs_beyond_sklearn_noise"):
            entry.pop(key, None)
        if "sklearn" in entry and "tunewise" in entry:
            if script.unseeded:
                for key in ("sklearn", "tunewise", "sklearn-again"):
                    for fit in entry.get(key, {}).get("fits", []):
                        if not str(fit.get("kind", "")).endswith(")"):
                            fit["kind"] = f"{fit.get('kind')} (unseeded)"
            s19.judge(entry, None if args.no_rerun else
                      lambda name=name, script=script: run(name, script, "sklearn-again", args))
        results[name] = entry
        line = "  ".join(f"{m}={entry[m]['status']}({entry[m]['seconds']}s, {len(entry[m]['fits'])} fits)"
                         for m in ("sklearn", "tunewise") if m in entry)
        print(f"RUN   {name}: {line}  -> {entry.get('verdict', '')}", flush=True)
        for m in ("sklearn", "tunewise"):
            if m in entry and entry[m]["status"] != "ok":
                print(f"      {m}: {entry[m]['error']}", flush=True)
        s19.show(entry)
        if args.out:
            write(args.out, results)
    if args.out:
        write(args.out, results)


def write(path: str, results: dict[str, Any]) -> None:
    import sklearn

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=pathlib.Path(__file__).parent).stdout.strip()
    pathlib.Path(path).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(path).write_text(json.dumps({"sklearn": sklearn.__version__, "harness_commit": commit,
                                              "scripts": results}, indent=1, default=repr))


def manifest(mirrors: str) -> str:
    lines = ["| script | repository | path | commit | exercises / substitutions |", "|---|---|---|---|---|"]
    for name, script in SCRIPTS.items():
        lines.append(f"| {name} | {script.repo} | {script.path} | {commit_of(script, mirrors)[:12]} | "
                     f"{script.skip or script.note} |")
    return "\n".join(lines) + "\n"


def _ok_both_fail(sk: dict[str, Any], tw: dict[str, Any]) -> bool:
    """Both failed with the same exception type (the last line's ``Name:`` prefix)."""
    def kind(e: dict[str, Any]) -> str:
        return str(e.get("error", "")).split(":")[0]
    return sk.get("status") == tw.get("status") == "error" and kind(sk) == kind(tw)


def verdict(entry: dict[str, Any]) -> str:
    """pass: behaves as under scikit-learn (ran, and matched up to scikit-learn's own variation; or failed
    with the same exception type as scikit-learn); else what differs."""
    if "skipped" in entry:
        return "skipped"
    sk, tw = entry.get("sklearn"), entry.get("tunewise")
    if not sk or not tw:
        return "not run"
    if _ok_both_fail(sk, tw):
        return "pass (fails as under scikit-learn)"
    if sk["status"] != "ok":
        return f"scikit-learn {sk['status']}"
    if tw["status"] != "ok":
        return f"FAIL ({tw['status']}): {tw['error'][:160]}"
    if str(entry.get("verdict", "")).startswith("match"):
        return "pass (" + entry["verdict"] + ")"
    left = repeats_aside(entry)
    if not left:
        return "pass (match up to how often a warning repeats)"
    return f"FAIL (differs): {'; '.join(left[:3])[:200]}"


def repeats_aside(entry: dict[str, Any]) -> list[str]:
    """The differences left when an output line that both runs print (or a piece of one) is not held
    against tunewise for being printed a different number of times: a warning raised in every fit shows once
    per fit or once per worker process, depending on how joblib spreads the fits over its workers (and, before
    958d9ed, SearchCV sent the folds of one candidate at a time), not on what the search does."""
    left = entry.get("diffs_beyond_sklearn_noise", entry.get("diffs", []))
    both = (set(s19.normalize_output(entry["sklearn"]["stdout"]))
            & set(s19.normalize_output(entry["tunewise"]["stdout"])))
    # Lines that parallel workers write to the same stderr at once also come out cut and interleaved: a
    # fragment of a line both runs print is the same kind of noise. A traceback's frames (in a
    # FitFailedWarning's details) and the source line Python prints under a warning name each
    # implementation's own files and lines, so they are set aside too (the exception lines are kept).
    def located(text: str) -> bool:
        return (text.startswith('  File "') or text.startswith("    ") or not text.strip(" ^~")
                or text.startswith("  self."))

    # (A diff line holds at most 200 characters of its line: a line both print starts with it.)
    return [d for d in left if not (d.startswith("output ") and (any(d[len("output ") + 2:] in ln for ln in both)
                                                              or located(d[len("output ") + 2:])))]


def report(args: argparse.Namespace) -> str:
    runs = [json.loads(pathlib.Path(p).read_text())["scripts"] for p in args.report]
    causes = json.loads(pathlib.Path(args.causes).read_text()) if args.causes else {}
    sk = runs[0]
    tw_runs = runs[1:] or [runs[0]]
    heads = ["scikit-learn"] + (["tunewise before", "tunewise after"] if len(tw_runs) == 2 else ["tunewise"])
    lines = ["| script | source (repo@commit:path) | " + " | ".join(heads) + " | cause / note |",
             "|---|---|" + "---|" * len(heads) + "---|"]
    counts = {h: 0 for h in heads}
    names = [n for n in SCRIPTS if n in sk]
    summary: dict[str, Any] = {}
    for name in names:
        entry0 = sk[name]
        if "skipped" in entry0 or SCRIPTS[name].skip:
            cells = ["skipped: " + (SCRIPTS[name].skip or entry0["skipped"])] + [""] * (len(heads) - 1)
        else:
            s = entry0.get("sklearn", {})
            cells = [f"ok ({s.get('seconds')} s)" if s.get("status") == "ok" else f"{s.get('status')}: "
                     f"{str(s.get('error', ''))[:80]}"]
            counts[heads[0]] += s.get("status") == "ok"
            for h, run_ in zip(heads[1:], tw_runs):
                v = verdict(run_.get(name, {}))
                counts[h] += v.startswith("pass")
                cells.append(v)
        summary[name] = dict(zip(heads, cells))
        lines.append(f"| {name} | `{entry0.get('source', '')}` | "
                     + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells)
                     + f" | {causes.get(name, '')} |")
    ran = sum(1 for n in names if "skipped" not in sk[n] and not SCRIPTS[n].skip)
    head = (f"{len(names)} scripts, {len(names) - ran} skipped, {ran} run. scikit-learn ran {counts[heads[0]]}/{ran}; "
            + ", ".join(f"{h} behaved as scikit-learn {counts[h]}/{ran}" for h in heads[1:]) + ".")
    if args.summary:
        pathlib.Path(args.summary).write_text(json.dumps({"counts": counts, "ran": ran, "scripts": summary},
                                                         indent=1) + "\n")
    return head + "\n\n" + "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
