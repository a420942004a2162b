"""A self-contained HTML report of a study stored in SQLite: ./out/report.html.

Tunes a support-vector classifier on scikit-learn's wine data (3-fold CV accuracy),
then writes the report from Python; the same report comes from the command line:

    tunewise report svc-wine --storage sqlite:///out/report_study.db -o out/report.html

The file embeds plotly.js, the plots and the trial table: it opens offline, anywhere.

    .venv/bin/python examples/report_study.py
"""

from __future__ import annotations

import os

from sklearn.datasets import load_wine
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_wine(return_X_y=True)


def objective(trial: tw.Trial) -> float:
    kernel = trial.suggest_categorical("kernel", ["rbf", "poly", "sigmoid"])
    params = {
        "C": trial.suggest_float("C", 1e-3, 1e3, log=True),
        "gamma": trial.suggest_float("gamma", 1e-4, 1.0, log=True),
    }
    if kernel == "poly":  # a conditional parameter: only polynomial kernels have a degree
        params["degree"] = trial.suggest_int("degree", 2, 5)
    model = make_pipeline(StandardScaler(), SVC(kernel=kernel, **params))
    return float(cross_val_score(model, X, y, cv=3).mean())


def main() -> None:
    os.makedirs("out", exist_ok=True)
    db = os.path.join("out", "report_study.db")
    if os.path.exists(db):
        os.remove(db)  # a fresh study each run
    storage = f"sqlite:///{db}"
    study = tw.create_study(name="svc-wine", storage=storage, direction="maximize",
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=60 if not QUICK else 20)
    print(f"best CV accuracy {study.best_value:.3f} with {study.best_params}")
    path = tw.insight.write_report(study, os.path.join("out", "report.html"))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)")


if __name__ == "__main__":
    main()
