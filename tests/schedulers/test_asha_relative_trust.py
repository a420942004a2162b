"""Stop-mode ASHA's relative trust (issue 19, session 31, candidate D; ``_relative_trust``, off by
default): a costly rung that is measured and not found to mislead cuts, as a cheap rung does, once
every rung below it is measured to mislead."""

from __future__ import annotations

import numpy as np

import tunewise as tw

R = 27  # rungs 1, 3, 9 (eta 3); rung 9 is costly (cut_price 5/9), rungs 1 and 3 are cheap


def _run(on: bool, n: int = 8, seed: int = 0) -> tuple[list[int | None], tw.Study, np.ndarray]:
    """``n`` trials whose early ranks are the reverse of their final ones until t = 6, so rungs 1
    and 3 mislead and rung 9 ranks as the end does: ``q_i + max(0, 1 - t / 6) (0.5 - q_i) 2``.
    Returns the step at which each trial was stopped (None: ran to R)."""
    sched = tw.schedulers.ASHAScheduler(1, R, 3, forecast=False)
    sched._relative_trust = on
    study = tw.create_study(scheduler=sched)
    q = np.random.default_rng(seed).uniform(0.0, 0.5, size=n)
    stopped: list[int | None] = []
    for i in range(n):
        t = study.ask()
        at = None
        value = 0.0
        for step in range(1, R + 1):
            value = float(q[i] + max(0.0, 1.0 - step / 6) * (0.5 - q[i]) * 2.0)
            t.report(value, step)
            if t.should_prune():
                at = step
                break
        stopped.append(at)
        if at is None:
            study.tell(t, value)
        else:
            study.tell(t, state=tw.TrialState.PRUNED)
    return stopped, study, q


def test_switch_is_off_by_default() -> None:
    assert tw.schedulers.ASHAScheduler(1, R, 3)._relative_trust is False


def test_costly_rung_cuts_once_the_rungs_below_mislead() -> None:
    off, study_off, _ = _run(on=False)
    on, study_on, q = _run(on=True)
    sched_off, sched_on = study_off.scheduler, study_on.scheduler
    assert isinstance(sched_off, tw.schedulers.ASHAScheduler) and isinstance(sched_on, tw.schedulers.ASHAScheduler)
    # Off: rungs 1 and 3 are found to mislead, so they pass every trial; the costly rung 9 cuts
    # nothing before it is trusted (9 uncut full runs), so all 8 trials run to R.
    assert off == [None] * 8
    assert [v for *_, v in sched_off.rung_recall(study_off)] == ["misleads", "misleads", "unknown"]
    assert sched_off.first_trusted_rung(study_off) == 3
    # On: once rungs 1 and 3 mislead, the measured rung 9 cuts (1 in 3 trials pass it uncut) ...
    assert sum(s == 9 for s in on) >= 2
    assert set(on) <= {None, 9}
    assert sched_on.first_trusted_rung(study_on) == 2
    # ... and what it cuts is not the best configuration.
    cut = [i for i, s in enumerate(on) if s == 9]
    assert min(q[cut]) > min(q)
