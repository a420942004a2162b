"""A tenth batch of third-party search scripts under scikit-learn's classes and under tunewise's SearchCV (s30).

Session 27's harness (``../s27/sklearn_wild7.py``, with session 28's notebook reader, ``../s28/sklearn_wild8.py``), as
session 29 used it, loaded unchanged with this batch's ``SCRIPTS``: the GridSearchCV scripts of a Korean machine
learning class's workspace (``narth8252/python_workspace1N``, named in no file under ``benchmarks/history`` or
``docs/``, checked with ``grep -rli``): a RandomForest grid on Kaggle's titanic (the CSVs are in the repository), the
same grid on a ColumnTransformer pipeline whose categorical columns are strings (every fit fails: scikit-learn's
"All the N fits failed"), a loop of three models each with its own grid and ``verbose=2``, an iris grid, and a
Pipeline grid whose values are estimator objects (``'scaler': [StandardScaler(), MinMaxScaler()]``) with
``StratifiedKFold(shuffle=True)``, ``scoring='roc_auc'``, ``n_jobs=-1``.

    H=benchmarks/history/s30/sklearn_wild10.py
    P=/work/venvs/compat30/bin/python
    $P $H --manifest
    $P $H --mode oracle --work /tmp/compat30/sk --out /tmp/compat30/sk_oracle.json
    $P $H --mode tunewise --tunewise-src /tmp/compat30/before/src --work /tmp/compat30/sk \
        --out /tmp/compat30/sk_before.json
    $P $H --report /tmp/compat30/sk_oracle.json /tmp/compat30/sk_before.json [/tmp/compat30/sk_after.json]

Both modes run on one interpreter (``/work/venvs/compat30``: scikit-learn 1.9.1, pandas 3.1); tunewise from
``--tunewise-src``.
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

NA = "narth8252/python_workspace1N"
NA_REV = "16202f83c6bbba2f3d3a1370d7021c32dbbc9239"
CSV = ("Data_Analysis/data/CSV/titanic_train.csv", "Data_Analysis/data/CSV/titanic_test.csv")
NO_MGLEARN = (
    "import sys as _s, types as _t; _s.modules['mglearn'] = _t.ModuleType('mglearn')  # harness: not installed\n"
)


def _ml(name: str) -> str:
    return f"Machine_Learning/{name}"


SCRIPTS = {
    "narth_titanic_rf_grid": Script(
        NA,
        _ml("0714타이타닉.py"),
        NA_REV,
        companions=CSV,
        patches={
            "path = r'C:\\Users\\Admin\\Documents\\GitHub\\python_workspace1N\\Data_Analysis_2507\\data'": (
                "path = '.'  # harness: the CSVs are copied next to the script"
            ),
        },
        note="GridSearchCV(RandomForestClassifier(random_state=42), 18-point grid with None in max_depth, cv=5, "
        "scoring='accuracy', verbose=1) on Kaggle's titanic after LabelEncoder preprocessing (pandas 3: the "
        "chained fillna(inplace=True) leaves NaN, which the forest takes); best_estimator_ predicts the test CSV",
    ),
    "narth_titanic_pipeline_strings_fail": Script(
        NA,
        _ml("0714타이타닉2.py"),
        NA_REV,
        companions=CSV,
        patches={
            'path = r"C:\\Users\\Admin\\Documents\\GitHub\\python_workspace1N\\Data_Analysis_2507\\data"': (
                "path = '.'  # harness: the CSVs are copied next to the script"
            ),
        },
        note="GridSearchCV(Pipeline(ColumnTransformer(StandardScaler on Age/Fare, 'passthrough' on Cabin letters / "
        "Embarked strings / Pclass, Sex), RandomForestClassifier), model__ grid of 18, cv=5, verbose=1): every fit "
        "fails on the strings, so the search ends in scikit-learn's 'All the 90 fits failed' ValueError",
    ),
    "narth_three_models_grid_loop": Script(
        NA,
        _ml("0714파라미터2.py"),
        NA_REV,
        patches={
            "import mglearn\n": NO_MGLEARN,
            # cut for a shared 2-core machine, both modes: linear SVC on unscaled breast_cancer takes seconds per
            # fit (C up to 100), and gradient boosting with max_depth=None builds full-depth trees
            "'C':[0.1, 1, 10, 100],": "'C':[0.1, 1],",
            "'kernel':['rbf', 'linear']": "'kernel':['rbf']  # harness: linear cut",
            "'n_estimators':[50, 100, 200],": "'n_estimators':[50],  # harness: 100 / 200 cut",
            "'max_depth':[None, 3, 10, 20], #최대깊이\n        'learning_rate'": (
                "'max_depth':[3], #최대깊이  # harness: None / 10 / 20 cut\n        'learning_rate'"
            ),
        },
        note="a loop over {'svc': SVC(), 'random_forest': ..., 'gradient_boosting': ...} each with its own grid "
        "(None in max_depth), GridSearchCV(cv=5, verbose=2, scoring='accuracy'), best_params_ / best_score_ / "
        "best_estimator_ kept in a dict and the best model's classification_report",
    ),
    "narth_iris_rf_grid": Script(
        NA,
        _ml("0714하이퍼파라미터.py"),
        NA_REV,
        note="GridSearchCV(RandomForestClassifier(random_state=42), 3 x 3 x 2 grid with max_features strings, cv=5) "
        "on iris, best_params_ and best_score_ printed",
    ),
    "narth_pipeline_estimator_objects_grid": Script(
        NA,
        _ml("0715파이프라인_그리드서치.py"),
        NA_REV,
        patches={"import mglearn\n": NO_MGLEARN},
        note="GridSearchCV(Pipeline(scaler, LogisticRegression), {'scaler': [StandardScaler(), MinMaxScaler()], "
        "'classifier__C': 4 values, 'classifier__solver': ['liblinear', 'lbfgs']}, cv=StratifiedKFold(5, "
        "shuffle=True, random_state=42), scoring='roc_auc', n_jobs=-1, verbose=2): estimator objects as grid values",
    ),
}
S27.SCRIPTS.clear()
S27.SCRIPTS.update(SCRIPTS)

if __name__ == "__main__":
    S27.main()
