"""Faults to test a storage, an executor or a whole study against: a database that goes away.

:class:`FlakyProxy` sits between a storage and its database server (PostgreSQL, say): point the
storage's URL at ``127.0.0.1:proxy.port`` and call ``down()`` / ``up()`` to play an outage. Used
by tunewise's own outage tests and by ``benchmarks/chaos.py``.

:func:`crash_point` marks the places in tunewise where a ``kill -9`` is known to be dangerous
(between two writes that must both happen); with ``TUNEWISE_FAULT_KILL=<name>`` in a process's
environment, that process SIGKILLs itself the first time it reaches the point of that name, so a
test can land a kill exactly there. Unset (always, outside such tests) a point costs one
comparison.

:class:`LostAnswers` loses the answers of chosen statements of a PostgreSQL ``SQLStorage``: the
server runs the statement (autocommit: it is committed), then the client sees the connection drop
before the answer arrived, as when a network link or a proxy fails at that moment.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["CRASH_POINTS", "FlakyProxy", "KILL_ENV", "LostAnswers", "crash_point"]

#: Environment variable naming the crash point at which the process kills itself.
KILL_ENV = "TUNEWISE_FAULT_KILL"
#: The crash points tunewise passes through, and where they are.
CRASH_POINTS = {
    "claim:enqueue": "a scheduler's claim (an ASHA promotion, a PBT generation) is taken and its continuations "
                     "are not enqueued yet",
    "stale:retry": "a trial whose worker died is failed as stale and its retry is not enqueued yet",
    # The three ":retry" points are reached where the storage asks the caller what becomes of the
    # trial (its retry), inside the one step that ends the trial and enqueues the retry.
    "pause:finish": "a trial's PAUSE/STOP decision is published and the trial is not finished PRUNED yet",
    "dead:retry": "the parent of optimize(n_jobs=k) ends the trial of a worker that died (FAILED) and its retry "
                  "is not enqueued yet",
    "interrupt:retry": "a trial stopped by SIGTERM is ended FAILED and its retry is not enqueued yet",
}
_KILL_AT = os.environ.get(KILL_ENV) or None


def crash_point(name: str) -> None:
    """SIGKILL this process if ``TUNEWISE_FAULT_KILL`` names this point (see :data:`CRASH_POINTS`).

    >>> crash_point("claim:enqueue")  # nothing happens unless the environment asks for it
    """
    if _KILL_AT is not None and _KILL_AT == name:
        os.kill(os.getpid(), signal.SIGKILL)


class FlakyProxy:
    """Forward ``127.0.0.1:<port>`` to a database server; ``down()`` drops every open connection and
    refuses new ones until ``up()``: an outage of the server, as the storage sees it, without
    stopping a server others may share.

    >>> import socket
    >>> server = socket.create_server(("127.0.0.1", 0))
    >>> proxy = FlakyProxy("127.0.0.1", server.getsockname()[1])
    >>> socket.create_connection(("127.0.0.1", proxy.port)).close()   # reaches the server
    >>> proxy.down(); proxy.up(); proxy.close(); server.close()
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.is_down = False
        self.socks: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.socks += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def down(self) -> None:
        self.is_down = True
        with self.lock:
            socks, self.socks = self.socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass

    def up(self) -> None:
        self.is_down = False

    def close(self) -> None:
        self.closed = True
        self.down()
        self.listener.close()


class LostAnswers:
    """Lose the answers of chosen statements of ``storage`` (a PostgreSQL ``SQLStorage``): each
    statement for which ``chosen(sql, earlier)`` is True (``earlier``: the statements its cursor
    ran before it since the last ``BEGIN``; one cursor runs one storage operation) and
    ``lose(n)`` is True (``n``: how many chosen statements came before it, from 0) runs on the
    server, then the client closes the connection and gets psycopg's "server closed the
    connection unexpectedly". With ``before=True`` the connection is closed instead of sending
    the statement: the server never ran it.

    ``seen`` counts the chosen statements, ``lost`` the answers lost; while ``in_progress`` is
    above 0, each ``txid_status`` question (the storage asking whether a transaction whose COMMIT
    got no answer committed) is answered "in progress" and the count goes down by one. Wraps the
    storage's connections from now on; wrap again for a second kind of statement.

    The two filters tunewise's tests use:

    >>> LostAnswers.containing("WITH w AS (")("WITH w AS (SELECT 1) SELECT 2", [])
    True
    >>> claim = LostAnswers.commit_after("INSERT INTO tunewise_claims")
    >>> claim("COMMIT", ["BEGIN; SELECT txid_current()", "INSERT INTO tunewise_claims VALUES (1, 'k')"])
    True
    >>> claim("COMMIT", ["BEGIN; SELECT txid_current()", "UPDATE tunewise_trials SET state = 1"])
    False
    """

    def __init__(
        self,
        storage: Any,
        chosen: Callable[[str, Sequence[str]], bool],
        lose: Callable[[int], bool] = lambda n: True,
        before: bool = False,
    ) -> None:
        self.chosen, self.lose, self.before = chosen, lose, before
        self.seen = 0
        self.lost = 0
        self.in_progress = 0
        db = storage._db
        if db.is_sqlite:
            raise ValueError(
                "LostAnswers needs a PostgreSQL storage: SQLite runs in this process, so its "
                "answers cannot be lost on the way"
            )
        connect = db.raw
        db.raw = lambda: _AnswerLosingConnection(self, connect())

    @staticmethod
    def containing(text: str) -> Callable[[str, Sequence[str]], bool]:
        """A filter for ``chosen``: the statements whose SQL contains ``text``."""
        return lambda sql, earlier: text in sql

    @staticmethod
    def commit_after(prefix: str) -> Callable[[str, Sequence[str]], bool]:
        """A filter for ``chosen``: the COMMIT of a transaction that ran a statement starting with
        ``prefix`` (case and leading white space aside)."""
        prefix = prefix.upper()
        return lambda sql, earlier: sql == "COMMIT" and any(s.lstrip().upper().startswith(prefix) for s in earlier)

    def _execute(self, cur: Any, driver: Any, sql: str, params: Any, earlier: Sequence[str]) -> Any:
        if "txid_status" in sql and self.in_progress > 0:
            self.in_progress -= 1
            return cur.execute("SELECT 'in progress'::text")
        if not self.chosen(sql, earlier):
            return cur.execute(sql, params)
        n, self.seen = self.seen, self.seen + 1
        if not self.lose(n):
            return cur.execute(sql, params)
        import psycopg

        self.lost += 1
        if not self.before:
            cur.execute(sql, params)  # run to its end on the server (committed, for an autocommit statement)
        driver.close()
        raise psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")


class _AnswerLosingConnection:
    def __init__(self, faults: LostAnswers, raw: Any) -> None:
        self._faults, self._raw = faults, raw

    def cursor(self) -> _AnswerLosingCursor:
        return _AnswerLosingCursor(self._faults, self._raw, self._raw.cursor())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _AnswerLosingCursor:
    def __init__(self, faults: LostAnswers, raw: Any, cur: Any) -> None:
        self._faults, self._raw, self._cur = faults, raw, cur
        self._earlier: list[str] = []

    def execute(self, sql: str, params: Any = None) -> Any:
        if sql.lstrip().upper().startswith("BEGIN"):
            self._earlier = []
        earlier, self._earlier = self._earlier, [*self._earlier, sql]
        return self._faults._execute(self._cur, self._raw.driver_connection, sql, params, earlier)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)
