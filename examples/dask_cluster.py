"""Trials as tasks on a Dask cluster (a LocalCluster here; pass a scheduler address for a real one).

Every Dask worker opens the study's storage by URL, so the same code scales from this
SQLite file to PostgreSQL shared by many machines.

CI runs it with ``TUNEWISE_EXAMPLE_QUICK=1``: 8 trials instead of 30, still on a cluster of 2
worker processes (its start-up is most of the run).
"""

from __future__ import annotations

import os
import tempfile

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    y = trial.suggest_int("y", -5, 5)
    return (x - 1.5) ** 2 + (y + 2) ** 2


if __name__ == "__main__":  # Dask's LocalCluster starts worker processes
    from distributed import Client, LocalCluster

    path = os.path.join(tempfile.mkdtemp(), "dask.db")
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        study = tw.create_study(name="dask-demo", storage=f"sqlite:///{path}",
                                sampler=tw.samplers.RandomSampler(seed=0))
        study.optimize(objective, n_trials=8 if QUICK else 30, executor=tw.DaskExecutor(client))
    print(f"{len(study.trials)} trials on Dask; best {study.best_value:.3f} at {study.best_params}")
