"""Stop-mode ASHA, issue 19 (session 33), candidate O (``ASHAScheduler._outlier_gap``): a cheap rung
that would pass a trial uncut (not measured yet, found to mislead, or an audit) cuts it when its
result there is worse than every other result at that rung by more than ``_outlier_gap`` times their
range; off (None) by default."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.trial import TrialState

STEPS = [1, 3, 9, 27]  # rungs 1/3/9 below max_resource 27


def _first_three(third_at_step_1: float, gap: float | None) -> tuple[bool, list[int]]:
    """Two full runs, then a third trial reporting ``third_at_step_1`` at step 1 (the start-up: no
    rung is measured yet, so the default passes it uncut). Whether it is pruned there, and the
    rungs it passed uncut."""
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    if gap is not None:
        sched._outlier_gap = gap
    study = tw.create_study(scheduler=sched)
    for first in (1.0, 1.2):
        t = study.ask()
        for step in STEPS:
            t.report(first - 0.01 * step, step)
            assert not t.should_prune()
        study.tell(t, first - 0.27)
    t = study.ask()
    t.report(third_at_step_1, 1)
    pruned = t.should_prune()
    study.tell(t, state=TrialState.PRUNED if pruned else TrialState.COMPLETE, values=None if pruned else 1.0)
    return pruned, list(study.trials[-1].system_attrs["asha"].get("uncut", []))


def test_default_passes_the_start_up_uncut() -> None:
    assert tw.schedulers.ASHAScheduler(1, 27, 3)._outlier_gap is None
    assert _first_three(9.0, None) == (False, [0])


@pytest.mark.parametrize("value, pruned", [(9.0, True), (1.26, True), (1.24, False), (1.1, False), (0.5, False)])
def test_a_gross_outlier_is_cut_at_an_unmeasured_cheap_rung(value: float, pruned: bool) -> None:
    # The others at step 1: 0.99 and 1.19 (range 0.2); with gap 0.25 the bar is 1.19 + 0.05 = 1.24.
    got, uncut = _first_three(value, 0.25)
    assert got is pruned
    assert uncut == ([] if pruned else [0])


def test_no_cut_on_a_zero_range_or_a_costly_rung() -> None:
    # Two others alike at step 1: no scale, no cut.
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    sched._outlier_gap = 0.25
    study = tw.create_study(scheduler=sched)
    for _ in range(2):
        t = study.ask()
        for step in STEPS:
            t.report(1.0, step)
            t.should_prune()
        study.tell(t, 1.0)
    t = study.ask()
    t.report(9.0, 1)
    assert not t.should_prune()
    # eta 2: no cheap rung (cut_price > 0.5 everywhere), so the switch never cuts.
    sched2 = tw.schedulers.ASHAScheduler(1, 8, 2)
    sched2._outlier_gap = 0.25
    study2 = tw.create_study(scheduler=sched2)
    for first in (1.0, 1.2):
        t = study2.ask()
        for step in (1, 2, 4, 8):
            t.report(first - 0.01 * step, step)
            t.should_prune()
        study2.tell(t, first)
    t = study2.ask()
    t.report(9.0, 1)
    assert not t.should_prune()
