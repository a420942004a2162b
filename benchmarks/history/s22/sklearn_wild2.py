"""A second batch of third-party search scripts (none from s21's manifest) under scikit-learn and tunewise.

The machinery is s21's (``../s21/sklearn_wild.py``, itself on s19's recorder and judge): each script is read
from a bare mirror of its repository at a pinned commit, the edits listed per script are applied in both
modes, and it runs in a subprocess (``nice``, a time limit, ``MPLBACKEND=Agg``, no sockets to other hosts):

- ``--mode sklearn``: as written (the oracle);
- ``--mode tunewise``: scikit-learn's four searches imported from the module that builds ``SearchCV`` as
  docs/migrating/scikit-learn.md says, and, for scripts written against Optuna's ``OptunaSearchCV``, Optuna
  swapped for tunewise as docs/migrating-from-optuna.md says (``import tunewise as optuna``,
  ``from optuna.x import`` -> ``from tunewise.x import``).

Two additions to s21's harness: Optuna's ``OptunaSearchCV`` (``optuna_integration``, installed for the
oracle with ``pip install --no-deps --target EXTRA optuna-integration``) is recorded after each ``fit`` like
scikit-learn's searches (its ``best_*`` are properties, read with ``getattr``), and compared as a random
search is (keys, types, shapes; it has no seed in these scripts).

    .venv/bin/python benchmarks/history/s22/sklearn_wild2.py --manifest
    .venv/bin/python benchmarks/history/s22/sklearn_wild2.py --mode sklearn --extra-path /tmp/s22sk/extra \
        --work /tmp/s22sk/ws --out /tmp/s22sk/sklearn.json [--only NAME]
    .venv/bin/python benchmarks/history/s22/sklearn_wild2.py --mode tunewise --tunewise-src /tmp/s22sk/before_src \
        --extra-path /tmp/s22sk/extra --work /tmp/s22sk/wb --reuse-sklearn /tmp/s22sk/sklearn.json \
        --out /tmp/s22sk/before.json
    .venv/bin/python benchmarks/history/s22/sklearn_wild2.py --report sklearn.json before.json after.json \
        --causes causes.json --summary summary.json

Every other option is s21's (``--merge``, ``--as-again``, ``--judge-only``, ``--no-rerun``, ``--resume``).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import sys
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s21"))
import sklearn_wild as s21  # noqa: E402

s19 = s21.s19
Script = s21.Script

# Optuna's OptunaSearchCV recorded as scikit-learn's searches are (its best_* are properties, not in
# __dict__); the tunewise class of the same name is a SearchCV and is recorded by s19's wrapper.
OPTUNA_RECORDER = r'''
_summarize_sklearn = summarize


def summarize(search, X):
    if type(search).__name__ != "OptunaSearchCV":
        return _summarize_sklearn(search, X)
    out = {"class": "OptunaSearchCV", "kind": "OptunaSearchCV"}
    for attr in ("best_params_", "best_index_", "best_score_", "n_splits_"):
        try:
            v = getattr(search, attr)
        except Exception:  # noqa: BLE001 - absent
            continue
        out[attr] = {k: _val(x) for k, x in v.items()} if isinstance(v, dict) else _val(v)
        out[attr + ":type"] = ({k: type(x).__name__ for k, x in v.items()} if isinstance(v, dict)
                               else type(v).__name__)
    out["has_refit_time_"] = hasattr(search, "refit_time_")
    best = getattr(search, "best_estimator_", None)
    if best is not None:
        out["best_estimator_"] = _repr(best)
    return out


if os.environ.get("TW_GALLERY_MODE") == "sklearn":
    try:
        from optuna_integration.sklearn import OptunaSearchCV as _OptunaSearchCV
        _wrap(_OptunaSearchCV)
    except ImportError:
        pass
else:
    # tunewise's OptunaSearchCV runs a SearchCV inside its fit: the outer search is recorded, not the inner one.
    from tunewise.integration import OptunaSearchCV as _TwOptunaSearchCV
    _inside_optuna = [0]
    _record_any = _record

    def _record(search, X):
        if not _inside_optuna[0]:
            _record_any(search, X)

    _tw_optuna_fit = _TwOptunaSearchCV.fit

    def _optuna_fit(self, X, *args, **kwargs):
        _inside_optuna[0] += 1
        try:
            result = _tw_optuna_fit(self, X, *args, **kwargs)
        finally:
            _inside_optuna[0] -= 1
        _record(self, X)
        return result

    _TwOptunaSearchCV.fit = _optuna_fit
'''
s19.RUNNER = s19.RUNNER.replace("\nscript = sys.argv[1]\n", OPTUNA_RECORDER + "\nscript = sys.argv[1]\n")

_OPTUNA_IMPORT = re.compile(r"^(\s*)import optuna\b(?!\.)(?! as)", re.M)
_OPTUNA_FROM = re.compile(r"^(\s*)from optuna(\.|\s+import)", re.M)


def as_tunewise(source: str) -> str:
    """s21's swap of scikit-learn's searches, then Optuna's names pointed at tunewise (the migration guide's
    ``import tunewise as optuna``)."""
    out = s21.as_tunewise(source)
    out = _OPTUNA_IMPORT.sub(r"\1import tunewise as optuna  # tunewise swap", out)
    return _OPTUNA_FROM.sub(r"\1from tunewise\2", out)


def run(name: str, script: Any, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """s21's run, with this module's swap applied to the staged script before s19 adds its own."""
    staged = s21.stage(name, script, args)
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
    source = staged.read_text()
    if mode == "tunewise" and as_tunewise(source) != s19.swap_imports(source, "_tw_gallery_dropin"):
        staged = staged.parent / ("_q_" + staged.name)
        staged.write_text(as_tunewise(source))
    extra = os.pathsep.join(p for p in (args.tunewise_src if mode == "tunewise" else "", args.extra_path) if p)
    proc = s19.run_one(staged, mode, work, script.timeout, extra)
    return s19.finish_all({mode: proc})[mode]


s21.run = run

IW = "iwillbeaprogramer/Study"
DJ = "dongjaeseo/Study"
CALIFORNIA_OFFLINE = ("make_regression(n_samples=20640, n_features=8, random_state=1234)  # harness: the "
                      "script's own fallback for fetch_california_housing (no network)")
WHITEGRID = "plt.style.use('seaborn-v0_8-whitegrid')  # harness: matplotlib 3.6 renamed the seaborn styles"

SCRIPTS: dict[str, Script] = {
    # iwillbeaprogramer/Study and dongjaeseo/Study: two more students' copies of the course s21's skanwngud
    # scripts come from (own edits, own grids); kept to the scripts whose searches end in minutes.
    "iw_grid_svc_list": Script(
        IW, "ML/m12_gridSearch1.py", unseeded="KFold(shuffle=True) without random_state",
        note="GridSearchCV(SVC, list of 3 grids, KFold(shuffle)), best_estimator_, score"),
    "iw_random_rf_cancer": Script(
        IW, "ML/m13_randomSearch_2_cancer.py", unseeded="RandomForestClassifier() and RandomizedSearchCV unseeded",
        note="RandomizedSearchCV(RF, list of grids), datetime timing"),
    "iw_pipe_grid_iris": Script(
        IW, "ML/m15_pipeline_gridSearch_0.py", unseeded="KFold(shuffle=True) without random_state",
        note="GridSearchCV(Pipeline(scaler, SVC), model__ grid)"),
    "iw_nested_cv": Script(
        IW, "ML/m17_nested_cv.py", unseeded="KFold(shuffle=True) without random_state",
        note="cross_val_score(GridSearchCV(SVC)) nested"),
    "iw_xgb_pipe_grid_cancer": Script(
        IW, "ML/m26_XGB_GridSearch2_cancer.py", unseeded="KFold(shuffle=True) without random_state",
        skip="timed out at 600 s under scikit-learn itself (load 11-15 on the shared machine)",
        note="GridSearchCV(Pipeline(MinMaxScaler, XGBClassifier), list of grids)"),
    "iw_xgb_random_iris": Script(
        IW, "ML/m27_XGB_RandomSearch1_iris.py", unseeded="RandomizedSearchCV without random_state",
        skip="the script does not parse (SyntaxError: ':' expected after dictionary key): it exercises nothing",
        note="RandomizedSearchCV(XGBClassifier)"),
    "dj_grid_svc": Script(
        DJ, "ml/m12_GridSearch.py", unseeded="KFold(shuffle=True) without random_state",
        note="GridSearchCV(SVC, list of grids), best_estimator_, accuracy_score"),
    "dj_random_rf_wine": Script(
        DJ, "ml/m13_RandomSearch_3_wine.py", unseeded="RandomForestClassifier() and RandomizedSearchCV unseeded",
        note="RandomizedSearchCV(RF, list of grids)"),
    "dj_pipe_random_iris": Script(
        DJ, "ml/m15_pipeline_GridSearch.py", unseeded="RandomForestClassifier() and RandomizedSearchCV unseeded",
        skip="reads ../data/csv/iris_sklearn.csv, a file the repository does not hold at this commit",
        note="RandomizedSearchCV(Pipeline, cv=5)"),
    "dj_nested_pipe_random": Script(
        DJ, "ml/m18_nested_cv_pipeline_homework.py", unseeded="KFold(shuffle=True), RF, RandomizedSearchCV unseeded",
        skip="timed out at 600 s under scikit-learn itself (at load 14-18 on the shared machine)",
        note="cross_val_score(RandomizedSearchCV(make_pipeline(MinMaxScaler, RF))) nested; a search inside "
        "make_pipeline"),
    "dj_xgb_random_cancer": Script(
        DJ, "ml/m27_XGB_RandomSearch2_cancer.py", unseeded="RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(XGBClassifier, cv=5), score"),
    "dj_xgb_sfm_diabetes": Script(
        DJ, "ml/m43_SFM_diabetes.py", unseeded="RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(XGBRegressor) refitted per SelectFromModel threshold, "
        "best_estimator_.feature_importances_"),
    # library examples
    "xgb_sklearn_examples": Script(
        "dmlc/xgboost", "demo/guide-python/sklearn_examples.py",
        patches={"fetch_california_housing(return_X_y=True)": CALIFORNIA_OFFLINE},
        note="GridSearchCV(XGBRegressor, verbose=1), pickle.dump/load of the fitted search, predict on both; "
        "data: the script's own make_regression fallback"),
    "xgb_sklearn_parallel": Script(
        "dmlc/xgboost", "demo/guide-python/sklearn_parallel.py",
        patches={"fetch_california_housing(return_X_y=True)": CALIFORNIA_OFFLINE},
        note="GridSearchCV(XGBRegressor(n_jobs=cores//2), n_jobs=2, verbose=1) under __main__"),
    "lgbm_sklearn_example": Script(
        "microsoft/LightGBM", "examples/python-guide/sklearn_example.py",
        companions=("examples/regression/regression.train", "examples/regression/regression.test"),
        patches={'Path(__file__).absolute().parents[1] / "regression"': 'Path(__file__).absolute().parent  '
                 '# harness: the data files sit next to the script'},
        note="GridSearchCV(LGBMRegressor) after early-stopped fits (eval_X/eval_y), best_params_"),
    "optuna_search_cv_simple": Script(
        "optuna/optuna-examples", "sklearn/sklearn_optuna_search_cv_simple.py",
        unseeded="OptunaSearchCV without random_state (its sampler draws differ in any two runs)",
        note="optuna.integration.OptunaSearchCV(SVC, FloatDistribution log / IntDistribution, n_trials=100, "
        "timeout=600, verbose=2), study_.best_trial"),
    "optuna_terminator_search_cv": Script(
        "optuna/optuna-examples", "terminator/terminator_search_cv.py",
        unseeded="OptunaSearchCV without random_state (its sampler draws differ in any two runs)",
        note="OptunaSearchCV with callbacks=[TerminatorCallback()]"),
    "varun_grid_joblib": Script(
        "varunkumarsood/MLOPS_ASSIGNMENT1", "m3/gridsearch.py", unseeded="RandomForestClassifier() unseeded",
        note="GridSearchCV(RF, scoring='accuracy'), joblib.dump(best_estimator_)"),
    "jakevdp_hyperparameters_nb": Script(
        "jakevdp/PythonDataScienceHandbook", "notebooks/05.03-Hyperparameters-and-Model-Validation.ipynb",
        patches={"plt.style.use('seaborn-whitegrid')": WHITEGRID},
        note="notebook: GridSearchCV(PolynomialRegression pipeline defined as a function, cv=7), best_params_, "
        "predict"),
    "jakevdp_kde_nb": Script(
        "jakevdp/PythonDataScienceHandbook", "notebooks/05.13-Kernel-Density-Estimation.ipynb",
        patches={"plt.style.use('seaborn-whitegrid')": WHITEGRID},
        note="notebook: GridSearchCV(KernelDensity, cv=LeaveOneOut()) fitted without y (unsupervised score), "
        "a custom KDEClassifier (BaseEstimator, ClassifierMixin) searched on digits, cv_results_ plot"),
    "justmarkham_grid_nb": Script(
        "justmarkham/scikit-learn-videos", "08_grid_search.ipynb",
        note="notebook: GridSearchCV(KNN, dict(n_neighbors, weights), cv=10), pd.DataFrame(cv_results_)[cols], "
        "grid.predict, RandomizedSearchCV(n_iter=10, random_state=5) and a loop of 20 of them"),
    "skorch_basic_usage_nb": Script(
        "skorch-dev/skorch", "notebooks/Basic_Usage.ipynb", unseeded="torch weights initialised without a seed",
        note="notebook: GridSearchCV(skorch NeuralNetClassifier, refit=False, scoring='accuracy', verbose=2, "
        "module__ grid), best_score_/best_params_ after refit=False"),
    "handson2_end_to_end_nb": Script(
        "ageron/handson-ml2", "02_end_to_end_machine_learning_project.ipynb", timeout=1200,
        skip="timed out at 1200 s under scikit-learn itself (its RandomForestRegressor grid and random searches over "
        "16,512 rows, at load 14-18 on the shared machine)",
        companions=("datasets/housing/housing.tgz",),
        patches={
            'HOUSING_PATH = os.path.join("datasets", "housing")': 'HOUSING_PATH = "."  # harness: the repository\'s '
            'housing.tgz sits next to the script',
            "    urllib.request.urlretrieve(housing_url, tgz_path)": "    pass  # harness: no download",
            "urllib.request.urlretrieve(url, os.path.join(images_path, filename))":
                "plt.imsave(os.path.join(images_path, filename), np.zeros((4, 4, 3)))  # harness: a blank map, "
                "no download",
            "from scipy.stats import geom, expon": "raise SystemExit(0)  # harness: the exercises from here on "
            "(SVR grids over 16,512 rows) run for hours",
            "corr_matrix = housing.corr()": "corr_matrix = housing.corr(numeric_only=True)  # harness: pandas 2 "
            "refuses the text column",
            "OneHotEncoder(sparse=False)": "OneHotEncoder(sparse_output=False)",  # scikit-learn 1.2 renamed it
        },
        note="notebook: GridSearchCV / RandomizedSearchCV over a RandomForestRegressor after a ColumnTransformer, "
        "neg_mean_squared_error, return_train_score, cv_results_ loop, feature_importances_; a search over a "
        "full ColumnTransformer pipeline with prepare__ parameters"),
}


def main() -> None:
    s21.SCRIPTS = SCRIPTS
    s21.main()


if __name__ == "__main__":
    main()
