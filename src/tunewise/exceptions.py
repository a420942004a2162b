"""Exceptions raised by tunewise. Every one is a subclass of :class:`TunewiseError`
except :class:`TrialPruned`, which is control flow rather than an error."""

from __future__ import annotations

__all__ = [
    "CLIUsageError",
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "MaxTrialsReached",
    "OptunaError",
    "SearchExhausted",
    "StorageError",
    "StorageInternalError",
    "StudyNotFoundError",
    "TrialNotAdmitted",
    "TrialPruned",
    "TunewiseError",
    "UpdateFinishedTrialError",
]


class TunewiseError(Exception):
    """Base class of tunewise's errors.

    >>> import tunewise as tw
    >>> try:
    ...     tw.load_study("missing", storage=tw.storage.InMemoryStorage())
    ... except tw.TunewiseError as e:   # any tunewise error; here a StudyNotFoundError
    ...     print(type(e).__name__, "-", e)
    StudyNotFoundError - no study named 'missing' in this storage
    """


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
    """The storage cannot be reached, is malformed, or has an incompatible schema.

    >>> import tempfile
    >>> import tunewise as tw
    >>> try:   # create=False: open an existing storage only
    ...     tw.storage.get_storage(f"sqlite:///{tempfile.mkdtemp()}/none.db", create=False)
    ... except tw.StorageError:
    ...     print("no storage there")
    no storage there
    """


class StudyNotFoundError(TunewiseError, KeyError):
    """No study with the given name exists in the storage.

    >>> import tunewise as tw
    >>> try:
    ...     tw.load_study("missing", storage=tw.storage.InMemoryStorage())
    ... except tw.StudyNotFoundError as e:
    ...     print(e)
    no study named 'missing' in this storage
    """

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DuplicatedStudyError(TunewiseError, ValueError):
    """A study with the given name already exists (pass ``load_if_exists=True`` to resume it).

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()
    >>> _ = tw.create_study(name="a", storage=store)
    >>> try:
    ...     tw.create_study(name="a", storage=store)
    ... except tw.DuplicatedStudyError as e:
    ...     print(e)
    a study named 'a' already exists; pass load_if_exists=True to resume it
    >>> tw.create_study(name="a", storage=store, load_if_exists=True).study_name
    'a'
    """


class SearchExhausted(TunewiseError):
    """The sampler has nothing left to propose (for example every grid point has been run).

    ``study.optimize`` stops cleanly when it sees this; ``study.ask`` raises it.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.GridSampler({"x": [1, 2]}))
    >>> study.optimize(lambda t: t.suggest_categorical("x", [1, 2]), n_trials=10)   # stops after 2
    >>> len(study.trials)
    2
    >>> try:
    ...     study.ask()
    ... except tw.SearchExhausted as e:
    ...     print(e)
    all 2 grid points have been run or claimed
    """


class MaxTrialsReached(SearchExhausted):
    """The study-wide trial budget (``max_trials``) is used up: no new trial may start.

    Raised when a trial is created (atomically with the storage's count of started trials, so
    parallel workers never overshoot); ``study.optimize`` stops cleanly when it sees this.

    >>> import tunewise as tw
    >>> study = tw.create_study(max_trials=2)
    >>> study.optimize(lambda t: 1.0, n_trials=5)   # stops after 2
    >>> len(study.trials)
    2
    >>> try:
    ...     study.ask()
    ... except tw.exceptions.MaxTrialsReached:
    ...     print("budget used up")
    budget used up
    """


class TrialNotAdmitted(TunewiseError, RuntimeError):
    """``study.ask()`` outside ``optimize()``: the study's scheduler has no work for a new trial
    now, and will have some once a running trial reports further (``PBTScheduler`` while every
    member of the population trains and no segment is queued). Nothing was started.

    A trial asked then could only wait for the running ones and end unused (PBT's ``excess``
    trial), spending a trial of the budget; in an ask-and-tell loop the running trials progress
    only when the caller trains them, so ``ask()`` does not wait: train (and tell) a running
    trial, then ask again; ``ask()`` returns the segment its arrival queued, as Optuna's
    ``ask()`` returns an enqueued trial first. ``optimize()`` workers wait instead.

    >>> import tunewise as tw
    >>> pbt = tw.schedulers.PBTScheduler(perturbation_interval=2, population_size=2, max_step=4, seed=0)
    >>> study = tw.create_study(scheduler=pbt)
    >>> members = [study.ask(), study.ask()]   # the whole population is training
    >>> try:
    ...     study.ask()
    ... except tw.exceptions.TrialNotAdmitted:
    ...     print("train a member first")
    train a member first
    """


class UpdateFinishedTrialError(TunewiseError, RuntimeError):
    """A finished trial (COMPLETE, PRUNED or FAILED) was written to: it is immutable.

    Raised by the storages when a report, parameter or attribute reaches a trial that has
    finished, e.g. a trial told by another worker or failed as stale. It is a
    :class:`RuntimeError`, so ``except RuntimeError`` keeps catching it, and Optuna's name
    (``optuna.exceptions.UpdateFinishedTrialError``) catches it too.

    >>> import tunewise as tw
    >>> study = tw.create_study(study_name="demo")
    >>> trial = study.ask()
    >>> _ = study.tell(trial, 1.0)
    >>> try:
    ...     trial.report(0.5, step=1)
    ... except tw.exceptions.UpdateFinishedTrialError as e:
    ...     print("finished:", e)
    finished: trial 0 of study 'demo' is already COMPLETE and cannot change
    """


class CLIUsageError(TunewiseError):
    """Optuna's error for a command line used wrongly. tunewise's command line reports usage
    errors through click (exit status 2 with the usage line); the name exists so that code
    written for Optuna that names it in an ``except`` clause still imports and runs."""


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
