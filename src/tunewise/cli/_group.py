"""The ``tunewise`` command group every command joins, and the ``--storage`` option most share."""

from __future__ import annotations

from typing import Any

import click

from tunewise.exceptions import TunewiseError

STORAGE_ENV = ("TUNEWISE_STORAGE", "OPTUNA_STORAGE")  # the first one set; OPTUNA_STORAGE as Optuna reads it
storage_option = click.option(
    "--storage", envvar=STORAGE_ENV, required=True,
    help="Storage URL, e.g. sqlite:///tunewise.db (or set TUNEWISE_STORAGE, or OPTUNA_STORAGE).",
)


def one_study_name(argument: str | None, study_name: str | None) -> str:
    """The study named by the STUDY argument (tunewise's form) or ``--study-name`` (Optuna's)."""
    if argument is not None and study_name is not None and argument != study_name:
        raise click.UsageError(f"two study names, {argument!r} and --study-name {study_name!r}: give one")
    name = argument if argument is not None else study_name
    if name is None:
        raise click.UsageError("which study? Give its name: STUDY or --study-name NAME")
    return name


class _Group(click.Group):
    """Turns tunewise's own errors into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (TunewiseError, ValueError, KeyError, TypeError) as e:
            if isinstance(e, (click.ClickException, click.exceptions.Exit, click.exceptions.Abort)):
                raise
            msg = e.args[0] if isinstance(e, KeyError) and e.args else e
            raise click.ClickException(str(msg)) from e


@click.group(cls=_Group)
@click.version_option(package_name="tunewise")
def main() -> None:
    """tunewise: hyperparameter optimization that never loses a trial."""
