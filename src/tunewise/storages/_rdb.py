"""Optuna's ``RDBStorage``: tunewise's SQL storage, opened with Optuna's arguments."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from tunewise.storage import SQLStorage, _heartbeat
from tunewise.storages._retry import RetryHeartbeatStaleTrialCallback

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

__all__ = ["RDBStorage"]

StaleTrialCallback = Callable[["Study", "FrozenTrial"], None]

# Optuna's RetryHeartbeatStaleTrialCallback(max_retry=None) retries without end.
_UNLIMITED_RETRIES = 2**31 - 1


class RDBStorage(SQLStorage):
    """Optuna's ``RDBStorage(url, ...)``: a tunewise :class:`~tunewise.storage.SQLStorage` on the
    same URL (SQLite, or PostgreSQL for several machines; MySQL is not supported).

    Optuna's heartbeat options map onto tunewise's (``create_study(heartbeat_interval=...,
    grace_period=..., max_retries=...)``) and are stored with each study created or loaded
    through this object, so every worker follows them:

    - ``heartbeat_interval``: seconds between a running trial's heartbeats;
    - ``grace_period``: a running trial silent this long is failed as stale (Optuna's default,
      twice the interval);
    - ``heartbeat_stale_trial_callback`` (or its older name ``failed_trial_callback``):
      ``RetryFailedTrialCallback(max_retry=n)`` re-enqueues a stale trial with its parameters up
      to ``n`` times (``None``: without end); any other function is called as
      ``callback(study, failed_trial)`` and nothing is retried. Such a function runs where this
      object is (the process that made it, in which the study notices the stale trial); worker
      processes of ``optimize(n_jobs=...)`` reopen the storage by its URL, without it. With no
      callback a stale trial is failed, not retried, as in Optuna.

    Given none of them, tunewise's own policy applies: heartbeats every 10 s and one retry
    (Optuna has no heartbeats then). ``engine_kwargs`` go to SQLAlchemy's ``create_engine``;
    ``skip_compatibility_check`` and ``skip_table_creation`` are accepted and ignored: tunewise
    always checks its schema and creates its tables when they are missing. A database written
    by Optuna itself is refused unchanged, with the command that imports it
    (:func:`tunewise.import_optuna`). ``"sqlite:///:memory:"`` (in Optuna's FAQ) is a database
    private to this object: a file in a temporary directory, removed when the object is collected
    or the process exits.

    >>> import os, tempfile
    >>> import tunewise as tw
    >>> from tunewise.storages import RDBStorage, RetryFailedTrialCallback
    >>> url = f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'rdb.db')}"
    >>> storage = RDBStorage(url, heartbeat_interval=60, grace_period=120,
    ...                      failed_trial_callback=RetryFailedTrialCallback(max_retry=3))
    >>> storage.heartbeat_policy  # stored with every study created or loaded through it
    {'interval': 60.0, 'grace': 120.0, 'max_retries': 3}
    >>> study = tw.create_study(study_name="rdb", storage=storage)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> len(tw.load_study(study_name="rdb", storage=url).trials)
    3
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: Mapping[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: float | None = None,
        grace_period: float | None = None,
        heartbeat_stale_trial_callback: StaleTrialCallback | None = None,
        failed_trial_callback: StaleTrialCallback | None = None,
        skip_table_creation: bool = False,
    ) -> None:
        if engine_kwargs is not None and not isinstance(engine_kwargs, Mapping):
            raise TypeError(f"engine_kwargs must be a dict of sqlalchemy.create_engine arguments, got "
                            f"{engine_kwargs!r}")
        for name, flag in (("skip_compatibility_check", skip_compatibility_check),
                           ("skip_table_creation", skip_table_creation)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        if heartbeat_stale_trial_callback is not None and failed_trial_callback is not None:
            raise ValueError("pass heartbeat_stale_trial_callback= or failed_trial_callback= (its older name), "
                             "not both")
        callback = heartbeat_stale_trial_callback if heartbeat_stale_trial_callback is not None \
            else failed_trial_callback
        if callback is not None and not callable(callback):
            raise TypeError(f"heartbeat_stale_trial_callback must be a function (study, frozen_trial) -> None or "
                            f"RetryFailedTrialCallback(max_retry=...), got {callback!r}")
        for name, seconds in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                        or not 0 < seconds < float("inf")):
                raise ValueError(f"{name} must be a positive number of seconds or None, got {seconds!r}")
        self.heartbeat_policy = _policy(heartbeat_interval, grace_period, callback)
        # Called with each trial failed as stale; a retry callback is tunewise's own retry instead.
        self.stale_trial_callback = None if isinstance(callback, RetryHeartbeatStaleTrialCallback) else callback
        self.engine_kwargs = dict(engine_kwargs or {})
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.heartbeat_stale_trial_callback = self.failed_trial_callback = callback
        # "sqlite:///:memory:" (Optuna's FAQ): SQLStorage keeps it in a private file.
        super().__init__(url, engine_kwargs=self.engine_kwargs)

    def get_heartbeat_interval(self) -> float | None:
        """The heartbeat interval given (seconds), or None (tunewise's default policy applies)."""
        return self.heartbeat_interval

    def get_heartbeat_stale_trial_callback(self) -> StaleTrialCallback | None:
        return self.heartbeat_stale_trial_callback

    get_failed_trial_callback = get_heartbeat_stale_trial_callback

    def __repr__(self) -> str:
        return f"RDBStorage({self._masked!r})"


def _policy(interval: float | None, grace: float | None, callback: StaleTrialCallback | None) -> dict[str, Any] | None:
    """tunewise's heartbeat policy (see ``tunewise.storage._heartbeat``) for Optuna's options."""
    if interval is None and grace is None and callback is None:
        return None
    if isinstance(callback, RetryHeartbeatStaleTrialCallback):
        retries = _UNLIMITED_RETRIES if callback.max_retry is None else callback.max_retry
    else:
        retries = 0  # Optuna retries a stale trial only through its retry callback
    if grace is None and interval is not None:
        grace = 2.0 * interval  # Optuna's default grace period
    return _heartbeat.check_policy(interval, grace, retries)
