"""The one rule for names every storage keeps: study names, parameter names, attribute keys.

A name is a string of at most :data:`MAX_NAME_LENGTH` characters without NUL (``"\\x00"``).
PostgreSQL cannot store NUL in text and keeps names in 512-character columns; SQLite and the
in-memory storage would accept either, so a study that works in memory would break the day it
moves to PostgreSQL. Every storage checks the same rule at its boundary, with the same message.
A study or parameter name (a column of its own, not JSON) must also encode as UTF-8: no lone
surrogate, as ``os.fsdecode`` makes of an undecodable byte (neither database stores one).

>>> check_name("study name", "mnist-lr")
'mnist-lr'
>>> check_name("parameter name", "lr\\x00")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: parameter name 'lr\\x00' is not valid: it contains a NUL character ('\\x00'); names are ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_NAME_LENGTH", "check_keys", "check_name"]

MAX_NAME_LENGTH = 512  # the width of the name columns of the SQL schema (storage/_sql/_schema.py)


def _shown(name: str) -> str:
    if len(name) <= 60:
        return repr(name)
    return f"{name[:40]!r}... ({len(name)} characters)"


def _encodes(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_name(kind: str, name: Any, *, allow_empty: bool = False) -> str:
    """Return ``name`` if it is a valid ``kind`` (e.g. "study name"); raise TypeError/ValueError if not."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} must be a string, got {name!r}")
    if len(name) <= MAX_NAME_LENGTH and "\x00" not in name and (allow_empty or (name and _encodes(name))):
        return name
    rule = (
        f"{'keys' if allow_empty else 'names'} are {'' if allow_empty else 'non-empty '}strings of at most "
        f"{MAX_NAME_LENGTH} characters without NUL, on every storage"
    )
    if name and not allow_empty and not _encodes(name):
        problem, why = "it cannot be encoded as UTF-8 (a lone surrogate)", " (databases store UTF-8 text)"
    elif "\x00" in name:
        problem, why = "it contains a NUL character ('\\x00')", " (PostgreSQL cannot store NUL)"
    elif name:
        problem, why = f"it is {len(name)} characters long", " (the width of the storage's name columns)"
    else:
        problem, why = "it is empty", ""
    raise ValueError(f"{kind} {_shown(name)} is not valid: {problem}; {rule}{why}")


def check_keys(kind: str, mapping: Mapping[Any, Any] | None, *, allow_empty: bool = True) -> None:
    """Check the string keys of ``mapping`` as ``kind`` names (other keys become strings in JSON
    and cannot break the rule). ``mapping`` may also be ``(name, value)`` pairs; anything else
    (``enqueue_trial(params, user_attrs=0.25)``) is a TypeError that says what belongs there.

    >>> check_keys("user attribute key", 0.25)
    Traceback (most recent call last):
    ...
    TypeError: user attribute keys come from a dict of names to values, got float: 0.25
    """
    if mapping is not None and not isinstance(mapping, Mapping):
        try:
            mapping = dict(mapping)
        except (TypeError, ValueError):
            raise TypeError(
                f"{kind}s come from a dict of names to values, got {type(mapping).__name__}: {mapping!r}"
            ) from None
    if not mapping:
        return
    for key in mapping:
        if isinstance(key, str) and (len(key) > MAX_NAME_LENGTH or "\x00" in key or not (key or allow_empty)):
            check_name(kind, key, allow_empty=allow_empty)
