"""A storage's own check of its SQLite file must not drop the write lock it holds.

POSIX record locks (SQLite's locks on Linux) belong to the process, and closing ANY descriptor of
the file releases them all. 0a26001 read the file's header with ``open()`` inside the write
transaction, so the lock went with that ``close()``: another process could start writing in the
middle of this one's transaction, and the executor tests failed with "database disk image is
malformed", lost attributes and short trial counts (s33, the lead's first ``-n 2`` run).
"""

from __future__ import annotations

import subprocess
import sys

import tunewise as tw

_TRY_LOCK = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    con.execute("BEGIN IMMEDIATE")
except sqlite3.OperationalError as e:
    print("locked:", e)
else:
    con.execute("ROLLBACK")
    print("got the write lock")
"""


def test_another_process_cannot_write_inside_a_storage_write(tmp_path):
    path = str(tmp_path / "a.db")
    storage = tw.storage.SQLStorage(f"sqlite:///{path}")
    tw.create_study(name="s", storage=storage)
    seen: list[str] = []

    def inside_the_transaction(cur: object) -> None:
        # runs after BEGIN IMMEDIATE and the storage's file check, before COMMIT
        out = subprocess.run([sys.executable, "-c", _TRY_LOCK, path], capture_output=True, text=True,
                             check=True)
        seen.append(out.stdout.strip())

    storage._db.run(inside_the_transaction, write=True)
    storage._db.run(inside_the_transaction, write=True)  # the file id is known from the first write
    assert [s.split(":")[0] for s in seen] == ["locked", "locked"], seen
