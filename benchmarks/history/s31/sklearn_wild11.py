"""An eleventh batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s31).

Session 27's harness (``../s27/sklearn_wild7.py``, with session 28's notebook reader, ``../s28/sklearn_wild8.py``), as
sessions 29 and 30 used it, loaded unchanged with this batch's ``SCRIPTS``, from three repositories named in no file
under ``benchmarks/history`` or ``docs/`` for these paths (checked with ``grep -rliF``; ``iwillbeaprogramer/Study``'s
other files were batch 2's). Where a script loads a data set scikit-learn no longer ships (``load_boston``) or
downloads one (``fetch_openml('titanic')``), a patch swaps in one of similar shape (``load_diabetes``: 442 x 10
regression for Boston's 506 x 13; the Kaggle titanic CSV another script of this batch ships, renamed to OpenML's
column names). Grids of 128-320 RandomForest / XGBoost points are cut for a shared 2-core machine; every edit is
the same in both modes and listed per script.

    H=benchmarks/history/s31/sklearn_wild11.py
    P=/work/venvs/compat30/bin/python
    $P $H --manifest
    $P $H --mode oracle --work /tmp/compat31/sk --out /tmp/compat31/sk_oracle.json
    $P $H --mode tunewise --tunewise-src /tmp/compat31/before/src --work /tmp/compat31/sk \
        --out /tmp/compat31/sk_before.json
    $P $H --report /tmp/compat31/sk_oracle.json /tmp/compat31/sk_before.json [/tmp/compat31/sk_after.json]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("sklearn_wild8", HERE.parent / "s28" / "sklearn_wild8.py")
assert _spec is not None and _spec.loader is not None
S28 = importlib.util.module_from_spec(_spec)
sys.modules["sklearn_wild8"] = S28
_spec.loader.exec_module(S28)
S27 = S28.S27
Script = S27.Script

ST = "iwillbeaprogramer/Study"
ST_REV = "3bfe571da5bbfc545b994e5878e217f9306bde14"
VT = "vishaltyagicoding/MachineLearning"
VT_REV = "ee9578faa2b6a051eb30b0fed9b464966a7f1b31"
JT = "jtpgames/Automated-Estimator-Pipeline"
JT_REV = "2782c257240e411296f4e36db9a56848a9ae5116"

RF_GRID = (
    "{'model__n_estimators':[100,200,300,400],'model__max_depth':[6,8,10,12],'model__min_samples_leaf':[3,5,7,10],"
    "'model__min_samples_split':[2,3,5,7,10],'model__n_jobs':[-1]}"
)
RF_GRID_CUT = (
    "{'model__n_estimators':[10,20],'model__max_depth':[6,8],'model__min_samples_leaf':[3],"
    "'model__min_samples_split':[2],'model__n_jobs':[-1]}  # harness: 320-point grid cut to 4"
)
RF_FLAT = (
    "{'n_estimators':[100,200],'max_depth':[6,8,10,12],'min_samples_leaf':[3,5,7,10],'min_samples_split':[2,3,5,10],"
    "'n_jobs':[-1]}"
)
RF_FLAT_CUT = (
    "{'n_estimators':[10,20],'max_depth':[6,8,10],'min_samples_leaf':[3,5],'min_samples_split':[2],"
    "'n_jobs':[-1]}  # harness: 128-point grid cut to 12"
)
XGB_GRID = (
    '{"model__n_estimators":[100,200,300],"model__learning_rate":[0.3,0.1,0.01,0.001],"model__max_depth":[4,5,6,],'
    '"model__colsample_bytree":[0.6,0.9,1.2],"model__colsample_bylevel":[0.6,0.7,0.8,0.9],}'
)
XGB_GRID_CUT = (
    '{"model__n_estimators":[20],"model__learning_rate":[0.3,0.1],"model__max_depth":[4,],'
    '"model__colsample_bytree":[0.9,1.2],"model__colsample_bylevel":[0.6],}  # harness: 432 points cut to 4, '
    "the invalid colsample_bytree=1.2 kept"
)
BOSTON = (
    "from sklearn.datasets import load_diabetes as load_boston  # harness: load_boston left scikit-learn in 1.2; "
    "diabetes (442 x 10 regression) stands in"
)
TITANIC_OPENML = (
    "def _harness_titanic(*a, **k):  # harness: fetch_openml('titanic') downloads; the Kaggle titanic CSV of\n"
    "    import pandas as _pd  # vishaltyagicoding/MachineLearning (day38) with OpenML's column names stands in\n"
    "    import io as _io, subprocess as _sp\n"
    "    _csv = _sp.run(['git', '--git-dir', '/work/.mirror/vishaltyagicoding+MachineLearning/repo', 'show',\n"
    "                    'ee9578faa2b6a051eb30b0fed9b464966a7f1b31:day38-missing-indicator/train.csv'],\n"
    "                   capture_output=True, text=True, check=True).stdout\n"
    "    _f = _pd.read_csv(_io.StringIO(_csv)).rename(columns=str.lower)\n"
    "    _X = _f[['pclass', 'sex', 'age', 'sibsp', 'parch', 'fare', 'embarked']].copy()\n"
    "    _X['sex'] = _X['sex'].astype('category'); _X['embarked'] = _X['embarked'].astype('category')\n"
    "    _y = _f['survived'].astype(str).astype('category').rename('survived')\n"
    "    return _X, _y\n"
    "X, y = _harness_titanic()\n"
)

SCRIPTS = {
    "vishal_titanic_imputer_strategy_grid": Script(
        VT,
        "day38-missing-indicator/automatically-select-imputer-paramet.py",
        VT_REV,
        companions=("day38-missing-indicator/train.csv",),
        note="GridSearchCV(Pipeline(ColumnTransformer(num: Pipeline(SimpleImputer, StandardScaler), cat: "
        "Pipeline(SimpleImputer, OneHotEncoder(handle_unknown='ignore'))), LogisticRegression), "
        "{'preprocessor__num__imputer__strategy', 'preprocessor__cat__imputer__strategy', 'classifier__C'}, cv=10) "
        "on Kaggle's titanic CSV (in the repository): nested step parameters three levels deep",
    ),
    "jtp_titanic_tree_scoring_list_refit_r2": Script(
        JT,
        "src/dt_grid_search_simple_test.py",
        JT_REV,
        companions=(),
        patches={
            'X, y = fetch_openml("titanic", version=1, as_frame=True, return_X_y=True)\n': TITANIC_OPENML,
        },
        note="GridSearchCV(Pipeline(ColumnTransformer(num: imputer + scaler on age/fare, cat: OneHotEncoder on "
        "embarked/sex/pclass), DecisionTreeClassifier), dict(criterion, max_depth), n_jobs=-1, verbose=1, "
        "scoring=['r2', 'neg_root_mean_squared_error'], refit='r2') on a classifier whose labels are category "
        "strings: regression scorers on string labels",
    ),
    "study_nested_cv_pipeline_rf_diabetes": Script(
        ST,
        "ML/m18_nested_cv_pipeline_homework1.py",
        ST_REV,
        patches={RF_GRID: RF_GRID_CUT},
        random="KFold(shuffle=True) without a seed",
        note="cross_val_score(GridSearchCV(Pipeline(scaler, RandomForestRegressor), [one-dict list], cv=KFold(5, "
        "shuffle=True)), x, y, cv=kfold) in a loop over MinMaxScaler / StandardScaler: the search is cloned and "
        "fitted inside another cross-validation (nested CV)",
    ),
    "study_nested_cv_pipeline_rf_wine": Script(
        ST,
        "ML/m18_nested_cv_pipeline_homework2.py",
        ST_REV,
        patches={RF_GRID: RF_GRID_CUT},
        random="KFold(shuffle=True) without a seed",
        note="the same nested CV with RandomForestClassifier on wine",
    ),
    "study_pipeline_grid_rf_iris_scalers": Script(
        ST,
        "ML/m16_pipeline_gridSearch_1_iris.py",
        ST_REV,
        patches={RF_GRID: RF_GRID_CUT},
        random="train_test_split and KFold(shuffle=True) without a seed",
        note="GridSearchCV(Pipeline(scaler, RandomForestClassifier), [one-dict list], cv=KFold) in a loop over "
        "scaler classes, best_estimator_ printed, score(x_test)",
    ),
    "study_grid_rf_boston_standin": Script(
        ST,
        "ML/m12_gridSearch2_4_boston.py",
        ST_REV,
        patches={"from sklearn.datasets import load_boston": BOSTON, RF_FLAT: RF_FLAT_CUT},
        random="train_test_split and KFold(shuffle=True) without a seed",
        note="GridSearchCV(RandomForestRegressor(), [one-dict list], cv=KFold(10, shuffle=True), verbose=True), "
        "best_estimator_, predict, score",
    ),
    "study_random_rf_diabetes": Script(
        ST,
        "ML/m13_randomSearch_5.diabetes.py",
        ST_REV,
        patches={RF_FLAT: RF_FLAT_CUT},
        random="RandomizedSearchCV without random_state; unseeded splits",
        note="RandomizedSearchCV(RandomForestRegressor(), [one-dict list], cv=KFold(10, shuffle=True)) with the "
        "default n_iter=10 over a 12-point list of dicts, best_estimator_, predict, score",
    ),
    "study_xgb_grid_diabetes_nameerror": Script(
        ST,
        "ML/m26_XGB_GridSearch5_diabetes.py",
        ST_REV,
        note="as written: XGBClassifier is used but only XGBRegressor imported, so the script stops with NameError "
        "before the search (the same under both)",
    ),
    "study_xgb_random_wine_bad_colsample": Script(
        ST,
        "ML/m27_XGB_RandomSearch3_wine.py",
        ST_REV,
        patches={XGB_GRID: XGB_GRID_CUT.replace("[20]", "[20,40]")},
        random="RandomizedSearchCV without random_state; unseeded splits",
        note="RandomizedSearchCV(Pipeline(MinMaxScaler, XGBClassifier), [one-dict list] with colsample_bytree=1.2 "
        "(XGBoost rejects it: those fits fail, error_score=nan, FitFailedWarning), cv=KFold(5, shuffle=True)), "
        "score(x_test)",
    ),
    "study_all_in_one_pca_xgb_grid": Script(
        ST,
        "ML/all_in_one.py",
        ST_REV,
        patches={"from sklearn.datasets import load_boston": BOSTON, XGB_GRID: XGB_GRID_CUT},
        random="train_test_split and KFold(shuffle=True) without a seed",
        note="PCA to 99% variance, GridSearchCV(Pipeline(MinMaxScaler, PCA(n_components=d), XGBRegressor), [one-dict "
        "list] with the invalid colsample_bytree=1.2 (half the fits fail), cv=KFold(5, shuffle=True)), score",
    ),
}
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

if __name__ == "__main__":
    S27.main()
