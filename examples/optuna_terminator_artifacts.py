"""Optuna's terminator, artifact store and matplotlib plots, run by tunewise (only the imports change).

An Optuna user's script: cross-validated scores reported to the terminator, which stops the study
once the room left for improvement is below the cross-validation error; the best model of each
trial saved to a file-system artifact store and downloaded again for the best trial; the history
drawn with ``visualization.matplotlib``.

    .venv/bin/python examples/optuna_terminator_artifacts.py
"""

from __future__ import annotations

import os
import pickle
import tempfile

from sklearn.datasets import load_wine
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as optuna  # was: import optuna
from tunewise.artifacts import FileSystemArtifactStore, download_artifact, upload_artifact  # was: optuna.artifacts
from tunewise.terminator import TerminatorCallback, report_cross_validation_scores  # was: optuna.terminator

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_TRIALS = 30 if QUICK else 80
X, y = load_wine(return_X_y=True)
workdir = tempfile.mkdtemp(prefix="terminator-")
store = FileSystemArtifactStore(os.path.join(workdir, "artifacts"))


def objective(trial: optuna.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-4, 1e1, log=True)
    model = make_pipeline(StandardScaler(), SVC(C=c, gamma=gamma))
    scores = cross_val_score(model, X, y, cv=5)
    report_cross_validation_scores(trial, scores)  # the terminator's error estimate
    path = os.path.join(workdir, f"model-{trial.number}.pkl")
    with open(path, "wb") as f:
        pickle.dump(model.fit(X, y), f)
    trial.set_user_attr("model", upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial))
    return float(scores.mean())


study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=0),
                            storage=f"sqlite:///{os.path.join(workdir, 'study.db')}")
study.optimize(objective, n_trials=N_TRIALS, callbacks=[TerminatorCallback()])
print(f"{len(study.trials)} of {N_TRIALS} trials run (the terminator stops the study once it has converged); "
      f"best CV accuracy {study.best_value:.4f} with {study.best_params}")

best_model = os.path.join(workdir, "best.pkl")
download_artifact(artifact_store=store, file_path=best_model, artifact_id=study.best_trial.user_attrs["model"])
with open(best_model, "rb") as f:
    print("best trial's model, downloaded again, scores", round(pickle.load(f).score(X, y), 4), "on its data")

ax = optuna.visualization.matplotlib.plot_optimization_history(study)  # an Axes, as Optuna's
ax.figure.savefig(os.path.join(workdir, "history.png"))
print("history plot:", os.path.join(workdir, "history.png"))
