"""How many trials of a parallel study repeat another trial's parameters (session 24).

Found with jt269/Optuna_share's O_run_min.py (four worker processes on one journal file, ten integer
parameters, an objective that sums them): tunewise's workers ran 8 of 40 points twice. This runs the
same shape three ways: ``--workers 4`` separate processes that ``load_study`` (the script's way),
or one ``optimize(n_jobs=4)`` on memory / SQLite; ``--sleep`` makes the objective take that long.

    PYTHONPATH=<tunewise src> .venv/bin/python benchmarks/history/s24/optuna_wild5_parallel_repeats.py \
        --lib tunewise --mode processes --storage journal
    PYTHONPATH=/tmp/s24w/extra .venv/bin/python ... --lib optuna --mode processes --storage journal
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from typing import Any


def objective_for(sleep: float) -> Any:
    def fun(trial: Any) -> float:
        for i in range(10):
            trial.suggest_int(f"x{i}", 1, 12)
        if sleep:
            time.sleep(sleep)
        return float(sum(trial.params.values()))

    return fun


def storage_for(optuna: Any, kind: str, folder: str) -> Any:
    if kind == "journal":
        return optuna.storages.JournalStorage(
            optuna.storages.journal.JournalFileBackend(os.path.join(folder, "journal.log"))
        )
    if kind == "sqlite":
        return f"sqlite:///{os.path.join(folder, 'study.db')}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lib", default="tunewise")
    parser.add_argument("--mode", choices=("processes", "n_jobs"), default="processes")
    parser.add_argument("--storage", choices=("journal", "sqlite", "memory"), default="journal")
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--sleep", type=float, default=0.0)
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    optuna = importlib.import_module(args.lib)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.worker:  # a worker process: the folder is the argument
        study = optuna.load_study(study_name="multi_cpu", storage=storage_for(optuna, args.storage, args.worker))
        study.optimize(objective_for(args.sleep), n_trials=args.trials // 4)
        return
    folder = tempfile.mkdtemp(prefix="s24_repeats_")
    storage = storage_for(optuna, args.storage, folder)
    start = time.monotonic()
    study = optuna.create_study(study_name="multi_cpu", direction="maximize", storage=storage)
    if args.mode == "processes":
        if args.storage == "memory":
            raise SystemExit("separate processes need a journal or SQLite storage")
        command = [
            sys.executable,
            __file__,
            "--lib",
            args.lib,
            "--storage",
            args.storage,
            "--trials",
            str(args.trials),
            "--sleep",
            str(args.sleep),
            "--worker",
            folder,
        ]
        for p in [subprocess.Popen(command) for _ in range(4)]:
            p.wait()
        study = optuna.load_study(study_name="multi_cpu", storage=storage)
    else:
        study.optimize(objective_for(args.sleep), n_trials=args.trials, n_jobs=4)
    points = Counter(tuple(sorted(t.params.items())) for t in study.trials)
    print(
        f"{args.lib} {args.mode} {args.storage} sleep={args.sleep}: {len(study.trials)} trials, "
        f"{len(points)} distinct, {sum(n - 1 for n in points.values() if n > 1)} repeats, "
        f"best {study.best_value}, {time.monotonic() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
