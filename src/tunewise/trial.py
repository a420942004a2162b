"""Trials: the live :class:`Trial` an objective receives, and the stored :class:`FrozenTrial`."""

from __future__ import annotations

import contextvars
import datetime as _dt
import math
import sys
import types
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise._legacy_suggest import LegacySuggest
from tunewise._numbered_enum import NumberedTextEnum
from tunewise.exceptions import TrialPruned, UpdateFinishedTrialError

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["BaseTrial", "FixedTrial", "FrozenTrial", "Trial", "TrialState", "create_trial", "report"]

# The system attribute where a trial keeps the distributions (as JSON) of its parameters whose
# distribution differs from the one the study stored first (``FrozenTrial.distributions``).
DISTRIBUTIONS_ATTR = "distributions"
# What FrozenTrial.suggest's errors call the suggest_* method a distribution came from.
_SUGGEST_NAMES: dict[type, str] = {D.Float: "suggest_float", D.Int: "suggest_int", D.Categorical: "suggest_categorical"}


# Optuna's TrialState is an IntEnum and scripts use the numbers: ``get_trials(states=[1])``,
# ``MaxTrialsCallback(n, states=[1])``, ``t.state == 1``, ``TrialState(1)``, ``int(t.state)``.
class TrialState(NumberedTextEnum, numbers={"RUNNING": 0, "COMPLETE": 1, "PRUNED": 2, "FAILED": 3, "WAITING": 4}):
    """Life cycle of a trial: WAITING (enqueued) -> RUNNING -> COMPLETE | PRUNED | FAILED.

    >>> from tunewise import TrialState
    >>> TrialState.COMPLETE.is_finished(), TrialState.RUNNING.is_finished()
    (True, False)
    >>> TrialState(1) is TrialState.COMPLETE and TrialState.COMPLETE == 1   # Optuna's numbers work too
    True
    """

    WAITING = "WAITING"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    PRUNED = "PRUNED"
    # Optuna's name first, so it is the member's name (``TrialState.FAILED.name == "FAIL"``: how
    # scripts count failed trials); FAILED is its alias (``TrialState.FAILED is TrialState.FAIL``,
    # ``TrialState["FAILED"]`` finds it). The value, "FAILED", is what the state equals and stores as.
    FAIL = "FAILED"
    FAILED = "FAILED"

    def is_finished(self) -> bool:
        return self in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED)

    def __str__(self) -> str:
        # Optuna's: str(state) is "TrialState.COMPLETE" (scripts compare it with that text).
        return f"TrialState.{self.name}"


class LiveAttrs(dict[str, Any]):
    """A live trial's user or system attributes: a dict that remembers the keys set (``set_keys``)
    and removed (``removed_keys``) since the trial's last write, so that a storage stores those
    keys only, merged into the stored attributes (``tunewise.storage.attr_changes``): keys another
    process set on the same trial meanwhile are kept. A storage that replaces attributes whole
    reads it as the plain dict it is.

    ``set_keys`` is an ordered record (a dict of keys to None) of the keys set since the last
    write: a key enters it when first set and keeps that place when set again, so a write names
    them without walking every attribute of the trial, keys new to the trial in the order the
    objective set them (a key stored before keeps its stored place), as in Optuna.

    >>> attrs = LiveAttrs({"a": 1}); attrs["c"] = 3; attrs["b"] = 2; attrs["c"] = 4; del attrs["a"]
    >>> dict(attrs), list(attrs.set_keys), sorted(attrs.removed_keys)
    ({'c': 4, 'b': 2}, ['c', 'b'], ['a'])
    """

    __slots__ = ("removed_keys", "set_keys")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_keys: dict[str, None] = {}
        self.removed_keys: set[str] = set()

    def _record(self, key: str) -> None:
        # A key new to the dict goes last in both; one the dict held before the last write keeps
        # its stored place whatever its place here (a storage merges it where it is stored).
        self.set_keys[key] = None
        self.removed_keys.discard(key)

    def _forget(self, key: str) -> None:
        self.set_keys.pop(key, None)
        self.removed_keys.add(key)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._record(key)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._forget(key)

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        if key in self:
            self._forget(key)
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        key, value = super().popitem()
        self._forget(key)
        return key, value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self) -> None:
        self.removed_keys.update(self)
        self.set_keys.clear()
        super().clear()

    def __ior__(self, other: Any) -> LiveAttrs:  # type: ignore[override,misc]
        self.update(other)
        return self

    def changes(self) -> dict[str, Any]:
        """The keys set since the last write with their values, in the dict's order."""
        return {key: self[key] for key in self.set_keys}

    def written(self) -> None:
        """The attributes were stored: nothing is pending any more."""
        self.set_keys.clear()
        self.removed_keys.clear()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_live_attrs, (dict(self), list(self.set_keys), sorted(self.removed_keys)))


def _live_attrs(items: dict[str, Any], set_keys: list[str], removed_keys: list[str]) -> LiveAttrs:
    attrs = LiveAttrs(items)
    attrs.set_keys.update(dict.fromkeys(set_keys))
    attrs.removed_keys.update(removed_keys)
    return attrs


def _to_datetime(ts: float | None) -> _dt.datetime | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts)


class BaseTrial(LegacySuggest):
    """What :class:`Trial`, :class:`FrozenTrial` and :class:`FixedTrial` share (Optuna's
    ``optuna.trial.BaseTrial``, for ``isinstance`` checks and an objective's type hint): the
    ``suggest_*`` methods, each a distribution handed to ``suggest(name, distribution)``. A
    running :class:`Trial` samples it, a :class:`FrozenTrial` or :class:`FixedTrial` answers
    with the value it holds. Optuna's old names are kept (the guide uses them).

    >>> import tunewise as tw
    >>> def objective(trial: tw.trial.BaseTrial) -> float:
    ...     return trial.suggest_float("x", 0, 1)
    >>> objective(tw.trial.FixedTrial({"x": 0.5}))
    0.5
    >>> isinstance(tw.trial.FixedTrial({}), tw.trial.BaseTrial)
    True
    """

    def suggest(self, name: str, distribution: D.Distribution) -> Any:
        raise NotImplementedError

    def suggest_float(self, name: str, low: float, high: float, *, step: float | None = None,
                      log: bool = False) -> float:
        """A float in ``[low, high]``; ``log=True`` samples in log space, ``step`` on a lattice.

        Without ``step``, samplers propose values strictly inside ``(low, high)`` (a bound is often
        where an objective is undefined, e.g. ``alpha=0.0``); enqueued and grid values are used as
        given. When a bound is itself a setting worth trying (``max_features=1.0``: every feature),
        ``step`` keeps both bounds, or enqueue it."""
        return float(self.suggest(name, D.Float(low, high, log=log, step=step)))

    def suggest_int(self, name: str, low: int, high: int, *, step: int = 1, log: bool = False) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return int(self.suggest(name, D.Int(low, high, log=log, step=step)))

    def suggest_categorical(self, name: str, choices: Sequence[Any]) -> Any:
        """One of ``choices`` (any JSON-serializable values)."""
        return self.suggest(name, D.Categorical(tuple(choices)))

    system_attrs: dict[str, Any]

    def set_system_attr(self, key: str, value: Any) -> None:
        raise NotImplementedError

    def set_constraint(self, key: str | Sequence[float], value: float | None = None) -> None:
        """Record this trial's constraint values: it is feasible when every one is ``<= 0``
        (e.g. ``[latency_ms - 20]`` for "latency under 20 ms"), all at once
        (``set_constraint([c0, c1])``) or one named value per call (``set_constraint("c0", c0)``,
        Optuna 5's form; a name set twice keeps its first value, with a warning). Stored with the
        trial as ``system_attrs["constraints"]`` (named values in the order they were set);
        samplers steer towards feasible trials and ``best_trial``/``best_trials`` keep only those
        (see ``create_study(constraints_func=)``).

        >>> import tunewise as tw
        >>> def objective(trial):
        ...     x = trial.suggest_float("x", 0, 1)
        ...     trial.set_constraint([0.5 - x])  # feasible when x >= 0.5
        ...     return x
        >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        >>> study.optimize(objective, n_trials=20)
        >>> study.best_value >= 0.5
        True
        >>> trial = study.ask()
        >>> trial.set_constraint("memory_gb", 3.5 - 4.0)
        >>> trial.set_constraint("latency_ms", 25.0 - 20.0)
        >>> study.tell(trial, 1.0).constraints
        [-0.5, 5.0]
        """
        from tunewise._constraints import CONSTRAINT_NAMES_ATTR, CONSTRAINTS_ATTR, check_constraints, named_constraint

        if isinstance(key, str):
            for attr, recorded in (named_constraint(self.system_attrs, key, value) or {}).items():
                self.set_system_attr(attr, recorded)
            return
        if value is not None:
            raise TypeError(f"set_constraint({key!r}, {value!r}): give one named value, set_constraint('name', "
                            f"value), or every value as one list, set_constraint([v0, v1, ...])")
        if self.system_attrs.get(CONSTRAINT_NAMES_ATTR):
            raise ValueError(f"set_constraint({key!r}): this trial's constraints "
                             f"{self.system_attrs[CONSTRAINT_NAMES_ATTR]} were given by name; give them all by name, "
                             f"set_constraint(name, value), or all at once, set_constraint([v0, v1, ...])")
        self.set_system_attr(CONSTRAINTS_ATTR, check_constraints(key, "set_constraint"))


# The slots of each FrozenTrial class, for FrozenTrial.__copy__
_COPY_SLOTS: dict[type, tuple[str, ...]] = {}


class FrozenTrial(BaseTrial):
    """A trial as stored: immutable once finished, shared between readers without copies.

    ``values`` holds one float per objective (``value`` is the first); ``params`` the
    values the objective received; ``intermediate_values`` what it reported, by step, as a
    plain ``dict`` (``reports`` is the same data as a read-only, copy-free mapping).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> trial = study.ask()
    >>> x = trial.suggest_float("x", 0, 1)
    >>> trial.report(0.5, step=1)
    >>> frozen = study.tell(trial, 0.25)
    >>> frozen.number, frozen.state.name, frozen.value, frozen.intermediate_values
    (0, 'COMPLETE', 0.25, {1: 0.5})
    >>> frozen.params == {"x": x}, study.trials[0].params == frozen.params
    (True, True)
    """

    __slots__ = (
        "_distributions",
        "_reports",
        "_times",
        "_values",
        "number",
        "params",
        "state",
        "system_attrs",
        "trial_id",
        "user_attrs",
    )

    def __init__(
        self,
        *,
        number: int,
        trial_id: int,
        state: TrialState,
        values: list[float] | None = None,
        params: dict[str, Any] | None = None,
        distributions: Mapping[str, D.Distribution] | None = None,
        intermediate_values: Mapping[int, float] | None = None,
        user_attrs: dict[str, Any] | None = None,
        system_attrs: dict[str, Any] | None = None,
        datetime_start: float | _dt.datetime | None = None,
        datetime_complete: float | _dt.datetime | None = None,
        heartbeat: float | None = None,
        value: float | None = None,
    ) -> None:
        if value is not None:  # Optuna's keyword for one objective
            if values is not None:
                raise ValueError("FrozenTrial takes value= or values=, not both")
            values = [value]
        # Optuna passes datetimes; tunewise keeps seconds since the epoch.
        if isinstance(datetime_start, _dt.datetime):
            datetime_start = datetime_start.timestamp()
        if isinstance(datetime_complete, _dt.datetime):
            datetime_complete = datetime_complete.timestamp()
        self.number = number
        self.trial_id = trial_id
        self.state = state
        self.values = values  # the property below stores it compactly
        self.params = params if params is not None else {}
        self._distributions = distributions if distributions is not None else {}
        self.intermediate_values = intermediate_values if intermediate_values is not None else {}
        self.user_attrs = user_attrs if user_attrs is not None else {}
        self.system_attrs = system_attrs if system_attrs is not None else {}
        # (start, complete, heartbeat) timestamps; a storage may swap in a per-study column store
        # (an object with start(number)/complete(number)) for its finished trials.
        self._times: Any = (datetime_start, datetime_complete, heartbeat)

    @property
    def datetime_start_ts(self) -> float | None:
        """When the trial started (seconds since the epoch), or None if it never ran."""
        t = self._times
        return t[0] if type(t) is tuple else t.start(self.number)

    @datetime_start_ts.setter
    def datetime_start_ts(self, ts: float | None) -> None:
        self._set_time(0, ts)

    @property
    def datetime_complete_ts(self) -> float | None:
        """When the trial finished (seconds since the epoch), or None while it has not."""
        t = self._times
        return t[1] if type(t) is tuple else t.complete(self.number)

    @datetime_complete_ts.setter
    def datetime_complete_ts(self, ts: float | None) -> None:
        self._set_time(1, ts)

    @property
    def heartbeat_ts(self) -> float | None:
        """The running trial's last heartbeat (seconds since the epoch); None when finished, and
        for a running trial no process sends heartbeats for (detached: never failed as stale)."""
        t = self._times
        return t[2] if type(t) is tuple else None

    @heartbeat_ts.setter
    def heartbeat_ts(self, ts: float | None) -> None:
        self._set_time(2, ts)

    def _set_time(self, index: int, ts: float | None) -> None:
        # Setting one timestamp turns a column-store view back into this trial's own tuple.
        times = [self.datetime_start_ts, self.datetime_complete_ts, self.heartbeat_ts]
        times[index] = ts
        self._times = tuple(times)

    # One objective (the usual case) is kept as a bare float, not a one-element list: about 70
    # bytes a trial in a study of 100,000s. ``values`` still reads as a list (a new one each time).
    @property
    def values(self) -> list[float] | None:
        """One float per objective, or None (FAILED trials, and running ones)."""
        v = self._values
        if v is None:
            return None
        if isinstance(v, float):
            return [v]
        return list(v)

    @values.setter
    def values(self, values: Sequence[float] | None) -> None:
        if values is None:
            self._values: float | tuple[float, ...] | None = None
        elif len(values) == 1 and type(values[0]) is float:
            self._values = values[0]
        else:
            self._values = tuple(values)

    # A finished trial's reports are stored compactly (storage/_compact.py ``Series``: 8 bytes a
    # report). Users expect a dict here, as in optuna (``json.dumps``, ``isinstance(.., dict)``),
    # so reading builds one (O(reports) per read; nothing is kept, so the compact form stays the
    # only copy). Code that scans many trials per step (schedulers) reads ``reports`` instead.
    @property
    def intermediate_values(self) -> dict[int, float]:
        """What the trial reported, step -> value: a plain ``dict``.

        For a finished trial it is a new dict on each read (changing it changes nothing stored).

        >>> t = FrozenTrial(number=0, trial_id=0, state=TrialState.COMPLETE, values=[0.5],
        ...                 intermediate_values={0: 0.9, 1: 0.5})
        >>> import json; json.dumps(t.intermediate_values)
        '{"0": 0.9, "1": 0.5}'
        """
        r = self._reports
        if type(r) is dict:  # a running trial's own dict (shared with the live Trial, as before)
            return r
        return r.to_dict() if hasattr(r, "to_dict") else dict(r)

    @intermediate_values.setter
    def intermediate_values(self, values: Mapping[int, float] | None) -> None:
        self._reports: Mapping[int, float] = values if values is not None else {}

    @property
    def reports(self) -> Mapping[int, float]:
        """The reports, step -> value, as a read-only mapping without a copy: O(1) ``in`` and
        ``[]`` for code that looks up one step in every trial of a study (schedulers).

        >>> t = FrozenTrial(number=0, trial_id=0, state=TrialState.PRUNED, intermediate_values={3: 0.7})
        >>> 3 in t.reports, t.reports[3]
        (True, 0.7)
        """
        return self._reports

    @property
    def value(self) -> float | None:
        """The objective value (first objective), or None if the trial has none."""
        v = self._values
        if isinstance(v, float):
            return v
        return v[0] if v else None

    @value.setter
    def value(self, value: float | None) -> None:
        self.values = None if value is None else [value]

    @property
    def distributions(self) -> dict[str, D.Distribution]:
        """The distribution each parameter of this trial was sampled from (a range may differ
        between trials: it can depend on another parameter, or change when a study is resumed)."""
        base = self._distributions
        own = self.system_attrs.get(DISTRIBUTIONS_ATTR) if self.system_attrs else None
        if not own:
            return {k: base[k] for k in self.params if k in base}
        return {k: D.distribution_from_json(own[k]) if k in own else base[k]
                for k in self.params if k in own or k in base}

    @distributions.setter
    def distributions(self, distributions: Mapping[str, D.Distribution]) -> None:
        self._distributions = dict(distributions)
        if self.system_attrs and DISTRIBUTIONS_ATTR in self.system_attrs:
            self.system_attrs = {k: v for k, v in self.system_attrs.items() if k != DISTRIBUTIONS_ATTR}

    @property
    def datetime_start(self) -> _dt.datetime | None:
        return _to_datetime(self.datetime_start_ts)

    @property
    def datetime_complete(self) -> _dt.datetime | None:
        return _to_datetime(self.datetime_complete_ts)

    @property
    def duration(self) -> _dt.timedelta | None:
        if self.datetime_start_ts is None or self.datetime_complete_ts is None:
            return None
        return _dt.timedelta(seconds=self.datetime_complete_ts - self.datetime_start_ts)

    @property
    def last_step(self) -> int | None:
        return max(self._reports) if self._reports else None

    @property
    def constraints(self) -> list[float] | None:
        """The trial's constraint values (feasible when all <= 0), or None if it has none. Values
        set by name are in the order they were set, their names in
        ``system_attrs["constraint_names"]`` (Optuna 5 gives a dict of them)."""
        values = self.system_attrs.get("constraints")
        return list(values) if values is not None else None

    # ---- the Trial interface, answered from what is stored ------------------------------------
    # Optuna lets an objective run again on a finished trial (``objective(study.best_trial)``):
    # every suggest returns the stored value, reports are dropped, nothing is pruned.
    def suggest(self, name: str, distribution: D.Distribution) -> Any:
        """The value this trial holds for ``name``, checked against ``distribution``.

        Raises ValueError when the trial has no such parameter, when it was stored with another
        kind of distribution (an int asked as a float), or when its value lies outside
        ``distribution``: the objective would then run on a value it could never have drawn.

        >>> import tunewise as tw
        >>> t = tw.create_trial(params={"lr": 0.01}, distributions={"lr": tw.loguniform(1e-4, 1)}, value=0.3)
        >>> t.suggest_float("lr", 1e-4, 1, log=True)
        0.01
        >>> t.suggest_float("momentum", 0, 1)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: FrozenTrial.suggest_float('momentum', ...): trial -1 has no parameter 'momentum' (it has ['lr'])...
        """
        if not isinstance(distribution, (D.Float, D.Int, D.Categorical)):
            raise TypeError(f"distribution must be Float, Int or Categorical, got {distribution!r}")
        what = f"FrozenTrial.{_SUGGEST_NAMES[type(distribution)]}({name!r}, ...)"
        if name not in self.params:
            raise ValueError(f"{what}: trial {self.number} has no parameter {name!r} (it has "
                             f"{sorted(self.params)}); a finished trial can only give back the values it was run "
                             f"with")
        value = self.params[name]
        stored = self.distributions.get(name)
        if stored is not None and type(stored) is not type(distribution):
            raise ValueError(f"{what}: trial {self.number} sampled {name!r} from {stored!r}, not from a "
                             f"{type(distribution).__name__} distribution")
        if not distribution.contains(value):
            ran = f" (it was sampled from {stored!r})" if stored is not None else ""
            raise ValueError(f"{what}: trial {self.number} has {name}={value!r}, outside {distribution!r}{ran}; "
                             f"ask for the range the trial ran with")
        return value

    def report(self, value: float, step: int | None = None) -> None:
        """Does nothing: a finished trial records no more progress (as in Optuna)."""

    def should_prune(self) -> bool:
        """Always False: a finished trial is never pruned (as in Optuna)."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute on this object only (the storage is not written).

        The dict is replaced, not changed in place, so readers sharing the old one are not
        affected; ``study.best_trial`` returns a copy, so setting one there leaves the study's
        trials as they are.

        >>> import tunewise as tw
        >>> t = tw.create_trial(params={}, distributions={}, value=1.0)
        >>> t.set_user_attr("note", "rerun")
        >>> t.user_attrs
        {'note': 'rerun'}
        """
        self.user_attrs = {**self.user_attrs, key: _checked_attr("set_user_attr", key, value)}

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute on this object only (see :meth:`set_user_attr`)."""
        self.system_attrs = {**self.system_attrs, key: _checked_attr("set_system_attr", key, value)}

    def __repr__(self) -> str:
        return (
            f"FrozenTrial(number={self.number}, state={self.state.value}, values={self.values}, "
            f"params={self.params})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in _COMPARED)

    __hash__ = None  # type: ignore[assignment]

    # Trials sort by number, as in Optuna (``sorted(study.trials)``).
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number < other.number

    def __le__(self, other: object) -> bool:
        if not isinstance(other, FrozenTrial):
            return NotImplemented
        return self.number <= other.number

    def __copy__(self) -> FrozenTrial:
        # Slot by slot, the times still read from the storage's column store: the pickle path
        # (__getstate__) would read every timestamp out of it for an in-process copy.
        kind = type(self)
        slots = _COPY_SLOTS.get(kind)
        if slots is None:
            slots = _COPY_SLOTS[kind] = tuple(n for c in kind.__mro__ for n in c.__dict__.get("__slots__", ()))
        out = object.__new__(kind)
        for name in slots:
            try:
                setattr(out, name, getattr(self, name))
            except AttributeError:  # a slot never set
                pass
        extra = getattr(self, "__dict__", None)
        if extra:
            out.__dict__.update(extra)
        return out

    def __getstate__(self) -> dict[str, Any]:
        # Plain timestamps, never the storage's column store (it holds the whole study).
        state = {k: getattr(self, k) for k in self.__slots__}  # reports stay compact (Series pickles as one)
        state["_times"] = (self.datetime_start_ts, self.datetime_complete_ts, self.heartbeat_ts)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for k, v in state.items():
            setattr(self, k, v)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable view (used by exports, the dashboard and worker messages)."""
        return {
            "number": self.number,
            "trial_id": self.trial_id,
            "state": self.state.value,
            "values": self.values,
            "params": self.params,
            "intermediate_values": {str(k): v for k, v in self._reports.items()},
            "user_attrs": self.user_attrs,
            "system_attrs": self.system_attrs,
            "datetime_start": self.datetime_start_ts,
            "datetime_complete": self.datetime_complete_ts,
        }


def create_trial(
    *,
    state: TrialState | str = TrialState.COMPLETE,
    value: float | None = None,
    values: Sequence[float] | None = None,
    params: Mapping[str, Any] | None = None,
    distributions: Mapping[str, D.Distribution] | None = None,
    user_attrs: Mapping[str, Any] | None = None,
    system_attrs: Mapping[str, Any] | None = None,
    intermediate_values: Mapping[int, float] | None = None,
    constraints: Sequence[float] | Mapping[str, float] | None = None,
) -> FrozenTrial:
    """A trial made by hand, for :meth:`Study.add_trial` / :meth:`Study.add_trials` (Optuna's
    ``optuna.trial.create_trial``, also ``tw.create_trial``).

    Every parameter needs its distribution (and every distribution a parameter), and each value
    must lie in its distribution. A COMPLETE trial needs ``value`` (one objective) or ``values``
    (one per objective), without NaN; a PRUNED one may have a value (its last report); FAILED,
    WAITING and RUNNING ones have none. ``constraints`` are the trial's constraint values
    (feasible when all ``<= 0``), kept in ``system_attrs["constraints"]``; a mapping (Optuna 5's
    form) names them, as ``trial.set_constraint(name, value)`` does. Attributes must be
    JSON-serializable, as the storage keeps them. The trial gets number -1 until a study adds it;
    its times are now.

    >>> import tunewise as tw
    >>> t = tw.trial.create_trial(params={"lr": 0.01, "layers": 2},
    ...                           distributions={"lr": tw.loguniform(1e-4, 1), "layers": tw.randint(1, 4)},
    ...                           value=0.3, intermediate_values={0: 0.5, 1: 0.3})
    >>> t.state.value, t.value, t.params, t.last_step
    ('COMPLETE', 0.3, {'lr': 0.01, 'layers': 2}, 1)
    >>> tw.trial.create_trial(params={"lr": 2.0}, distributions={"lr": tw.loguniform(1e-4, 1)},
    ...                       value=0.3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: create_trial(): value 2.0 for parameter 'lr' is outside its distribution Float(low=0.0001, ...)
    """
    import time

    if value is not None and values is not None:
        raise ValueError("create_trial(): pass value= (one objective) or values= (one per objective), not both")
    try:  # a TrialState, or its value or name ("COMPLETE", "fail")
        state = TrialState(state) if not isinstance(state, str) or state.upper() not in TrialState.__members__ \
            else TrialState[state.upper()]
    except ValueError:
        raise ValueError(f"create_trial(): state must be one of {[s.value for s in TrialState]}, got "
                         f"{state!r}") from None
    vals: list[float] | None = None
    if value is not None or values is not None:
        given: Any = [value] if value is not None else values
        if isinstance(given, (str, bytes, Mapping)):
            raise TypeError(f"create_trial(): values must be a sequence of numbers, got {given!r}")
        try:
            vals = [float(v) for v in given]
        except (TypeError, ValueError):
            raise TypeError(f"create_trial(): the value(s) must be numbers, got {given!r}") from None
        if not vals:
            raise ValueError("create_trial(): values= is empty; give one value per objective")
    if state == TrialState.COMPLETE:
        if vals is None:
            raise ValueError("create_trial(): a COMPLETE trial needs value= (or values= with several objectives)")
        if any(math.isnan(v) for v in vals):
            raise ValueError(f"create_trial(): a COMPLETE trial's values must not be NaN, got {vals}")
    elif state != TrialState.PRUNED and vals is not None:
        raise ValueError(f"create_trial(): a {state.value} trial has no value (got {vals}); only COMPLETE and "
                         f"PRUNED trials have one")
    params = dict(params or {})
    dists = dict(distributions or {})
    missing = [k for k in params if k not in dists]
    if missing:
        raise ValueError(f"create_trial(): give distributions= for the parameters {missing}, e.g. "
                         f"distributions={{{missing[0]!r}: tw.uniform(0, 1)}}")
    extra = [k for k in dists if k not in params]
    if extra:
        raise ValueError(f"create_trial(): distributions= names {extra}, which params= does not have; give "
                         f"each parameter's value and its distribution")
    for name, dist in dists.items():
        if not isinstance(dist, (D.Float, D.Int, D.Categorical)):
            raise TypeError(f"create_trial(): the distribution of {name!r} must be a FloatDistribution, "
                            f"IntDistribution or CategoricalDistribution (tw.uniform, tw.randint, tw.choice...), "
                            f"got {dist!r}")
        try:
            params[name] = D.check_value(name, dist, params[name])
        except ValueError as e:
            raise ValueError(f"create_trial(): {e}") from None
    reports: dict[int, float] = {}
    for key, v in (intermediate_values or {}).items():
        step = _step_of(key)  # an int, or its digits (FrozenTrial.to_dict() writes them as JSON keys)
        if step is None:
            raise ValueError(f"create_trial(): intermediate_values steps must be non-negative integers, got {key!r}")
        try:
            reports[step] = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"create_trial(): intermediate_values[{step}] must be a number, got {v!r}") from None
    users = {k: _checked_attr("create_trial(user_attrs=...)", k, v) for k, v in (user_attrs or {}).items()}
    systems = {k: _checked_attr("create_trial(system_attrs=...)", k, v) for k, v in (system_attrs or {}).items()}
    if constraints is not None:
        from tunewise._constraints import CONSTRAINTS_ATTR, check_constraints, named_constraint

        if isinstance(constraints, Mapping):  # Optuna 5's form: named values, as set_constraint(name, v) keeps them
            for name, constraint in constraints.items():
                systems.update(named_constraint(systems, name, constraint) or {})
        else:
            systems[CONSTRAINTS_ATTR] = check_constraints(constraints, "create_trial(constraints=...)")
    now = None if state == TrialState.WAITING else time.time()
    return FrozenTrial(number=-1, trial_id=-1, state=state, values=vals, params=params, distributions=dists,
                       intermediate_values=reports, user_attrs=users, system_attrs=systems, datetime_start=now,
                       datetime_complete=now if state.is_finished() else None)


def _step_of(key: Any) -> int | None:
    if isinstance(key, str) and key.isdigit():
        return int(key)
    if isinstance(key, bool) or not isinstance(key, int) or key < 0:
        return None
    return int(key)


_COMPARED = ("number", "trial_id", "state", "values", "params", "intermediate_values", "user_attrs",
             "system_attrs", "datetime_start_ts", "datetime_complete_ts", "heartbeat_ts")

_current_trial: contextvars.ContextVar[Trial | None] = contextvars.ContextVar("tunewise_trial", default=None)


class Trial(BaseTrial):
    """The handle an objective receives: suggest parameters, report progress, ask whether to stop.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> def objective(trial: tw.Trial) -> float:
    ...     x = trial.suggest_float("x", -10, 10)
    ...     kind = trial.suggest_categorical("kind", ["a", "b"])
    ...     return (x - 2) ** 2 + (kind == "b")
    >>> study.optimize(objective, n_trials=20)
    >>> len(study.trials)
    20
    """

    # Set by an executor's worker: told each value as it is chosen (a one-way message to the
    # parent, which keeps the configuration of a worker that dies before it is stored).
    _on_param: Callable[[Trial, str, Any], None] | None = None
    _sampler_view: Any = None  # the loop's TrialContext of this trial, made at its first sampler call
    _finished_as: TrialState | None = None  # set by Study._finish: what this object may still change is nothing
    # Set by the heartbeat thread: this run's trial, a retry, was recorded elsewhere with the late
    # result of the trial it retries (the same parameters); should_prune() stops the run.
    _settled_elsewhere: FrozenTrial | None = None

    def _refuse_finished(self, what: str) -> None:
        """Raise: this trial was told already (called only then: the message is not built on every suggest)."""
        assert self._finished_as is not None
        raise UpdateFinishedTrialError(f"trial {self.number} is already {self._finished_as.value}: {what} after "
                                       "it finished would never be stored (call it before study.tell)")

    def __init__(self, study: Study, frozen: FrozenTrial) -> None:
        self.study = study
        self._frozen = frozen
        self.number = frozen.number
        self._trial_id = frozen.trial_id
        self.params: dict[str, Any] = dict(frozen.params)
        # Enqueued/retried trials arrive with fixed params; they are used when suggested.
        self._fixed: dict[str, Any] = dict(frozen.system_attrs.get("fixed_params", {}))
        self._pending_params: dict[str, Any] = {}
        self._suggested_here: set[str] = set()  # names suggest() was called for on this object
        self.intermediate_values: dict[int, float] = dict(frozen.reports)
        # Each remembers the keys set since the last write: a write stores those only (see LiveAttrs).
        self.user_attrs: LiveAttrs = LiveAttrs(frozen.user_attrs)
        self.system_attrs: LiveAttrs = LiveAttrs(frozen.system_attrs)
        self._pending_attrs = False
        self._relative: dict[str, Any] | None = None
        self._propose_error: Exception | None = None  # the sampler's error when it proposed before the start
        self.datetime_start = frozen.datetime_start

    @property
    def reports(self) -> Mapping[int, float]:
        """What this trial reported so far, step -> value (the same as ``intermediate_values``;
        named like :attr:`FrozenTrial.reports` so code can read live and finished trials alike)."""
        return self.intermediate_values

    # ---- suggest ---------------------------------------------------------------
    @property
    def distributions(self) -> dict[str, D.Distribution]:
        """The distribution each suggested parameter was sampled from."""
        dists = self.study._distributions()
        own = self.system_attrs.get(DISTRIBUTIONS_ATTR) or {}
        return {k: D.distribution_from_json(own[k]) if k in own else dists[k] for k in self.params}

    def suggest(self, name: str, distribution: D.Distribution) -> Any:
        """Suggest a value for ``name`` from any distribution (the generic form of ``suggest_*``)."""
        if not isinstance(name, str) or not name:
            raise TypeError(f"parameter name must be a non-empty string, got {name!r}")
        if self._finished_as is not None:
            self._refuse_finished(f"suggesting {name!r}")
        if not isinstance(distribution, (D.Float, D.Int, D.Categorical)):
            raise TypeError(f"distribution must be Float, Int or Categorical, got {distribution!r}")
        if name in self._suggested_here:
            self._check_repeated(name, distribution)
            return self.params[name]
        before = self.study._distributions().get(name)  # the range a proposal made earlier saw
        self.study._register_distribution(name, distribution, self)
        if name in self.params:  # a continued trial's inherited value
            self._suggested_here.add(name)
            return self.params[name]
        if name in self._fixed:
            value = self._take_fixed(name, distribution, self._fixed[name], "Enqueued")
        elif isinstance(distribution, D.Categorical) and distribution.grid:
            # Declarative grid axis: cycle through the values by trial number.
            value = distribution.choices[self.number % len(distribution.choices)]
        else:
            if self._relative is None:
                error, self._propose_error = self._propose_error, None
                if error is not None:
                    raise error  # the proposal for this trial failed; asked once more at a later suggest
                self._relative = self.study._sampler_propose(self)
            value = self._relative.get(name, _MISSING)
            if value is not _MISSING and not distribution.contains(value) and before not in (None, distribution):
                # The proposal was made in the other range this parameter had (the space changed,
                # e.g. a range that depends on the trial): propose again in the range asked for,
                # around the values already suggested. Drawing this one value at random instead
                # paired it with the rest of a point made for the old range, which repeated points
                # trial after trial (session 17's probe: exact duplicates in a continuous space).
                # Once per parameter: a name reaches here only at its first suggest in the trial.
                self._relative = self.study._sampler_propose(self)
                value = self._relative.get(name, _MISSING)
            if value is _MISSING or not distribution.contains(value):
                value = self.study._sampler_sample(self, name, distribution)
            if isinstance(value, D.FixedValue):  # a grid point or a held value (Optuna's fixed params)
                value = self._take_fixed(name, distribution, value.value, f"{type(self.study.sampler).__name__}'s")
            else:
                value = D.check_value(name, distribution, value)
        self.params[name] = value
        self._suggested_here.add(name)
        self._pending_params[name] = value
        if self._on_param is not None:
            self._on_param(self, name, value)
        return value

    def _take_fixed(self, name: str, distribution: D.Distribution, value: Any, origin: str) -> Any:
        """A value the trial must take (enqueued, held, a grid point). As Optuna's fixed params, one
        outside ``distribution`` is used with a warning; the trial records its own distribution
        widened to hold it (:func:`~tunewise.distributions.widened`), so its values stay in its
        space. A value no distribution of that kind holds (a choice not offered) is an error."""
        if distribution.contains(value):
            return D.check_value(name, distribution, value)
        wide = D.widened(distribution, value)
        if wide is None:
            return D.check_value(name, distribution, value)  # raises, naming the value and the distribution
        warnings.warn(f"{origin} value {value!r} for parameter {name!r} is outside {distribution!r}: trial "
                      f"{self.number} runs with it, as in Optuna, and records its distribution as {wide!r}",
                      UserWarning, stacklevel=4)
        own = dict(self.system_attrs.get(DISTRIBUTIONS_ATTR) or {})
        own[name] = wide.to_json()
        self.set_system_attr(DISTRIBUTIONS_ATTR, own)
        return D.check_value(name, wide, value)

    def _check_repeated(self, name: str, distribution: D.Distribution) -> None:
        """``name`` is suggested again in this trial: as in Optuna, the first value and the first
        distribution stay; another range warns, another kind or other choices are an error."""
        own = self.system_attrs.get(DISTRIBUTIONS_ATTR) or {}
        if name in own:
            first: D.Distribution | None = D.distribution_from_json(own[name])
        else:
            first = self.study.__dict__.get("_first_dists", {}).get(name) or self.study._distributions().get(name)
        if first is None or first == distribution:
            return
        if type(first) is not type(distribution) or isinstance(first, D.Categorical):
            raise ValueError(f"parameter {name!r} was suggested in trial {self.number} from {first!r}, and is "
                             f"suggested again from {distribution!r}: within one trial a parameter keeps its kind "
                             f"and choices (use another name)")
        warnings.warn(f"parameter {name!r} was suggested in trial {self.number} from {first!r}, and again from "
                      f"{distribution!r}: the trial keeps its first value ({self.params[name]!r}) and "
                      f"distribution, as in Optuna", RuntimeWarning, stacklevel=4)

    # ---- progress --------------------------------------------------------------
    def report(self, value: float | Mapping[str, float], step: int | None = None, *,
               metric: str | None = None) -> None:
        """Record an intermediate value (e.g. validation accuracy after an epoch) at ``step``.

        ``step=None`` uses the next step after the last one. As in Optuna, a NaN value and a step
        lower than an earlier one are recorded with a warning (schedulers treat NaN as the worst
        value), not refused.

        ``value`` may be a dict of metrics (Ray Tune's ``tune.report(dict)`` habit): the one to
        optimize is ``metric=`` if given, else the study's (``create_study(metric="val_loss")``),
        else the dict's only entry; the first name given is stored with the study, so later calls
        need not repeat it. The whole dict is kept as ``user_attrs["metrics"]`` (latest values).
        """
        number: Any = value
        if isinstance(value, Mapping):
            number = self._metric_of(value, metric)
        elif metric is not None:
            raise TypeError(f"report(..., metric={metric!r}) names an entry of a dict of metrics, but the value is "
                            f"{value!r}; pass a dict, e.g. report({{{metric!r}: 0.3, 'acc': 0.9}})")
        try:
            v = float(number)
        except (TypeError, ValueError):
            raise TypeError(f"report() needs a number, got {number!r} ({type(number).__name__})") from None
        last = max(self.intermediate_values) if self.intermediate_values else None
        if step is None:
            step = 0 if last is None else last + 1
        if isinstance(step, bool) or not isinstance(step, int):
            try:
                if float(step).is_integer():
                    step = int(step)
                else:
                    raise ValueError
            except (TypeError, ValueError):
                raise TypeError(f"step must be a non-negative integer, got {step!r}") from None
        if step < 0:
            raise ValueError(f"step must be a non-negative integer, got {step}")
        if math.isnan(v):
            _warn(f"trial {self.number} reported NaN at step {step}: recorded (schedulers treat it as the worst value)")
        if step in self.intermediate_values:  # as Optuna: the first value reported at a step stays
            warnings.warn(f"trial {self.number} reported step {step} again: ignored, step {step} keeps its first "
                          f"value", UserWarning, stacklevel=2)
            return
        if last is not None and step < last:
            if getattr(self.study.scheduler, "ordered_steps", True):  # (WilcoxonPruner: steps name instances)
                _warn(f"trial {self.number} reported step {step} after step {last}: recorded as step {step}; "
                      f"the trial's last step stays {last}")
        self.intermediate_values[step] = v
        self.study._write_progress(self, {step: v})

    def _metric_of(self, metrics: Mapping[str, Any], metric: str | None) -> Any:
        """The value to optimize in a dict of reported metrics (see :meth:`report`)."""
        study = self.study
        stored = study._metric_name()
        name = metric if metric is not None else stored
        if name is None:
            if len(metrics) != 1:
                raise ValueError(f"report() got the metrics {sorted(map(str, metrics))}: name the one to optimize "
                                 f"once, with report(metrics, metric='...') or create_study(metric='...')")
            name = next(iter(metrics))
        if stored is not None and name != stored:
            raise ValueError(f"report(..., metric={name!r}): study {study.study_name!r} optimizes {stored!r}; a "
                             f"study optimizes one metric (report the others in the same dict)")
        if name not in metrics:
            raise ValueError(f"report() got the metrics {sorted(map(str, metrics))}, without {name!r}, the metric "
                             f"study {study.study_name!r} optimizes")
        if stored is None:
            study._set_metric_name(name)
        self.set_user_attr("metrics", dict(metrics))
        return metrics[name]

    def should_prune(self) -> bool:
        """Ask the study's scheduler whether this trial should stop now.

        The scheduler decides (continue, stop, or pause at a budget to be resumed later) and the
        loop carries the decision out (``tunewise/_decisions.py``); True means: end the trial now,
        e.g. ``raise tw.TrialPruned()``. A study created without a scheduler uses the median
        rule, as Optuna does (``MedianScheduler(n_startup_trials=5, n_warmup_steps=0)``); pass
        ``pruner=tw.pruners.NopPruner()`` to never prune.

        Also True, without asking the scheduler, once this process's heartbeats found that the
        trial (a retry of a crashed trial) was recorded elsewhere with the late result of the trial
        it retries: the run could only compute that result again (see
        ``benchmarks/history/s25/faults.md``).
        """
        if self._settled_elsewhere is not None:
            return True
        if not self.intermediate_values:
            return False
        if self.study.scheduler is None:
            # No scheduler given: Optuna's default, the median rule (MedianPruner()'s defaults).
            return _scheduling().act(self, self.study._default_scheduler())  # type: ignore[no-any-return]
        return _scheduling().should_prune(self)  # type: ignore[no-any-return]

    # ---- budget and checkpoints (the loop's side: _decisions.py; the files: schedulers/_checkpoint.py)
    @property
    def budget(self) -> float | None:
        """The resource (epochs, iterations...) this trial should train to, as set by the scheduler.

        ASHA/Hyperband in ``mode="promote"`` give each trial (or promoted continuation) the
        resource of the rung it runs to; in ``mode="stop"`` it is ``max_resource``. None when the
        study's scheduler sets no budget.
        """
        if self.study.scheduler is None:
            return None
        return _scheduling().budget(self)  # type: ignore[no-any-return]

    def save_checkpoint(self, obj: Any, step: int | None = None) -> str:
        """Save ``obj`` (plain data, numpy arrays or torch tensors) as this trial's checkpoint.

        Stored as files in the study's checkpoint directory at ``step`` (default: the last
        reported step); older ones beyond the scheduler's ``keep_checkpoints`` (default 2) are
        removed. Save *before* calling ``should_prune()`` so a paused or exploited trial's state
        can be handed on. Returns the checkpoint's directory.
        """
        return _scheduling().save_checkpoint(self, obj, step)  # type: ignore[no-any-return]

    def load_checkpoint(self) -> Any:
        """This trial's latest checkpoint, else the one it continues from (ASHA promotion, PBT
        exploit), else None (a fresh start)."""
        return _scheduling().load_checkpoint(self)

    @property
    def devices(self) -> list[str]:
        """The GPUs this trial was given by ``optimize(resources={"gpu": ...})``, as
        ``CUDA_VISIBLE_DEVICES`` names them (the trial's process sees only these); empty when
        the call asked for no GPU. Kept in ``system_attrs["devices"]`` of the finished trial."""
        return list(self.system_attrs.get("devices", ()))

    def set_user_attr(self, key: str, value: Any) -> None:
        """Attach a JSON-serializable value to the trial (kept in storage). UpdateFinishedTrialError
        once the trial has finished."""
        if self._finished_as is not None:
            self._refuse_finished(f"set_user_attr({key!r})")
        self.user_attrs[key] = _checked_attr("set_user_attr", key, value)
        self._pending_attrs = True

    def set_system_attr(self, key: str, value: Any) -> None:
        self.system_attrs[key] = value  # tunewise's own (proposals, fixed params): JSON by construction
        self._pending_attrs = True

    def flush(self) -> None:
        """Store now what this running trial recorded since its last write (parameters, reports,
        attributes).

        They are otherwise stored with the trial's next :meth:`report` and when it finishes, one
        write each time rather than one per call; flush when others (other workers, the
        dashboard) should see them while the trial runs, e.g. the log file of a long job.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> trial = study.ask()
        >>> trial.set_user_attr("log_file", "run-0.log")
        >>> trial.flush()
        >>> study.trials[0].user_attrs
        {'log_file': 'run-0.log'}
        """
        self.study._write_progress(self, {})

    def detach(self) -> None:
        """Hand this running trial over to whichever process tells its result.

        What it recorded is stored (as :meth:`flush`), this process stops sending its
        heartbeats, and the storage keeps none for it: it is never failed as stale, and stays
        RUNNING until ``study.tell(number, value)`` from any process (or ``tunewise tell``).
        ``tunewise ask`` detaches the trial it prints, and a trial asked with ``study.ask()``
        that is still running when its process ends normally is detached then; a process that
        is killed leaves its trials to the heartbeats instead (failed as stale, and retried).
        Detach once the trial has suggested all its parameters. RuntimeError if it is finished.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> trial = study.ask()
        >>> x = trial.suggest_float("x", 0, 1)
        >>> trial.detach()  # e.g. before this process exits; another one tells the result
        >>> study.tell(trial.number, x).state.value
        'COMPLETE'
        """
        self.study._detach(self)

    def _frozen_view(self) -> FrozenTrial:
        """A FrozenTrial snapshot of the live trial, for samplers and schedulers."""
        return FrozenTrial(
            number=self.number,
            trial_id=self._trial_id,
            state=TrialState.RUNNING,
            params=self.params,
            distributions=self.study._distributions(),
            intermediate_values=self.intermediate_values,
            user_attrs=self.user_attrs,
            system_attrs=self.system_attrs,
            datetime_start=self._frozen.datetime_start_ts,
        )

    def __repr__(self) -> str:
        return f"Trial(number={self.number}, params={self.params})"


_DECISIONS: Any = None


def _scheduling() -> Any:
    """``tunewise._decisions`` (the loop's side of scheduling), imported on first use: it imports
    the schedulers, which import this module."""
    global _DECISIONS
    if _DECISIONS is None:
        from tunewise import _decisions

        _DECISIONS = _decisions
    return _DECISIONS


class FixedTrial(BaseTrial):
    """A trial whose parameters are given: an objective runs on a chosen configuration (Optuna's
    ``optuna.trial.FixedTrial``), to check or refit it outside any study.

    ``suggest_*`` return ``params[name]`` (a ValueError names a parameter missing from
    ``params``; a value outside the requested range warns and is used as given), ``report``
    keeps the values, ``should_prune`` is False, attributes are kept on the object.

    >>> import tunewise as tw
    >>> def objective(trial):
    ...     return (trial.suggest_float("x", -10, 10) - 2) ** 2 + trial.suggest_int("n", 1, 5)
    >>> objective(tw.trial.FixedTrial({"x": 2.0, "n": 3}))
    3.0
    >>> objective(tw.trial.FixedTrial({"x": 1.0}))
    Traceback (most recent call last):
    ...
    ValueError: FixedTrial.suggest_int('n', ...): no value given for 'n' (the params given are ['x'])
    """

    def __init__(self, params: Mapping[str, Any], number: int = 0) -> None:
        if not isinstance(params, Mapping):
            raise TypeError(f"FixedTrial(params): a mapping of parameter names to values, got {params!r}")
        self._given = dict(params)
        self.number = int(number)
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, D.Distribution] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.intermediate_values: dict[int, float] = {}
        self.datetime_start: _dt.datetime | None = _dt.datetime.now()

    def suggest(self, name: str, distribution: D.Distribution) -> Any:
        """The value given for ``name`` (checked against ``distribution``, with a warning outside it)."""
        what = f"FixedTrial.{_SUGGEST_NAMES.get(type(distribution), 'suggest')}({name!r}, ...)"
        if name not in self._given:
            raise ValueError(f"{what}: no value given for {name!r} (the params given are {sorted(self._given)})")
        value = self._given[name]
        if not distribution.contains(value):
            _warn(f"{what}: the given value {value!r} is outside {distribution!r}; used as given")
        self.params[name] = value
        self.distributions[name] = distribution
        return value

    def report(self, value: float, step: int | None = None) -> None:
        """Kept in :attr:`intermediate_values` (nothing is pruned)."""
        self.intermediate_values[len(self.intermediate_values) if step is None else int(step)] = float(value)

    def should_prune(self) -> bool:
        """Always False: no scheduler watches a fixed trial."""
        return False

    def set_user_attr(self, key: str, value: Any) -> None:
        self.user_attrs[key] = _checked_attr("set_user_attr", key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        self.system_attrs[key] = _checked_attr("set_system_attr", key, value)


class _Missing:
    pass


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, RuntimeWarning, stacklevel=3)


_MISSING = _Missing()


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays made Python numbers and lists (in lists, tuples and
    dicts too): what an objective computes with numpy (``np.int64``, ``np.bool_``, an array of fold
    scores) is kept as JSON keeps it."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _jsonable(value: Any) -> Any:
    """``value``, or, where JSON cannot hold it as it is, its :func:`_plain` form."""
    import json

    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return _plain(value)
    return value


def _checked_attr(what: str, key: Any, value: Any) -> Any:
    """Refuse, where it is set, what the storage could not keep (it is JSON, nothing is pickled).
    Numpy values are stored as the Python numbers and lists they hold (see :func:`_plain`)."""
    import json

    from tunewise.storage._names import check_name

    if not isinstance(key, str):
        raise TypeError(f"{what}: the key must be a string, got {key!r}")
    # Checked here, not only by the storage: the running trial's attributes are written with its
    # finish, whose failure would leave it RUNNING with its result lost.
    check_name(what.replace("set_", "").replace("_attr", " attribute key"), key, allow_empty=True)
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        plain = _plain(value)  # numpy values, perhaps inside lists or dicts
    try:
        json.dumps(plain)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}({key!r}, ...): the value must be JSON-serializable (numbers, strings, bools, "
                        f"None, lists, dicts), got {type(value).__name__}: {e}") from None
    return plain


def report(value: float | Mapping[str, float], step: int | None = None, *, metric: str | None = None) -> None:
    """Report from a config-style training function (``study.optimize(fn, space=...)``).

    Records ``value`` for the running trial and raises :class:`TrialPruned` when the
    scheduler says to stop, so the function ends early on its own. ``value`` may be a dict of
    metrics, as Ray Tune's ``tune.report(dict)``: the one to optimize is named once, by
    ``metric=`` or ``create_study(metric=...)`` (see :meth:`Trial.report`).

    >>> import tunewise as tw
    >>> def train(config):
    ...     for epoch in range(3):
    ...         tw.report({"val_loss": config["lr"] / (epoch + 1), "acc": 0.9}, metric="val_loss")
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(train, space={"lr": tw.uniform(0, 1)}, n_trials=2)
    >>> sorted(study.trials[0].user_attrs["metrics"])
    ['acc', 'val_loss']
    """
    trial = _current_trial.get()
    if trial is None:
        from tunewise import _env_report  # a program launched by `tunewise sweep`

        if isinstance(value, Mapping):  # the sweep's metric (or the one named here) from the dict
            import os

            name = metric or os.environ.get(_env_report.ENV_METRIC)
            if name not in value and len(value) != 1:
                raise ValueError(f"tunewise.report() got the metrics {sorted(map(str, value))}: name the one to "
                                 f"optimize with metric='...' (the sweep's metric is {name!r})")
            value = value[name] if name is not None and name in value else next(iter(value.values()))
        if _env_report.report_from_env(value, step):
            return
        raise RuntimeError(
            "tunewise.report() was called outside a trial: call it from a function run by "
            "study.optimize(fn, space=...) or from a program run by `tunewise sweep`"
        )
    trial.report(value, step, metric=metric)
    if trial.should_prune():
        raise TrialPruned(f"pruned at step {max(trial.intermediate_values)}")


def _module_alias(name: str, **members: Any) -> types.ModuleType:
    """A module object ``tunewise.trial.<name>`` holding ``members``, registered in ``sys.modules``.

    Optuna keeps ``optuna.trial`` as a package, and scripts (Optuna's own tutorial among them)
    import from its private modules: ``from optuna.trial._state import TrialState``. Here
    ``tunewise.trial`` is one module; the import system looks in ``sys.modules`` before it looks
    for a file, so a module object registered there under Optuna's path makes that import work.
    """
    module = types.ModuleType(f"{__name__}.{name}", f"Optuna's private path optuna.trial.{name}: an alias of "
                                                    f"names in tunewise.trial.")
    module.__dict__.update(members)
    sys.modules.setdefault(module.__name__, module)
    return module


# >>> from tunewise.trial._state import TrialState   (Optuna's path; the class is tunewise.TrialState)
_state = _module_alias("_state", TrialState=TrialState)
_frozen = _module_alias("_frozen", FrozenTrial=FrozenTrial, create_trial=create_trial)
_trial = _module_alias("_trial", Trial=Trial)
_fixed = _module_alias("_fixed", FixedTrial=FixedTrial)
