"""Optuna's ``optuna.search_space.intersection``: the parameters every finished trial so far has."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tunewise import distributions as D
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["IntersectionSearchSpace", "intersection_search_space"]


def intersection_search_space(trials: Iterable[FrozenTrial], include_pruned: bool = False
                              ) -> dict[str, D.Distribution]:
    """The parameters held by every COMPLETE trial (and PRUNED, with ``include_pruned``) with the
    same distribution, name -> distribution, sorted by name; ``{}`` before any such trial."""
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    space: dict[str, D.Distribution] | None = None
    for t in trials:
        if t.state not in states:
            continue
        dists = t.distributions
        if space is None:
            space = dict(dists)
        else:
            space = {n: d for n, d in space.items() if n in dists and dists[n] == d}
    return dict(sorted((space or {}).items()))


class IntersectionSearchSpace:
    """Optuna's class form of :func:`intersection_search_space`, kept by a sampler of one's own:
    ``calculate(study)`` returns the intersection over the study's trials so far. One instance
    serves one study (another study is a ValueError, as in Optuna); ``use_cache`` is accepted and
    changes nothing (the study's reads are incremental already)."""

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned
        self._study_name: str | None = None

    def calculate(self, study: Study, use_cache: bool = False) -> dict[str, D.Distribution]:
        if self._study_name is None:
            self._study_name = study.study_name
        elif self._study_name != study.study_name:
            raise ValueError(f"this IntersectionSearchSpace serves study {self._study_name!r}, not "
                             f"{study.study_name!r}: make one per study")
        return intersection_search_space(study.get_trials(deepcopy=False), include_pruned=self._include_pruned)
