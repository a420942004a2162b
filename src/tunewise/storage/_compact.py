"""Compact forms for finished trials: a study holds 100,000s of them, so bytes per trial count.

A finished trial never changes, so the storages keep it in a smaller form than a live trial's
plain dicts, with the same reading API (``FrozenTrial.params`` etc.):

- ``params``/``user_attrs``/``system_attrs``: real ``dict`` objects that share one key table per
  study (CPython's key-sharing dictionaries, PEP 412, the mechanism behind instance ``__dict__``s).
  Each dict then stores only its values: 8 bytes a key instead of ~24 plus the key's string. On
  other Python implementations, or past ~30 distinct keys, they are ordinary dicts.
- reports (``FrozenTrial.reports``): :class:`Series`, a read-only mapping step -> value backed by
  a ``array('d')`` (8 bytes a report instead of a dict entry plus a float object), with the steps
  stored as a start when they are contiguous (the usual epoch 0, 1, 2, ... case).
  ``FrozenTrial.intermediate_values`` builds a plain ``dict`` from it on each read (users expect
  a dict: ``json.dumps``, ``isinstance``); nothing is kept, so the compact form stays the only copy.
- empty dicts: one shared read-only instance (:data:`EMPTY`).
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any

__all__ = ["EMPTY", "KeyShared", "Series", "TimeColumns", "compact_times", "series"]


class _EmptyFinished(dict):  # type: ignore[type-arg]
    """The empty attrs/reports of a finished trial: one shared read-only instance, not one dict
    per trial (about 200 bytes a trial). Finished trials are immutable, and this enforces it."""

    __slots__ = ()

    def _refuse(self, *_args: Any, **_kw: Any) -> Any:
        raise TypeError("a finished trial is immutable; copy it first: dict(frozen.user_attrs)")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __copy__(self) -> dict[str, Any]:
        return {}

    def __deepcopy__(self, _memo: Any) -> dict[str, Any]:
        return {}

    def __reduce__(self) -> Any:
        return (dict, ())


EMPTY: dict[Any, Any] = _EmptyFinished()


class KeyShared:
    """Builds dicts that share one key table (make one per study and kind of dict).

    >>> ks = KeyShared()
    >>> d = ks.make({"lr": 0.1, "layers": 3})
    >>> d == {"lr": 0.1, "layers": 3}, type(d) is dict
    (True, True)
    """

    __slots__ = ("_cls",)

    def __init__(self) -> None:
        # A fresh class per table: its instances' __dict__s share the class's cached keys.
        self._cls: type = type("_SharedKeys", (), {})

    def __reduce__(self) -> Any:
        return (KeyShared, ())  # a copy starts its own table: the class cannot be pickled

    def make(self, d: Mapping[str, Any]) -> dict[str, Any]:
        if not d:
            return EMPTY
        holder: Any = object.__new__(self._cls)
        out: dict[str, Any] = holder.__dict__
        share = _STRINGS.setdefault if len(_STRINGS) < _STRINGS_CAP else None
        # Item by item: dict.update() would convert the table to an ordinary (unshared) one.
        for k, v in d.items():
            if share is not None and type(v) is str and len(v) <= 64:
                v = share(v, v)  # categorical choices repeat in every trial: one object each
            out[k] = v
        return out


# Short string values (categorical choices, tags) shared between trials: JSON decoding makes a new
# object (~50 bytes) for each. Capped, so unbounded distinct strings cannot grow it forever.
_STRINGS: dict[str, str] = {}
_STRINGS_CAP = 50_000


def _position(step: Any) -> int | None:
    """``step`` as an int if it can equal an int dict key (as a dict lookup would), else None."""
    try:
        return operator.index(step)
    except TypeError:
        if isinstance(step, float) and step.is_integer():
            return int(step)
        return None


class Series(Mapping[int, float]):
    """A finished trial's reports, step -> value, read-only and compact.

    Behaves like the ``dict`` a live trial has (``in``, ``[]``, ``get``, ``max``, ``items``,
    ``==`` with a dict); ``dict(series)`` gives a plain, mutable copy.

    >>> s = series({0: 0.5, 1: 0.25, 2: 0.125})
    >>> 1 in s, s[2], max(s), dict(s) == {0: 0.5, 1: 0.25, 2: 0.125}
    (True, 0.125, 2, True)
    """

    __slots__ = ("_start", "_steps", "_vals")

    def __init__(self, steps: list[int], vals: list[float]) -> None:
        self._vals = array("d", vals)
        n = len(steps)
        if n and steps[-1] - steps[0] == n - 1 and all(b - a == 1 for a, b in zip(steps, steps[1:])):
            self._start = steps[0]
            self._steps: array[int] | None = None  # contiguous: no need to store them
        else:
            self._start = 0
            self._steps = array("q", steps)

    def __getitem__(self, step: Any) -> float:
        if type(step) is not int:
            k = _position(step)
            if k is None:
                raise KeyError(step)
            step = k
        steps = self._steps
        if steps is None:
            i = step - self._start
            if 0 <= i < len(self._vals):
                return self._vals[i]
        else:
            i = bisect_left(steps, step)
            if i < len(steps) and steps[i] == step:
                return self._vals[i]
        raise KeyError(step)

    def __contains__(self, step: object) -> bool:
        if type(step) is not int:
            k = _position(step)
            if k is None:
                return False
            step = k
        steps = self._steps
        if steps is None:
            return 0 <= step - self._start < len(self._vals)  # type: ignore[operator]
        i = bisect_left(steps, step)  # type: ignore[arg-type]
        return i < len(steps) and steps[i] == step

    def get(self, step: Any, default: Any = None) -> Any:
        try:
            return self[step]
        except KeyError:
            return default

    def _keys(self) -> Any:
        return range(self._start, self._start + len(self._vals)) if self._steps is None else self._steps

    def __iter__(self) -> Iterator[int]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._vals)

    def __bool__(self) -> bool:
        return len(self._vals) > 0

    def keys(self) -> KeysView[int]:
        return KeysView(self)

    def values(self) -> ValuesView[float]:
        return _Values(self)

    def items(self) -> ItemsView[int, float]:
        return _Items(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Series):
            return list(self._keys()) == list(other._keys()) and self._vals == other._vals
        if isinstance(other, Mapping):
            return dict(zip(self._keys(), self._vals)) == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(zip(self._keys(), self._vals)))

    def to_dict(self) -> dict[int, float]:
        """A plain, mutable ``dict`` with the same items (what ``FrozenTrial.intermediate_values`` returns)."""
        return dict(zip(self._keys(), self._vals.tolist()))

    def __copy__(self) -> dict[int, float]:
        return self.to_dict()

    def __deepcopy__(self, _memo: Any) -> dict[int, float]:
        return self.to_dict()

    def __reduce__(self) -> Any:
        return (Series, (list(self._keys()), self._vals.tolist()))


class _Values(ValuesView[float]):
    __slots__ = ()

    def __iter__(self) -> Iterator[float]:
        return iter(self._mapping._vals)  # type: ignore[attr-defined]


class _Items(ItemsView[int, float]):
    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[int, float]]:
        m: Any = self._mapping  # type: ignore[attr-defined]
        return zip(m._keys(), m._vals)


def series(values: Mapping[Any, Any]) -> Mapping[int, float]:
    """The compact form of a finished trial's reports (``EMPTY`` when there are none)."""
    if not values:
        return EMPTY
    items = sorted((int(k), float(v)) for k, v in values.items())
    return Series([k for k, _ in items], [v for _, v in items])


_NAN = float("nan")


class TimeColumns:
    """Start and completion times of a study's finished trials, one ``array('d')`` each, indexed
    by trial number (numbers are dense per study). A finished ``FrozenTrial`` points here instead
    of holding two float objects (about 64 bytes a trial). NaN stands for None.

    >>> cols = TimeColumns(); cols.put(2, 10.0, None)
    >>> cols.start(2), cols.complete(2), cols.start(0)
    (10.0, None, None)
    """

    __slots__ = ("_complete", "_start")

    def __init__(self) -> None:
        self._start = array("d")
        self._complete = array("d")

    def put(self, number: int, start: float | None, complete: float | None) -> None:
        grow = number + 1 - len(self._start)
        if grow > 0:
            filler = array("d", [_NAN]) * max(grow, len(self._start) // 8)  # amortized growth
            self._start.extend(filler)
            self._complete.extend(filler)
        self._start[number] = _NAN if start is None else start
        self._complete[number] = _NAN if complete is None else complete

    def start(self, number: int) -> float | None:
        v = self._start[number]
        return None if v != v else v

    def complete(self, number: int) -> float | None:
        v = self._complete[number]
        return None if v != v else v


def compact_times(t: Any, cols: TimeColumns) -> Any:
    """Move a finished trial's timestamps into ``cols`` (the study's column store); returns ``t``."""
    cols.put(t.number, t.datetime_start_ts, t.datetime_complete_ts)
    t._times = cols
    return t
