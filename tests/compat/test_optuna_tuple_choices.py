"""A categorical choice that is a tuple comes back as that tuple in ``best_params`` and
``best_trial.params``, as from Optuna's default (in-memory) storage.

Scripts tune ``ngram_range`` / ``hidden_layer_sizes`` / kernel shapes as
``trial.suggest_categorical("ngram_range", [(1, 1), (1, 2)])`` and refit with
``TfidfVectorizer(**study.best_params)``; scikit-learn refuses a list for ``ngram_range``, so a
best value read back as the stored JSON list broke the refit (third-party batch 9)."""

from __future__ import annotations

import pathlib

import pytest

import tunewise as optuna

CHOICES = [(1, 1), (1, 2), (2, 3)]


def _objective(trial: optuna.Trial) -> float:
    ngram = trial.suggest_categorical("ngram_range", CHOICES)
    assert isinstance(ngram, tuple)  # the objective has always been given the tuple
    kind = trial.suggest_categorical("kind", ["a", "b"])
    return ngram[1] - ngram[0] + (kind == "b") + trial.suggest_float("x", 0, 1)


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_best_params_give_the_tuple_choice(backend: str, tmp_path: pathlib.Path) -> None:
    storage = None if backend == "memory" else f"sqlite:///{tmp_path}/s.db"
    study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=8)

    best = study.best_params
    assert best["ngram_range"] in CHOICES
    assert isinstance(best["ngram_range"], tuple)
    assert isinstance(study.best_trial.params["ngram_range"], tuple)
    assert isinstance(best["kind"], str) and isinstance(best["x"], float)
    assert best == study.best_trial.params

    from sklearn.feature_extraction.text import TfidfVectorizer

    TfidfVectorizer(ngram_range=best["ngram_range"]).fit(["alpha beta gamma", "beta gamma delta"])  # the usual refit


def test_multiobjective_front_gives_the_tuple_choice() -> None:
    study = optuna.create_study(directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=1))
    study.optimize(lambda t: (_objective(t), t.params["x"]), n_trials=6)
    assert study.best_trials
    assert all(isinstance(t.params["ngram_range"], tuple) for t in study.best_trials)


def test_a_list_choice_stays_a_list() -> None:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: len(t.suggest_categorical("layers", [[8], [8, 8]])), n_trials=3)
    assert isinstance(study.best_params["layers"], list)
