from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise.exceptions import SearchExhausted
from tunewise.samplers._base import Sampler

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import Trial


class GridSampler(Sampler):
    """Exhaustive search over every combination of the given values.

    Each grid point is claimed in the storage before its trial starts, so parallel workers
    (processes or machines) never run the same point; when every point is taken,
    ``study.optimize`` stops by itself.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [0, 1, 2], "y": ["a", "b"]}))
    >>> def f(t):
    ...     return t.suggest_int("x", 0, 2) + (t.suggest_categorical("y", ["a", "b"]) == "b")
    >>> study.optimize(f)          # no n_trials: runs the 6 points, then stops
    >>> len(study.trials)
    6
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]]) -> None:
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
        self._claimed: int | None = None
        self._cursor = 0

    def point(self, index: int) -> dict[str, Any]:
        """Grid point ``index`` (0 <= index < n_points) as a dict."""
        out = {}
        for name, size in zip(reversed(self._names), reversed(self._sizes)):
            index, k = divmod(index, size)
            out[name] = self.search_space[name][k]
        return out

    def _key(self, index: int) -> str:
        return f"grid:{index}"

    def before_trial(self, study: Study) -> None:
        if self._claimed is not None:
            return
        taken = {t.system_attrs.get("grid_id") for t in study.get_trials()}
        i = self._cursor
        while i < self.n_points:
            if i not in taken and study._storage.try_claim(study._study_id, self._key(i)):
                self._claimed = i
                self._cursor = i + 1
                return
            i += 1
        self._cursor = i
        raise SearchExhausted(f"all {self.n_points} grid points have been run or claimed")

    def propose(self, study: Study, trial: Trial) -> dict[str, Any]:
        if self._claimed is None:  # ask() from user code without optimize(): claim now
            self.before_trial(study)
        index, self._claimed = self._claimed, None
        trial.set_system_attr("grid_id", index)
        return self.point(index)  # type: ignore[arg-type]

    def sample(self, study: Study, trial: Trial, name: str, distribution: D.Distribution) -> Any:
        raise ValueError(
            f"parameter {name!r} is not in the GridSampler's search space {self._names}: "
            "add it to the grid or suggest only gridded parameters"
        )

    def is_exhausted(self, study: Study) -> bool:
        taken = {t.system_attrs.get("grid_id") for t in study.get_trials()}
        return all(i in taken for i in range(self.n_points))

    def describe(self) -> dict[str, Any]:
        return {"name": "GridSampler", "n_points": self.n_points,
                "search_space": json.loads(json.dumps(self.search_space))}


def grid_points(search_space: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations, in the order GridSampler runs them."""
    names = sorted(search_space)
    return [dict(zip(names, combo)) for combo in itertools.product(*(search_space[n] for n in names))]
