"""A TCP proxy in front of PostgreSQL that loses the answers of chosen statements (session 26, case 1).

The proxy reads the PostgreSQL wire protocol in both directions. Each client request group (a
simple ``Query``, or the extended-protocol messages up to a ``Sync``) is matched against a pattern
by the SQL text it runs (a ``Parse``'s text, or the text of the prepared statement a ``Bind`` names).
When a matching group is chosen to lose its answer, the proxy lets the server run it to its end
(the server's ``ReadyForQuery``: an autocommit statement has committed by then), discards every
message of that answer, and closes both sockets: what a client sees when the connection drops after
the server committed and before its answer arrived.

Used by ``faults_lost_reply.py``. Nothing here is tunewise's: the proxy only forwards bytes.
"""

from __future__ import annotations

import random
import re
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable


class LossyProxy:
    """Listen on 127.0.0.1 (a free port: ``port``) and forward to ``(host, port)``.

    ``rules``: a list of (label, regex). A group whose SQL matches a rule's regex is that rule's;
    ``lose(label, n)`` (n: the rule's count of groups so far, from 0) says whether its answer is lost.
    ``counts[label]`` and ``lost[label]`` count them."""

    def __init__(self, host: str, port: int, rules: list[tuple[str, str]], lose: Callable[[str, int], bool]) -> None:
        self.target = (host, port)
        self.rules = [(label, re.compile(rx, re.S)) for label, rx in rules]
        self.lose = lose
        self.counts: dict[str, int] = {label: 0 for label, _ in rules}
        self.lost: dict[str, int] = {label: 0 for label, _ in rules}
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.enabled = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _classify(self, sql: str) -> str | None:
        for label, rx in self.rules:
            if rx.search(sql):
                return label
        return None

    def _serve(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.target)
        except OSError:
            client.close()
            return
        # groups: for each client request group in flight, whether its answer is to be lost
        groups: deque[tuple[str | None, bool]] = deque()
        glock = threading.Lock()
        state = {"closed": False}

        def close() -> None:
            state["closed"] = True
            for s in (client, server):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        def recv_exact(s: socket.socket, n: int) -> bytes:
            buf = b""
            while len(buf) < n:
                chunk = s.recv(n - len(buf))
                if not chunk:
                    raise ConnectionError
                buf += chunk
            return buf

        def upstream() -> None:
            names: dict[str, str] = {}
            pending: list[str] = []
            try:
                # startup: SSL / GSS requests are refused here, then the startup message goes through
                while True:
                    head = recv_exact(client, 8)
                    length, code = struct.unpack("!ii", head)
                    body = recv_exact(client, length - 8)
                    if code in (80877103, 80877104):
                        client.sendall(b"N")
                        continue
                    server.sendall(head + body)
                    break
                while True:
                    kind = recv_exact(client, 1)
                    (length,) = struct.unpack("!i", recv_exact(client, 4))
                    body = recv_exact(client, length - 4)
                    if kind == b"P":  # Parse: name, query
                        name, rest = body.split(b"\0", 1)
                        query = rest.split(b"\0", 1)[0].decode()
                        names[name.decode()] = query
                        pending.append(query)
                    elif kind == b"B":  # Bind: portal, statement name
                        stmt = body.split(b"\0", 2)[1].decode()
                        if stmt in names:
                            pending.append(names[stmt])
                    elif kind == b"C" and body[:1] == b"S":  # Close statement
                        names.pop(body[1:].split(b"\0", 1)[0].decode(), None)
                    if kind in (b"S", b"Q"):
                        sql = body.split(b"\0", 1)[0].decode() if kind == b"Q" else " ; ".join(pending)
                        pending = []
                        label = self._classify(sql) if self.enabled else None
                        drop = False
                        if label is not None:
                            with self.lock:
                                n = self.counts[label]
                                self.counts[label] += 1
                                drop = bool(self.lose(label, n))
                                if drop:
                                    self.lost[label] += 1
                        with glock:
                            groups.append((label, drop))
                    server.sendall(kind + struct.pack("!i", length) + body)
                    if kind == b"X":
                        break
            except (ConnectionError, OSError):
                pass
            if not state["closed"]:
                close()

        def downstream() -> None:
            try:
                # authentication and parameter messages until the first ReadyForQuery: no group
                first = True
                while True:
                    kind = recv_exact(server, 1)
                    raw_len = recv_exact(server, 4)
                    (length,) = struct.unpack("!i", raw_len)
                    body = recv_exact(server, length - 4)
                    if first:
                        client.sendall(kind + raw_len + body)
                        if kind == b"Z":
                            first = False
                        continue
                    with glock:
                        head = groups[0] if groups else (None, False)
                    if head[1]:  # this answer is lost: never forwarded
                        if kind == b"Z":  # the server is done with the group (committed, if autocommit)
                            close()
                            return
                        continue
                    client.sendall(kind + raw_len + body)
                    if kind == b"Z":
                        with glock:
                            if groups:
                                groups.popleft()
            except (ConnectionError, OSError, IndexError):
                pass
            if not state["closed"]:
                close()

        threading.Thread(target=upstream, daemon=True).start()
        threading.Thread(target=downstream, daemon=True).start()


def seeded_loss(p: float, seed: int, skip: int = 0) -> Callable[[str, int], bool]:
    """Lose each matching answer with probability ``p`` (after the first ``skip`` of each label)."""
    rngs: dict[str, random.Random] = {}

    def lose(label: str, n: int) -> bool:
        rng = rngs.setdefault(label, random.Random(f"{seed}:{label}"))
        return n >= skip and rng.random() < p

    return lose
