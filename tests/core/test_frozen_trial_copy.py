"""``copy.copy`` of a stored trial: every field alike, rebinding the copy's fields leaves the stored
trial alone, and no pickle path (``__getstate__`` reads every timestamp out of the column store)."""

from __future__ import annotations

import copy

import pytest

import tunewise as tw
from tunewise.trial import FrozenTrial


def test_copy_is_alike_and_independent_without_the_pickle_path(tmp_path: object,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    study = tw.create_study(storage=f"sqlite:///{tmp_path}/c.db", sampler=tw.samplers.RandomSampler(seed=0))

    def objective(t: tw.Trial) -> float:
        t.set_user_attr("tag", "a")
        t.report(0.5, 1)
        return t.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=2)
    stored = study.get_trials()[1]

    def no_pickle(self: FrozenTrial) -> dict[str, object]:
        raise AssertionError("copy.copy went through __getstate__")

    monkeypatch.setattr(FrozenTrial, "__getstate__", no_pickle)
    dup = copy.copy(stored)
    assert type(dup) is type(stored) and dup is not stored
    for name in ("number", "trial_id", "state", "values", "params", "user_attrs", "system_attrs",
                 "intermediate_values", "datetime_start", "datetime_complete", "distributions"):
        assert getattr(dup, name) == getattr(stored, name), name
    dup.params = {"x": 2.0}
    dup.user_attrs = {}
    assert stored.params == study.get_trials()[1].params and stored.params != {"x": 2.0}
    assert stored.user_attrs == {"tag": "a"}
