"""The implementation of :mod:`tunewise.importance` (whose docstring explains both methods):
fANOVA on a random forest's trees (Hutter, Hoos & Leyton-Brown, ICML 2014) and permutation
importance (Breiman 2001, section 10), over the unit-cube encoding the samplers use."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tunewise.insight._plots._data import param_distribution
from tunewise.trial import FrozenTrial, TrialState

__all__ = ["EVALUATORS", "param_importances"]

EVALUATORS = ("fanova", "permutation")


def _require_sklearn() -> Any:
    try:
        import sklearn.ensemble
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('parameter importance needs scikit-learn: pip install "tunewise[plots]"') from e
    return sklearn.ensemble


def _encode(study: Any, trials: Sequence[FrozenTrial], names: Sequence[str]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Design matrix in unit coordinates plus each column's domain [lo, hi].

    Present values live in [0, 1]; a conditional parameter's absent trials sit in
    [lo, 0) with lo = -(missing share)/(present share), so the absent region holds the same
    share of the axis' volume as of the trials.
    """
    n, d = len(trials), len(names)
    X = np.zeros((n, d))
    lo = np.zeros(d)
    hi = np.ones(d)
    for j, name in enumerate(names):
        dist = param_distribution(study, trials, name)  # the study's, else the first trial's that has it
        raw = [t.params.get(name, _ABSENT) for t in trials]
        present = np.array([r is not _ABSENT for r in raw])
        col = np.zeros(n)
        if dist is not None:
            for i, r in enumerate(raw):
                if r is not _ABSENT:
                    try:
                        col[i] = dist.to_unit(r)
                    except (ValueError, TypeError):
                        col[i] = 0.5
        else:  # no recorded distribution: rank-scale what we see
            vals = [r for r in raw if r is not _ABSENT]
            uniq = sorted({repr(v) for v in vals})
            pos = {u: (k + 0.5) / len(uniq) for k, u in enumerate(uniq)}
            for i, r in enumerate(raw):
                if r is not _ABSENT:
                    col[i] = pos[repr(r)]
        p = present.mean()
        if p < 1.0:
            lo[j] = -(1.0 - p) / p
            col[~present] = lo[j] / 2
        X[:, j] = col
    return X, lo, hi


_ABSENT = object()


def _tree_boxes(tree: Any, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The leaves of a fitted sklearn tree as boxes (lower, upper corners) and leaf values."""
    t = tree.tree_
    left, right, feat, thr = t.children_left, t.children_right, t.feature, t.threshold
    values = t.value[:, 0, 0]
    lows, highs, vals = [], [], []
    stack = [(0, lo.copy(), hi.copy())]
    while stack:
        node, blo, bhi = stack.pop()
        if left[node] == -1:
            lows.append(blo)
            highs.append(bhi)
            vals.append(values[node])
            continue
        f, s = feat[node], thr[node]
        s = min(max(s, blo[f]), bhi[f])
        lhi = bhi.copy()
        lhi[f] = s
        rlo = blo.copy()
        rlo[f] = s
        stack.append((left[node], blo, lhi))
        stack.append((right[node], rlo, bhi))
    return np.array(lows), np.array(highs), np.array(vals)


def _fanova_tree(lows: np.ndarray, highs: np.ndarray, v: np.ndarray, lo: np.ndarray, hi: np.ndarray
                 ) -> np.ndarray | None:
    """Main-effect variance fractions of one tree (Hutter et al. 2014, eqs. 1-3).

    The tree partitions the domain into boxes, so the marginal over parameter j is piecewise
    constant between j's split points: on each such interval it is the volume-weighted mean
    of the leaves overlapping it (weights: each leaf's volume over the other dimensions).
    """
    frac = (highs - lows) / (hi - lo)  # (leaves, d) share of each axis
    w = np.prod(frac, axis=1)
    mean = float(np.dot(w, v))
    total = float(np.dot(w, (v - mean) ** 2))
    if total <= 1e-300:
        return None
    d = lows.shape[1]
    out = np.zeros(d)
    for j in range(d):
        fj = frac[:, j]
        other = np.divide(w, fj, out=np.zeros_like(w), where=fj > 0)
        edges = np.unique(np.concatenate([lows[:, j], highs[:, j]]))
        if len(edges) < 3:  # the tree never splits on j: no main effect
            continue
        a = np.searchsorted(edges, lows[:, j])
        b = np.searchsorted(edges, highs[:, j])
        # Each leaf adds v * (its volume in the other dimensions) to every interval it spans:
        # a difference array does that for all leaves in O(leaves + intervals).
        diff = np.zeros(len(edges))
        np.add.at(diff, a, v * other)
        np.add.at(diff, b, -v * other)
        marginal = np.cumsum(diff)[:-1]
        width = np.diff(edges) / (hi[j] - lo[j])
        out[j] = float(np.dot(width, (marginal - mean) ** 2)) / total
    return out


def _forest(n_trees: int, n: int, seed: int, cheap: bool) -> Any:
    ensemble = _require_sklearn()
    # Leaves of at least n/256 trials keep every tree at a few hundred boxes: the
    # decomposition stays fast at 10,000+ trials and the forest does not fit noise.
    return ensemble.RandomForestRegressor(
        n_estimators=n_trees, max_features=1.0, min_samples_leaf=max(1, n // (128 if cheap else 256)),
        max_depth=None if not cheap else 16, random_state=seed, n_jobs=1, bootstrap=True,
    )


def _fanova(X: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray, seed: int, n_trees: int) -> np.ndarray:
    forest = _forest(n_trees, len(y), seed, cheap=False).fit(X, y)
    per_tree = []
    for est in forest.estimators_:
        r = _fanova_tree(*_tree_boxes(est, lo, hi), lo, hi)
        if r is not None:
            per_tree.append(r)
    if not per_tree:
        return np.zeros(X.shape[1])
    return np.asarray(np.mean(per_tree, axis=0), dtype=float)


def _permutation(X: np.ndarray, y: np.ndarray, seed: int, n_trees: int, n_repeats: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = len(y)
    if n >= 40:
        # Held-out error: on the training rows a forest has memorized the data and every
        # column looks important.
        order = rng.permutation(n)
        test, train = order[: n // 4], order[n // 4:]
    else:
        train = test = np.arange(n)
    forest = _forest(n_trees, len(train), seed, cheap=True).fit(X[train], y[train])
    Xt, yt = X[test], y[test]
    base = float(np.mean((forest.predict(Xt) - yt) ** 2))
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        losses = []
        for _ in range(n_repeats):
            Xp = Xt.copy()
            Xp[:, j] = Xp[rng.permutation(len(Xt)), j]
            losses.append(float(np.mean((forest.predict(Xp) - yt) ** 2)))
        out[j] = max(0.0, float(np.mean(losses)) - base)
    return out


def param_importances(
    study: Any,
    *,
    evaluator: str = "fanova",
    params: Sequence[str] | None = None,
    target: Callable[[FrozenTrial], float] | None = None,
    seed: int = 0,
    n_trees: int | None = None,
    max_trials: int | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Importance of each parameter for the objective, as ``{name: importance}``, largest first.

    ``evaluator`` is ``"fanova"`` (default) or ``"permutation"``; ``params`` restricts the
    parameters (default: all); ``target`` picks the value for multi-objective studies
    (``lambda t: t.values[1]``). ``seed`` makes the result reproducible. ``max_trials``
    ranks on a seeded random subset (for very large studies). With ``normalize`` the
    importances sum to 1 (unless all are zero).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1))
    >>> study.optimize(lambda t: t.suggest_float("a", 0, 1) + 0 * t.suggest_float("b", 0, 1), n_trials=40)
    >>> list(tw.importance.param_importances(study, evaluator="permutation"))
    ['a', 'b']
    """
    if evaluator not in EVALUATORS:
        raise ValueError(f"evaluator must be one of {', '.join(map(repr, EVALUATORS))}, got {evaluator!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if n_trees is not None and (isinstance(n_trees, bool) or not isinstance(n_trees, int) or n_trees < 1):
        raise ValueError(f"n_trees must be a positive integer or None, got {n_trees!r}")
    if max_trials is not None and (isinstance(max_trials, bool) or not isinstance(max_trials, int)
                                   or max_trials < 2):
        raise ValueError(f"max_trials must be an integer >= 2 or None, got {max_trials!r}")
    if not hasattr(study, "get_trials") or not hasattr(study, "directions"):
        raise TypeError(f"study must be a tunewise Study, got {study!r}")
    if target is None and len(study.directions) > 1:
        raise ValueError(
            f"study has {len(study.directions)} objectives: pass target=lambda t: t.values[i] to choose one"
        )
    trials = study.get_trials(states=(TrialState.COMPLETE,))
    get = target if target is not None else (lambda t: t.values[0] if t.values else math.nan)
    ys = np.array([float(get(t)) for t in trials], dtype=float)
    keep = np.isfinite(ys)
    trials = [t for t, k in zip(trials, keep, strict=True) if k]
    ys = ys[keep]
    if len(trials) < 2:
        raise ValueError(
            f"parameter importance needs at least 2 COMPLETE trials with a finite value, "
            f"study has {len(trials)}"
        )
    seen: dict[str, None] = {}
    for t in trials:
        for k in t.params:
            seen.setdefault(k, None)
    if params is None:
        names = sorted(seen)
    else:
        names = [params] if isinstance(params, str) else list(params)
        for p in names:
            if p not in seen:
                raise ValueError(
                    f"params names {p!r}, which no COMPLETE trial has; known: {', '.join(sorted(seen)) or '(none)'}"
                )
    if not names:
        raise ValueError("the COMPLETE trials have no parameters to rank")
    if max_trials is not None and len(trials) > max_trials:
        sel = np.sort(np.random.default_rng(seed).choice(len(trials), max_trials, replace=False))
        trials = [trials[i] for i in sel]
        ys = ys[sel]
    X, lo, hi = _encode(study, trials, names)
    if np.ptp(ys) == 0:
        scores = np.zeros(len(names))
    elif evaluator == "fanova":
        scores = _fanova(X, ys, lo, hi, int(seed), n_trees or 64)
    else:
        scores = _permutation(X, ys, int(seed), n_trees or 32, n_repeats=5)
    total = float(scores.sum())
    if normalize and total > 0:
        scores = scores / total
    # Stable order: by importance, then by name, so ties never reorder between runs.
    ranked = sorted(zip(names, scores.tolist(), strict=True), key=lambda kv: (-kv[1], kv[0]))
    return {k: float(v) for k, v in ranked}
