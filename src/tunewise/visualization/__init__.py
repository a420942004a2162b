"""Optuna's ``optuna.visualization`` names for :mod:`tunewise.plots` (plotly figures).

Code written for Optuna's plots runs unchanged: ``plot_optimization_history(study)``,
``plot_param_importances(study)``, ``plot_contour(study, params=["x", "y"])`` ... return the
same figures as ``tw.plots.optimization_history(study)`` and so on (the ``plot_*`` names are
also in :mod:`tunewise.plots`).

>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=10)
>>> tw.visualization.is_available()
True
>>> tw.visualization.plot_optimization_history(study).layout.title.text
'Optimization history'

Needs plotly: ``pip install "tunewise[plots]"``. ``optuna.visualization.matplotlib`` is
:mod:`tunewise.visualization.matplotlib`: the same plots drawn with matplotlib.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

from tunewise.insight._plots import (
    contour,
    edf,
    hypervolume_history,
    intermediate_values,
    optimization_history,
    parallel_coordinate,
    param_importances,
    pareto_front,
    rank,
    slice,
    timeline,
)

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

plot_contour = contour
plot_edf = edf
plot_intermediate_values = intermediate_values
plot_parallel_coordinate = parallel_coordinate
plot_rank = rank
_builtin_slice = builtins.slice  # `slice` here is the plot (Optuna's plot_slice)
plot_slice = slice


def is_available() -> bool:
    """Whether plotly, which draws the figures, is installed."""
    import importlib.util

    return importlib.util.find_spec("plotly") is not None


def plot_optimization_history(study: Any, *, target: Callable[[Any], float] | None = None,
                              target_name: str = "Objective value", error_bar: bool = False, **kwargs: Any) -> Any:
    """:func:`tunewise.plots.optimization_history` under Optuna's name. ``error_bar`` (Optuna's
    mean and spread over several studies) is drawn as one overlaid curve per study instead."""
    return optimization_history(study, target=target, target_name=target_name, **kwargs)


def plot_param_importances(study: Any, evaluator: Any = None, params: Sequence[str] | None = None, *,
                           target: Callable[[Any], float] | None = None, target_name: str = "Objective value",
                           **kwargs: Any) -> Any:
    """:func:`tunewise.plots.param_importances` under Optuna's name and argument order;
    ``evaluator`` defaults to PED-ANOVA, as Optuna 5's (fANOVA when tunewise's ``seed=`` is given);
    ``"fanova"`` (also for Optuna's ``FanovaImportanceEvaluator()``), ``"permutation"``, or an
    instance of your own ``tunewise.importance.BaseImportanceEvaluator``."""
    from tunewise.importance import _evaluator_name, _importances_for_plot

    if evaluator is None and "seed" in kwargs:
        evaluator = "fanova"
    own = _importances_for_plot(study, evaluator, params, target)
    if own is not None:
        # the axis names the evaluator that ranked the parameters: PED-ANOVA when none was given
        used = "PedAnovaImportanceEvaluator" if evaluator is None else type(evaluator).__name__
        return param_importances(study, evaluator=used, target_name=target_name, importances=own, **kwargs)
    return param_importances(study, evaluator=_evaluator_name(evaluator), params=params, target=target,
                             target_name=target_name, **kwargs)


def plot_pareto_front(study: Any, *, target_names: Sequence[str] | None = None, include_dominated_trials: bool = True,
                      axis_order: Sequence[int] | None = None, constraints_func: Any = None, targets: Any = None,
                      **kwargs: Any) -> Any:
    """:func:`tunewise.plots.pareto_front` under Optuna's name and keywords. ``axis_order`` picks the
    objectives (by index) and their order. Infeasible trials are drawn from the constraint values
    the study recorded (``create_study(constraints_func=...)``), or, as in Optuna, from
    ``constraints_func(trial)`` when it is given; Optuna's ``targets(trial)`` gives the 2 or 3
    coordinates each trial is drawn at (the front is still that of the objective values).
    """
    if targets is not None and not callable(targets):
        raise TypeError(f"targets must be a function of the trial returning 2 or 3 values (Optuna's), got "
                        f"{targets!r}; pick objectives by index with axis_order=[i, j]")
    if targets is not None and axis_order is not None:
        raise ValueError("pass either targets (a function of the trial) or axis_order (objective indices), not both")
    if constraints_func is not None and not callable(constraints_func):
        raise TypeError(f"constraints_func must be a function of the trial, got {constraints_func!r}")
    return pareto_front(study, targets=axis_order, target_names=target_names,
                        include_dominated=include_dominated_trials, constraints_func=constraints_func,
                        values_of=targets, **kwargs)


def plot_timeline(study: Any, n_recent_trials: int | None = None, *, max_trials: int = 20000) -> Any:
    """:func:`tunewise.plots.timeline` under Optuna's name: ``n_recent_trials`` draws only the
    most recent trials (tunewise's ``max_trials``)."""
    if n_recent_trials is not None:
        if isinstance(n_recent_trials, bool) or not isinstance(n_recent_trials, int) or n_recent_trials <= 0:
            raise ValueError(f"n_recent_trials must be a positive integer or None, got {n_recent_trials!r}")
        max_trials = n_recent_trials
    return timeline(study, max_trials=max_trials)


def plot_hypervolume_history(study: Any, reference_point: Sequence[float]) -> Any:
    """:func:`tunewise.plots.hypervolume_history` under Optuna's name and argument order (the
    reference point is required, as in Optuna; tunewise's own function has a default one)."""
    if len(getattr(study, "directions", ())) < 2:
        raise ValueError("plot_hypervolume_history needs a multi-objective study (two or more directions)")
    return hypervolume_history(study, reference_point=reference_point)


def __getattr__(name: str) -> object:
    if name == "matplotlib":  # optuna.visualization.matplotlib without importing it first
        import importlib

        return importlib.import_module("tunewise.visualization.matplotlib")
    raise AttributeError(f"module 'tunewise.visualization' has no attribute {name!r}")


def plot_terminator_improvement(study: Any, plot_error: bool = False, improvement_evaluator: Any = None,
                                error_evaluator: Any = None, min_n_trials: int = 20) -> Any:
    """Optuna's plot of :mod:`tunewise.terminator`'s improvement bound after each trial (and, with
    ``plot_error``, the error it is compared with): the study would stop where the first falls
    below the second. Points before ``min_n_trials`` COMPLETE trials, where the terminator does
    not judge yet, are faint. One GP fit per trial: slow for long studies."""
    import plotly.graph_objects as go

    from tunewise.terminator import RegretBoundEvaluator
    from tunewise.terminator._terminator import _default_error_evaluator

    if len(getattr(study, "directions", ())) > 1:
        raise ValueError("plot_terminator_improvement does not support multi-objective studies")
    if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials <= 0:
        raise ValueError(f"min_n_trials must be a positive integer, got {min_n_trials!r}")
    improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
    error_evaluator = error_evaluator or _default_error_evaluator(improvement_evaluator)
    numbers: list[int] = []
    improvements: list[float] = []
    errors: list[float] = []
    done: list[Any] = []
    for trial in study.trials:
        if trial.state.name == "COMPLETE":
            done.append(trial)
        if not done:
            continue
        numbers.append(trial.number)
        improvements.append(improvement_evaluator.evaluate(trials=list(done), study_direction=study.direction))
        if plot_error:
            errors.append(error_evaluator.evaluate(trials=list(done), study_direction=study.direction))
    cut = next((i for i, n in enumerate(numbers) if len([t for t in done if t.number <= n]) >= min_n_trials),
               len(numbers))
    fig = go.Figure()
    for part, opacity, legend in ((_builtin_slice(0, cut + 1), 0.25, False), (_builtin_slice(cut, None), 1.0, True)):
        if numbers[part]:
            color = f"rgba(99, 110, 250, {opacity})"
            fig.add_trace(go.Scatter(x=numbers[part], y=improvements[part], mode="markers+lines",
                                     marker={"color": color}, line={"color": color}, name="Terminator Improvement",
                                     showlegend=legend, legendgroup="improvement"))
    if plot_error:
        fig.add_trace(go.Scatter(x=numbers, y=errors, mode="markers+lines", name="Error",
                                 marker={"color": "rgba(255, 0, 0, 1.0)"}, line={"color": "rgba(255, 0, 0, 1.0)"}))
    fig.update_layout(title="Terminator Improvement Plot", xaxis={"title": "Trial"},
                      yaxis={"title": "Terminator Improvement"})
    return fig
