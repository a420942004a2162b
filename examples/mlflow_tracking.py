"""MLflow: every trial becomes a nested run (params, final and per-epoch metrics, state, tags)
under one parent run for the study. Tracking store: SQLite in ./out/mlflow/.

Run from the repo root: .venv/bin/python examples/mlflow_tracking.py
Browse: mlflow ui --backend-store-uri sqlite:///out/mlflow/mlflow.db
"""

from __future__ import annotations

import logging
import os

from sklearn.datasets import load_wine
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tunewise as tw
from tunewise.integrations.mlflow import MLflowCallback
from tunewise.integrations.sklearn import StepPruner

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
logging.getLogger("alembic").setLevel(logging.WARNING)
os.makedirs("out/mlflow", exist_ok=True)
if os.path.exists("out/mlflow/mlflow.db"):
    os.remove("out/mlflow/mlflow.db")  # start fresh each run
uri = f"sqlite:///{os.path.abspath('out/mlflow/mlflow.db')}"

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)


def objective(trial: tw.Trial) -> float:
    clf = SGDClassifier(alpha=trial.suggest_float("alpha", 1e-6, 1.0, log=True),
                        loss=trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
                        learning_rate="constant", eta0=trial.suggest_float("eta0", 1e-4, 1e-1, log=True),
                        random_state=0)
    for epoch in range(10 if not QUICK else 4):  # one pass per "epoch", reported for the MLflow metric history
        clf.partial_fit(X_train, y_train, classes=[0, 1, 2])
        acc = clf.score(X_val, y_val)
        trial.report(acc, step=epoch)
        if trial.should_prune():
            raise tw.TrialPruned()
    return acc


mlflow_cb = MLflowCallback(tracking_uri=uri, experiment_name="tunewise-wine", metric_name="val_acc",
                           intermediate_metric="val_acc_by_epoch", tags={"example": "mlflow_tracking"})
study = tw.create_study(name="wine-sgd", direction="maximize", sampler=tw.samplers.RandomSampler(seed=0),
                        scheduler=StepPruner("median", n_startup_trials=3, n_warmup_steps=2))
study.optimize(objective, n_trials=12 if not QUICK else 5, callbacks=[mlflow_cb])

import mlflow  # noqa: E402

client = mlflow.tracking.MlflowClient(tracking_uri=uri)
exp = client.get_experiment_by_name("tunewise-wine")
runs = client.search_runs([exp.experiment_id], filter_string="tags.`tunewise.role` = 'trial'", max_results=1000)
parent_id = mlflow_cb.parent_run_id(study)
print(f"MLflow experiment {exp.name!r}: parent run {parent_id}, {len(runs)} trial runs")
for r in sorted(runs, key=lambda r: int(r.data.tags["tunewise.trial_number"]))[:5]:
    print(f"  {r.data.tags['mlflow.runName']:9s} {r.info.status:8s} val_acc={r.data.metrics.get('val_acc')} "
          f"params={r.data.params}")
print(f"best trial {study.best_trial.number}: val_acc {study.best_value:.4f}")
