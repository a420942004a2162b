"""A discrete space smaller than the budget is run through by GPSampler (and so by the default sampler).

Found with a third-party notebook (s33, warisa-cmu/ml-training-2025-s2 ``S04_sampling.ipynb``: one
``suggest_categorical`` of three strings, a random objective, 50 trials): the default sampler's GP
asked for points that finished trials held, their claims were refused, and once a refusal was
forgotten (the holding trial is visible) it asked for a refused point again, which the study refuses:
``RuntimeError: ... claimed 'gp-point:...' again after another worker held it`` at the 7th to 20th
trial of a sequential study. Optuna's samplers repeat points of a run-through space.
"""

from __future__ import annotations

import logging
import random

import pytest

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _noisy_choice(rng: random.Random):
    def objective(trial: tw.Trial) -> float:
        choice = trial.suggest_categorical("x", ["a", "b", "c"])
        return rng.random() + {"a": 0.0, "b": 0.01, "c": 0.02}[choice]

    return objective


@pytest.mark.parametrize("sampler", [tw.samplers.GPSampler(seed=0), None], ids=["gp", "default"])
def test_three_choices_run_through_repeat_instead_of_raising(sampler: tw.samplers.Sampler | None) -> None:
    study = tw.create_study(sampler=sampler) if sampler is not None else tw.create_study()
    study.optimize(_noisy_choice(random.Random(0)), n_trials=30)
    states = [t.state for t in study.trials]
    assert len(states) == 30
    assert all(s == tw.TrialState.COMPLETE for s in states)
    assert {t.params["x"] for t in study.trials} == {"a", "b", "c"}


def test_small_integer_space_run_through() -> None:
    rng = random.Random(1)
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=1))
    study.optimize(lambda t: rng.random() + t.suggest_int("k", 0, 3), n_trials=25)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE] * 25
    assert {t.params["k"] for t in study.trials} == {0, 1, 2, 3}


def test_unexplored_points_are_still_preferred_to_repeats() -> None:
    # Held points are pending stand-ins: while the space has points no trial ran, the model moves
    # on to one of them (the eight points of the space in eight trials, past the start-up design).
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(lambda t: (t.suggest_int("k", 0, 7) - 5) ** 2, n_trials=8)
    assert sorted(t.params["k"] for t in study.trials) == list(range(8))
