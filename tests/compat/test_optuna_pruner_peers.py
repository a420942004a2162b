"""Optuna's MedianPruner and PercentilePruner compare a trial with the COMPLETE trials' values at its
step only: a PRUNED trial's reports and a RUNNING trial's reports do not move the median (tunewise's
own MedianScheduler counts them). Found by s30's third-party probe (a PercentilePruner replay pruned
trial 3 one step later than Optuna 5.1)."""

from __future__ import annotations

import pytest

import tunewise as optuna
from tunewise.trial import TrialState


def _two_complete_trials(pruner: optuna.pruners.BasePruner) -> optuna.Study:
    study = optuna.create_study(pruner=pruner)
    for value in (1.0, 3.0):
        trial = study.ask()
        trial.report(value, 0)
        study.tell(trial, value)
    return study


def _high_peer(study: optuna.Study, state: str) -> None:
    """A trial that reported 10.0 at step 0 and is then PRUNED by its own objective, or left RUNNING."""
    trial = study.ask()
    trial.report(10.0, 0)
    if state == "PRUNED":
        study.tell(trial, state=TrialState.PRUNED)


@pytest.mark.parametrize("state", ["PRUNED", "RUNNING"])
@pytest.mark.parametrize(
    "make", [lambda: optuna.pruners.MedianPruner(2, 0), lambda: optuna.pruners.PercentilePruner(50.0, 2, 0)]
)
def test_only_complete_trials_set_the_median(make, state: str) -> None:
    study = _two_complete_trials(make())
    _high_peer(study, state)
    trial = study.ask()
    trial.report(2.5, 0)  # above the COMPLETE trials' median 2.0; below 3.0 if the 10.0 counted
    assert trial.should_prune()


def test_percentile_pruner_replay_prunes_where_optuna_does() -> None:
    # The probe's replay: trial k reports 1/(step+1) + 0.1 * (7k mod 5); Optuna 5.1 prunes at these steps.
    study = optuna.create_study(pruner=optuna.pruners.PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=1))
    pruned_at = []

    def objective(trial: optuna.Trial) -> float:
        k = trial.number
        for step in range(9):
            trial.report(1.0 / (step + 1) + 0.1 * ((k * 7) % 5), step)
            if trial.should_prune():
                pruned_at.append((k, step))
                raise optuna.TrialPruned()
        return 1.0 / 9 + 0.1 * ((k * 7) % 5)

    study.optimize(objective, n_trials=8)
    assert pruned_at == [(2, 1), (3, 1), (4, 1), (6, 1), (7, 1)]


def test_median_scheduler_still_counts_pruned_and_running_trials() -> None:
    study = _two_complete_trials(optuna.schedulers.MedianScheduler(2, 0))
    _high_peer(study, "PRUNED")
    trial = study.ask()
    trial.report(2.5, 0)
    assert not trial.should_prune()


def test_the_default_median_rule_is_optunas_median_pruner() -> None:
    # No pruner: should_prune() asks Optuna's default, MedianPruner() (n_startup_trials=5), COMPLETE peers only.
    study = optuna.create_study()
    for value in (1.0, 3.0, 1.0, 3.0, 2.0):
        trial = study.ask()
        trial.report(value, 0)
        study.tell(trial, value)
    _high_peer(study, "PRUNED")
    trial = study.ask()
    trial.report(2.5, 0)  # above the COMPLETE median 2.0; equal to the median 2.5 if the 10.0 counted
    assert trial.should_prune()
