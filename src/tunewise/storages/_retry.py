"""Optuna's retry of heartbeat-stale trials (``RetryFailedTrialCallback``) and ``fail_stale_trials``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tunewise.storage import _heartbeat

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

__all__ = ["RetryFailedTrialCallback", "RetryHeartbeatStaleTrialCallback", "fail_stale_trials"]


class RetryHeartbeatStaleTrialCallback:
    """Retry a trial failed as stale (its worker stopped sending heartbeats) up to ``max_retry``
    times (``None``: without end), with the same parameters; Optuna's callback of that name.

    Given to :class:`~tunewise.storages.RDBStorage`, it sets the study's retry policy
    (``max_retries``): tunewise itself re-enqueues the stale trial, in whichever worker notices
    it first. Called directly, ``callback(study, failed_trial)`` enqueues the retry. Each retry
    keeps ``system_attrs["retried_from"]`` (the trial it repeats) and ``["retry_history"]``.
    ``inherit_intermediate_values=True`` is not supported: a retried trial reports from the start
    again (the failed trial keeps its reports).

    >>> import tunewise as tw
    >>> from tunewise.storages import RetryFailedTrialCallback
    >>> study = tw.create_study()
    >>> failed = study.tell(study.ask(), state=tw.TrialState.FAIL)
    >>> RetryFailedTrialCallback(max_retry=2)(study, failed)
    >>> retry = study.trials[-1]
    >>> retry.state.value, RetryFailedTrialCallback.retried_trial_number(retry)
    ('WAITING', 0)
    """

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False) -> None:
        if max_retry is not None and (isinstance(max_retry, bool) or not isinstance(max_retry, int) or max_retry < 0):
            raise ValueError(f"max_retry must be a non-negative integer or None (retry without end), got {max_retry!r}")
        if inherit_intermediate_values:
            raise ValueError("inherit_intermediate_values=True is not supported: a tunewise retry reports from the "
                             "start again (the failed trial keeps its reports; a long trial resumes from "
                             "trial.save_checkpoint()/load_checkpoint() instead)")
        self.max_retry = max_retry
        self.inherit_intermediate_values = inherit_intermediate_values

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        history = [*self.retry_history(trial), trial.number]
        if self.max_retry is not None and len(history) > self.max_retry:
            return
        from tunewise.storage._heartbeat import RETRY_ATTRS
        from tunewise.trial import TrialState, create_trial

        start = dict(trial.system_attrs.get(RETRY_ATTRS) or {})  # a scheduler's continuation, as it started
        if start:
            start[RETRY_ATTRS] = dict(start)
        attrs: dict[str, Any] = {**start, "retried_from": trial.number, "retry_attempt": len(history),
                                 "retry_history": history}
        study.add_trial(create_trial(state=TrialState.WAITING, params=trial.params,
                                     distributions=trial.distributions, user_attrs=trial.user_attrs,
                                     system_attrs=attrs))

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the first failed trial that ``trial`` retries, or None if it is no retry."""
        history = RetryHeartbeatStaleTrialCallback.retry_history(trial)
        return history[0] if history else None

    @staticmethod
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the trials ``trial`` retries, the first failed one first (empty if none)."""
        history = trial.system_attrs.get("retry_history")
        if history is not None:
            return [int(n) for n in history]
        retried_from = trial.system_attrs.get("retried_from")  # a retry from before retry_history was kept
        return [] if retried_from is None else [int(retried_from)]


class RetryFailedTrialCallback(RetryHeartbeatStaleTrialCallback):
    """Optuna's older name of :class:`RetryHeartbeatStaleTrialCallback` (deprecated there since 4.9), a
    subclass as in Optuna, so ``type(callback).__name__`` and ``isinstance`` read as they do there.

    >>> from tunewise.storages import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback
    >>> callback = RetryFailedTrialCallback(max_retry=1)
    >>> type(callback).__name__, isinstance(callback, RetryHeartbeatStaleTrialCallback)
    ('RetryFailedTrialCallback', True)
    """


def fail_stale_trials(study: Study) -> list[FrozenTrial]:
    """Fail the study's running trials whose heartbeat is older than its grace period, now, and
    retry them under its policy (tunewise also does this before each trial starts); return them.

    Nothing happens on a study without heartbeats (in memory, or ``heartbeat_interval=0``).

    >>> import tunewise as tw
    >>> tw.storages.fail_stale_trials(tw.create_study())
    []
    """
    return _heartbeat.fail_stale(study)
