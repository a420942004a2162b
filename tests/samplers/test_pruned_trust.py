"""A pruned trial's last value counts for a model only at steps shown to rank like the end."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.samplers._pruned_trust import calibrated_pruned, trusted_pruned
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


def _agreeing_study(sampler: tw.samplers.Sampler | None = None) -> tw.Study:
    """Ten complete trials at x = 0.5 .. 0.95 whose step-1 values (10 + 2 i) rank them like their
    final values (i): step 1 is trusted, and its losses sit far above any final loss."""
    study = tw.create_study(sampler=sampler)
    for i in range(10):
        study.enqueue_trial({"x": 0.5 + 0.05 * i})
        t = study.ask()
        t.suggest_float("x", 0.0, 1.0)
        t.report(10.0 + 2 * i, 1)
        t.report(float(i), 9)
        study.tell(t, float(i))
    return study


def _prune_at_step_1(study: tw.Study, x: float, value: float) -> None:
    study.enqueue_trial({"x": x})
    t = study.ask()
    t.suggest_float("x", 0.0, 1.0)
    t.report(value, 1)
    study.tell(t, state=TrialState.PRUNED)


def test_trusted_pruned_values_are_put_on_the_final_scale() -> None:
    study = _agreeing_study()
    for x, value in ((0.1, 30.0), (0.2, 40.0), (0.3, 9.0)):
        _prune_at_step_1(study, x, value)
    keep = trusted_pruned(study.trials)
    by_x = {t.params["x"]: v for t in study.trials if (v := calibrated_pruned(study.trials, keep).get(t.trial_id))}
    # final = (step-1 value - 10) / 2 on the complete trials: ranks kept, scale of the final values
    assert by_x == pytest.approx({0.1: 10.0, 0.2: 15.0, 0.3: -0.5})
    assert calibrated_pruned(study.trials, set()) == {}


def test_gp_learns_from_trusted_pruned_trials_by_their_rank_not_their_raw_loss() -> None:
    # Four trials pruned at step 1 with the best step-1 values seen (8 .. 9.5 < 10), x = 0.1 .. 0.4:
    # where step 1 ranks like the end, they mark the most promising region, although their raw
    # losses are worse than most final losses (0 .. 9). Counted raw, the GP proposed x ~ 0.5.
    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=0)
    study = _agreeing_study(sampler)
    for x, value in ((0.1, 8.0), (0.2, 8.5), (0.3, 9.0), (0.4, 9.5)):
        _prune_at_step_1(study, x, value)
    t = study.ask()
    assert t.suggest_float("x", 0.0, 1.0) < 0.2


def test_tpe_ranks_trusted_pruned_trials_among_the_complete_ones() -> None:
    # Optuna's order puts every pruned trial after every complete one, so TPE's good set would be the
    # complete trials near x = 0.5; at a step measured to rank like the end, the pruned trials with
    # the best step-1 values (x = 0.1 .. 0.25) are the good set.
    study = _agreeing_study(tw.samplers.TPESampler(seed=0))
    for x, value in ((0.1, 8.0), (0.15, 8.5), (0.2, 9.0), (0.25, 9.5)):
        _prune_at_step_1(study, x, value)
    t = study.ask()
    assert t.suggest_float("x", 0.0, 1.0) < 0.3


def test_tpe_keeps_untrusted_pruned_trials_after_the_complete_ones() -> None:
    # The same pruned trials where step 1 ranks the complete trials backwards (curves that cross):
    # no trust, so optuna's order, and the good set stays with the complete trials near x = 0.5.
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    for i in range(10):
        study.enqueue_trial({"x": 0.5 + 0.05 * i})
        t = study.ask()
        t.suggest_float("x", 0.0, 1.0)
        t.report(30.0 - 2 * i, 1)
        t.report(float(i), 9)
        study.tell(t, float(i))
    for x, value in ((0.1, 8.0), (0.15, 8.5), (0.2, 9.0), (0.25, 9.5)):
        _prune_at_step_1(study, x, value)
    t = study.ask()
    assert t.suggest_float("x", 0.0, 1.0) > 0.35
