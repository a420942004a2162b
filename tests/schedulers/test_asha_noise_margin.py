"""Stop-mode ASHA's noise margin (issue 19, session 29, candidate B; ``_noise_margin``, off by
default): the report noise is estimated from the trials' own successive reports, and a cut (or a
forecast stop) within that noise of its line waits for the next rung."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tunewise.schedulers._asha import curve_residuals

R = 27  # rungs 1, 3, 9 (eta 3); every configuration reports at every step 1..27


def _run(noise: float, margin: bool, n: int = 40, seed: int = 3) -> tuple[list[int | None], tw.schedulers.ASHAScheduler,
                                                                          tw.Study]:
    """``n`` trials of crossing-free curves ``q_i + 0.5 exp(-t / 3)`` with Gaussian noise of sd
    ``noise`` on every report (the same draws whatever the scheduler decides); returns the step at
    which each trial was stopped (None: ran to R)."""
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    sched._noise_margin = margin
    study = tw.create_study(scheduler=sched)
    rng = np.random.default_rng(seed)
    q = rng.uniform(0.0, 0.4, size=n)
    eps = rng.normal(0.0, noise, size=(n, R))
    stopped: list[int | None] = []
    for i in range(n):
        t = study.ask()
        at = None
        for step in range(1, R + 1):
            t.report(float(q[i] + 0.5 * np.exp(-step / 3) + eps[i, step - 1]), step)
            if t.should_prune():
                at = step
                break
        stopped.append(at)
        if at is None:
            study.tell(t, float(q[i] + 0.5 * np.exp(-R / 3) + eps[i, R - 1]))
        else:
            study.tell(t, state=tw.TrialState.PRUNED)
    return stopped, sched, study


def test_curve_residuals_by_hand() -> None:
    # a straight line leaves no residual; one bump of +0.3 at step 3 (equal spacing): 0.3 / sqrt(1.5)
    assert curve_residuals({s: 2.0 - 0.1 * s for s in range(1, 9)}) == pytest.approx([0.0] * 3)
    res = curve_residuals({2: 1.0, 3: 1.3, 4: 1.0})
    assert res == pytest.approx([0.3 / np.sqrt(1.5)])
    # unequal spacing: the line through (4, 0) and (7, 3) at 5 is 1; weights 2/3 and 1/3
    assert curve_residuals({4: 0.0, 5: 2.0, 7: 3.0}) == pytest.approx([1.0 / np.sqrt(1 + 4 / 9 + 1 / 9)])
    assert curve_residuals({}) == []


def test_noise_estimate_tracks_the_report_noise() -> None:
    _, sched, study = _run(0.0, margin=False)
    sd, n = sched._report_noise_sd(study)
    assert n >= 20 and sd is not None and sd < 0.005
    _, sched, study = _run(0.08, margin=False)
    sd, n = sched._report_noise_sd(study)
    assert sd is not None and 0.06 < sd < 0.10
    # too few reports for an estimate: None, and the switch changes nothing
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    assert sched._report_noise_sd(tw.create_study(scheduler=sched)) == (None, 0)


def test_the_noise_estimate_is_private_while_its_switch_is_off() -> None:
    # a diagnostic of the off switch _noise_margin, not public API (s30): no public name to keep
    assert not tw.schedulers.ASHAScheduler._noise_margin
    assert not hasattr(tw.schedulers.ASHAScheduler, "report_noise_sd")


def test_switch_changes_decisions_on_noisy_curves_only() -> None:
    clean_off, *_ = _run(0.0, margin=False)
    clean_on, *_ = _run(0.0, margin=True)
    assert sum(s is not None for s in clean_off) >= 10  # the rungs do cut here
    assert clean_on == clean_off  # smooth curves: exactly today's decisions

    noisy_off, *_ = _run(0.08, margin=False)
    noisy_on, _, study = _run(0.08, margin=True)
    assert noisy_on != noisy_off
    # fewer trials are stopped at the first rung, and some carry a deferred rung
    assert sum(s == 1 for s in noisy_on) < sum(s == 1 for s in noisy_off)
    assert any(t.system_attrs.get("asha", {}).get("deferred") for t in study.trials)
