"""A fifth batch of third-party search scripts (none from s21-s25's manifests) under scikit-learn and tunewise
(session 26).

The machinery is s25's (``../s25/sklearn_wild4.py``, on s23's, s22's and s21's harness and s19's recorder and
judge): each script is read from a mirror of its repository at a pinned commit, the edits listed per script are
applied in both modes, and it runs in a subprocess (``nice``, a time limit, ``MPLBACKEND=Agg``, no sockets to other
hosts); ``--mode sklearn`` runs it as written (the oracle), ``--mode tunewise`` with scikit-learn's four searches
imported from the module that builds ``SearchCV`` as docs/migrating/scikit-learn.md says.

    H=benchmarks/history/s26/sklearn_wild5.py
    .venv/bin/python $H --manifest
    .venv/bin/python $H --mode sklearn --extra-path /tmp/s25/extra --work /tmp/s26s/ws --no-rerun \
        --out /tmp/s26s/sklearn.json
    .venv/bin/python $H --mode tunewise --tunewise-src /tmp/s26w/before/src --extra-path /tmp/s25/extra \
        --work /tmp/s26s/wb --no-rerun --reuse-sklearn /tmp/s26s/sklearn.json --out /tmp/s26s/before.json
    .venv/bin/python $H --report sklearn.json before.json after.json --causes sklearn_wild5_causes.json \
        --summary sklearn_wild5_summary.json
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "s25"))
import sklearn_wild4 as s25  # noqa: E402

s23 = s25.s23
s21 = s23.s21
Script = s21.Script

DD = "ddong02/ML-with-Pytorch"
DD_REV = "afe9469fe64fd51b3ae35e67f34718b93e93f9c5"
# UCI's wdbc.data (a download) is scikit-learn's breast cancer set: the same 569 rows, id and 'M'/'B' diagnosis in
# columns 0 and 1, the 30 features in 2..31 (both modes), as in session 25.
WDBC_DD = {
    "df = pd.read_csv('https://archive.ics.uci.edu/ml/'\n                'machine-learning-databases'\n"
    "                '/breast-cancer-wisconsin/wdbc.data', header=None)": s21.WDBC,
}
MUY = "Muyiiwaa/ml-made-easy"
TG = "tushargandhi77/Machine-Learning-References"

SCRIPTS: dict[str, Script] = {
    # Brogoming/CryptogramSolver: scikit-learn's own GridSearchCV / RandomizedSearchCV doc examples, typed out
    "brogoming_iris_cv_results": Script(
        "Brogoming/CryptogramSolver", "sklearn/hyperParamTuning.py", rev="fb4d8e4a364645c9b4046906a059a14715d77cd3",
        note="GridSearchCV(SVC, {'kernel': ('linear', 'rbf'), 'C': [1, 10]}) on iris with the whole cv_results_ "
        "printed (a tuple of values in the grid), RandomizedSearchCV(LogisticRegression(saga), dict(C=uniform(0, 4), "
        "penalty=['l2', 'l1']), random_state=0), best_params_"),
    # Abdullahs-git/YoungDevInterns_Machine_Learning_Tasks: an internship task
    "abdullah_wine_random_rf": Script(
        "Abdullahs-git/YoungDevInterns_Machine_Learning_Tasks", "Expert/Task_2/hyperparameter_tuning.py",
        rev="f5682e67ffb7b1152e9d1243a90e5a3c01fe5766",
        note="RandomizedSearchCV(RandomForestClassifier(random_state=42), a dict of lists with None and booleans, "
        "n_iter=20, scoring='accuracy', cv=5, verbose=1, random_state=42, n_jobs=-1) on wine, best_estimator_ "
        "predict, classification_report"),
    # ddong02/ML-with-Pytorch: Raschka's chapter 6, typed out (breast cancer data)
    "ddong_halving_random": Script(
        DD, "chapter6/successive_halving.py", rev=DD_REV, patches=WDBC_DD,
        note="HalvingRandomSearchCV(make_pipeline(StandardScaler, SVC), a list of two dicts of "
        "scipy.stats.loguniform, n_candidates='exhaust', resource='n_samples', factor=1.5, random_state=1, "
        "n_jobs=-1), best_score_, best_params_, best_estimator_.score"),
    "ddong_random_loguniform": Script(
        DD, "chapter6/random_search.py", rev=DD_REV, patches=WDBC_DD,
        note="RandomizedSearchCV(pipeline, a list of two dicts of scipy.stats.loguniform over svc__C / svc__gamma, "
        "scoring='accuracy', refit=True, n_iter=20, cv=10, random_state=1, n_jobs=-1)"),
    "ddong_grid_list": Script(
        DD, "chapter6/grid_search.py", rev=DD_REV, patches=WDBC_DD,
        note="GridSearchCV(pipeline, a list of two grids (linear / rbf), scoring='accuracy', cv=10, refit=True, "
        "n_jobs=-1), best_estimator_ and its test score"),
    "ddong_nested": Script(
        DD, "chapter6/nested_cross_validation.py", rev=DD_REV, patches=WDBC_DD,
        note="cross_val_score(GridSearchCV(pipeline, a list of two grids, cv=2), cv=5) nested, then a decision "
        "tree's GridSearchCV over max_depth [1..7, None] nested the same way"),
    "ddong_performance_metrics": Script(
        DD, "chapter6/performance_metrics.py", rev=DD_REV, patches=WDBC_DD,
        note="the chapter's nested cross_val_score(GridSearchCV(pipeline, a list of two grids, cv=2), cv=5) again "
        "(as ddong_nested), then precision / recall / F1 of the pipeline and a confusion matrix"),
    # Muyiiwaa/ml-made-easy: a class's notebooks
    "muyiiwa_xgb_cv_generator": Script(
        MUY, "hyperparameter2.ipynb", rev="a04dfedab297911a2e62e4e8c45379b42baf4956", timeout=1800,
        # up to 1990 boosting rounds of depth up to 48 in 400 + 60 fits: over 10 minutes on this shared machine;
        # the rounds are drawn from 10..190 instead (both modes; the draws are still the searches' own)
        patches={"list(range(10,2000,10))": "list(range(10,200,10))",
                 # a stray last cell naming a variable no cell defines (NameError in both modes)
                 "\n\nnums\n": "\n\npass  # harness: a stray cell, `nums`, undefined\n"},
        note="notebook: GridSearchCV(regressor, scoring='neg_root_mean_squared_error', return_train_score=True, "
        "verbose=10) on diabetes, GridSearchCV(classifier, scoring='f1', return_train_score=True) on breast cancer, "
        "RandomizedSearchCV(XGBClassifier, n_estimators 10..1990 -> 10..190, n_iter=40, scoring='f1', "
        "cv=StratifiedKFold.split(X, y) (a generator), "
        "random_state=32, return_train_score=True), RandomizedSearchCV(XGBRegressor, n_iter=10), cv_results_ "
        "as DataFrames"),
    # saketjha34/Hyperparameter-Tuning-Machine-Learning: a tutorial notebook on the heart data it ships
    "saketjha_heart_error_score": Script(
        "saketjha34/Hyperparameter-Tuning-Machine-Learning", "GridSearchCV.ipynb",
        rev="cf3ad6917f374e107af97da55cc836e485dc55d4", companions=("csv/heart.csv",), timeout=1800,
        patches={"'csv\\\\heart.csv'": "'heart.csv'", "param_grid=params,cv=10)": "param_grid=params,cv=3)",
                 "\ncv=10)": "\ncv=3)",
                 "cv=15, return_train_score=False)": "cv=3, return_train_score=False)",
                 # multi_class='auto' (the default it names) was removed from LogisticRegression in scikit-learn
                 # 1.8: a TypeError in both modes before the loop of searches
                 "LogisticRegression(solver='liblinear',multi_class='auto')": "LogisticRegression(solver='liblinear')"},
        unseeded="RandomizedSearchCV without random_state (the grid searches are seeded)",
        note="notebook on the repository's heart.csv (a Windows path 'csv\\\\heart.csv' made 'heart.csv'; cv=10 and "
        "cv=15 "
        "made cv=3 for time, both modes): GridSearchCV(RF(random_state=42)) over 180 candidates of which the 45 with "
        "min_samples_split=1 fail (NaN, FitFailedWarning), RandomizedSearchCV over the same dict unseeded, "
        "cv_results_ as a DataFrame and its param_ columns, a loop of GridSearchCV(cv=15 -> 3, "
        "return_train_score=False) over three models"),
    # tushargandhi77/Machine-Learning-References: notes notebooks with their data
    "tushar_titanic_pipe_step": Script(
        TG, "SklearnPipeline_titanic_DS.ipynb", rev="f24409d20bf1248984355d29d6cb0cb65f96bc93",
        companions=("titanic.csv",), unseeded="DecisionTreeClassifier() without random_state",
        # the first cell starts with a space, which IPython's leading-indent cleanup removes (a script cannot)
        patches={" import numpy as np\nimport pandas as pd": "import numpy as np\nimport pandas as pd"},
        note="notebook on the repository's titanic.csv: Pipeline(ColumnTransformer imputers, OneHotEncoder, "
        "MinMaxScaler, SelectKBest, DecisionTreeClassifier) and GridSearchCV over {'trf5__max_depth': [1..5, None]}, "
        "cv=5, scoring='accuracy', best_score_, best_params_"),
}


def main() -> None:
    s25.SCRIPTS.clear()
    s25.SCRIPTS.update(SCRIPTS)
    s25.main()


if __name__ == "__main__":
    main()
