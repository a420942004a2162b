"""Calls seen in public Optuna code during session 23's search (find_string hits, not scripts of the
batch), run under Optuna and under tunewise: the same lines, the import switched.

    PYTHONPATH=/tmp/s23w/extra .venv/bin/python benchmarks/history/s23/optuna_wild4_probe.py optuna
    .venv/bin/python benchmarks/history/s23/optuna_wild4_probe.py tunewise
"""

from __future__ import annotations

import importlib
import sys

import numpy as np

optuna = importlib.import_module(sys.argv[1] if len(sys.argv) > 1 else "optuna")
optuna.logging.set_verbosity(optuna.logging.WARNING)
TrialState = optuna.trial.TrialState


def objective(trial):  # noqa: ANN001, ANN201
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("scores", np.array([0.5, 0.25]))
    if trial.number % 4 == 3:
        raise optuna.TrialPruned()
    return x


def run(label: str, callbacks: list) -> None:  # type: ignore[type-arg]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=12, callbacks=callbacks)
    print(f"{label}: {len(study.trials)} trials")


# MaxTrialsCallback with Optuna's state numbers (a wrapper class passes states=[1]) and with states=None
run("MaxTrialsCallback(5, states=[1])", [optuna.study.MaxTrialsCallback(5, states=[1])])
run("MaxTrialsCallback(5, states=None)", [optuna.study.MaxTrialsCallback(5, states=None)])
study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(objective, n_trials=8)
print("get_trials(states=[1]):", len(study.get_trials(states=[1])), "of", len(study.trials))
print("get_trials(states=(TrialState.PRUNED,)):", len(study.get_trials(states=(TrialState.PRUNED,))))
print("TrialState(1):", TrialState(1).name, "int(TrialState.PRUNED):", int(TrialState.PRUNED))
print("[t.state == 1 for t in trials].count(True):", [t.state == 1 for t in study.trials].count(True))
print("study.direction == StudyDirection.MAXIMIZE:", study.direction == optuna.study.StudyDirection.MAXIMIZE)
print("str(study.direction):", str(study.direction))
attr = study.trials[0].user_attrs["scores"]
print("user_attrs numpy array reads back as:", type(attr).__name__, list(attr))
