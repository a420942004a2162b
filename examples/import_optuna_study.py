"""Bring an Optuna study over to tunewise, trials and all, and resume it there.

An Optuna database is never opened as a tunewise storage (tunewise would refuse, and never
writes into it): its studies are copied into a tunewise storage, with every field of every
trial (number, state, values, parameters and the distribution each was sampled from,
intermediate values, attributes, times). Optuna need not be installed for the import: the
database (or journal file) is read with SQL and JSON alone.

    .venv/bin/python examples/import_optuna_study.py

The same from the shell:

    tunewise import optuna sqlite:///optuna.db --storage sqlite:///tunewise.db [--study NAME]
    tunewise import optuna ./optuna-journal.log --storage sqlite:///tunewise.db
"""

from __future__ import annotations

import os
import tempfile

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_OPTUNA, N_TUNEWISE = (10, 10) if QUICK else (30, 30)


def loss(lr: float, n_layers: int, activation: str) -> float:
    """A stand-in for a validation loss (best near lr=3e-3, 3 layers, gelu)."""
    import math

    return (math.log10(lr) + 2.5) ** 2 + 0.1 * (n_layers - 3) ** 2 + (0.0 if activation == "gelu" else 0.3)


def write_optuna_study(url: str) -> float:
    """What an Optuna user already has: a study in Optuna's SQLite database."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        n_layers = trial.suggest_int("n_layers", 1, 6)
        activation = trial.suggest_categorical("activation", ["relu", "gelu", "tanh"])
        for epoch in range(3):
            trial.report(loss(lr, n_layers, activation) + 1.0 / (epoch + 1), epoch)
        return loss(lr, n_layers, activation)

    study = optuna.create_study(study_name="mlp", storage=url, sampler=optuna.samplers.TPESampler(seed=0))
    study.set_user_attr("dataset", "digits")
    study.optimize(objective, n_trials=N_OPTUNA)
    return study.best_value


def main() -> None:
    workdir = tempfile.mkdtemp()
    source = f"sqlite:///{os.path.join(workdir, 'optuna.db')}"
    target = f"sqlite:///{os.path.join(workdir, 'tunewise.db')}"
    try:
        optuna_best = write_optuna_study(source)
    except ImportError:
        print("optuna is not installed here: nothing to import (pip install optuna to run this example)")
        return

    # 1. Opening the Optuna database as a tunewise storage is refused, and it is left untouched.
    try:
        tw.load_study("mlp", source)
    except tw.StorageError as e:
        print("refused:", str(e)[:140], "...")

    # 2. Import: the Python API (the CLI command above does the same).
    imported = tw.import_optuna(source, target)
    print("imported:", imported)
    study = tw.load_study("mlp", target, sampler=tw.samplers.TPESampler(seed=0))
    first = study.trials[0]
    print(f"trial 0: {first.state.value}, value {first.value:.4f}, params {first.params}")
    print(f"         reports {dict(first.intermediate_values)}, duration {first.duration}")
    print(f"         distributions {first.distributions}")
    print(f"study user attrs: {study.user_attrs}; best so far (Optuna): {optuna_best:.4f}")

    # 3. Resume it in tunewise: TPE starts from the imported trials, numbers continue.
    def objective(trial: tw.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        n_layers = trial.suggest_int("n_layers", 1, 6)
        activation = trial.suggest_categorical("activation", ["relu", "gelu", "tanh"])
        return loss(lr, n_layers, activation)

    tw.logging.set_verbosity(tw.logging.WARNING)
    study.optimize(objective, n_trials=N_TUNEWISE)
    print(f"after {N_TUNEWISE} more trials in tunewise (numbers {study.trials[N_OPTUNA].number}.."
          f"{study.trials[-1].number}): best {study.best_value:.4f} with {study.best_params}")
    assert study.best_value <= optuna_best


if __name__ == "__main__":
    main()
