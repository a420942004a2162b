"""Stop-mode ASHA's bracket hedge (issue 19, session 30, candidate C; ``_bracket_hedge``, off by
default): a costly rung that is measured, not found to mislead and not trusted yet cuts a share of
the trials (Hyperband's bracket that starts there), the others pass it uncut and measure it."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tunewise.schedulers._base import _as_context

R = 27  # rungs 1, 3, 9 (eta 3); rung 9 is costly (cut_price 5/9), rungs 1 and 3 are cheap


def _run(hedge: bool, n: int = 15, seed: int = 3) -> tuple[list[int | None], tw.Study]:
    """``n`` trials whose first third of training is ranked by a term unrelated to the final
    quality (benchmarks' "uninformative" curves): ``q_i + (1 - min(1, t / 9)) e_i + 0.3 exp(-t / 4)``.
    Returns the step at which each trial was stopped (None: ran to R)."""
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    sched._bracket_hedge = hedge
    study = tw.create_study(scheduler=sched)
    rng = np.random.default_rng(seed)
    q = rng.uniform(0.0, 0.4, size=n)
    early = rng.uniform(0.0, 0.6, size=n)
    stopped: list[int | None] = []
    for i in range(n):
        t = study.ask()
        at = None
        value = 0.0
        for step in range(1, R + 1):
            value = float(q[i] + (1.0 - min(1.0, step / 9)) * early[i] + 0.3 * np.exp(-step / 4))
            t.report(value, step)
            if t.should_prune():
                at = step
                break
        stopped.append(at)
        if at is None:
            study.tell(t, value)
        else:
            study.tell(t, state=tw.TrialState.PRUNED)
    return stopped, study


def test_switch_is_off_by_default() -> None:
    assert tw.schedulers.ASHAScheduler(1, R, 3)._bracket_hedge is False


def test_hedge_cuts_a_share_at_the_untrusted_costly_rung() -> None:
    off, study_off = _run(hedge=False)
    on, study_on = _run(hedge=True)
    # Today the costly rung 9 cuts nothing before it is trusted (after these 15 trials), so
    # trials run on to R unless a cheap rung cuts them.
    assert sum(s == 9 for s in off) == 0
    # With the hedge some trials are cut there, and more runs stop short of R overall ...
    assert sum(s == 9 for s in on) >= 3
    assert sum(s is None for s in on) < sum(s is None for s in off)
    # ... while others still pass rung 9 uncut and measure it (index 2 in their "uncut" list).
    late_uncut = [t for t in study_on.trials[3:] if 2 in t.system_attrs.get("asha", {}).get("uncut", [])]
    assert late_uncut
    # The rung is still only measured (neither trusted nor misleading) at the end.
    sched = study_on.scheduler
    assert sched is not None and any(v == "unknown" for *_, v in sched.rung_recall(study_on))


def test_share_follows_recall_and_cut_price(monkeypatch: pytest.MonkeyPatch) -> None:
    sched = tw.schedulers.ASHAScheduler(1, R, 3)
    study = tw.create_study(scheduler=sched)
    price = sched.cut_price(2)
    assert price == pytest.approx(1 / 3 + (2 / 3) / 3)

    def share(recall_row: tuple[int, int, int, int, int, str]) -> float:
        monkeypatch.setattr(sched, "_rung_recall", lambda ctx: [recall_row])
        ctx = _as_context(study)
        trials = [type("T", (), {"number": k})() for k in range(4000)]
        return float(np.mean([sched._hedged(ctx, 2, t) for t in trials]))  # type: ignore[arg-type]

    # recall 1: equal compute for "cut at rung 2" and "no cut": 1 / (1 + price) of the trials
    assert share((2, 3, 3, 3, 9, "unknown")) == pytest.approx(1 / (1 + price), abs=0.03)
    # recall 1/2 weighs the cutting bracket down (Hyper-Tune's rank-agreement weights)
    assert share((2, 3, 1, 2, 6, "unknown")) == pytest.approx(0.5 / (0.5 + price), abs=0.03)
    # only an "unknown" rung is hedged: a misleading or trusted one keeps today's rule
    assert share((2, 3, 0, 2, 6, "misleads")) == 0.0
    assert share((2, 3, 3, 3, 9, "trusted")) == 0.0
