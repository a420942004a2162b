"""Optuna's commands, with Optuna's names and arguments (``optuna create-study ...`` becomes
``tunewise create-study ...``)::

    tunewise create-study --storage URL [--study-name NAME] [--direction D | --directions D1 D2 ...]
                          [--skip-if-exists]                prints the study's name
    tunewise delete-study --storage URL --study-name NAME
    tunewise study-names --storage URL [-f value|json|yaml|table]
    tunewise study set-user-attr --storage URL --study-name NAME --key K --value V
    tunewise best-trial  --storage URL --study-name NAME [-f table|json|yaml|value] [--flatten]
    tunewise best-trials --storage URL --study-name NAME [-f ...] [--flatten]   the Pareto front
    tunewise ask / tell ...                                 _ask_tell.py

``--storage`` falls back on ``TUNEWISE_STORAGE``, then on Optuna's ``OPTUNA_STORAGE``. Optuna's
``studies``, ``trials --study-name NAME`` and ``storage upgrade --storage URL`` are tunewise's
own commands, which take Optuna's forms and ``-f/--format`` too; tunewise's short forms
(``trials STUDY``, ``best STUDY``, ``delete STUDY``) keep working. Trials print with Optuna's
columns: number, value (or values), datetime_start, datetime_complete, duration, params,
user_attrs (when a trial has any) and state.
"""

from __future__ import annotations

import click

from tunewise.cli._formats import FORMATS, format_options, render, trial_record
from tunewise.cli._group import existing_storage, note, storage_option

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

    tw.delete_study(study_name=study_name, storage=existing_storage(storage))


@click.command("study-names")
@storage_option
@click.option("-f", "--format", "output_format", type=click.Choice(FORMATS), default="value",
              help="Output format (default: value, one name per line).")
def study_names(storage: str, output_format: str) -> None:
    """Print the name of every study in the storage, one per line (Optuna's study-names)."""
    import tunewise as tw

    names = tw.get_all_study_names(existing_storage(storage))
    if names or output_format != "value":
        click.echo(render([{"name": name} for name in names], output_format, flatten=False))


@click.group("study")
def study() -> None:
    """A study's attributes (Optuna's study set-user-attr)."""


@study.command("set-user-attr")
@storage_option
@click.option("--study-name", required=True, help="The study to set the user attribute of.")
@click.option("-k", "--key", required=True, help="The attribute's key.")
@click.option("--value", required=True, help="Its value (stored as text, as Optuna stores it).")
def set_user_attr(storage: str, study_name: str, key: str, value: str) -> None:
    """Set a user attribute of a study (study.user_attrs[KEY] = VALUE)."""
    import tunewise as tw

    tw.load_study(study_name=study_name, storage=existing_storage(storage)).set_user_attr(key, value)
    note(f"set user attribute {key!r} of study {study_name!r}")


_FLATTEN_TRIALS = "Flatten nested columns such as params and user_attrs."


@click.command("best-trial")
@storage_option
@click.option("--study-name", required=True, help="The study whose best trial to show.")
@format_options("table", _FLATTEN_TRIALS)
def best_trial(storage: str, study_name: str, output_format: str, flatten: bool) -> None:
    """Show the best trial of a single-objective study (Optuna's best-trial; ``tunewise best
    STUDY`` is tunewise's short form)."""
    import tunewise as tw

    s = tw.load_study(study_name=study_name, storage=existing_storage(storage))
    if len(s.directions) > 1:
        raise click.ClickException(f"study {study_name!r} has {len(s.directions)} objectives, so no single best "
                                   f"trial: best-trials shows its Pareto front")
    best = s.best_trial
    with_attrs = any(t.user_attrs for t in s.get_trials())
    click.echo(render(trial_record(best, 1, with_attrs), output_format, flatten))


@click.command("best-trials")
@storage_option
@click.option("--study-name", required=True, help="The study whose best trials (its Pareto front) to show.")
@format_options("table", _FLATTEN_TRIALS)
def best_trials(storage: str, study_name: str, output_format: str, flatten: bool) -> None:
    """Show the trials on the Pareto front of a study (Optuna's best-trials); for one
    objective, the best trial(s)."""
    import tunewise as tw

    s = tw.load_study(study_name=study_name, storage=existing_storage(storage))
    front = sorted(s.best_trials, key=lambda t: t.number)
    with_attrs = any(t.user_attrs for t in s.get_trials())
    click.echo(render([trial_record(t, len(s.directions), with_attrs) for t in front], output_format, flatten))


COMMANDS = (create_study, delete_study, study_names, study, best_trial, best_trials)
