"""Plots over the search space: parallel coordinates, contour pairs, slices, importances."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from tunewise.insight._plots import _data
from tunewise.insight._plots._data import Axis, StudyLike, Target

_MAX_AUTO_PARAMS = 5


def _complete_with_values(study: StudyLike, target: Target | None, target_name: str
                          ) -> tuple[list[Any], np.ndarray]:
    trials = _data.completed(study)
    values = _data.target_values(study, trials, target, target_name)
    ok = ~np.isnan(values)
    return [t for t, o in zip(trials, ok, strict=True) if o], values[ok]


def _keep_best(values: np.ndarray, sign: float, max_points: int) -> np.ndarray:
    """Downsample but keep the best tenth of the points: the region users care about."""
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    order = np.argsort(values * sign, kind="stable")
    best = order[: max(1, max_points // 10)]
    return _data.downsample(n, max_points - len(best), keep=best)


def _colorscale(sign: float) -> dict[str, Any]:
    # Dark = good in every direction, so the eye goes to the best region.
    return {"colorscale": "Blues", "reversescale": sign > 0}


def _nice_ticks(lo: float, hi: float, log: bool, n: int = 5) -> tuple[list[float], list[str]]:
    if hi <= lo:
        return [lo], [_data.fmt(10 ** lo if log else lo)]
    vals = np.linspace(lo, hi, n)
    if log:
        ints = np.arange(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)
        if len(ints) >= 2:
            vals = ints.astype(float)
        return vals.tolist(), [_data.fmt(float(f"{10 ** v:.3g}")) for v in vals]
    return vals.tolist(), [_data.fmt(float(f"{v:.3g}")) for v in vals]


def _parcoords_dimension(axis: Axis, idx: np.ndarray) -> dict[str, Any]:
    v = axis.values[idx].copy()
    present = axis.present[idx]
    if axis.categorical:
        tickvals: list[float] = list(range(len(axis.choices)))
        ticktext = list(axis.rawtext)
        lo, hi = -0.5, len(axis.choices) - 0.5
        if not present.all():
            v[~present] = -1.0
            tickvals = [-1.0] + tickvals
            ticktext = ["(absent)"] + ticktext
            lo = -1.5
        return {"label": axis.label, "values": v, "tickvals": tickvals, "ticktext": ticktext, "range": [lo, hi]}
    if axis.log:
        v = np.log10(np.where(present, np.maximum(v, 1e-300), 1.0))
    pv = v[present]
    lo, hi = (float(pv.min()), float(pv.max())) if len(pv) else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    tickvals, ticktext = _nice_ticks(lo, hi, axis.log)
    if not present.all():
        # Conditional parameter: trials without it sit on their own tick below the range,
        # so their lines stay visible instead of silently vanishing.
        gap = lo - 0.15 * (hi - lo)
        v[~present] = gap
        tickvals = [gap] + tickvals
        ticktext = ["(absent)"] + ticktext
        lo = gap
    return {"label": axis.label, "values": v, "tickvals": tickvals, "ticktext": ticktext, "range": [lo, hi]}


def parallel_coordinate(
    study: StudyLike,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    max_points: int = 5000,
) -> Any:
    """One line per COMPLETE trial across the objective and each parameter's axis.

    Log-scaled parameters get log axes, categoricals one tick per choice, and conditional
    parameters an "(absent)" tick for the trials that did not use them. Above
    ``max_points`` trials, lines are thinned evenly while the best tenth is always kept.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> def objective(trial):
    ...     lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    ...     return lr + (trial.suggest_categorical("opt", ["a", "b"]) == "b")
    >>> study.optimize(objective, n_trials=20)
    >>> [d.label for d in tw.plots.parallel_coordinate(study).data[0].dimensions]
    ['Objective value', 'lr', 'opt']
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    trials, values = _complete_with_values(s, target, target_name)
    names = _data.study_params(s, trials, params)
    title = "Parallel coordinates"
    if not trials:
        return _data.empty_figure(title, "No COMPLETE trials yet")
    if not names:
        return _data.empty_figure(title, "The trials have no parameters")
    sign = _data.minimize_sign(s, target)
    idx = _keep_best(values, sign, max_points)
    dims = [{"label": _data.esc(target_name), "values": values[idx]}]
    for n in names:
        dims.append(_parcoords_dimension(_data.axis_for(s, trials, n), idx))
    fig = go.Figure(go.Parcoords(
        dimensions=dims,
        line={"color": values[idx], "showscale": True, **_colorscale(sign),
              "colorbar": {"title": {"text": _data.esc(target_name), "side": "right"}, "thickness": 14}},
        labelangle=0, labelside="top",
        labelfont={"size": 12}, tickfont={"size": 10},
    ))
    if len(idx) < len(values):
        title += f" ({len(idx)} of {len(values)} trials, best kept)"
    fig = _data.style(fig, title, legend=False)
    fig.update_layout(margin={"l": 70, "r": 40, "t": 100, "b": 30})
    return fig


def _grid_coords(axis: Axis, v: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """Bin index of each value, the bin centres and the outer edges, in data units.

    Bins are equal-width in the axis' own space (log10 for log axes, one per choice for
    categoricals).
    """
    if axis.categorical:
        k = len(axis.choices)
        return v.astype(int), np.arange(k, dtype=float), (-0.5, k - 0.5)
    w = np.log10(v) if axis.log else v
    lo, hi = float(w.min()), float(w.max())
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    b = np.clip(np.searchsorted(edges, w, side="right") - 1, 0, bins - 1)
    centres = (edges[:-1] + edges[1:]) / 2
    if axis.log:
        return b, 10 ** centres, (10 ** lo, 10 ** hi)
    return b, centres, (lo, hi)


def _pad(c: np.ndarray, edges: tuple[float, float]) -> np.ndarray:
    # Surface values at the outer edges repeat the outermost cells, so the surface spans
    # the whole range of the trials instead of stopping half a cell short.
    return np.concatenate([[edges[0]], c, [edges[1]]])


def _binned_surface(bx: np.ndarray, by: np.ndarray, nx: int, ny: int, values: np.ndarray) -> np.ndarray:
    """Mean value per cell, empty cells filled from the nearest filled cell.

    The mean over a cell marginalizes the other parameters empirically; nearest filling keeps
    the surface honest (no extrapolated extremes) where no trial landed.
    """
    from scipy import ndimage

    total = np.zeros((ny, nx))
    count = np.zeros((ny, nx))
    np.add.at(total, (by, bx), values)
    np.add.at(count, (by, bx), 1.0)
    filled = count > 0
    z = np.where(filled, total / np.maximum(count, 1), np.nan)
    if not filled.all():
        _, (iy, ix) = ndimage.distance_transform_edt(~filled, return_indices=True)
        z = z[iy, ix]
    return z


def contour(
    study: StudyLike,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    bins: int = 30,
    max_points: int = 2000,
) -> Any:
    """Objective surface over pairs of parameters (a matrix of pairs for more than two).

    The surface is the mean objective per cell of a ``bins`` x ``bins`` grid (one cell per
    choice on categorical axes, log-spaced cells on log axes), with the trials on top.
    Trials lacking one of the pair's parameters are left out of that pair. With
    ``params=None`` at most the first five parameters (alphabetically) are paired.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1), n_trials=30)
    >>> fig = tw.plots.contour(study)
    >>> [trace.type for trace in fig.data]
    ['contour', 'scatter']
    """
    _data.require_plotly()
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
    trials, values = _complete_with_values(s, target, target_name)
    title = "Contour"
    names = _data.study_params(s, trials, params)
    if params is None and len(names) > _MAX_AUTO_PARAMS:
        title += f" (first {_MAX_AUTO_PARAMS} of {len(names)} parameters; pass params= to choose)"
        names = names[:_MAX_AUTO_PARAMS]
    if not trials:
        return _data.empty_figure("Contour", "No COMPLETE trials yet")
    if len(names) < 2:
        return _data.empty_figure("Contour", "A contour plot needs at least two parameters")
    sign = _data.minimize_sign(s, target)
    axes = {n: _data.axis_for(s, trials, n) for n in names}
    pairs = [(names[0], names[1], 1, 1)] if len(names) == 2 else [
        (names[j], names[i], i, j + 1) for i in range(1, len(names)) for j in range(i)
    ]
    size = 1 if len(names) == 2 else len(names) - 1
    fig = make_subplots(rows=size, cols=size, horizontal_spacing=0.06 if size > 1 else 0.1,
                        vertical_spacing=0.08 if size > 1 else 0.1)
    vmin, vmax = float(values.min()), float(values.max())
    for xn, yn, row, col in pairs:
        ax, ay = axes[xn], axes[yn]
        both = ax.present & ay.present
        if both.sum() == 0:
            continue
        xv, yv, zv = ax.values[both], ay.values[both], values[both]
        bx, cx, ex = _grid_coords(ax, xv, bins)
        by, cy, ey = _grid_coords(ay, yv, bins)
        z = _binned_surface(bx, by, len(cx), len(cy), zv)
        hover = f"{ax.label} %{{x}}<br>{ay.label} %{{y}}<br>mean value %{{z:.6g}}<extra></extra>"
        if ax.categorical or ay.categorical:
            # Interpolating between unordered choices would invent a gradient: show cells.
            fig.add_trace(go.Heatmap(x=cx, y=cy, z=z, coloraxis="coloraxis", hovertemplate=hover,
                                     xgap=1, ygap=1), row=row, col=col)
        else:
            z = np.pad(z, 1, mode="edge")
            fig.add_trace(go.Contour(
                x=_pad(cx, ex), y=_pad(cy, ey), z=z, coloraxis="coloraxis", contours={"coloring": "heatmap"},
                line={"width": 0.5, "color": "rgba(255,255,255,0.5)"}, connectgaps=True, hovertemplate=hover,
            ), row=row, col=col)
        pidx = _keep_best(zv, sign, max_points)
        jx = xv[pidx] + (_jitter(len(pidx), 0) if ax.categorical else 0)
        jy = yv[pidx] + (_jitter(len(pidx), 1) if ay.categorical else 0)
        fig.add_trace(go.Scatter(
            x=jx, y=jy, mode="markers", showlegend=False,
            marker={"size": 4, "color": "rgba(15,23,42,0.55)", "line": {"width": 0.5, "color": "white"}},
            hovertemplate="value %{text}<extra></extra>", text=[_data.fmt(v) for v in zv[pidx]],
        ), row=row, col=col)
        xa = _data.apply_axis({}, ax)
        ya = _data.apply_axis({}, ay)
        for a, axis, e in ((xa, ax, ex), (ya, ay, ey)):
            if not axis.categorical:
                a["range"] = [np.log10(e[0]), np.log10(e[1])] if axis.log else list(e)
        _place_axes(fig, row, col, size, xa, ya)
    _hide_upper_triangle(fig, size)
    fig.update_layout(coloraxis={**_colorscale(sign), "cmin": vmin, "cmax": vmax,
                                 "colorbar": {"title": {"text": _data.esc(target_name), "side": "right"},
                                              "thickness": 14}})
    return _data.style(fig, title, height=max(460, 300 * size + 80), legend=False)


def _place_axes(fig: Any, row: int, col: int, size: int, xa: dict[str, Any], ya: dict[str, Any]) -> None:
    """Set one cell's axes; in a matrix only the outer row/column carry titles, like a pair plot."""
    if size > 1:
        if row != size:
            xa["title"] = {"text": ""}
        if col != 1:
            ya["title"] = {"text": ""}
    fig.update_xaxes(row=row, col=col, **xa)
    fig.update_yaxes(row=row, col=col, **ya)


def _hide_upper_triangle(fig: Any, size: int) -> None:
    for i in range(1, size + 1):
        for j in range(i + 1, size + 1):
            fig.update_xaxes(visible=False, row=i, col=j)
            fig.update_yaxes(visible=False, row=i, col=j)


def _jitter(n: int, salt: int) -> np.ndarray:
    # Deterministic jitter so points on one categorical value do not hide each other.
    return np.random.default_rng(12345 + salt).uniform(-0.18, 0.18, n)


def slice(  # noqa: A001 - the name users know from Optuna
    study: StudyLike,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    max_points: int = 3000,
    columns: int = 3,
) -> Any:
    """The objective against each parameter separately, coloured by trial number.

    Log parameters get log x axes, categoricals one column per choice (jittered), and a
    conditional parameter's panel shows only the trials that used it.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=10)
    >>> len(tw.plots.slice(study).data)
    1
    """
    _data.require_plotly()
    from plotly.subplots import make_subplots

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise ValueError(f"columns must be a positive integer, got {columns!r}")
    trials, values = _complete_with_values(s, target, target_name)
    names = _data.study_params(s, trials, params)
    if not trials:
        return _data.empty_figure("Slice", "No COMPLETE trials yet")
    if not names:
        return _data.empty_figure("Slice", "The trials have no parameters")
    ncols = min(columns, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig = make_subplots(rows=nrows, cols=ncols, shared_yaxes=True, horizontal_spacing=0.04,
                        vertical_spacing=0.16 / max(1, nrows - 1) + 0.06 if nrows > 1 else 0.1)
    numbers = np.array([t.number for t in trials], dtype=float)
    sign = _data.minimize_sign(s, target)
    for k, n in enumerate(names):
        row, col = k // ncols + 1, k % ncols + 1
        ax = _data.axis_for(s, trials, n)
        have = np.flatnonzero(ax.present)
        sub = have[_keep_best(values[have], sign, max_points)]
        x = ax.values[sub] + (_jitter(len(sub), k) if ax.categorical else 0)
        cls = _data.scatter_cls(len(sub))
        fig.add_trace(cls(
            x=x, y=values[sub], mode="markers", showlegend=False,
            marker={"size": 5, "color": numbers[sub], "coloraxis": "coloraxis", "opacity": 0.8,
                    "line": {"width": 0.3, "color": "white"}},
            text=[ax.text(int(i)) for i in sub], customdata=numbers[sub],
            hovertemplate=f"{ax.label} = %{{text}}<br>value %{{y:.6g}}<br>trial %{{customdata}}<extra></extra>",
        ), row=row, col=col)
        xa = _data.apply_axis({}, ax)
        if ax.conditional:
            xa["title"] = {"text": f"{ax.label} <span style='font-size:10px'>({len(have)} trials)</span>"}
        fig.update_xaxes(row=row, col=col, **xa)
        if col == 1:
            fig.update_yaxes(row=row, col=col, title_text=_data.esc(target_name))
    fig.update_layout(coloraxis={"colorscale": _data.SEQUENTIAL,
                                 "colorbar": {"title": {"text": "Trial"}, "thickness": 14}})
    return _data.style(fig, "Slice", height=max(380, 330 * nrows), legend=False)


def _ranks(values: np.ndarray, sign: float) -> np.ndarray:
    """Each value's rank among ``values`` as a fraction, 0 the best and 1 the worst (ties share
    their mean rank)."""
    keyed = values * sign
    ordered = np.sort(keyed)
    mean_position = (np.searchsorted(ordered, keyed, "left") + np.searchsorted(ordered, keyed, "right") - 1) / 2
    return mean_position / max(len(values) - 1, 1)  # type: ignore[no-any-return]


def rank(
    study: StudyLike,
    params: Sequence[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective value",
    max_points: int = 2000,
) -> Any:
    """The trials over pairs of parameters (a matrix of pairs for more than two), each coloured
    by the rank of its objective value: where the good trials lie, whatever the scale of the
    values (Optuna's ``plot_rank``).

    Blue is the best rank, red the worst; the colour bar reads the objective value at each
    quantile. One parameter plots it against the value. With ``params=None`` at most the first
    five parameters (alphabetically) are paired.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1), n_trials=30)
    >>> fig = tw.plots.rank(study)
    >>> [trace.type for trace in fig.data], fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax
    (['scatter'], 0.0, 1.0)
    """
    _data.require_plotly()
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    trials, values = _complete_with_values(s, target, target_name)
    title = "Rank"
    names = _data.study_params(s, trials, params)
    if params is None and len(names) > _MAX_AUTO_PARAMS:
        title += f" (first {_MAX_AUTO_PARAMS} of {len(names)} parameters; pass params= to choose)"
        names = names[:_MAX_AUTO_PARAMS]
    if not trials:
        return _data.empty_figure("Rank", "No COMPLETE trials yet")
    if not names:
        return _data.empty_figure("Rank", "The trials have no parameters")
    sign = _data.minimize_sign(s, target)
    ranks = _ranks(values, sign)
    numbers = np.array([t.number for t in trials], dtype=float)
    axes = {n: _data.axis_for(s, trials, n) for n in names}
    if len(names) == 1:
        pairs: list[tuple[str | None, str, int, int]] = [(None, names[0], 1, 1)]
    elif len(names) == 2:
        pairs = [(names[1], names[0], 1, 1)]
    else:
        pairs = [(names[i], names[j], i, j + 1) for i in range(1, len(names)) for j in range(i)]
    size = 1 if len(names) <= 2 else len(names) - 1
    fig = make_subplots(rows=size, cols=size, horizontal_spacing=0.06 if size > 1 else 0.1,
                        vertical_spacing=0.08 if size > 1 else 0.1)
    for yn, xn, row, col in pairs:
        ax = axes[xn]
        ay = axes[yn] if yn is not None else None
        have = np.flatnonzero(ax.present & (ay.present if ay is not None else True))
        if not len(have):
            continue
        sub = have[_keep_best(values[have], sign, max_points)]
        x = ax.values[sub] + (_jitter(len(sub), 0) if ax.categorical else 0)
        y = values[sub] if ay is None else ay.values[sub] + (_jitter(len(sub), 1) if ay.categorical else 0)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="markers", showlegend=False,
            marker={"size": 6, "color": ranks[sub], "coloraxis": "coloraxis",
                    "line": {"width": 0.5, "color": "rgba(15,23,42,0.4)"}},
            customdata=np.stack([numbers[sub], values[sub]], axis=-1),
            hovertemplate="trial %{customdata[0]}<br>value %{customdata[1]:.6g}<extra></extra>",
        ), row=row, col=col)
        xa = _data.apply_axis({}, ax)
        ya = _data.apply_axis({}, ay) if ay is not None else {"title": {"text": _data.esc(target_name)}}
        _place_axes(fig, row, col, size, xa, ya)
    _hide_upper_triangle(fig, size)
    quantiles = [0.0, 0.25, 0.5, 0.75, 1.0]
    ordered = np.sort(values * sign) * sign
    tick_values = [ordered[round(q * (len(ordered) - 1))] for q in quantiles]
    fig.update_layout(coloraxis={"colorscale": "RdYlBu", "reversescale": True, "cmin": 0.0, "cmax": 1.0,
                                 "colorbar": {"title": {"text": _data.esc(target_name), "side": "right"},
                                              "tickvals": quantiles, "ticktext": [_data.fmt(v) for v in tick_values],
                                              "thickness": 14}})
    return _data.style(fig, title, height=max(460, 300 * size + 80), legend=False)


def param_importances(
    study: StudyLike,
    *,
    evaluator: str = "fanova",
    params: Sequence[str] | None = None,
    target: Target | None = None,
    target_name: str = "Objective value",
    seed: int = 0,
    importances: Mapping[str, float] | None = None,
) -> Any:
    """Horizontal bars of each parameter's importance (see :mod:`tunewise.importance`).

    Pass ``importances=`` to draw values computed earlier (the dashboard caches them).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: 10 * t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) * 0.1, n_trials=60)
    >>> fig = tw.plots.param_importances(study, evaluator="permutation")
    >>> list(fig.data[0].y)[-1]
    'x'
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    if importances is None:
        from tunewise.insight._importance import param_importances as compute

        try:
            importances = compute(s, evaluator=evaluator, params=params, target=target, seed=seed)
        except ValueError as e:
            if "COMPLETE" in str(e) or "parameter" in str(e):
                return _data.empty_figure("Parameter importance", str(e))
            raise
    if not importances:
        return _data.empty_figure("Parameter importance", "No parameters to rank")
    items = sorted(importances.items(), key=lambda kv: kv[1])  # smallest at the bottom of the list
    names = [_data.esc(k) for k, _ in items]
    vals = [float(v) for _, v in items]
    fig = go.Figure(go.Bar(
        x=vals, y=names, orientation="h", marker={"color": _data.PALETTE[0]},
        text=[f"{v:.1%}" for v in vals], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:.3f}<extra></extra>",
    ))
    fig.update_xaxes(title_text=f"Importance for {_data.esc(target_name)} ({evaluator})", tickformat=".0%",
                     range=[0, max(vals) * 1.15 if max(vals) > 0 else 1])
    fig.update_yaxes(type="category", automargin=True)
    return _data.style(fig, "Parameter importance", height=max(320, 60 + 34 * len(items)), legend=False)
