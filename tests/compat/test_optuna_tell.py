"""``study.tell`` with what an ask-and-tell loop may hand it, as Optuna takes it: a value that is
not a result fails the trial with a warning and the loop goes on (an explicit ``state=COMPLETE``
raises), and a pruned trial's value is its last report unless that report is NaN."""

from __future__ import annotations

import contextlib
import math

import pytest

import tunewise as optuna
from tunewise.trial import TrialState


@pytest.mark.parametrize("bad", [float("nan"), None, "a", [1.0, 2.0]])
def test_a_bad_value_fails_the_trial_with_a_warning(bad: object) -> None:
    study = optuna.create_study()
    with pytest.warns(UserWarning, match="FAILED"):
        frozen = study.tell(study.ask(), bad)  # type: ignore[arg-type]
    assert frozen.state == TrialState.FAILED and frozen.values is None
    # the loop goes on
    study.tell(study.ask(), 1.0)
    assert [t.state for t in study.trials] == [TrialState.FAILED, TrialState.COMPLETE]


def test_a_wrong_number_of_values_fails_a_multi_objective_trial_with_a_warning() -> None:
    study = optuna.create_study(directions=["minimize", "maximize"])
    with pytest.warns(UserWarning):
        study.tell(study.ask(), 1.0)
    assert study.trials[0].state == TrialState.FAILED


def test_a_bad_value_with_state_complete_raises() -> None:
    study = optuna.create_study()
    with pytest.raises(ValueError):
        study.tell(study.ask(), math.nan, state=TrialState.COMPLETE)
    with pytest.raises(ValueError):
        study.tell(study.ask(), state=TrialState.COMPLETE)


def test_a_pruned_trial_takes_its_last_report_unless_it_is_nan() -> None:
    study = optuna.create_study()
    values = []
    for reports in ([], [0.5, 2.0], [1.0, math.inf], [1.0, math.nan]):
        trial = study.ask()
        for step, v in enumerate(reports):
            with pytest.warns(RuntimeWarning) if math.isnan(v) else contextlib.nullcontext():
                trial.report(v, step)
        values.append(study.tell(trial, state=TrialState.PRUNED).value)
    assert values == [None, 2.0, math.inf, None]



def test_an_objective_value_with_float_is_taken_as_optuna_does() -> None:
    import tunewise as tw

    """optuna-examples' dask_ml_simple.py returns a 0-d dask array (it has no .item()); Optuna
    records float(value). A string is still refused."""

    class Lazy:  # what a dask scalar looks like to the study: only __float__
        def __float__(self) -> float:
            return 0.25

    class Vector:
        def __float__(self) -> float:
            raise TypeError("only size-1 arrays can be converted")

    study = tw.create_study()
    study.optimize(lambda t: Lazy(), n_trials=1)
    study.optimize(lambda t: Vector(), n_trials=1)
    study.optimize(lambda t: "0.5", n_trials=1)
    assert [t.state for t in study.trials] == [tw.TrialState.COMPLETE, tw.TrialState.FAILED, tw.TrialState.FAILED]
    assert study.trials[0].value == 0.25
    assert "expected a float" in study.trials[1].system_attrs["fail_reason"]
    da = pytest.importorskip("dask.array")
    study.optimize(lambda t: da.from_array([0.5, 1.5]).mean(), n_trials=1)
    assert study.trials[-1].value == 1.0


@pytest.mark.parametrize("bad", [None, math.nan, [1.0, 2.0]])
def test_a_refused_state_complete_leaves_the_trial_running_to_be_told_again(bad: object) -> None:
    # Optuna 5.1 raises before it writes anything: the trial stays RUNNING, and a loop that catches
    # the ValueError can tell it again (s30's third-party probe: tunewise had recorded it FAILED, so
    # the second tell raised "already FAILED").
    study = optuna.create_study()
    trial = study.ask()
    with pytest.raises(ValueError):
        study.tell(trial, bad, state=TrialState.COMPLETE)  # type: ignore[arg-type]
    assert study.trials[0].state == TrialState.RUNNING
    assert study.tell(trial.number, 0.25).value == 0.25
    other = study.ask()
    with pytest.raises(ValueError):
        study.tell(other, state=TrialState.COMPLETE)
    assert study.tell(other, state=TrialState.FAILED).state == TrialState.FAILED
