"""Optuna's WilcoxonPruner safety: a trial that loses to the best trial on every instance seen so
far is kept while its mean so far is still as good as the best trial's mean over all of its
instances (easy instances first, hard ones later), and stopped once it is not."""

from __future__ import annotations

import pytest

import tunewise as optuna


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_a_trial_whose_mean_beats_the_best_mean_is_kept(direction: str) -> None:
    sign = 1.0 if direction == "minimize" else -1.0
    study = optuna.create_study(direction=direction, pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.5))
    best = [sign * v for v in [0.0] * 10 + [8.0] * 10]  # mean 4: easy instances, then hard ones
    study.add_trial(optuna.create_trial(value=sign * 4.0, params={}, distributions={},
                                        intermediate_values=dict(enumerate(best))))
    trial = study.ask()
    decisions = []
    for step, v in enumerate([1.0] * 10 + [9.0] * 10):  # worse than the best on every instance
        trial.report(sign * v, step)
        decisions.append(trial.should_prune())
    # The running mean reaches the best's mean 4 at step 15 and passes it at step 16.
    assert not any(decisions[:16])
    assert decisions[16]
