"""Optuna's ``optuna.storages`` names, on tunewise's storages (:mod:`tunewise.storage`).

A script moved with ``import tunewise as optuna`` keeps its storage lines:

- ``RDBStorage(url, heartbeat_interval=..., grace_period=..., failed_trial_callback=...)``:
  tunewise's SQL storage (SQLite, PostgreSQL) with Optuna's heartbeat options, stored with each
  study (:class:`RDBStorage`); ``RetryFailedTrialCallback(max_retry=n)`` sets its retries;
- ``JournalStorage(JournalFileBackend(path))``: every study in one file, shared by the processes
  of one machine; the file is a SQLite database (:class:`JournalStorage`);
- ``InMemoryStorage()``, ``BaseStorage``, ``get_storage``: tunewise's own;
- ``fail_stale_trials(study)``: fail (and retry) the trials whose workers stopped beating now.

``GrpcStorageProxy``, ``run_grpc_proxy_server`` and the Redis journal have no counterpart: they
import, and using them raises an error that says what to use. Every storage here is accepted by
``create_study``, ``load_study``, ``delete_study``, ``copy_study`` and
``get_all_study_summaries``, like a URL.

>>> import tunewise as tw
>>> study = tw.create_study(storage=tw.storages.InMemoryStorage())
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
>>> len(study.trials)
2
"""

from __future__ import annotations

from tunewise.storage import BaseStorage, InMemoryStorage, get_storage
from tunewise.storages import journal
from tunewise.storages._journal import BaseJournalBackend as BaseJournalLogStorage
from tunewise.storages._journal import JournalFileBackend as JournalFileStorage
from tunewise.storages._journal import JournalFileOpenLock, JournalFileSymlinkLock, JournalStorage
from tunewise.storages._rdb import RDBStorage
from tunewise.storages._retry import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback, fail_stale_trials
from tunewise.storages._unavailable import GrpcStorageProxy, JournalRedisStorage, run_grpc_proxy_server

__all__ = [
    "BaseJournalLogStorage",
    "BaseStorage",
    "GrpcStorageProxy",
    "InMemoryStorage",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalRedisStorage",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "RetryHeartbeatStaleTrialCallback",
    "fail_stale_trials",
    "get_storage",
    "journal",
    "run_grpc_proxy_server",
]
