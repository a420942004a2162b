"""A trial's ``user_attrs`` / ``system_attrs`` list in the order the objective set them, as in
Optuna's default (in-memory) storage: scripts print ``best_trial.user_attrs.items()`` as a report.
They were stored in the order of a set of the keys written (hash order)."""

from __future__ import annotations

import pathlib

import pytest

import tunewise as optuna

KEYS = ["recall_at_k", "mrr", "context_chars", "n_chunks", "zeta", "alpha", "m3", "b2"]


def _objective(trial: optuna.Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    for i, key in enumerate(KEYS[:4]):
        trial.set_user_attr(key, i)
    trial.report(x, 0)  # a write in between: the later keys are merged into the stored ones
    for i, key in enumerate(KEYS[4:]):
        trial.set_user_attr(key, i)
    trial.set_user_attr("mrr", 9)  # setting a key again keeps its place, as in a dict
    return x


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_user_attrs_keep_the_order_they_were_set(backend: str, tmp_path: pathlib.Path) -> None:
    storage = None if backend == "memory" else f"sqlite:///{tmp_path}/a.db"
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=3)
    for trial in [*study.trials, study.best_trial]:
        assert list(trial.user_attrs) == KEYS
        assert trial.user_attrs["mrr"] == 9
    if backend == "sqlite":
        reopened = optuna.load_study(study_name=study.study_name, storage=storage)
        assert [list(t.user_attrs) for t in reopened.trials] == [KEYS] * 3


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_keys_set_again_between_writes_keep_their_first_place(backend: str, tmp_path: pathlib.Path) -> None:
    # s29: a write sends the ordered record of the keys set since the last one (not a walk over
    # every attribute); a key set again, stored or not yet, keeps the place it was first set at.
    storage = None if backend == "memory" else f"sqlite:///{tmp_path}/b.db"
    study = optuna.create_study(storage=storage)
    trial = study.ask()
    for key in ("k0", "k1", "k2"):
        trial.set_user_attr(key, 0)
    trial.report(0.0, 0)
    trial.set_user_attr("n1", 1)
    trial.set_user_attr("n2", 1)
    trial.set_user_attr("k1", 2)  # stored before this write: stays second
    trial.set_user_attr("n1", 2)  # new in this write: stays before n2
    trial.report(0.0, 1)
    trial.set_user_attr("n3", 3)
    study.tell(trial, 1.0)
    stored = optuna.load_study(study_name=study.study_name, storage=storage or study._storage).trials[0]
    assert list(stored.user_attrs.items()) == [("k0", 0), ("k1", 2), ("k2", 0), ("n1", 2), ("n2", 1), ("n3", 3)]
