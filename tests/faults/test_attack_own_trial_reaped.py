"""A process never fails a trial it is running itself as stale.

Its heartbeat thread can be starved past ``grace_period`` (an objective in another thread holding
the GIL: a pure-Python loop, a C extension that does not release it). Before the fix, the next
``ask()`` of the same process (another thread's) ran the stale-trial recovery, which failed every
stale trial of the study, the process's own live one included, and queued its retry: the
trial's result became a late result and its parameters ran twice.

The starved heartbeat is made deterministic here by holding the monitor's write lock (what the
heartbeat thread takes before each beat) from another thread for longer than the grace period;
the recovery itself, the storage and the trials are the real ones.

Another process (another storage handle, which does not run the trial) still fails it once its
heartbeat is older than the grace period: that is what the grace period means. The trial's own
worker then finishes it late: its result must be kept (``late_result``) and the trial counted
once."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

import tunewise as tw
from tests.storage._backends import SQL_BACKENDS, backend_url, unique
from tunewise.storage import SQLStorage
from tunewise.storage._heartbeat import fail_stale
from tunewise.trial import TrialState

INTERVAL, GRACE = 0.1, 0.4


class _StarvedBeats:
    """Keeps the study's heartbeat thread from writing (as a GIL-holding objective in another
    thread would) until :meth:`join`."""

    def __init__(self, study: tw.Study) -> None:
        mon, held, self._release = study._heartbeat, threading.Event(), threading.Event()

        def hold() -> None:
            with mon.writing:
                held.set()
                self._release.wait(60)

        self._holder = threading.Thread(target=hold, daemon=True)
        self._holder.start()
        held.wait(5)

    def join(self) -> None:
        self._release.set()
        self._holder.join()


def _starve_beats(study: tw.Study) -> _StarvedBeats:
    return _StarvedBeats(study)


def _in_another_process(name: str, url: str, code: str) -> str:
    script = ("import tunewise as tw\nfrom tunewise.storage._heartbeat import fail_stale\n"
              f"study = tw.load_study(study_name={name!r}, storage={url!r})\n{code}\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_process_does_not_fail_its_own_running_trial_when_its_heartbeat_was_starved(backend, tmp_path):
    study = tw.create_study(study_name=unique("own-reap"), storage=backend_url(backend, tmp_path),
                            heartbeat_interval=INTERVAL, grace_period=GRACE)
    running = study.ask()  # thread 1's trial
    running.suggest_float("x", 0, 1)
    holder = _starve_beats(study)
    time.sleep(2 * GRACE)  # its last beat is now older than the grace period
    other = study.ask()  # thread 2 asks: the recovery runs in this very process
    assert study._storage.get_trial(running._trial_id).state == TrialState.RUNNING
    assert fail_stale(study) == []  # nor when asked for directly
    holder.join()
    study.tell(other, 2.0)
    frozen = study.tell(running, 1.0)
    assert frozen.state == TrialState.COMPLETE and frozen.value == 1.0
    trials = study.get_trials()
    assert [(t.number, t.state) for t in trials] == [(0, TrialState.COMPLETE), (1, TrialState.COMPLETE)]
    assert not any("retried_from" in t.system_attrs for t in trials)


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_starved_trial_failed_by_another_process_keeps_its_late_result_and_counts_once(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    name = unique("other-reaps")
    study = tw.create_study(study_name=name, storage=url, heartbeat_interval=INTERVAL, grace_period=GRACE,
                            max_trials=1)
    running = study.ask()
    x = running.suggest_float("x", 0, 1)
    time.sleep(2 * INTERVAL)  # its parameters saved by a beat (what the retry reruns)
    holder = _starve_beats(study)
    time.sleep(2 * GRACE)
    # Another worker process fails it (its heartbeat is older than the grace period).
    assert _in_another_process(name, url, "print([t.number for t in fail_stale(study)])") == "[0]"
    holder.join()
    # Our worker finishes the trial late: the value is kept on the failed trial, never counted twice.
    late = study.tell(running, 1.0)
    assert late.state == TrialState.FAILED
    assert late.system_attrs["late_result"]["values"] == [1.0]
    assert late.system_attrs["late_result"]["params"] == {"x": x}
    # The other worker runs the retry (same parameters), and the budget holds.
    _in_another_process(name, url, "study.optimize(lambda t: t.suggest_float('x', 0, 1))")
    trials = study.get_trials()
    assert [t.state for t in trials] == [TrialState.FAILED, TrialState.COMPLETE]
    assert trials[1].system_attrs["retried_from"] == 0 and trials[1].params == {"x": x}
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert len(complete) == len({tuple(sorted(t.params.items())) for t in complete})  # no duplicate
    assert not [t for t in trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]


class _StorageWrittenBeforeAlive(SQLStorage):
    """A storage of one's own whose recover_stale_trials has the signature of before ``alive``."""

    def recover_stale_trials(self, study_id, grace_seconds, outcome):  # type: ignore[override]
        return super().recover_stale_trials(study_id, grace_seconds, outcome)


def test_a_storage_written_before_alive_still_spares_the_trials_of_its_process(tmp_path):
    study = tw.create_study(study_name=unique("old-storage"),
                            storage=_StorageWrittenBeforeAlive(backend_url("sqlite", tmp_path)),
                            heartbeat_interval=INTERVAL, grace_period=GRACE)
    running = study.ask()
    holder = _starve_beats(study)
    time.sleep(2 * GRACE)
    other = study.ask()  # no TypeError: the process beats for its trial, then recovers
    holder.join()
    assert study.tell(running, 1.0).state == TrialState.COMPLETE
    assert study.tell(other, 2.0).state == TrialState.COMPLETE
    assert len(study.get_trials()) == 2
