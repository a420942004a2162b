"""A storage of one's own written before ``recover_stale_trials(..., alive=)`` behind
``optimize(n_jobs=k)``'s worker processes (left open in s22).

A worker process reaches the parent's storage through a proxy, whose ``recover_stale_trials``
forwarded ``alive`` (the trials the worker runs itself) as is: a storage whose method predates
``alive`` raised TypeError in the parent. The parent now gives such a storage the fallback the
process itself uses: beat for those trials, then recover without ``alive``.

tunewise's own loop does not reach this today: the proxy serves only storages that are not
persistent, and their workers run no heartbeats (so no recovery). The call is made here as that
loop would make it (``_heartbeat.recover_sparing`` in a worker with a live trial).
"""

from __future__ import annotations

import time

import tunewise as tw
from tunewise.storage import InMemoryStorage
from tunewise.storage._base import StaleOutcome
from tunewise.trial import TrialState


class StorageWrittenBeforeAlive(InMemoryStorage):
    """A storage of one's own whose recover_stale_trials has the signature of before ``alive``."""

    def recover_stale_trials(self, study_id, grace_seconds, outcome):  # type: ignore[override]
        return super().recover_stale_trials(study_id, grace_seconds, outcome)


def _objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    if trial.number != 0:
        return x  # done long before trial 0 recovers (only trial 0 is stale then)
    time.sleep(1.0)  # its start (its heartbeat: none run here) is now older than the grace period
    storage = trial.study._storage  # the worker's proxy of the parent's storage
    assert type(storage).__name__ == "_RemoteStorage"
    ended = storage.recover_stale_trials(trial.study._study_id, 0.5, lambda t: StaleOutcome(), alive={trial._trial_id})
    assert ended == [], "the worker's own live trial was recovered"
    return x


def test_a_storage_written_before_alive_works_behind_worker_processes():
    study = tw.create_study(storage=StorageWrittenBeforeAlive(), sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=2, n_jobs=2)
    trials = study.get_trials()
    assert [t.state for t in trials] == [TrialState.COMPLETE] * 2, [t.system_attrs.get("fail_reason") for t in trials]
