"""``tunewise sweep run|create|agent|python|status``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.sweeps import SweepRunner


@click.group("sweep")
def sweep() -> None:
    """Tune any program from a YAML sweep file (W&B sweep files run unchanged)."""


@sweep.command("run")
@click.argument("sweep_file", type=click.Path(dir_okay=False))
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Programs to run at once (default: the file's workers, else 1).")
@click.option("--storage", default=None,
              help="Storage URL (default: the file's storage, else sqlite:///<sweep dir>/tunewise.db).")
@click.option("--count", type=click.IntRange(min=1), default=None,
              help="Start at most this many runs in this invocation.")
def run_cmd(sweep_file: str, workers: int | None, storage: str | None, count: int | None) -> None:
    """Create or resume the sweep in SWEEP_FILE and run its program."""
    from tunewise.sweeps import SweepConfig, SweepRunner

    config = SweepConfig.from_file(sweep_file)
    _run(SweepRunner(config, storage=storage, workers=workers, count=count, echo=click.echo))


@sweep.command("create")
@click.argument("sweep_file", type=click.Path(dir_okay=False))
@click.option("--storage", default=None,
              help="Storage URL (default: the file's storage, else sqlite:///<sweep dir>/tunewise.db).")
def create_cmd(sweep_file: str, storage: str | None) -> None:
    """Store the sweep in SWEEP_FILE and run nothing, as W&B's `wandb sweep SWEEP_FILE`; print its
    name, the id for `wandb.agent(ID, function=...)` in a script run by `tunewise sweep python`
    (or, when the file has a program, for `tunewise sweep agent ID`). The file may lack `program`
    when a Python function makes the runs."""
    from tunewise.sweeps import SweepConfig, SweepRunner

    config = SweepConfig.from_file(sweep_file, require_program=False)
    runner = SweepRunner(config, storage=storage, echo=click.echo)
    runner.create()
    click.echo(f"sweep {runner.study_name!r} stored in {runner.storage}", err=True)
    click.echo(runner.study_name)


@sweep.command("agent")
@click.argument("name")
@click.option("--storage", envvar="TUNEWISE_STORAGE", required=True,
              help="Storage URL of the sweep, e.g. postgresql+psycopg://user@host/db (or set TUNEWISE_STORAGE).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Programs to run at once on this machine.")
@click.option("--count", type=click.IntRange(min=1), default=None,
              help="Start at most this many runs, then exit.")
@click.option("--log-dir", type=click.Path(file_okay=False), default=None,
              help="Where run logs go (default ./tunewise_runs/NAME).")
def agent_cmd(name: str, storage: str, workers: int, count: int | None, log_dir: str | None) -> None:
    """Join the existing sweep NAME and run its program until the sweep is done."""
    from tunewise.sweeps._agent import agent_runner

    _run(agent_runner(name, storage, workers=workers, count=count, log_dir=log_dir, echo=click.echo))


@sweep.command("python", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("script", type=click.Path(dir_okay=False, exists=True))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("--storage", default=None,
              help="Storage URL of the sweep (default: sqlite:///<script dir>/tunewise.db).")
def python_cmd(script: str, args: tuple[str, ...], storage: str | None) -> None:
    """Run SCRIPT, a W&B sweep script (wandb.sweep(config) + wandb.agent(id, function)), with
    tunewise as its wandb: the agent calls the function once per run, in this process. Options
    go before SCRIPT; what follows it is the script's own arguments."""
    from tunewise.sweeps._script import run_script

    run_script(script, list(args), storage=storage)


@sweep.command("status")
@click.argument("name")
@click.option("--storage", envvar="TUNEWISE_STORAGE", required=True,
              help="Storage URL of the sweep (or set TUNEWISE_STORAGE).")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_cmd(name: str, storage: str, as_json: bool) -> None:
    """Show the progress of sweep NAME: runs per state and the best run so far."""
    from tunewise.sweeps import format_status, sweep_status

    status = sweep_status(name, storage)
    click.echo(json.dumps(status, indent=1, default=str) if as_json else format_status(status))


def _print_summary(study: Study) -> None:
    from tunewise.sweeps import format_status, sweep_status

    click.echo(format_status(sweep_status(study.study_name, study.storage)))


def _run(runner: SweepRunner) -> None:
    """Run the sweep's programs, print the summary, and exit 1 if every run this call started failed."""
    from tunewise import logging as tw_logging

    # The runner prints its own line per run: not also the per-trial INFO line of tw.logging.
    if tw_logging.get_verbosity() >= tw_logging.INFO:
        tw_logging.set_verbosity(tw_logging.WARNING)
    _print_summary(runner.run())
    _exit_if_every_run_failed(runner)


def _exit_if_every_run_failed(runner: SweepRunner) -> None:
    """An invocation none of whose runs worked is an error (exit status 1), not a result."""
    from tunewise.trial import TrialState

    states = runner.finished_states
    if states and all(s == TrialState.FAILED for s in states):
        why = f" ({runner.stop_reason})" if runner.stop_reason else ""
        raise click.ClickException(
            f"all {len(states)} run(s) failed{why}; each run's reason is printed above and its output "
            f"is in {runner.log_dir}"
        )

