"""``tunewise worker``: join a study from any machine that reaches its storage."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click


def _load_objective(spec: str) -> Any:
    if ":" not in spec:
        raise click.BadParameter(f"expected module:function, got {spec!r}", param_hint="--objective")
    module_name, _, attr = spec.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise click.BadParameter(f"cannot import module {module_name!r}: {e}", param_hint="--objective") from e
    try:
        func = getattr(module, attr)
    except AttributeError:
        raise click.BadParameter(f"module {module_name!r} has no attribute {attr!r}",
                                 param_hint="--objective") from None
    if not callable(func):
        raise click.BadParameter(f"{spec} is not callable", param_hint="--objective")
    return func


def _parse_resources(spec: str | None) -> dict[str, float] | None:
    """'gpu=0.5,cpu=2' as {"gpu": 0.5, "cpu": 2} (optimize() checks the keys and values)."""
    if spec is None:
        return None
    out: dict[str, float] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or not key.strip() or number is None:
            raise click.BadParameter(f"expected key=number pairs such as 'gpu=1,cpu=4', got {spec!r}",
                                     param_hint="--resources")
        out[key.strip()] = int(number) if number.is_integer() else number
    return out


_SAMPLERS = ("auto", "random", "qmc", "tpe", "gp", "cmaes")


def _make_sampler(name: str, seed: int | None) -> Any:
    from tunewise import samplers

    cls = {"auto": "AutoSampler", "random": "RandomSampler", "qmc": "QMCSampler",
           "tpe": "TPESampler", "gp": "GPSampler", "cmaes": "CmaEsSampler"}[name]
    if not hasattr(samplers, cls):
        raise click.BadParameter(f"sampler {name!r} is not available in this version", param_hint="--sampler")
    return getattr(samplers, cls)(seed=seed)


@click.command()
@click.option("--study", "study_name", required=True, help="Name of the study to join.")
@click.option("--storage", envvar="TUNEWISE_STORAGE", required=True, help="Storage URL shared by all workers.")
@click.option("--objective", required=True, help="The objective as module:function (importable here).")
@click.option("--n-trials", type=int, default=None, help="Trials this worker runs (default: until stopped).")
@click.option("--max-trials", type=int, default=None,
              help="Study-wide budget: stop once the study has this many trials, counting every "
                   "worker's (default: the budget stored with the study, if any).")
@click.option("--timeout", type=float, default=None, help="Seconds after which this worker starts no trial.")
@click.option("--n-jobs", type=int, default=1, show_default=True, help="Worker processes on this machine.")
@click.option("--resources", "resources_spec", default=None, metavar="gpu=G,cpu=C",
              help="What each trial gets, e.g. 'gpu=1' (a GPU of its own; 0.5: two trials per GPU) and "
                   "'cpu=4' (threads). Trials see only their devices (CUDA_VISIBLE_DEVICES) and wait "
                   "while none is free. The devices are shared out among this command's --n-jobs "
                   "workers: to start several `tunewise worker` commands on one machine, give each its "
                   "own CUDA_VISIBLE_DEVICES.")
@click.option("--sampler", type=click.Choice(_SAMPLERS), default="auto", show_default=True)
@click.option("--seed", type=int, default=None)
@click.option("--direction", type=click.Choice(["minimize", "maximize"]), default=None,
              help="Create the study with this direction if it does not exist yet.")
@click.option("--heartbeat-interval", type=float, default=None,
              help="Seconds between heartbeats of a running trial (stored with the study; default: the "
                   "stored policy, else 10; 0 turns heartbeats off).")
@click.option("--grace-period", type=float, default=None,
              help="Seconds without a heartbeat after which a trial is failed as stale (default: 3 intervals).")
@click.option("--max-retries", type=int, default=None,
              help="How often a stale (crashed) trial is rerun with its parameters (default 1).")
def worker(study_name: str, storage: str, objective: str, n_trials: int | None, max_trials: int | None,
           timeout: float | None, n_jobs: int, resources_spec: str | None, sampler: str, seed: int | None,
           direction: str | None, heartbeat_interval: float | None, grace_period: float | None,
           max_retries: int | None) -> None:
    """Run trials of a study, sharing its storage with every other worker.

    Start as many workers as you like, here or on other machines. With a study-wide budget
    (the --max-trials option, or create_study(max_trials=N) in Python) they stop at exactly
    N trials in all.
    """
    import tunewise as tw

    if max_trials is not None and max_trials < 1:
        raise click.BadParameter(f"must be a positive integer (the study-wide number of trials), "
                                 f"got {max_trials}", param_hint="--max-trials")
    if n_trials is not None and n_trials < 0:
        raise click.BadParameter(f"must be a non-negative integer, got {n_trials}", param_hint="--n-trials")

    resources = _parse_resources(resources_spec)
    func = _load_objective(objective)
    smp = _make_sampler(sampler, seed)
    policy: dict[str, Any] = {"heartbeat_interval": heartbeat_interval, "grace_period": grace_period,
                              "max_retries": max_retries}
    try:
        if direction is not None:
            study = tw.create_study(name=study_name, storage=storage, direction=direction, sampler=smp,
                                    load_if_exists=True, **policy)
        else:
            study = tw.load_study(study_name, storage, sampler=smp, **policy)
    except tw.StudyNotFoundError as e:
        # A new study needs its direction: say how to create it, here or in Python.
        # (The storage URL is not repeated: it may hold a password; the error names it masked.)
        raise click.UsageError(f"{e}. To create it, pass its direction: tunewise worker --study {study_name} "
                               f"--storage ... --objective {objective} --direction minimize (or maximize); or "
                               f"create it in Python with tw.create_study(name={study_name!r}, storage=..., "
                               f"direction=...)") from None
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    ran = []  # callbacks run in this process for every trial of this worker (also with --n-jobs)
    try:
        study.optimize(func, n_trials=n_trials, timeout=timeout, n_jobs=n_jobs, catch=(Exception,),
                       max_trials=max_trials, callbacks=[lambda _study, frozen: ran.append(frozen.number)],
                       resources=resources)
    except ValueError as e:
        if resources is None or "resources" not in str(e):
            raise
        raise click.BadParameter(str(e), param_hint="--resources") from None
    except KeyboardInterrupt:
        # Ctrl-C: the running trial was failed. (SIGTERM fails it too, queues it to rerun, and
        # then ends the process as SIGTERM does.)
        click.echo(f"worker interrupted: {len(ran)} trials run here", err=True)
        sys.exit(130)
    total = len(study.trials)
    click.echo(f"worker done: {len(ran)} trials run here, {total} in study {study_name!r}")
