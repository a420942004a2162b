"""Stop bad trials early: the median rule, a percentile rule, and patience on a plateau.

An SGDClassifier is trained epoch by epoch (``partial_fit``) on scikit-learn's digits; after
every epoch the objective reports the validation accuracy and asks ``trial.should_prune()``.
PRUNED trials are kept in the study with the curve they reported before stopping.

    .venv/bin/python examples/pruning_median_patience.py
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tunewise as tw

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=600, test_size=400, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
CLASSES = np.unique(y)
EPOCHS = 6
N_TRIALS = 12


def objective(trial: tw.Trial) -> float:
    clf = SGDClassifier(
        loss=trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
        alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
        learning_rate="constant",
        eta0=trial.suggest_float("eta0", 1e-5, 1.0, log=True),
        random_state=0,
    )
    acc = 0.0
    for epoch in range(1, EPOCHS + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(X_train, y_train, classes=CLASSES)
        acc = clf.score(X_val, y_val)
        trial.report(acc, epoch)
        if trial.should_prune():
            raise tw.TrialPruned()
    return acc


def run(name: str, scheduler: tw.schedulers.Scheduler) -> None:
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0), scheduler=scheduler)
    study.optimize(objective, n_trials=N_TRIALS)
    pruned = study.get_trials(states=(tw.TrialState.PRUNED,))
    epochs = sum(len(t.intermediate_values) for t in study.trials)
    print(f"{name:34s} best accuracy {study.best_value:.3f}  pruned {len(pruned):2d}/{N_TRIALS}  "
          f"epochs trained {epochs:3d}/{N_TRIALS * EPOCHS}")


if __name__ == "__main__":
    run("MedianScheduler", tw.schedulers.MedianScheduler(n_startup_trials=5, n_warmup_steps=2))
    run("PercentileScheduler(25)", tw.schedulers.PercentileScheduler(25.0, n_startup_trials=5, n_warmup_steps=2))
    run("PatienceScheduler(2)", tw.schedulers.PatienceScheduler(patience=2, min_delta=1e-3))
    # Patience wrapping the median rule: stop only trials that stalled AND trail the median.
    run("Patience(2) wrapping Median", tw.schedulers.PatienceScheduler(
        patience=2, wrapped=tw.schedulers.MedianScheduler(n_startup_trials=5)))
