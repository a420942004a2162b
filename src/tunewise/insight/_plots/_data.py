"""Turning a study's trials into the arrays every plot draws from.

Plots read a study once, vectorize it with numpy and never loop over trials in plotly
objects, so a figure for 10,000+ trials is built in well under a second. Everything that
ends up as text in a figure goes through :func:`esc`: plotly renders strings as a subset of
HTML, and parameter names or categorical choices are user data.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from tunewise import distributions as D
from tunewise.trial import FrozenTrial, TrialState

# One palette for every figure, the report and the dashboard (colour-blind friendly order).
# Trial-number colours: light but visible for early trials, dark for late ones.
SEQUENTIAL = [[0.0, "#bfdbfe"], [0.5, "#3b82f6"], [1.0, "#1e3a8a"]]
PALETTE = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#0891b2", "#db2777", "#65a30d", "#475569"]
STATE_COLORS = {
    "COMPLETE": "#2563eb",
    "PRUNED": "#f59e0b",
    "FAILED": "#dc2626",
    "RUNNING": "#16a34a",
    "WAITING": "#94a3b8",
}


class StudyLike(Protocol):
    """What the plots need from a study: :class:`tunewise.Study` or any object shaped like it."""

    study_name: str
    directions: list[str]

    def get_trials(self, deepcopy: bool = ..., states: Any = ...) -> list[FrozenTrial]: ...

    @property
    def distributions(self) -> dict[str, D.Distribution]: ...


def esc(text: Any) -> str:
    """Escape user text for plotly's HTML-like labels (``<script>`` shows as text)."""
    return html.escape(str(text), quote=False)


def fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def check_study(study: Any, arg: str = "study") -> StudyLike:
    if not (hasattr(study, "get_trials") and hasattr(study, "directions")):
        raise TypeError(f"{arg} must be a tunewise Study, got {study!r} ({type(study).__name__})")
    return study  # type: ignore[no-any-return]


def check_studies(study: Any) -> list[StudyLike]:
    if isinstance(study, (list, tuple)):
        if not study:
            raise ValueError("study must be a Study or a non-empty list of studies, got an empty list")
        return [check_study(s, f"study[{i}]") for i, s in enumerate(study)]
    return [check_study(study)]


def check_max_points(max_points: int) -> int:
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 10:
        raise ValueError(f"max_points must be an integer >= 10, got {max_points!r}")
    return max_points


Target = Callable[[FrozenTrial], float]


def target_values(study: StudyLike, trials: Sequence[FrozenTrial], target: Target | None,
                  target_name: str) -> np.ndarray:
    """One float per trial (NaN when the trial has no value): the plotted objective."""
    if target is None:
        if len(study.directions) > 1:
            raise ValueError(
                f"study {study.study_name!r} has {len(study.directions)} objectives: pass "
                f"target=lambda t: t.values[i] (and target_name=) to choose the one to plot"
            )
        return np.array([t.values[0] if t.values else np.nan for t in trials], dtype=float)
    if not callable(target):
        raise TypeError(f"target must be a function FrozenTrial -> float, got {target!r}")
    out = np.full(len(trials), np.nan)
    for i, t in enumerate(trials):
        if t.values is None and t.state != TrialState.COMPLETE:
            continue
        v = target(t)
        out[i] = np.nan if v is None else float(v)
    return out


def minimize_sign(study: StudyLike, target: Target | None) -> float:
    """+1 when smaller is better for the plotted target, -1 otherwise."""
    if target is not None:
        return 1.0
    return 1.0 if study.directions[0] == "minimize" else -1.0


def completed(study: StudyLike) -> list[FrozenTrial]:
    return study.get_trials(states=(TrialState.COMPLETE,))


def study_params(study: StudyLike, trials: Sequence[FrozenTrial], params: Sequence[str] | None,
                 arg: str = "params") -> list[str]:
    """The parameters to plot: the requested ones (validated) or every one seen, sorted."""
    seen: dict[str, None] = {}
    for t in trials:
        for k in t.params:
            seen.setdefault(k, None)
    if params is None:
        return sorted(seen)
    if isinstance(params, str):
        params = [params]
    known = set(seen) | set(getattr(study, "distributions", {}) or {})
    for p in params:
        if p not in known:
            raise ValueError(
                f"{arg} names {p!r}, which no trial of study {study.study_name!r} has; "
                f"known parameters: {', '.join(sorted(known)) or '(none)'}"
            )
    return list(params)


def param_distribution(study: StudyLike, trials: Sequence[FrozenTrial], name: str) -> D.Distribution | None:
    dists = getattr(study, "distributions", None) or {}
    if name in dists:
        found: D.Distribution = dists[name]
        return found
    for t in trials:
        d = t.distributions.get(name)
        if d is not None:
            return d
    return None


class Axis:
    """How one parameter is drawn: numeric (maybe log) or categorical (indices with labels).

    ``values`` has one float per trial (NaN where the trial lacks the parameter, i.e. the
    parameter is conditional). For categoricals the float is the choice's index.
    """

    def __init__(self, name: str, dist: D.Distribution | None, raw: list[Any]) -> None:
        self.name = name
        self.label = esc(name)
        self.present = np.array([r is not _ABSENT for r in raw], dtype=bool)
        numeric = all(
            isinstance(r, (int, float)) and not isinstance(r, bool) for r in raw if r is not _ABSENT
        )
        self.categorical = isinstance(dist, D.Categorical) or not numeric
        self.log = bool(getattr(dist, "log", False)) and not self.categorical
        if self.categorical:
            if isinstance(dist, D.Categorical):
                choices = list(dist.choices)
            else:
                choices = []
                for r in raw:
                    if r is not _ABSENT and r not in choices:
                        choices.append(r)
            keys = {_key(c): i for i, c in enumerate(choices)}
            vals = np.full(len(raw), np.nan)
            for i, r in enumerate(raw):
                if r is not _ABSENT:
                    k = _key(r)
                    if k not in keys:  # a value outside the stored choices: still show it
                        keys[k] = len(choices)
                        choices.append(r)
                    vals[i] = keys[k]
            self.choices = choices
            # Parcoords draws tick labels as plain text; every other trace parses HTML.
            self.rawtext = [fmt(c) for c in choices]
            # Long choices would overlap their neighbours on an axis: shorten them there
            # (hover text and the table keep the full value).
            self.ticktext = [esc(t if len(t) <= 18 else t[:17] + "…") for t in self.rawtext]
            self.values = vals
        else:
            self.choices = []
            self.rawtext = []
            self.ticktext = []
            self.values = np.array([float(r) if r is not _ABSENT else np.nan for r in raw], dtype=float)
        self.conditional = not bool(self.present.all())
        self.decades = 0.0
        if self.log and self.present.any():
            pv = self.values[self.present]
            pv = pv[pv > 0]
            if len(pv):
                self.decades = float(np.log10(pv.max() / pv.min()))

    def text(self, i: int) -> str:
        if not self.present[i]:
            return "(absent)"
        if self.categorical:
            return esc(self.rawtext[int(self.values[i])])
        return fmt(self.values[i])


_ABSENT = object()


def _key(v: Any) -> str:
    import json

    try:
        return json.dumps(v, sort_keys=True)
    except (TypeError, ValueError):
        return repr(v)


def axis_for(study: StudyLike, trials: Sequence[FrozenTrial], name: str) -> Axis:
    raw = [t.params.get(name, _ABSENT) for t in trials]
    return Axis(name, param_distribution(study, trials, name), raw)


def apply_axis(layout_axis: dict[str, Any], axis: Axis) -> dict[str, Any]:
    """Axis settings (log type or categorical ticks) for a plotly layout axis."""
    layout_axis["title"] = {"text": axis.label}
    if axis.log:
        layout_axis["type"] = "log"
        if axis.decades >= 2:
            layout_axis["dtick"] = 1  # one label per decade: no "2 5" minor clutter
    elif axis.categorical:
        layout_axis["tickmode"] = "array"
        layout_axis["tickvals"] = list(range(len(axis.choices)))
        layout_axis["ticktext"] = axis.ticktext
        layout_axis["range"] = [-0.5, len(axis.choices) - 0.5]
    return layout_axis


def downsample(n: int, max_points: int, keep: np.ndarray | None = None) -> np.ndarray:
    """Indices of at most about ``max_points`` of ``n`` points: an even stride plus ``keep``.

    Deterministic (no randomness), so the same study always gives the same figure, and the
    points that matter (improvements, the best trials) are always kept.
    """
    if n <= max_points:
        return np.arange(n)
    idx = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    if keep is not None and len(keep):
        idx = np.union1d(idx, np.asarray(keep, dtype=int))
    return idx


def best_so_far(values: np.ndarray, sign: float) -> np.ndarray:
    """Running best of ``values`` (NaN-tolerant) for a minimize (+1) or maximize (-1) target."""
    v = np.where(np.isnan(values), np.inf, values * sign)
    return np.minimum.accumulate(v) * sign if len(v) else v


def style(fig: Any, title: str, *, height: int | None = None, legend: bool = True) -> Any:
    """The house style: clean white background, readable fonts, one palette."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white",
        font={"family": "Inter, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
              "size": 12, "color": "#1e293b"},
        colorway=PALETTE,
        margin={"l": 60, "r": 24, "t": 56, "b": 52},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        hoverlabel={"font": {"family": "ui-monospace, SFMono-Regular, Menlo, monospace", "size": 11}},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
    )
    if height is not None:
        fig.update_layout(height=height)
    return fig


def empty_figure(title: str, message: str) -> Any:
    """A figure that says why there is nothing to draw instead of an empty frame."""
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.add_annotation(text=esc(message), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 14, "color": "#64748b"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, title, legend=False)


def require_plotly() -> None:
    try:
        import plotly  # noqa: F401
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('tunewise.plots needs plotly: pip install "tunewise[plots]"') from e


def nan_to_none(a: np.ndarray) -> list[float | None]:
    return [None if (isinstance(x, float) and math.isnan(x)) else x for x in a.tolist()]


def scatter_cls(n: int) -> Any:
    """WebGL scatter above a few thousand points (SVG gets slow), SVG below (crisper, lighter)."""
    import plotly.graph_objects as go

    return go.Scattergl if n > 2000 else go.Scatter
