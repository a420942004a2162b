"""After a SQLite lock stall, a live trial is not failed as stale (left open in session 24).

A process stopped inside a write holds SQLite's write lock: no other process can write, so the
heartbeats of every other worker wait too. Once the lock was released, the first process to check
for stale trials saw those heartbeats as missed and failed live trials (s24: worker 1's trial,
"no heartbeat for 20.6 s", retried, and its result became a late result that did not count). Now
the check does not count as a trial's silence the time during which this process's own writes
waited for the lock (``LockWaits``): the other workers could not write either.

Played in one process: a raw sqlite3 connection holds the write lock; the checking process's own
heartbeat waits for it from the start of the stall, as a worker's heartbeat thread does. The trial
under check gets no heartbeat during the stall (its worker's beats wait too).
``benchmarks/history/s25/faults_sqlite_stall_stale.py`` plays it with SIGSTOP across processes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import tunewise as tw
from tests.storage._backends import unique
from tunewise.storage import SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.trial import TrialState

GRACE = 0.5
T = TypeVar("T")


def _setup(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "stall.db"
    url = f"sqlite:///{path}"
    study = tw.create_study(study_name=unique("stall"), storage=SQLStorage(url), heartbeat_interval=0)
    owner, checker_own = study.ask(), study.ask()  # another worker's trial; the checking process's own
    return path, url, study, owner, checker_own


def _stall(path, hold_s: float, check_at: float, url: str, study_id: int, checker_trial_id: int | None):  # type: ignore[no-untyped-def]
    """Hold the write lock for ``hold_s`` (from now); the checking process's own trial beats at
    once (it waits for the lock), and its stale check starts at ``check_at``. What the check ended."""
    checker = SQLStorage(url)  # another handle of the checking process
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    ended: list = []
    beat = threading.Thread(target=lambda: checker_trial_id is None or checker.record_heartbeat(checker_trial_id))
    beat.start()

    def check() -> None:
        time.sleep(max(0.0, check_at - (time.monotonic() - start)))
        ended.extend(checker.recover_stale_trials(study_id, GRACE, lambda t: StaleOutcome()))

    checking = threading.Thread(target=check)
    checking.start()
    time.sleep(max(0.0, hold_s - (time.monotonic() - start)))
    holder.execute("ROLLBACK")
    holder.close()
    beat.join()
    checking.join()
    return ended


def test_a_live_trial_whose_beats_waited_for_the_lock_is_not_failed_as_stale(tmp_path):
    path, url, study, owner, checker_own = _setup(tmp_path)
    # The lock is held 1.5 s (3 grace periods); the check starts 0.7 s in (the owner's last beat is
    # then older than the grace period) and gets the lock when the holder lets go.
    ended = _stall(path, 1.5, 0.7, url, study._study_id, checker_own._trial_id)
    assert ended == []
    states = {t.number: t.state for t in study.get_trials()}
    assert states == {owner.number: TrialState.RUNNING, checker_own.number: TrialState.RUNNING}
    assert study._storage.record_heartbeat(owner._trial_id) is True  # its worker beats on


def test_a_dead_worker_is_still_failed_once_the_grace_period_passed_after_the_stall(tmp_path):
    path, url, study, owner, checker_own = _setup(tmp_path)
    ended = _stall(path, 0.4, 0.0, url, study._study_id, checker_own._trial_id)
    assert ended == []  # nothing was stale yet
    time.sleep(GRACE + 0.3)  # more than the grace period of silence after the stall
    checker = SQLStorage(url)
    checker.record_heartbeat(checker_own._trial_id)
    ended = checker.recover_stale_trials(study._study_id, GRACE, lambda t: StaleOutcome())
    assert [t.number for t, _ in ended] == [owner.number]
    assert "stale: no heartbeat" in ended[0][0].system_attrs["fail_reason"]


def test_without_a_stall_a_silent_trial_is_failed_after_the_grace_period(tmp_path):
    _, url, study, owner, checker_own = _setup(tmp_path)
    time.sleep(GRACE + 0.1)
    checker = SQLStorage(url)
    checker.record_heartbeat(checker_own._trial_id)
    ended = checker.recover_stale_trials(study._study_id, GRACE, lambda t: StaleOutcome())
    assert [t.number for t, _ in ended] == [owner.number]


def test_a_check_that_first_waits_once_the_stall_lasted_a_grace_period_does_not_fail_it_either(tmp_path):
    """A process with no trial of its own (one waiting at the end of a budget, a reaper) writes
    only to fail stale trials: its first wait starts when the stall has lasted a grace period. No
    write of the study landed since the last one before that wait, so the stall counts from there."""
    path, url, study, owner, checker_own = _setup(tmp_path)
    ended = _stall(path, 1.5, 0.7, url, study._study_id, None)
    assert ended == []
    assert [t.state for t in study.get_trials()] == [TrialState.RUNNING, TrialState.RUNNING]


def test_a_dead_worker_silent_before_a_stall_while_others_wrote_is_still_failed(tmp_path):
    """The stall excuses only itself: the owner was silent for a grace period before it began,
    while another trial's heartbeats landed."""
    path, url, study, owner, checker_own = _setup(tmp_path)
    checker = SQLStorage(url)
    for _ in range(4):  # 0.8 s of beats of the checking process's own trial; the owner says nothing
        time.sleep(0.2)
        checker.record_heartbeat(checker_own._trial_id)
    ended = _stall(path, 0.6, 0.1, url, study._study_id, None)
    assert [t.number for t, _ in ended] == [owner.number]


def test_the_process_that_held_the_lock_does_not_fail_the_trials_it_kept_from_beating(tmp_path):
    """Worker 0, stopped inside its own write, resumes and commits: the others' beats waited for
    it all along, and its next check must not fail their trials either."""
    _, url, study, owner, checker_own = _setup(tmp_path)
    holder = SQLStorage(url)
    holder._run(lambda cur: time.sleep(1.2), True)  # a write transaction held 1.2 s (stopped inside it)
    ended = holder.recover_stale_trials(study._study_id, GRACE, lambda t: StaleOutcome())
    assert ended == []
    assert [t.state for t in study.get_trials()] == [TrialState.RUNNING, TrialState.RUNNING]


# s25 left open: a checking process that saw no wait itself (it wrote nothing during the stall: a
# worker or reaper that joined as the stall ended) had no span, and failed the live trials whose
# beats were still waiting (s26 reproduced it: 3 of 3 live trials failed, 2 runs of
# benchmarks/history/s26/faults_sqlite_late_checker.py). Now a tunewise write transaction that
# held the lock that long records its span in the file before letting go, and every checker reads it.
_HOLDER = """
import sys, time
from tunewise.storage import SQLStorage
from tunewise.storage._sql._connection import WRITE
storage = SQLStorage(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # the test's trials have just beaten: the stall starts now
storage._db.run(lambda cur: time.sleep(float(sys.argv[2])), WRITE)  # stopped inside a write
print("done", flush=True)
"""


def _hold_in_another_process(url: str, seconds: float, study: tw.Study, then: Callable[[], T]) -> T:
    """Another process holds the write lock ``seconds`` inside a tunewise write; ``then()``'s
    result, called as soon as it let go. The holder's start-up (seconds under load) and exit are
    kept out of the trials' silence: every running trial of ``study`` beats right before the
    stall, and ``then`` runs before the holder exits."""
    import os
    import subprocess
    import sys

    src = os.path.dirname(os.path.dirname(tw.__file__))
    env = dict(os.environ, PYTHONPATH=src)
    with subprocess.Popen([sys.executable, "-c", _HOLDER, url, str(seconds)], env=env, text=True,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        for t in study.get_trials():
            assert study._storage.record_heartbeat(t.trial_id) is True
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "done"
        result = then()
        assert holder.wait(timeout=60) == 0
    return result


def test_a_checker_that_saw_no_wait_does_not_fail_trials_silent_while_another_process_held_the_lock(tmp_path):
    _, url, study, owner, other = _setup(tmp_path)
    checker = SQLStorage(url)
    # 3 grace periods; this process writes nothing meanwhile, and checks as soon as the lock is free
    ended = _hold_in_another_process(
        url, 1.5, study, lambda: checker.recover_stale_trials(study._study_id, GRACE, lambda t: StaleOutcome()))
    assert ended == []
    assert {t.number: t.state for t in study.get_trials()} == {
        owner.number: TrialState.RUNNING,
        other.number: TrialState.RUNNING,
    }


def test_a_dead_worker_is_still_failed_after_another_process_held_the_lock(tmp_path):
    _, url, study, owner, other = _setup(tmp_path)
    _hold_in_another_process(url, 0.6, study, lambda: None)
    time.sleep(GRACE + 0.3)  # silent for more than the grace period after the stall ended
    ended = SQLStorage(url).recover_stale_trials(study._study_id, GRACE, lambda t: StaleOutcome())
    assert sorted(t.number for t, _ in ended) == sorted([owner.number, other.number])
