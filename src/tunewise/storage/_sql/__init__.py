"""SQL storage through SQLAlchemy Core: SQLite for one machine, PostgreSQL for many.

Design (why it is fast and safe):

- One row per trial, with its params, values, reports and attributes as JSON text columns, so a
  trial write is one statement and reading any number of trials is one query. Nothing is pickled.
- Every write to a study bumps the study's ``seq`` counter inside the write transaction and stamps
  the changed trial row with it. The study row stays locked until commit, so ``seq`` values become
  visible in increasing order. A reader keeps the trials it has seen and asks only for rows with
  ``seq`` above the last one it saw: the cost of a read is proportional to what changed, not to
  the size of the study. Finished trials never change, so cached ones are shared, never copied.
- Trial numbers come from the study's ``next_number`` counter in the same transaction that
  inserts the trial, so they are unique and dense across any number of workers.
- SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and every write
  transaction starts with ``BEGIN IMMEDIATE``: a writer takes the write lock before it reads,
  which is what rules out the "database is locked" upgrade deadlock between processes.
- PostgreSQL claims enqueued trials with ``FOR UPDATE SKIP LOCKED`` so two workers never run the
  same one; starting and finishing a trial are single statements (data-modifying CTEs), one
  network round trip each. Operations are retried with backoff when the connection drops
  (bounded by ``retry_seconds``, then a :class:`~tunewise.exceptions.StorageError`).
- Statements are built with SQLAlchemy Core and compiled once per dialect; the hot path runs
  them on the pooled DBAPI connection, because SQLAlchemy's per-execute machinery costs several
  times what SQLite spends on these small statements.
- Writes that were committed but whose answer was lost with the connection are retried; for
  ``start_trial`` that can leave one orphan RUNNING trial, which heartbeats then fail as stale.

Modules, by concern:

========================  =====================================================================
``_storage.py``           :class:`SQLStorage`, the storage interface: what each operation reads
                          and writes
``_statements.py``        every SQL statement, compiled once for SQLite or PostgreSQL (the only
                          place the two dialects differ)
``_connection.py``        engine and URL handling, SQLite pragmas, per-thread connections, error
                          classification, retries with backoff
``_schema.py``            tables, schema version, migrations (one function per version step)
``_cache.py``             the per-study incremental reader cache and row decoding
========================  =====================================================================
"""

from __future__ import annotations

# ``_reopen`` is what a SQLStorage pickled by an earlier release (when this package was one
# module) names to unpickle itself: it stays importable here.
from tunewise.storage._sql._storage import SQLStorage
from tunewise.storage._sql._storage import _reopen as _reopen

__all__ = ["SQLStorage"]
