"""One trial with many parameters costs O(parameters), not O(parameters^2) (issue 16, item 13).

10,000 parameters in one trial took 15 s on SQLite and 39 s on PostgreSQL: every new name reread
and copied the whole known space (and SQLite scanned every stored distribution) before its own
write. The tests count what a trial asks of its storage, on the trial's own thread (heartbeats
write from another), for 200 and 400 new parameters: each extra parameter may cost one round
trip and no copy of the space. Nothing is timed.
"""

from __future__ import annotations

import collections
import threading
from typing import Any

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, backend_url, unique
from tunewise import distributions as D
from tunewise.storage import get_storage

_COUNTED = ("add_distribution", "get_distributions", "known_distributions", "_run")


class _StorageCounter:
    """Counts the storage calls made on this thread, and the distributions handed out by the
    calls that return the known space (each one is a copy of it)."""

    def __init__(self, storage: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: collections.Counter[str] = collections.Counter()
        self.entries = 0
        self._thread = threading.get_ident()
        self._in_space = False
        for name in _COUNTED:
            if hasattr(storage, name):
                monkeypatch.setattr(storage, name, self._wrap(name, getattr(storage, name)))

    def _wrap(self, name: str, method: Any) -> Any:
        space = name in ("get_distributions", "known_distributions")

        def counted(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != self._thread:
                return method(*args, **kwargs)
            outer = space and not self._in_space  # known_distributions may call get_distributions
            if outer:
                self._in_space = True
            try:
                result = method(*args, **kwargs)
            finally:
                if outer:
                    self._in_space = False
            if outer or not space:
                self.calls[name] += 1
            if outer:
                self.entries += len(result)
            return result

        return counted

    def snapshot(self) -> tuple[collections.Counter[str], int]:
        return collections.Counter(self.calls), self.entries


def _many(n: int) -> Any:
    return lambda trial: sum(trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(n))


def _one_trial_cost(url: str | None, n: int, monkeypatch: pytest.MonkeyPatch) -> tuple[
        collections.Counter[str], int, tw.Study]:
    study = tw.create_study(name=unique("scale"), storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    counter = _StorageCounter(study.storage, monkeypatch)
    study.optimize(_many(n), n_trials=1)
    calls, entries = counter.snapshot()
    return calls, entries, study


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_trial_with_many_new_parameters_costs_linear_storage_work(backend, tmp_path, monkeypatch):
    url = backend_url(backend, tmp_path)
    small, small_entries, _ = _one_trial_cost(url, 200, monkeypatch)
    large, large_entries, study = _one_trial_cost(url, 400, monkeypatch)

    # One write per new name, no more.
    assert small["add_distribution"] == 200
    assert large["add_distribution"] == 400
    # The 200 extra parameters cost no copy of the known space (it was reread and copied at
    # every new name: 200 * 300 entries more) ...
    assert large_entries - small_entries <= 2 * 200, (small_entries, large_entries)
    assert large["get_distributions"] <= 1 and large["known_distributions"] <= 1, large
    # ... and at most one database round trip each (there were two).
    if "_run" in large:
        assert large["_run"] - small["_run"] <= 200 + 5, (small["_run"], large["_run"])

    # Every parameter is stored, and so is its distribution, for any process that opens the study.
    trial = study.trials[0]
    assert len(trial.params) == 400 and len(trial.distributions) == 400
    if url is not None:
        reopened = tw.load_study(study.study_name, get_storage(url))
        assert reopened.distributions == {f"x{i}": D.Float(0.0, 1.0) for i in range(400)}
        tw.delete_study(study.study_name, url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_known_space_costs_no_distribution_writes(backend, tmp_path, monkeypatch):
    url = backend_url(backend, tmp_path)
    study = tw.create_study(name=unique("scale-known"), storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_many(300), n_trials=1)
    counter = _StorageCounter(study.storage, monkeypatch)
    study.optimize(_many(300), n_trials=2)
    calls, entries = counter.snapshot()
    assert calls["add_distribution"] == 0 and calls["get_distributions"] == 0, calls
    assert entries <= 2 * 300  # the proposal's one look at the known space per trial
    assert [len(t.params) for t in study.trials] == [300, 300, 300]
    if url is not None:
        tw.delete_study(study.study_name, url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_name_another_worker_stored_first_keeps_its_distribution(backend, tmp_path):
    # Without a reread before each new name, a conflict is still caught: the storage keeps the
    # first distribution stored for a name and returns it to the later writer.
    url = backend_url(backend, tmp_path)
    name = unique("scale-race")
    first = tw.create_study(name=name, storage=url, sampler=tw.samplers.RandomSampler(seed=0))
    # The second worker: its own storage object (and cache) on a database, like another process.
    second = tw.load_study(name, first.storage if url is None else get_storage(url),
                           sampler=tw.samplers.RandomSampler(seed=1))
    late = second.ask()  # started before the first worker stored "x"
    early = first.ask()
    assert early.suggest_float("x", 0.0, 1.0) <= 1.0
    first.tell(early, 0.5)
    with pytest.raises(ValueError, match=r"parameter 'x' was a float parameter \(Float.*not its kind"):
        late.suggest_categorical("x", [0.0, 2.0])
    # Another range is this trial's own (a range may change between trials); the stored one stays.
    assert 0.0 <= late.suggest_float("x", 0.0, 2.0) <= 2.0
    assert late.distributions["x"] == D.Float(0.0, 2.0)
    assert late.suggest_int("n", 1, 3) in (1, 2, 3)  # and a name nobody stored is stored now
    second.tell(late, 1.0)
    assert second.distributions["n"] == D.Int(1, 3) and first.storage.get_distributions(
        first._study_id) == {"x": D.Float(0.0, 1.0), "n": D.Int(1, 3)}
    assert second.trials[late.number].distributions == {"x": D.Float(0.0, 2.0), "n": D.Int(1, 3)}
    if url is not None:
        tw.delete_study(name, url)


def test_the_known_space_a_caller_holds_is_a_snapshot():
    # The study's own space grows in place (no copy per new name), so what it hands out is a
    # copy: iterating it while a trial suggests new parameters (a sampler in another thread, or
    # this loop) must not see it change size.
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_many(3), n_trials=1)
    trial = study.ask()
    space = study.distributions
    for name in space:
        trial.suggest_float(f"{name}-twin", 0.0, 1.0)
    assert set(space) == {"x0", "x1", "x2"}
    assert set(study.distributions) == {"x0", "x1", "x2", "x0-twin", "x1-twin", "x2-twin"}
