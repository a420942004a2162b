"""Transfer learning across tasks: a knowledge base of what worked, and warm starts from it.

Record a finished study, then start a new one from the most similar earlier tasks:

>>> import tunewise as tw
>>> storage = tw.storage.InMemoryStorage()
>>> old = tw.create_study(storage=storage, sampler=tw.samplers.RandomSampler(seed=0))
>>> old.optimize(lambda t: (t.suggest_float("lr", 1e-4, 1, log=True) - 0.01) ** 2, n_trials=20)
>>> _ = tw.transfer.add_to_knowledge_base(old, task="svm-digits", tags=["svm"], meta_features={"n_rows": 1797})
>>> new = tw.create_study(storage=storage, warm_start=tw.transfer.FromSimilarTasks(
...     top_k=3, tags=["svm"], meta_features={"n_rows": 1500}))
>>> [t.task for t in tw.transfer.KnowledgeBase(storage).tasks()]
['svm-digits']

The knowledge base lives in the same storage as the studies (in-memory, SQLite, PostgreSQL), in
one reserved study named ``__tunewise_knowledge_base__``.
"""

from tunewise.samplers import WarmStartSampler  # a sampler (samplers/_warm_start.py), kept here too
from tunewise.transfer._mapping import map_config
from tunewise.transfer._meta import compute_meta_features
from tunewise.transfer._similarity import RankedTask, rank_tasks
from tunewise.transfer._store import (
    KB_STUDY_NAME,
    KnowledgeBase,
    KnowledgeBaseError,
    TaskRecord,
    add_to_knowledge_base,
)
from tunewise.transfer._warm_start import FromSimilarTasks, KnowledgeBaseWarning

__all__ = [
    "KB_STUDY_NAME",
    "FromSimilarTasks",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeBaseWarning",
    "RankedTask",
    "TaskRecord",
    "WarmStartSampler",
    "add_to_knowledge_base",
    "compute_meta_features",
    "map_config",
    "rank_tasks",
]
