"""Schedulers (pruners): stop, pause or promote trials from their intermediate reports.

Pass one as ``create_study(scheduler=...)`` (or ``pruner=...``); an objective asks
``trial.should_prune()`` after each ``trial.report(value, step)``.

- :class:`MedianScheduler`, :class:`PercentileScheduler`: stop trials worse than the others at the same step.
- :class:`PatienceScheduler`: stop trials that stopped improving.
- :class:`ASHAScheduler`, :class:`HyperbandScheduler`: successive halving over resources (epochs).
- :class:`PBTScheduler`: population-based training with checkpoints.
"""

from tunewise.schedulers._asha import ASHAScheduler, HyperbandScheduler
from tunewise.schedulers._base import Scheduler
from tunewise.schedulers._median import MedianScheduler, PercentileScheduler
from tunewise.schedulers._patience import PatienceScheduler
from tunewise.schedulers._pbt import PBTScheduler, lineage

__all__ = [
    "ASHAScheduler",
    "HyperbandScheduler",
    "MedianScheduler",
    "PBTScheduler",
    "PatienceScheduler",
    "PercentileScheduler",
    "Scheduler",
    "lineage",
]
