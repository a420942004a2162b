"""Promote-mode ASHA earns trust in a rung as stop mode does (issue 19): a configuration's curve is
split over its segments, so the rung's cut is judged on configurations (lineages), and until a
rung is trusted new configurations train to max_resource without a pause (as in stop mode, no rung
cuts before it has earned trust)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tunewise as tw
from tunewise.schedulers._base import _as_context
from tunewise.trial import TrialState

STEPS = [1, 3, 9, 27]  # rungs 1/3/9 below max_resource 27


def _slow_starters(i: int) -> list[float]:
    # Configuration i finishes r-th best (r = 7 i mod 36) at every level from step 3 on; at step 1
    # the 12 that finish best start slowest, the rest are in final order.
    r = (7 * i) % 36
    return [r + 23.5 if r < 12 else float(r), float(r), float(r), float(r)]


def _promote(values: Callable[[int], Sequence[float]], n_configs: int, n_trials: int,
             hedge_threshold: float | None = 0.5) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """Configurations ``i = 0..n_configs-1`` queued first; configuration ``i`` reports
    ``values(i)`` at the steps of ``STEPS`` its segment trains through (checkpoint to budget)."""
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", hedge_threshold=hedge_threshold)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), scheduler=sched)
    for i in range(n_configs):
        study.enqueue_trial({"i": i})

    def objective(trial: tw.Trial) -> float:
        i = trial.suggest_int("i", 0, 35)
        ck = trial.load_checkpoint()
        start = 0 if ck is None else ck["step"]
        budget = int(trial.budget or 27)
        trial.set_user_attr("budget", budget)
        for v, step in zip(values(i), STEPS):
            if start < step <= budget:
                trial.report(float(v), step)
        trial.save_checkpoint({"step": budget})
        if trial.should_prune():
            raise tw.TrialPruned()
        return float(values(i)[-1])

    study.optimize(objective, n_trials=n_trials)
    return study, sched


def _first_segments(study: tw.Study) -> list[tuple[int, int]]:
    """(bracket, budget) of every trial that starts a configuration (no continuation)."""
    return [(t.system_attrs["asha"]["bracket"], t.user_attrs["budget"]) for t in study.trials
            if "continues" not in t.system_attrs and "asha" in t.system_attrs]


def test_promote_mode_pauses_nothing_until_a_rung_is_trusted() -> None:
    study, sched = _promote(_slow_starters, 36, 36)
    first = _first_segments(study)
    # Nothing is trusted before it is measured: the first configurations join the last bracket and
    # train to max_resource in one segment, reporting every rung unselected (which measures them).
    assert first[:3] == [(3, 27)] * 3
    # Each new configuration trains to its bracket's first rung: the budget it was given is the
    # bracket recorded. Rung 0 misleads here, so no configuration is ever paused at step 1.
    assert all(budget == (STEPS[b] if b < 3 else 27) for b, budget in first)
    assert 0 not in {b for b, _ in first}
    # Spreading them over Hyperband's brackets instead (the rule before session 5 of issue 19)
    # puts some in bracket 0 from the start.
    sched_spread = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote")
    sched_spread._promote_spread = True
    ctx = _as_context(tw.create_study(scheduler=sched_spread))
    assert {sched_spread._promote_first_bracket(ctx, n) for n in range(40)} == {0, 1, 2, 3}


def test_promote_mode_skips_a_first_rung_that_cuts_the_slow_starters() -> None:
    study, sched = _promote(_slow_starters, 36, 36)
    ctx = _as_context(study)
    # Configurations of brackets 1-3 reported step 1 unselected: step 1's cut would have kept none
    # of the best third at step 3, so rung 0 misleads. Once it did, new configurations joined
    # brackets 1-3 only, and those of bracket 3 (trained to 27 from scratch) show that step 3's
    # cut keeps the best: rung 1 is trusted.
    assert sched._promote_trust(ctx) == (1, True)
    later = _first_segments(study)[15:]  # rung 0 was measured to mislead by the 15th
    assert 0 not in {b for b, _ in later}
    # New configurations join bracket 1 (first compared at step 3), but for the audits.
    brackets = [sched._promote_first_bracket(ctx, n) for n in range(100, 190)]
    assert 0 not in brackets and 45 <= brackets.count(1) < 90 and set(brackets) == {1, 2, 3}
    # Plain ASHA (hedge_threshold=None) puts every configuration in bracket 0, cut at step 1.
    plain, _ = _promote(_slow_starters, 36, 36, hedge_threshold=None)
    assert {b for b, _ in _first_segments(plain)} == {0}


def test_promote_mode_concentrates_once_the_first_rung_keeps_the_best() -> None:
    study, sched = _promote(lambda i: [float(i)] * 4, 36, 36)
    ctx = _as_context(study)
    assert sched._promote_trust(ctx) == (0, True)
    # Bracket 0 from now on, except the audits (one in reduction_factor new configurations, by a
    # hash of the number), which go to the brackets above and keep measuring rung 0.
    brackets = [sched._promote_first_bracket(ctx, n) for n in range(100, 190)]
    assert 45 <= brackets.count(0) < 90
    assert all(b > 0 for b in brackets if b != 0)


def test_promote_mode_measures_rungs_on_configurations_across_their_segments() -> None:
    # Continuations report only the steps past their checkpoint: a configuration's levels come
    # from all of its segments. Run long enough for promotions to reach step 27.
    study, sched = _promote(lambda i: [float(i)] * 4, 12, 60)
    rows = sched._lineage_rows(_as_context(study))
    continued = {t.system_attrs["asha"]["lineage"] for t in study.trials if "continues" in t.system_attrs}
    assert continued
    full = [vals for _, vals in rows if len(vals) == 4]
    assert full and all(vals == [vals[0]] * 4 for vals in full)  # one configuration, one loss
    assert {len(vals) for _, vals in rows} <= {1, 2, 3, 4}
    assert all(t.state in (TrialState.PRUNED, TrialState.COMPLETE, TrialState.WAITING) for t in study.trials)


def test_promotion_waits_for_segments_still_training_to_the_rung() -> None:
    # Four workers (ask/tell), plain ASHA at rung 0 (step 1), eta 3. After three results the best
    # of them is in the top third of three -- but with a fourth trial still training to step 1 it
    # is promoted only once it would stay in the top floor((n + p) / 3) whatever that one reports.
    sched = tw.schedulers.ASHAScheduler(1, 9, 3, mode="promote", hedge_threshold=None)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), scheduler=sched)
    trials = [study.ask() for _ in range(4)]
    for t in trials:
        t.suggest_float("x", 0, 1)
        assert t.budget == 1

    def pause(t: tw.Trial, value: float) -> None:
        t.report(value, 1)
        assert t.should_prune()
        study.tell(t, state=TrialState.PRUNED)

    def queued() -> list[object]:
        return [t.system_attrs.get("continues") for t in study.get_trials(states=(TrialState.WAITING,))]

    pause(trials[0], 0.1)
    pause(trials[1], 0.2)
    pause(trials[2], 0.3)
    assert queued() == []  # sequentially trial 0 would be promoted now: 1 of 3 results
    pause(trials[3], 0.4)
    assert queued() == [trials[0].number]


def test_no_pause_before_trust_when_max_resource_is_no_power_of_the_factor() -> None:
    # Rungs 1/2/4/8 below 12: Hyperband's last bracket (s_max = 3) still pauses at step 8, so an
    # untrusted start must join the bracket past the last rung and train to 12 in one segment.
    sched = tw.schedulers.ASHAScheduler(1, 12, 2, mode="promote")
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), scheduler=sched)
    budgets: list[float] = []

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        budget = int(trial.budget or 12)
        budgets.append(budget)
        for step in range(1, budget + 1):
            trial.report(x + 1.0 / step, step)
        trial.save_checkpoint({"step": budget})
        if trial.should_prune():
            raise tw.TrialPruned()
        return x

    study.optimize(objective, n_trials=3)
    assert sched.rungs() == [1, 2, 4, 8]
    assert budgets == [12, 12, 12]
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    assert {t.system_attrs["asha"]["bracket"] for t in study.trials} == {4}
