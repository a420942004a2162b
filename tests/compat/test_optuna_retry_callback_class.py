"""``RetryFailedTrialCallback`` is Optuna's deprecated subclass of ``RetryHeartbeatStaleTrialCallback``
(Optuna 5.1, ``optuna/storages/_callbacks.py``); tunewise had it as an alias, so the callback an
``RDBStorage`` hands back (``get_failed_trial_callback()``) was named ``RetryHeartbeatStaleTrialCallback``
where Optuna's is ``RetryFailedTrialCallback`` (s31 third-party batch 11 probe)."""

from __future__ import annotations

from pathlib import Path

import tunewise as optuna
from tunewise.storages import RetryFailedTrialCallback, RetryHeartbeatStaleTrialCallback


def test_retry_failed_trial_callback_is_a_subclass_named_as_in_optuna(tmp_path: Path) -> None:
    callback = RetryFailedTrialCallback(max_retry=2)
    assert type(callback).__name__ == "RetryFailedTrialCallback"
    assert RetryFailedTrialCallback is not RetryHeartbeatStaleTrialCallback
    assert isinstance(callback, RetryHeartbeatStaleTrialCallback)
    storage = optuna.storages.RDBStorage(url=f"sqlite:///{tmp_path / 'hb.db'}", heartbeat_interval=60,
                                         grace_period=120, failed_trial_callback=callback)
    assert type(storage.get_failed_trial_callback()).__name__ == "RetryFailedTrialCallback"
    # Still tunewise's own retry of stale trials, up to max_retry, not a plain function callback.
    assert storage.heartbeat_policy == {"interval": 60.0, "grace": 120.0, "max_retries": 2}
    assert storage.stale_trial_callback is None


def test_retry_failed_trial_callback_enqueues_a_retry_called_directly() -> None:
    study = optuna.create_study()
    failed = study.tell(study.ask(), state=optuna.trial.TrialState.FAIL)
    RetryFailedTrialCallback(max_retry=1)(study, failed)
    retry = study.trials[-1]
    assert retry.state == optuna.trial.TrialState.WAITING
    assert RetryFailedTrialCallback.retried_trial_number(retry) == 0
    assert RetryHeartbeatStaleTrialCallback.retry_history(retry) == [0]
