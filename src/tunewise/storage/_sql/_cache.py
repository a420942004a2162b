"""What this process has read of each study: the incremental reader cache of SQLStorage.

Every write to a study stamps the changed trial row with the study's next ``seq``; a reader keeps
the trials it has seen (sorted by number, with a view per state) and asks only for the rows with
a higher ``seq`` than the last one it applied. Finished trials never change, so cached ones are
shared with every caller, never copied, and stored compactly (see ``storage/_compact.py``).
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from collections.abc import Container
from typing import Any

from tunewise import distributions as D
from tunewise.storage._compact import EMPTY, KeyShared, TimeColumns, compact_times, series
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["StudyCache", "by_number", "frozen_trial"]

_STATES = {s.value: s for s in TrialState}

_loads = json.loads


class StudyCache:
    """Trials of one study seen by this process, kept sorted by number, plus per-state views."""

    __slots__ = ("claimed_here", "dist_id", "dists", "enqueued_here", "keys", "last_number", "lock", "numbers",
                 "seq", "state_numbers", "state_trials", "times", "trials")

    def __init__(self) -> None:
        self.seq = -1  # highest study seq applied
        self.numbers: list[int] = []
        self.trials: list[FrozenTrial] = []
        self.state_numbers: dict[TrialState, list[int]] = {s: [] for s in TrialState}
        self.state_trials: dict[TrialState, list[FrozenTrial]] = {s: [] for s in TrialState}
        # Shared by every FrozenTrial of the study and grown in place: a parameter keeps one
        # distribution per study, so this dict only ever gains keys.
        self.dists: dict[str, D.Distribution] = {}
        self.dist_id = 0
        # Key tables shared by the finished trials' params / user_attrs / system_attrs dicts.
        self.keys = (KeyShared(), KeyShared(), KeyShared())
        self.times = TimeColumns()  # start/complete times of COMPLETE and PRUNED trials
        self.lock = threading.Lock()
        # What this process wrote, for next_trial_number() without a read: the cache learns of
        # its own starts and enqueues only at its next read.
        self.last_number = -1  # the highest trial number this process created
        # Both forget a trial once a read shows it is no longer WAITING (apply): they stay as
        # small as the queue, and a trial another worker claimed stops being predicted.
        self.enqueued_here: set[int] = set()  # WAITING trials this process enqueued
        self.claimed_here: set[int] = set()  # WAITING trials this process claimed

    @staticmethod
    def _put(numbers: list[int], trials: list[FrozenTrial], t: FrozenTrial) -> None:
        n = t.number
        if not numbers or numbers[-1] < n:  # the common case: a new trial at the end
            numbers.append(n)
            trials.append(t)
            return
        i = bisect_left(numbers, n)
        if i < len(numbers) and numbers[i] == n:
            trials[i] = t
        else:
            numbers.insert(i, n)
            trials.insert(i, t)

    @staticmethod
    def _drop(numbers: list[int], trials: list[FrozenTrial], n: int) -> None:
        i = bisect_left(numbers, n)
        if i < len(numbers) and numbers[i] == n:
            del numbers[i]
            del trials[i]

    def apply(self, t: FrozenTrial) -> None:
        if t.state != TrialState.WAITING and (self.enqueued_here or self.claimed_here):
            self.enqueued_here.discard(t.number)
            self.claimed_here.discard(t.number)
        old = self.get(t.number)
        if old is not None and old.state != t.state:
            self._drop(self.state_numbers[old.state], self.state_trials[old.state], old.number)
        self._put(self.numbers, self.trials, t)
        self._put(self.state_numbers[t.state], self.state_trials[t.state], t)

    def get(self, number: int) -> FrozenTrial | None:
        i = bisect_left(self.numbers, number)
        if i < len(self.numbers) and self.numbers[i] == number:
            return self.trials[i]
        return None

    def select(self, states: Container[TrialState] | None) -> list[FrozenTrial]:
        if states is None:
            return list(self.trials)
        chosen = [self.state_trials[s] for s in TrialState if s in states]
        if len(chosen) == 1:
            return list(chosen[0])
        out = [t for lst in chosen for t in lst]
        out.sort(key=by_number)  # few sorted runs: Timsort merges them in linear time
        return out


def by_number(t: FrozenTrial) -> int:
    return t.number


_EMPTY = EMPTY  # the shared empty dict of finished trials (see _compact)

# Parameter and attribute names (and short string values) repeat in every trial; JSON decoding
# makes a new string object for each. Sharing one object per distinct string saves ~50 bytes per
# name per trial. Capped, so a study with unbounded distinct strings cannot grow it forever.
_STRINGS: dict[str, str] = {}
_STRINGS_CAP = 50_000


def _shared_strings(text: str) -> dict[str, Any]:
    d: dict[str, Any] = _loads(text)
    if len(_STRINGS) > _STRINGS_CAP:
        return d
    share = _STRINGS.setdefault
    return {share(k, k): (share(v, v) if type(v) is str and len(v) <= 64 else v) for k, v in d.items()}


def _finished_dict(text: str, keys: KeyShared | None) -> dict[str, Any]:
    if text == "{}":
        return _EMPTY
    d = _shared_strings(text)
    return d if keys is None else keys.make(d)


def frozen_trial(row: Any, dists: dict[str, D.Distribution], cache: StudyCache | None = None) -> FrozenTrial:
    """The trial of a ``tunewise_trials`` row (its first 11 columns as in ``Statements.q_changed``).

    A finished trial is stored compactly: its dicts share the study's key tables and strings, its
    times live in the study's column store (COMPLETE and PRUNED only), an empty dict is shared."""
    (tid, number, state, values, params, inter, user, system, start, complete, hb) = row[:11]
    st = _STATES[state]
    if st.is_finished():  # compact and shared where possible: studies hold 100,000s of these
        kp, ku, ks = cache.keys if cache is not None else (None, None, None)
        t = FrozenTrial(
            number=number, trial_id=tid, state=st,
            values=None if values is None else _loads(values),
            params=_finished_dict(params, kp), distributions=dists,
            intermediate_values=series(_loads(inter)) if inter != "{}" else _EMPTY,
            user_attrs=_finished_dict(user, ku), system_attrs=_finished_dict(system, ks),
            datetime_start=start, datetime_complete=complete,
        )
        # COMPLETE and PRUNED never change again (a FAILED trial can still be finished by
        # its worker), so their times can live in the study's column store.
        if cache is not None and st is not TrialState.FAILED:
            compact_times(t, cache.times)
        return t
    iv = _loads(inter)
    return FrozenTrial(
        number=number, trial_id=tid, state=st,
        values=None if values is None else _loads(values),
        params=_loads(params), distributions=dists,
        intermediate_values={int(k): v for k, v in iv.items()} if iv else {},
        user_attrs=_loads(user), system_attrs=_loads(system),
        datetime_start=start, datetime_complete=complete, heartbeat=hb,
    )
