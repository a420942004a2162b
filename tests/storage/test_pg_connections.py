"""The server connections a process holds while it runs PostgreSQL studies one after another are
bounded by its threads and its pool, not by how many studies it opened (s32
lead_pg_connections.txt: one more connection per study, 10 studies -> 10, each held until the
study's idle heartbeat thread exited 30 s later; under pytest-xdist the suite's two workers
took 99 of the server's 100).

Only this test's connections are counted: its URL carries an ``application_name`` of its own.
The heartbeat interval is long (60 s), so a heartbeat thread that kept its connection until its
idle exit (180 s here) would still hold it when the counts are read."""

from __future__ import annotations

import gc
import threading
import time
import uuid

import pytest

import tunewise as tw
from tests.storage._backends import POSTGRES_URL, SKIP_PG_REASON, unique

pytestmark = pytest.mark.postgres

# One connection per thread that runs studies, plus the pool's idle ones (pool_size=4).
BOUND = 1 + 4
SETTLE = 20.0  # seconds to wait for a count to come down to the bound (generous: a loaded machine)


def _own_url() -> tuple[str, str]:
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG_REASON)
    import sqlalchemy as sa

    app = f"tw-conn-{uuid.uuid4().hex[:10]}"
    url = sa.engine.make_url(POSTGRES_URL).update_query_dict({"application_name": app})
    return url.render_as_string(hide_password=False), app


def _held(app: str) -> int:
    import psycopg

    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")  # type: ignore[union-attr]
    with psycopg.connect(plain) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (app,)).fetchone()
    return int(row[0]) if row else 0


def _settled(app: str, bound: int) -> int:
    """This test's connections once they are at most ``bound``, or what they are after SETTLE seconds."""
    deadline = time.monotonic() + SETTLE
    while True:
        n = _held(app)
        if n <= bound or time.monotonic() > deadline:
            return n
        time.sleep(0.1)


def _objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    time.sleep(0.08)  # past the heartbeat thread's first write (parameters saved 0.05 s after the start)
    return x


def _study(url: str, i: int) -> tw.Study:
    study = tw.create_study(study_name=unique(f"conn-{i}"), storage=url, heartbeat_interval=60,
                            sampler=tw.samplers.RandomSampler(seed=i))
    study.optimize(_objective, n_trials=1)
    assert len(study.trials) == 1
    return study


def _sequential(url: str, app: str, n: int) -> list[int]:
    counts = []
    for i in range(n):
        study = _study(url, i)
        del study
        gc.collect()
        counts.append(_settled(app, BOUND))
    return counts


def test_studies_one_after_another_hold_a_bounded_number_of_connections():
    url, app = _own_url()
    counts = _sequential(url, app, 8)
    assert max(counts) <= BOUND, counts  # before: 2 more per study (its storage's and its heartbeat thread's)


def test_a_long_lived_worker_thread_holds_a_bounded_number_of_connections():
    # A Dask worker thread or a sweep agent: a thread that outlives the studies it runs.
    url, app = _own_url()
    out: list[list[int]] = []
    worker = threading.Thread(target=lambda: out.append(_sequential(url, app, 4)))
    worker.start()
    worker.join()
    assert out and max(out[0]) <= BOUND, out


def test_studies_kept_open_share_connections_and_closing_them_gives_all_back():
    url, app = _own_url()
    studies = []
    counts = []
    for i in range(4):
        studies.append(_study(url, i))
        counts.append(_settled(app, BOUND))
    assert max(counts) <= BOUND, counts  # before: 2 per open study
    for study in studies:
        study.storage.close()
    assert _settled(app, 0) == 0  # before: the idle heartbeat threads kept theirs


def test_a_connection_given_back_after_the_last_storage_closed_is_closed():
    # A heartbeat thread gives its connection back on its next tick, which on a loaded machine can
    # come after the last storage on the URL was closed (s33: the closing suite's run, 1 left after
    # 20 s): the pool was disposed by then, and a connection checked in to it stayed open until a
    # garbage collection.
    url, app = _own_url()
    storage = tw.storage.SQLStorage(url)
    tw.create_study(study_name=unique("conn-late"), storage=storage)
    took, release = threading.Event(), threading.Event()

    def other_thread() -> None:
        storage.get_all_studies()  # this thread's own connection
        took.set()
        release.wait(30)
        storage._db.release_thread()  # as the heartbeat thread does when it has no trial left

    thread = threading.Thread(target=other_thread)
    gc.disable()  # the leak lasted until a collection: none may hide it here
    try:
        thread.start()
        assert took.wait(30)
        storage.close()  # the last storage on the URL: the pool is disposed
        release.set()
        thread.join(30)
        assert _settled(app, 0) == 0
    finally:
        gc.enable()
