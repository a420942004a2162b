"""The objective and the Python-API worker that ``benchmarks/chaos.py`` runs and attacks.

The objective keeps a ledger: before it returns, it appends its trial's parameters and result
to the file named by ``TUNEWISE_CHAOS_LEDGER`` and fsyncs it, so the harness knows every result
that was computed, whatever happens to the process afterwards. While it runs it holds a marker
file ``<TUNEWISE_CHAOS_BUSY>/<pid>``, so the harness can stop a worker surely inside a trial.

``tunewise worker --objective _chaos_objective:objective`` imports it (run from this folder);
``python benchmarks/_chaos_objective.py optimize ...`` is a worker that calls ``study.optimize``
itself (with ``n_jobs`` worker processes, or with a storage whose retry window is not the default).
"""

from __future__ import annotations

import argparse
import json
import os
import time
import zlib
from typing import Any

LEDGER_ENV = "TUNEWISE_CHAOS_LEDGER"
BUSY_ENV = "TUNEWISE_CHAOS_BUSY"
LOW, HIGH = -5.0, 5.0  # both parameters: a continuous space, so a seeded sampler never repeats by chance


def duration(params: dict[str, float]) -> float:
    """The trial's sleep, 0.05-0.3 s: a function of its parameters, so a rerun sleeps as long."""
    h = zlib.crc32(json.dumps(params, sort_keys=True).encode()) / 2**32
    return 0.05 + 0.25 * h


def value_of(params: dict[str, float]) -> float:
    return (params["x"] - 1.0) ** 2 + (params["y"] + 2.0) ** 2


def objective(trial: Any) -> float:
    busy_dir = os.environ.get(BUSY_ENV)
    marker = os.path.join(busy_dir, str(os.getpid())) if busy_dir else None
    if marker:
        with open(marker, "w") as f:
            f.write(str(trial.number))  # the harness logs which trial each kill hit
    try:
        params = {"x": trial.suggest_float("x", LOW, HIGH), "y": trial.suggest_float("y", LOW, HIGH)}
        time.sleep(duration(params))
        value = value_of(params)
        ledger = os.environ.get(LEDGER_ENV)
        if ledger:
            line = json.dumps({"number": trial.number, "params": params, "value": value,
                               "pid": os.getpid(), "time": time.time()}) + "\n"
            fd = os.open(ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode())  # one write of one line: O_APPEND keeps lines whole
                os.fsync(fd)
            finally:
                os.close(fd)
        return value
    finally:
        if marker:
            try:
                os.unlink(marker)
            except OSError:
                pass


def _optimize(args: argparse.Namespace) -> None:
    # Imported by name (not this __main__ copy), so n_jobs workers unpickle it by reference.
    import _chaos_objective

    import tunewise as tw

    storage: Any = args.storage
    if args.retry_seconds is not None:
        from tunewise.storage._sql import SQLStorage

        storage = SQLStorage(args.storage, retry_seconds=args.retry_seconds)
    sampler = {"random": tw.samplers.RandomSampler, "cmaes": tw.samplers.CmaEsSampler,
               "tpe": tw.samplers.TPESampler}[args.sampler](seed=args.seed)
    study = tw.load_study(args.study, storage, sampler=sampler)
    # As `tunewise worker` does: the objective's own exceptions fail its trial, the run goes on.
    study.optimize(_chaos_objective.objective, n_jobs=args.n_jobs, max_trials=args.max_trials,
                   catch=(Exception,))
    print(f"optimize done: {study.storage.count_trials(study._study_id)} trials in study {args.study!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    opt = sub.add_parser("optimize", help="load the study and run study.optimize(...) on it")
    opt.add_argument("--study", required=True)
    opt.add_argument("--storage", required=True)
    opt.add_argument("--max-trials", type=int, required=True)
    opt.add_argument("--n-jobs", type=int, default=1)
    opt.add_argument("--seed", type=int, default=None)
    opt.add_argument("--sampler", choices=("random", "cmaes", "tpe"), default="random")
    opt.add_argument("--retry-seconds", type=float, default=None,
                     help="the storage's retry window (default: SQLStorage's)")
    args = parser.parse_args(argv)
    if args.command == "optimize":
        _optimize(args)


if __name__ == "__main__":
    main()
