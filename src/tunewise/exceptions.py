"""Exceptions raised by tunewise. Every one is a subclass of :class:`TunewiseError`
except :class:`TrialPruned`, which is control flow rather than an error."""

from __future__ import annotations

__all__ = [
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "MaxTrialsReached",
    "OptunaError",
    "SearchExhausted",
    "StorageError",
    "StorageInternalError",
    "StudyNotFoundError",
    "TrialPruned",
    "TunewiseError",
]


class TunewiseError(Exception):
    """Base class of tunewise's errors."""


class TrialPruned(Exception):
    """Raise inside an objective to stop the trial early; it is recorded as PRUNED.

    >>> import tunewise as tw
    >>> def objective(trial):
    ...     trial.report(0.1, step=0)
    ...     if trial.should_prune():
    ...         raise tw.TrialPruned()
    ...     return 0.1
    """


class StorageError(TunewiseError):
    """The storage cannot be reached, is malformed, or has an incompatible schema."""


class StudyNotFoundError(TunewiseError, KeyError):
    """No study with the given name exists in the storage."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicatedStudyError(TunewiseError, ValueError):
    """A study with the given name already exists (pass ``load_if_exists=True`` to resume it)."""


class SearchExhausted(TunewiseError):
    """The sampler has nothing left to propose (for example every grid point has been run).

    ``study.optimize`` stops cleanly when it sees this; ``study.ask`` raises it."""


class MaxTrialsReached(SearchExhausted):
    """The study-wide trial budget (``max_trials``) is used up: no new trial may start.

    Raised when a trial is created (atomically with the storage's count of started trials, so
    parallel workers never overshoot); ``study.optimize`` stops cleanly when it sees this."""


# Optuna's names (``optuna.exceptions``), so a script moved with ``import tunewise as optuna`` keeps
# its ``except`` clauses and warning filters.
OptunaError = TunewiseError
StorageInternalError = StorageError


class ExperimentalWarning(Warning):
    """Optuna's warning for experimental features. tunewise emits none; it exists so that
    ``warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)`` runs.

    >>> import warnings
    >>> import tunewise as optuna
    >>> warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    """
