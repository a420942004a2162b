"""The parts of Optuna's tutorial an Optuna user brings along, under ``import tunewise as optuna``:
CMA-ES, brute force, a journal file shared by worker processes, hand-made trials, and an
objective run again on the best trial.

Written as an Optuna user writes it (only the imports changed):

- ``optuna.storages.JournalStorage(JournalFileBackend(path))``: one file on this machine that
  several processes share (in tunewise a SQLite database; every trial is saved as it starts and
  ends);
- ``optuna.trial.create_trial`` + ``study.add_trial``: a configuration measured earlier, by hand,
  seeds the study;
- ``optuna.samplers.CmaEsSampler`` tunes an SVM's ``C`` and ``gamma`` on scikit-learn's digits with
  ``n_jobs=2`` worker processes; the CMA-ES state is rebuilt from the trials in the file, so both
  processes and a resumed study continue one search;
- ``optuna.samplers.BruteForceSampler`` tries every kernel x degree combination once and stops by
  itself;
- ``objective(study.best_trial)``: a FrozenTrial answers ``suggest_*`` with its stored values, so
  the best configuration is refitted by the same code that searched for it;
- the command line, as Optuna's (``optuna create-study / ask / tell / best-trial``): a trial asked
  by one command waits, never failed as stale, for the ``tell`` of another.

    .venv/bin/python examples/optuna_tutorial_api.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

import tunewise as optuna  # was: import optuna
from tunewise.storages import JournalStorage  # was: from optuna.storages import JournalStorage
from tunewise.storages.journal import JournalFileBackend  # was: from optuna.storages.journal import ...

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
N_TRIALS = 12 if QUICK else 40

X, y = load_digits(return_X_y=True)
X, y = X[:500] / 16.0, y[:500]


def objective(trial: optuna.Trial) -> float:
    c = trial.suggest_float("C", 1e-2, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-4, 1.0, log=True)
    return float(cross_val_score(SVC(C=c, gamma=gamma), X, y, cv=3).mean())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        storage = JournalStorage(JournalFileBackend(os.path.join(tmp, "journal.log")))
        study = optuna.create_study(study_name="svm", storage=storage, direction="maximize",
                                    sampler=optuna.samplers.CmaEsSampler(seed=0, n_startup_trials=1))
        # A configuration measured earlier, added as a finished trial.
        study.add_trial(optuna.trial.create_trial(
            params={"C": 10.0, "gamma": 1e-3},
            distributions={"C": optuna.distributions.FloatDistribution(1e-2, 1e3, log=True),
                           "gamma": optuna.distributions.FloatDistribution(1e-4, 1.0, log=True)},
            value=objective(optuna.trial.FixedTrial({"C": 10.0, "gamma": 1e-3})),
        ))
        study.optimize(objective, n_trials=N_TRIALS, n_jobs=2)
        print(f"CMA-ES: best CV accuracy {study.best_value:.4f} with {study.best_params}")

        # Resumed from the file by a new study object: the CMA-ES search goes on where it was.
        resumed = optuna.load_study(study_name="svm", storage=storage,
                                    sampler=optuna.samplers.CmaEsSampler(seed=1, n_startup_trials=1))
        resumed.optimize(objective, n_trials=4)
        assert len(resumed.trials) == N_TRIALS + 5
        print(f"resumed: {len(resumed.trials)} trials, best {resumed.best_value:.4f}")

        # The same objective, run on the best trial, refits the best configuration.
        best = resumed.best_trial
        print(f"best trial #{best.number} re-evaluated: {objective(best):.4f}")

    # Brute force over a finite space; optimize() ends by itself when every combination is done.
    def kernels(trial: optuna.Trial) -> float:
        kernel = trial.suggest_categorical("kernel", ["linear", "rbf", "poly"])
        degree = trial.suggest_int("degree", 2, 4) if kernel == "poly" else 0
        model = SVC(kernel=kernel, degree=degree or 3)
        return float(cross_val_score(model, X, y, cv=3).mean())

    grid = optuna.create_study(direction="maximize", sampler=optuna.samplers.BruteForceSampler(seed=0))
    grid.optimize(kernels, n_trials=100)
    tried = sorted((t.params["kernel"], t.params.get("degree", 0)) for t in grid.trials)
    assert len(tried) == 5 and len(set(tried)) == 5, tried  # linear, rbf, poly x {2, 3, 4}
    print(f"brute force: {len(tried)} combinations, best {grid.best_params} ({grid.best_value:.4f})")

    # The command line (`tunewise` in place of `optuna`): ask in one command, tell in another.
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/cli.db"

        def cli(*args: str) -> str:
            done = subprocess.run([sys.executable, "-m", "tunewise", *args], capture_output=True, text=True,
                                  check=True)
            return done.stdout

        cli("create-study", "--storage", url, "--study-name", "cli", "--direction", "minimize")
        space = json.dumps({"x": {"name": "FloatDistribution", "attributes": {"low": -10.0, "high": 10.0}}})
        for _ in range(3):
            asked = json.loads(cli("ask", "--storage", url, "--study-name", "cli", "--sampler", "TPESampler",
                                   "--sampler-kwargs", '{"seed": 0}', "--search-space", space))
            value = (asked["params"]["x"] - 2.0) ** 2
            cli("tell", "--storage", url, "--study-name", "cli", "--trial-number", str(asked["number"]),
                "--values", str(value))
        print("CLI best trial:", cli("best-trial", "--storage", url, "--study-name", "cli", "-f", "json").strip()[:200])


if __name__ == "__main__":
    main()
