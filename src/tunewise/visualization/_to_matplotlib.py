"""Draw one of tunewise's plotly figures with matplotlib, trace by trace.

The matplotlib plots (:mod:`tunewise.visualization.matplotlib`) are the plotly plots redrawn:
the study is read once, by the function in :mod:`tunewise.insight._plots`, and both backends
show exactly the same points, lines, bars and surfaces. Only the trace kinds those functions
emit are handled: scatter (markers, lines, step lines), horizontal bars, heatmaps, contours,
parallel coordinates and 3-D scatter.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np

_EXTRA_MESSAGE = ('tunewise.visualization.matplotlib needs matplotlib and plotly (plotly builds the figures\' '
                  'data): pip install "tunewise[plots]"')


def require_matplotlib() -> Any:
    """``matplotlib.pyplot``, or an ImportError that names the extra to install."""
    try:
        import matplotlib.pyplot as plt
        import plotly  # noqa: F401
    except ImportError as e:
        raise ImportError(_EXTRA_MESSAGE) from e
    return plt


def text(s: Any) -> str:
    """Plotly's HTML-like label as plain text (the plots escape user text for plotly)."""
    if s is None:
        return ""
    s = re.sub(r"<br\s*/?>", "\n", str(s))
    return html.unescape(re.sub(r"<[^>]+>", "", s))


def color(c: Any) -> Any:
    """A plotly colour (``#hex``, ``rgb(...)``, ``rgba(...)``, a CSS name) as matplotlib takes it."""
    if isinstance(c, str):
        m = re.fullmatch(r"\s*rgba?\(([^)]*)\)\s*", c)
        if m:
            parts = [float(p) for p in m.group(1).split(",")]
            rgb = [p / 255 for p in parts[:3]]
            return (*rgb, parts[3] if len(parts) > 3 else 1.0)
    return c


def colormap(colorscale: Any, reverse: bool = False) -> Any:
    """A matplotlib colormap from a plotly colorscale (``[[0, c0], ..., [1, cn]]`` or a name)."""
    import matplotlib
    from matplotlib.colors import LinearSegmentedColormap

    if isinstance(colorscale, str):
        try:
            cmap = matplotlib.colormaps[colorscale]
        except KeyError:
            cmap = matplotlib.colormaps["viridis"]
    elif colorscale:
        cmap = LinearSegmentedColormap.from_list("tunewise", [(float(p), color(c)) for p, c in colorscale])
    else:
        cmap = matplotlib.colormaps["viridis"]
    return cmap.reversed() if reverse else cmap


def _floats(values: Any) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _suffix(ref: str | None, prefix: str) -> str:
    """``"x3"`` -> ``"3"``, ``"x"``/None -> ``""``: the layout key of a trace's subplot."""
    return (ref or prefix)[len(prefix):]


def _grid(layout: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each subplot (by axis suffix) at its (row, column), from the layout's axis domains."""
    suffixes = sorted((k[len("xaxis"):] for k in layout if re.fullmatch(r"xaxis\d*", k)), key=lambda s: int(s or 1))
    if not suffixes or all("domain" not in layout[f"xaxis{s}"] for s in suffixes):
        return {"": (0, 0)}
    def dom(axis: str, s: str) -> float:
        return round(float((layout.get(f"{axis}{s}") or {}).get("domain", [0.0, 1.0])[0]), 3)
    cols = sorted({dom("xaxis", s) for s in suffixes})
    rows = sorted({dom("yaxis", s) for s in suffixes}, reverse=True)  # top row first
    return {s: (rows.index(dom("yaxis", s)), cols.index(dom("xaxis", s))) for s in suffixes}


def render(fig: Any, shape: str = "single") -> Any:
    """Draw the plotly ``fig`` on a new matplotlib figure; return its Axes as Optuna's functions
    do: one Axes (``shape="single"``, or a one-plot figure), a 1-D array of Axes for a row of
    subplots (``"row"``), or a 2-D array for a matrix of them (``"grid"``)."""
    plt = require_matplotlib()
    layout = fig.layout.to_plotly_json()
    kinds = {t.type for t in fig.data}
    if "parcoords" in kinds:
        return _parcoords(plt, fig.data[0], layout)
    if "scatter3d" in kinds:
        return _scatter3d(plt, fig.data, layout)
    grid = _grid(layout)
    nrows = 1 + max(r for r, _ in grid.values())
    ncols = 1 + max(c for _, c in grid.values())
    figure, axes = plt.subplots(nrows, ncols, squeeze=False,
                                figsize=(6.4 if ncols == 1 else 3.6 * ncols, 4.8 if nrows == 1 else 3.4 * nrows))
    mappable = None
    for trace in fig.data:
        r, c = grid.get(_suffix(getattr(trace, "xaxis", None), "x"), (0, 0))
        drawn = _draw(axes[r, c], trace, layout)
        mappable = mappable or drawn
    for s, (r, c) in grid.items():
        _apply_axes(axes[r, c], layout.get(f"xaxis{s}") or {}, layout.get(f"yaxis{s}") or {})
    title = text((layout.get("title") or {}).get("text"))
    if not fig.data:  # tunewise's empty figure: its message is an annotation
        ax = axes[0, 0]
        for note in layout.get("annotations", []):
            ax.text(0.5, 0.5, text(note.get("text")), ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
    if nrows * ncols == 1:
        axes[0, 0].set_title(title)
    else:
        figure.suptitle(title)
    if mappable is not None:
        bar = (layout.get("coloraxis") or {}).get("colorbar") or getattr(mappable, "_tw_colorbar", None) or {}
        cb = figure.colorbar(mappable, ax=axes.ravel().tolist())
        cb.set_label(text((bar.get("title") or {}).get("text")))
    if layout.get("showlegend", True) is not False:
        for ax in axes.ravel():
            if any(not h.get_label().startswith("_") for h in ax.get_legend_handles_labels()[0]):
                ax.legend(loc="best", fontsize="small")
    if shape == "single" or nrows * ncols == 1:
        return axes[0, 0]
    return axes.ravel() if shape == "row" else axes


def _color_args(marker: dict[str, Any], layout: dict[str, Any]) -> dict[str, Any]:
    """matplotlib ``scatter`` colour arguments for a plotly marker (one colour, a colour per
    point, or numbers mapped through a colorscale or the layout's shared colour axis)."""
    c = marker.get("color")
    if c is None:
        return {}
    if isinstance(c, str):
        return {"color": color(c)}
    values = list(c)
    if values and isinstance(values[0], str):
        return {"color": [color(v) for v in values]}
    scale = marker
    if marker.get("coloraxis"):
        scale = layout.get(marker["coloraxis"]) or {}
    return {"c": _floats(values), "cmap": colormap(scale.get("colorscale"), bool(scale.get("reversescale"))),
            "vmin": scale.get("cmin"), "vmax": scale.get("cmax")}


def _draw(ax: Any, trace: Any, layout: dict[str, Any]) -> Any:
    """Draw one trace; return a colour mappable when it should get a colour bar."""
    t = trace.to_plotly_json()
    kind = t.get("type")
    name = text(t.get("name")) if t.get("showlegend", True) is not False and t.get("name") else None
    date_axis = ((layout.get(f"xaxis{_suffix(t.get('xaxis'), 'x')}") or {}).get("type") == "date")
    if kind in ("scatter", "scattergl"):
        x, y = t.get("x", []), _floats(t.get("y", []))
        x = _floats(x) / 86_400_000.0 if date_axis else (x if len(x) and isinstance(x[0], str) else _floats(x))
        mode = t.get("mode") or "lines+markers"
        line, marker = t.get("line") or {}, t.get("marker") or {}
        mappable = None
        if "lines" in mode:
            ax.plot(x, y, drawstyle="steps-post" if line.get("shape") == "hv" else "default",
                    color=color(line.get("color")), linewidth=0.75 * float(line.get("width", 2)),
                    label=name, solid_capstyle="butt")
            name = None  # one legend entry per trace
        if "markers" in mode:
            args = _color_args(marker, layout)
            size = marker.get("size", 6)
            area = (0.9 * float(size)) ** 2 if isinstance(size, (int, float)) else 20.0  # plotly px -> points^2
            scatter = ax.scatter(x, y, s=area,
                                 alpha=marker.get("opacity"), label=name, zorder=3,
                                 edgecolors="none", **args)
            if "c" in args and (marker.get("coloraxis") or marker.get("showscale")):
                mappable = scatter
                scatter._tw_colorbar = marker.get("colorbar")
        return mappable
    if kind == "bar":
        x, y = t.get("x", []), t.get("y", [])
        bar_color = color((t.get("marker") or {}).get("color"))
        if t.get("orientation") == "h":
            ax.barh([text(v) for v in y], _floats(x), color=bar_color, label=name)
        else:
            ax.bar([text(v) for v in x], _floats(y), color=bar_color, label=name)
        return None
    if kind in ("heatmap", "contour"):
        scale = layout.get(t["coloraxis"]) if t.get("coloraxis") else t
        scale = scale or {}
        cmap = colormap(scale.get("colorscale"), bool(scale.get("reversescale")))
        x, y, z = _floats(t.get("x", [])), _floats(t.get("y", [])), np.asarray(t.get("z"), dtype=float)
        lims = {"vmin": scale.get("cmin"), "vmax": scale.get("cmax")}
        if kind == "contour" and len(x) > 1 and len(y) > 1:
            drawn = ax.contourf(x, y, np.ma.masked_invalid(z), levels=15, cmap=cmap, **lims)
        else:
            drawn = ax.pcolormesh(x, y, np.ma.masked_invalid(z), shading="nearest", cmap=cmap, **lims)
        return drawn
    raise NotImplementedError(f"tunewise cannot draw a plotly {kind!r} trace with matplotlib")


def _apply_axes(ax: Any, xa: dict[str, Any], ya: dict[str, Any]) -> None:
    if xa.get("visible") is False and ya.get("visible") is False:
        ax.axis("off")
        return
    for axis, spec, set_label, set_scale, set_lim in (
        (ax.xaxis, xa, ax.set_xlabel, ax.set_xscale, ax.set_xlim),
        (ax.yaxis, ya, ax.set_ylabel, ax.set_yscale, ax.set_ylim),
    ):
        set_label(text((spec.get("title") or {}).get("text")))
        kind = spec.get("type")
        if kind == "log":
            set_scale("log")
        elif kind == "date":  # the values are matplotlib dates (days since 1970), see _draw
            from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

            locator = AutoDateLocator()
            axis.set_major_locator(locator)
            axis.set_major_formatter(ConciseDateFormatter(locator))
        if spec.get("tickvals") is not None and spec.get("ticktext") is not None:
            axis.set_ticks(list(spec["tickvals"]), [text(v) for v in spec["ticktext"]])
        lim = spec.get("range")
        if lim is not None and kind != "date":
            lo, hi = (10 ** float(v) for v in lim) if kind == "log" else (float(v) for v in lim)
            set_lim(lo, hi)
        if spec.get("autorange") == "reversed":
            axis.set_inverted(True)
        if spec.get("tickformat") == ".0%":
            from matplotlib.ticker import PercentFormatter

            axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _parcoords(plt: Any, trace: Any, layout: dict[str, Any]) -> Any:
    """Parallel coordinates on one Axes: each dimension on its own vertical axis at x = 0, 1, ...,
    scaled to its range, with its own tick labels; one line per trial, coloured by its value."""
    from matplotlib.collections import LineCollection

    figure, ax = plt.subplots(figsize=(max(6.4, 1.6 * len(trace.dimensions)), 4.8))
    ys, labels = [], []
    for i, d in enumerate(trace.dimensions):
        v = _floats(d.values)
        lo, hi = (float(d.range[0]), float(d.range[1])) if d.range is not None else (np.nanmin(v), np.nanmax(v))
        span = (hi - lo) or 1.0
        ys.append((v - lo) / span)
        if d.tickvals is not None:
            ticks = [(float(tv) - lo) / span for tv in d.tickvals]
            names = [text(tt) for tt in d.ticktext] if d.ticktext is not None else [f"{tv:.3g}" for tv in d.tickvals]
        else:
            ticks = list(np.linspace(0, 1, 5))
            names = [f"{lo + q * span:.3g}" for q in ticks]
        for q, name in zip(ticks, names):
            ax.text(i + 0.03, q, name, fontsize=8, va="center", ha="left", color="#334155", zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1})
        ax.axvline(i, color="#64748b", linewidth=1)
        labels.append(text(d.label))
    data = np.stack(ys, axis=1)  # trials x dimensions
    segments = [np.column_stack([np.arange(len(row)), row]) for row in data]
    line = trace.line
    cmap = colormap(line.colorscale, bool(line.reversescale))
    lines = LineCollection(segments, cmap=cmap, linewidths=1.2, alpha=0.8)
    if line.color is not None and not isinstance(line.color, str):
        lines.set_array(_floats(line.color))
        if line.cmin is not None and line.cmax is not None:
            lines.set_clim(line.cmin, line.cmax)
        cb = figure.colorbar(lines, ax=ax)
        cb.set_label(text(line.colorbar.title.text if line.colorbar and line.colorbar.title else ""))
    else:
        lines.set_color(color(line.color) if line.color is not None else "#2563eb")
    ax.add_collection(lines)
    ax.set_xlim(-0.1, len(labels) - 0.6)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks([])
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(text((layout.get("title") or {}).get("text")))
    return ax


def _scatter3d(plt: Any, traces: Any, layout: dict[str, Any]) -> Any:
    figure = plt.figure(figsize=(6.4, 4.8))
    ax = figure.add_subplot(projection="3d")
    for trace in traces:
        t = trace.to_plotly_json()
        marker = t.get("marker") or {}
        args = _color_args(marker, layout)
        ax.scatter(_floats(t.get("x", [])), _floats(t.get("y", [])), _floats(t.get("z", [])),
                   label=text(t.get("name")) or None, **args)
    scene = layout.get("scene") or {}
    ax.set_xlabel(text(((scene.get("xaxis") or {}).get("title") or {}).get("text")))
    ax.set_ylabel(text(((scene.get("yaxis") or {}).get("title") or {}).get("text")))
    ax.set_zlabel(text(((scene.get("zaxis") or {}).get("title") or {}).get("text")))
    ax.set_title(text((layout.get("title") or {}).get("text")))
    if any(t.name for t in traces):
        ax.legend(loc="best", fontsize="small")
    return ax
