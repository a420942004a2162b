"""Optuna's ``optuna.visualization.matplotlib``: the plots of :mod:`tunewise.visualization`
drawn with matplotlib.

Each function builds the same figure as its plotly namesake (so both show the same points,
lines, bars and surfaces) and redraws it on a new matplotlib figure. It returns what Optuna's
returns: a :class:`matplotlib.axes.Axes`, or for :func:`plot_slice` a 1-D array of Axes (one per
parameter) and for :func:`plot_contour` / :func:`plot_rank` a 2-D array (one per pair of
parameters) when there is more than one plot. Call ``plt.show()`` or
``ax.figure.savefig("plot.png")`` as with Optuna's.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=10)
>>> ax = tw.visualization.matplotlib.plot_optimization_history(study)
>>> ax.get_title(), ax.get_xlabel()
('Optimization history', 'Trial')
>>> [round(float(v), 6) for v in ax.collections[0].get_offsets()[:3, 1]] == [
...     round(t.value, 6) for t in study.trials[:3]]
True

Needs matplotlib and plotly (which builds the data): ``pip install "tunewise[plots]"``. Two
differences from Optuna: with three or more parameters :func:`plot_contour` and
:func:`plot_rank` return the lower triangle of pairs (an ``(n-1) x (n-1)`` array, unused cells
turned off) where Optuna returns ``n x n``; and no ``ExperimentalWarning`` is emitted.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from typing import Any

from tunewise import visualization as _plotly
from tunewise.visualization._to_matplotlib import render

__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]

Target = Callable[[Any], float] | None


def is_available() -> bool:
    """Whether matplotlib and plotly (which builds the figures' data) are installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("matplotlib", "plotly"))


def plot_optimization_history(study: Any, *, target: Target = None, target_name: str = "Objective value",
                              error_bar: bool = False) -> Any:
    """Each COMPLETE trial's value and the best so far (Axes); a list of studies is overlaid."""
    return render(_plotly.plot_optimization_history(study, target=target, target_name=target_name,
                                                    error_bar=error_bar))


def plot_param_importances(study: Any, evaluator: Any = None, params: Sequence[str] | None = None, *,
                           target: Target = None, target_name: str = "Objective value") -> Any:
    """Horizontal bars of each parameter's importance (Axes); ``evaluator`` as in
    :func:`tunewise.visualization.plot_param_importances`."""
    return render(_plotly.plot_param_importances(study, evaluator, params, target=target, target_name=target_name))


def plot_parallel_coordinate(study: Any, params: Sequence[str] | None = None, *, target: Target = None,
                             target_name: str = "Objective value") -> Any:
    """One line per COMPLETE trial across the objective's and each parameter's axis (Axes)."""
    return render(_plotly.plot_parallel_coordinate(study, params, target=target, target_name=target_name))


def plot_contour(study: Any, params: Sequence[str] | None = None, *, target: Target = None,
                 target_name: str = "Objective value") -> Any:
    """The objective over each pair of parameters (Axes for two parameters, else a 2-D array)."""
    return render(_plotly.plot_contour(study, params=params, target=target, target_name=target_name), "grid")


def plot_slice(study: Any, params: Sequence[str] | None = None, *, target: Target = None,
               target_name: str = "Objective value") -> Any:
    """The objective against each parameter (Axes for one parameter, else a 1-D array)."""
    return render(_plotly.plot_slice(study, params=params, target=target, target_name=target_name), "row")


def plot_rank(study: Any, params: Sequence[str] | None = None, *, target: Target = None,
              target_name: str = "Objective value") -> Any:
    """Each pair of parameters, trials coloured by the rank of their value (Axes or a 2-D array)."""
    return render(_plotly.plot_rank(study, params=params, target=target, target_name=target_name), "grid")


def plot_intermediate_values(study: Any) -> Any:
    """Each trial's reported values by step (Axes)."""
    return render(_plotly.plot_intermediate_values(study))


def plot_edf(study: Any, *, target: Target = None, target_name: str = "Objective value") -> Any:
    """Empirical distribution of the COMPLETE trials' values, one curve per study (Axes)."""
    return render(_plotly.plot_edf(study, target=target, target_name=target_name))


def plot_pareto_front(study: Any, *, target_names: Sequence[str] | None = None, include_dominated_trials: bool = True,
                      axis_order: Sequence[int] | None = None, constraints_func: Any = None,
                      targets: Any = None) -> Any:
    """The trials of a multi-objective study in objective space, the Pareto front marked (Axes;
    3-D Axes for three objectives). Arguments as in
    :func:`tunewise.visualization.plot_pareto_front`."""
    return render(_plotly.plot_pareto_front(study, target_names=target_names,
                                            include_dominated_trials=include_dominated_trials,
                                            axis_order=axis_order, constraints_func=constraints_func, targets=targets))


def plot_timeline(study: Any, n_recent_trials: int | None = None) -> Any:
    """Each trial's run time as a bar from start to end, coloured by state (Axes)."""
    return render(_plotly.plot_timeline(study, n_recent_trials))


def plot_hypervolume_history(study: Any, reference_point: Sequence[float]) -> Any:
    """The hypervolume of the Pareto front after each trial (Axes)."""
    return render(_plotly.plot_hypervolume_history(study, reference_point))


def plot_terminator_improvement(study: Any, plot_error: bool = False, improvement_evaluator: Any = None,
                                error_evaluator: Any = None, min_n_trials: int = 20) -> Any:
    """The terminator's improvement bound after each trial, and with ``plot_error`` the error it
    is compared with (Axes)."""
    return render(_plotly.plot_terminator_improvement(study, plot_error, improvement_evaluator, error_evaluator,
                                                      min_n_trials))
