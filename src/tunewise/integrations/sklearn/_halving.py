"""Successive halving with scikit-learn's schedule, for ``SearchCV(..., factor=...)``.

Successive halving (Karnin, Koren & Somekh 2013; Jamieson & Talwalkar 2016) scores every
candidate with a small resource, keeps the best ``1 / factor`` of them and multiplies the
resource by ``factor``, until one iteration is left. The schedule, the subsampled folds and the
choice of survivors below follow ``HalvingGridSearchCV`` / ``HalvingRandomSearchCV``, so the
same settings evaluate the same candidates with the same resources.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["HALVING_SETTINGS", "HalvingPlan", "check_halving_settings", "check_resources", "plan_halving",
           "smallest_resources", "subsample_splits", "survivors"]

# SearchCV's arguments that ask for successive halving (scikit-learn's defaults when not given).
HALVING_SETTINGS = ("factor", "resource", "max_resources", "min_resources", "aggressive_elimination",
                    "n_candidates")


@dataclass(frozen=True)
class HalvingSettings:
    """The halving arguments, validated, with scikit-learn's defaults filled in."""

    factor: float
    resource: str
    max_resources: int | str  # an int, or "auto" (the number of samples)
    min_resources: int | str  # an int, "smallest" or "exhaust"
    aggressive_elimination: bool
    n_candidates: int | str | None  # param_distributions only: an int or "exhaust"


@dataclass(frozen=True)
class HalvingPlan:
    """How many resources each iteration gets (``HalvingGridSearchCV``'s ``n_resources_``)."""

    factor: float
    min_resources: float  # an int unless 'exhaust' met a float factor
    max_resources: int
    n_required_iterations: int
    n_possible_iterations: int
    n_iterations: int
    aggressive_elimination: bool

    def n_resources(self, iteration: int) -> int:
        power = iteration
        if self.aggressive_elimination:
            # The first iterations repeat the smallest resource until few enough candidates are left.
            power = max(0, iteration - self.n_required_iterations + self.n_possible_iterations)
        return min(int(self.factor**power * self.min_resources), self.max_resources)


def _positive_int(value: Any) -> bool:
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool) and int(value) > 0


def check_halving_settings(given: Mapping[str, Any], *, grid: bool) -> HalvingSettings:
    """Validate the halving arguments (None: not given) for a grid or for sampled distributions."""
    factor = 3 if given.get("factor") is None else given["factor"]
    if isinstance(factor, bool) or not isinstance(factor, (numbers.Real, np.number)) or not float(factor) > 1:
        raise ValueError(f"factor must be a number above 1 (the resource grows and the candidates shrink by it "
                         f"each iteration; scikit-learn's default is 3), got {factor!r}")
    resource = "n_samples" if given.get("resource") is None else given["resource"]
    if not isinstance(resource, str) or not resource:
        raise TypeError(f"resource must be 'n_samples' or the name of an integer parameter of the estimator "
                        f"(such as 'n_estimators'), got {resource!r}")
    max_resources = "auto" if given.get("max_resources") is None else given["max_resources"]
    if not (max_resources == "auto" or _positive_int(max_resources)):
        raise ValueError(f"max_resources must be 'auto' (the number of samples) or a positive integer, "
                         f"got {max_resources!r}")
    if max_resources == "auto" and resource != "n_samples":
        raise ValueError(f"resource can only be 'n_samples' when max_resources='auto': 'auto' means the number of "
                         f"samples; with resource={resource!r}, give max_resources=<the largest {resource}>")
    min_default = "exhaust" if grid else "smallest"
    min_resources = min_default if given.get("min_resources") is None else given["min_resources"]
    if not (min_resources in ("exhaust", "smallest") or _positive_int(min_resources)):
        raise ValueError(f"min_resources must be 'exhaust', 'smallest' or a positive integer, got {min_resources!r}")
    aggressive = False if given.get("aggressive_elimination") is None else given["aggressive_elimination"]
    if not isinstance(aggressive, (bool, np.bool_)):
        raise TypeError(f"aggressive_elimination must be True or False, got {aggressive!r}")
    n_candidates = given.get("n_candidates")
    if grid:
        if n_candidates is not None:
            raise ValueError("n_candidates is HalvingRandomSearchCV's argument: with param_grid every point of the "
                             "grid is a candidate; give param_distributions to sample n_candidates of them")
    else:
        n_candidates = "exhaust" if n_candidates is None else n_candidates
        if not (n_candidates == "exhaust" or _positive_int(n_candidates)):
            raise ValueError(f"n_candidates must be 'exhaust' or a positive integer, got {n_candidates!r}")
        if n_candidates == "exhaust" and min_resources == "exhaust":
            raise ValueError("n_candidates and min_resources cannot be both set to 'exhaust': each is computed "
                             "from the other; give one of them as an integer")
    return HalvingSettings(float(factor) if not isinstance(factor, numbers.Integral) else int(factor), resource,
                           max_resources if isinstance(max_resources, str) else int(max_resources),
                           min_resources if isinstance(min_resources, str) else int(min_resources),
                           bool(aggressive), n_candidates if n_candidates is None or isinstance(n_candidates, str)
                           else int(n_candidates))


def smallest_resources(resource: str, n_splits: int, classifier: bool, y: Any) -> int:
    """``min_resources='smallest'``: 2 samples per fold (and per class for a classifier), or 1."""
    if resource != "n_samples":
        return 1
    n = 2 * n_splits
    if classifier and y is not None:
        n *= int(np.unique(np.asarray(y)).shape[0])
    return n


def check_resources(min_resources: float, max_resources: int) -> None:
    """Refuse, as scikit-learn does, resolved resources halving cannot run with: fit() checks them
    before it draws the candidates (their number may be ``max // min``), plan_halving() again."""
    if min_resources > max_resources:
        raise ValueError(f"min_resources_={min_resources} is greater than max_resources_={max_resources}: lower "
                         f"min_resources or raise max_resources")
    if min_resources == 0:
        raise ValueError("min_resources_=0: you might have passed an empty dataset X (no samples to start with)")


def plan_halving(n_candidates: int, settings: HalvingSettings, min_resources: float, max_resources: int) -> HalvingPlan:
    """The iterations for ``n_candidates`` first candidates; ``min_resources`` is the resolved
    'smallest' value (or the given integer)."""
    factor = settings.factor
    check_resources(min_resources, max_resources)
    # Enough iterations that the last one scores fewer than `factor` candidates.
    n_required = 1 + math.floor(math.log(n_candidates, factor))
    if settings.min_resources == "exhaust":
        # Start as high as possible so that the last required iteration uses max_resources (a
        # float factor gives a float here, as in scikit-learn).
        min_resources = max(min_resources, max_resources // factor ** (n_required - 1))
    n_possible = 1 + math.floor(math.log(max_resources // min_resources, factor))
    n_iterations = n_required if settings.aggressive_elimination else min(n_possible, n_required)
    return HalvingPlan(factor, min_resources, max_resources, n_required, n_possible, n_iterations,
                       settings.aggressive_elimination)


def subsample_splits(splits: Sequence[tuple[np.ndarray, np.ndarray]], fraction: float,
                     random_state: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each fold's train and test rows, subsampled without replacement to ``fraction`` of them
    (the rows one iteration of ``resource='n_samples'`` sees)."""
    from sklearn.utils import resample

    out = []
    for train, test in splits:
        train = resample(train, replace=False, random_state=random_state, n_samples=int(fraction * len(train)))
        test = resample(test, replace=False, random_state=random_state, n_samples=int(fraction * len(test)))
        out.append((np.asarray(train), np.asarray(test)))
    return out


def survivors(mean_scores: Sequence[float], k: int) -> list[int]:
    """Indices of the ``k`` best candidates of an iteration, worst of them first (NaN counts as
    the worst), in the order scikit-learn's halving searches run them next."""
    scores = np.asarray(mean_scores, dtype=float)
    order = np.roll(np.argsort(scores), np.count_nonzero(np.isnan(scores)))
    return [int(i) for i in order[-k:]]
