"""The pruning rule the integrations use when the user brings no scheduler.

:class:`~tunewise.schedulers.StepPruner` lives with the other schedulers; the integrations only
report their steps (folds, epochs) and ask ``trial.should_prune()``.
"""

from __future__ import annotations

from tunewise.schedulers._step import StepPruner

__all__ = ["StepPruner"]
