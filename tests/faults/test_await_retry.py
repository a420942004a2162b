"""Study.await_retry / Study.ask_retry: an ask-and-tell worker whose sampler has nothing left runs
a dead worker's trial, as optimize() does at the end of a grid (the sweep agent uses them, s27)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import tunewise as tw
from tunewise.exceptions import SearchExhausted
from tunewise.trial import TrialState

DEAD_WORKER = textwrap.dedent("""
    import os, sys
    import tunewise as tw
    study = tw.load_study(name="s", storage=sys.argv[1], sampler=tw.samplers.GridSampler({"x": [1, 2]}))
    trial = study.ask()
    trial.suggest_categorical("x", [1, 2])
    os._exit(0)  # dies with its trial RUNNING: no tell, no more heartbeats
""")


def test_a_dead_workers_trial_is_failed_and_its_retry_started_when_the_grid_ran_through(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    grid = tw.samplers.GridSampler({"x": [1, 2]})
    study = tw.create_study(
        name="s", storage=url, sampler=grid, heartbeat_interval=0.2, grace_period=1.0, max_retries=1
    )
    subprocess.run([sys.executable, "-c", DEAD_WORKER, url], check=True, timeout=60)
    dead = study.trials[0]
    assert dead.state == TrialState.RUNNING

    trial = study.ask()  # the grid's other point
    study.tell(trial, float(trial.suggest_categorical("x", [1, 2])))
    with pytest.raises(SearchExhausted):
        study.ask()  # the grid ran through while the dead worker's trial is RUNNING

    assert study.await_retry(timeout=30.0)  # the dead trial is failed, its retry queued
    retry = study.ask_retry()
    assert retry.params == dead.params and retry.system_attrs.get("retried_from") == dead.number
    study.tell(retry, float(retry.suggest_categorical("x", [1, 2])))

    assert not study.await_retry(timeout=30.0)  # nothing runs any more
    with pytest.raises(SearchExhausted):
        study.ask_retry()  # no queued retry: nothing starts
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE]
    assert sorted(t.params["x"] for t in study.trials if t.state == TrialState.COMPLETE) == [1, 2]


def test_optimize_runs_the_retries_left_after_a_grid_through_the_public_pair(tmp_path, monkeypatch):
    # One implementation (s28): optimize()'s end-of-search retries go through await_retry /
    # ask_retry, with the time left of its timeout, as an ask-and-tell worker or the sweep agent would.
    from tunewise.storage import _heartbeat

    calls: list[tuple[str, float | None]] = []
    await_retry, ask_retry = tw.Study.await_retry, tw.Study.ask_retry

    def spy_await(self, timeout=None):
        calls.append(("await_retry", timeout))
        return await_retry(self, timeout)

    def spy_ask(self):
        calls.append(("ask_retry", None))
        return ask_retry(self)

    monkeypatch.setattr(tw.Study, "await_retry", spy_await)
    monkeypatch.setattr(tw.Study, "ask_retry", spy_ask)
    url = f"sqlite:///{tmp_path / 's.db'}"
    grid = tw.samplers.GridSampler({"x": [1, 2]})
    study = tw.create_study(
        name="s", storage=url, sampler=grid, heartbeat_interval=0.2, grace_period=1.0, max_retries=1
    )
    other = tw.load_study(name="s", storage=url, sampler=tw.samplers.GridSampler(grid.search_space))
    dead = other.ask()  # another worker takes a point ...
    _heartbeat.on_finish(other, dead._trial_id)  # ... and dies: no heartbeat any more
    study.optimize(lambda t: float(t.suggest_categorical("x", [1, 2])), timeout=60.0)

    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.COMPLETE, TrialState.COMPLETE]
    assert study.trials[2].system_attrs.get("retried_from") == 0
    names = [name for name, _ in calls]
    assert names[:2] == ["await_retry", "ask_retry"]  # the dead trial's retry, through the pair
    assert names[-1] == "await_retry"  # then nothing runs any more: optimize() ends
    timeouts = [timeout for name, timeout in calls if name == "await_retry"]
    assert all(timeout is not None and 0.0 < timeout <= 60.0 for timeout in timeouts)  # the time left
