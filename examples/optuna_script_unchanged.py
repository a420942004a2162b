"""An Optuna script, run by tunewise: only the import line changed.

Written as an Optuna user writes it: define-by-run, SQLite storage,
``load_if_exists``, an enqueued first guess, a callback, pruning with Optuna's default pruner
(nothing passed: the median rule), ``TrialState.FAIL``, ``trials_dataframe(attrs=...)``,
``importance.get_param_importances``, ``visualization.plot_*`` and ``logging.set_verbosity``.
Each finished trial prints Optuna's INFO line.

    .venv/bin/python examples/optuna_script_unchanged.py
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

import tunewise as optuna  # was: import optuna
from tunewise.trial import TrialState  # was: from optuna.trial import TrialState

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_TRIALS = 10 if QUICK else 40
EPOCHS = 4 if QUICK else 15

X, y = load_digits(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.3, random_state=0)
CLASSES = np.unique(y)


def objective(trial: optuna.Trial) -> float:
    alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
    loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
    eta0 = trial.suggest_float("eta0", 1e-4, 1e-1, log=True)
    clf = SGDClassifier(alpha=alpha, loss=loss, learning_rate="constant", eta0=eta0, random_state=trial.number)
    for epoch in range(EPOCHS):
        clf.partial_fit(X_train, y_train, classes=CLASSES)
        accuracy = clf.score(X_valid, y_valid)
        trial.report(accuracy, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return accuracy


def print_new_best(study: optuna.Study, trial: optuna.FrozenTrial) -> None:
    if trial.state == TrialState.COMPLETE and study.best_trial.number == trial.number:
        print(f"  new best: trial {trial.number}, accuracy {trial.value:.3f}")


if __name__ == "__main__":
    db = os.path.join(tempfile.mkdtemp(), "optuna_style.db")
    storage = f"sqlite:///{db}"
    study = optuna.create_study(study_name="sgd-digits", storage=storage, direction="maximize",
                                sampler=optuna.samplers.TPESampler(seed=0), load_if_exists=True)
    study.enqueue_trial({"alpha": 1e-4, "loss": "hinge", "eta0": 0.01})
    study.optimize(objective, n_trials=N_TRIALS // 2, callbacks=[print_new_best], gc_after_trial=True)

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the second half runs quietly
    study = optuna.load_study(study_name="sgd-digits", storage=storage)  # as another process would
    study.optimize(objective, n_trials=N_TRIALS - N_TRIALS // 2, callbacks=[print_new_best])
    optuna.logging.set_verbosity(optuna.logging.INFO)

    pruned = study.get_trials(deepcopy=False, states=[TrialState.PRUNED])
    complete = study.get_trials(deepcopy=False, states=[TrialState.COMPLETE])
    failed = study.get_trials(deepcopy=False, states=[TrialState.FAIL])
    print(f"{len(study.trials)} trials: {len(complete)} complete, {len(pruned)} pruned, {len(failed)} failed")
    print(f"best accuracy {study.best_value:.3f} with {study.best_params}")

    df = study.trials_dataframe(attrs=("number", "value", "params", "state"))
    print(df.sort_values("value", ascending=False).head(3).to_string(index=False))
    print("importances:", {k: round(v, 2) for k, v in optuna.importance.get_param_importances(study).items()})
    if optuna.visualization.is_available():
        fig = optuna.visualization.plot_optimization_history(study)
        print("figure:", fig.layout.title.text)
    optuna.delete_study(study_name="sgd-digits", storage=storage)
