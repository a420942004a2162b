"""A storage that refuses writes while a strategy's hook runs: how the sampler and scheduler
suites check that a strategy writes nothing (what it wants written, it returns)."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from typing import Any

from tunewise.storage import InMemoryStorage

__all__ = ["WriteGuardStorage", "guarding"]

_GUARD = threading.local()
# Every public storage method is a write but these reads (a storage method added later is
# guarded until it is listed here: better a false alarm than a write let through).
_READS = ("get_", "count_", "known_", "next_", "expects_", "is_", "close", "url")
_WRITES = sorted(name for name in dir(InMemoryStorage)
                 if not name.startswith("_") and not name.startswith(_READS)
                 and callable(getattr(InMemoryStorage, name)))


@contextlib.contextmanager
def guarding(hook: str, why: str, allowed: tuple[str, ...] = ()) -> Iterator[None]:
    """While the block runs in this thread, a :class:`WriteGuardStorage` refuses every write but
    ``allowed``, with a message naming ``hook`` and saying ``why`` it must not write."""
    outer = getattr(_GUARD, "hook", None)
    _GUARD.hook = (hook, why, allowed)
    try:
        yield
    finally:
        _GUARD.hook = outer


class WriteGuardStorage(InMemoryStorage):
    """An in-memory storage that raises ``AssertionError`` on any write made while a strategy's
    hook runs in the writing thread (the suites mark the hooks); the loop's own writes pass.
    ``violations`` lists every refused write (one refused inside ``propose`` may be caught by the
    loop, which then proposes again at the first suggest)."""

    violations: list[str]

    def __init__(self) -> None:
        super().__init__()
        self.violations = []


def _guarded(name: str) -> Any:
    plain = getattr(InMemoryStorage, name)

    @functools.wraps(plain)
    def method(self: WriteGuardStorage, *args: Any, **kwargs: Any) -> Any:
        hook = getattr(_GUARD, "hook", None)
        if hook is not None and name not in hook[2]:
            message = f"{hook[0]} wrote to the storage ({name}); {hook[1]}"
            self.violations.append(message)
            raise AssertionError(message)
        return plain(self, *args, **kwargs)

    return method


for _name in _WRITES:
    setattr(WriteGuardStorage, _name, _guarded(_name))
