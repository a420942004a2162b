"""Promote-mode ASHA's trust, seen from outside (issue 19): ``rung_recall``, ``first_trusted_rung``
and ``hedging`` report promote mode's verdicts (measured on configurations across their
segments)."""

from __future__ import annotations

import tunewise as tw
from tests.schedulers.test_asha_promote_trust import _promote, _slow_starters
from tunewise.schedulers._base import _as_context


def test_public_verdicts_report_promote_mode_before_anything_is_measured() -> None:
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote")
    study = tw.create_study(scheduler=sched)
    # New configurations are spread over Hyperband's brackets until a rung is trusted.
    assert sched.hedging(study) is True
    assert sched.first_trusted_rung(study) == len(sched.rungs()) == 3
    assert sched.rung_recall(study) == []
    plain = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", hedge_threshold=None)
    assert plain.hedging(study) is False and plain.first_trusted_rung(study) == 0


def test_public_verdicts_report_promote_mode_on_crossing_curves() -> None:
    # The best third at step 3 start slowest: rung 0 (step 1) misleads, rung 1 (step 3) is trusted.
    study, sched = _promote(_slow_starters, 36, 36)
    assert sched._promote_trust(_as_context(study)) == (1, True)
    verdicts = {k: v for k, _, _, _, _, v in sched.rung_recall(study)}
    assert verdicts[0] == "misleads" and verdicts[1] == "trusted"
    k, j, kept, top, n, _ = sched.rung_recall(study)[0]
    assert (k, kept) == (0, 0) and j > k and top >= 1 and n >= 6  # the cut at step 1 keeps none of the best
    assert sched.first_trusted_rung(study) == 1
    assert sched.hedging(study) is True  # new configurations skip rung 0


def test_public_verdicts_report_promote_mode_once_the_first_rung_is_trusted() -> None:
    study, sched = _promote(lambda i: [float(i)] * 4, 36, 36)
    assert sched.first_trusted_rung(study) == 0
    assert sched.hedging(study) is False
    assert sched.rung_recall(study)[0][-1] == "trusted"

