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
