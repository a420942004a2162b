"""`tunewise import optuna`: studies written by real Optuna (RDB on SQLite and PostgreSQL, journal
file) come over field by field, the source is only read, and an Optuna database opened as a
tunewise storage is refused (unchanged) with the command that imports it."""

from __future__ import annotations

import hashlib
import math
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON
from tunewise import distributions as D
from tunewise.exceptions import DuplicatedStudyError, StorageError
from tunewise.trial import DISTRIBUTIONS_ATTR

optuna = pytest.importorskip("optuna")
optuna.logging.set_verbosity(optuna.logging.WARNING)

_STATES = {"COMPLETE": "COMPLETE", "PRUNED": "PRUNED", "FAIL": "FAILED", "RUNNING": "RUNNING", "WAITING": "WAITING"}


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", -3.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n0 = trial.suggest_int("n_units_l0", 4, 128)
    n1 = trial.suggest_int("n_units_l1", 4, n0)  # a range that depends on another parameter
    k = trial.suggest_int("k", 1, 64, log=True)
    c = trial.suggest_categorical("c", [None, True, 1.5, "relu"])
    trial.set_user_attr("tag", f"t{trial.number}")
    trial.set_user_attr("nested", {"a": [1, 2.5, None], "c": c})
    trial.storage.set_trial_system_attr(trial._trial_id, "sys", {"n": trial.number})
    for step in range(3):
        value = x * x + step
        if trial.number == 3 and step == 1:
            value = float("nan")  # Optuna records NaN reports
        if trial.number == 4 and step == 2:
            value = float("inf")
        trial.report(value, step)
    if trial.number in (3, 5):
        raise optuna.TrialPruned()
    if trial.number == 6:
        raise ValueError("trial 6 fails")
    if trial.number == 7:
        return float("inf")
    return x * x + lr + q + n1 / max(n0, 1) + k / 64 + (0.1 if c == "relu" else 0.0)


def _fill(storage: object) -> None:
    """Two studies: a single-objective one with every kind of trial, and a two-objective one."""
    study = optuna.create_study(study_name="single", storage=storage, direction="minimize",
                                sampler=optuna.samplers.RandomSampler(seed=0))
    study.set_user_attr("owner", "ana")
    study.set_user_attr("loss", float("nan"))
    study._storage.set_study_system_attr(study._study_id, "note", {"k": [1, 2]})
    study.optimize(_objective, n_trials=10, catch=(ValueError,))
    # A range widened while the study ran: trials keep the distribution they were sampled from.
    study.optimize(lambda t: t.suggest_float("x", -10.0, 10.0) ** 2, n_trials=1)
    running = study.ask()  # left RUNNING, as by a killed worker
    running.suggest_float("x", -10.0, 10.0)
    study.enqueue_trial({"x": 0.5, "lr": 1e-3}, user_attrs={"why": "a hunch"})
    multi = optuna.create_study(study_name="multi", storage=storage, directions=["minimize", "maximize"],
                                sampler=optuna.samplers.RandomSampler(seed=1))
    multi.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 0, 9)), n_trials=5)


# ---- sources written by Optuna ----------------------------------------------------------------------
def _sqlite_source(tmp_path: Path) -> Iterator[tuple[str, str]]:
    path = tmp_path / "optuna.db"
    url = f"sqlite:///{path}"
    _fill(url)
    yield url, url


def _journal_source(tmp_path: Path) -> Iterator[tuple[str, str]]:
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    path = str(tmp_path / "optuna.log")
    storage = JournalStorage(JournalFileBackend(path))
    _fill(storage)
    yield path, storage  # type: ignore[misc]


def _postgres_source(fill=_fill) -> Iterator[tuple[str, str]]:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    schema = f"optuna_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    text = url.render_as_string(hide_password=False)
    try:
        fill(text)
        yield text, text
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=[pytest.param("sqlite", marks=pytest.mark.slow), "journal",
                        pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])])
def source(request, tmp_path) -> Iterator[tuple[str, object]]:
    """(what to pass tunewise, what to pass optuna.load_study) for an Optuna storage Optuna wrote."""
    if request.param == "sqlite":
        yield from _sqlite_source(tmp_path)
    elif request.param == "journal":
        yield from _journal_source(tmp_path)
    else:
        yield from _postgres_source()


def _tw_distribution(d: optuna.distributions.BaseDistribution) -> D.Distribution:
    if isinstance(d, optuna.distributions.FloatDistribution):
        return D.Float(d.low, d.high, log=d.log, step=d.step)
    if isinstance(d, optuna.distributions.IntDistribution):
        return D.Int(d.low, d.high, log=d.log, step=d.step)
    return D.Categorical(tuple(d.choices))


def _same_float(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return (math.isnan(a) and math.isnan(b)) or a == b


def _check_study(tw_study: tw.Study, op_study: optuna.Study) -> None:
    assert tw_study.directions == [d.name.lower() for d in op_study.directions]
    assert tw_study.user_attrs.keys() == op_study.user_attrs.keys()
    for k, v in op_study.user_attrs.items():
        assert _same_float(tw_study.user_attrs[k], v) if isinstance(v, float) else tw_study.user_attrs[k] == v
    assert tw_study.system_attrs == op_study._storage.get_study_system_attrs(op_study._study_id)
    mine, theirs = tw_study.trials, op_study.get_trials(deepcopy=False)
    assert [t.number for t in mine] == [t.number for t in theirs]
    for a, b in zip(mine, theirs, strict=True):
        assert a.state.value == _STATES[b.state.name], a.number
        assert (a.values is None) == (b.values is None)
        if b.values is not None:
            assert all(_same_float(x, y) for x, y in zip(a.values, b.values, strict=True))
        assert a.params == b.params and {k: type(v) for k, v in a.params.items()} == \
            {k: type(v) for k, v in b.params.items()}
        assert a.distributions == {k: _tw_distribution(d) for k, d in b.distributions.items()}, a.number
        assert a.intermediate_values.keys() == b.intermediate_values.keys()
        assert all(_same_float(a.intermediate_values[s], v) for s, v in b.intermediate_values.items())
        assert a.user_attrs == b.user_attrs
        own = {k: v for k, v in a.system_attrs.items() if k != DISTRIBUTIONS_ATTR}
        assert own == b.system_attrs
        assert a.datetime_start == b.datetime_start and a.datetime_complete == b.datetime_complete, a.number


def test_every_field_of_every_trial_comes_over(source, tmp_path):
    src, op_storage = source
    target = f"sqlite:///{tmp_path / 'tw.db'}"
    fingerprint = _fingerprint(src)
    assert tw.import_optuna(src, target) == {"single": 13, "multi": 5}
    assert _fingerprint(src) == fingerprint  # the source is only read
    for name in ("single", "multi"):
        study = tw.load_study(name, target)
        _check_study(study, optuna.load_study(study_name=name, storage=op_storage))
        study.storage.close()
    single = tw.load_study("single", target)
    states = [t.state.value for t in single.trials]
    assert states.count("PRUNED") == 2 and states.count("FAILED") == 1 and states[10:] == ["COMPLETE", "RUNNING",
                                                                                           "WAITING"]
    assert single.trials[7].values == [math.inf] and math.isnan(single.trials[3].intermediate_values[1])
    assert (single.trials[6].state.value, single.trials[6].values) == ("FAILED", None)
    # The widened range: the study's space is the latest one, the trials before keep theirs.
    assert single.distributions["x"] == D.Float(-10.0, 10.0)
    assert single.trials[0].distributions["x"] == D.Float(-3.0, 3.0)
    assert single.trials[10].distributions["x"] == D.Float(-10.0, 10.0)
    assert single.trials[12].system_attrs["fixed_params"] == {"x": 0.5, "lr": 1e-3}
    single.storage.close()


def _fingerprint(src: str) -> str:
    path = src.removeprefix("sqlite:///") if src.startswith("sqlite:///") else src
    if "://" in path:  # PostgreSQL: the rows of every table
        engine = sa.create_engine(src.replace("postgresql+psycopg", "postgresql+psycopg"))
        with engine.connect() as conn:
            names = sorted(sa.inspect(conn).get_table_names())
            text = repr([(n, sorted(map(repr, conn.execute(sa.text(f"SELECT * FROM {n}")).all()))) for n in names])
        engine.dispose()
        return hashlib.sha256(text.encode()).hexdigest()
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_an_imported_study_resumes_where_optuna_left_it(tmp_path):
    src = f"sqlite:///{tmp_path / 'optuna.db'}"
    study = optuna.create_study(study_name="s", storage=src, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=12)
    target = f"sqlite:///{tmp_path / 'tw.db'}"
    result = CliRunner().invoke(_cli(), ["import", "optuna", src, "--storage", target])
    assert result.exit_code == 0, result.output
    assert "imported study 's': 12 trials" in result.output
    resumed = tw.load_study("s", target, sampler=tw.samplers.TPESampler(seed=0))
    resumed.optimize(lambda t: (t.suggest_float("x", -1, 1) - 0.5) ** 2, n_trials=8)
    assert [t.number for t in resumed.trials] == list(range(20))
    assert resumed.best_value <= study.best_value  # TPE starts from Optuna's 12 observations
    resumed.storage.close()


def _cli():
    from tunewise.cli import main

    return main


def _two_small_studies(storage: object) -> None:
    optuna.create_study(study_name="single", storage=storage).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    optuna.create_study(study_name="multi", storage=storage, directions=["minimize", "maximize"]).optimize(
        lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 0, 9)), n_trials=5)


def test_one_study_by_name_and_no_overwrite(tmp_path):
    src = f"sqlite:///{tmp_path / 'optuna.db'}"
    _two_small_studies(src)
    target = f"sqlite:///{tmp_path / 'tw.db'}"
    assert tw.import_optuna(src, target, study_name="multi") == {"multi": 5}
    storage = tw.storage.get_storage(target)
    assert [s.name for s in storage.get_all_studies()] == ["multi"]
    storage.close()
    with pytest.raises(DuplicatedStudyError, match="already has a study named 'multi'"):
        tw.import_optuna(src, target, study_name="multi")
    with pytest.raises(StorageError, match=r"has no study named 'nope' \(its studies: 'single', 'multi'\)"):
        tw.import_optuna(src, target, study_name="nope")
    result = CliRunner().invoke(_cli(), ["import", "optuna", src, "--storage", target, "--study", "multi"])
    assert result.exit_code == 1 and "already has a study named 'multi'" in result.output


def test_a_plain_sqlite_path_is_read_as_an_optuna_database(tmp_path):
    path = tmp_path / "optuna.db"
    optuna.create_study(study_name="p", storage=f"sqlite:///{path}").optimize(
        lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert tw.import_optuna(str(path), f"sqlite:///{tmp_path / 'tw.db'}") == {"p": 3}


def test_opening_an_optuna_database_as_a_storage_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "optuna.db"
    url = f"sqlite:///{path}"
    optuna.create_study(study_name="s", storage=url).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StorageError) as e:
        tw.load_study("s", url)
    msg = str(e.value)
    assert "this is an Optuna database" in msg and f"tunewise import optuna {url} --storage" in msg
    assert "\n" not in msg
    with pytest.raises(StorageError, match="this is an Optuna database"):
        tw.create_study(study_name="mine", storage=url)
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    con.close()
    assert not [t for t in tables if t.startswith("tunewise_")]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.postgres
def test_an_optuna_postgresql_database_is_refused_too():
    for src, _ in _postgres_source(_two_small_studies):
        with pytest.raises(StorageError, match="this is an Optuna database"):
            tw.create_study(study_name="mine", storage=src)
        engine = sa.create_engine(src)
        with engine.connect() as conn:
            assert not [t for t in sa.inspect(conn).get_table_names() if t.startswith("tunewise_")]
        engine.dispose()


def test_mysql_urls_say_what_works(tmp_path):
    with pytest.raises(StorageError) as e:
        tw.create_study(storage="mysql://u:secret@127.0.0.1:1/db")
    msg = str(e.value)
    assert "unsupported database 'mysql' for a tunewise storage" in msg
    assert "tunewise import optuna mysql+pymysql" in msg
    assert "secret" not in msg
    # As an Optuna source, a MySQL URL is read with pymysql (no server here: the error says why, in one line).
    with pytest.raises(StorageError) as e:
        tw.import_optuna("mysql://u:secret@127.0.0.1:1/db", f"sqlite:///{tmp_path / 'tw.db'}")
    msg = str(e.value)
    assert msg.startswith("Optuna storage 'mysql://u:***@127.0.0.1:1/db'") and "secret" not in msg and "\n" not in msg


@pytest.mark.parametrize("content, problem", [
    (b"not json\n", "line 1 is not JSON"),
    (b'{"op_code": 4, "study_id": 0}\n{"op_code": 99}\n', "cannot read"),
])
def test_a_file_that_is_not_a_journal_is_one_clear_error(tmp_path, content, problem):
    path = tmp_path / "x.log"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=problem):
        tw.import_optuna(str(path), f"sqlite:///{tmp_path / 'tw.db'}")


def test_the_importer_never_imports_optuna():
    import subprocess
    import sys

    code = ("import sys, tunewise as tw; from tunewise.storage._sql import _optuna; "
            "assert 'optuna' not in sys.modules, 'optuna imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.postgres
def test_importing_into_postgresql(tmp_path):
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    for journal, op_storage in _journal_source(tmp_path):
        schema = f"twimport_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        target = sa.engine.make_url(POSTGRES_URL).update_query_dict(
            {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
        try:
            assert tw.import_optuna(journal, target) == {"single": 13, "multi": 5}
            for name in ("single", "multi"):
                study = tw.load_study(name, target)
                _check_study(study, optuna.load_study(study_name=name, storage=op_storage))
                study.storage.close()
        finally:
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()
