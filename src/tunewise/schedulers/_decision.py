"""What a scheduler answers a report with: a :class:`Decision`, and the :class:`Continuation` s it
suggests running next.

A scheduler only decides; the loop (``tunewise/_decisions.py``) carries decisions out: it records
the attrs a decision asks for, claims, hands checkpoints over and enqueues continuations. This
is Syne Tune's split of scheduler and backend (``on_trial_result`` returns CONTINUE / PAUSE /
STOP; resuming a paused trial is a suggestion the backend runs), fitted to define-by-run: a
paused trial ends as PRUNED and is resumed as a new WAITING trial that continues it.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["Action", "Continuation", "Decision"]


class Action(str, enum.Enum):
    """What happens to the trial that reported.

    >>> from tunewise.schedulers import Action, Decision
    >>> Decision.stop().action is Action.STOP, Decision.CONTINUE.action.value
    (True, 'CONTINUE')
    """

    CONTINUE = "CONTINUE"  #: train on
    STOP = "STOP"  #: end now (PRUNED), for good
    PAUSE = "PAUSE"  #: end now (PRUNED) at a budget; a continuation may resume it later
    WAIT = "WAIT"  #: not decided yet: the loop asks again after ``retry_after`` seconds


def _checked_mapping(name: str, value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"{name} must be a dict with string keys, got {value!r}")
    return dict(value)


@dataclass(frozen=True)
class Decision:
    """A scheduler's answer to a report (:meth:`Scheduler.on_report`).

    ``action`` is CONTINUE, STOP, PAUSE (``at`` the budget the trial paused at) or WAIT.
    ``attrs`` are system attrs the loop records on the trial: with its next write, or at once
    when ``publish`` is set (other workers' decisions need to see them). With ``suggest`` set,
    the loop then calls :meth:`Scheduler.suggest` and runs the continuations it returns; it
    asks only after publishing, so of several workers deciding at once the last one sees every
    other's decision (a generation of PBT, a rung of ASHA, is resolved by somebody).

    WAIT (build it with :meth:`wait`) holds the trial: the loop asks again every
    ``retry_after`` seconds, and carries out ``then`` once ``timeout`` seconds have passed.

    >>> from tunewise.schedulers import Decision
    >>> Decision.CONTINUE.prunes, Decision.stop().prunes
    (False, True)
    >>> Decision.pause(at=9, attrs={"rung": 2}).action.value
    'PAUSE'
    """

    action: Action
    at: float | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    publish: bool = False
    suggest: bool = False
    retry_after: float = 0.0
    timeout: float = 0.0
    then: Decision | None = None

    CONTINUE: ClassVar[Decision]

    def __post_init__(self) -> None:
        if not isinstance(self.action, Action):
            raise TypeError(f"action must be a tunewise.schedulers.Action, got {self.action!r}")
        object.__setattr__(self, "attrs", _checked_mapping("attrs", self.attrs))
        if self.at is not None and (isinstance(self.at, bool) or not isinstance(self.at, (int, float))
                                    or not math.isfinite(self.at)):
            raise ValueError(f"at must be a finite number (the budget a trial paused at) or None, got {self.at!r}")
        if self.action is Action.PAUSE and self.at is None:
            raise ValueError("a PAUSE decision needs at= (the budget the trial paused at)")
        if self.action is Action.WAIT:
            for name in ("retry_after", "timeout"):
                v = getattr(self, name)
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                    raise ValueError(f"{name} must be a finite number of seconds >= 0, got {v!r}")
            if not isinstance(self.then, Decision) or self.then.action is Action.WAIT:
                raise ValueError(f"a WAIT decision needs then= (a CONTINUE, STOP or PAUSE decision to carry out "
                                 f"when the wait times out), got {self.then!r}")
        elif self.then is not None:
            raise ValueError(f"then= is for WAIT decisions, not {self.action.value}")

    @property
    def prunes(self) -> bool:
        """Whether ``trial.should_prune()`` answers True: the trial ends now (STOP or PAUSE)."""
        return self.action in _PRUNES

    @classmethod
    def stop(cls, attrs: Mapping[str, Any] | None = None, *, publish: bool = False,
             suggest: bool = False) -> Decision:
        """End the trial for good."""
        if not attrs and not publish and not suggest:
            return _STOP
        return cls(Action.STOP, attrs=attrs or {}, publish=publish, suggest=suggest)

    @classmethod
    def pause(cls, at: float, attrs: Mapping[str, Any] | None = None, *, publish: bool = False,
              suggest: bool = False) -> Decision:
        """End the trial at budget ``at``; a :class:`Continuation` may resume it later."""
        return cls(Action.PAUSE, at=at, attrs=attrs or {}, publish=publish, suggest=suggest)

    @classmethod
    def proceed(cls, attrs: Mapping[str, Any] | None = None, *, publish: bool = False,
                suggest: bool = False) -> Decision:
        """CONTINUE, recording ``attrs`` on the trial (``Decision.CONTINUE`` records nothing)."""
        if not attrs and not publish and not suggest:
            return cls.CONTINUE
        return cls(Action.CONTINUE, attrs=attrs or {}, publish=publish, suggest=suggest)

    @classmethod
    def wait(cls, retry_after: float, timeout: float, then: Decision, *, attrs: Mapping[str, Any] | None = None,
             publish: bool = False, suggest: bool = False) -> Decision:
        """Not decided yet: ask again every ``retry_after`` seconds, carry out ``then`` after ``timeout``."""
        return cls(Action.WAIT, attrs=attrs or {}, publish=publish, suggest=suggest, retry_after=retry_after,
                   timeout=timeout, then=then)


_PRUNES = frozenset((Action.STOP, Action.PAUSE))
Decision.CONTINUE = Decision(Action.CONTINUE)
_STOP = Decision(Action.STOP)


@dataclass(frozen=True)
class Continuation:
    """A suggestion to resume paused trial ``continues`` as a new trial with ``params``.

    The loop enqueues a WAITING trial with these fixed ``params`` and system ``attrs``, a
    ``continues`` link, and a snapshot of the latest checkpoint (at or before ``max_step``) of
    trial ``checkpoint_from`` (default: ``continues``), which ``trial.load_checkpoint()``
    returns. With ``claim``, it is carried out only by the one worker (of all sharing the
    storage) that claims that key first; continuations sharing a key are carried out together.

    >>> from tunewise.schedulers import Continuation
    >>> Continuation(continues=4, params={"lr": 0.1}, claim="promote:4").checkpoint_from is None
    True
    """

    continues: int
    params: Mapping[str, Any]
    attrs: Mapping[str, Any] = field(default_factory=dict)
    checkpoint_from: int | None = None
    max_step: int | None = None
    claim: str | None = None

    def __post_init__(self) -> None:
        for name in ("continues", "checkpoint_from", "max_step"):
            v = getattr(self, name)
            if v is None and name != "continues":
                continue
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"{name} must be a trial number or step (an integer >= 0), got {v!r}")
        object.__setattr__(self, "params", _checked_mapping("params", self.params))
        object.__setattr__(self, "attrs", _checked_mapping("attrs", self.attrs))
        if self.claim is not None and (not isinstance(self.claim, str) or not self.claim):
            raise ValueError(f"claim must be a non-empty string or None, got {self.claim!r}")
