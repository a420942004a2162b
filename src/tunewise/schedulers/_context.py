"""What a scheduler may read about the study it decides for: :class:`SchedulerContext`."""

from __future__ import annotations

import abc
from collections.abc import Container
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise import distributions as D
    from tunewise.trial import FrozenTrial, TrialState

__all__ = ["SchedulerContext"]


class SchedulerContext(abc.ABC):
    """A small, read-only view of a study, given to every :class:`Scheduler` hook.

    It is all a scheduler sees of the study: its objectives, its parameters and its trials. It
    writes nothing: what a scheduler wants written (attrs, continuations) it returns in a
    :class:`Decision`, and the loop writes it. The loop gives its schedulers a context over the
    study's storage; a test or a simulator can give them any other implementation.

    Its names are those of :class:`~tunewise.study.Study`. Trials are read whole (``get_trials``)
    from the storage's cache; a scheduler that derives something from every finished trial keeps
    it in :meth:`scratch` and reads each finished trial once (finished trials never change), as
    ASHA's rung table does.
    """

    @property
    @abc.abstractmethod
    def study_name(self) -> str:
        """The study's name (for messages)."""

    @property
    @abc.abstractmethod
    def directions(self) -> list[str]:
        """``"minimize"`` or ``"maximize"`` per objective."""

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, D.Distribution]:
        """Every parameter seen in the study and its distribution (a new dict)."""

    @abc.abstractmethod
    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """The study's trials ordered by number (only those in ``states``), the live one
        included as last written. Shared objects: read, never change them."""

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, ordered by number (as ``get_trials()``)."""
        return self.get_trials()

    def count_trials(self, states: Container[TrialState] | None = None) -> int:
        """How many trials are in ``states`` (all if None)."""
        return len(self.get_trials(states=states))

    @abc.abstractmethod
    def scratch(self, owner: object) -> dict[str, Any]:
        """A dict private to ``owner`` (a scheduler) for this study in this process: a cache
        for what it derives from finished trials. Never shipped to other processes."""
