"""The pruning rule the integrations use when the user brings no scheduler.

:class:`~tunewise.schedulers.StepPruner` lives with the other schedulers; the integrations only
report their steps (folds, epochs) and ask ``trial.should_prune()``; :func:`check_trial` is the
check every callback makes of the trial it is given.
"""

from __future__ import annotations

from typing import Any

from tunewise.schedulers import StepPruner
from tunewise.trial import Trial

__all__ = ["StepPruner", "check_trial"]


def check_trial(trial: Any) -> None:
    """TypeError unless ``trial`` is the running tunewise Trial an integration's callback reports to."""
    if not isinstance(trial, Trial):
        raise TypeError(f"trial must be a tunewise Trial, got {trial!r}")
