"""The plots of :mod:`tunewise.plots` (the public module, which re-exports these): one module
per kind of figure, all drawn from the arrays :mod:`._data` builds from a study."""

from __future__ import annotations

from tunewise.insight._plots._history import edf, optimization_history
from tunewise.insight._plots._params import contour, parallel_coordinate, param_importances, rank, slice
from tunewise.insight._plots._pareto import hypervolume_history, pareto_front
from tunewise.insight._plots._trials import intermediate_values, pbt_lineage, timeline

__all__ = [
    "contour",
    "edf",
    "hypervolume_history",
    "intermediate_values",
    "optimization_history",
    "parallel_coordinate",
    "param_importances",
    "pareto_front",
    "pbt_lineage",
    "rank",
    "slice",
    "timeline",
]
