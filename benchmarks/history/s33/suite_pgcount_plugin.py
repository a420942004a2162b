"""Scratch pytest plugin (suite33): after each test's teardown, how many server connections the
run's database holds (this plugin's own query connection excluded), as jsonl in
``$PGCOUNT_OUT.<worker>``; with ``PGCOUNT_GC=1`` also the count after a full ``gc.collect()`` and
the collection's time.

    PYTHONPATH=src:benchmarks/history/s33 python -m pytest -p suite_pgcount_plugin -m postgres ...
"""

import gc
import json
import os
import time

_QUERY = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
_conn = None
_out = None


def pytest_runtest_logfinish(nodeid, location):
    global _conn, _out
    url = os.environ.get("TUNEWISE_TEST_POSTGRES_URL")
    if not url:
        return
    import psycopg
    import sqlalchemy as sa

    u = sa.engine.make_url(url)
    if _conn is None:
        _conn = psycopg.connect(u.set(drivername="postgresql").render_as_string(hide_password=False),
                                autocommit=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _out = open(os.environ.get("PGCOUNT_OUT", "pgcount.jsonl") + "." + worker, "a")
    n = _conn.execute(_QUERY, (u.database,)).fetchone()[0]
    rec = {"t": time.time(), "node": nodeid, "db": u.database, "n": n}
    if os.environ.get("PGCOUNT_GC"):
        t0 = time.perf_counter()
        gc.collect()
        rec["gc_s"] = round(time.perf_counter() - t0, 4)
        time.sleep(0.05)
        rec["n_after_gc"] = _conn.execute(_QUERY, (u.database,)).fetchone()[0]
    _out.write(json.dumps(rec) + "\n")
    _out.flush()
