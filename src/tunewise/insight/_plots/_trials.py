"""Plots over trials' lives: learning curves, the timeline of workers, PBT lineage."""

from __future__ import annotations

import datetime as _dt
import heapq
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from tunewise.insight._plots import _data
from tunewise.insight._plots._data import StudyLike
from tunewise.trial import FrozenTrial, TrialState

# Where a worker's identity may be recorded in a trial's system attrs (first found wins).
WORKER_KEYS = ("worker", "worker_id", "worker_name", "host_pid", "hostname")

_STATE_ORDER: tuple[str, ...] = ("COMPLETE", "PRUNED", "FAILED", "RUNNING")


def _segments(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate polylines with NaN breaks: one WebGL trace instead of one trace per trial."""
    if not xs:
        return np.array([]), np.array([])
    gap = np.array([np.nan])
    x = np.concatenate([np.concatenate([a, gap]) for a in xs])
    y = np.concatenate([np.concatenate([b, gap]) for b in ys])
    return x, y


def intermediate_values(
    study: StudyLike,
    *,
    max_points: int = 20000,
    max_steps_per_trial: int = 200,
    log_y: bool = False,
) -> Any:
    """Learning curves: every trial's reported values by step, pruned trials marked with x.

    Curves are grouped by state (one WebGL trace each), so 10,000 trials with 100 steps
    draw instantly. Above ``max_points`` points whole curves are thinned evenly, always
    keeping the ten best finished trials; long curves keep at most ``max_steps_per_trial``
    evenly spaced steps (plus the last).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(5):
    ...         trial.report(x * step, step)
    ...     return x
    >>> study.optimize(objective, n_trials=5)
    >>> tw.plots.intermediate_values(study).data[0].name
    'COMPLETE'
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    max_points = _data.check_max_points(max_points)
    trials = [t for t in s.get_trials() if t.reports]
    if not trials:
        return _data.empty_figure("Intermediate values", "No trial has reported intermediate values")
    lengths = np.array([len(t.reports) for t in trials])
    per_trial = np.minimum(lengths, max_steps_per_trial + 1)
    keep = np.arange(len(trials))
    if per_trial.sum() > max_points:
        finals = np.array([t.value if (t.state == TrialState.COMPLETE and t.value is not None) else np.nan
                           for t in trials])
        sign = 1.0 if (len(s.directions) > 1 or s.directions[0] == "minimize") else -1.0
        order = np.argsort(np.where(np.isnan(finals), np.inf, finals * sign), kind="stable")
        best = order[: min(10, int((~np.isnan(finals)).sum()))]
        n_keep = max(10, int(len(trials) * max_points / per_trial.sum()))
        keep = _data.downsample(len(trials), n_keep, keep=best)
    groups: dict[str, tuple[list[np.ndarray], list[np.ndarray], list[float]]] = {}
    ends: dict[str, tuple[list[float], list[float], list[int]]] = {"PRUNED": ([], [], []), "FAILED": ([], [], [])}
    for i in keep:
        t = trials[int(i)]
        reports = t.reports
        steps = np.fromiter(reports.keys(), dtype=float, count=len(reports))
        vals = np.fromiter(reports.values(), dtype=float, count=len(reports))
        order = np.argsort(steps)
        steps, vals = steps[order], vals[order]
        if len(steps) > max_steps_per_trial + 1:
            sel = np.unique(np.r_[np.linspace(0, len(steps) - 1, max_steps_per_trial).round().astype(int),
                                  len(steps) - 1])
            steps, vals = steps[sel], vals[sel]
        state: str = t.state.value if t.state.value in _STATE_ORDER else "RUNNING"
        g = groups.setdefault(state, ([], [], []))
        g[0].append(steps)
        g[1].append(vals)
        g[2].extend([t.number] * len(steps) + [np.nan])
        if state in ends:
            ends[state][0].append(float(steps[-1]))
            ends[state][1].append(float(vals[-1]))
            ends[state][2].append(t.number)
    fig = go.Figure()
    total_points = sum(len(a) for g in groups.values() for a in g[0])
    for state in _STATE_ORDER:
        if state not in groups:
            continue
        xs, ys, nums = groups[state]
        x, y = _segments(xs, ys)
        n_curves = len(xs)
        opacity = 0.9 if n_curves < 30 else 0.5 if n_curves < 300 else 0.25
        cls = _data.scatter_cls(total_points)
        fig.add_trace(cls(
            x=x, y=y, mode="lines", name=state, customdata=nums,
            line={"color": _data.STATE_COLORS[state], "width": 1.5}, opacity=opacity,
            hovertemplate="trial %{customdata}<br>step %{x}<br>value %{y:.6g}<extra>" + state + "</extra>",
        ))
    for end_state, (ex, ey, en) in ends.items():
        if ex:
            fig.add_trace(go.Scatter(
                x=ex, y=ey, mode="markers", name=f"{end_state.lower()} here", customdata=en,
                marker={"symbol": "x", "size": 8, "color": _data.STATE_COLORS[end_state],
                        "line": {"width": 1.5, "color": _data.STATE_COLORS[end_state]}},
                hovertemplate="trial %{customdata} " + end_state.lower() + " at step %{x}<extra></extra>",
            ))
    title = "Intermediate values"
    if len(keep) < len(trials):
        title += f" ({len(keep)} of {len(trials)} trials shown)"
    fig.update_xaxes(title_text="Step")
    fig.update_yaxes(title_text="Intermediate value", type="log" if log_y else None)
    return _data.style(fig, title)


def _worker_of(t: FrozenTrial) -> str | None:
    for k in WORKER_KEYS:
        v = t.system_attrs.get(k)
        if v is not None:
            return str(v)
    return None


def _greedy_lanes(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Put each trial on the lowest lane free at its start (interval partitioning): the number
    of lanes equals the peak concurrency, which is what the timeline should reveal."""
    lanes = np.zeros(len(starts), dtype=int)
    free: list[int] = []
    busy: list[tuple[float, int]] = []
    n_lanes = 0
    for i in np.argsort(starts, kind="stable"):
        while busy and busy[0][0] <= starts[i]:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane = n_lanes
            n_lanes += 1
        lanes[i] = lane
        heapq.heappush(busy, (ends[i], lane))
    return lanes


def timeline(study: StudyLike, *, max_trials: int = 20000) -> Any:
    """Each trial as a bar from start to finish on its worker's lane, coloured by state.

    The worker comes from the trial's system attrs (``worker``, ``worker_id``, ...) when the
    executor records it; otherwise trials are packed onto the fewest lanes that fit, which
    shows the real concurrency. Running trials extend to now. Times are local.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> tw.plots.timeline(study).data[0].name
    'COMPLETE'
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    if isinstance(max_trials, bool) or not isinstance(max_trials, int) or max_trials < 1:
        raise ValueError(f"max_trials must be a positive integer, got {max_trials!r}")
    trials = [t for t in s.get_trials() if t.datetime_start_ts is not None]
    if not trials:
        return _data.empty_figure("Timeline", "No trial has started yet")
    title = "Timeline"
    if len(trials) > max_trials:
        # The most recent trials are the interesting ones when watching a live study.
        title += f" (last {max_trials} of {len(trials)} trials)"
        trials = trials[-max_trials:]
    now = time.time()
    starts = np.array([t.datetime_start_ts for t in trials], dtype=float)
    ends = np.array([t.datetime_complete_ts if t.datetime_complete_ts is not None else
                     (now if t.state == TrialState.RUNNING else t.datetime_start_ts) for t in trials], dtype=float)
    ends = np.maximum(ends, starts)
    workers = [_worker_of(t) for t in trials]
    if any(w is not None for w in workers):
        names: dict[str, int] = {}
        for w in workers:
            names.setdefault(w if w is not None else "(unknown)", len(names))
        lanes = np.array([names[w if w is not None else "(unknown)"] for w in workers])
        lane_labels = [_data.esc(n) for n in names]
        ytitle = "Worker"
    else:
        lanes = _greedy_lanes(starts, ends)
        lane_labels = [f"lane {i + 1}" for i in range(int(lanes.max()) + 1)]
        ytitle = "Concurrent slot"
    # Plotly date axes read numbers as UTC milliseconds: shift by the local offset so the
    # axis shows the wall-clock time the user saw.
    offset = _dt.datetime.now().astimezone().utcoffset()
    shift_ms = offset.total_seconds() * 1000 if offset is not None else 0.0
    x0, x1 = starts * 1000 + shift_ms, ends * 1000 + shift_ms
    width = float(np.clip(320 / max(1, len(lane_labels)), 3, 16))
    states = np.array([t.state.value for t in trials])
    numbers = np.array([t.number for t in trials])
    fig = go.Figure()
    for state in ("COMPLETE", "PRUNED", "FAILED", "RUNNING", "WAITING"):
        sel = np.flatnonzero(states == state)
        if not len(sel):
            continue
        nan = np.full(len(sel), np.nan)
        x = np.column_stack([x0[sel], x1[sel], nan]).ravel()
        y = np.column_stack([lanes[sel], lanes[sel], nan]).ravel().astype(float)
        dur = ends[sel] - starts[sel]
        cd = np.column_stack([numbers[sel], dur]).repeat(3, axis=0)
        cls = _data.scatter_cls(3 * len(sel))
        fig.add_trace(cls(
            x=x, y=y, mode="lines", name=state, customdata=cd,
            line={"color": _data.STATE_COLORS[state], "width": width},
            hovertemplate="trial %{customdata[0]}<br>%{customdata[1]:.3g} s<extra>" + state + "</extra>",
        ))
    fig.update_xaxes(type="date", title_text="Time (local)")
    fig.update_yaxes(title_text=ytitle, tickmode="array", tickvals=list(range(len(lane_labels))),
                     ticktext=lane_labels if len(lane_labels) <= 40 else None, autorange="reversed",
                     range=None)
    return _data.style(fig, title, height=max(320, min(900, 120 + 24 * len(lane_labels))))


# ---- population based training ------------------------------------------------------------
# tunewise.schedulers.PBTScheduler records each segment (a trial) in system_attrs["pbt"]:
# lineage (the population slot's root trial), generation, start_step, parent (the trial it
# continues), donor/clone_step (whose checkpoint it copied, at which step), value. Flat keys
# ("pbt_parent", ...) are read too, for lineages written by other tools.
PBT_ATTR = "pbt"


def _pbt_record(t: FrozenTrial) -> dict[str, Any] | None:
    st = t.system_attrs.get(PBT_ATTR)
    if isinstance(st, dict):
        return None if st.get("excess") else st
    flat = {k[4:]: v for k, v in t.system_attrs.items() if k.startswith("pbt_")}
    if not flat:
        return None
    return {"lineage": flat.get("member", flat.get("lineage")), "parent": flat.get("parent"),
            "donor": flat.get("donor"), "start_step": flat.get("start_step"), "clone_step": flat.get("clone_step")}


def _as_int(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def pbt_lineage(study: StudyLike, *, max_trials: int = 2000) -> Any:
    """Population based training: each population member's learning curve across its
    segments, with a dotted link wherever a member copied a better member's checkpoint and
    parameters (exploit) before perturbing them (explore).

    Reads what :class:`tunewise.schedulers.PBTScheduler` records in each trial's system attrs;
    for a study without PBT it returns a figure saying so.

    >>> import tunewise as tw
    >>> study = tw.create_study()
    >>> tw.plots.pbt_lineage(study).layout.annotations[0].text
    'No PBT lineage recorded: run the study with the PBT scheduler'
    """
    _data.require_plotly()
    import plotly.graph_objects as go

    s = _data.check_study(study)
    title = "PBT lineage"
    records = {t.number: (t, r) for t in s.get_trials() if (r := _pbt_record(t)) is not None}
    if not records:
        return _data.empty_figure(title, "No PBT lineage recorded: run the study with the PBT scheduler")
    numbers = sorted(records)
    if len(numbers) > max_trials:
        title += f" (last {max_trials} of {len(numbers)} segments)"
        numbers = numbers[-max_trials:]

    def curve(t: FrozenTrial, r: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        reports = t.reports
        if reports:
            steps = np.array(sorted(reports), dtype=float)
            return steps, np.array([reports[int(k)] for k in steps], dtype=float)
        v = r.get("value", t.value)
        return np.array([float(r.get("start_step") or 0)]), np.array([np.nan if v is None else float(v)])

    def value_at(number: int, step: float | None) -> tuple[float, float] | None:
        """The (step, value) of a trial's last report at or before ``step`` (its last if None)."""
        if number not in records:
            return None
        x, y = curve(*records[number])
        j = len(x) - 1 if step is None else int(np.searchsorted(x, step, side="right")) - 1
        return (float(x[j]), float(y[j])) if j >= 0 else None

    members: dict[str, tuple[list[np.ndarray], list[np.ndarray], list[float]]] = {}
    link_x: list[float] = []
    link_y: list[float] = []
    link_text: list[str] = []
    for n in numbers:
        t, r = records[n]
        lineage = _as_int(r.get("lineage"))
        key = f"member #{lineage}" if lineage is not None else f"trial #{n}"
        x, y = curve(t, r)
        donor, parent = _as_int(r.get("donor")), _as_int(r.get("parent"))
        if donor is not None:
            # Exploit: this segment starts from the donor's checkpoint at clone_step.
            src = value_at(donor, _as_int(r.get("clone_step")))
            if src is not None:
                link_x += [src[0], float(x[0]), np.nan]
                link_y += [src[1], float(y[0]), np.nan]
                link_text += [f"trial {n} copied trial {donor}"] * 3
        elif parent is not None:
            # Plain continuation: join the parent's last point so the member's curve is unbroken.
            src = value_at(parent, None)
            if src is not None:
                x, y = np.r_[src[0], x], np.r_[src[1], y]
        g = members.setdefault(key, ([], [], []))
        g[0].append(x)
        g[1].append(y)
        g[2].extend([n] * len(x) + [np.nan])
    fig = go.Figure()
    many = len(members) > 12
    for k, (key, (xs, ys, nums)) in enumerate(sorted(members.items(), key=lambda kv: kv[0])):
        x, y = _segments(xs, ys)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=key, customdata=nums, showlegend=not many,
            line={"width": 2, "color": _data.PALETTE[k % len(_data.PALETTE)]}, marker={"size": 4},
            hovertemplate="trial %{customdata}<br>step %{x}<br>value %{y:.6g}<extra>" + key + "</extra>",
        ))
    if link_x:
        fig.add_trace(go.Scatter(
            x=link_x, y=link_y, mode="lines+markers", name="exploit (copied from)", text=link_text,
            hovertemplate="%{text}<extra></extra>", line={"dash": "dot", "width": 2, "color": "#334155"},
            # Donor and child points are often close: open diamonds make every exploit visible.
            marker={"symbol": "diamond-open", "size": 10, "color": "#334155", "line": {"width": 1.5}},
        ))
    fig.update_xaxes(title_text="Step")
    fig.update_yaxes(title_text="Reported value")
    return _data.style(fig, title)
