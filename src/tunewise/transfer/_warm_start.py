"""``FromSimilarTasks``: start a new study from what worked on the most similar earlier tasks."""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise.samplers import WarmStartSampler
from tunewise.transfer._mapping import map_config
from tunewise.transfer._sampler import TRANSFER_ATTR, config_claim_key
from tunewise.transfer._similarity import RankedTask, SimilarityFunc, rank_tasks
from tunewise.transfer._store import (
    KnowledgeBase,
    KnowledgeBaseError,
    TaskRecord,
    _check_tags,
    check_meta_features,
)

if TYPE_CHECKING:
    from tunewise.storage import BaseStorage
    from tunewise.study import Study

__all__ = ["FromSimilarTasks", "KnowledgeBaseWarning"]


class KnowledgeBaseWarning(UserWarning):
    """The knowledge base could not help (empty, corrupted entries, nothing similar): a cold start."""


class FromSimilarTasks:
    """Warm start: pass as ``tw.create_study(..., warm_start=FromSimilarTasks(...))``.

    Finds the ``n_tasks`` knowledge-base tasks most similar to the new one (meta-feature distance
    and tag overlap, or your ``similarity(task_a, task_b) -> float``; only tasks sharing parameter
    names with the new space), then

    1. runs their best configurations first (``top_k`` in all, taken in turn from each task, best
       first; mapped by parameter name, clipped into the new ranges, skipped if a categorical value
       is not a new choice; after the first ``n_unconditional``, only while they rank well), and
    2. wraps the study's sampler in a :class:`WarmStartSampler` whose prior over those tasks' top
       configurations fades as ``n0 / (n0 + n)`` with the study's own COMPLETE trials ``n``, and
    3. judges each source task by how its trials rank among the new study's own (a pairwise
       ranking loss, as RGPE / TST-R weigh source models): a trusted source keeps its weight and
       lets the base sampler skip most of its random start-up; a misleading one is dropped, its
       trials hidden from the base sampler, so a bad knowledge base costs the trials it used and
       no more.

    The new space may be unknown (define-by-run objectives): then the configurations are served by
    the sampler and clipped into each distribution when it is first suggested. With ``space=`` (a
    dict of distributions), or when the study already knows its space, the first
    ``n_unconditional`` are enqueued as WAITING trials at once.

    Args:
        top_k: configurations to run first (0: none, only the prior).
        meta_features: the new task's meta-features (name -> number); or ``X``, ``y`` to compute them.
        tags: the new task's tags (model family, domain, ...).
        similarity: ``(task_a, task_b) -> float``, higher = more similar; ``task_a`` is the new task.
        storage: where the knowledge base is (URL or storage); default: the study's own storage.
        n_tasks: how many similar tasks to draw from.
        n_unconditional: how many of the ``top_k`` configurations run first whatever happens; the
            others run only once their source task is trusted (its trials beat three quarters of
            the new study's own), so a misleading knowledge base wastes few trials.
        n0: the prior's strength in pseudo-observations (0 disables the prior).
        max_probability: cap on the chance that a trial is drawn from the prior.
        shorten_startup: while a source ranks well in the new study, let a base sampler with a
            random start-up (TPE, GP, auto) use its model after 2 trials of the study's own
            instead of its usual 10 or so (see :class:`WarmStartSampler`).
        local_fraction: while a source ranks well, the share of the study's own trials spent on
            local steps around the best trial so far (random steps shaped like the sources' good
            configurations, whose size adapts by success, and steps to the minimum of a quadratic
            fitted to the best trials), alternating with the base sampler; 0 disables.
        min_own: trials of the study's own needed before a source task is judged.
        min_similarity: ignore tasks less similar than this.
        exclude: task names never to use (e.g. the task being tuned).
        strict: raise :class:`KnowledgeBaseError` instead of warning when the knowledge base is
            empty, has corrupted entries or holds nothing similar.
        seed: seed of the prior's random stream.

    >>> import tunewise as tw
    >>> storage = tw.storage.InMemoryStorage()
    >>> old = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
    >>> old.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=30)
    >>> _ = tw.transfer.add_to_knowledge_base(old, task="old", tags=["toy"])
    >>> new = tw.create_study(storage=storage, warm_start=tw.transfer.FromSimilarTasks(top_k=3, tags=["toy"]))
    >>> new.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1.2) ** 2, n_trials=3)
    >>> new.best_value < 0.5
    True
    """

    def __init__(
        self,
        top_k: int = 5,
        meta_features: Mapping[str, float] | None = None,
        *,
        X: Any = None,
        y: Any = None,
        tags: Iterable[str] | None = None,
        similarity: SimilarityFunc | None = None,
        storage: str | BaseStorage | None = None,
        space: Mapping[str, D.Distribution] | None = None,
        n_tasks: int = 3,
        n_unconditional: int = 2,
        n0: float = 5.0,
        max_probability: float = 0.5,
        shorten_startup: bool = True,
        local_fraction: float = 0.75,
        min_own: int = 2,
        min_similarity: float = -math.inf,
        exclude: Iterable[str] = (),
        strict: bool = False,
        seed: int | None = None,
    ) -> None:
        for name, value, low in (("top_k", top_k, 0), ("n_tasks", n_tasks, 1), ("n_unconditional", n_unconditional, 0),
                                 ("min_own", min_own, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if similarity is not None and not callable(similarity):
            raise TypeError(f"similarity must be a function (task_a, task_b) -> float, got {similarity!r}")
        if isinstance(n0, bool) or not isinstance(n0, (int, float)) or not n0 >= 0:
            raise ValueError(f"n0 must be a number >= 0 (0 disables the prior), got {n0!r}")
        if space is not None:
            if not isinstance(space, Mapping):
                raise TypeError(f"space must be a dict of parameter name -> distribution, got {space!r}")
            for k, d in space.items():
                if not isinstance(d, (D.Float, D.Int, D.Categorical)):
                    raise TypeError(f"space[{k!r}] must be a Float, Int or Categorical distribution, got {d!r}")
        meta = check_meta_features(meta_features)
        if X is not None or y is not None:
            if X is None:
                raise ValueError("y was given without X: pass both X and y (or meta_features=...)")
            from tunewise.transfer._meta import compute_meta_features

            meta = {**compute_meta_features(X, y), **meta}
        if isinstance(exclude, str):
            exclude = [exclude]
        self.top_k = top_k
        self.meta_features = meta
        self.tags = _check_tags(tags)
        self.similarity = similarity
        self.storage = storage
        self.space = dict(space) if space is not None else None
        self.n_tasks = n_tasks
        self.n_unconditional = n_unconditional
        self.n0 = float(n0)
        if not 0.0 <= max_probability <= 1.0:
            raise ValueError(f"max_probability must be in [0, 1], got {max_probability!r}")
        self.max_probability = float(max_probability)
        self.shorten_startup = bool(shorten_startup)
        if isinstance(local_fraction, bool) or not isinstance(local_fraction, (int, float)) \
                or not 0.0 <= local_fraction <= 1.0:
            raise ValueError(f"local_fraction must be a number in [0, 1] (0 disables local refinement), "
                             f"got {local_fraction!r}")
        self.local_fraction = float(local_fraction)
        self.min_own = min_own
        self.min_similarity = float(min_similarity)
        self.exclude = frozenset(exclude)
        self.strict = bool(strict)
        self.seed = seed
        #: What the last :meth:`apply` chose: the similar tasks and the configurations run first.
        self.chosen: list[RankedTask] = []
        self.initial_configs: list[dict[str, Any]] = []

    # ---- selection ---------------------------------------------------------------------------
    def _complain(self, message: str) -> None:
        if self.strict:
            raise KnowledgeBaseError(message)
        warnings.warn(KnowledgeBaseWarning(message), stacklevel=4)

    def select(self, kb: KnowledgeBase, space: Mapping[str, D.Distribution] | None = None,
               exclude: Iterable[str] = ()) -> list[RankedTask]:
        """The similar tasks this warm start would use (most similar first)."""
        try:
            records = kb.tasks(skip_corrupted=not self.strict)
        except KnowledgeBaseError as e:
            if self.strict:
                raise
            self._complain(f"{e}; starting cold")
            return []
        if not records:
            self._complain(
                "the knowledge base is empty: no earlier task to warm-start from, starting cold "
                "(add finished studies with tw.transfer.add_to_knowledge_base or `tunewise kb add`)"
            )
            return []
        skip = self.exclude | frozenset(exclude)
        records = [r for r in records if r.task not in skip and (r.study is None or r.study not in skip)]
        query = TaskRecord(task="<new task>", tags=self.tags, meta_features=self.meta_features,
                           space=dict(space or {}))
        ranked = [r for r in rank_tasks(query, records, similarity=self.similarity)
                  if r.similarity >= self.min_similarity][: self.n_tasks]
        if not ranked:
            names = ", ".join(sorted(r.task for r in records)) or "none"
            self._complain(
                f"no knowledge-base task shares a parameter with the new space {sorted(space or {})} "
                f"(with similarity >= {self.min_similarity}); tasks: {names}; starting cold"
            )
        return ranked

    def configurations(self, ranked: list[RankedTask],
                       space: Mapping[str, D.Distribution] | None) -> list[tuple[dict[str, Any], str]]:
        """The top configurations to run first, in turn from each task (best first), mapped into ``space``."""
        out: list[tuple[dict[str, Any], str]] = []
        seen: set[str] = set()
        depth = max((len(r.record.top) for r in ranked), default=0)
        for i in range(depth):
            for r in ranked:
                if len(out) >= self.top_k:
                    return out
                if i >= len(r.record.top):
                    continue
                params = r.record.top[i]["params"]
                mapped = map_config(params, space) if space else map_config(params, r.record.space) or dict(params)
                if mapped is None:
                    continue
                key = json.dumps(mapped, sort_keys=True, default=str)
                if key not in seen:
                    seen.add(key)
                    out.append((mapped, r.record.task))
        return out

    # ---- the hook create_study calls ---------------------------------------------------------
    def apply(self, study: Study) -> None:
        """Queue the similar tasks' best configurations and wrap ``study.sampler`` (called by ``create_study``)."""
        storage = study.storage
        kb = KnowledgeBase(self.storage if self.storage is not None else storage)
        space = self.space or dict(study.distributions) or None
        ranked = self.select(kb, space, exclude=[study.study_name])
        self.chosen = ranked
        if not ranked:
            return
        configs = self.configurations(ranked, space)
        self.initial_configs = [c for c, _ in configs]
        # Setting the study up, before any trial: claims and queued trials go straight to its storage.
        study_id = storage.get_study_id(study.study_name)
        first_time = storage.try_claim(study_id, "transfer:warm_start")
        n_unconditional = self.n_unconditional
        if space:
            # The space is known: the first configurations become WAITING trials now ...
            for rank, (cfg, task) in enumerate(configs[:n_unconditional]):
                # Once, even on reload; the claim and its trial in one storage step: a worker
                # killed in between would leave the configuration claimed and never queued.
                storage.claim_and_enqueue(study_id, config_claim_key(cfg),
                                          [(cfg, {TRANSFER_ATTR: {"kind": "config", "task": task, "rank": rank}})])
            served = configs[n_unconditional:]
            n_unconditional = 0
        else:
            served = configs  # space unknown: clipped when first suggested
        # ... and the rest are served by the sampler (each claimed once) while their source keeps ranking well.
        prior, weights, sources = [], [], []
        for r in ranked:
            for rank, row in enumerate(r.record.top):
                prior.append(dict(row["params"]))
                sources.append(r.record.task)
                # The best configurations of the most similar tasks weigh most. By rank, not by score:
                # one outlier in a source study squeezes all its top scores towards 0.
                weights.append(max(r.similarity, 1e-3) * 0.7**rank)
        base = study.sampler.base if isinstance(study.sampler, WarmStartSampler) else study.sampler
        study.sampler = WarmStartSampler(base, prior, weights, sources=sources, n0=self.n0,
                                         initial_configs=[c for c, _ in served],
                                         initial_sources=[t for _, t in served],
                                         n_unconditional=n_unconditional, max_probability=self.max_probability,
                                         shorten_startup=self.shorten_startup, min_own=self.min_own,
                                         local_fraction=self.local_fraction,
                                         # Seeded with the study's sampler unless told otherwise, so a
                                         # seeded study stays reproducible with a warm start.
                                         seed=self.seed if self.seed is not None else getattr(base, "seed", None))
        if first_time or "transfer:warm_start" not in study.system_attrs:  # (a kill may have left it out)
            study.set_system_attr("transfer:warm_start", {
                "tasks": [{"task": r.record.task, "similarity": r.similarity} for r in ranked],
                "configs": [{"params": c, "task": t} for c, t in configs], "n0": self.n0,
            })

    def __repr__(self) -> str:
        return (f"FromSimilarTasks(top_k={self.top_k}, tags={list(self.tags)!r}, "
                f"meta_features={sorted(self.meta_features)}, n_tasks={self.n_tasks}, n0={self.n0})")
