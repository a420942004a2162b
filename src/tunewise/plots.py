"""Plots of a study, as plotly figures (they show in notebooks, the HTML report and the dashboard).

>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> study.optimize(lambda t: (t.suggest_float("x", -2, 2) - 1) ** 2, n_trials=20)
>>> fig = tw.plots.optimization_history(study)
>>> fig.layout.title.text
'Optimization history'

Every function takes a study (or, for ``optimization_history`` and ``edf``, a list of
studies to overlay) and returns a ``plotly.graph_objects.Figure``: call ``.show()``,
``.write_html(path)`` or ``.write_image(path)`` (the last needs kaleido). Figures handle
log-scaled, categorical and conditional parameters and failed or pruned trials, and stay
light at tens of thousands of trials (``max_points`` thins evenly and keeps the best).
Needs plotly: ``pip install "tunewise[plots]"``. Optuna's names (``plot_optimization_history``,
``plot_param_importances``, ``plot_contour``, ``plot_slice``, ...) are here too, as in
:mod:`tunewise.visualization`.

The code lives with the rest of what reads a study for a human, in ``tunewise/insight/_plots/``.
"""

from __future__ import annotations

from tunewise.insight._plots import (
    contour,
    edf,
    hypervolume_history,
    intermediate_values,
    optimization_history,
    parallel_coordinate,
    param_importances,
    pareto_front,
    pbt_lineage,
    rank,
    slice,
    timeline,
)
from tunewise.visualization import (
    plot_contour,
    plot_edf,
    plot_intermediate_values,
    plot_optimization_history,
    plot_parallel_coordinate,
    plot_param_importances,
    plot_rank,
    plot_slice,
    plot_timeline,
)

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
    "plot_contour",
    "plot_edf",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_rank",
    "plot_slice",
    "plot_timeline",
    "rank",
    "slice",
    "timeline",
]
