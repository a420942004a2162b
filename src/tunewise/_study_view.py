"""The read-only view of a study that strategies get, and the loop's implementation of it.

Samplers (:class:`~tunewise.samplers.StudyContext`) and schedulers
(:class:`~tunewise.schedulers.SchedulerContext`) read the same things of a study: its name, its
objectives, its search space and its trials. :class:`StudyView` holds that common part; each
strategy's context adds what only it needs (a sampler's incremental reads and claims, a
scheduler's scratch space). :class:`StudyReader` is the loop's side: it reads through a
:class:`~tunewise.study.Study` (the storage's caches, no copies).
"""

from __future__ import annotations

import abc
from collections.abc import Container
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tunewise import distributions as D
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, TrialState

__all__ = ["Forwarding", "StudyReader", "StudyView"]


class StudyView(abc.ABC):
    """What every strategy reads of a study. Its names are those of :class:`~tunewise.study.Study`."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def study_name(self) -> str:
        """The study's name (for messages)."""

    @property
    @abc.abstractmethod
    def directions(self) -> list[str]:
        """``"minimize"`` or ``"maximize"`` per objective."""

    @property
    def direction(self) -> str:
        """The one objective's direction (a study with several objectives has only ``directions``)."""
        directions = self.directions
        if len(directions) != 1:
            raise RuntimeError(f"study {self.study_name!r} has {len(directions)} objectives: use directions")
        return directions[0]

    @property
    @abc.abstractmethod
    def distributions(self) -> dict[str, D.Distribution]:
        """Every parameter seen in the study and its distribution (the known search space; a new dict)."""

    @abc.abstractmethod
    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """The study's trials ordered by number (only those in ``states``), RUNNING ones as last
        written. Shared objects: read them, never change them."""

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, ordered by number (as ``get_trials()``)."""
        return self.get_trials()

    def count_trials(self, states: Container[TrialState] | None = None) -> int:
        """How many trials are in ``states`` (all if None)."""
        return len(self.get_trials(states=states))


class Forwarding(StudyView):
    """A :class:`StudyView` that reads another object's attributes of the same names: a
    :class:`~tunewise.study.Study` (the loop's reader) or another view (a wrapper's)."""

    __slots__ = ("_study",)

    def __init__(self, study: Any) -> None:
        self._study = study

    @property
    def study_name(self) -> str:
        return str(self._study.study_name)

    @property
    def directions(self) -> list[str]:
        return list(self._study.directions)

    @property
    def distributions(self) -> dict[str, D.Distribution]:
        return self._study.distributions  # type: ignore[no-any-return]

    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        return self._study.get_trials(deepcopy=deepcopy, states=states)  # type: ignore[no-any-return]

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._study.user_attrs  # type: ignore[no-any-return]

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._study.system_attrs  # type: ignore[no-any-return]


class StudyReader(Forwarding):
    """The loop's :class:`StudyView`: reads through ``study`` (its storage's caches)."""

    __slots__ = ()

    def __init__(self, study: Study) -> None:
        super().__init__(study)

    def count_trials(self, states: Container[TrialState] | None = None) -> int:
        return self._study._count_trials(states)  # one COUNT, not a list of trials
