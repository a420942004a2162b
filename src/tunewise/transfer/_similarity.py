"""Which earlier tasks resemble a new one: meta-feature distance and tag overlap.

The default similarity is the approach of Feurer et al. (2015), "Initializing Bayesian
Hyperparameter Optimization via Meta-Learning": rank earlier data sets by a distance between
normalized meta-feature vectors and start from the best configurations of the nearest. Here the
features are min-max normalized over the knowledge base and the query (counts in log scale; a
known feature's range is at least its natural one), the
distance is a root-mean-square over the features both tasks have, and tags add a Jaccard overlap,
so tasks described only by tags ("xgboost", "tabular") can be ranked too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tunewise.transfer._mapping import spaces_overlap
from tunewise.transfer._store import TaskRecord

__all__ = ["RankedTask", "rank_tasks", "tag_similarity"]

# Counts span orders of magnitude: compare them in log scale.
_LOG_FEATURES = frozenset({"n_rows", "n_features", "n_classes"})
# The smallest range a known feature is normalized by, so that with few tasks in the knowledge base
# a small difference (150 vs 178 rows) is not stretched to the whole [0, 1]: three decades for
# counts, the natural [0, 1] range for shares and landmarker scores.
_MIN_RANGE = {
    "n_rows": math.log(1000.0), "n_features": math.log(1000.0), "n_classes": math.log(100.0),
    "categorical_share": 1.0, "missing_share": 1.0, "class_imbalance": 1.0, "class_entropy": 1.0,
    "landmark_stump": 1.0, "landmark_1nn": 1.0,
}

SimilarityFunc = Callable[[TaskRecord, TaskRecord], float]


@dataclass(frozen=True)
class RankedTask:
    """A knowledge-base task with its similarity to the query (higher = more similar) and name overlap.

    :func:`rank_tasks` returns them, most similar first (its example shows them in use).
    """

    record: TaskRecord
    similarity: float
    space_overlap: float


def tag_similarity(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Jaccard overlap of two tag sets; None when either has no tags."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return None
    return len(sa & sb) / len(sa | sb)


def _transform(name: str, v: float) -> float:
    return math.log1p(max(v, 0.0)) if name in _LOG_FEATURES else v


def _meta_similarities(query: dict[str, float], records: Sequence[TaskRecord]) -> list[float | None]:
    """1 - normalized RMS distance to each record (None when no meta-feature is shared)."""
    names = set(query)
    ranges: dict[str, tuple[float, float]] = {}
    for name in names:
        vals = [_transform(name, query[name])]
        vals += [_transform(name, r.meta_features[name]) for r in records if name in r.meta_features]
        lo, hi = min(vals), max(vals)
        ranges[name] = (lo, max(hi, lo + _MIN_RANGE.get(name, 0.0)))
    out: list[float | None] = []
    for r in records:
        shared = [n for n in names if n in r.meta_features]
        if not shared:
            out.append(None)
            continue
        sq = 0.0
        for n in shared:
            lo, hi = ranges[n]
            if hi > lo:
                sq += ((_transform(n, query[n]) - _transform(n, r.meta_features[n])) / (hi - lo)) ** 2
        out.append(1.0 - math.sqrt(sq / len(shared)))
    return out


def rank_tasks(
    query: TaskRecord,
    records: Sequence[TaskRecord],
    *,
    similarity: SimilarityFunc | None = None,
    tag_weight: float = 0.5,
) -> list[RankedTask]:
    """Records that share at least one parameter name with the query's space, most similar first.

    With the query's space unknown (empty), every record is a candidate. ``similarity(query,
    record) -> float`` replaces the default (higher = more similar). The default is the mean of
    the meta-feature similarity and the tag Jaccard overlap weighted ``1 - tag_weight`` : ``tag_weight``
    (whichever of the two both tasks have); 0.5 when neither. Ties go to the larger name overlap.

    >>> import tunewise as tw
    >>> from tunewise.transfer import TaskRecord, rank_tasks
    >>> lr = tw.loguniform(1e-4, 1e-1)
    >>> best = ({"params": {"lr": 0.01}, "value": 0.1, "score": 0.0},)
    >>> cifar = TaskRecord("cifar", tags=("vision",), space={"lr": lr}, top=best)
    >>> imdb = TaskRecord("imdb", tags=("text",), space={"lr": lr}, top=best)
    >>> trees = TaskRecord("trees", tags=("vision",), space={"depth": tw.randint(1, 6)},
    ...                    top=({"params": {"depth": 2}, "value": 0.1, "score": 0.0},))
    >>> query = TaskRecord("new", tags=("vision",), space={"lr": tw.loguniform(1e-5, 1e-1)})
    >>> [(r.record.task, r.similarity) for r in rank_tasks(query, [imdb, trees, cifar])]   # trees shares no name
    [('cifar', 1.0), ('imdb', 0.0)]
    """
    if not 0.0 <= tag_weight <= 1.0:
        raise ValueError(f"tag_weight must be in [0, 1], got {tag_weight!r}")
    candidates = []
    for r in records:
        overlap = spaces_overlap(query.space, r.space) if query.space else 1.0
        if query.space and overlap == 0.0:
            continue  # nothing could be carried over
        if not r.top:
            continue
        candidates.append((r, overlap))
    if similarity is not None:
        if not callable(similarity):
            raise TypeError(f"similarity must be a function (task_a, task_b) -> float, got {similarity!r}")
        sims = []
        for r, _ in candidates:
            s = similarity(query, r)
            try:
                s = float(s)
            except (TypeError, ValueError):
                raise TypeError(
                    f"similarity({query.task!r}, {r.task!r}) returned {s!r}; it must return a number "
                    f"(higher = more similar)"
                ) from None
            if math.isnan(s):
                raise ValueError(f"similarity({query.task!r}, {r.task!r}) returned NaN")
            sims.append(s)
    else:
        metas = _meta_similarities(query.meta_features, [r for r, _ in candidates])
        sims = []
        for (r, _), m in zip(candidates, metas, strict=True):
            t = tag_similarity(query.tags, r.tags)
            if m is not None and t is not None:
                sims.append((1.0 - tag_weight) * m + tag_weight * t)
            elif m is not None:
                sims.append(m)
            elif t is not None:
                sims.append(t)
            else:
                sims.append(0.5)
    ranked = [RankedTask(r, s, o) for (r, o), s in zip(candidates, sims, strict=True)]
    ranked.sort(key=lambda x: (-x.similarity, -x.space_overlap, x.record.task))
    return ranked
