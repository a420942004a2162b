"""A fourth batch of third-party search scripts (none from s21's, s22's or s23's manifest) under scikit-learn and
tunewise (session 25).

The machinery is s23's (``../s23/sklearn_wild3.py``, on s22's and s21's harness and s19's recorder and judge): each
script is read from a mirror of its repository at a pinned commit, the edits listed per script are applied in both
modes (here: only data downloads replaced by the data set scikit-learn ships), and it runs in a subprocess (``nice``,
a time limit, ``MPLBACKEND=Agg``, no sockets to other hosts); ``--mode sklearn`` runs it as written (the oracle),
``--mode tunewise`` with scikit-learn's four searches imported from the module that builds ``SearchCV`` as
docs/migrating/scikit-learn.md says.

    H=benchmarks/history/s25/sklearn_wild4.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode sklearn --extra-path /tmp/s25/extra --work /tmp/s25/sk/ws --no-rerun \
        --out /tmp/s25/sk/sklearn.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s25/before/src --extra-path /tmp/s25/extra \
        --work /tmp/s25/sk/wb --no-rerun --reuse-sklearn /tmp/s25/sk/sklearn.json --out /tmp/s25/sk/before.json
    .venv/bin/python $H --report sklearn.json before.json after.json --causes sklearn_wild4_causes.json \
        --summary sklearn_wild4_summary.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s23"))
import sklearn_wild3 as s23  # noqa: E402

s21 = s23.s21
Script = s21.Script

YANN = "yanncauchepin/MachineLearningTables"
ONLY = "onlydj96/study"
# UCI's wdbc.data (a download, then the author's local copy) is scikit-learn's breast cancer set: the same 569 rows,
# id and 'M'/'B' diagnosis in columns 0 and 1, the 30 features in 2..31 (both modes).
WDBC_YANN = {
    "df_wdbc = pd.read_csv(\n    'https://archive.ics.uci.edu/ml/'\n    'machine-learning-databases'\n"
    "    '/breast-cancer-wisconsin/wdbc.data',\n    header=None)":
    "from sklearn.datasets import load_breast_cancer as _lbc  # harness: UCI's wdbc.data is this data set\n"
    "_bc = _lbc()\n"
    "df_wdbc = pd.concat([pd.DataFrame({0: np.arange(len(_bc.target)), 1: np.where(_bc.target == 0, 'M', 'B')}),\n"
    "                     pd.DataFrame(_bc.data, columns=range(2, 32))], axis=1)",
    "df_wdbc = pd.read_csv(dataset_path, header=None)": "pass  # harness: the author's local copy is the same data",
}

SCRIPTS: dict[str, Script] = {
    # yanncauchepin/MachineLearningTables: one person's notes after Raschka's book, on the Wisconsin breast cancer data
    "yann_grid_random_halving": Script(
        YANN, "examples/HyperparameterOptimizationSearch_Scikitlearn.py", patches=WDBC_YANN,
        note="GridSearchCV(make_pipeline(StandardScaler, SVC)) over a list of two grids (linear / rbf), refit=True, "
        "n_jobs=-1; RandomizedSearchCV over a list of two dicts of scipy.stats.loguniform (n_iter=20, cv=10, "
        "random_state=1); HalvingRandomSearchCV(n_candidates='exhaust', factor=1.5, random_state=1, n_jobs=-1); "
        "best_estimator_ refit by hand, score"),
    "yann_nested_halving": Script(
        YANN, "examples/NestedCrossValidation_Scikitlearn.py", patches=WDBC_YANN,
        note="cross_val_score(GridSearchCV(pipeline, list of two grids, cv=2), cv=5) nested, the same for a tree "
        "over max_depth with None, then fit, RandomizedSearchCV(loguniform) and HalvingRandomSearchCV(factor=1.5)"),
    "yann_f1_pos_label": Script(
        YANN, "examples/PerformanceMetrics_Scikitlearn.py", patches=WDBC_YANN,
        note="GridSearchCV(pipeline, list of two grids, scoring=make_scorer(f1_score, pos_label=0), cv=10), "
        "best_score_ / best_params_"),
    "yann_majority_vote": Script(
        YANN, "examples/majority_vote_classifier.py",
        note="GridSearchCV over a hand-written MajorityVoteClassifier (BaseEstimator + ClassifierMixin, "
        "get_params(deep=True) naming 'pipeline-1__clf__C' and 'decisiontreeclassifier__max_depth'), "
        "scoring='roc_auc', cv=10, a loop over cv_results_['params'] printing mean/std"),
    # borovikv/ds: Introduction to ML with Python, chapters 5 and 6, typed out
    "borovikv_ch5_nested": Script(
        "borovikv/ds", "src/Introduction_to_Machine_Learning_with_Python/ch5_score_model/cross_validation.py",
        note="GridSearchCV(SVC, cv=5) on an iris split, nested cross_val_score(GridSearchCV) on all of iris"),
    "borovikv_ch6_pipe": Script(
        "borovikv/ds", "src/Introduction_to_Machine_Learning_with_Python/ch6_pipe/pipe.py",
        note="GridSearchCV(Pipeline(MinMaxScaler, SVC), svm__C x svm__gamma, cv=5).fit(...) chained, the rest of "
        "the chapter's pipelines"),
    # sivaneshl/python_data_analysis: Applied Machine Learning in Python (Coursera), week 3
    "sivaneshl_auc_decision": Script(
        "sivaneshl/python_data_analysis", "applied_machine_learning/evaluation/grid_search_example.py",
        note="GridSearchCV(SVC(rbf)) over gamma on digits (one class vs rest), default scoring then "
        "scoring='roc_auc', decision_function of the fitted search, roc_auc_score"),
    # chiangwyz/MachineLearning: notes in Chinese
    "chiangwyz_rf_kfold_shuffle": Script(
        "chiangwyz/MachineLearning", "scikit-learn/评估方法/022搜索超参数.py",
        unseeded="KFold(5, shuffle=True) and RandomForestClassifier() without random_state",
        note="GridSearchCV(RF, cv=KFold(5, shuffle=True), scoring='accuracy') on 10 breast-cancer columns with "
        "flipped labels"),
    # onlydj96/study: a Korean bootcamp's ml/ scripts (iris, breast cancer, wine, diabetes)
    "onlydj_grid_svc_iris": Script(
        ONLY, "ml/m07_gridSearch1.py",
        note="GridSearchCV(SVC, list of three grids (C/kernel/degree, gamma), cv=KFold(5, shuffle, 66), verbose=1, "
        "refit=True, n_jobs=1), best_estimator_, best_params_, best_score_, score, predict"),
    "onlydj_halving_svc_iris": Script(
        ONLY, "ml/m09_HalvingGridSearch1.py",
        unseeded="HalvingGridSearchCV without random_state: the samples of each iteration are drawn unseeded",
        note="HalvingGridSearchCV(SVC, the same list of grids, cv=KFold(shuffle, 66), verbose=1), best_*, score"),
    "onlydj_grid_rf_njobs_grid": Script(
        ONLY, "ml/m07_gridSearch4_cancer.py", timeout=1200,
        unseeded="RandomForestClassifier() without random_state",
        note="GridSearchCV(RF, a list of five grids, one of them over n_jobs [-1, 2, 4], cv=KFold(shuffle, 66), "
        "verbose=1), best_estimator_, score"),
    "onlydj_random_rf_wine": Script(
        ONLY, "ml/m08_randomSearch5_wine.py", timeout=1200,
        unseeded="RandomForestClassifier() without random_state, RandomizedSearchCV without random_state",
        note="RandomizedSearchCV(RF, a list of five grids, n_iter=20, cv=StratifiedKFold(shuffle, 66), verbose=1)"),
    "onlydj_halving_rf_cancer": Script(
        ONLY, "ml/m09_HalvingGridSearch4_cancer.py", timeout=1200,
        unseeded="RandomForestClassifier() and HalvingGridSearchCV without random_state",
        note="HalvingGridSearchCV(RF, a list of five grids with n_jobs values, cv=StratifiedKFold(shuffle, 66))"),
    "onlydj_halving_rf_diabetes": Script(
        ONLY, "ml/m09_HalvingGridSearch8_diabetes.py", timeout=1200,
        unseeded="RandomForestRegressor() and HalvingGridSearchCV without random_state",
        note="HalvingGridSearchCV(RandomForestRegressor, a list of five grids, cv=KFold(shuffle, 66)), regression "
        "(r2), best_estimator_, score"),
    "onlydj_pipe_grid_wine": Script(
        ONLY, "ml/m12_pipeline_GridSearch3_wine.py", timeout=1200,
        unseeded="RandomForestClassifier() without random_state in the pipeline",
        note="GridSearchCV(Pipeline(MinMaxScaler, RF), a list of three rf__ grids, cv=5, verbose=1)"),
}


def main() -> None:
    s23.SCRIPTS.clear()
    s23.SCRIPTS.update(SCRIPTS)
    s23.main()


if __name__ == "__main__":
    main()
