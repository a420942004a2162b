"""A late result that arrives while the retry of its trial is still WAITING (left open in s22).

Worker A's trial is failed as stale by another process (A was stopped past the grace period) and
its retry is queued WAITING with the same parameters. When A resumes and reports, the result was
kept only as ``late_result`` data and the retry later ran the same parameters again. Now ``tell``
starts the retry and finishes it with the late result at once (``BaseStorage.start_retry_of``):
the parameters run once, the result counts once (as the retry), and nothing is left WAITING.
A retry another worker has started already runs on.

The stop is a real SIGSTOP/SIGCONT of a worker process; the stale trial is failed by another
process (``fail_stale``), as a worker's next ``ask()`` would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.storage import InMemoryStorage, SQLStorage
from tunewise.storage._base import StaleOutcome
from tunewise.trial import TrialState

_WORKER = textwrap.dedent("""
    import json, sys, time
    import tunewise as tw
    name, url, log = sys.argv[1], sys.argv[2], sys.argv[3]
    study = tw.load_study(study_name=name, storage=url, sampler=tw.samplers.RandomSampler())
    def objective(t):
        x = t.suggest_float("x", 0, 1)
        time.sleep(0.5)  # a heartbeat saves x: the retry would rerun it
        with open(log, "a") as f:
            f.write(json.dumps(x) + "\\n")
        time.sleep(0.5)
        return x
    study.optimize(objective)
""")

_REAPER = textwrap.dedent("""
    import sys
    import tunewise as tw
    from tunewise.storage._heartbeat import fail_stale
    study = tw.load_study(study_name=sys.argv[1], storage=sys.argv[2])
    print(len(fail_stale(study)))
""")


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_a_late_result_completes_the_waiting_retry_instead_of_a_rerun(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    assert url is not None
    name, log = unique("late-retry"), tmp_path / "calls.jsonl"
    study = tw.create_study(study_name=name, storage=url, max_trials=2, heartbeat_interval=0.2, grace_period=0.8)
    a = subprocess.Popen([sys.executable, "-c", _WORKER, name, url, str(log)])
    try:
        deadline = time.time() + 60
        while not (log.exists() and log.stat().st_size > 0) and time.time() < deadline:
            time.sleep(0.02)
        a.send_signal(signal.SIGSTOP)
        time.sleep(2.0)
        reaper = subprocess.run([sys.executable, "-c", _REAPER, name, url], capture_output=True, text=True, timeout=60)
        assert reaper.stdout.strip() == "1", reaper.stderr
        waiting = study.get_trials(states=(TrialState.WAITING,))
        assert [t.system_attrs["retried_from"] for t in waiting] == [0]
    finally:
        os.kill(a.pid, signal.SIGCONT)
    assert a.wait(timeout=60) == 0
    calls = [json.loads(line) for line in log.read_text().split()]
    assert len(calls) == 2 and len(set(calls)) == 2  # trial 0's x ran once, then one more trial
    trials = study.get_trials()
    assert trials[0].state == TrialState.FAILED and trials[0].system_attrs["late_result"]["values"] == [calls[0]]
    retry = trials[1]
    assert retry.system_attrs["retried_from"] == 0 and retry.state == TrialState.COMPLETE
    assert retry.params == {"x": calls[0]} and retry.value == calls[0]
    assert retry.system_attrs["late_result_of"] == 0
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert sorted(t.value for t in complete) == sorted(calls)  # nothing lost, nothing twice
    assert not [t for t in trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_start_retry_of_starts_only_a_waiting_retry_of_that_trial(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else SQLStorage(url)
    study_id = storage.create_study(unique("retry-of"), ["minimize"])
    first, second = storage.start_trial(study_id), storage.start_trial(study_id)
    time.sleep(0.05)
    ended = storage.recover_stale_trials(
        study_id, 0.01, lambda t: StaleOutcome(retry=({"x": 0.5}, {"retried_from": t.number}))
    )
    retries = {t.number: r for t, r in ended}
    assert sorted(retries) == [first.number, second.number]
    assert storage.start_retry_of(study_id, 7) is None  # no retry of that trial
    started = storage.start_retry_of(study_id, second.number)
    assert started is not None and started.state == TrialState.RUNNING
    assert started.number == retries[second.number].number
    assert storage.start_retry_of(study_id, second.number) is None  # not WAITING any more
    # The start of the other retry by a worker leaves nothing for the late result.
    other = storage.start_trial(study_id)
    assert other.number == retries[first.number].number
    assert storage.start_retry_of(study_id, first.number) is None
