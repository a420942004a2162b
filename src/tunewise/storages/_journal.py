"""Optuna's journal storage in one file: ``JournalStorage(JournalFileBackend(path))``.

Optuna appends each operation to a text file as a JSON line and replays the file on open. tunewise
keeps the same one-file, no-server workflow with its own storage: the file is a SQLite database
(write-ahead log, its own locking), so every trial is written as it starts and finishes, several
processes share it safely, and a study resumes from it after any crash. Optuna's lock objects
are accepted and not needed: SQLite locks the file itself.
"""

from __future__ import annotations

import os
from typing import Any

from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage

__all__ = ["BaseJournalBackend", "BaseJournalFileLock", "JournalFileBackend", "JournalFileOpenLock",
           "JournalFileSymlinkLock", "JournalStorage"]

_SQLITE_HEADER = b"SQLite format 3\x00"


class BaseJournalFileLock:
    """Optuna's base of journal file locks; tunewise's journal file needs none (SQLite locks it)."""

    def __init__(self, filepath: str | os.PathLike[str], grace_period: int | None = 30) -> None:
        self.filepath = _check_path(filepath, type(self).__name__)
        if grace_period is not None and (isinstance(grace_period, bool) or not isinstance(grace_period, (int, float))
                                         or grace_period <= 0):
            raise ValueError(f"{type(self).__name__}: grace_period must be a positive number of seconds or None, "
                             f"got {grace_period!r}")
        self.grace_period = grace_period


class JournalFileSymlinkLock(BaseJournalFileLock):
    """Optuna's symlink-based journal lock: accepted for compatibility, not used (see the module)."""


class JournalFileOpenLock(BaseJournalFileLock):
    """Optuna's open(O_EXCL)-based journal lock: accepted for compatibility, not used (see the module)."""


class BaseJournalBackend:
    """Optuna's base class of journal backends. tunewise's :class:`JournalStorage` takes
    :class:`JournalFileBackend` only; a storage of your own implements
    :class:`tunewise.storage.BaseStorage` (``tunewise.testing.storage`` checks it)."""


class JournalFileBackend(BaseJournalBackend):
    """The file a :class:`JournalStorage` keeps its studies in (Optuna's ``JournalFileBackend``,
    formerly ``JournalFileStorage``): a SQLite database at ``file_path``, created on first use.

    ``lock_obj`` (``JournalFileSymlinkLock``, ``JournalFileOpenLock``) is accepted and not used:
    SQLite locks the file itself. Its directory must exist. A relative path is resolved now, so
    worker processes started elsewhere open the same file.

    >>> from tunewise.storages.journal import JournalFileBackend, JournalFileOpenLock
    >>> JournalFileBackend("./journal.log", lock_obj=JournalFileOpenLock("./journal.log"))  # doctest: +ELLIPSIS
    JournalFileBackend('...journal.log')
    """

    def __init__(self, file_path: str | os.PathLike[str], lock_obj: BaseJournalFileLock | None = None) -> None:
        path = os.path.abspath(_check_path(file_path, "JournalFileBackend"))
        if lock_obj is not None and not isinstance(lock_obj, BaseJournalFileLock):
            raise TypeError(f"JournalFileBackend: lock_obj must be JournalFileSymlinkLock(path), "
                            f"JournalFileOpenLock(path) or None, got {lock_obj!r}")
        if os.path.isdir(path):
            raise ValueError(f"JournalFileBackend: {path!r} is a directory; give the path of a file, e.g. "
                             f"{os.path.join(path, 'journal.log')!r}")
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"JournalFileBackend: the directory {folder!r} of {path!r} does not exist; "
                                    f"create it first")
        self.file_path = path
        self.lock_obj = lock_obj

    def __repr__(self) -> str:
        return f"JournalFileBackend({self.file_path!r})"


class JournalStorage(SQLStorage):
    """Optuna's ``JournalStorage(JournalFileBackend(path))``: every study in one file, written
    by several processes at once, with no server.

    It is tunewise's SQL storage on the SQLite database ``path`` (``sqlite:///path``: open the
    same file by that URL, e.g. with the ``tunewise`` command line). Each trial is committed as it
    starts and as it finishes, so a study resumes after any crash, and processes on one machine
    share it safely (SQLite locks the file). SQLite keeps ``path-wal`` and ``path-shm`` beside
    it, and the ``-wal`` file may hold the latest commits: move or copy the files together (or
    export the study). Unlike Optuna's text journal it is not safe on a network file system
    (NFS): SQLite's write-ahead log needs shared memory, so machines that share a study use
    PostgreSQL (``RDBStorage("postgresql+psycopg://...")``). A journal written by Optuna is
    refused with the command that imports it (:func:`tunewise.import_optuna` reads it).

    >>> import os, tempfile
    >>> import tunewise as tw
    >>> from tunewise.storages import JournalStorage
    >>> from tunewise.storages.journal import JournalFileBackend
    >>> path = os.path.join(tempfile.mkdtemp(), "journal.log")
    >>> study = tw.create_study(study_name="j", storage=JournalStorage(JournalFileBackend(path)))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> len(tw.load_study(study_name="j", storage=JournalStorage(JournalFileBackend(path))).trials)
    3
    """

    def __init__(self, log_storage: BaseJournalBackend) -> None:
        if not isinstance(log_storage, JournalFileBackend):
            raise TypeError(f"JournalStorage takes JournalFileBackend(path) (the file that holds the studies), got "
                            f"{log_storage!r}; for several machines use RDBStorage('postgresql+psycopg://...')")
        path = log_storage.file_path
        _refuse_foreign_file(path)
        self.log_storage = log_storage
        super().__init__(f"sqlite:///{_url_path(path)}")

    def __repr__(self) -> str:
        return f"JournalStorage(JournalFileBackend({self.log_storage.file_path!r}))"


def _url_path(path: str) -> str:
    """``path`` as the database part of a ``sqlite:///`` URL: the characters a URL gives a meaning
    (``%``, ``?``, ``#``) percent-encoded, which SQLAlchemy decodes back; any other path is unchanged."""
    return path.replace("%", "%25").replace("?", "%3F").replace("#", "%23")


def _check_path(path: Any, what: str) -> str:
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if not isinstance(path, str) or not path:
        raise TypeError(f"{what}: the file path must be a non-empty string or path, got {path!r}")
    return path


def _refuse_foreign_file(path: str) -> None:
    """Refuse a file that is not empty and not a SQLite database, before SQLite touches it."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as e:
        raise StorageError(f"JournalStorage cannot read {path!r}: {e}") from None
    if not head or head == _SQLITE_HEADER:
        return
    if head.lstrip().startswith(b"{"):
        raise StorageError(
            f"{path!r} is a journal written by Optuna (JSON lines); tunewise keeps a journal as a SQLite "
            f"database, so it cannot continue this file. Import its studies into a new file: "
            f"`tunewise import optuna {path} --storage sqlite:///tunewise.db` (or tunewise.import_optuna(...)); "
            f"the journal is only read")
    raise StorageError(f"{path!r} is neither a tunewise journal (a SQLite database) nor empty; give "
                       f"JournalFileBackend a new file")
