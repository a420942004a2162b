"""The compact forms of finished trials read exactly like the plain dicts/lists they replace."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import tunewise as tw
from tunewise.storage import InMemoryStorage
from tunewise.storage._compact import EMPTY, KeyShared, Series, TimeColumns, series
from tunewise.trial import FrozenTrial, TrialState


def test_series_behaves_like_the_dict_it_replaces() -> None:
    plain = {0: 0.5, 1: 0.25, 2: 0.125}
    s = series(plain)
    assert isinstance(s, Series)
    assert s == plain and plain == s
    assert list(s) == [0, 1, 2] and list(s.items()) == list(plain.items()) and list(s.values()) == [0.5, 0.25, 0.125]
    assert 1 in s and 3 not in s and -1 not in s and "1" not in s and 1.0 in s and 1.5 not in s
    assert s[2] == 0.125 and s[2.0] == 0.125 and s.get(7) is None and s.get(7, 1.0) == 1.0
    assert max(s) == 2 and len(s) == 3 and bool(s)
    with pytest.raises(KeyError):
        s[3]
    with pytest.raises(KeyError):
        s[-1]
    with pytest.raises(TypeError):
        s[0] = 1.0  # type: ignore[index]
    assert copy.deepcopy(s) == plain and type(copy.copy(s)) is dict
    assert pickle.loads(pickle.dumps(s)) == plain
    assert repr(s) == repr(plain)


def test_series_with_gaps_and_offset_steps() -> None:
    gaps = {0: 1.0, 10: 2.0, 20: 3.0}
    s = series(gaps)
    assert s == gaps and 10 in s and 5 not in s and s[20] == 3.0 and list(s) == [0, 10, 20]
    offset = series({"3": 1.0, "4": 2.0})  # JSON keys are strings
    assert dict(offset) == {3: 1.0, 4: 2.0} and 2 not in offset and offset[4] == 2.0
    assert series({}) is EMPTY


def test_key_shared_dicts_are_real_dicts_in_insertion_order() -> None:
    ks = KeyShared()
    a = ks.make({"lr": 0.1, "layers": 3, "opt": "adam"})
    b = ks.make({"opt": "sgd", "lr": 0.2, "momentum": 0.9})  # another order, a new key
    assert type(a) is dict and a == {"lr": 0.1, "layers": 3, "opt": "adam"}
    assert list(b) == ["opt", "lr", "momentum"] and b["momentum"] == 0.9
    assert json.loads(json.dumps(b)) == b
    assert ks.make({}) is EMPTY
    weird = ks.make({"__dict__": 1, "__class__": 2})  # never attribute assignment
    assert weird == {"__dict__": 1, "__class__": 2}
    assert pickle.loads(pickle.dumps(ks)).make({"x": 1}) == {"x": 1}


def test_time_columns_and_frozen_trial_round_trip() -> None:
    cols = TimeColumns()
    cols.put(5, 10.0, 12.5)
    assert cols.start(5) == 10.0 and cols.complete(5) == 12.5 and cols.start(0) is None
    t = FrozenTrial(number=5, trial_id=9, state=TrialState.COMPLETE, values=[1.5], params={"x": 1},
                    datetime_start=10.0, datetime_complete=12.5)
    plain = copy.deepcopy(t)
    t._times = cols
    assert t == plain and t.datetime_start_ts == 10.0 and t.duration.total_seconds() == 2.5
    back = pickle.loads(pickle.dumps(t))
    assert back == plain and type(back._times) is tuple  # never pickles the whole column store
    assert t.values == [1.5] and t.value == 1.5
    multi = FrozenTrial(number=0, trial_id=0, state=TrialState.COMPLETE, values=[1.0, 2.0])
    assert multi.values == [1.0, 2.0] and multi.value == 1.0


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_finished_trials_are_compact_and_read_the_same(storage: str, tmp_path) -> None:
    url = InMemoryStorage() if storage == "memory" else f"sqlite:///{tmp_path / 'c.db'}"

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        opt = trial.suggest_categorical("opt", ["adam", "sgd"])
        trial.set_user_attr("note", "run")
        for step in range(3):
            trial.report(x * step, step)
        return x + (opt == "sgd")

    study = tw.create_study(name="c", storage=url, sampler=tw.samplers.RandomSampler(seed=3))
    study.optimize(objective, n_trials=6)
    reader = tw.load_study("c", url) if storage == "sqlite" else study
    for t in reader.trials:
        assert t.state == TrialState.COMPLETE
        assert isinstance(t.reports, Series) and t.reports[2] == 2 * t.params["x"]
        assert type(t.intermediate_values) is dict and t.intermediate_values[2] == 2 * t.params["x"]
        assert type(t.params) is dict and set(t.params) == {"x", "opt"}
        assert t.user_attrs == {"note": "run"} and t.values == [t.value]
        assert t.datetime_start_ts <= t.datetime_complete_ts and t.heartbeat_ts is None
        d = t.to_dict()
        x = t.params["x"]
        assert json.loads(json.dumps(d))["intermediate_values"] == {"0": 0.0, "1": x, "2": 2 * x}
    assert reader.best_value == min(t.value for t in reader.trials)
    df = reader.trials_dataframe()
    assert len(df) == 6 and df["value"].min() == reader.best_value


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_intermediate_values_of_a_finished_trial_is_a_plain_dict(storage: str, tmp_path) -> None:
    """Users handle it as the dict optuna gives: json.dumps, ==, isinstance, pickle, mutation."""
    url = InMemoryStorage() if storage == "memory" else f"sqlite:///{tmp_path / 'd.db'}"

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in (0, 1, 5):  # a gap: steps are not contiguous
            trial.report(x + step, step)
        return x

    study = tw.create_study(name="d", storage=url, sampler=tw.samplers.RandomSampler(seed=1))
    study.optimize(objective, n_trials=3)
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=1)  # no reports
    reader = tw.load_study("d", url) if storage == "sqlite" else study
    trials = reader.trials
    for t in trials[:3]:
        x = t.params["x"]
        expected = {0: x, 1: x + 1, 5: x + 5}
        iv = t.intermediate_values
        assert type(iv) is dict and iv == expected and expected == iv
        assert json.loads(json.dumps(iv)) == {"0": x, "1": x + 1, "5": x + 5}
        assert json.loads(json.dumps(iv, indent=2)) == {"0": x, "1": x + 1, "5": x + 5}
        assert json.loads(json.dumps(t.to_dict()))["intermediate_values"] == {"0": x, "1": x + 1, "5": x + 5}
        # A copy each read: changing it leaves the stored trial as it was.
        iv[7] = 0.0
        assert 7 not in t.intermediate_values and t.intermediate_values == expected
        back = pickle.loads(pickle.dumps(t))
        assert back == t and type(back.intermediate_values) is dict and back.intermediate_values == expected
        assert isinstance(back.reports, Series)  # pickles in its compact form
        assert copy.deepcopy(t).intermediate_values == expected and t.last_step == 5
    empty = trials[3]
    assert type(empty.intermediate_values) is dict and empty.intermediate_values == {}
    assert json.dumps(empty.intermediate_values) == "{}" and empty.last_step is None
    empty.intermediate_values[0] = 1.0  # a fresh dict, not the shared read-only empty one
    assert empty.intermediate_values == {}


def test_running_trial_views_share_the_live_dict() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    trial = study.ask()
    trial.report(0.5, 0)
    view = trial._frozen_view()
    assert view.intermediate_values is trial.intermediate_values and view.reports == {0: 0.5}
    assert trial.reports is trial.intermediate_values
    trial.report(0.25, 1)
    assert view.intermediate_values == {0: 0.5, 1: 0.25}
