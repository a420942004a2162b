"""Schema upgrades by Alembic revisions: `tunewise storage upgrade URL` on databases written by
earlier releases and by the current one (dumps in tests/storage/data/, see make_old_databases.py
there: ``v2-head`` was written by the release these revisions were introduced on), every trial
read back after; the revisions from an empty database build exactly the current schema."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import tunewise as tw
from tests.storage.test_old_databases import STATES, _Database, _postgresql, _sqlite
from tunewise.cli import main
from tunewise.exceptions import StorageError
from tunewise.storage import SCHEMA_VERSION, upgrade_schema

HEAD = f"{SCHEMA_VERSION:04d}"


@pytest.fixture(params=["v1-sqlite", "v2-sqlite", "v2-head-sqlite",
                        pytest.param("v1-postgresql", marks=pytest.mark.postgres),
                        pytest.param("v2-head-postgresql", marks=pytest.mark.postgres)])
def old(request, tmp_path) -> Iterator[tuple[str, _Database]]:
    version, _, backend = request.param.rpartition("-")
    db = _sqlite(version, tmp_path) if backend == "sqlite" else _postgresql(version)
    for d in db:
        yield version, d


def _trials(db: _Database) -> list[tuple]:
    return db.rows("SELECT number, state, objective_values, params, intermediate, user_attrs, system_attrs, "
                   "datetime_start, datetime_complete FROM {p}tunewise_trials ORDER BY number")


def test_the_upgrade_command_then_every_trial_reads_back(old):
    version, db = old
    written = _trials(db)
    assert [r[1] for r in written] == STATES
    result = CliRunner().invoke(main, ["storage", "upgrade", db.url])
    assert result.exit_code == 0, result.output
    if version == "v1":
        assert "upgraded from schema version 1 to 2" in result.output
    else:  # the same tables: Alembic's revision is recorded, nothing else changes
        assert "schema version 2, already current; nothing to do" in result.output
    assert db.rows("SELECT version_num FROM {p}tunewise_alembic_version") == [(HEAD,)]
    assert db.rows("SELECT value FROM {p}tunewise_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    again = CliRunner().invoke(main, ["storage", "upgrade", db.url])
    assert again.exit_code == 0 and "already current" in again.output
    study = tw.load_study("old", db.url)
    trials = study.trials
    assert len(trials) == len(written)
    for t, (number, state, values, params, inter, user, system, start, complete) in zip(trials, written, strict=True):
        assert (t.number, t.state.value) == (number, state)
        assert t.values == (None if values is None else json.loads(values))
        assert t.params == json.loads(params)
        assert t.intermediate_values == {int(k): v for k, v in json.loads(inter).items()}
        assert (t.user_attrs, t.system_attrs) == (json.loads(user), json.loads(system))
        assert (t.datetime_start_ts, t.datetime_complete_ts) == (start, complete)
    assert _trials(db) == written  # the upgrade rewrote no trial
    study.optimize(lambda t: t.suggest_float("x", -1.0, 1.0) ** 2 + len(t.suggest_categorical("c", ["a", "b"])),
                   n_trials=3)
    study.storage.close()


def test_a_sqlite_file_is_backed_up_before_it_is_upgraded(tmp_path):
    db = next(_sqlite("v1", tmp_path))
    path = db.url.removeprefix("sqlite:///")
    result = upgrade_schema(db.url)
    assert (result.old_version, result.new_version, result.upgraded) == (1, SCHEMA_VERSION, True)
    assert result.backup == f"{path}.schema-v1.bak"
    con = sqlite3.connect(result.backup)
    assert con.execute("SELECT value FROM tunewise_meta WHERE key = 'schema_version'").fetchall() == [("1",)]
    assert con.execute("SELECT count(*) FROM tunewise_trials").fetchone() == (len(STATES),)
    con.close()


def test_opening_an_older_database_upgrades_it_after_a_backup(tmp_path):
    db = next(_sqlite("v1", tmp_path))
    path = Path(db.url.removeprefix("sqlite:///"))
    study = tw.load_study("old", db.url)
    assert len(study.trials) == len(STATES)
    study.storage.close()
    assert Path(f"{path}.schema-v1.bak").exists()
    assert db.rows("SELECT version_num FROM tunewise_alembic_version") == [(HEAD,)]


def test_a_new_database_is_stamped_at_the_newest_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    tw.create_study(study_name="new", storage=url).storage.close()
    con = sqlite3.connect(tmp_path / "new.db")
    assert con.execute("SELECT version_num FROM tunewise_alembic_version").fetchall() == [(HEAD,)]
    con.close()
    assert not upgrade_schema(url).upgraded


@pytest.mark.parametrize("case, problem", [
    ("missing", "holds no tunewise tables: nothing to upgrade"),
    ("newer", f"schema version {SCHEMA_VERSION + 1} is newer than this tunewise"),
    ("read-only", "it is opened read-only"),
])
def test_what_cannot_be_upgraded_says_why(tmp_path, case, problem):
    if case == "missing":
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        sqlite3.connect(tmp_path / "empty.db").close()
    else:
        db = next(_sqlite("v1", tmp_path))
        url = db.url
        if case == "newer":
            db.execute(f"UPDATE tunewise_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
        else:
            url += "?mode=ro"
    result = CliRunner().invoke(main, ["storage", "upgrade", url])
    assert result.exit_code == 1 and problem in result.output, result.output
    with pytest.raises(StorageError, match=problem):
        upgrade_schema(url)


def test_the_revisions_from_an_empty_database_build_the_current_schema(tmp_path):
    """Running every revision on an empty database gives the tables a new database is created with."""
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from tunewise.storage._sql._migrations import SCRIPT_LOCATION, VERSION_TABLE

    script = ScriptDirectory(SCRIPT_LOCATION)
    assert script.get_current_head() == HEAD
    migrated = sa.create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    with migrated.begin() as conn:
        ctx = MigrationContext.configure(connection=conn, opts={
            "version_table": VERSION_TABLE, "fn": lambda rev, _ctx: script._upgrade_revs("head", rev)})
        with Operations.context(ctx):
            ctx.run_migrations()
    created = f"sqlite:///{tmp_path / 'created.db'}"
    tw.create_study(study_name="s", storage=created).storage.close()

    def shape(url: str) -> dict[str, object]:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            out = {t: ([(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)],
                       sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(t)),
                       sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(t)),
                       insp.get_pk_constraint(t)["constrained_columns"])
                   for t in insp.get_table_names()}
            meta = dict(conn.execute(sa.text("SELECT key, value FROM tunewise_meta")).all())
        engine.dispose()
        return {"tables": out, "schema_version": meta["schema_version"]}

    assert shape(str(migrated.url)) == shape(created)
    migrated.dispose()
