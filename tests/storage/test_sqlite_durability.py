"""SQLite durability is a choice: ``synchronous`` (URL query or SQLStorage option) is the PRAGMA
every connection runs with; NORMAL by default (a power cut can lose the last commits), FULL to
fsync every commit."""

from __future__ import annotations

import pickle
import threading

import pytest

import tunewise as tw
from tunewise.exceptions import StorageError
from tunewise.storage import SQLStorage, get_storage

LEVELS = {"off": 0, "normal": 1, "full": 2}


def _pragma(storage: SQLStorage) -> int:
    cur = storage._raw().cursor()
    try:
        return int(cur.execute("PRAGMA synchronous").fetchone()[0])
    finally:
        cur.close()


def _pragma_in_new_thread(storage: SQLStorage) -> int:
    """The level of another pooled connection (each thread uses its own)."""
    out: list[int] = []
    t = threading.Thread(target=lambda: (out.append(_pragma(storage)), storage._release_thread()))
    t.start()
    t.join()
    return out[0]


def test_default_is_normal(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'a.db'}")
    assert _pragma(storage) == LEVELS["normal"]
    storage.close()


@pytest.mark.parametrize("level", ["full", "FULL", "off", "normal"])
def test_the_url_sets_synchronous_on_every_connection(tmp_path, level):
    url = f"sqlite:///{tmp_path / 'a.db'}?synchronous={level}"
    storage = get_storage(url)
    assert isinstance(storage, SQLStorage)
    assert _pragma(storage) == LEVELS[level.lower()]
    assert _pragma_in_new_thread(storage) == LEVELS[level.lower()]
    # Worker processes reopen the storage from its pickle: same level.
    clone = pickle.loads(pickle.dumps(storage))
    assert _pragma(clone) == LEVELS[level.lower()]
    # And it is a working storage.
    study = tw.create_study(name="s", storage=url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    assert len(tw.load_study("s", url).trials) == 3
    for s in (storage, clone):
        s.close()


def test_the_option_sets_synchronous(tmp_path):
    storage = SQLStorage(f"sqlite:///{tmp_path / 'a.db'}", synchronous="full")
    assert _pragma(storage) == LEVELS["full"]
    assert _pragma_in_new_thread(storage) == LEVELS["full"]
    clone = pickle.loads(pickle.dumps(storage))
    assert _pragma(clone) == LEVELS["full"]
    # The same level from the URL and the option is no conflict.
    same = SQLStorage(f"sqlite:///{tmp_path / 'a.db'}?synchronous=full", synchronous="FULL")
    assert _pragma(same) == LEVELS["full"]
    for s in (storage, clone, same):
        s.close()


def test_bad_levels_and_conflicts_are_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with pytest.raises(ValueError, match=r"synchronous must be 'normal' .*'full' .*'off' .*got 'extra'"):
        SQLStorage(url, synchronous="extra")
    with pytest.raises(ValueError, match=r"synchronous must be .* got 2"):
        SQLStorage(url, synchronous=2)  # type: ignore[arg-type]
    with pytest.raises(StorageError, match=r"the URL's synchronous must be .* got 'fast'"):
        SQLStorage(f"{url}?synchronous=fast")
    with pytest.raises(ValueError, match=r"the URL says synchronous=full but the synchronous option says 'off'"):
        SQLStorage(f"{url}?synchronous=full", synchronous="off")
    with pytest.raises(StorageError, match=r"query parameter 'synchronous' is given 2 times"):
        SQLStorage(f"{url}?synchronous=full&synchronous=off")
    with pytest.raises(ValueError, match=r"synchronous is a SQLite setting; PostgreSQL's durability is the server's "
                                         r"synchronous_commit"):
        SQLStorage("postgresql+psycopg://u:p@127.0.0.1:1/db", synchronous="full")


def test_unknown_query_parameters_are_refused_not_ignored(tmp_path):
    # SQLAlchemy drops unknown parameters of a non-URI SQLite URL with a warning: a misspelt
    # durability setting would silently not apply.
    with pytest.raises(StorageError, match=r"unknown query parameter\(s\) synchronus; tunewise reads 'synchronous'"):
        SQLStorage(f"sqlite:///{tmp_path / 'a.db'}?synchronus=full")
    storage = SQLStorage(f"sqlite:///{tmp_path / 'a.db'}?timeout=5")  # the driver's own: still passed through
    assert _pragma(storage) == LEVELS["normal"]
    storage.close()
