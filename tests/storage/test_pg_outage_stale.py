"""A PostgreSQL outage longer than the grace period (s32 faults, case 4c: the server stopped 10 s
under ``optimize(n_jobs=2)``, grace 3 s): no worker could write a heartbeat meanwhile, and a
worker that checked for stale trials once the server was back failed its sibling's live trial
("no heartbeat for 12.3 s"). The check now does not count as a trial's silence the time the
checking process itself could not reach the server (as on SQLite for a held write lock); a
silence past that still counts.

The worker's storage reaches the server directly; the checker's goes through a proxy that is
taken down (the shared server is never stopped)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.storage._backends import POSTGRES_URL, postgres_behind_proxy, unique
from tunewise.storage import SQLStorage
from tunewise.storage._base import StaleOutcome

pytestmark = pytest.mark.postgres
GRACE = 2.0


def test_the_checkers_own_outage_is_not_a_trials_silence():
    with postgres_behind_proxy() as (proxy_url, proxy):
        worker = SQLStorage(POSTGRES_URL)
        checker = SQLStorage(proxy_url, retry_seconds=30)
        sid = None
        try:
            sid = worker.create_study(unique("outage-stale"), ["minimize"])
            live = worker.start_trial(sid)
            checker.get_trials(sid)  # connected before the outage

            def check() -> list[int]:
                return [t.number for t, _ in checker.recover_stale_trials(sid, GRACE, lambda t: StaleOutcome())]

            assert worker.record_heartbeat(live.trial_id)
            proxy.down()  # the server is out of reach: the worker's beats would fail too
            reader = threading.Thread(target=checker.get_trials, args=(sid,))  # retried until the server is back
            reader.start()
            time.sleep(GRACE + 1.5)
            proxy.up()
            reader.join(30)
            assert not reader.is_alive()
            assert check() == []  # silent only while nobody could reach the server
            time.sleep(GRACE + 0.5)  # silent since the server is back: that counts
            assert check() == [live.number]
        finally:
            if sid is not None:
                worker.delete_study(sid)
            worker.close()
            checker.close()
