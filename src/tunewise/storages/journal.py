"""Optuna's ``optuna.storages.journal``: a study in one file (see :class:`JournalStorage`).

>>> from tunewise.storages.journal import JournalFileBackend, JournalStorage
>>> JournalStorage.__mro__[1].__name__  # tunewise's SQL storage, on a SQLite file
'SQLStorage'
"""

from __future__ import annotations

from tunewise.storages._journal import (
    BaseJournalBackend,
    JournalFileBackend,
    JournalFileOpenLock,
    JournalFileSymlinkLock,
    JournalStorage,
)
from tunewise.storages._unavailable import JournalRedisBackend

__all__ = ["BaseJournalBackend", "JournalFileBackend", "JournalFileOpenLock", "JournalFileSymlinkLock",
           "JournalRedisBackend", "JournalStorage"]
