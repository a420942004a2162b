"""The storage conformance suite, run against every storage tunewise ships.

The suite itself is :mod:`tunewise.testing.storage` (third parties run it on their own storages);
here it runs against InMemoryStorage, SQLite (a file in a temp dir), PostgreSQL (when
TUNEWISE_TEST_POSTGRES_URL is set; see tests/storage/_backends.py) and the worker's view of its
parent's in-memory storage (``execution/_worker.py`` ``_RemoteStorage``, served by the
coordinator as during ``optimize(n_jobs=k)``). SQL-only checks follow.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
from collections.abc import Iterator

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import BaseStorage, InMemoryStorage, get_storage
from tunewise.testing.storage import StorageFactory, StorageTests
from tunewise.trial import TrialState


def _finish(storage, t, value, **kw):
    return storage.finish_trial(t.trial_id, TrialState.COMPLETE, [value], **kw)


# ---- the suite, on every storage -------------------------------------------------------------------
class TestInMemoryStorage(StorageTests):
    @pytest.fixture
    def make_storage(self) -> StorageFactory:
        memory = InMemoryStorage()
        return lambda: memory


class _SQLStorageTests(StorageTests):
    backend = ""

    @pytest.fixture
    def make_storage(self, tmp_path) -> Iterator[StorageFactory]:
        url = backend_url(self.backend, tmp_path)
        opened: list[BaseStorage] = []

        def make() -> BaseStorage:
            opened.append(get_storage(url))
            return opened[-1]

        yield make
        for s in opened:
            s.close()


class TestSQLiteStorage(_SQLStorageTests):
    backend = "sqlite"


@pytest.mark.postgres
class TestPostgreSQLStorage(_SQLStorageTests):
    backend = "postgresql"


class TestRemoteStorage(StorageTests):
    """A worker's ``_RemoteStorage``: each handle is one worker's connection to the coordinator,
    which serves the parent's in-memory storage from a thread per worker, as in optimize(n_jobs)."""

    shares_finished_trials = False  # every read is a copy sent over the connection

    @pytest.fixture
    def make_storage(self) -> Iterator[StorageFactory]:
        from tunewise.execution._job import OptimizeJob
        from tunewise.execution._local import _Coordinator
        from tunewise.execution._worker import _RemoteStorage

        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))  # the parent's, in memory
        job = OptimizeJob(study, lambda trial: 0.0, (), None, None, [], None)
        coordinator = _Coordinator(job, b"", 1)
        links: list[tuple[multiprocessing.connection.Connection, threading.Thread]] = []

        def make() -> BaseStorage:
            parent_end, worker_end = multiprocessing.Pipe()
            serving = threading.Thread(target=coordinator.serve, args=(parent_end,), daemon=True)
            serving.start()
            links.append((worker_end, serving))
            return _RemoteStorage(worker_end)

        yield make
        for worker_end, serving in links:
            worker_end.close()  # the coordinator's thread sees EOF and ends
            serving.join(10)
            assert not serving.is_alive()


# ---- SQL only ------------------------------------------------------------------------------------
@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request, tmp_path):
    return backend_url(request.param, tmp_path)


def test_sql_storage_pickles_by_url(sql_url):
    s = get_storage(sql_url)
    sid = s.create_study(unique("pickle"), ["minimize"])
    s2 = pickle.loads(pickle.dumps(s))
    assert s2 is not s and s2.url == sql_url and s2.is_persistent
    assert s2.get_study_directions(sid) == ["minimize"]
    assert "***" in repr(s) or "@" not in sql_url


def test_incremental_reads_fetch_only_changes(sql_url):
    s1, s2 = get_storage(sql_url), get_storage(sql_url)
    sid = s1.create_study(unique("inc"), ["minimize"])
    ts = [s1.start_trial(sid) for _ in range(5)]
    for t in ts:
        _finish(s1, t, float(t.number))
    first = s2.get_trials(sid)
    s1.start_trial(sid)
    second = s2.get_trials(sid)
    assert all(a is b for a, b in zip(first, second[:5], strict=True))  # cached objects, not re-read
    assert len(second) == 6
    cache = s2._caches[sid]
    assert cache.seq == max(t.number for t in second) + 1 + 5  # one seq per write: 6 starts + 5 finishes


def test_schema_version_mismatch_is_a_clear_error(tmp_path):
    import sqlalchemy as sa

    from tunewise.exceptions import StorageError

    url = f"sqlite:///{tmp_path / 'old.db'}"
    get_storage(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE tunewise_meta SET value='99' WHERE key='schema_version'"))
    engine.dispose()
    with pytest.raises(StorageError) as e:
        get_storage(url)
    msg = str(e.value)
    assert "schema version 99" in msg and "old.db" in msg and "\n" not in msg


def test_the_database_file_holds_other_tables_too(tmp_path):
    """A database shared with another tool (e.g. Optuna's ``studies`` table) is left alone."""
    import sqlite3

    path = tmp_path / "shared.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name TEXT)")
    con.commit()
    con.close()
    s = get_storage(f"sqlite:///{path}")
    sid = s.create_study("mine", ["minimize"])
    assert s.get_study_id("mine") == sid


@pytest.mark.parametrize("url, problem", [
    ("not a url", "malformed URL"),
    ("sqlite:///file::memory:?uri=true", "in-memory"),
    ("sqlite:///{tmp}/no/such/dir/x.db", "does not exist"),
    ("mysql://u:secret@localhost/db", "unsupported database 'mysql'"),
    ("postgresql+psycopg2://u:secret@localhost/db", "unsupported PostgreSQL driver"),
    ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "unreachable"),
])
def test_bad_urls_are_one_line_errors(url, problem, tmp_path):
    from tunewise.exceptions import StorageError

    url = url.replace("{tmp}", str(tmp_path))
    with pytest.raises(StorageError) as e:
        get_storage(url)
    msg = str(e.value)
    assert problem in msg and "\n" not in msg
    assert "secret" not in msg  # passwords are masked
    if "://" in url:
        assert url.split("://")[0] in msg


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_sqlite_url_is_a_private_database_shared_by_worker_processes(url):
    """Optuna scripts write create_study(storage="sqlite:///:memory:"); SQLite keeps such a database
    per connection, so tunewise keeps it in a private file (removed with the storage object, at the
    latest when the process exits)."""
    import os

    import tunewise as tw

    study = tw.create_study(storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, n_jobs=2)
    assert len(study.trials) == 4 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)
    path = study._storage._db.path  # type: ignore[attr-defined]
    assert os.path.exists(path) and "tunewise-sqlite-memory-" in path
    other = tw.create_study(storage=url)  # another private database, not the first one
    assert other._storage._db.path != path and len(other.trials) == 0  # type: ignore[attr-defined]


def test_postgres_wrong_password_is_a_clear_error():
    from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON

    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    import sqlalchemy as sa

    from tunewise.exceptions import StorageError

    url = sa.engine.make_url(POSTGRES_URL).set(password="definitely-wrong")
    bad = url.render_as_string(hide_password=False)
    with pytest.raises(StorageError) as e:
        get_storage(bad)
    msg = str(e.value)
    assert "authentication failed" in msg and "definitely-wrong" not in msg and "\n" not in msg


def test_postgres_schema_version_mismatch():
    """Run in a private PostgreSQL schema so the shared test database is not touched."""
    from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON

    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    import uuid

    import sqlalchemy as sa

    from tunewise.exceptions import StorageError

    schema = f"twtest_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        url = sa.engine.make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        url_s = url.render_as_string(hide_password=False)
        s = get_storage(url_s)
        s.create_study("x", ["minimize"])
        s.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f"UPDATE {schema}.tunewise_meta SET value='7' WHERE key='schema_version'"))
        with pytest.raises(StorageError, match="schema version 7"):
            get_storage(url_s)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


class _StorageWithoutAtomicSteps(tw.storage.InMemoryStorage):
    """A storage written before ``claim_and_enqueue`` / ``recover_stale_trials`` / ``recover_trial``:
    it gets the non-atomic defaults of BaseStorage, which must still keep the contract's results."""

    claim_and_enqueue = BaseStorage.claim_and_enqueue
    recover_stale_trials = BaseStorage.recover_stale_trials
    recover_trial = BaseStorage.recover_trial


def test_the_defaults_for_older_storages_keep_the_results():
    from tunewise.testing.storage import (
        check_a_dead_trial_recovered_with_its_retry,
        check_claim_and_enqueue_exactly_once,
    )

    s = _StorageWithoutAtomicSteps()
    check_claim_and_enqueue_exactly_once(lambda: s)  # one storage, many handles on it
    check_a_dead_trial_recovered_with_its_retry(lambda: s)
    sid = s.create_study("old", ["minimize"])
    t = s.start_trial(sid)
    s.update_trial(t.trial_id, params={"x": 0.5})
    time.sleep(0.05)
    ended = s.recover_stale_trials(sid, 0.01, lambda f: tw.storage.StaleOutcome(retry=(dict(f.params), {})))
    assert [(f.state, r.state, r.system_attrs["fixed_params"]) for f, r in ended] == [
        (TrialState.FAILED, TrialState.WAITING, {"x": 0.5})]


class _Killed(BaseException):
    """A process killed here (a test's stand-in for SIGKILL: nothing after it runs)."""


class _KilledAtTheSecondWrite(_StorageWithoutAtomicSteps):
    """A storage with BaseStorage's defaults whose process is killed at the second write of one
    ``recover_trial``: between its two steps (end the trial, enqueue its retry)."""

    armed = False
    writes = 0

    def _write(self) -> None:
        if self.armed:
            self.writes += 1
            if self.writes == 2:
                self.armed = False
                raise _Killed

    def enqueue_trial(self, *args, **kwargs):
        self._write()
        return super().enqueue_trial(*args, **kwargs)

    def finish_trial(self, *args, **kwargs):
        self._write()
        return super().finish_trial(*args, **kwargs)


def test_the_default_recover_trial_killed_between_its_steps_loses_no_retry_and_queues_one():
    # Before session 21 the default finished the trial FAILED, then enqueued its retry: killed in
    # between, the trial was FAILED with no retry, and a second recovery left it so (not RUNNING).
    # Now the retry is queued first and found again by the next recovery.
    s = _KilledAtTheSecondWrite()
    sid = s.create_study("third-party", ["minimize"])
    t = s.start_trial(sid)
    s.update_trial(t.trial_id, params={"x": 0.25})

    def outcome(f):
        return tw.storage.StaleOutcome(retry=(dict(f.params), {"retried_from": f.number}))

    s.armed = True
    with pytest.raises(_Killed):
        s.recover_trial(sid, t.trial_id, "worker died", outcome)
    s.recover_trial(sid, t.trial_id, "worker died", outcome)  # the next recovery (a restarted parent)
    trials = s.get_trials(sid)
    retries = [r for r in trials if r.system_attrs.get("retried_from") == t.number]
    assert s.get_trial(t.trial_id).state == TrialState.FAILED
    assert [(r.state, r.system_attrs["fixed_params"]) for r in retries] == [(TrialState.WAITING, {"x": 0.25})]
    assert s.recover_trial(sid, t.trial_id, "worker died", outcome) is None  # ended: nothing more


def test_the_default_recover_trial_of_a_trial_ended_meanwhile_leaves_no_second_run():
    # Another process ended the trial between this recovery's read and its finish: the retry queued
    # here would run the trial a second time; it is finished FAILED unrun instead.
    s = _StorageWithoutAtomicSteps()
    sid = s.create_study("third-party-race", ["minimize"])
    t = s.start_trial(sid)

    def outcome(f):
        # the trial's own worker finishes it now (it was not dead after all), inside this recovery
        s.finish_trial(t.trial_id, TrialState.COMPLETE, [1.0])
        return tw.storage.StaleOutcome(retry=({}, {"retried_from": f.number}))

    assert s.recover_trial(sid, t.trial_id, "presumed dead", outcome) is None
    states = [(x.number, x.state) for x in s.get_trials(sid)]
    assert states == [(0, TrialState.COMPLETE), (1, TrialState.FAILED)]
    assert "not run" in s.get_trials(sid)[1].system_attrs["fail_reason"]


def test_a_shared_storage_inheriting_non_atomic_defaults_fails_the_conformance_suite_naming_them():
    from tunewise.testing.storage import check_a_shared_storage_overrides_the_non_atomic_defaults, non_atomic_defaults

    class SharedThirdParty(_StorageWithoutAtomicSteps):
        set_study_attr_item = BaseStorage.set_study_attr_item

        @property
        def is_persistent(self) -> bool:
            return True

    assert sorted(non_atomic_defaults(SharedThirdParty)) == ["claim_and_enqueue", "recover_stale_trials",
                                                             "set_study_attr_item"]
    with pytest.raises(AssertionError, match="set_study_attr_item .*claim_and_enqueue .*recover_stale_trials"):
        check_a_shared_storage_overrides_the_non_atomic_defaults(SharedThirdParty)
    check_a_shared_storage_overrides_the_non_atomic_defaults(_StorageWithoutAtomicSteps)  # one process: fine
    assert non_atomic_defaults(tw.storage.SQLStorage) == {}


def test_a_shared_storage_inheriting_the_claim_for_trial_default_is_flagged():
    # claim_for_trial's default claims, and the trial records the claimed point only with its next
    # write: a worker killed in between leaves a grid point claimed that never runs (s24 faults.md:
    # 4-7 of 60 points per run). A storage several processes share must do both in one step.
    from tunewise.testing.storage import check_a_shared_storage_overrides_the_non_atomic_defaults, non_atomic_defaults

    class SharedWithoutClaimForTrial(tw.storage.InMemoryStorage):
        claim_for_trial = BaseStorage.claim_for_trial

        @property
        def is_persistent(self) -> bool:
            return True

    assert list(non_atomic_defaults(SharedWithoutClaimForTrial)) == ["claim_for_trial"]
    with pytest.raises(AssertionError, match="claim_for_trial .*never runs"):
        check_a_shared_storage_overrides_the_non_atomic_defaults(SharedWithoutClaimForTrial)
    assert non_atomic_defaults(tw.storage.InMemoryStorage) == {}
