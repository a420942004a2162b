"""Median / percentile / patience decisions on hand-computed cases."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.trial import TrialState


def _history(study: tw.Study, curves: list[list[float]]) -> None:
    for curve in curves:
        t = study.ask()
        for step, v in enumerate(curve):
            t.report(v, step)
        study.tell(t, curve[-1])


def _live(study: tw.Study, curve: list[float]) -> tw.Trial:
    t = study.ask()
    for step, v in enumerate(curve):
        t.report(v, step)
    return t


def test_median_decisions_at_known_steps() -> None:
    study = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=2, n_warmup_steps=1))
    _history(study, [[1, 2, 3], [3, 4, 5], [5, 6, 7]])  # values at step 1: 2, 4, 6 -> median 4
    t = _live(study, [100.0])
    assert not t.should_prune()  # step 0 < n_warmup_steps
    t.report(4.5, 1)  # best so far 4.5 > median 4
    assert t.should_prune()
    t2 = _live(study, [100.0, 3.9])  # 3.9 < 4
    assert not t2.should_prune()


def test_median_respects_maximize() -> None:
    study = tw.create_study(direction="maximize", pruner=tw.schedulers.MedianScheduler(n_startup_trials=1))
    _history(study, [[2.0], [4.0], [6.0]])  # median 4; higher is better
    assert _live(study, [3.9]).should_prune()
    assert not _live(study, [4.1]).should_prune()


def test_median_startup_and_interval() -> None:
    study = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=4))
    _history(study, [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    assert not _live(study, [9.0]).should_prune()  # only 3 COMPLETE trials < 4
    study2 = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=1, interval_steps=2))
    _history(study2, [[1.0, 1.0, 1.0]])
    t = _live(study2, [0.5, 9.0])
    assert not t.should_prune()  # step 1 is not a multiple of interval_steps=2
    t.report(9.0, 2)
    assert not t.should_prune()  # best so far (0.5) beats the median of step 2 (1.0)
    t3 = _live(study2, [9.0, 9.0, 9.0])
    assert t3.should_prune()


def test_percentile_threshold() -> None:
    study = tw.create_study(pruner=tw.schedulers.PercentileScheduler(25.0, n_startup_trials=0))
    _history(study, [[2.0], [4.0], [6.0]])  # 25th percentile = 3.0
    assert _live(study, [3.5]).should_prune()
    assert not _live(study, [2.9]).should_prune()


def test_patience_counts_reports_without_improvement() -> None:
    study = tw.create_study(pruner=tw.schedulers.PatienceScheduler(patience=2))
    assert _live(study, [1.0, 0.9, 0.95, 0.92]).should_prune()  # best at step 1, two reports since
    assert not _live(study, [1.0, 0.9, 0.95]).should_prune()
    study_d = tw.create_study(pruner=tw.schedulers.PatienceScheduler(patience=3, min_delta=0.2))
    assert study_d.scheduler is not None
    assert _live(study_d, [1.0, 0.9, 0.85, 0.82]).should_prune()  # no step improved by > 0.2
    study_max = tw.create_study(direction="maximize", pruner=tw.schedulers.PatienceScheduler(patience=2))
    assert not _live(study_max, [0.1, 0.2, 0.3, 0.4]).should_prune()


def test_patience_wrapping_defers_to_wrapped() -> None:
    median = tw.schedulers.MedianScheduler(n_startup_trials=1)
    study = tw.create_study(pruner=tw.schedulers.PatienceScheduler(patience=1, wrapped=median))
    _history(study, [[5.0, 5.0, 5.0]])
    assert not _live(study, [1.0, 2.0, 3.0]).should_prune()  # stalled, but better than the median
    assert _live(study, [6.0, 7.0, 8.0]).should_prune()  # stalled and worse than the median
    assert not _live(study, [9.0, 8.0, 7.0]).should_prune()  # worse, but still improving


def test_pruned_trials_are_stored_with_intermediate_values() -> None:
    study = tw.create_study(pruner=tw.schedulers.MedianScheduler(n_startup_trials=1),
                            sampler=tw.samplers.RandomSampler(seed=0))
    curves = {0: [1.0, 1.0, 1.0], 1: [5.0, 6.0, 7.0]}

    def objective(trial: tw.Trial) -> float:
        trial.suggest_float("x", 0, 1)
        for step, v in enumerate(curves[trial.number]):
            trial.report(v, step)
            if trial.should_prune():
                raise tw.TrialPruned()
        return curves[trial.number][-1]

    study.optimize(objective, n_trials=2)
    t = study.trials[1]
    assert t.state == TrialState.PRUNED
    assert t.intermediate_values == {0: 5.0}
    assert t.value == 5.0


@pytest.mark.parametrize(("make", "word"), [
    (lambda: tw.schedulers.MedianScheduler(n_warmup_steps=-1), "n_warmup_steps"),
    (lambda: tw.schedulers.MedianScheduler(interval_steps=0), "interval_steps"),
    (lambda: tw.schedulers.PercentileScheduler(101), "percentile"),
    (lambda: tw.schedulers.PatienceScheduler(0), "patience"),
    (lambda: tw.schedulers.PatienceScheduler(2, min_delta=-1), "min_delta"),
])
def test_bad_settings(make, word) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=word):
        make()


def test_report_records_nan_and_backward_steps_with_a_warning() -> None:
    study = tw.create_study(pruner=tw.schedulers.MedianScheduler())
    t = study.ask()
    with pytest.warns(RuntimeWarning, match="NaN"):
        t.report(float("nan"), 0)
    t.report(1.0, 3)
    with pytest.warns(RuntimeWarning, match="step 2 after step 3"):
        t.report(1.0, 2)
