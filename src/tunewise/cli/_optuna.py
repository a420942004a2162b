"""Optuna's study commands, with Optuna's names and arguments (``optuna create-study ...`` becomes
``tunewise create-study ...``)::

    tunewise create-study --storage URL [--study-name NAME] [--direction D | --directions D1 D2 ...]
                          [--skip-if-exists]                prints the study's name
    tunewise delete-study --storage URL --study-name NAME
    tunewise study-names --storage URL                      one name per line

tunewise's own commands cover the rest under their names (``studies``, ``trials STUDY``,
``best STUDY``, ``delete STUDY``, ``storage upgrade URL``). Optuna's ``ask``/``tell`` have no
counterpart yet: a trial asked by a command that then exits stops sending heartbeats, and
tunewise fails and retries such a trial after its grace period; use ``study.ask()`` /
``study.tell()`` in Python.
"""

from __future__ import annotations

import click

from tunewise.cli._group import storage_option

_DIRECTIONS = click.Choice(["minimize", "maximize"])


@click.command("create-study")
@storage_option
@click.option("--study-name", default=None, help="The study's name (default: a new unique one).")
@click.option("--direction", type=_DIRECTIONS, default=None, help="minimize (the default) or maximize.")
@click.option("--directions", type=_DIRECTIONS, default=None,
              help="One direction per objective, separated by spaces: --directions minimize maximize.")
@click.option("--skip-if-exists", is_flag=True, help="Do nothing (no error) if the study exists.")
@click.argument("more_directions", nargs=-1, type=_DIRECTIONS, metavar="")
def create_study(storage: str, study_name: str | None, direction: str | None, directions: str | None,
                 skip_if_exists: bool, more_directions: tuple[str, ...]) -> None:
    """Create a new study and print its name (Optuna's create-study)."""
    import tunewise as tw

    if more_directions and directions is None:
        raise click.UsageError(f"unexpected arguments {list(more_directions)}: give several objectives' directions "
                               f"after --directions")
    dirs = None if directions is None else [directions, *more_directions]
    study = tw.create_study(name=study_name, storage=storage, direction=direction, directions=dirs,
                            load_if_exists=skip_if_exists)
    click.echo(study.study_name)


@click.command("delete-study")
@storage_option
@click.option("--study-name", required=True, help="The name of the study to delete.")
def delete_study(storage: str, study_name: str) -> None:
    """Delete a study and all its trials, without asking (Optuna's delete-study)."""
    import tunewise as tw

    tw.delete_study(study_name=study_name, storage=storage)


@click.command("study-names")
@storage_option
def study_names(storage: str) -> None:
    """Print the name of every study in the storage, one per line (Optuna's study-names)."""
    import tunewise as tw

    for name in tw.get_all_study_names(storage):
        click.echo(name)


COMMANDS = (create_study, delete_study, study_names)
