"""The scheduler (pruner) interface: decide from intermediate reports whether a trial stops."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import Trial


class Scheduler(abc.ABC):
    """Called by ``trial.should_prune()`` after the trial has reported at least once.

    ``trial`` is the live trial (``number``, ``params``, ``intermediate_values``); other trials
    come from ``study.get_trials(states=...)``.
    """

    @abc.abstractmethod
    def should_prune(self, study: Study, trial: Trial) -> bool: ...

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__}
