"""Optuna's ``optuna.integration.dask``: ``DaskStorage`` for a study optimized by Dask tasks.

Optuna's ``DaskStorage`` keeps the trials in the Dask scheduler's memory. tunewise gives the tasks
a storage they all open themselves: with ``storage=None``, a SQLite file in a new temporary
folder, which the workers of a cluster on this machine (``distributed.LocalCluster``, ``Client()``)
share safely; on a cluster with workers on other machines, pass a PostgreSQL URL (a worker
elsewhere cannot open a local file, and ``DaskStorage`` refuses that case with a message).
``study.optimize(..., executor=tw.DaskExecutor(client))`` is tunewise's own way to run trials on Dask.

>>> import tunewise as tw
>>> from tunewise.integration.dask import DaskStorage
>>> study = tw.create_study(storage=DaskStorage(client=False))  # no cluster check
>>> type(study.storage).__name__
'SQLStorage'
"""

from __future__ import annotations

import os
import socket
import tempfile
from typing import Any

from tunewise.storage import BaseStorage, InMemoryStorage, get_storage

__all__ = ["DaskStorage"]

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}


def _local_addresses() -> set[str]:
    names = set(_LOCAL_HOSTS) | {socket.gethostname()}
    try:
        names |= {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:  # pragma: no cover - no resolvable host name
        pass
    return names


def _remote_workers(client: Any) -> list[str]:
    workers = client.scheduler_info().get("workers", {})
    local = _local_addresses()
    remote = []
    for address in workers:
        host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
        if host not in local:
            remote.append(address)
    return remote


def DaskStorage(storage: str | BaseStorage | None = None, name: str | None = None, client: Any = None) -> BaseStorage:  # noqa: N802
    """A storage every Dask task of the study can open (Optuna's ``DaskStorage(storage, name, client)``).

    ``storage=None`` gives a SQLite file in a new temporary folder; a URL or a SQL storage is
    used as it is (PostgreSQL for workers on other machines). An in-memory storage cannot be
    shared by processes and is refused. ``client`` (default: Dask's current client, if any) is
    checked for workers on other machines, which a local SQLite file cannot serve; ``client=False``
    skips the check. ``name`` is accepted for Optuna's signature.
    """
    if isinstance(storage, InMemoryStorage):
        raise ValueError("DaskStorage(InMemoryStorage()) cannot be shared by Dask workers in other processes: pass "
                         "storage=None (a SQLite file on this machine) or a PostgreSQL URL")
    if storage is not None:
        return get_storage(storage)
    if client is None:
        try:
            from distributed import default_client

            client = default_client()
        except (ImportError, ValueError):  # no Dask, or no client yet: nothing to check
            client = False
    if client is not False:
        remote = _remote_workers(client)
        if remote:
            raise ValueError(f"DaskStorage() keeps the study in a SQLite file on this machine, but Dask workers "
                             f"{remote[:3]} run elsewhere: pass DaskStorage('postgresql://...') (or give that URL to "
                             "create_study) so every worker reaches the same database")
    folder = tempfile.mkdtemp(prefix="tunewise-dask-")
    return get_storage(f"sqlite:///{os.path.join(folder, 'study.db')}")
