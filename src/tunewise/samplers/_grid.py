from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.exceptions import SearchExhausted
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import Proposal
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext


class GridSampler(Sampler):
    """Exhaustive search over every combination of the given values.

    Each grid point is claimed in the study just before its trial starts (the proposal names
    the claim; the loop makes it), so parallel workers (processes or machines) never run the same
    point; when every point is taken, ``study.optimize`` stops by itself.

    The points run in order (the last parameter, by name, varies fastest) unless ``seed`` is given:
    then in an order shuffled by it, as Optuna's ``GridSampler(search_space, seed)`` (Optuna
    shuffles without a seed too). Every worker given the same seed walks the same order.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [0, 1, 2], "y": ["a", "b"]}))
    >>> def f(t):
    ...     return t.suggest_int("x", 0, 2) + (t.suggest_categorical("y", ["a", "b"]) == "b")
    >>> study.optimize(f)          # no n_trials: runs the 6 points, then stops
    >>> len(study.trials)
    6
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if not isinstance(search_space, Mapping) or not search_space:
            raise ValueError("GridSampler needs a non-empty dict of parameter name -> list of values")
        space: dict[str, list[Any]] = {}
        for name, values in search_space.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
                raise ValueError(f"grid values of {name!r} must be a non-empty list, got {values!r}")
            D.Categorical(tuple(values))  # validates JSON-serializable, unique
            space[name] = list(values)
        self.search_space = space
        self._names = sorted(space)
        self._sizes = [len(space[n]) for n in self._names]
        self.n_points = 1
        for s in self._sizes:
            self.n_points *= s
        self.seed = seed
        # Position -> point index: None walks the grid in order, else a permutation fixed by the seed.
        self._order: np.ndarray | None = None if seed is None else np.random.default_rng(seed).permutation(
            self.n_points)
        self._cursor = 0  # positions before it are run or claimed (here or by another worker)

    def point(self, index: int) -> dict[str, Any]:
        """Grid point ``index`` (0 <= index < n_points) as a dict."""
        out = {}
        for name, size in zip(reversed(self._names), reversed(self._sizes)):
            index, k = divmod(index, size)
            out[name] = self.search_space[name][k]
        return out

    def _key(self, index: int) -> str:
        return f"grid:{index}"

    def _index(self, position: int) -> int:
        return position if self._order is None else int(self._order[position])

    def _next_point(self, study: StudyContext) -> int:
        """The point index of the first position from the cursor on that no trial has run, or
        SearchExhausted (the cursor is left at that position)."""
        taken = {t.system_attrs.get("grid_id") for t in study.get_trials()}
        i = self._cursor
        while i < self.n_points and self._index(i) in taken:
            i += 1
        self._cursor = i
        if i >= self.n_points:
            raise SearchExhausted(f"all {self.n_points} grid points have been run or claimed")
        return self._index(i)

    def before_trial(self, study: StudyContext) -> None:
        if self._cursor >= self.n_points:
            # Every position was passed, but a point this worker claimed for a start the budget
            # refused was given back (and runs when the budget is raised): look once more from
            # the first position. SearchExhausted when every point has a trial, unless a queued
            # trial (enqueue_trial, e.g. a preempted sweep run queued again) is there to run first.
            self._cursor = 0
            try:
                self._next_point(study)
            except SearchExhausted:
                if not study.get_trials(states=(TrialState.WAITING,)):
                    raise

    def propose(self, study: StudyContext, trial: TrialContext) -> Proposal:
        index = self._next_point(study)
        # Past this point whether or not the claim succeeds: if another worker holds it, the
        # loop asks again and the next free point is proposed.
        self._cursor += 1
        # Published with the start, so that a retry of a trial killed before it saved its values
        # runs the same point (the point is claimed: no other trial would run it).
        return Proposal(self.point(index), claim=self._key(index), trial_attrs={"grid_id": index}, publish=True)

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        index = trial.system_attrs.get("grid_id")
        if name in self.search_space and isinstance(index, int):
            # A grid value the suggest call cannot return (off its step, outside its range): as in
            # Optuna, the trial runs with it and warns (it records a distribution widened to hold it).
            return D.FixedValue(self.point(index)[name])
        raise ValueError(
            f"parameter {name!r} is not in the GridSampler's search space {self._names}: "
            "add it to the grid or suggest only gridded parameters"
        )

    def is_exhausted(self, study: StudyContext) -> bool:
        taken = {t.system_attrs.get("grid_id") for t in study.get_trials()}
        return all(i in taken for i in range(self.n_points))

    def describe(self) -> dict[str, Any]:
        return {"name": "GridSampler", "n_points": self.n_points, "seed": self.seed,
                "search_space": json.loads(json.dumps(self.search_space))}


def grid_points(search_space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations, in the order GridSampler runs them without a seed."""
    names = sorted(search_space)
    return [dict(zip(names, combo)) for combo in itertools.product(*(search_space[n] for n in names))]
