"""The CLI's reading commands pointed at a SQLite file that is not a tunewise storage (another
application's database, an empty file, a mistyped path) refuse it with an error naming the file
and leave it byte for byte as it was; session 28 found they added tunewise's tables to it, and
created a database file at a mistyped path."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from click.testing import CliRunner

import tunewise as tw
from tunewise.cli import main

READING = [
    ["studies"],
    ["studies", "-f", "json"],
    ["study-names"],
    ["trials", "s"],
    ["best", "s"],
    ["export", "s"],
    ["best-trial", "--study-name", "s"],
    ["best-trials", "--study-name", "s"],
    ["delete", "s", "--yes"],
    ["delete-study", "--study-name", "s"],
]


def _other_app_db(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO users (name) VALUES ('ada')")
    conn.commit()
    conn.close()


def _digest(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _invoke(args, url):
    return CliRunner().invoke(main, [*args, "--storage", url])


@pytest.mark.parametrize("args", READING, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("kind", ["other_app", "empty_file"])
def test_a_reading_command_refuses_a_file_that_is_not_a_storage_and_changes_nothing(tmp_path, args, kind):
    path = tmp_path / "app.db"
    if kind == "other_app":
        _other_app_db(path)
    else:
        path.write_bytes(b"")
    before = _digest(tmp_path)
    res = _invoke(args, f"sqlite:///{path}")
    assert res.exit_code == 1, res.output
    assert f"'{path}' is not a tunewise storage" in res.output and "Traceback" not in res.output
    assert _digest(tmp_path) == before  # no tables added, no WAL switch, no -wal/-shm files


@pytest.mark.parametrize("args", READING[:5], ids=lambda a: " ".join(a))
def test_a_reading_command_creates_no_file_at_a_mistyped_path(tmp_path, args):
    path = tmp_path / "tunwise.db"
    res = _invoke(args, f"sqlite:///{path}")
    assert res.exit_code == 1, res.output
    assert f"'{path}' does not exist" in res.output
    assert list(tmp_path.iterdir()) == []


def test_reading_commands_still_read_a_storage_and_creating_commands_still_create_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    assert _invoke(["create-study", "--study-name", "s"], url).exit_code == 0
    tw.load_study("s", url).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    res = _invoke(["studies"], url)
    assert res.exit_code == 0 and "s" in res.output.split()
    assert _invoke(["trials", "s"], url).exit_code == 0
    assert _invoke(["best", "s"], url).output.startswith("best trial: #")


def test_an_optuna_database_is_still_named_as_such(tmp_path):
    path = tmp_path / "optuna.db"
    conn = sqlite3.connect(path)
    for table in ("studies", "trials", "version_info"):
        conn.execute(f"CREATE TABLE {table} (id INTEGER)")
    conn.commit()
    conn.close()
    before = _digest(tmp_path)
    res = _invoke(["studies"], f"sqlite:///{path}")
    assert res.exit_code == 1 and "this is an Optuna database" in res.output and "tunewise import optuna" in res.output
    assert _digest(tmp_path) == before
