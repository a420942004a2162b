"""Faults to test a storage, an executor or a whole study against: a database that goes away.

:class:`FlakyProxy` sits between a storage and its database server (PostgreSQL, say): point the
storage's URL at ``127.0.0.1:proxy.port`` and call ``down()`` / ``up()`` to play an outage. Used
by tunewise's own outage tests and by ``benchmarks/chaos.py``.
"""

from __future__ import annotations

import socket
import threading

__all__ = ["FlakyProxy"]


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
