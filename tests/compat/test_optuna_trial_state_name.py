"""A failed trial's ``state.name`` is Optuna's ``"FAIL"``: scripts count failed trials with
``t.state.name == "FAIL"`` (and print ``trial.state.name``), which found none in tunewise, whose
member is named FAILED (found by session 22's probe of Optuna's API; the comparison fills the
first page of public-code hits for it)."""

from __future__ import annotations

import pickle

import tunewise as tw
from tunewise import TrialState


def _study_with_a_failed_trial() -> tw.Study:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        if trial.number == 1:
            raise ValueError("diverged")
        return x

    study.optimize(objective, n_trials=3, catch=(ValueError,))
    return study


def test_failed_trials_are_counted_by_optunas_state_name() -> None:
    study = _study_with_a_failed_trial()
    assert [t.state.name for t in study.trials] == ["COMPLETE", "FAIL", "COMPLETE"]
    assert sum(1 for t in study.trials if t.state.name == "FAIL") == 1
    # the same spelling as the dataframe's state column and str(state)
    assert study.trials_dataframe()["state"].tolist() == [t.state.name for t in study.trials]
    assert str(study.trials[1].state) == "TrialState.FAIL"


def test_the_member_is_still_found_by_either_name_and_keeps_its_value() -> None:
    assert TrialState.FAILED.name == TrialState.FAIL.name == "FAIL"
    assert TrialState["FAILED"] is TrialState["FAIL"] is TrialState.FAILED
    assert TrialState("FAILED") is TrialState.FAILED and TrialState.FAILED.value == "FAILED"
    assert pickle.loads(pickle.dumps(TrialState.FAILED)) is TrialState.FAILED
    assert [s.name for s in TrialState] == ["WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAIL"]
    assert TrialState.COMPLETE.name == "COMPLETE"
