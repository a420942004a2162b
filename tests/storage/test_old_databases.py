"""Databases written by earlier releases open: schema version 1 is migrated, version 2 read as is;
a newer version is refused with the command that installs a tunewise able to read it.

The databases are dumps in tests/storage/data/, written by the releases themselves (see
make_old_databases.py there): SQLite files' dumps, and pg_dump of a PostgreSQL schema.
"""

from __future__ import annotations

import json
import math
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON
from tunewise import distributions as D
from tunewise.exceptions import StorageError
from tunewise.storage import SCHEMA_VERSION
from tunewise.trial import TrialState

DATA = Path(__file__).resolve().parent / "data"
STATES = ["COMPLETE", "COMPLETE", "COMPLETE", "PRUNED", "FAILED", "COMPLETE", "RUNNING", "WAITING", "WAITING"]


class _Database:
    """An old database loaded from its dump: its URL, and raw SQL on it (no tunewise in between)."""

    def __init__(self, url: str, engine: sa.Engine, schema: str = "") -> None:
        self.url = url
        self.engine = engine
        self.prefix = f"{schema}." if schema else ""

    def rows(self, sql: str) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql.replace("{p}", self.prefix)))]

    def execute(self, sql: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql.replace("{p}", self.prefix)))


def _sqlite(version: str, tmp_path: Path) -> Iterator[_Database]:
    path = tmp_path / f"{version}.db"
    con = sqlite3.connect(path)
    con.executescript((DATA / f"{version}.sqlite.sql").read_text())
    con.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    yield _Database(f"sqlite:///{path}", engine)
    engine.dispose()


def _postgresql(version: str) -> Iterator[_Database]:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    schema = f"twold_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(POSTGRES_URL)
    dump = (DATA / f"{version}.postgresql.sql").read_text().replace("__SCHEMA__", schema)
    with engine.connect() as conn:
        conn.connection.driver_connection.autocommit = True  # type: ignore[union-attr]
        conn.exec_driver_sql(dump)
    try:
        url = sa.engine.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield _Database(url.render_as_string(hide_password=False), engine, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["v1-sqlite", "v2-sqlite", pytest.param("v1-postgresql", marks=pytest.mark.postgres),
                        pytest.param("v2-postgresql", marks=pytest.mark.postgres)])
def old(request, tmp_path) -> Iterator[_Database]:
    version, backend = request.param.split("-")
    yield from (_sqlite(version, tmp_path) if backend == "sqlite" else _postgresql(version))


def _objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -1.0, 1.0)
    trial.suggest_categorical("c", ["a", "b"])
    return x * x


def test_an_old_database_opens_and_reads_as_written(old):
    written = old.rows("SELECT number, state, objective_values, params, intermediate, user_attrs, system_attrs "
                       "FROM {p}tunewise_trials ORDER BY number")
    assert [r[1] for r in written] == STATES
    study = tw.load_study("old", old.url)
    assert old.rows("SELECT value FROM {p}tunewise_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    # Version 1 had no retried_from column: the migration fills it from the retry's system_attrs.
    assert old.rows("SELECT number, retried_from FROM {p}tunewise_trials WHERE retried_from IS NOT NULL") == [(7, 4)]
    trials = study.trials
    assert [t.number for t in trials] == list(range(9))
    for t, (number, state, values, params, inter, user, system) in zip(trials, written, strict=True):
        assert (t.number, t.state.value) == (number, state)
        assert t.values == (None if values is None else json.loads(values))
        assert t.params == json.loads(params)
        assert t.intermediate_values == {int(k): v for k, v in json.loads(inter).items()}
        assert (t.user_attrs, t.system_attrs) == (json.loads(user), json.loads(system))
    assert trials[0].intermediate_values == {0: trials[0].params["x"], 1: trials[0].params["x"] / 2}
    assert trials[4].system_attrs["fail_reason"] == "ValueError: trial 4 fails"
    assert study.distributions == {"x": D.Float(-1.0, 1.0), "c": D.Categorical(("a", "b"))}
    assert study.best_value == min(t.value for t in trials if t.state == TrialState.COMPLETE)
    user = study.user_attrs
    assert list(user) == ["owner", "loss"] and user["owner"] == "ana" and math.isnan(user["loss"])
    assert study.system_attrs["note"] == {"k": [1, 2]}
    assert not study.storage.try_claim(study._study_id, "grid-0")  # claimed by the old release
    study.storage.close()


def test_an_old_database_takes_new_writes_and_keeps_its_budget(old):
    study = tw.load_study("old", old.url, sampler=tw.samplers.RandomSampler(seed=1))
    study.set_user_attr("added", 1)  # one item, merged with what the old release wrote
    user = study.user_attrs
    assert list(user) == ["owner", "loss", "added"] and user["owner"] == "ana" and user["added"] == 1
    study.set_system_attr("note", "replaced")
    assert study.system_attrs["note"] == "replaced" and "strategy" in study.system_attrs
    study.optimize(_objective, n_trials=30)
    trials = study.trials
    # The queue ran first, with its fixed params: the retry of trial 4, then the enqueued trial.
    assert (trials[7].state, trials[7].params, trials[7].system_attrs["retried_from"]) == \
        (TrialState.COMPLETE, {"x": 0.5, "c": "a"}, 4)
    assert (trials[8].state, trials[8].params, trials[8].user_attrs) == \
        (TrialState.COMPLETE, {"x": 0.25, "c": "b"}, {"why": "a hunch"})
    # max_trials=12, stored by the old release: retries of crashed trials do not count.
    counted = [t for t in trials if t.state != TrialState.WAITING and "retried_from" not in t.system_attrs]
    assert len(counted) == 12
    assert all(t.state.is_finished() for t in trials[8:])
    study.storage.close()
    again = tw.load_study("old", old.url)  # and it opens again, as the current version
    assert len(again.trials) == len(trials)
    again.storage.close()


def test_a_read_only_version_1_file_says_it_cannot_be_upgraded(tmp_path):
    db = next(_sqlite("v1", tmp_path))
    path = db.url.removeprefix("sqlite:///")
    with pytest.raises(StorageError, match=r"has schema version 1, which this tunewise upgrades on open, but it "
                                           r"is opened read-only \(the URL asks for mode=ro\)"):
        tw.load_study("old", f"sqlite:///{path}?mode=ro")
    assert db.rows("SELECT value FROM tunewise_meta WHERE key = 'schema_version'") == [("1",)]


@pytest.mark.parametrize("writer, command", [
    ("0.9.0", 'pip install -U "tunewise>=0.9.0"'),
    (None, "pip install -U tunewise"),
])
def test_a_newer_version_is_refused_with_the_upgrade_command(tmp_path, writer, command):
    db = next(_sqlite("v2", tmp_path))
    db.execute(f"UPDATE tunewise_meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    if writer is not None:  # releases from this one on record themselves next to the schema version
        db.execute(f"INSERT INTO tunewise_meta VALUES ('tunewise_version', '{writer}')")
    with pytest.raises(StorageError) as e:
        tw.load_study("old", db.url)
    msg = str(e.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in msg and f"`{command}`" in msg and "v2.db" in msg
    assert f"tunewise {tw.__version__} reads (version {SCHEMA_VERSION})" in msg and "\n" not in msg
    assert db.rows("SELECT value FROM tunewise_meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION + 1),)]


def test_a_version_tunewise_never_wrote_is_refused(tmp_path):
    db = next(_sqlite("v2", tmp_path))
    db.execute("UPDATE tunewise_meta SET value = 'two' WHERE key = 'schema_version'")
    with pytest.raises(StorageError, match=r"database schema version 'two' is not one tunewise writes .*"
                                           r"is this a tunewise database\?"):
        tw.load_study("old", db.url)


def test_a_new_database_records_its_schema_version_and_the_release(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    tw.create_study(name="new", storage=url).storage.close()
    con = sqlite3.connect(tmp_path / "new.db")
    meta = dict(con.execute("SELECT key, value FROM tunewise_meta"))
    con.close()
    assert meta == {"schema_version": str(SCHEMA_VERSION), "tunewise_version": tw.__version__}
