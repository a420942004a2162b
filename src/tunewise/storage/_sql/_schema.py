"""The tables, the schema version, and the upgrade of older databases (Alembic revisions).

Tables carry a ``tunewise_`` prefix so a database can also hold other tools' tables without
collisions. ``tunewise_meta`` holds the schema version (``schema_version``) and the tunewise
release that set it (``tunewise_version``), so a release that finds a newer schema can name the
release to install; ``tunewise_alembic_version`` holds the Alembic revision of that version.

Upgrades are Alembic revisions shipped in ``_migrations/versions/`` (one per schema version; see
that package for how to add one). Opening a database of an older version upgrades it in place,
after a backup copy of a SQLite file (``<file>.schema-v<N>.bak``), in one transaction under the
lock that also serializes first-time creation, so concurrent openers upgrade it exactly once;
``tunewise storage upgrade URL`` (:func:`upgrade_schema`) does the same explicitly and says what
it did. Alembic is imported only to upgrade: opening a current database never loads it.

tunewise never writes into another tool's database: a database that holds Optuna's tables but no
tunewise ones is refused, unchanged, with the command that imports its studies instead
(``tunewise import optuna``).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
import urllib.parse
from dataclasses import dataclass

import sqlalchemy as sa

from tunewise.storage._base import SCHEMA_VERSION
from tunewise.storage._sql._connection import Database
from tunewise.storage._sql._migrations import SCRIPT_LOCATION, VERSION_TABLE, revision_of

__all__ = ["METADATA", "TABLES", "SchemaUpgrade", "ensure_schema", "upgrade_schema"]

_log = logging.getLogger("tunewise.storage")


def _schema() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    # sqlite_autoincrement: never reuse the ids of deleted rows, as reader caches key on them.
    meta = sa.Table(
        "tunewise_meta", md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    studies = sa.Table(
        "tunewise_studies", md,
        sa.Column("study_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(512), nullable=False, unique=True),
        sa.Column("directions", sa.Text, nullable=False),
        sa.Column("next_number", sa.Integer, nullable=False, default=0),
        sa.Column("seq", sa.BigInteger, nullable=False, default=0),
        sa.Column("created", sa.Float, nullable=False),
        sqlite_autoincrement=True,
    )
    attrs = sa.Table(
        "tunewise_study_attrs", md,
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    dists = sa.Table(
        "tunewise_distributions", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("distribution", sa.Text, nullable=False),
        sa.UniqueConstraint("study_id", "name", name="uq_tunewise_distributions"),
        sqlite_autoincrement=True,
    )
    trials = sa.Table(
        "tunewise_trials", md,
        sa.Column("trial_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("study_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("value0", sa.Float, nullable=True),  # first objective, for SQL-side summaries
        sa.Column("objective_values", sa.Text, nullable=True),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("intermediate", sa.Text, nullable=False),
        sa.Column("user_attrs", sa.Text, nullable=False),
        sa.Column("system_attrs", sa.Text, nullable=False),
        sa.Column("datetime_start", sa.Float, nullable=True),
        sa.Column("datetime_complete", sa.Float, nullable=True),
        sa.Column("heartbeat", sa.Float, nullable=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        # The number of the crashed trial this one reruns (a retry does not count against
        # max_trials): a real column, as matching JSON text by substring is fooled by any
        # parameter or attribute that happens to be named "retried_from" (schema version 2).
        sa.Column("retried_from", sa.Integer, nullable=True),
        sa.UniqueConstraint("study_id", "number", name="uq_tunewise_trials_number"),
        # (study_id, state, number): finds the oldest WAITING trial without scanning the study.
        sa.Index("ix_tunewise_trials_state", "study_id", "state", "number"),
        sa.Index("ix_tunewise_trials_seq", "study_id", "seq"),
        sqlite_autoincrement=True,
    )
    claims = sa.Table(
        "tunewise_claims", md,
        sa.Column("study_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(512), primary_key=True),
    )
    # Alembic's own version table (its layout), under a name of ours: Optuna keeps "alembic_version".
    revision = sa.Table(
        VERSION_TABLE, md,
        sa.Column("version_num", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    return md, {"meta": meta, "studies": studies, "attrs": attrs, "dists": dists, "trials": trials,
                "claims": claims, "revision": revision}


METADATA, TABLES = _schema()


HEAD_REVISION = revision_of(SCHEMA_VERSION)

# Optuna's RDB storage: these tables (with alembic_version) and no tunewise ones mean an Optuna
# database, whose studies `tunewise import optuna` copies into a tunewise storage.
_OPTUNA_TABLES = frozenset({"studies", "trials", "version_info"})


# ---- opening a database ----------------------------------------------------------------------------
def ensure_schema(db: Database, *, create: bool = True) -> None:
    """Create the tables of a new database, upgrade one of an older schema version, and refuse one
    of a newer version (with the command that installs a tunewise able to read it) or another
    tool's database (with the command that imports it). ``create=False``: a database without
    tunewise's tables is refused too (see :func:`check_sqlite_storage`), and nothing is created."""
    db.open_with_retry(lambda: _ensure_schema_once(db, create))


def _not_a_storage(db: Database) -> str:
    where = repr(db.path) if db.path is not None else "this database"
    return (f"{where} is not a tunewise storage: it holds no tunewise tables, and this command only reads one "
            f"(it creates nothing). Check the URL; a storage is created by the first study run in it "
            f"(tunewise create-study, tw.create_study)")


def check_sqlite_storage(db: Database) -> None:
    """Refuse, without writing anything, a SQLite path that is no tunewise storage: a file that does
    not exist (connecting would create it) or holds none of tunewise's tables (the first connection
    would switch it to WAL, and the schema check would add the tables). A file SQLite cannot read
    is left to the usual open, which names the corruption."""
    assert db.path is not None
    if not os.path.exists(db.path):
        raise db.error(f"{db.path!r} does not exist; this command only reads a tunewise storage and creates "
                       f"nothing: check the path")
    try:
        conn = sqlite3.connect(f"file:{urllib.parse.quote(db.path)}?mode=ro", uri=True)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return  # corrupt, not a database, or unreadable here: the usual open says which
    if TABLES["meta"].name in names:
        return
    raise db.error(_foreign(db, sorted(names)) if _OPTUNA_TABLES <= names else _not_a_storage(db))


def _read_meta(conn: sa.Connection, key: str) -> str | None:
    meta = TABLES["meta"]
    if not sa.inspect(conn).has_table(meta.name):
        return None
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
    return None if value is None else str(value)


def _read_revision(conn: sa.Connection) -> str | None:
    table = TABLES["revision"]
    if not sa.inspect(conn).has_table(table.name):
        return None
    return conn.execute(sa.select(table.c.version_num)).scalar()


def _lock(db: Database, conn: sa.Connection) -> None:
    """Take the lock that serializes schema changes (creation, migration) between processes."""
    if db.is_sqlite:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # DDL is transactional here; the advisory lock is released at commit.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7461727)"))


def _set_meta(conn: sa.Connection, values: dict[str, str]) -> None:
    meta = TABLES["meta"]
    for key, value in values.items():
        if conn.execute(sa.update(meta).where(meta.c.key == key).values(value=value)).rowcount == 0:
            conn.execute(sa.insert(meta).values(key=key, value=value))


def _set_revision(conn: sa.Connection, revision: str) -> None:
    """Record ``revision`` in Alembic's version table (created if missing), as ``alembic stamp`` does."""
    table = TABLES["revision"]
    table.create(conn, checkfirst=True)
    conn.execute(sa.delete(table))
    conn.execute(sa.insert(table).values(version_num=revision))


def _stamp() -> dict[str, str]:
    """The meta rows a release writes with the schema version it created or migrated to."""
    import tunewise

    return {"schema_version": str(SCHEMA_VERSION), "tunewise_version": tunewise.__version__}


def _version_number(version: str) -> int | None:
    return int(version) if version.isdigit() and version.isascii() else None


def _foreign_tables(db: Database, conn: sa.Connection) -> list[str]:
    """Optuna's tables, in a database without tunewise tables (tunewise must not write there).

    Other tables are left alone: tunewise's own are prefixed, so a database shared with another
    application is fine; an Optuna database is refused because its studies are what the user
    means to open, and they can only be imported."""
    names = set(sa.inspect(conn).get_table_names())
    return sorted(names) if _OPTUNA_TABLES <= names else []


def _foreign(db: Database, tables: list[str]) -> str:
    return (f"this is an Optuna database (tables {', '.join(sorted(_OPTUNA_TABLES))}), and tunewise never "
            f"writes into another tool's database; copy its studies into a tunewise storage with "
            f"`tunewise import optuna {db.masked} --storage sqlite:///tunewise.db` (or "
            f"tunewise.import_optuna(...)); the Optuna database is only read")


def _ensure_schema_once(db: Database, create: bool = True) -> None:
    with db.engine.connect() as conn:
        version = _read_meta(conn, "schema_version")
        revision = _read_revision(conn) if version is not None else None
        foreign = _foreign_tables(db, conn) if version is None else []
        conn.rollback()
    if version is None and foreign:
        raise db.error(_foreign(db, foreign))
    if version is None and not create:
        raise db.error(_not_a_storage(db))
    if version is None and db.read_only:
        raise db.error(f"{db.path!r} holds no tunewise tables, and they cannot be created: it "
                       f"is opened read-only ({db.read_only})")
    if version is None:
        with db.engine.connect() as conn, conn.begin():
            _lock(db, conn)
            version = _read_meta(conn, "schema_version")
            if version is None:
                foreign = _foreign_tables(db, conn)  # under the lock: nobody wrote it meanwhile
                if foreign:
                    raise db.error(_foreign(db, foreign))
                # A new database is created at the newest version and stamped there (Alembic's
                # "create_all, then stamp head"): the revisions are only for older databases.
                METADATA.create_all(conn, checkfirst=True)
                _set_meta(conn, _stamp())
                _set_revision(conn, HEAD_REVISION)
                return
    number = _version_number(version)
    if number is not None and 1 <= number < SCHEMA_VERSION:
        if db.read_only:
            raise db.error(f"{db.path!r} has schema version {version}, which this tunewise upgrades on "
                           f"open, but it is opened read-only ({db.read_only}); open it once where it "
                           f"is writable, or run `tunewise storage upgrade URL` there")
        version = str(_migrate(db).new_version)
    elif version == str(SCHEMA_VERSION) and revision != HEAD_REVISION and not db.read_only:
        _stamp_current(db)  # written by a release before the Alembic revisions: same tables
    if version != str(SCHEMA_VERSION):
        raise db.error(_unreadable(db, version))


def _stamp_current(db: Database) -> None:
    with db.engine.connect() as conn, conn.begin():
        _lock(db, conn)
        if _read_meta(conn, "schema_version") == str(SCHEMA_VERSION) and _read_revision(conn) != HEAD_REVISION:
            _set_revision(conn, HEAD_REVISION)


@dataclass(frozen=True)
class SchemaUpgrade:
    """What :func:`upgrade_schema` found and did.

    ``old_version`` and ``new_version`` are schema versions (equal when there was nothing to do);
    ``backup`` the copy of a SQLite file taken before the upgrade (None otherwise)."""

    url: str
    old_version: int
    new_version: int
    backup: str | None = None

    @property
    def upgraded(self) -> bool:
        return self.new_version != self.old_version


def upgrade_schema(url: str, *, backup: bool = True) -> SchemaUpgrade:
    """Upgrade the tunewise database at ``url`` to the schema this release writes.

    Opening a database of an older schema (``tw.load_study``, a worker) upgrades it too; this is
    the explicit form (what ``tunewise storage upgrade URL`` runs), for a database that is opened
    read-only elsewhere, or to upgrade at a moment of one's choosing. A SQLite file is first copied
    to ``<file>.schema-v<N>.bak`` (``backup=False``: no copy); back up a PostgreSQL database with
    ``pg_dump`` first. Older tunewise releases cannot open the upgraded database: upgrade every
    worker's tunewise too. Nothing is created: a URL without tunewise tables is an error.

    >>> import os, tempfile, tunewise as tw
    >>> url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'demo.db')}"
    >>> tw.create_study(name="demo", storage=url).storage.close()
    >>> tw.storage.upgrade_schema(url).upgraded  # written by this release: nothing to do
    False
    """
    db = Database(url, retry_seconds=60.0, busy_timeout=60.0, engine_kwargs={}, synchronous=None)
    try:
        return db.open_with_retry(lambda: _upgrade_once(db, backup))
    finally:
        db.close()


def _upgrade_once(db: Database, backup: bool) -> SchemaUpgrade:
    with db.engine.connect() as conn:
        version = _read_meta(conn, "schema_version")
        revision = _read_revision(conn) if version is not None else None
        foreign = _foreign_tables(db, conn) if version is None else []
        conn.rollback()
    if version is None:
        raise db.error(_foreign(db, foreign) if foreign else
                       "holds no tunewise tables: nothing to upgrade (a new database is created at the current "
                       "schema when a study is first created in it)")
    number = _version_number(version)
    if number is None or number > SCHEMA_VERSION or number < 1:
        raise db.error(_unreadable(db, version))
    if db.read_only:
        raise db.error(f"cannot upgrade {db.path!r}: it is opened read-only ({db.read_only})")
    if number < SCHEMA_VERSION:
        return _migrate(db, backup=backup)
    if revision != HEAD_REVISION:
        _stamp_current(db)
    return SchemaUpgrade(db.masked, number, number)


def _migrate(db: Database, *, backup: bool = True) -> SchemaUpgrade:
    """Run the missing Alembic revisions in one transaction, after a backup of a SQLite file."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(SCRIPT_LOCATION)
    with db.engine.connect() as conn, conn.begin():
        _lock(db, conn)
        version = _read_meta(conn, "schema_version")
        number = None if version is None else _version_number(version)
        if number is None or not 1 <= number < SCHEMA_VERSION:  # another process migrated it meanwhile
            done = number if number is not None else 0
            return SchemaUpgrade(db.masked, done, done)
        copy = _backup_sqlite(db, number) if backup and db.is_sqlite else None
        ctx = MigrationContext.configure(connection=conn, opts={
            "version_table": VERSION_TABLE,
            "fn": lambda rev, _context: script._upgrade_revs("head", rev),
        })
        # The schema version is what every release reads (and what one written before the
        # revisions existed has): the revision to start from is the one of that version.
        _set_revision(conn, revision_of(number))
        with Operations.context(ctx):
            ctx.run_migrations()
        _set_meta(conn, _stamp())
    _log.info("upgraded %s from schema version %d to %d%s", db.masked, number, SCHEMA_VERSION,
              f" (a copy of the file before: {copy})" if copy else "")
    return SchemaUpgrade(db.masked, number, SCHEMA_VERSION, copy)


def _backup_sqlite(db: Database, number: int) -> str:
    """Copy the SQLite file (a consistent snapshot, WAL included) before upgrading it."""
    assert db.path is not None
    target = f"{db.path}.schema-v{number}.bak"
    if os.path.exists(target):  # never overwrite an earlier backup
        target = f"{db.path}.schema-v{number}.{time.strftime('%Y%m%d-%H%M%S')}.bak"
    src = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _unreadable(db: Database, version: str) -> str:
    """Why this release cannot read a database of schema ``version``, and what to run instead."""
    import tunewise

    number = _version_number(version)
    if number is None or number < 1:
        return (f"database schema version {version!r} is not one tunewise writes (this tunewise "
                f"{tunewise.__version__} reads versions 1 to {SCHEMA_VERSION}); is this a tunewise database?")
    try:
        with db.engine.connect() as conn:
            writer = _read_meta(conn, "tunewise_version")
    except Exception:  # noqa: BLE001 - the version that wrote it only makes the advice more precise
        writer = None
    if writer is not None and all(part.isdigit() for part in writer.split(".")):
        command, by = f'pip install -U "tunewise>={writer}"', f" (written by tunewise {writer})"
    else:
        command, by = "pip install -U tunewise", ""
    return (f"database schema version {version}{by} is newer than this tunewise {tunewise.__version__} "
            f"reads (version {SCHEMA_VERSION}); upgrade tunewise with `{command}`, or use another database")
