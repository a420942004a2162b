"""Storages: in-memory, and SQL (SQLite by default, PostgreSQL for many machines).

>>> from tunewise.storage import get_storage
>>> get_storage(None)  # doctest: +ELLIPSIS
<tunewise.storage._memory.InMemoryStorage object at ...>
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tunewise.storage._base import SCHEMA_VERSION, BaseStorage, StaleOutcome, StudySummary, attr_changes
from tunewise.storage._memory import InMemoryStorage

if TYPE_CHECKING:  # loaded on first use (SQLAlchemy's engine machinery is not needed for in-memory studies)
    from tunewise.storage._sql import SQLStorage
    from tunewise.storage._sql._schema import SchemaUpgrade, upgrade_schema

__all__ = ["SCHEMA_VERSION", "BaseStorage", "InMemoryStorage", "SQLStorage", "SchemaUpgrade", "StaleOutcome",
           "StudySummary", "attr_changes", "get_storage", "upgrade_schema"]


def __getattr__(name: str) -> object:
    if name == "SQLStorage":
        from tunewise.storage._sql import SQLStorage

        return SQLStorage
    if name in ("upgrade_schema", "SchemaUpgrade"):
        from tunewise.storage._sql import _schema

        return getattr(_schema, name)
    raise AttributeError(name)


def get_storage(storage: str | BaseStorage | None, *, create: bool = True) -> BaseStorage:
    """A storage from a URL, an existing storage object, or None (in-memory).

    SQLite URLs take ``?synchronous=normal|full|off`` (durability) and ``?mode=ro`` (read-only);
    see :class:`SQLStorage`. ``create=False`` opens a URL only if it already holds a tunewise
    storage (StorageError otherwise, and nothing is created): what reading commands use.

    >>> import tempfile
    >>> import tunewise as tw
    >>> d = tempfile.mkdtemp()
    >>> type(tw.storage.get_storage(f"sqlite:///{d}/tunewise.db")).__name__, type(tw.storage.get_storage(None)).__name__
    ('SQLStorage', 'InMemoryStorage')
    >>> tw.storage.get_storage(f"sqlite:///{d}/other.db", create=False)
    Traceback (most recent call last):
    ...
    tunewise.exceptions.StorageError: storage 'sqlite:///...other.db': ... does not exist; ...
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, BaseStorage):
        return storage
    if isinstance(storage, str):
        from tunewise.storage._sql import SQLStorage

        return SQLStorage.from_url(storage, create=create)
    if type(storage).__module__.partition(".")[0] == "optuna":
        raise TypeError(f"storage {storage!r} is Optuna's own storage object: tunewise cannot write Optuna's "
                        f"format. Use tunewise's (tunewise.storages.RDBStorage(url), JournalStorage(...), or a "
                        f"URL), and bring Optuna's studies over with tunewise.import_optuna(source, storage)")
    raise TypeError(f"storage must be a URL string, a storage object or None, got {storage!r}")
