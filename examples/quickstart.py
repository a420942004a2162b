"""Tune a scikit-learn classifier on the breast-cancer data set that ships with scikit-learn.

The study lives in a SQLite file (``out/tunewise.db``), so you can stop and rerun this script:
it resumes where it left off. Inspect it afterwards with

    tunewise studies --storage sqlite:///out/tunewise.db
    tunewise best quickstart --storage sqlite:///out/tunewise.db
"""

from __future__ import annotations

import os
import sys

from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw

X, y = load_breast_cancer(return_X_y=True)
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)


def objective(trial: tw.Trial) -> float:
    model = trial.suggest_categorical("model", ["svm", "random_forest"])
    if model == "svm":  # conditional parameters: only suggested for this branch
        clf = make_pipeline(
            StandardScaler(),
            SVC(C=trial.suggest_float("svm_C", 1e-3, 1e3, log=True),
                gamma=trial.suggest_float("svm_gamma", 1e-5, 1e0, log=True)),
        )
    else:
        clf = RandomForestClassifier(
            n_estimators=trial.suggest_int("rf_n_estimators", 20, 200, step=20),
            max_depth=trial.suggest_int("rf_max_depth", 2, 16, log=True),
            max_features=trial.suggest_categorical("rf_max_features", ["sqrt", "log2", None]),
            random_state=0,
        )
    return float(cross_val_score(clf, X, y, cv=3, scoring="accuracy").mean())


def main() -> None:
    n_trials = int(sys.argv[1]) if len(sys.argv) > 1 else 8 if QUICK else 30
    os.makedirs("out", exist_ok=True)
    study = tw.create_study(
        name="quickstart",
        storage="sqlite:///out/tunewise.db",
        direction="maximize",
        load_if_exists=True,
    )
    study.optimize(objective, n_trials=n_trials, n_jobs=2)
    print(f"trials in study: {len(study.trials)}")
    print(f"best CV accuracy: {study.best_value:.4f} (trial #{study.best_trial.number})")
    print("best config:")
    for name, value in study.best_params.items():
        print(f"  {name} = {value}")


if __name__ == "__main__":
    main()
