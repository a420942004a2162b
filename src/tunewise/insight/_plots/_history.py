"""Optimization history (values and best so far) and the empirical distribution of values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunewise.insight._plots import _data
from tunewise.insight._plots._data import StudyLike, Target


def optimization_history(
    study: StudyLike | Sequence[StudyLike],
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    log_y: bool = False,
    max_points: int = 5000,
) -> Any:
    """Each COMPLETE trial's value by trial number, and the best value so far.

    Pass a list of studies to overlay them (e.g. two samplers on one problem). Above
    ``max_points`` trials per study the scatter is thinned evenly, always keeping every
    improvement, and the best-so-far line keeps only its change points, so the figure
    stays light at 50,000 trials.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> fig = tw.plots.optimization_history(study)
    >>> [trace.name for trace in fig.data]
    ['Objective value', 'Best value']
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    studies = _data.check_studies(study)
    max_points = _data.check_max_points(max_points)
    fig = go.Figure()
    overlay = len(studies) > 1
    any_points = False
    for k, s in enumerate(studies):
        trials = _data.completed(s)
        if not trials:
            continue
        any_points = True
        values = _data.target_values(s, trials, target, target_name)
        numbers = np.array([t.number for t in trials])
        ok = ~np.isnan(values)
        values, numbers = values[ok], numbers[ok]
        sign = _data.minimize_sign(s, target)
        best = _data.best_so_far(values, sign)
        improved = np.flatnonzero(np.r_[True, best[1:] != best[:-1]]) if len(best) else np.array([], int)
        idx = _data.downsample(len(values), max_points, keep=improved)
        color = _data.PALETTE[k % len(_data.PALETTE)]
        name = _data.esc(s.study_name) if overlay else _data.esc(target_name)
        cls = _data.scatter_cls(len(idx))
        fig.add_trace(cls(
            x=numbers[idx], y=values[idx], mode="markers", name=name, legendgroup=str(k),
            marker={"color": color, "size": 6 if len(idx) < 2000 else 4, "opacity": 0.55 if overlay else 0.7},
            hovertemplate="trial %{x}<br>value %{y:.6g}<extra></extra>",
        ))
        # The best-so-far line only changes at improvements: a step line through them
        # (plus the last trial) is exact and tiny however long the study ran.
        step_idx = np.union1d(improved, [len(best) - 1])
        fig.add_trace(go.Scatter(
            x=numbers[step_idx], y=best[step_idx], mode="lines", line={"shape": "hv", "width": 2.5, "color": color},
            name=f"{_data.esc(s.study_name)} (best)" if overlay else "Best value", legendgroup=str(k),
            hovertemplate="best after trial %{x}: %{y:.6g}<extra></extra>",
        ))
    if not any_points:
        return _data.empty_figure("Optimization history", "No COMPLETE trials yet")
    fig.update_xaxes(title_text="Trial", rangemode="tozero")
    fig.update_yaxes(title_text=_data.esc(target_name), type="log" if log_y else None)
    return _data.style(fig, "Optimization history")


def edf(
    study: StudyLike | Sequence[StudyLike],
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    log_x: bool = False,
    max_points: int = 2000,
) -> Any:
    """Empirical distribution function of the COMPLETE trials' values, one curve per study.

    A curve further left (minimize) reaches good values more often: the usual way to
    compare samplers or search spaces independently of trial order.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    >>> float(tw.plots.edf(study).data[0].y[-1])
    1.0
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    studies = _data.check_studies(study)
    max_points = _data.check_max_points(max_points)
    fig = go.Figure()
    for k, s in enumerate(studies):
        trials = _data.completed(s)
        values = _data.target_values(s, trials, target, target_name)
        values = np.sort(values[~np.isnan(values)])
        if not len(values):
            continue
        frac = np.arange(1, len(values) + 1) / len(values)
        # A step function is exactly described by its jumps; past max_points keep evenly spaced
        # quantiles plus both ends (the curve is then accurate to 1/max_points in height).
        idx = _data.downsample(len(values), max_points, keep=np.array([0, len(values) - 1]))
        fig.add_trace(go.Scatter(
            x=values[idx], y=frac[idx], mode="lines", line={"shape": "hv", "width": 2.5,
                                                             "color": _data.PALETTE[k % len(_data.PALETTE)]},
            name=_data.esc(s.study_name),
            hovertemplate="value ≤ %{x:.6g}: %{y:.1%} of trials<extra></extra>",
        ))
    if not fig.data:
        return _data.empty_figure("Empirical distribution of values", "No COMPLETE trials yet")
    fig.update_xaxes(title_text=_data.esc(target_name), type="log" if log_x else None)
    fig.update_yaxes(title_text="Cumulative fraction of trials", range=[0, 1.02], tickformat=".0%")
    return _data.style(fig, "Empirical distribution of values")
