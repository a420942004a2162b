"""Optuna storages without a tunewise counterpart: importable (a script that imports them but runs
on another storage still works), and using one raises an error that says what to use instead.
"""

from __future__ import annotations

from typing import Any, NoReturn

__all__ = ["GrpcStorageProxy", "JournalRedisBackend", "JournalRedisStorage", "run_grpc_proxy_server"]

_MANY_MACHINES = ("point every machine at one PostgreSQL database (storage='postgresql+psycopg://user@host/db'), "
                  "or run one study's trials on a cluster with optimize(executor=tw.DaskExecutor(...)) or "
                  "tw.RayExecutor")


def _no_counterpart(name: str, instead: str) -> NotImplementedError:
    return NotImplementedError(f"optuna.storages.{name} has no tunewise counterpart: {instead}")


class GrpcStorageProxy:
    """Optuna's gRPC proxy of an RDB storage: no tunewise counterpart (creating one raises).

    >>> from tunewise.storages import GrpcStorageProxy
    >>> GrpcStorageProxy(host="localhost", port=13000)
    Traceback (most recent call last):
    ...
    NotImplementedError: optuna.storages.GrpcStorageProxy has no tunewise counterpart: point every machine ...
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise _no_counterpart("GrpcStorageProxy", _MANY_MACHINES)


def run_grpc_proxy_server(*args: Any, **kwargs: Any) -> NoReturn:
    """Optuna's gRPC proxy server: no tunewise counterpart (calling it raises; see :class:`GrpcStorageProxy`)."""
    raise _no_counterpart("run_grpc_proxy_server", _MANY_MACHINES)


class JournalRedisBackend:
    """Optuna's Redis journal backend: no tunewise counterpart (creating one raises)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise _no_counterpart(type(self).__name__, "a journal in one file, JournalStorage(JournalFileBackend(path)), "
                                                   "on one machine; on several, PostgreSQL "
                                                   "(storage='postgresql+psycopg://user@host/db')")


class JournalRedisStorage(JournalRedisBackend):
    """Optuna's older name of :class:`JournalRedisBackend`: no tunewise counterpart."""
