"""``tunewise import``: copy another tool's studies into a tunewise storage.

    tunewise import optuna SOURCE --storage sqlite:///tunewise.db [--study NAME]

SOURCE is an Optuna RDB URL (``sqlite:///optuna.db``, ``postgresql://...``,
``mysql+pymysql://...``) or the path of an Optuna journal file; it is only read, and Optuna need
not be installed.
"""

from __future__ import annotations

import click

from tunewise.cli._group import storage_option


@click.group("import")
def import_() -> None:
    """Copy another tool's studies into a tunewise storage (the source is only read)."""


@import_.command("optuna")
@click.argument("source")
@storage_option
@click.option("--study", "study_name", default=None, help="Import only this study (default: every study).")
def optuna(source: str, storage: str, study_name: str | None) -> None:
    """Import the studies of the Optuna storage SOURCE (an RDB URL or a journal file's path).

    Every trial comes over as Optuna stored it: number, state, values, parameters and the
    distribution each was sampled from, intermediate values, attributes, times. Resume an
    imported study with `tw.load_study(NAME, STORAGE)`.
    """
    import tunewise as tw

    imported = tw.import_optuna(source, storage, study_name=study_name)
    for name, n in imported.items():
        click.echo(f"imported study {name!r}: {n} trial{'s' if n != 1 else ''}")
