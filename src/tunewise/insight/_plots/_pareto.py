"""Multi-objective figures: the Pareto front, and the hypervolume of the front over the trials."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import tunewise as tw
from tunewise._pareto import nondominated
from tunewise.insight._plots import _data
from tunewise.insight._plots._data import StudyLike

_INFEASIBLE = "#dc2626"
_FRONT = "#2563eb"
_DOMINATED = "#93c5fd"


def _objective_names(study: StudyLike, names: Sequence[str] | None) -> list[str]:
    m = len(study.directions)
    if names is None:
        names = getattr(study, "metric_names", None)  # study.set_metric_names(), as Optuna labels them
    if names is None:
        return [f"Objective {i} ({d})" for i, d in enumerate(study.directions)]
    if isinstance(names, str) or len(names) != m:
        raise ValueError(f"target_names must name each of the study's {m} objectives, got {names!r}")
    return [str(n) for n in names]


def _feasibility(trials: Sequence[Any],
                 constraints_func: Callable[[Any], Sequence[float]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(feasible mask, violation) of each trial: the sum of its positive constraint values, as
    recorded, or as ``constraints_func(trial)`` gives them."""
    viol = np.zeros(len(trials))
    for i, t in enumerate(trials):
        values = t.system_attrs.get("constraints") if constraints_func is None else constraints_func(t)
        if values is not None and len(values):
            viol[i] = sum(v for v in values if v > 0)
    return viol <= 0, viol


def pareto_front(
    study: StudyLike,
    *,
    targets: Sequence[int] | None = None,
    target_names: Sequence[str] | None = None,
    include_dominated: bool = True,
    max_points: int = 5000,
    constraints_func: Callable[[Any], Sequence[float]] | None = None,
    values_of: Callable[[Any], Sequence[float]] | None = None,
) -> Any:
    """The COMPLETE trials in objective space, the Pareto front highlighted.

    Two or three objectives are drawn directly (``targets`` picks which, by index, when there
    are more). Front trials are dark and joined in order (two objectives), dominated trials
    light, and infeasible trials (a constraint value > 0) red crosses, with their violation in
    the hover text. Past ``max_points`` dominated trials are thinned evenly; the front is always
    drawn whole.

    ``constraints_func(trial)`` judges feasibility instead of the constraint values the study
    recorded; ``values_of(trial)`` gives the 2 or 3 coordinates to draw each trial at (the front
    is still the front of the trials' objective values), as Optuna's ``constraints_func`` and
    ``targets`` do.

    >>> import tunewise as tw
    >>> study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.RandomSampler(seed=0))
    >>> def objective(t):
    ...     x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
    ...     return x, (1 - x) ** 2 + y
    >>> study.optimize(objective, n_trials=20)
    >>> [trace.name for trace in tw.plots.pareto_front(study).data]
    ['Dominated', 'Pareto front']
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    m = len(s.directions)
    names = _objective_names(s, target_names) if values_of is None else []
    if m < 2:
        raise ValueError(f"study {s.study_name!r} has one objective: a Pareto front needs two or more "
                         "(use optimization_history)")
    if values_of is not None:
        if targets is not None:
            raise ValueError("pass either targets (objective indices) or values_of (a function of the trial), "
                             "not both")
    elif targets is None:
        if m > 3:
            raise ValueError(f"study {s.study_name!r} has {m} objectives: pass targets=[i, j] (or three) to choose "
                             "the ones to draw")
        targets = list(range(m))
    else:
        targets = [int(i) for i in targets]
        if len(targets) not in (2, 3) or any(not 0 <= i < m for i in targets) or len(set(targets)) != len(targets):
            raise ValueError(f"targets must be 2 or 3 distinct objective indices in 0..{m - 1}, got {targets!r}")
    title = "Pareto front"
    trials = [t for t in _data.completed(s) if t.values is not None and len(t.values) == m]
    if not trials:
        return _data.empty_figure(title, "No COMPLETE trials yet")
    values = np.array([t.values for t in trials], dtype=float)
    numbers = np.array([t.number for t in trials])
    feasible, viol = _feasibility(trials, constraints_func)
    if values_of is None:
        assert targets is not None
        coords = values[:, targets]
    else:
        coords, names = _custom_coordinates(trials, values_of, target_names)
        targets = list(range(coords.shape[1]))
    on_front = np.zeros(len(trials), dtype=bool)
    if feasible.any():  # the front of the feasible trials (as study.best_trials; a study view has none)
        signs = np.array([1.0 if d == "minimize" else -1.0 for d in s.directions])
        on_front[np.flatnonzero(feasible)] = nondominated(values[feasible] * signs)
    dominated = np.flatnonzero(feasible & ~on_front)
    infeasible = np.flatnonzero(~feasible)
    front = np.flatnonzero(on_front)
    fig = go.Figure()
    three = len(targets) == 3

    def add(idx: np.ndarray, name: str, marker: dict[str, Any], extra: str = "", line: bool = False) -> None:
        if not len(idx):
            return
        cols = [coords[idx, k] for k in range(len(targets))]
        axes = "".join(f"<br>{_data.esc(names[j])}: %{{{'xyz'[k]}:.6g}}" for k, j in enumerate(targets))
        hover = "trial %{customdata[0]}" + axes + extra + "<extra></extra>"
        custom = np.c_[numbers[idx], viol[idx]]
        if three:
            fig.add_trace(go.Scatter3d(x=cols[0], y=cols[1], z=cols[2], mode="markers", name=name, marker=marker,
                                       customdata=custom, hovertemplate=hover))
        else:
            cls = go.Scatter if line or len(idx) < 2000 else _data.scatter_cls(len(idx))
            fig.add_trace(cls(x=cols[0], y=cols[1], mode="lines+markers" if line else "markers", name=name,
                              marker=marker, customdata=custom, hovertemplate=hover,
                              line={"shape": "hv" if line else None, "color": _FRONT, "width": 1.5}
                              if line else None))

    if include_dominated and len(dominated):
        keep = _data.downsample(len(dominated), max_points)
        add(dominated[keep], "Dominated", {"color": _DOMINATED, "size": 6 if three else 7, "opacity": 0.6})
    if len(infeasible):
        keep = _data.downsample(len(infeasible), max_points)
        add(infeasible[keep], "Infeasible", {"color": _INFEASIBLE, "symbol": "x", "size": 5 if three else 8,
                                             "opacity": 0.7}, extra="<br>violation %{customdata[1]:.3g}")
    if len(front):
        if not three:  # joined in order of the first drawn objective: the trade-off as a staircase
            front = front[np.argsort(coords[front, 0], kind="stable")]
        add(front, "Pareto front", {"color": _FRONT, "size": 6 if three else 9,
                                    "line": {"color": "white", "width": 1}}, line=not three)
    if three:
        fig.update_layout(scene={"xaxis_title": _data.esc(names[targets[0]]),
                                 "yaxis_title": _data.esc(names[targets[1]]),
                                 "zaxis_title": _data.esc(names[targets[2]])})
    else:
        fig.update_xaxes(title_text=_data.esc(names[targets[0]]))
        fig.update_yaxes(title_text=_data.esc(names[targets[1]]))
    return _data.style(fig, title)


def _custom_coordinates(trials: Sequence[Any], values_of: Callable[[Any], Sequence[float]],
                        target_names: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """Each trial's ``values_of(trial)`` as an array (2 or 3 columns), and the axis names."""
    rows = []
    for t in trials:
        v = values_of(t)
        if not isinstance(v, Sequence) and not isinstance(v, np.ndarray):
            raise ValueError(f"targets should return a sequence of target values, got {type(v).__name__} "
                             f"for trial {t.number}")
        rows.append([float(x) for x in v])
    n = len(rows[0])
    if n not in (2, 3) or any(len(r) != n for r in rows):
        raise ValueError(f"targets must return 2 or 3 values for every trial, got {sorted({len(r) for r in rows})}")
    if target_names is None:
        names = [f"Objective {i}" for i in range(n)]
    elif isinstance(target_names, str) or len(target_names) != n:
        raise ValueError(f"target_names must name each of the {n} targets, got {target_names!r}")
    else:
        names = [str(x) for x in target_names]
    return np.array(rows, dtype=float), names


def hypervolume_history(
    study: StudyLike | Sequence[StudyLike],
    *,
    reference_point: Sequence[float] | None = None,
) -> Any:
    """The hypervolume of the Pareto front (feasible COMPLETE trials) after each trial.

    Pass a list of studies of the same problem to compare them (e.g. two samplers): they then
    share one reference point, the default being the worst value of each objective over all of
    them moved 10% of its range further (see :func:`tunewise.hypervolume`).

    >>> import tunewise as tw
    >>> study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.params["x"]) ** 2), n_trials=20)
    >>> fig = tw.plots.hypervolume_history(study, reference_point=[1.0, 1.0])
    >>> fig.data[0].y[-1] > 0
    True
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    studies = _data.check_studies(study)
    m = len(studies[0].directions)
    if m < 2:
        raise ValueError(f"study {studies[0].study_name!r} has one objective: hypervolume needs two or more "
                         "(use optimization_history)")
    for s in studies[1:]:
        if list(s.directions) != list(studies[0].directions):
            raise ValueError(f"studies to compare must have the same directions: {studies[0].study_name!r} has "
                             f"{studies[0].directions}, {s.study_name!r} has {s.directions}")
    ref = reference_point
    if ref is None:  # as tw.hypervolume's default, over every study's feasible COMPLETE trials
        signs = np.array([1.0 if d == "minimize" else -1.0 for d in studies[0].directions])
        rows = [t.values for s in studies for t in _data.completed(s)
                if t.values is not None and len(t.values) == m and _feasibility([t])[0][0]]
        if not rows:
            return _data.empty_figure("Hypervolume history", "No feasible COMPLETE trials yet")
        v = np.array(rows, dtype=float) * signs
        worst, best = v.max(axis=0), v.min(axis=0)
        span = np.where(worst > best, worst - best, np.maximum(np.abs(worst), 1.0))
        ref = [float(r) for r in (worst + 0.1 * span) * signs]
    fig = go.Figure()
    overlay = len(studies) > 1
    for k, s in enumerate(studies):
        numbers, hv = tw.hypervolume_history(s, reference_point=ref)
        if not numbers:
            continue
        fig.add_trace(go.Scatter(
            x=numbers, y=hv, mode="lines", line={"shape": "hv", "width": 2.5,
                                                 "color": _data.PALETTE[k % len(_data.PALETTE)]},
            name=_data.esc(s.study_name) if overlay else "Hypervolume",
            hovertemplate="after trial %{x}: %{y:.6g}<extra></extra>",
        ))
    if not fig.data:
        return _data.empty_figure("Hypervolume history", "No feasible COMPLETE trials yet")
    fig.update_xaxes(title_text="Trial", rangemode="tozero")
    ref_text = ", ".join(f"{float(r):.4g}" for r in ref)
    fig.update_yaxes(title_text=f"Hypervolume (reference point {ref_text})")
    return _data.style(fig, "Hypervolume history")
