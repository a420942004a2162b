"""A pruned trial's last value counts for a model only at steps shown to rank like the end."""

from __future__ import annotations

import tunewise as tw
from tunewise.samplers._pruned_trust import trusted_pruned
from tunewise.trial import TrialState


def _study(agree: bool, n_complete: int = 10) -> tw.Study:
    """``n_complete`` complete trials reporting at steps 1 and 9 (their final value), whose step-1
    values rank them like the final values (``agree``) or the other way round (curves that
    cross), then three trials pruned at step 1 and one pruned at step 9."""
    study = tw.create_study()
    for i in range(n_complete):
        t = study.ask()
        t.report(float(i if agree else -i), 1)
        t.report(float(i), 9)
        study.tell(t, float(i))
    for step in (1, 1, 1, 9):
        t = study.ask()
        t.report(100.0, step)
        study.tell(t, state=TrialState.PRUNED)
    return study


def _pruned_ids(study: tw.Study, step: int) -> set[int]:
    return {t.trial_id for t in study.trials if t.state == TrialState.PRUNED and max(t.intermediate_values) == step}


def test_pruned_trials_count_where_their_step_ranks_like_the_end() -> None:
    study = _study(agree=True)
    assert trusted_pruned(study.trials) == _pruned_ids(study, 1) | _pruned_ids(study, 9)


def test_pruned_trials_are_left_out_where_curves_cross() -> None:
    study = _study(agree=False)  # step 1 ranks the complete trials backwards (tau -1); step 9 exactly
    assert trusted_pruned(study.trials) == _pruned_ids(study, 9)


def test_pruned_trials_are_left_out_until_agreement_is_measured() -> None:
    study = _study(agree=True, n_complete=7)  # 7 complete trials < 8: nothing measured yet
    assert trusted_pruned(study.trials) == set()


def test_gp_sampler_ignores_pruned_slow_starters() -> None:
    # Ten complete trials with x in [0, 0.45] (the lower x, the better the end and the worse step 1):
    # the pruned trials near x = 0 looked bad at step 1. The GP must not learn that x = 0 is bad.
    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=0)
    study = tw.create_study(sampler=sampler)
    for i in range(10):
        x = 0.05 * i
        study.enqueue_trial({"x": x})
        t = study.ask()
        t.suggest_float("x", 0.0, 1.0)
        t.report(-x, 1)
        t.report(x, 9)
        study.tell(t, x)
    for x in (0.0, 0.01, 0.02):
        study.enqueue_trial({"x": x})
        t = study.ask()
        t.suggest_float("x", 0.0, 1.0)
        t.report(100.0, 1)
        study.tell(t, state=TrialState.PRUNED)
    t = study.ask()
    assert t.suggest_float("x", 0.0, 1.0) < 0.2
