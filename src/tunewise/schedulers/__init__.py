"""Schedulers (pruners): stop, pause or promote trials from their intermediate reports.

Pass one as ``create_study(scheduler=...)`` (or ``pruner=...``); an objective asks
``trial.should_prune()`` after each ``trial.report(value, step)``.

- :class:`MedianScheduler`, :class:`PercentileScheduler`: stop trials worse than the others at the same step.
- :class:`PatienceScheduler`: stop trials that stopped improving.
- :class:`ASHAScheduler`, :class:`HyperbandScheduler`: successive halving over resources (epochs).
- :class:`PBTScheduler`: population-based training with checkpoints.
- :class:`StepPruner`: median or halving on each step's value (cross-validation folds, epochs).

A scheduler only decides: :meth:`Scheduler.on_report` reads a :class:`SchedulerContext` and
returns a :class:`Decision` (CONTINUE, STOP, PAUSE at a budget), and :meth:`Scheduler.suggest`
returns the :class:`Continuation` s to run next; the loop records, claims, hands checkpoints over
and enqueues. ``tunewise.testing.scheduler`` checks a scheduler against this contract.
"""

from tunewise.schedulers._asha import ASHAScheduler, HyperbandScheduler
from tunewise.schedulers._base import Scheduler
from tunewise.schedulers._context import SchedulerContext
from tunewise.schedulers._decision import Action, Continuation, Decision
from tunewise.schedulers._median import MedianScheduler, PercentileScheduler
from tunewise.schedulers._patience import PatienceScheduler
from tunewise.schedulers._pbt import PBTScheduler, lineage
from tunewise.schedulers._step import StepPruner

__all__ = [
    "ASHAScheduler",
    "Action",
    "Continuation",
    "Decision",
    "HyperbandScheduler",
    "MedianScheduler",
    "PBTScheduler",
    "PatienceScheduler",
    "PercentileScheduler",
    "Scheduler",
    "SchedulerContext",
    "StepPruner",
    "lineage",
]
