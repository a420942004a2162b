"""The knowledge base: what worked on earlier tasks, kept in the same storage as the studies.

It lives in one reserved study (:data:`KB_STUDY_NAME`) of any :class:`~tunewise.storage.BaseStorage`
(in-memory, SQLite, PostgreSQL) and uses only the study-attribute API, so every storage that passes
the storage conformance suite can hold one. Each task is one JSON attribute ``task:<name>``:

- ``task``, ``tags``, ``meta_features`` (see :func:`~tunewise.transfer.compute_meta_features`);
- ``space``: the source study's distributions as JSON;
- ``top``: the best configurations with their raw value and a ``score`` normalized within the
  study (0 = the study's best, 1 = its worst, whatever the direction), so tasks on different
  scales can be compared and pooled.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise.exceptions import StudyNotFoundError, TunewiseError
from tunewise.storage import BaseStorage, get_storage
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = [
    "KB_STUDY_NAME",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "TaskRecord",
    "add_to_knowledge_base",
]

#: The reserved study whose attributes hold the knowledge base.
KB_STUDY_NAME = "__tunewise_knowledge_base__"
_FORMAT_KEY = "kb:format"
_FORMAT_VERSION = 1
_TASK_PREFIX = "task:"


class KnowledgeBaseError(TunewiseError, ValueError):
    """The knowledge base is empty, missing a task, or holds data tunewise cannot read."""


@dataclass(frozen=True)
class TaskRecord:
    """One task of the knowledge base: its description, search space and best configurations.

    ``top`` lists dicts ``{"params": {...}, "value": raw objective, "score": 0 (best) .. 1 (worst)}``,
    best first.

    >>> import tunewise as tw
    >>> from tunewise.transfer import TaskRecord
    >>> record = TaskRecord("cifar", tags=("vision",), space={"lr": tw.loguniform(1e-4, 1e-1)},
    ...                     top=({"params": {"lr": 0.01}, "value": 0.1, "score": 0.0},))
    >>> TaskRecord.from_json(record.to_json()) == record   # the stored form reads back the same
    True
    """

    task: str
    tags: tuple[str, ...] = ()
    meta_features: dict[str, float] = field(default_factory=dict)
    space: dict[str, D.Distribution] = field(default_factory=dict)
    top: tuple[dict[str, Any], ...] = ()
    direction: str = "minimize"
    study: str | None = None
    n_trials: int = 0
    added: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "version": _FORMAT_VERSION,
            "task": self.task,
            "tags": list(self.tags),
            "meta_features": dict(self.meta_features),
            "space": {k: d.to_json() for k, d in self.space.items()},
            "top": [dict(t) for t in self.top],
            "direction": self.direction,
            "study": self.study,
            "n_trials": self.n_trials,
            "added": self.added,
        }

    @classmethod
    def from_json(cls, data: Any, *, key: str = "?") -> TaskRecord:
        """Parse a stored record; a malformed one raises :class:`KnowledgeBaseError` naming the task."""
        where = f"knowledge-base entry {key!r}"
        if not isinstance(data, Mapping):
            raise KnowledgeBaseError(f"{where} is corrupted: expected a JSON object, got {type(data).__name__}")
        try:
            version = data.get("version", _FORMAT_VERSION)
            if version != _FORMAT_VERSION:
                raise KnowledgeBaseError(
                    f"{where} has format version {version!r}; this tunewise reads version {_FORMAT_VERSION}: "
                    f"upgrade tunewise or re-add the task"
                )
            task = data["task"]
            if not isinstance(task, str) or not task:
                raise ValueError(f"task name {task!r}")
            meta = {str(k): float(v) for k, v in dict(data.get("meta_features") or {}).items()}
            space = {str(k): D.distribution_from_json(v) for k, v in dict(data.get("space") or {}).items()}
            top = []
            for row in data.get("top") or []:
                if not isinstance(row, Mapping) or not isinstance(row.get("params"), Mapping):
                    raise ValueError(f"top configuration {row!r}")
                score = float(row.get("score", 0.0))
                if not (0.0 <= score <= 1.0):
                    raise ValueError(f"score {score!r} outside [0, 1]")
                top.append({"params": dict(row["params"]), "value": row.get("value"), "score": score})
            direction = data.get("direction", "minimize")
            if direction not in ("minimize", "maximize"):
                raise ValueError(f"direction {direction!r}")
            return cls(
                task=task,
                tags=tuple(str(t) for t in data.get("tags") or ()),
                meta_features=meta,
                space=space,
                top=tuple(top),
                direction=direction,
                study=data.get("study"),
                n_trials=int(data.get("n_trials", 0)),
                added=float(data.get("added", 0.0)),
            )
        except KnowledgeBaseError:
            raise
        except (KeyError, TypeError, ValueError) as e:
            raise KnowledgeBaseError(
                f"{where} is corrupted ({type(e).__name__}: {e}); remove it with "
                f"`tunewise kb remove {key}` or KnowledgeBase.remove() and add the task again"
            ) from None


class KnowledgeBase:
    """The knowledge base of one storage.

    >>> import tunewise as tw
    >>> from tunewise.transfer import KnowledgeBase
    >>> kb = KnowledgeBase(tw.storage.InMemoryStorage())
    >>> kb.task_names()
    []
    """

    def __init__(self, storage: str | BaseStorage | None) -> None:
        if storage is None:
            raise ValueError(
                "storage=None would be a new, empty in-memory knowledge base; pass the storage "
                "(URL or object) that holds the knowledge base"
            )
        self.storage = get_storage(storage)

    # ---- low level -----------------------------------------------------------------------
    def _kb_study_id(self, create: bool) -> int | None:
        try:
            return self.storage.get_study_id(KB_STUDY_NAME)
        except StudyNotFoundError:
            if not create:
                return None
        from tunewise.exceptions import DuplicatedStudyError

        try:
            sid = self.storage.create_study(KB_STUDY_NAME, ["minimize"])
        except DuplicatedStudyError:  # another process created it first
            return self.storage.get_study_id(KB_STUDY_NAME)
        self.storage.set_study_attr(sid, _FORMAT_KEY, {"version": _FORMAT_VERSION})
        return sid

    def _raw(self) -> dict[str, Any]:
        sid = self._kb_study_id(create=False)
        if sid is None:
            return {}
        attrs = self.storage.get_study_attrs(sid)
        fmt = attrs.get(_FORMAT_KEY)
        if fmt is not None and (not isinstance(fmt, Mapping) or fmt.get("version") != _FORMAT_VERSION):
            raise KnowledgeBaseError(
                f"the knowledge base in this storage has format {fmt!r}; this tunewise reads version "
                f"{_FORMAT_VERSION}"
            )
        return {k[len(_TASK_PREFIX):]: v for k, v in attrs.items() if k.startswith(_TASK_PREFIX) and v is not None}

    # ---- public --------------------------------------------------------------------------
    def task_names(self) -> list[str]:
        """Names of the stored tasks, sorted."""
        return sorted(self._raw())

    def tasks(self, *, skip_corrupted: bool = False) -> list[TaskRecord]:
        """Every stored task. A corrupted entry raises :class:`KnowledgeBaseError` naming it,
        unless ``skip_corrupted`` (then it is left out with a warning)."""
        out = []
        for name, data in sorted(self._raw().items()):
            try:
                out.append(TaskRecord.from_json(data, key=name))
            except KnowledgeBaseError as e:
                if not skip_corrupted:
                    raise
                import warnings

                warnings.warn(f"skipping {e}", stacklevel=2)
        return out

    def get(self, task: str) -> TaskRecord:
        """The task named ``task`` (KnowledgeBaseError listing the known tasks if absent)."""
        raw = self._raw()
        if task not in raw:
            known = ", ".join(sorted(raw)) or "none: the knowledge base is empty"
            raise KnowledgeBaseError(f"no task {task!r} in the knowledge base; known tasks: {known}")
        return TaskRecord.from_json(raw[task], key=task)

    def put(self, record: TaskRecord) -> None:
        """Store (or replace) a task."""
        if not isinstance(record, TaskRecord):
            raise TypeError(f"record must be a TaskRecord, got {record!r}")
        sid = self._kb_study_id(create=True)
        assert sid is not None
        self.storage.set_study_attr(sid, _TASK_PREFIX + record.task, record.to_json())

    def remove(self, task: str) -> None:
        """Remove a task (the storage API has no attribute delete, so a null tombstone is written)."""
        sid = self._kb_study_id(create=False)
        if sid is None or task not in self._raw():
            raise KnowledgeBaseError(f"no task {task!r} in the knowledge base")
        self.storage.set_study_attr(sid, _TASK_PREFIX + task, None)

    def __len__(self) -> int:
        return len(self._raw())


def normalized_scores(values: Sequence[float], direction: str) -> list[float]:
    """Scores in ``[0, 1]``: 0 for the best value, 1 for the worst, linear in between.

    >>> normalized_scores([1.0, 3.0, 2.0], "minimize")
    [0.0, 1.0, 0.5]
    >>> normalized_scores([1.0, 3.0], "maximize")
    [1.0, 0.0]
    """
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi == lo:
        return [0.0 for _ in values]
    if direction == "minimize":
        return [(v - lo) / (hi - lo) for v in values]
    return [(hi - v) / (hi - lo) for v in values]


def _check_tags(tags: Iterable[str] | None) -> tuple[str, ...]:
    if tags is None:
        return ()
    if isinstance(tags, str):
        raise TypeError(f"tags must be a list of strings, got the string {tags!r} (did you mean [{tags!r}]?)")
    out = []
    for t in tags:
        if not isinstance(t, str) or not t:
            raise TypeError(f"every tag must be a non-empty string, got {t!r}")
        out.append(t)
    return tuple(dict.fromkeys(out))


def check_meta_features(meta: Mapping[str, Any] | None) -> dict[str, float]:
    """Validate user-given meta-features: a dict of names to finite numbers."""
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise TypeError(f"meta_features must be a dict of name -> number, got {meta!r}")
    out = {}
    for k, v in meta.items():
        if not isinstance(k, str):
            raise TypeError(f"meta_features keys must be strings, got {k!r}")
        if isinstance(v, bool) or not isinstance(v, (int, float)) and not hasattr(v, "__float__"):
            raise TypeError(f"meta_features[{k!r}] must be a number, got {v!r}")
        f = float(v)
        if not math.isfinite(f):
            raise ValueError(f"meta_features[{k!r}] must be finite, got {v!r}")
        out[k] = f
    return out


def add_to_knowledge_base(
    study: Study,
    task: str,
    *,
    tags: Iterable[str] | None = None,
    meta_features: Mapping[str, float] | None = None,
    X: Any = None,
    y: Any = None,
    top_k: int = 10,
    storage: str | BaseStorage | None = None,
) -> TaskRecord:
    """Record what worked in ``study`` as task ``task`` in the knowledge base (replacing it if present).

    Meta-features come from ``meta_features`` and/or are computed from ``X``, ``y``
    (:func:`~tunewise.transfer.compute_meta_features`; given ones win). The ``top_k`` best COMPLETE
    trials are kept, scored 0 (the study's best) .. 1 (its worst). ``storage`` defaults to the
    study's own storage.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=20)
    >>> rec = tw.transfer.add_to_knowledge_base(study, task="parabola", tags=["toy"], top_k=3)
    >>> [round(c["score"], 2) for c in rec.top][0]
    0.0
    """
    from tunewise.study import Study

    if not isinstance(study, Study):
        raise TypeError(f"study must be a tunewise Study, got {study!r}")
    if not isinstance(task, str) or not task.strip():
        raise ValueError(f"task must be a non-empty name, got {task!r}")
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ValueError(f"top_k must be an integer >= 1, got {top_k!r}")
    if len(study.directions) != 1:
        raise ValueError(
            f"study {study.study_name!r} has {len(study.directions)} objectives; the knowledge base keeps "
            f"single-objective studies (scores are normalized along one objective)"
        )
    tag_tuple = _check_tags(tags)
    meta: dict[str, float] = {}
    if X is not None or y is not None:
        if X is None:
            raise ValueError("y was given without X: pass both X and y (or meta_features=...)")
        from tunewise.transfer._meta import compute_meta_features

        meta.update(compute_meta_features(X, y))
    meta.update(check_meta_features(meta_features))

    complete = [t for t in study.get_trials(states=(TrialState.COMPLETE,)) if t.values]
    if not complete:
        raise ValueError(f"study {study.study_name!r} has no COMPLETE trial: nothing to add to the knowledge base")
    direction = study.directions[0]
    scores = normalized_scores([t.values[0] for t in complete], direction)  # type: ignore[index]
    order = sorted(range(len(complete)), key=lambda i: (scores[i], complete[i].number))
    top = []
    seen: set[str] = set()
    import json

    for i in order:
        key = json.dumps(complete[i].params, sort_keys=True, default=str)
        if key in seen:
            continue
        seen.add(key)
        top.append({"params": dict(complete[i].params), "value": complete[i].values[0], "score": scores[i]})  # type: ignore[index]
        if len(top) >= top_k:
            break
    record = TaskRecord(
        task=task,
        tags=tag_tuple,
        meta_features=meta,
        space=dict(study.distributions),
        top=tuple(top),
        direction=direction,
        study=study.study_name,
        n_trials=len(complete),
        added=time.time(),
    )
    KnowledgeBase(storage if storage is not None else study.storage).put(record)
    return record
