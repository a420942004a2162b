"""Read-side views of a study shared by the report and the dashboard.

A :class:`StudyView` is a study as the insight tools see it: a snapshot of its trials that
refreshes at most every so often (however many browsers poll), plus the aggregates a page
shows (counts by state, the best trial), the JSON shape of a trial, and server-side
sorting, filtering and paging of the trial table.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from tunewise import distributions as D
from tunewise.storage import BaseStorage
from tunewise.trial import FrozenTrial, TrialState

STATES = [s.value for s in TrialState]
# How many computed results (plot figures, sorted or filtered trial tables) a study view keeps
# between two changes of the study. Each table entry holds a list of up to every trial, so
# the bound keeps a dashboard's memory flat however many distinct filters clients send.
MEMO_SIZE = 32


class BadRequest(ValueError):
    """A request parameter is invalid; the message names it and says what is valid."""


def json_number(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _json_safe(v: Any) -> Any:
    if isinstance(v, float):
        return json_number(v)
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    return v


def trial_json(t: FrozenTrial, *, now: float | None = None) -> dict[str, Any]:
    """The compact JSON shape of a trial used by the table (API, page and report)."""
    end = t.datetime_complete_ts
    if end is None and t.state == TrialState.RUNNING and t.datetime_start_ts is not None:
        end = now if now is not None else time.time()
    duration = None if (t.datetime_start_ts is None or end is None) else max(0.0, end - t.datetime_start_ts)
    out: dict[str, Any] = {
        "number": t.number,
        "state": t.state.value,
        "values": _json_safe(t.values),
        "params": _json_safe(t.params),
        "datetime_start": t.datetime_start_ts,
        "datetime_complete": t.datetime_complete_ts,
        "duration": duration,
        "last_step": t.last_step,
        "user_attrs": _json_safe(t.user_attrs),
    }
    reason = t.system_attrs.get("fail_reason")
    if reason is not None:
        out["fail_reason"] = str(reason)[:500]
    return out


def distribution_json(d: D.Distribution) -> dict[str, Any]:
    out = d.to_json()
    if "choices" in out:
        out["choices"] = _json_safe(list(out["choices"]))
    return out


def _infeasible(t: FrozenTrial) -> bool:
    """Whether a trial violates a constraint (a value > 0 in system_attrs["constraints"])."""
    values = t.system_attrs.get("constraints")
    return bool(values and any(v > 0 for v in values))


class StudyView:
    """A refreshing snapshot of one study (usable wherever the plots expect a study).

    ``refresh()`` rereads the storage at most every ``min_interval`` seconds and backs off to
    five times the last read's duration, so watchers never load a busy database much
    (SQL storage reads are incremental: only trials changed since the last read).
    """

    def __init__(self, storage: BaseStorage, name: str, *, min_interval: float = 1.0) -> None:
        self.storage = storage
        self.study_name = name
        self.study_id = storage.get_study_id(name)
        self.directions: list[str] = storage.get_study_directions(self.study_id)
        self.min_interval = min_interval
        self._lock = threading.Lock()
        self._next_read = 0.0
        self.trials: list[FrozenTrial] = []
        self.distributions: dict[str, D.Distribution] = {}
        self.attrs: dict[str, Any] = {}
        self.version = -1  # bumps whenever anything visible changed
        self._signature: tuple[Any, ...] = ()
        self.memo_size = MEMO_SIZE
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()  # least recently used first
        self._memo_lock = threading.Lock()
        self.counts: dict[str, int] = dict.fromkeys(STATES, 0)
        self.best: FrozenTrial | None = None
        self.watermark = -1  # every trial numbered <= watermark is finished (immutable)

    # ---- the StudyLike protocol used by tunewise.plots ------------------------------------
    def get_trials(self, deepcopy: bool = False, states: Any = None) -> list[FrozenTrial]:
        if states is None:
            return list(self.trials)
        return [t for t in self.trials if t.state in states]

    # ---- refresh ---------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> bool:
        """Reread the study if due; True when something changed."""
        with self._lock:
            now = time.monotonic()
            if not force and now < self._next_read:
                return False
            t0 = time.monotonic()
            trials = self.storage.get_trials(self.study_id)
            dists = self.storage.get_distributions(self.study_id)
            attrs = self.storage.get_study_attrs(self.study_id)
            took = time.monotonic() - t0
            self._next_read = time.monotonic() + max(self.min_interval, 5 * took)
            # Running trials change without changing the count: include their step counts.
            running = tuple((t.number, len(t.intermediate_values), t.state.value)
                            for t in trials[self.watermark + 1:] if not t.state.is_finished())
            sig = (len(trials), sum(1 for t in trials[self.watermark + 1:] if t.state.is_finished()),
                   running, len(dists))
            if sig == self._signature and attrs == self.attrs:
                return False
            self._signature = sig
            self.trials = trials
            self.distributions = dists
            self.attrs = attrs
            self._aggregate()
            with self._memo_lock:
                self.version += 1
                self._memo.clear()
            return True

    def _aggregate(self) -> None:
        counts = dict.fromkeys(STATES, 0)
        for t in self.trials:
            counts[t.state.value] += 1
        self.counts = counts
        w = -1
        for t in self.trials:  # trials are ordered by number, numbers are 0..n-1
            if not t.state.is_finished():
                break
            w = t.number
        self.watermark = w
        self.best = None
        if len(self.directions) == 1:
            sign = 1.0 if self.directions[0] == "minimize" else -1.0
            best_key = math.inf
            for t in self.trials:
                if t.state == TrialState.COMPLETE and t.values and not _infeasible(t):
                    k = sign * t.values[0]
                    if k < best_key:
                        best_key, self.best = k, t

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Cache ``compute()`` until the study changes (plots, sort orders, filtered tables).

        A least-recently-used cache of at most ``memo_size`` entries: requests run in threads,
        so a result computed while the study changed is returned but not kept.
        """
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
            version = self.version
        value = compute()
        with self._memo_lock:
            if self.version == version:
                self._memo[key] = value
                self._memo.move_to_end(key)
                while len(self._memo) > self.memo_size:
                    self._memo.popitem(last=False)
        return value

    # ---- what pages show --------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        starts = [t.datetime_start_ts for t in self.trials if t.datetime_start_ts is not None]
        ends = [t.datetime_complete_ts for t in self.trials if t.datetime_complete_ts is not None]
        system = self.attrs.get("system", {}) if isinstance(self.attrs.get("system"), dict) else {}
        best = None
        if self.best is not None:
            best = trial_json(self.best)
        pareto = None
        if len(self.directions) > 1:
            pareto = self.memo("pareto", self._pareto)
        return {
            "name": self.study_name,
            "directions": self.directions,
            "n_trials": len(self.trials),
            "counts": self.counts,
            "best_trial": best,
            "pareto_front": pareto,
            "params": {k: distribution_json(d) for k, d in sorted(self.distributions.items())},
            "user_attrs": _json_safe(self.attrs.get("user", {})),
            "strategy": _json_safe(system.get("strategy")),
            "datetime_start": min(starts) if starts else None,
            "datetime_last": max(ends) if ends else None,
            "watermark": self.watermark,
            "version": self.version,
        }

    def _pareto(self) -> list[int]:
        import numpy as np

        from tunewise._pareto import nondominated

        complete = [t for t in self.trials if t.state == TrialState.COMPLETE and t.values and not _infeasible(t)]
        if not complete:
            return []
        signs = np.array([1.0 if d == "minimize" else -1.0 for d in self.directions])
        v = np.array([t.values for t in complete], dtype=float) * signs
        return [t.number for t, keep in zip(complete, nondominated(v).tolist()) if keep]

    # ---- the trial table -----------------------------------------------------------------------
    def after(self, after: int, limit: int) -> dict[str, Any]:
        """Trials numbered above ``after`` (in order): the incremental feed for live pages.

        A client keeps ``watermark`` from the answer and asks ``after=watermark`` next time:
        finished trials never change, so it receives only new trials and those still running.
        """
        start = max(0, after + 1)
        chunk = self.trials[start:start + limit]
        now = time.time()
        return {
            "trials": [trial_json(t, now=now) for t in chunk],
            "n_trials": len(self.trials),
            "watermark": self.watermark,
            "counts": self.counts,
            "version": self.version,
            "has_more": start + limit < len(self.trials),
        }

    def page(self, *, offset: int, limit: int, sort: str, order: str, states: Sequence[str] | None,
             filter_expr: str | None) -> dict[str, Any]:
        key = ("rows", sort, order, tuple(sorted(set(states or ()))), (filter_expr or "").strip())
        rows: list[FrozenTrial] = self.memo(key, lambda: self._select(sort, order, states, filter_expr))
        now = time.time()
        return {
            "total": len(rows),
            "n_trials": len(self.trials),
            "offset": offset,
            "limit": limit,
            "trials": [trial_json(t, now=now) for t in rows[offset:offset + limit]],
            "watermark": self.watermark,
            "version": self.version,
        }

    def sort_keys(self) -> list[str]:
        base = ["number", "state", "value", "duration", "datetime_start", "last_step"]
        if len(self.directions) > 1:
            base += [f"values.{i}" for i in range(len(self.directions))]
        return base + [f"params.{k}" for k in sorted(self.distributions)]

    def _select(self, sort: str, order: str, states: Sequence[str] | None,
                filter_expr: str | None) -> list[FrozenTrial]:
        rows = self.trials
        if states:
            wanted = set(states)
            rows = [t for t in rows if t.state.value in wanted]
        if filter_expr:
            preds = parse_filter(filter_expr, set(self.distributions))
            rows = [t for t in rows if all(p(t) for p in preds)]
        if sort == "number":
            rows = list(rows)
        else:
            get = _sort_getter(sort)
            # Missing values always sort last, whatever the order; numbers before text.
            present = [t for t in rows if get(t) is not None]
            missing = [t for t in rows if get(t) is None]
            present.sort(key=lambda t: _rank(get(t)))
            rows = present
            if order == "desc":
                rows.reverse()
            return rows + missing
        if order == "desc":
            rows.reverse()
        return rows


def _rank(v: Any) -> tuple[int, Any]:
    if isinstance(v, bool):
        return (1, int(v))
    if isinstance(v, (int, float)):
        return (0, v)
    return (2, str(v))


def _sort_getter(sort: str) -> Callable[[FrozenTrial], Any]:
    if sort == "state":
        return lambda t: t.state.value
    if sort == "value":
        return lambda t: json_number(t.values[0]) if t.values else None
    if sort.startswith("values."):
        i = int(sort.split(".", 1)[1])
        return lambda t: json_number(t.values[i]) if t.values and len(t.values) > i else None
    if sort == "duration":
        return lambda t: (t.datetime_complete_ts - t.datetime_start_ts
                          if t.datetime_complete_ts is not None and t.datetime_start_ts is not None else None)
    if sort == "datetime_start":
        return lambda t: t.datetime_start_ts
    if sort == "last_step":
        return lambda t: t.last_step
    name = sort.split(".", 1)[1]
    return lambda t: t.params.get(name)


_FILTER_RE = re.compile(r"^\s*(.+?)\s*(<=|>=|!=|==|=|<|>)\s*(.+?)\s*$")


def parse_filter(expr: str, params: set[str]) -> list[Callable[[FrozenTrial], bool]]:
    """Parse ``"lr<0.01, optimizer=adam, value<=0.3"`` into predicates (all must hold).

    Names are parameters, ``value`` (first objective) or ``number``; values are numbers or
    text (compared as text, quotes optional).
    """
    preds: list[Callable[[FrozenTrial], bool]] = []
    for part in re.split(r",|\band\b", expr):
        if not part.strip():
            continue
        m = _FILTER_RE.match(part)
        if not m:
            raise BadRequest(
                f"filter: cannot read {part.strip()!r}; write conditions like 'lr<0.01, optimizer=adam, value<=0.3'"
            )
        name, op, raw = m.group(1), m.group(2), m.group(3).strip("'\"")
        if name not in params and name not in ("value", "number"):
            raise BadRequest(
                f"filter: unknown name {name!r}; use 'value', 'number' or a parameter: "
                f"{', '.join(sorted(params)) or '(none)'}"
            )
        try:
            number: float | None = float(raw)
        except ValueError:
            number = None
        preds.append(_predicate(name, op, raw, number))
    return preds


def _predicate(name: str, op: str, raw: str, number: float | None) -> Callable[[FrozenTrial], bool]:
    def get(t: FrozenTrial) -> Any:
        if name == "value":
            return t.values[0] if t.values else None
        if name == "number":
            return t.number
        return t.params.get(name)

    def test(t: FrozenTrial) -> bool:
        v = get(t)
        if v is None:
            return False
        a: Any
        b: Any
        if number is not None and isinstance(v, (int, float)) and not isinstance(v, bool):
            a, b = float(v), number
        else:
            a, b = str(v), raw
        if op in ("=", "=="):
            return bool(a == b)
        if op == "!=":
            return bool(a != b)
        return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])

    return test
