"""PostgreSQL refusing a connection because other clients hold all of its max_connections.

Opening the storage failed at once (so every ``n_jobs`` worker process started while the server
was full died, and optimize() gave up with "worker processes keep dying"); now the storage waits
for a free connection within its retry window, as it waits for a lock, and past the window says
what is wrong. No server is needed: the refusal is what psycopg raises.
"""

from __future__ import annotations

import pytest
import sqlalchemy.exc as sa_exc

from tunewise.exceptions import StorageError
from tunewise.storage._sql._connection import Database

psycopg = pytest.importorskip("psycopg")

REFUSAL = ('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  sorry, too many '
           'clients already')


def _database(retry_seconds: float) -> Database:
    return Database("postgresql+psycopg://u:p@127.0.0.1:9/db", retry_seconds=retry_seconds, busy_timeout=1.0,
                    engine_kwargs={}, synchronous=None)


def _refused_times(n: int):
    calls = []

    def connect():
        calls.append(1)
        if len(calls) <= n:
            raise sa_exc.OperationalError(None, None, psycopg.OperationalError(REFUSAL))
        return "opened"

    return connect, calls


def test_opening_waits_for_a_free_connection():
    connect, calls = _refused_times(2)
    assert _database(retry_seconds=60).open_with_retry(connect) == "opened"
    assert len(calls) == 3


def test_a_server_full_past_the_retry_window_is_explained():
    connect, _ = _refused_times(10**6)
    with pytest.raises(StorageError, match="no free connection: other clients hold all of its max_connections"):
        _database(retry_seconds=0).open_with_retry(connect)


def test_a_wrong_address_still_fails_at_once():
    calls = []

    def connect():
        calls.append(1)
        raise sa_exc.OperationalError(None, None, psycopg.OperationalError("connection refused"))

    with pytest.raises(StorageError, match="server unreachable"):
        _database(retry_seconds=60).open_with_retry(connect)
    assert len(calls) == 1
