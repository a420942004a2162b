"""``tunewise storage``: the database itself (its schema version and upgrades).

    tunewise storage upgrade URL [--no-backup]
    tunewise storage upgrade --storage URL          (Optuna's form)

Opening a database of an older schema (``tw.load_study``, a worker) upgrades it in place too;
this command upgrades it explicitly and says what it did.
"""

from __future__ import annotations

import click


@click.group()
def storage() -> None:
    """Manage a storage database (schema upgrades)."""


@storage.command()
@click.argument("url", required=False)
@click.option("--storage", "storage_url", default=None, help="The database's URL (Optuna's spelling of URL).")
@click.option("--no-backup", is_flag=True, help="Do not copy a SQLite file before upgrading it.")
def upgrade(url: str | None, storage_url: str | None, no_backup: bool) -> None:
    """Upgrade the tunewise database at URL (or --storage URL, or TUNEWISE_STORAGE /
    OPTUNA_STORAGE) to the schema this tunewise writes.

    A SQLite file is first copied to FILE.schema-vN.bak; back up a PostgreSQL database with
    pg_dump first. Older tunewise releases cannot open an upgraded database: upgrade the
    tunewise of every worker that uses it.
    """
    import os

    from tunewise.cli._group import STORAGE_ENV
    from tunewise.storage import upgrade_schema

    if url is not None and storage_url is not None and url != storage_url:
        raise click.UsageError(f"two URLs, {url!r} and --storage {storage_url!r}: give one")
    url = url or storage_url or next((os.environ[v] for v in STORAGE_ENV if os.environ.get(v)), None)
    if url is None:
        raise click.UsageError("which database? Give its URL: tunewise storage upgrade URL (or --storage URL, or "
                               "set TUNEWISE_STORAGE)")
    result = upgrade_schema(url, backup=not no_backup)
    if not result.upgraded:
        click.echo(f"{result.url}: schema version {result.new_version}, already current; nothing to do")
        return
    click.echo(f"{result.url}: upgraded from schema version {result.old_version} to {result.new_version}")
    if result.backup:
        click.echo(f"the file as it was before: {result.backup}")
