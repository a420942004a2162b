"""Optuna's TrialState is an IntEnum (RUNNING 0, COMPLETE 1, PRUNED 2, FAIL 3, WAITING 4); public
scripts pass those numbers where states are asked for (``MaxTrialsCallback(n, states=[1])``, seen in
third-party code in session 23's optuna_wild4 search) and compare states with them. tunewise's states
are text-valued: the numbers matched nothing (the callback never stopped a study)."""

from __future__ import annotations

import pickle

import pytest

import tunewise as tw
from tunewise.trial import TrialState


def _objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number % 3 == 2:
        raise tw.TrialPruned()
    return x


def test_get_trials_filters_by_optuna_state_numbers() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_objective, n_trials=6)
    complete = study.get_trials(states=(TrialState.COMPLETE,))
    pruned = study.get_trials(states=(TrialState.PRUNED,))
    assert len(complete) == 4 and len(pruned) == 2
    assert [t.number for t in study.get_trials(states=[1])] == [t.number for t in complete]
    assert [t.number for t in study.get_trials(states=(2,))] == [t.number for t in pruned]
    assert len(study.get_trials(states=[1, 2])) == 6
    assert [t for t in study.trials if t.state == 1] == complete


def test_max_trials_callback_with_state_numbers_stops_the_study() -> None:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(
        lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=20, callbacks=[tw.study.MaxTrialsCallback(3, states=[1])]
    )
    assert len(study.trials) == 3


@pytest.mark.parametrize(
    ("state", "number"),
    [
        (TrialState.RUNNING, 0),
        (TrialState.COMPLETE, 1),
        (TrialState.PRUNED, 2),
        (TrialState.FAIL, 3),
        (TrialState.WAITING, 4),
    ],
)
def test_states_and_numbers_convert_both_ways(state: TrialState, number: int) -> None:
    assert TrialState(number) is state
    assert int(state) == number
    assert state == number and not (state != number)
    assert state != (number + 1) % 5


def test_text_equality_hash_and_pickling_are_unchanged() -> None:
    assert TrialState.COMPLETE == "COMPLETE" and TrialState.FAILED == "FAILED"
    assert TrialState("COMPLETE") is TrialState.COMPLETE
    assert hash(TrialState.COMPLETE) == hash("COMPLETE")
    assert {TrialState.COMPLETE: 1}["COMPLETE"] == 1
    assert TrialState.COMPLETE != TrialState.PRUNED and TrialState.COMPLETE != "PRUNED"
    assert TrialState.COMPLETE != True  # noqa: E712  (a bool is no state number)
    assert pickle.loads(pickle.dumps(TrialState.PRUNED)) is TrialState.PRUNED
    with pytest.raises(ValueError):
        TrialState(7)
