"""``get_all_study_summaries`` answers from the storage's summary (an SQL min of the trials' starts,
the best trial by value) without reading every study's trials; the answers are the ones the
trials give (``benchmarks/history/s23/summaries_time.py``: 100 studies x 200 trials in SQLite,
about 1.1 s before, 0.1-0.2 s after)."""

from __future__ import annotations

import pytest

import tunewise as tw
from tests.storage._backends import BACKENDS, SQL_BACKENDS, backend_url, unique
from tunewise.storage import InMemoryStorage, SQLStorage
from tunewise.trial import TrialState

_X = tw.distributions.FloatDistribution(0, 1)


def _fill(storage, name: str, direction: str, values: list[float], constraints: dict[int, float] | None = None):
    study = tw.create_study(study_name=name, storage=storage, direction=direction)
    for i, v in enumerate(values):
        attrs = {} if constraints is None or i not in constraints else {"constraints": [constraints[i]]}
        study.add_trial(tw.create_trial(params={"x": v}, distributions={"x": _X}, value=v, system_attrs=attrs))
    study.enqueue_trial({"x": 0.5})  # a WAITING trial: no start
    return study


@pytest.mark.parametrize("backend", BACKENDS)
def test_summaries_give_what_the_trials_give(backend, tmp_path):
    url = backend_url(backend, tmp_path)
    storage = InMemoryStorage() if url is None else SQLStorage(url)
    names = [unique("sum-min"), unique("sum-max"), unique("sum-infeasible"), unique("sum-empty")]
    _fill(storage, names[0], "minimize", [0.3, 0.1, 0.2, 0.1])  # a tie: the lower number is best
    _fill(storage, names[1], "maximize", [0.3, 0.9, 0.9, 0.2])
    _fill(storage, names[2], "minimize", [0.3, 0.1, 0.2], constraints={1: 1.0})  # the lowest value is infeasible
    tw.create_study(study_name=names[3], storage=storage)
    summaries = {s.study_name: s for s in tw.get_all_study_summaries(storage)}
    for name in names:
        study = tw.load_study(study_name=name, storage=storage)
        started = [t.datetime_start for t in study.get_trials() if t.datetime_start is not None]
        summary = summaries[name]
        assert summary.datetime_start == (min(started) if started else None)
        if name == names[3]:
            assert summary.best_trial is None
            continue
        best = study.best_trial
        assert (summary.best_trial.number, summary.best_trial.value) == (best.number, best.value)
        assert summary.best_trial.params == best.params
    assert summaries[names[0]].best_trial.number == 1
    assert summaries[names[1]].best_trial.number == 1
    assert summaries[names[2]].best_trial.number == 2


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_summaries_do_not_read_every_trial(backend, tmp_path, monkeypatch):
    url = backend_url(backend, tmp_path)
    name = unique("sum-reads")
    _fill(SQLStorage(url), name, "minimize", [0.3, 0.1, 0.2])
    storage = SQLStorage(url)  # a new handle: nothing cached
    reads = []
    real = SQLStorage.get_trials

    def get_trials(self, study_id, states=None):
        reads.append(study_id)
        return real(self, study_id, states)

    monkeypatch.setattr(SQLStorage, "get_trials", get_trials)
    summary = next(s for s in tw.get_all_study_summaries(storage) if s.study_name == name)
    assert summary.best_trial.number == 1 and summary.datetime_start is not None
    assert summary.study_id not in reads  # (PostgreSQL's database also holds other tests' studies)
    assert [t.state for t in storage.get_trials(summary.study_id)].count(TrialState.COMPLETE) == 3
