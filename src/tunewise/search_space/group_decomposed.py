"""Optuna's ``optuna.search_space.group_decomposed``: the search space split into groups of parameters
that the finished trials have always suggested together (what ``TPESampler(group=True)`` models jointly).

Optuna names both classes with a leading ``_`` but exports them from ``optuna.search_space``; samplers of
one's own (and optuna-integration's) import them from here.

>>> from tunewise.search_space import _SearchSpaceGroup
>>> from tunewise.distributions import FloatDistribution as F
>>> group = _SearchSpaceGroup()
>>> group.add_distributions({"x": F(0, 1), "y": F(0, 1)})
>>> group.add_distributions({"x": F(0, 1), "z": F(0, 1)})
>>> [sorted(space) for space in group.search_spaces]
[['x'], ['y'], ['z']]
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tunewise import distributions as D
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["_GroupDecomposedSearchSpace", "_SearchSpaceGroup"]


class _SearchSpaceGroup:
    """Disjoint groups of parameters: two parameters share a group while every set of distributions
    added so far held both or neither of them (the coarsest such partition)."""

    def __init__(self) -> None:
        self._search_spaces: list[dict[str, D.Distribution]] = []

    @property
    def search_spaces(self) -> list[dict[str, D.Distribution]]:
        return self._search_spaces

    def add_distributions(self, distributions: Mapping[str, D.Distribution]) -> None:
        """Split every group by whether ``distributions`` holds its parameters; its new names are one more group."""
        new_names = set(distributions)
        refined: list[dict[str, D.Distribution]] = []
        for space in self._search_spaces:
            names = set(space)
            refined.append({n: space[n] for n in names & new_names})
            refined.append({n: space[n] for n in names - new_names})
            new_names -= names
        refined.append({n: distributions[n] for n in new_names})
        self._search_spaces = [space for space in refined if space]


class _GroupDecomposedSearchSpace:
    """The :class:`_SearchSpaceGroup` of a study's COMPLETE trials (and PRUNED ones, with ``include_pruned``).

    One instance serves one study (another study is a ValueError, as in Optuna); ``use_cache`` is
    accepted and changes nothing (the study's reads are incremental already).
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._search_space = _SearchSpaceGroup()
        self._study_name: str | None = None
        self._include_pruned = include_pruned

    def calculate(self, study: Study, use_cache: bool = False) -> _SearchSpaceGroup:
        if self._study_name is None:
            self._study_name = study.study_name
        elif self._study_name != study.study_name:
            raise ValueError(f"this _GroupDecomposedSearchSpace serves study {self._study_name!r}, not "
                             f"{study.study_name!r}: make one per study")
        states = (TrialState.COMPLETE, TrialState.PRUNED) if self._include_pruned else (TrialState.COMPLETE,)
        for trial in study.get_trials(deepcopy=False, states=states):
            self._search_space.add_distributions(trial.distributions)
        return copy.deepcopy(self._search_space)
