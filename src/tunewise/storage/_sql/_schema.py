"""The tables, the schema version, and the migrations from every older version.

Tables carry a ``tunewise_`` prefix so a database can also hold other tools' tables (Optuna's
``studies``/``trials`` for instance) without collisions. ``tunewise_meta`` holds the schema
version (``schema_version``) and the tunewise release that set it (``tunewise_version``), so a
release that finds a newer schema can name the release to install.

A new schema version is one function: write ``_vN_to_vN1(conn)``, append it to
:data:`MIGRATIONS`, and bump :data:`~tunewise.storage._base.SCHEMA_VERSION`. Opening a database
of an older version runs the missing steps in one transaction, under the lock that also
serializes first-time creation, so concurrent openers migrate it exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import sqlalchemy as sa

from tunewise.storage._base import SCHEMA_VERSION
from tunewise.storage._sql._connection import Database

__all__ = ["METADATA", "MIGRATIONS", "TABLES", "ensure_schema"]


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
    return md, {"meta": meta, "studies": studies, "attrs": attrs, "dists": dists, "trials": trials,
                "claims": claims}


METADATA, TABLES = _schema()


# ---- migrations ----------------------------------------------------------------------------------
def _v1_to_v2(conn: sa.Connection) -> None:
    """The ``retried_from`` column, filled from each retry's system_attrs."""
    tr = TABLES["trials"]
    if "retried_from" not in {c["name"] for c in sa.inspect(conn).get_columns(tr.name)}:
        conn.exec_driver_sql(f"ALTER TABLE {tr.name} ADD COLUMN retried_from INTEGER")
    # Only rows whose text mentions the key can hold it; parse them to be sure.
    rows = conn.execute(sa.select(tr.c.trial_id, tr.c.system_attrs).where(
        tr.c.system_attrs.like('%"retried_from":%'))).all()
    for tid, text in rows:
        retried = json.loads(text).get("retried_from")
        if isinstance(retried, int) and not isinstance(retried, bool):
            conn.execute(sa.update(tr).where(tr.c.trial_id == tid).values(retried_from=retried))


# MIGRATIONS[i] upgrades a database from schema version i + 1 to version i + 2, inside the
# migration's transaction (both SQLite and PostgreSQL run DDL transactionally).
MIGRATIONS: tuple[Callable[[sa.Connection], None], ...] = (
    _v1_to_v2,
)
assert len(MIGRATIONS) == SCHEMA_VERSION - 1, "every schema version needs its migration step"


# ---- opening a database ----------------------------------------------------------------------------
def ensure_schema(db: Database) -> None:
    """Create the tables of a new database, upgrade one of an older schema version, and refuse one
    of a newer version (with the command that installs a tunewise able to read it)."""
    db.open_with_retry(lambda: _ensure_schema_once(db))


def _read_meta(conn: sa.Connection, key: str) -> str | None:
    meta = TABLES["meta"]
    if not sa.inspect(conn).has_table(meta.name):
        return None
    value = conn.execute(sa.select(meta.c.value).where(meta.c.key == key)).scalar()
    return None if value is None else str(value)


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


def _stamp() -> dict[str, str]:
    """The meta rows a release writes with the schema version it created or migrated to."""
    import tunewise

    return {"schema_version": str(SCHEMA_VERSION), "tunewise_version": tunewise.__version__}


def _version_number(version: str) -> int | None:
    return int(version) if version.isdigit() and version.isascii() else None


def _ensure_schema_once(db: Database) -> None:
    with db.engine.connect() as conn:
        version = _read_meta(conn, "schema_version")
        conn.rollback()
        if version is None and db.read_only:
            raise db.error(f"{db.path!r} holds no tunewise tables, and they cannot be created: it "
                           f"is opened read-only ({db.read_only})")
        if version is None:
            with conn.begin():
                _lock(db, conn)
                METADATA.create_all(conn, checkfirst=True)
                version = _read_meta(conn, "schema_version")
                if version is None:
                    _set_meta(conn, _stamp())
                    version = str(SCHEMA_VERSION)
    number = _version_number(version)
    if number is not None and 1 <= number < SCHEMA_VERSION:
        if db.read_only:
            raise db.error(f"{db.path!r} has schema version {version}, which this tunewise upgrades on "
                           f"open, but it is opened read-only ({db.read_only}); open it once where it "
                           f"is writable, or with the tunewise version that wrote it")
        version = _migrate(db)
    if version != str(SCHEMA_VERSION):
        raise db.error(_unreadable(db, version))


def _migrate(db: Database) -> str:
    """Run the missing migration steps in one transaction; the version the database has after."""
    with db.engine.connect() as conn, conn.begin():
        _lock(db, conn)
        version = _read_meta(conn, "schema_version")
        number = None if version is None else _version_number(version)
        if number is None or not 1 <= number < SCHEMA_VERSION:  # another process migrated it meanwhile
            return str(version)
        for step in MIGRATIONS[number - 1:]:
            step(conn)
        _set_meta(conn, _stamp())
    return str(SCHEMA_VERSION)


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
