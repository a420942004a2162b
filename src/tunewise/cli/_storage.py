"""``tunewise storage``: the database itself (its schema version and upgrades).

    tunewise storage upgrade URL [--no-backup]

Opening a database of an older schema (``tw.load_study``, a worker) upgrades it in place too;
this command upgrades it explicitly and says what it did.
"""

from __future__ import annotations

import click


@click.group()
def storage() -> None:
    """Manage a storage database (schema upgrades)."""


@storage.command()
@click.argument("url", envvar="TUNEWISE_STORAGE")
@click.option("--no-backup", is_flag=True, help="Do not copy a SQLite file before upgrading it.")
def upgrade(url: str, no_backup: bool) -> None:
    """Upgrade the tunewise database at URL to the schema this tunewise writes.

    A SQLite file is first copied to FILE.schema-vN.bak; back up a PostgreSQL database with
    pg_dump first. Older tunewise releases cannot open an upgraded database: upgrade the
    tunewise of every worker that uses it.
    """
    from tunewise.storage import upgrade_schema

    result = upgrade_schema(url, backup=not no_backup)
    if not result.upgraded:
        click.echo(f"{result.url}: schema version {result.new_version}, already current; nothing to do")
        return
    click.echo(f"{result.url}: upgraded from schema version {result.old_version} to {result.new_version}")
    if result.backup:
        click.echo(f"the file as it was before: {result.backup}")
