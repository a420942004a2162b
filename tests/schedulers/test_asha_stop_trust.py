"""Stop-mode ASHA measures a rung by what its cut costs: of the configurations best at a later
level, how many the rung's cut would have kept (``top_recall``), measured on trials not cut at
that rung, with a Wilson confidence bound (issue 19). A cheap rung cuts until it is measured to
mislead; a costly one only once it has earned trust."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest

import tunewise as tw
from tunewise.schedulers._asha import _audited, _wilson, kendall_tau, optimistic_final, top_recall
from tunewise.trial import TrialState

STEPS = [1, 3, 9, 27]  # rungs 1/3/9 below max_resource 27


def _study(values: Callable[[int], Sequence[float]], n: int,
           hedge_threshold: float | None = 0.5) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """``n`` trials, trial ``i`` reporting ``values(i)`` at steps 1, 3, 9, 27 (all of them: the
    stop decision is asked once at the end, so it only records the rung results)."""
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=hedge_threshold)
    study = tw.create_study(scheduler=sched)
    for i in range(n):
        t = study.ask()
        for v, step in zip(values(i), STEPS):
            t.report(float(v), step)
        t.should_prune()
        study.tell(t, float(values(i)[-1]))
    return study, sched


def _new_trials(study: tw.Study, n: int) -> list[tuple[int, bool]]:
    """(bracket, pruned at step 1) of ``n`` new trials whose first report is the worst yet."""
    out = []
    for _ in range(n):
        t = study.ask()
        t.report(1e6, 1)
        pruned = t.should_prune()
        out.append((t.system_attrs["asha"]["bracket"], pruned))
        study.tell(t, state=TrialState.PRUNED)
    return out


def _slow_starters(i: int) -> list[float]:
    # Trial i finishes r-th best (r = 7 i mod 36, lower is better) at every level from step 3 on;
    # at step 1 the 12 that finish best start slowest (behind 12 ordinary ones), the rest are in
    # final order.
    r = (7 * i) % 36
    return [r + 23.5 if r < 12 else float(r), float(r), float(r), float(r)]


def test_top_recall_and_wilson_by_hand() -> None:
    lo = {c: float(c) for c in range(9)}
    assert top_recall(lo, lo, 3) == (3, 3)
    assert top_recall(lo, {c: -float(c) for c in range(9)}, 3) == (0, 3)
    assert top_recall(lo, {0: 5.0, 8: 1.0}, 3) == (0, 1)   # 2 shared: the best 1 of each
    assert top_recall({}, lo, 3) == (0, 0)
    low, high = _wilson(3, 3, 1.0)
    assert low == pytest.approx(0.75) and high == 1.0
    assert _wilson(0, 3, 1.0)[1] == pytest.approx(0.25)
    assert _wilson(0, 0, 1.0) == (0.0, 1.0)


def test_slow_starters_that_finish_best_make_the_first_rung_mislead() -> None:
    # A rank correlation over all configurations still looks fair-ish (the ordinary two thirds
    # agree), but step 1's cut drops every configuration that finishes in the top third.
    rung0 = [_slow_starters(i)[0] for i in range(36)]
    final = [_slow_starters(i)[-1] for i in range(36)]
    assert kendall_tau(rung0, final) == pytest.approx(1 / 3)
    study, sched = _study(_slow_starters, 36)
    rows = {k: (j, kept, top, verdict) for k, j, kept, top, _, verdict in sched.rung_recall(study)}
    j, kept, top, verdict = rows[0]
    assert verdict == "misleads" and kept == 0 < top
    assert rows[1][3] == "trusted"  # step 3 keeps the best at step 27
    assert sched.first_trusted_rung(study) == 1 and sched.hedging(study)
    # No new trial is cut at step 1 any more: each passes it uncut (first cut at step 3).
    assert _new_trials(study, 8) == [(0, False)] * 8


def test_rungs_that_keep_the_best_earn_trust_and_asha_cuts_from_step_1() -> None:
    study, sched = _study(lambda i: [float(i)] * 4, 36)
    verdicts = {k: v for k, *_, v in sched.rung_recall(study)}
    assert verdicts[0] == "trusted" and "misleads" not in verdicts.values()
    assert sched.first_trusted_rung(study) == 0 and not sched.hedging(study)
    # Plain ASHA from here: bracket 0, cut at step 1 -- except the audits, 1 in 9 trials (by a
    # hash of the number) that pass a trusted rung uncut so that it keeps being measured.
    first = len(study.trials)
    seen = _new_trials(study, 30)
    assert [b for b, _ in seen] == [0] * 30
    assert [pruned for _, pruned in seen] == [not _audited(first + i, 9) for i in range(30)]
    assert not all(pruned for _, pruned in seen)


def test_pruning_is_given_up_when_every_rung_cuts_the_best() -> None:
    # The rungs agree with each other, and the end reverses them: what finishes best is the worst
    # at every rung (a nearer level would call them all fine). Nothing is cut any more: no
    # early stopping, the floor.
    study, sched = _study(lambda i: [float(i), float(i), float(i), 99.0 - i], 36)
    assert {k: v for k, *_, v in sched.rung_recall(study)} == {0: "misleads", 1: "misleads", 2: "misleads"}
    assert sched.first_trusted_rung(study) == len(sched.rungs()) == 3
    assert _new_trials(study, 6) == [(0, False)] * 6


def test_every_rung_misleading_never_prunes_when_max_resource_is_not_a_power_of_eta() -> None:
    # Rungs 1, 3, 9, 27, 81 below 100: Hyperband's last bracket still has the rung at 81.
    sched = tw.schedulers.ASHAScheduler(1, 100, 3)
    study = tw.create_study(scheduler=sched)
    for i in range(60):
        t = study.ask()
        for k, step in enumerate([1, 3, 9, 27, 81, 100]):
            t.report(float(i if k < 5 else -i), step)
        t.should_prune()
        study.tell(t, float(-i))
    assert sched.first_trusted_rung(study) == 5
    t = study.ask()
    for step in [1, 3, 9, 27, 81]:
        t.report(1e6, step)  # the worst value at every rung
        assert not t.should_prune()
    assert t.system_attrs["asha"]["uncut"] == [0, 1, 2, 3, 4]
    study.tell(t, 1e6)


def test_a_rung_that_misleads_between_trusted_ones_is_passed_uncut() -> None:
    # Plateaus: steps 1 and 9 rank configurations like the end, step 3 (mid warm-up) the other
    # way round. Trials are cut at steps 1 and 9 and pass step 3 uncut.
    def plateau(i: int) -> list[float]:
        r = float((7 * i) % 36)
        return [r, 35.0 - r, r, r]

    study, sched = _study(plateau, 36)
    assert {k: v for k, *_, v in sched.rung_recall(study)} == {0: "trusted", 1: "misleads", 2: "trusted"}
    assert sched.first_trusted_rung(study) == 0 and sched.hedging(study)
    number = next(n for n in range(len(study.trials), 200) if not _audited(n, 9))
    while len(study.trials) < number:  # the next trial is not an audit of the trusted rungs
        study.tell(study.ask(), state=TrialState.PRUNED)
    t = study.ask()
    t.report(0.0, 1)
    assert not t.should_prune()  # the best at step 1
    t.report(1e6, 3)
    assert not t.should_prune()  # the worst at step 3: not cut there
    t.report(1e6, 9)
    assert t.should_prune()  # cut at step 9
    assert t.system_attrs["asha"]["bracket"] == 0 and t.system_attrs["asha"]["uncut"] == [1]


def test_only_trials_not_cut_at_a_rung_measure_it() -> None:
    # A trial that faced rung 0's cut reached the later levels because rung 0 kept it: counted,
    # it would make the cut look better than it is. Rung 0 is measured on the trials that passed
    # it uncut only: the first 3 (before anything measured it), then the audits, 1 in 3 while it
    # is cheap and not trusted, 1 in 9 once it is trusted.
    study, sched = _study(lambda i: [float(i)] * 4, 60)
    uncut = [0 in t.system_attrs["asha"].get("uncut", ()) for t in study.trials]
    rows = {k: n for k, _, _, _, n, _ in sched.rung_recall(study)}
    assert rows[0] == sum(uncut) < len(uncut)
    assert uncut[:3] == [True] * 3
    trusted_from = next(n for n in range(3, 60) if uncut[n] != _audited(n, 3))
    assert 9 <= trusted_from < 60
    assert uncut[trusted_from:] == [_audited(n, 9) for n in range(trusted_from, 60)]
    assert any(uncut[trusted_from:])


def test_cheap_rungs_cut_once_measured_and_costly_ones_only_once_trusted() -> None:
    # Rungs 1 and 3 below 27 (eta 3) spend 0.36 / 0.41 of a trial's compute: they pay even if
    # they keep only half of the best configurations, so they cut as soon as they are measured (3
    # configurations they did not cut reached a later level) and not found to mislead -- but for
    # 1 trial in 3, which keeps measuring them. Rung 9 (0.56) cuts only once trusted.
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    assert [round(sched.cut_price(k), 2) for k in range(3)] == [0.36, 0.41, 0.56]
    study = tw.create_study(scheduler=sched)
    assert sched.rung_recall(study) == [] and sched.hedging(study)
    assert sched.first_trusted_rung(study) == 3  # nothing measured: the first trials run uncut
    study, sched = _study(lambda i: [float(i)] * 4, 3)
    assert [v for *_, v in sched.rung_recall(study)] == ["unknown"] * 3
    assert sched.first_trusted_rung(study) == 0 and sched.hedging(study)
    first = len(study.trials)
    assert _new_trials(study, 6) == [(0, not _audited(first + i, 3)) for i in range(6)]
    t = study.ask()  # the best at steps 1 and 3, the worst at step 9: not cut there
    for value, step in ((-1.0, 1), (-1.0, 3), (1e6, 9)):
        t.report(value, step)
        assert not t.should_prune()
    assert t.system_attrs["asha"]["uncut"][-1] == 2
    study.tell(t, 1e6)
    # Measured to mislead (slow starters finish best): no cut at step 1.
    study, sched = _study(_slow_starters, 3)
    assert sched.rung_recall(study)[0][-1] == "misleads" and sched.first_trusted_rung(study) == 1
    # With eta = 2 every rung of 1..9 costs more than half (0.56-0.94): none cuts untrusted.
    study, sched = _study_eta2(lambda i: [float(i)] * 5, 3)
    assert sched.first_trusted_rung(study) == 4
    assert _new_trials(study, 6) == [(0, False)] * 6
    # hedge_threshold=None: plain ASHA, every rung cuts every trial.
    study, plain = _study(_slow_starters, 36, hedge_threshold=None)
    assert plain.first_trusted_rung(study) == 0 and not plain.hedging(study)
    assert _new_trials(study, 3) == [(0, True)] * 3


def test_a_stricter_threshold_needs_more_evidence() -> None:
    # 10 configurations passed step 1 uncut: the best 3 at step 27 are the best 3 at step 1,
    # recall 3/3, Wilson lower bound 0.77 -- trusted at hedge_threshold 0.5, not (yet) at 0.9.
    # The cheap rungs cut either way (not measured to mislead); the costly one at step 9 only
    # once trusted.
    study, sched = _study(lambda i: [float(i)] * 4, 30)
    assert sched.rung_recall(study)[0] == (0, 3, 3, 3, 10, "trusted")
    assert not sched.hedging(study)
    strict = tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=0.9)
    assert strict.rung_recall(study)[0] == (0, 3, 3, 3, 10, "unknown")
    assert strict.first_trusted_rung(study) == 0 and strict.hedging(study)


def test_a_configuration_cut_and_proposed_again_trains_uncut() -> None:
    # A model that does not take a pruned trial for a bad configuration may propose it again (a
    # hair's breadth away): the rung and the model disagree, and the repeat trains uncut so that
    # its final value settles it. Another configuration is cut as before.
    study, sched = _study(lambda i: [float(i)] * 4, 3)  # measured: the cheap rung at step 1 cuts
    cases = [(0.1, "a", 0.0, False), (0.01, "a", 5.0, True),
             (0.01 * (1 + 1e-6), "a", 5.0, False),  # the same configuration, proposed again
             (0.01 * (1 + 1e-6), "b", 5.0, True),   # another kind: a new configuration
             (0.02, "a", 5.0, True)]                # another learning rate
    for lr, kind, value, cut in cases:
        while _audited(len(study.trials), 3):  # not an audit of the cheap rung
            study.tell(study.ask(), state=TrialState.PRUNED)
        study.enqueue_trial({"lr": lr, "kind": kind})
        t = study.ask()
        assert t.suggest_float("lr", 1e-5, 1.0, log=True) == lr
        t.suggest_categorical("kind", ["a", "b"])
        t.report(value, 1)
        assert t.should_prune() is cut, (lr, kind)
        study.tell(t, state=TrialState.PRUNED) if cut else study.tell(t, value)
        if (lr, kind) == cases[2][:2]:
            assert t.system_attrs["asha"]["uncut"] == [0]


@pytest.mark.parametrize("bad", [True, 1.5, 0.0, -0.5, "auto"])
def test_bad_hedge_threshold(bad: object) -> None:
    with pytest.raises(ValueError, match=r"hedge_threshold must be None or a number in \(0, 1\]"):
        tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=bad)  # type: ignore[arg-type]


def _study_eta2(values: Callable[[int], Sequence[float]], n: int) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """Like ``_study`` with ``ASHAScheduler(1, 9, 2)``: rungs 1, 2, 4, 8, reports at 1, 2, 4, 8, 9."""
    sched = tw.schedulers.ASHAScheduler(1, 9, 2)
    study = tw.create_study(scheduler=sched)
    for i in range(n):
        t = study.ask()
        for v, step in zip(values(i), [1, 2, 4, 8, 9]):
            t.report(float(v), step)
        t.should_prune()
        study.tell(t, float(values(i)[-1]))
    return study, sched


def test_cut_price_is_the_share_of_compute_a_cut_still_spends() -> None:
    sched = tw.schedulers.ASHAScheduler(1, 9, 2)
    assert [round(sched.cut_price(k), 4) for k in range(4)] == [
        round(r / 9 + (1 - r / 9) / 2, 4) for r in (1, 2, 4, 8)]
    assert tw.schedulers.ASHAScheduler(1, 81, 3).cut_price(0) == pytest.approx(1 / 81 + 80 / 243)


def test_a_late_rung_needs_near_perfect_recall_because_its_cut_saves_little() -> None:
    # 9 configurations ranked alike at every level: the best 3 at step 9 are the best at every
    # rung (recall 3/3, Wilson lower bound 0.75). Step 1's cut keeps 1/2 of the trials after one
    # epoch in nine (price 0.56): trusted. Step 8's saves one epoch of nine for half the trials
    # (price 0.94): a cut there finds the best configurations faster only with a recall above
    # 0.94, which 3 of 3 does not show -- it stays uncut (before session 4 it was trusted at 0.5).
    study, sched = _study_eta2(lambda i: [float(i)] * 5, 9)
    rows = {k: (kept, top, verdict) for k, _, kept, top, _, verdict in sched.rung_recall(study)}
    assert rows[0] == (3, 3, "trusted") and rows[3] == (3, 3, "unknown")
    assert sched.first_trusted_rung(study) == 0 and sched.hedging(study)
    sched._price = False  # the rule before: hedge_threshold alone
    assert {k: v for k, *_, v in sched.rung_recall(study)}[3] == "trusted"


def test_with_eta_2_the_best_are_the_top_third_not_the_half_the_cut_keeps() -> None:
    # 6 configurations ranked alike: the top half (3 of 3 kept) looked like evidence enough; the
    # best are the top third, 2 configurations, too few to trust a rung on.
    study, sched = _study_eta2(lambda i: [float(i)] * 5, 6)
    assert [(k, kept, top, n, v) for k, _, kept, top, n, v in sched.rung_recall(study)] == [
        (k, 2, 2, 6, "unknown") for k in range(4)]
    assert sched.first_trusted_rung(study) == 4
    # ... while the cut still keeps the top half: of the best third at step 9 (3 of 9), those in
    # step 1's top half count as kept.
    assert top_recall({c: float(c) for c in range(9)}, {c: float((c + 3) % 9) for c in range(9)}, 2, 3) == (0, 3)
    assert top_recall({c: float(c) for c in range(9)}, {c: float(c + 3 * (c == 0)) for c in range(9)}, 2, 3) == (3, 3)


# ---- optimistic forecasts (session 4 of issue 19) ---------------------------------------------
def test_optimistic_final_by_hand() -> None:
    decay = {t: 1.0 + 2.0 * 0.5 ** t for t in range(1, 28)}
    forecast = optimistic_final(decay, 9, 27)
    assert forecast is not None and forecast < decay[27]  # convex: the secant is steeper than the rest
    line = {t: 10.0 - 0.1 * t for t in range(1, 28)}
    assert optimistic_final(line, 9, 27) == pytest.approx(10.0 - 0.1 * 27)
    worse = {t: 1.0 + 0.1 * t for t in range(1, 28)}
    assert optimistic_final(worse, 9, 27) == pytest.approx(1.9)  # assumed to stop getting worse
    assert optimistic_final({1: 3.0, 2: 2.0, 3: 1.0}, 3, 27) is None  # 2 reports in [1.5, 3]
    assert optimistic_final(line, 30, 27) is None  # no report at or past step 30
    # maximize (sign -1): accuracy 0.5 rising 0.01 per step -> loss -(0.5 + 0.01 * 27)
    assert optimistic_final({t: 0.5 + 0.01 * t for t in range(1, 28)}, 9, 27, sign=-1.0) == pytest.approx(-0.77)
    # noise widens the forecast: a flat curve with noise gets a forecast well below its level
    rng = [0.03, -0.02, 0.01, -0.03, 0.02]
    noisy = {t: 2.0 + rng[t % 5] for t in range(1, 28)}
    assert optimistic_final({t: 2.0 for t in range(1, 28)}, 9, 27) == pytest.approx(2.0)
    forecast = optimistic_final(noisy, 9, 27)
    assert forecast is not None and forecast < 1.9


def _full_runs(sched: tw.schedulers.ASHAScheduler, curves: Sequence[Callable[[int], float]]) -> tw.Study:
    study = tw.create_study(scheduler=sched)
    for curve in curves:
        t = study.ask()
        for step in range(1, 28):
            t.report(curve(step), step)
            assert not t.should_prune()
        study.tell(t, curve(27))
    return study


def _run(study: tw.Study, curve: Callable[[int], float], audit: bool = False) -> int | None:
    """A new trial that is not an audit of the forecast reports ``curve`` at steps 1..27: the step
    it is stopped at. ``audit``: it is an audit of the rungs not measured yet (1 in 3 pass them
    uncut), so the cheap rungs at steps 1 and 3 do not cut it."""
    while _audited(len(study.trials), 9) or _audited(len(study.trials), 3) != audit:
        study.tell(study.ask(), state=TrialState.PRUNED)
    t = study.ask()
    for step in range(1, 28):
        t.report(curve(step), step)
        if t.should_prune():
            study.tell(t, state=TrialState.PRUNED)
            return step
    study.tell(t, curve(27))
    return None


def _decay(q: float, a: float = 1.0, tau: float = 3.0) -> Callable[[int], float]:
    return lambda t: q + a * math.exp(-t / tau)


# The best at steps 1 and 3 (the cheap rungs keep it), flat near 0.3 by step 9: it cannot reach
# the best full run's 0.0.
_EARLY_PLATEAU = _decay(0.3, a=0.1)
# The full runs of the forecast tests, each the best so far at every step (no rung cuts them).
_IMPROVING = [_decay(0.2), _decay(0.1), _decay(0.0)]


def test_a_trial_whose_optimistic_forecast_cannot_beat_the_best_run_is_stopped() -> None:
    # Three full runs (too few to trust the costly rung at step 9): the forecast at step 9 (5
    # reports in [4.5, 9]) held on all three, so it is active there; steps 1 and 3 have too few
    # reports for a forecast.
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = _full_runs(sched, _IMPROVING)
    assert sched.forecast_checks(study) == [(0, 0, 0, False), (1, 0, 0, False), (2, 3, 0, True)]
    assert _run(study, _EARLY_PLATEAU) == 9
    # A slow starter worse than everything at step 9 but still falling steeply is kept -- and
    # finishes best (an audit of the cheap rungs, which would cut it at step 1).
    assert _run(study, _decay(-0.5, a=3.0, tau=6.0), audit=True) is None
    assert study.best_value < -0.4
    # forecast=False: nothing is stopped at the untrusted rung at step 9
    off = tw.schedulers.ASHAScheduler(1, 27, 3, forecast=False)
    study = _full_runs(off, _IMPROVING)
    assert _run(study, _EARLY_PLATEAU) is None
    assert off.describe()["forecast"] is False and sched.describe()["forecast"] is True


def test_the_forecast_stops_trials_once_it_held_on_two_full_runs() -> None:
    # One full run is not evidence that the curves improve ever more slowly; two that kept to
    # their forecasts are (session 8 of issue 19: 2 saved compute on the dev curve families,
    # 1 lost on plateaus).
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = _full_runs(sched, [_decay(0.0)])
    assert sched.forecast_checks(study)[2] == (2, 1, 0, False)
    assert _run(study, _EARLY_PLATEAU) is None
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = _full_runs(sched, _IMPROVING[1:])
    assert sched.forecast_checks(study)[2] == (2, 2, 0, True)
    assert _run(study, _EARLY_PLATEAU) == 9


def test_a_full_run_that_beat_its_forecast_turns_the_forecast_off_at_that_rung() -> None:
    # Plateaus: a run flat until step 12 that then drops far below its step-9 forecast. The
    # forecast at step 9 missed once: it stops nothing there (a long warm-up may be the winner).
    def plateau(t: int) -> float:
        return 2.0 if t <= 12 else 2.0 - 2.5 * (1 - math.exp(-(t - 12) / 3.0))

    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = _full_runs(sched, [plateau, *_IMPROVING])
    assert sched.forecast_checks(study)[2] == (2, 4, 1, False)
    assert _run(study, _EARLY_PLATEAU) is None


@pytest.mark.parametrize("bad", [None, 1, "yes"])
def test_bad_forecast(bad: object) -> None:
    with pytest.raises(ValueError, match="forecast must be True or False"):
        tw.schedulers.ASHAScheduler(1, 27, 3, forecast=bad)  # type: ignore[arg-type]


def test_a_trial_stopped_as_hopeless_keeps_its_forecast_and_the_gp_counts_it() -> None:
    # The forecast that stopped the trial is recorded with it (an optimistic bound on its final
    # value, worse than the best full run), and the default GP counts the trial at that bound:
    # no rung is trusted yet, so without it the GP would not know the region was tried.
    sampler = tw.samplers.GPSampler(seed=0, n_startup_trials=3)
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = tw.create_study(sampler=sampler, scheduler=sched)
    for curve in _IMPROVING:
        t = study.ask()
        t.suggest_float("x", 0.0, 1.0)
        for step in range(1, 28):
            t.report(curve(step), step)
            assert not t.should_prune()
        study.tell(t, curve(27))
    while _audited(len(study.trials), 9) or _audited(len(study.trials), 3):
        study.tell(study.ask(), state=TrialState.PRUNED)
    t = study.ask()
    t.suggest_float("x", 0.0, 1.0)
    for step in range(1, 28):
        t.report(_EARLY_PLATEAU(step), step)
        if t.should_prune():
            study.tell(t, state=TrialState.PRUNED)
            break
    stopped = study.trials[-1]
    assert stopped.state == TrialState.PRUNED
    bound = stopped.system_attrs["asha"]["forecast"]
    assert study.best_value < bound < stopped.intermediate_values[9]
    # The point estimate the GP counts: the line without the optimistic shift, between the bound
    # and the true final value (a convex decay ends above its secant's extrapolation).
    estimate = stopped.system_attrs["asha"]["estimate"]
    assert bound < estimate < _EARLY_PLATEAU(27)
    nxt = study.ask()
    nxt.suggest_float("x", 0.0, 1.0)
    assert sampler._calibrated == {stopped.trial_id: estimate}
    sampler._forecast_pruned = False  # before: a pruned trial at an untrusted step is left out
    study.tell(nxt, 0.5)
    study.ask().suggest_float("x", 0.0, 1.0)
    assert sampler._calibrated == {}


def test_on_a_noisy_curve_the_estimate_is_far_closer_to_the_truth_than_the_bound() -> None:
    # Session 8 of issue 19: with noisy reports the bound (level and slope each pushed two
    # standard errors down) sits far below the trial's real final value, near the best run's
    # lucky final; counted there, it drew the GP back to regions that had failed.
    rng = np.random.default_rng(3)
    truth = {s: 0.5 + 0.3 * math.exp(-s / 4.0) for s in range(1, 28)}
    noisy = {s: v + float(rng.normal(0.0, 0.08)) for s, v in truth.items()}
    bound = optimistic_final(noisy, 9, 27)
    estimate = optimistic_final(noisy, 9, 27, z=0.0)
    assert bound is not None and estimate is not None and bound < estimate
    assert abs(estimate - truth[27]) < 0.5 * abs(bound - truth[27])


def test_promote_mode_stops_a_hopeless_segment_instead_of_training_it_to_the_end() -> None:
    # Promote mode, no rung trusted: new configurations train to max_resource in one segment. A
    # segment whose forecast cannot beat the best full run stops at the rung where the forecast
    # holds (it is not paused: no promotion would ever continue it); a steep slow starter is kept.
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote")
    study = _full_runs(sched, [_decay(0.0), _decay(0.1), _decay(0.2)])
    assert sched.forecast_checks(study)[2] == (2, 3, 0, True)
    assert _run(study, _decay(1.0)) == 9
    stopped = study.trials[-1]
    assert "paused" not in stopped.system_attrs["asha"] or stopped.system_attrs["asha"]["paused"] is None
    assert 0.0 < stopped.system_attrs["asha"]["forecast"] < 1.1
    assert not sched.suggest(study, stopped)  # nothing to promote
    assert _run(study, _decay(-0.5, a=3.0, tau=6.0)) is None
    off = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", forecast=False)
    study = _full_runs(off, [_decay(0.0), _decay(0.1), _decay(0.2)])
    assert _run(study, _decay(1.0)) is None
