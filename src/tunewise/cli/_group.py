"""The ``tunewise`` command group every command joins, and the ``--storage`` option most share."""

from __future__ import annotations

from typing import Any

import click

from tunewise.exceptions import TunewiseError

storage_option = click.option(
    "--storage", envvar="TUNEWISE_STORAGE", required=True,
    help="Storage URL, e.g. sqlite:///tunewise.db (or set TUNEWISE_STORAGE).",
)


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
