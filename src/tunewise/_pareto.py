"""Pareto fronts and hypervolume of a multi-objective study.

Non-dominated sorting and hypervolume come from moocore (Lopez-Ibanez et al., C code built for
exactly this: O(n log n) sorting in two and three objectives, the exact WFG/HV3D+ hypervolume), a
core dependency; without it a vectorised numpy fallback gives the same answers, slower. Values
are handed over in "minimise everything" form: each maximised objective is negated first.

The public names (``tw.hypervolume``, ``tw.hypervolume_history``) take a study and use its
feasible COMPLETE trials; the private ones (``pareto_rank``, ``nondominated``,
``hypervolume_of``, ``order_objectives``) take arrays and are what the samplers, ``Study.best_trials``,
the plots and the importance use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise._constraints import is_feasible

if TYPE_CHECKING:
    from tunewise.trial import FrozenTrial

__all__ = ["default_reference_point", "hypervolume", "hypervolume_history", "nondominated", "pareto_rank"]


def _moocore() -> Any:
    try:
        import moocore  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - moocore is a core dependency; the fallback is for odd platforms
        return None
    return moocore


def signs_of(directions: Sequence[str]) -> np.ndarray:
    """+1 for each minimised objective, -1 for each maximised one (values * signs: minimise all)."""
    return np.array([1.0 if d == "minimize" else -1.0 for d in directions])


def pareto_rank(values: np.ndarray) -> np.ndarray:
    """Non-dominated sorting of ``values`` (rows, every objective minimised): 0 for the Pareto
    front, 1 for the front behind it, ...; equal rows share a rank.

    >>> pareto_rank(np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0], [3.0, 3.0]])).tolist()
    [0, 0, 1, 2]
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2:
        raise ValueError(f"values must be a 2-d array (trials x objectives), got shape {v.shape}")
    if len(v) == 0:
        return np.zeros(0, dtype=int)
    if v.shape[1] == 1:
        return np.unique(v[:, 0], return_inverse=True)[1].astype(int)
    finite = np.where(np.isnan(v), np.inf, v)
    # moocore wants finite numbers: a non-finite value (a sampler's "worst possible") is put just
    # beyond the worst finite one, which keeps the dominance relations.
    if not np.isfinite(finite).all():
        ok = np.isfinite(finite)
        worst = np.where(ok, finite, -np.inf).max(axis=0)
        best = np.where(ok, finite, np.inf).min(axis=0)
        worst = np.where(np.isfinite(worst), worst, 0.0)
        best = np.where(np.isfinite(best), best, 0.0)
        bump = np.abs(worst - best) + np.abs(worst) + 1.0
        finite = np.where(finite == np.inf, worst + bump, finite)
        finite = np.where(finite == -np.inf, best - bump, finite)
    mc = _moocore()
    if mc is not None:
        return np.asarray(mc.pareto_rank(finite), dtype=int)  # fronts numbered from 0
    return _pareto_rank_numpy(finite)


def _dominated_by_any(v: np.ndarray, others: np.ndarray, chunk: int = 512) -> np.ndarray:
    """For each row of ``v``: is some row of ``others`` at least as good everywhere and better somewhere."""
    out = np.zeros(len(v), dtype=bool)
    for s in range(0, len(v), chunk):
        a = v[s:s + chunk, None, :]
        le = np.all(others[None, :, :] <= a, axis=2)
        lt = np.any(others[None, :, :] < a, axis=2)
        out[s:s + chunk] = np.any(le & lt, axis=1)
    return out


def _pareto_rank_numpy(v: np.ndarray) -> np.ndarray:
    rank = np.full(len(v), -1)
    left = np.arange(len(v))
    r = 0
    while len(left):
        sub = v[left]
        dominated = _dominated_by_any(sub, sub)
        rank[left[~dominated]] = r
        left = left[dominated]
        r += 1
    return rank


def nondominated(values: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``values`` (every objective minimised) that no other row dominates;
    equal rows are all kept.

    >>> nondominated(np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 1.0], [3.0, 3.0]])).tolist()
    [True, True, True, False]
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return np.zeros(0, dtype=bool)
    mc = _moocore()
    if mc is not None and np.isfinite(v).all():
        return np.asarray(mc.is_nondominated(v, keep_weakly=True), dtype=bool)
    return pareto_rank(v) == 0


def hypervolume_of(points: np.ndarray, reference_point: np.ndarray) -> float:
    """Hypervolume dominated by ``points`` (every objective minimised) and bounded by
    ``reference_point``; points not strictly better than it in every objective add nothing.

    >>> hypervolume_of(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
    3.0
    """
    p = np.asarray(points, dtype=float).reshape(-1, len(reference_point))
    ref = np.asarray(reference_point, dtype=float)
    p = p[np.all(p < ref, axis=1)]
    if len(p) == 0:
        return 0.0
    mc = _moocore()
    if mc is not None:
        return float(mc.hypervolume(p, ref=ref))
    return _hypervolume_numpy(p[nondominated(p)], ref)  # pragma: no cover - without moocore


def _hypervolume_numpy(p: np.ndarray, ref: np.ndarray) -> float:
    """Exact hypervolume by slicing along the last objective (fine for the small fronts of HPO)."""
    if p.shape[1] == 1:
        return float(ref[0] - p[:, 0].min())
    if p.shape[1] == 2:
        p = p[np.argsort(p[:, 0])]
        ys = np.minimum.accumulate(p[:, 1])
        xs = np.append(p[1:, 0], ref[0])
        return float(np.sum((xs - p[:, 0]) * (ref[1] - ys)))
    order = np.argsort(p[:, -1])
    p = p[order]
    total = 0.0
    for i in range(len(p)):
        top = p[i + 1, -1] if i + 1 < len(p) else ref[-1]
        if top > p[i, -1]:
            sub = p[: i + 1, :-1]
            total += _hypervolume_numpy(sub[nondominated(sub)], ref[:-1]) * (top - p[i, -1])
    return total


def hypervolume_contributions(points: np.ndarray, reference_point: np.ndarray) -> np.ndarray:
    """Each point's exclusive hypervolume (what the set loses without it)."""
    p = np.asarray(points, dtype=float)
    ref = np.asarray(reference_point, dtype=float)
    mc = _moocore()
    if mc is not None and len(p) and np.all(p < ref):
        return np.asarray(mc.hv_contributions(p, ref=ref, ignore_dominated=True), dtype=float)
    total = hypervolume_of(p, ref)
    return np.array([total - hypervolume_of(np.delete(p, i, axis=0), ref) for i in range(len(p))])


def _reference(v: np.ndarray) -> np.ndarray:
    worst, best = v.max(axis=0), v.min(axis=0)
    span = np.where(worst > best, worst - best, np.maximum(np.abs(worst), 1.0))
    return worst + 0.1 * span  # type: ignore[no-any-return]


def select_by_hypervolume(v: np.ndarray, k: int, reference: np.ndarray) -> np.ndarray:
    """Indices of ``k`` rows of the mutually non-dominated ``v`` that keep most of its hypervolume,
    best first: the rows of least exclusive contribution are dropped, half the excess per round
    (a greedy hypervolume subset selection in O(log n) calls to moocore)."""
    keep = np.arange(len(v))
    if k <= 0:
        return keep[:0]
    while len(keep) > k:
        contrib = hypervolume_contributions(v[keep], reference)
        drop = max(1, (len(keep) - k) // 2)
        order = np.argsort(contrib, kind="stable")
        keep = np.sort(keep[order[drop:]])
    contrib = hypervolume_contributions(v[keep], reference)
    return keep[np.argsort(-contrib, kind="stable")]


def order_objectives(v: np.ndarray, n_below: int | None) -> np.ndarray:
    """Positions of the rows of ``v`` (minimise all), best first: by Pareto front, and the front that
    straddles the first ``n_below`` rows split by hypervolume subset selection (MO-TPE's good set;
    also the PED-ANOVA importance's top trials)."""
    if v.shape[1] == 1:
        return np.argsort(v[:, 0], kind="stable")
    rank = pareto_rank(v)
    # Inside a front, the sum of per-objective ranks breaks ties (a point near the middle first).
    spread = np.argsort(np.argsort(v, axis=0), axis=0).sum(axis=1)
    order = np.lexsort((spread, rank))
    if n_below is None or n_below >= len(v) or n_below <= 0:
        return order
    boundary = rank[order[n_below - 1]]
    before = int(np.sum(rank < boundary))
    front = np.flatnonzero(rank == boundary)
    if before + len(front) == n_below:
        return order  # the good set ends at a front's end: nothing to choose
    finite = np.isfinite(v).all(axis=1)
    if not finite[front].all():
        return order
    ref = _reference(v[finite])
    chosen = front[select_by_hypervolume(v[front], n_below - before, ref)]
    rest = np.setdiff1d(front, chosen, assume_unique=True)
    rest = rest[np.argsort(spread[rest], kind="stable")]
    head = order[:before]
    tail = order[before + len(front):]
    return np.concatenate([head, chosen, rest, tail])


# ---- the public functions over a study ---------------------------------------------------------
def _study_values(study: Any) -> tuple[list[FrozenTrial], np.ndarray, np.ndarray]:
    from tunewise.trial import TrialState

    if not (hasattr(study, "get_trials") and hasattr(study, "directions")):
        raise TypeError(f"expected a tunewise Study, got {study!r}")
    signs = signs_of(study.directions)
    trials = [t for t in study.get_trials(states=(TrialState.COMPLETE,)) if t.values is not None and is_feasible(t)]
    v = np.array([t.values for t in trials], dtype=float).reshape(-1, len(signs)) * signs
    return trials, v, signs


def default_reference_point(study: Any) -> list[float]:
    """The reference point :func:`hypervolume` uses when given none: the worst value of each
    objective among the study's feasible COMPLETE trials, moved 10% of the objective's range
    further (so the trials at the edge of the front count too), in the objectives' own
    directions."""
    _, v, signs = _study_values(study)
    if len(v) == 0:
        raise ValueError(f"study {study.study_name!r} has no feasible COMPLETE trial to take a reference point from")
    worst, best = v.max(axis=0), v.min(axis=0)
    span = np.where(worst > best, worst - best, np.maximum(np.abs(worst), 1.0))
    return [float(x) for x in (worst + 0.1 * span) * signs]


def _check_reference(ref: Any, signs: np.ndarray) -> np.ndarray:
    try:
        r = np.asarray(ref, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"reference_point must be a sequence of {len(signs)} numbers, got {ref!r}") from None
    if len(r) != len(signs) or not np.isfinite(r).all():
        raise ValueError(f"reference_point must be {len(signs)} finite numbers (one per objective), got {ref!r}")
    return r * signs


def hypervolume(study: Any, reference_point: Sequence[float] | None = None) -> float:
    """Hypervolume of a multi-objective study's Pareto front (its feasible COMPLETE trials).

    The volume of objective space that the front dominates, bounded by ``reference_point``
    (one value per objective, in the objectives' own units and directions: a point every useful
    trial beats). Without one, the worst value of each objective moved 10% of its range
    further (:func:`default_reference_point`), which follows the study: pass a fixed one to compare
    studies or samplers.

    >>> import tunewise as tw
    >>> study = tw.create_study(directions=["minimize", "maximize"])
    >>> for x in (1.0, 2.0):
    ...     _ = study.tell(study.ask(), [x, 2 * x])
    >>> tw.hypervolume(study, reference_point=[3.0, 0.0])
    6.0
    """
    trials, v, signs = _study_values(study)
    if len(trials) == 0:
        return 0.0
    ref = _check_reference(default_reference_point(study) if reference_point is None else reference_point, signs)
    return hypervolume_of(v, ref)


def hypervolume_history(study: Any, reference_point: Sequence[float] | None = None
                        ) -> tuple[list[int], list[float]]:
    """The hypervolume of the study's Pareto front after each feasible COMPLETE trial:
    ``(trial numbers, hypervolumes)``, in trial order (see :func:`hypervolume` for the reference
    point). The volume is recomputed only when a trial joins the front.

    >>> import tunewise as tw
    >>> study = tw.create_study(directions=["minimize", "minimize"])
    >>> for v in ([2.0, 2.0], [3.0, 3.0], [1.0, 2.5]):
    ...     _ = study.tell(study.ask(), v)
    >>> tw.hypervolume_history(study, reference_point=[4.0, 4.0])
    ([0, 1, 2], [4.0, 4.0, 5.5])
    """
    trials, v, signs = _study_values(study)
    if len(trials) == 0:
        return [], []
    ref = _check_reference(default_reference_point(study) if reference_point is None else reference_point, signs)
    out: list[float] = []
    front = np.empty((0, v.shape[1]))
    hv = 0.0
    for row in v:
        if np.all(row < ref) and not _dominated_by_any(row[None, :], front)[0] \
                and not np.any(np.all(front == row, axis=1)):
            keep = ~(np.all(row <= front, axis=1) & np.any(row < front, axis=1))
            front = np.vstack([front[keep], row])
            hv = hypervolume_of(front, ref)
        out.append(hv)
    return [t.number for t in trials], out
