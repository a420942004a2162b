"""Stop-mode ASHA's report agreement (issue 19, session 29, candidate A): how reliably one report
ranks configurations, measured on the runs to max_resource (Spearman's rho between consecutive
late reports). Where it is low, a cheap rung cuts only once trusted, as a costly one does."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tunewise.schedulers._asha import _audited, spearman_rho
from tunewise.trial import TrialState

R = 27  # rungs 1, 3, 9 (eta 3); every configuration reports at every step 1..27


def _study(n: int, noise: float, gate: bool, seed: int = 0) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """``n`` runs to R of curves ``q_i + exp(-t / 4)`` (configuration i finishes i-th: the rungs
    rank as the end does), with Gaussian noise of sd ``noise`` on the reports of steps 14-26 (the
    rung results and the final report are exact, so the recall test sees the same in both)."""
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    sched._retest_gate = gate
    study = tw.create_study(scheduler=sched)
    rng = np.random.default_rng(seed)
    for i in range(n):
        t = study.ask()
        for step in range(1, R + 1):
            v = 0.01 * i + np.exp(-step / 4)
            if 14 <= step < R:
                v += rng.normal(0.0, noise)
            t.report(float(v), step)
        t.should_prune()
        study.tell(t, float(0.01 * i + np.exp(-R / 4)))
    return study, sched


def _pruned_at_first_rung(study: tw.Study) -> bool:
    """Whether a new trial (not an audit) whose first report is the worst yet is cut at step 1."""
    while _audited(len(study.trials), 3):
        study.tell(study.ask(), state=TrialState.PRUNED)
    t = study.ask()
    t.report(1e6, 1)
    pruned = t.should_prune()
    study.tell(t, state=TrialState.PRUNED)
    return pruned


def test_spearman_rho_by_hand() -> None:
    assert spearman_rho([1, 2, 3, 4], [10, 20, 40, 30]) == pytest.approx(0.8)
    assert spearman_rho([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman_rho([1, 1, 1], [1, 2, 3]) is None
    assert spearman_rho([1], [2]) is None
    with pytest.raises(ValueError, match="equal length"):
        spearman_rho([1, 2], [1])


def test_noisy_reports_stop_cheap_rungs_from_cutting_before_trust() -> None:
    clean, sched = _study(8, 0.0, gate=True)
    rho, runs = sched.report_agreement(clean)
    assert runs == 8 and rho == pytest.approx(1.0)
    # 8 configurations: too few best ones (2) for trust, none found to mislead: the cheap rungs cut
    assert [v for *_, v in sched.rung_recall(clean)] == ["unknown"] * 3
    assert sched.first_trusted_rung(clean) == 0 and _pruned_at_first_rung(clean)

    noisy, sched = _study(8, 0.2, gate=True)
    rho, runs = sched.report_agreement(noisy)
    assert runs == 8 and rho is not None and rho < 0.5
    assert [v for *_, v in sched.rung_recall(noisy)] == ["unknown"] * 3  # the same verdicts
    assert sched.first_trusted_rung(noisy) == 3 and sched.hedging(noisy)  # nothing cuts
    assert not _pruned_at_first_rung(noisy)

    # the switch off: today's rule cuts the same noisy study at the cheap rungs
    noisy, sched = _study(8, 0.2, gate=False)
    assert sched.first_trusted_rung(noisy) == 0 and _pruned_at_first_rung(noisy)


def test_report_agreement_needs_six_runs_and_late_report_pairs() -> None:
    study, sched = _study(5, 0.2, gate=True)
    assert sched.report_agreement(study) == (None, 5)
    assert sched.first_trusted_rung(study) == 0  # not measured: today's rule
    # trials that report only at the rungs and at max_resource have no consecutive late reports
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    sched._retest_gate = True
    study = tw.create_study(scheduler=sched)
    for i in range(8):
        t = study.ask()
        for step in (1, 3, 9, R):
            t.report(float(i), step)
        t.should_prune()
        study.tell(t, float(i))
    assert sched.report_agreement(study) == (None, 8)
