"""The storage conformance suite: every storage implementation must pass all of it.

Parametrized over InMemoryStorage, SQLite (a file in a temp dir) and PostgreSQL (when
TUNEWISE_TEST_POSTGRES_URL is set; see tests/storage/_backends.py).
"""

from __future__ import annotations

import math
import pickle
import threading
import time

import pytest

from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise import distributions as D
from tunewise.exceptions import DuplicatedStudyError, StudyNotFoundError
from tunewise.storage import BaseStorage, InMemoryStorage, get_storage
from tunewise.storage._base import PreparedStart
from tunewise.trial import TrialState


@pytest.fixture(params=BACKENDS)
def make(request, tmp_path):
    """A factory of storage handles that all see the same data (a new connection per call)."""
    url = backend_url(request.param, tmp_path)
    opened: list[BaseStorage] = []
    memory = InMemoryStorage()

    def factory() -> BaseStorage:
        s = memory if url is None else get_storage(url)
        opened.append(s)
        return s

    yield factory
    for s in opened:
        s.close()


@pytest.fixture()
def storage(make):
    return make()


@pytest.fixture()
def sid(storage):
    return storage.create_study(unique("s"), ["minimize"])


def _finish(storage, t, value, **kw):
    return storage.finish_trial(t.trial_id, TrialState.COMPLETE, [value], **kw)


# ---- studies -----------------------------------------------------------------------------------
def test_create_get_delete_study(storage):
    name = unique("study")
    sid = storage.create_study(name, ["maximize", "minimize"])
    assert storage.get_study_id(name) == sid
    assert storage.get_study_directions(sid) == ["maximize", "minimize"]
    assert name in [s.name for s in storage.get_all_studies()]
    storage.delete_study(sid)
    assert name not in [s.name for s in storage.get_all_studies()]
    with pytest.raises(StudyNotFoundError, match=name):
        storage.get_study_id(name)


def test_duplicate_study_name_is_rejected(storage):
    name = unique("dup")
    storage.create_study(name, ["minimize"])
    with pytest.raises(DuplicatedStudyError, match="load_if_exists"):
        storage.create_study(name, ["minimize"])


def test_missing_study(storage):
    with pytest.raises(StudyNotFoundError, match="no-such-study"):
        storage.get_study_id("no-such-study")
    with pytest.raises(StudyNotFoundError):
        storage.get_trials(987654321)
    with pytest.raises(StudyNotFoundError):
        storage.start_trial(987654321)


def test_delete_study_removes_its_trials_and_frees_the_name(storage):
    name = unique("gone")
    sid = storage.create_study(name, ["minimize"])
    _finish(storage, storage.start_trial(sid), 1.0, params={"x": 1})
    storage.set_study_attr(sid, "k", 1)
    storage.delete_study(sid)
    sid2 = storage.create_study(name, ["minimize"])
    assert sid2 != sid  # ids are never reused: caches key on them
    assert storage.get_trials(sid2) == []
    assert storage.get_study_attrs(sid2) == {}
    assert storage.start_trial(sid2).number == 0


def test_study_summaries(storage):
    name = unique("sum")
    sid = storage.create_study(name, ["maximize"])
    for v in (0.2, 0.9, 0.5):
        _finish(storage, storage.start_trial(sid), v)
    storage.start_trial(sid)  # running
    summary = next(s for s in storage.get_all_studies() if s.name == name)
    assert (summary.study_id, summary.n_trials, summary.n_complete) == (sid, 4, 3)
    assert summary.best_value == pytest.approx(0.9)
    assert summary.directions == ["maximize"]


def test_study_attrs_are_json(storage, sid):
    storage.set_study_attr(sid, "system", {"a": [1, 2], "b": None})
    storage.set_study_attr(sid, "user", {"note": "hi"})
    storage.set_study_attr(sid, "user", {"note": "changed"})
    assert storage.get_study_attrs(sid) == {"system": {"a": [1, 2], "b": None}, "user": {"note": "changed"}}
    with pytest.raises(TypeError):
        storage.set_study_attr(sid, "bad", object())


# ---- distributions -----------------------------------------------------------------------------
def test_distributions_first_one_wins(storage, sid):
    f = D.Float(0.0, 1.0)
    assert storage.add_distribution(sid, "x", f) == f
    assert storage.add_distribution(sid, "x", D.Float(0.0, 2.0)) == f
    storage.add_distribution(sid, "c", D.Categorical(("a", 1, None)))
    assert storage.get_distributions(sid) == {"x": f, "c": D.Categorical(("a", 1, None))}


# ---- trials ------------------------------------------------------------------------------------
def test_numbers_are_dense_and_trials_ordered(storage, sid):
    numbers = []
    for i in range(6):
        if i % 3 == 1:
            numbers.append(storage.enqueue_trial(sid, {"x": i}).number)
        else:
            numbers.append(storage.start_trial(sid, claim_waiting=False).number)
    assert numbers == list(range(6))
    assert [t.number for t in storage.get_trials(sid)] == list(range(6))
    assert len({t.trial_id for t in storage.get_trials(sid)}) == 6


def test_enqueued_trials_are_claimed_oldest_first(storage, sid):
    a = storage.enqueue_trial(sid, {"x": 0.1}, user_attrs={"src": "manual"})
    b = storage.enqueue_trial(sid, {"x": 0.2}, system_attrs={"retried_from": 7})
    assert a.state == b.state == TrialState.WAITING
    assert a.system_attrs["fixed_params"] == {"x": 0.1}
    fresh = storage.start_trial(sid, claim_waiting=False)
    assert fresh.number == 2 and fresh.state == TrialState.RUNNING
    t1 = storage.start_trial(sid)
    assert (t1.number, t1.trial_id, t1.state) == (0, a.trial_id, TrialState.RUNNING)
    assert t1.user_attrs == {"src": "manual"} and t1.system_attrs["fixed_params"] == {"x": 0.1}
    t2 = storage.start_trial(sid)
    assert t2.number == 1 and t2.system_attrs["retried_from"] == 7
    assert storage.start_trial(sid).number == 3  # queue empty: a new trial
    assert storage.get_trials(sid, states=(TrialState.WAITING,)) == []


def test_prepared_attributes_are_written_with_the_start(make):
    """A sampler's proposal goes into the start's own write; for a numbered trial only."""
    storage = make()
    sid = storage.create_study(unique("prep"), ["minimize"])
    reader = make()
    proposal = {"proposal": {"x": 0.25, "opt": "adam"}}
    t0 = storage.start_trial(sid, prepared=PreparedStart(None, proposal, {"who": "w1"}))
    assert t0.number == 0 and t0.system_attrs == proposal and t0.user_attrs == {"who": "w1"}
    seen = reader.get_trials(sid, states=(TrialState.RUNNING,))
    assert [(t.number, t.system_attrs, t.user_attrs) for t in seen] == [(0, proposal, {"who": "w1"})]
    # Prepared for trial 5, but the start gives 1: nothing is written.
    t1 = storage.start_trial(sid, prepared=PreparedStart(5, proposal))
    assert t1.number == 1 and t1.system_attrs == {} and reader.get_trial(t1.trial_id).system_attrs == {}
    t2 = storage.start_trial(sid, prepared=PreparedStart(2, proposal))
    assert t2.number == 2 and reader.get_trial(t2.trial_id).system_attrs == proposal
    # A claimed WAITING trial keeps its own attributes (fixed_params); the proposal is merged in.
    storage.enqueue_trial(sid, {"x": 0.5}, user_attrs={"src": "manual"})
    assert storage.next_trial_number(sid) == 3 and storage.next_trial_number(sid, claim_waiting=False) == 4
    t3 = storage.start_trial(sid, prepared=PreparedStart(3, proposal, {"who": "w2"}))
    assert t3.number == 3 and t3.system_attrs == {"fixed_params": {"x": 0.5}, **proposal}
    assert t3.user_attrs == {"src": "manual", "who": "w2"}
    stored = reader.get_trial(t3.trial_id)
    assert stored.system_attrs == t3.system_attrs and stored.user_attrs == t3.user_attrs
    assert storage.next_trial_number(sid) == 4
    with pytest.raises(TypeError, match="JSON serializable|JSON-serializable"):
        storage.start_trial(sid, prepared=PreparedStart(None, {"bad": object()}))
    assert storage.start_trial(sid).number == 4  # the refused start wrote nothing
    # A patch without a number was prepared for a new trial: a WAITING trial claimed instead
    # (another worker enqueued it after the proposal) keeps only its own attributes.
    storage.enqueue_trial(sid, {"x": 0.75}, user_attrs={"src": "other worker"})
    t4 = storage.start_trial(sid, prepared=PreparedStart(None, proposal, {"who": "w3"}))
    stored = reader.get_trial(t4.trial_id)
    assert t4.number == 5 and t4.system_attrs == {"fixed_params": {"x": 0.75}} == stored.system_attrs
    assert t4.user_attrs == {"src": "other worker"} == stored.user_attrs
    assert storage.start_trial(sid, prepared=PreparedStart(None, proposal)).system_attrs == proposal  # a new one
    # An enqueued trial whose stored attributes hold NaN still takes the patch.
    storage.enqueue_trial(sid, {"x": 0.5}, user_attrs={"loss": math.nan})
    t5 = storage.start_trial(sid, prepared=PreparedStart(7, proposal))
    stored = reader.get_trial(t5.trial_id)
    assert t5.number == 7 and stored.system_attrs == {"fixed_params": {"x": 0.5}, **proposal}
    assert math.isnan(stored.user_attrs["loss"])


def test_update_replaces_whole_fields_and_none_keeps(storage, sid):
    t = storage.start_trial(sid)
    storage.add_distribution(sid, "x", D.Float(0, 1))
    storage.update_trial(t.trial_id, params={"x": 0.5}, intermediate_values={0: 1.0, 3: 0.5},
                         user_attrs={"a": 1})
    storage.update_trial(t.trial_id, intermediate_values={0: 1.0, 3: 0.5, 4: -math.inf})
    got = storage.get_trial(t.trial_id)
    assert got.params == {"x": 0.5}
    assert got.intermediate_values == {0: 1.0, 3: 0.5, 4: -math.inf}
    assert all(isinstance(k, int) for k in got.intermediate_values)
    assert got.user_attrs == {"a": 1} and got.system_attrs == {}
    assert got.distributions == {"x": D.Float(0, 1)}
    assert got.state == TrialState.RUNNING


def test_finish_is_atomic_and_final(storage, sid):
    t = storage.start_trial(sid)
    assert storage.finish_trial(t.trial_id, TrialState.COMPLETE, [0.25], params={"x": 1},
                                intermediate_values={1: 0.5}, user_attrs={"u": 1}, system_attrs={"s": 2})
    done = storage.get_trial(t.trial_id)
    assert (done.state, done.values, done.value, done.params) == (TrialState.COMPLETE, [0.25], 0.25, {"x": 1})
    assert done.intermediate_values == {1: 0.5} and done.user_attrs == {"u": 1} and done.system_attrs == {"s": 2}
    assert done.datetime_complete is not None and done.duration is not None
    # Finished trials never change: a second finish is refused, an update raises.
    assert storage.finish_trial(t.trial_id, TrialState.FAILED, None) is False
    with pytest.raises(RuntimeError, match="COMPLETE"):
        storage.update_trial(t.trial_id, params={"x": 2})
    again = storage.get_trial(t.trial_id)
    assert (again.state, again.values, again.params) == (TrialState.COMPLETE, [0.25], {"x": 1})


def test_every_finish_is_final_and_a_late_result_is_kept_apart(storage, sid):
    p = storage.start_trial(sid)
    assert storage.finish_trial(p.trial_id, TrialState.PRUNED, [0.3])
    assert not storage.finish_trial(p.trial_id, TrialState.COMPLETE, [0.1])
    f = storage.start_trial(sid)
    assert storage.finish_trial(f.trial_id, TrialState.FAILED, None, system_attrs={"fail_reason": "stale"})
    # A trial declared failed (e.g. stale, and perhaps retried) is never finished again by its
    # late worker: its result is kept as data on the failed trial and counts nowhere.
    assert not storage.finish_trial(f.trial_id, TrialState.COMPLETE, [0.2])
    assert storage.record_late_result(f.trial_id, {"state": "COMPLETE", "values": [0.2]})
    late = storage.get_trial(f.trial_id)
    assert (late.state, late.values) == (TrialState.FAILED, None)
    assert late.system_attrs["fail_reason"] == "stale"
    assert late.system_attrs["late_result"] == {"state": "COMPLETE", "values": [0.2]}
    assert [t.state for t in storage.get_trials(sid)] == [TrialState.PRUNED, TrialState.FAILED]
    # Only a FAILED trial takes a late result.
    assert not storage.record_late_result(p.trial_id, {"state": "COMPLETE", "values": [0.1]})
    assert "late_result" not in storage.get_trial(p.trial_id).system_attrs


def test_multi_objective_values(storage):
    sid = storage.create_study(unique("mo"), ["minimize", "maximize"])
    t = storage.start_trial(sid)
    storage.finish_trial(t.trial_id, TrialState.COMPLETE, [1.5, -2.0])
    assert storage.get_trials(sid)[0].values == [1.5, -2.0]


def test_state_filters(storage, sid):
    states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED, TrialState.COMPLETE]
    for s in states:
        t = storage.start_trial(sid)
        storage.finish_trial(t.trial_id, s, [1.0] if s != TrialState.FAILED else None)
    storage.start_trial(sid)
    storage.enqueue_trial(sid, {})
    assert [t.number for t in storage.get_trials(sid, states=(TrialState.COMPLETE,))] == [0, 3]
    assert [t.number for t in storage.get_trials(sid, states={TrialState.PRUNED, TrialState.COMPLETE})] == [0, 1, 3]
    assert [t.number for t in storage.get_trials(sid, states=[TrialState.RUNNING])] == [4]
    assert [t.number for t in storage.get_trials(sid, states=[TrialState.WAITING])] == [5]
    assert storage.count_trials(sid) == 6
    assert storage.count_trials(sid, states=(TrialState.FAILED,)) == 1


def test_params_must_be_json(storage, sid):
    t = storage.start_trial(sid)
    with pytest.raises(TypeError):
        storage.update_trial(t.trial_id, user_attrs={"bad": object()})
    with pytest.raises(TypeError):
        storage.enqueue_trial(sid, {"x": object()})


def test_unknown_trial(storage, sid):
    with pytest.raises(KeyError):
        storage.get_trial(987654321)
    with pytest.raises(KeyError):
        storage.finish_trial(987654321, TrialState.COMPLETE, [1.0])


def test_finished_trials_are_shared_not_copied(storage, sid):
    t = storage.start_trial(sid)
    _finish(storage, t, 1.0)
    a = storage.get_trials(sid)[0]
    storage.start_trial(sid)  # another change to the study
    b = storage.get_trials(sid)[0]
    assert a is b


def test_other_handles_see_changes(make):
    """Two handles (for SQL: two connections with their own caches) see each other's writes."""
    s1, s2 = make(), make()
    sid = s1.create_study(unique("two"), ["minimize"])
    assert s2.get_trials(sid) == []
    t = s1.start_trial(sid)
    s1.add_distribution(sid, "x", D.Float(0, 1))
    assert [x.state for x in s2.get_trials(sid)] == [TrialState.RUNNING]
    s1.update_trial(t.trial_id, intermediate_values={0: 0.7})
    assert s2.get_trials(sid)[0].intermediate_values == {0: 0.7}
    s1.finish_trial(t.trial_id, TrialState.COMPLETE, [0.5], params={"x": 0.5})
    u = s2.start_trial(sid)
    seen = s2.get_trials(sid)
    assert [(x.number, x.state, x.value) for x in seen] == [(0, TrialState.COMPLETE, 0.5),
                                                            (1, TrialState.RUNNING, None)]
    assert seen[0].distributions == {"x": D.Float(0, 1)}
    s2.finish_trial(u.trial_id, TrialState.COMPLETE, [0.1])
    assert [x.value for x in s1.get_trials(sid, states=(TrialState.COMPLETE,))] == [0.5, 0.1]
    assert s1.get_distributions(sid) == s2.get_distributions(sid)


def test_try_claim_exactly_once(make):
    s1, s2 = make(), make()
    sid = s1.create_study(unique("claim"), ["minimize"])
    assert s1.try_claim(sid, "grid-3")
    assert not s2.try_claim(sid, "grid-3")
    assert not s1.try_claim(sid, "grid-3")
    other = s1.create_study(unique("claim2"), ["minimize"])
    assert s2.try_claim(other, "grid-3")  # claims are per study

    wins = []
    handles = [make() for _ in range(4)]

    def contend(s: BaseStorage) -> None:
        for k in range(20):
            if s.try_claim(sid, f"key-{k}"):
                wins.append(k)

    threads = [threading.Thread(target=contend, args=(h,)) for h in handles]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(wins) == list(range(20))


def test_concurrent_start_trial_threads(make):
    s0 = make()
    sid = s0.create_study(unique("threads"), ["minimize"])
    for i in range(10):
        s0.enqueue_trial(sid, {"i": i})
    got: list[tuple[int, int]] = []
    lock = threading.Lock()

    def worker() -> None:
        s = make()
        for _ in range(10):
            t = s.start_trial(sid)
            s.finish_trial(t.trial_id, TrialState.COMPLETE, [float(t.number)])
            with lock:
                got.append((t.number, t.trial_id))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    numbers = sorted(n for n, _ in got)
    assert numbers == list(range(30))  # unique and dense; every enqueued trial run exactly once
    enqueued = [t for t in s0.get_trials(sid) if "fixed_params" in t.system_attrs]
    assert sorted(t.system_attrs["fixed_params"]["i"] for t in enqueued) == list(range(10))
    assert all(t.state == TrialState.COMPLETE for t in s0.get_trials(sid))


# ---- liveness ------------------------------------------------------------------------------------
def test_heartbeats_and_stale_trials(make):
    s1, s2 = make(), make()
    sid = s1.create_study(unique("hb"), ["minimize"])
    alive, dead = s1.start_trial(sid), s1.start_trial(sid)
    s1.update_trial(dead.trial_id, params={"x": 0.3})
    done = s1.start_trial(sid)
    _finish(s1, done, 1.0)
    assert s2.fail_stale_trials(sid, grace_seconds=3600) == []
    time.sleep(0.3)
    s1.record_heartbeat(alive.trial_id)
    stale = s2.fail_stale_trials(sid, grace_seconds=0.2)
    assert [t.trial_id for t in stale] == [dead.trial_id]
    assert stale[0].state == TrialState.FAILED and stale[0].params == {"x": 0.3}
    assert stale[0].system_attrs["fail_reason"].startswith("stale: ")
    stored = s1.get_trial(dead.trial_id)
    assert stored.state == TrialState.FAILED and stored.system_attrs["fail_reason"].startswith("stale: ")
    assert s1.get_trial(alive.trial_id).state == TrialState.RUNNING
    assert s1.get_trial(done.trial_id).state == TrialState.COMPLETE
    # Exactly once: a second sweep finds nothing to fail.
    assert s1.fail_stale_trials(sid, grace_seconds=0.2) == []


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
    ("sqlite://", "in-memory"),
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
