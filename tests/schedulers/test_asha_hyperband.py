"""ASHA / Hyperband decisions on hand-computed rungs, promotion with checkpoints, validation."""

from __future__ import annotations

import collections

import pytest

import tunewise as tw
from tunewise.trial import TrialState


def test_rungs_and_brackets() -> None:
    assert tw.schedulers.ASHAScheduler(1, 27, 3).rungs() == [1, 3, 9]
    assert tw.schedulers.ASHAScheduler(2, 16, 2).rungs() == [2, 4, 8]
    hb = tw.schedulers.HyperbandScheduler(1, 27, 3)
    assert hb.n_brackets == 4
    assert [hb.rungs(b) for b in range(4)] == [[1, 3, 9], [3, 9], [9], []]


def test_stop_mode_keeps_exactly_the_top_third() -> None:
    # Rung at step 1 (eta=3). Values arrive in this order (minimize):
    # 5 -> n=1, keep 1, rank 0: continue;  1 -> n=2, keep 1, rank 0: continue
    # 4 -> n=3, keep 1, rank 2: stop;      2 -> n=4, keep 1, rank 1: stop
    # 3 -> n=5, keep 1, rank 2: stop;      1.5 -> n=6, keep 2, rank 1: continue
    values = [5.0, 1.0, 4.0, 2.0, 3.0, 1.5]
    # hedge_threshold=None: plain ASHA's cut (by default new trials are spread over Hyperband's
    # brackets until the first rung's rank agreement is measured; see the hedging tests below).
    study = tw.create_study(scheduler=tw.schedulers.ASHAScheduler(1, 9, 3, hedge_threshold=None))

    def objective(trial: tw.Trial) -> float:
        v = values[trial.number]
        trial.report(v, 1)
        if trial.should_prune():
            raise tw.TrialPruned()
        trial.report(v, 2)
        return v

    study.optimize(objective, n_trials=6)
    states = [t.state for t in study.trials]
    C, P = TrialState.COMPLETE, TrialState.PRUNED
    assert states == [C, C, P, P, P, C]
    assert study.trials[3].intermediate_values == {1: 2.0}
    assert study.trials[3].system_attrs["asha"]["rungs"] == {"0": 2.0}


def test_stop_mode_maximize_and_jumped_rungs() -> None:
    study = tw.create_study(direction="maximize",
                            scheduler=tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=None))
    t = study.ask()
    t.report(0.5, 1)
    assert not t.should_prune()
    study.tell(t, 0.5)
    t = study.ask()
    t.report(0.9, 1)
    t.report(0.95, 4)  # crosses rung 1 (3) in one report: its value is the first report >= 3
    assert not t.should_prune()
    assert t.system_attrs["asha"]["rungs"] == {"0": 0.9, "1": 0.95}
    study.tell(t, 0.95)
    t = study.ask()
    t.report(0.6, 1)
    t.report(0.2, 2)  # the decision is made once, on the value at the rung (0.6), not the latest
    assert t.should_prune()  # n=3 at rung 0, keep max(1, 3 // 3) = 1; 0.6 ranks 2nd
    study.tell(t, state=TrialState.PRUNED)
    t2 = study.ask()
    t2.report(0.95, 1)
    assert not t2.should_prune()  # n=4, keep 1; 0.95 is the best at rung 0


def _promote_study(values: list[float]) -> tw.Study:
    study = tw.create_study(scheduler=tw.schedulers.ASHAScheduler(1, 4, 2, mode="promote"))
    for v in values:
        study.enqueue_trial({"x": v})

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 10)
        state = trial.load_checkpoint()
        trial.set_user_attr("resumed_from", None if state is None else state["owner"])
        trial.set_user_attr("budget", trial.budget)
        budget = trial.budget
        trial.report(x, budget)
        trial.save_checkpoint({"owner": trial.number, "budget": budget})
        if trial.should_prune():
            raise tw.TrialPruned()
        return x

    study.optimize(objective, n_trials=7)
    return study


def test_promote_mode_promotes_exactly_the_right_trials() -> None:
    # eta=2, rungs [1, 2], max 4. Losses x = 4, 1, 3, 2 arrive at rung 0:
    # after x=1: n=2, top floor(2/2)=1 -> promote trial 1 (as trial 4)
    # after x=3: n=3, top 1 = trial 1 (already promoted)
    # after x=2: n=4, top 2 = trials 1, 3 -> promote trial 3 (as trial 5)
    # trial 4 pauses at rung 1: n=1 -> nothing; trial 5 pauses: n=2, top 1 = trial 4 -> trial 6 at max.
    study = _promote_study([4.0, 1.0, 3.0, 2.0])
    trials = study.trials
    assert [t.state for t in trials] == [TrialState.PRUNED] * 6 + [TrialState.COMPLETE]
    assert [t.system_attrs.get("continues") for t in trials] == [None, None, None, None, 1, 3, 4]
    assert [t.user_attrs["budget"] for t in trials] == [1, 1, 1, 1, 2, 2, 4]
    assert [t.params["x"] for t in trials[4:]] == [1.0, 2.0, 1.0]
    # Each continuation started from the checkpoint of the trial it continues.
    assert [t.user_attrs["resumed_from"] for t in trials] == [None, None, None, None, 1, 3, 4]
    assert all(t.system_attrs["asha"].get("paused") is not None for t in trials[:6])
    assert study.best_value == 1.0


def test_hyperband_assignment_is_deterministic_and_weighted() -> None:
    hb = tw.schedulers.HyperbandScheduler(1, 27, 3)
    study = tw.create_study(name="hb-assign")
    counts = collections.Counter(hb.bracket_of(study, n) for n in range(3000))
    assert set(counts) == {0, 1, 2, 3}
    # Hyperband sizes for s_max=3: brackets get 27, 12, 6, 4 configurations per round.
    assert counts[0] > counts[1] > counts[2] > counts[3]
    assert abs(counts[0] / 3000 - 27 / 49) < 0.05
    assert [hb.bracket_of(study, n) for n in range(50)] == [hb.bracket_of(study, n) for n in range(50)]


def test_hyperband_compares_within_a_bracket_only() -> None:
    hb = tw.schedulers.HyperbandScheduler(1, 9, 3)  # brackets: [1, 3], [3], []
    study = tw.create_study(scheduler=hb, sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        for step in range(1, 10):
            trial.report(x, step)
            if trial.should_prune():
                raise tw.TrialPruned()
        return x

    study.optimize(objective, n_trials=30)
    for t in study.trials:
        b = t.system_attrs["asha"]["bracket"]
        assert b == hb.bracket_of(study, t.number)
        recorded = {int(k) for k in t.system_attrs["asha"]["rungs"]}
        assert recorded <= set(range(len(hb.rungs(b))))
        if b == 2:  # no rungs: always trained to the end
            assert t.state == TrialState.COMPLETE


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"reduction_factor": 1}, "reduction_factor"),
    ({"reduction_factor": 2.5}, "reduction_factor"),
    ({"min_resource": 10, "max_resource": 5}, "min_resource"),
    ({"min_resource": 0}, "min_resource"),
    ({"mode": "pause"}, "mode"),
])
def test_bad_settings(kwargs, word) -> None:  # type: ignore[no-untyped-def]
    for cls in (tw.schedulers.ASHAScheduler, tw.schedulers.HyperbandScheduler):
        with pytest.raises(ValueError, match=word):
            cls(**kwargs)


def _full_runs(top_reduction_factor: int | None) -> list[tuple[float, int]]:
    """(x, continued trial) of every segment that trained to max_resource."""
    sched = tw.schedulers.ASHAScheduler(1, 4, 2, mode="promote", top_reduction_factor=top_reduction_factor)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0), scheduler=sched)
    for v in [4.0, 1.0, 3.0, 2.0, 8.0, 7.0, 6.0, 5.0]:
        study.enqueue_trial({"x": v})

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 10)
        trial.report(x, trial.budget)
        trial.save_checkpoint({"owner": trial.number})
        if trial.should_prune():
            raise tw.TrialPruned()
        return x

    study.optimize(objective, n_trials=14)
    return [(t.params["x"], t.system_attrs.get("continues")) for t in study.trials
            if t.state == TrialState.COMPLETE]


def test_top_reduction_factor_cuts_only_the_last_rung() -> None:
    # eta=2, rungs [1, 2], max 4. The 8 queued configurations run first (rung 0, losses 4 1 3 2 8 7 6 5);
    # rung 0 promotes its top floor(n/2) -> x = 1, 2, 3, 4 run to rung 1 (trials 8-11).
    # Into max_resource: None (plain ASHA) floor(4/2) = 2 -> x = 1 and 2 (continuing trials 8 and 9);
    # top_reduction_factor=4: floor(4/4) = 1 -> only x = 1. Rung 0's cut is unchanged.
    assert _full_runs(None) == [(1.0, 8), (2.0, 9)]
    assert _full_runs(4) == [(1.0, 8)]
    with pytest.raises(ValueError, match="top_reduction_factor"):
        tw.schedulers.ASHAScheduler(1, 27, 3, top_reduction_factor=2)
    with pytest.raises(ValueError, match="top_reduction_factor"):
        tw.schedulers.HyperbandScheduler(1, 27, 3, top_reduction_factor=9.0)  # type: ignore[arg-type]


def _crossing_study(levels: int, reverse: bool,
                    hedge_threshold: float | None = 0.5) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """12 trials reporting at steps 1, 3, 9, 27 (ASHA rungs 1/3/9 below 27) up to level ``levels``;
    each level ranks them the other way round from the one below (``reverse``: Kendall's tau -1,
    learning curves that cross) or the same way (tau 1)."""
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=hedge_threshold)
    study = tw.create_study(scheduler=sched)
    for i in range(12):
        t = study.ask()
        for k, step in enumerate([1, 3, 9, 27][:levels]):
            t.report(float(i if reverse and k % 2 else 12 - i), step)
        t.should_prune()  # records its rung results (it reported every level, pruned or not)
        study.tell(t, 0.0)
    return study, sched


def _new_trials(study: tw.Study, n: int) -> list[tuple[int, bool]]:
    """(bracket, pruned at step 1) of ``n`` new trials whose first report is the worst yet."""
    out = []
    for _ in range(n):
        t = study.ask()
        t.report(100.0, 1)
        pruned = t.should_prune()
        out.append((t.system_attrs["asha"]["bracket"], pruned))
        study.tell(t, state=TrialState.PRUNED)
    return out


def test_stop_mode_skips_a_first_rung_that_ranks_unlike_the_next() -> None:
    study, sched = _crossing_study(levels=2, reverse=True)
    assert sched.first_trusted_rung(study) == 1 and sched.hedging(study)
    seen = _new_trials(study, 40)
    # Hyperband's shares of the brackets starting at 3, 9 and never (12, 6, 4): nobody is cut at
    # step 1, where the ranks are known to be reversed.
    assert not any(pruned for _, pruned in seen)
    brackets = [b for b, _ in seen]
    assert set(brackets) <= {1, 2, 3} and len(set(brackets)) >= 2
    assert brackets.count(1) > brackets.count(3)


def test_stop_mode_never_prunes_when_every_rung_misleads() -> None:
    study, sched = _crossing_study(levels=4, reverse=True)  # every consecutive pair: tau -1
    assert sched.first_trusted_rung(study) == len(sched.rungs()) == 3
    assert _new_trials(study, 10) == [(3, False)] * 10  # the bracket without rungs: no early stopping


def test_stop_mode_stays_plain_asha_when_the_rungs_agree() -> None:
    study, sched = _crossing_study(levels=4, reverse=False)
    assert sched.first_trusted_rung(study) == 0 and not sched.hedging(study)
    seen = _new_trials(study, 10)
    assert seen == [(0, True)] * 10  # bracket 0, cut at step 1 (the worst of 13+ results)
    study, plain = _crossing_study(levels=4, reverse=True, hedge_threshold=None)
    assert plain.first_trusted_rung(study) == 0 and _new_trials(study, 3) == [(0, True)] * 3


@pytest.mark.parametrize("bad", [True, 1.5, "auto"])
def test_bad_hedge_threshold(bad: object) -> None:
    with pytest.raises(ValueError, match="hedge_threshold"):
        tw.schedulers.ASHAScheduler(1, 27, 3, hedge_threshold=bad)  # type: ignore[arg-type]


def test_every_rung_misleading_never_prunes_when_max_resource_is_not_a_power_of_eta() -> None:
    # Rungs 1, 3, 9, 27, 81 below 100: Hyperband's last bracket still has the rung at 81.
    sched = tw.schedulers.ASHAScheduler(1, 100, 3)
    study = tw.create_study(scheduler=sched)
    for i in range(12):
        t = study.ask()
        for k, step in enumerate([1, 3, 9, 27, 81, 100]):
            t.report(float(i if k % 2 else 12 - i), step)
        t.should_prune()
        study.tell(t, 0.0)
    assert sched.first_trusted_rung(study) == 5
    t = study.ask()
    for step in [1, 3, 9, 27, 81]:
        t.report(1e6, step)  # the worst value at every rung
        assert not t.should_prune()
    assert t.system_attrs["asha"]["bracket"] == 5 and sched.rungs(5) == []
    study.tell(t, 1e6)


def test_stop_mode_hedges_until_the_first_rung_earns_trust() -> None:
    # A fresh study has measured nothing: new trials are spread over Hyperband's brackets (as
    # optuna's HyperbandPruner does), so a slow starter is not always cut at the first rung.
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = tw.create_study(scheduler=sched)
    assert sched.first_trusted_rung(study) == 0 and sched.hedging(study)
    seen = _new_trials(study, 40)
    brackets = [b for b, _ in seen]
    assert set(brackets) == {0, 1, 2, 3}
    assert brackets.count(0) > brackets.count(1) > brackets.count(3)  # Hyperband's shares 27:12:6:4
    assert not any(pruned for b, pruned in seen if b > 0)  # first compared at step 3 or later
    # Agreement with the next level alone (epoch 3) does not earn trust: neighbouring levels can
    # agree while the first rung ranks nothing like the end of training.
    study, sched = _crossing_study(levels=2, reverse=False)
    assert sched.first_trusted_rung(study) == 0 and sched.hedging(study)
    # Rung 0 ranks like epoch 9, eta**2 times its resource (tau 1 on 12 configurations): trust
    # earned, plain ASHA from there on.
    study, sched = _crossing_study(levels=3, reverse=False)
    assert not sched.hedging(study)
    assert _new_trials(study, 5) == [(0, True)] * 5


def test_stop_mode_concentrates_past_a_misleading_rung_once_the_next_one_agrees() -> None:
    # Rung 0 ranks the 12 configurations the other way round from rung 1 (tau -1); rungs 1, 2 and
    # max_resource agree (tau 1): new trials skip rung 0 and all join bracket 1 (first cut at step 3).
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = tw.create_study(scheduler=sched)
    for i in range(12):
        t = study.ask()
        for k, step in enumerate([1, 3, 9, 27]):
            t.report(float(12 - i if k == 0 else i), step)
        t.should_prune()
        study.tell(t, float(i))
    assert sched.first_trusted_rung(study) == 1 and sched.hedging(study)
    assert _new_trials(study, 8) == [(1, False)] * 8


def test_stop_mode_judges_a_rung_against_the_furthest_level_measured() -> None:
    # Each level shifts the 12 configurations' ranks by one place (cyclically): consecutive levels
    # agree (tau 0.67 >= 0.5) but epoch 1 ranks nothing like epoch 27 (tau 0.18) and neither does
    # epoch 3 (0.39); epoch 9 does (0.67). New trials are first compared at epoch 9 (bracket 2).
    sched = tw.schedulers.ASHAScheduler(1, 27, 3)
    study = tw.create_study(scheduler=sched)
    for i in range(12):
        t = study.ask()
        for k, step in enumerate([1, 3, 9, 27]):
            t.report(float((i + k) % 12), step)
        t.should_prune()
        study.tell(t, float((i + 3) % 12))
    assert sched.first_trusted_rung(study) == 2
    assert _new_trials(study, 6) == [(2, False)] * 6
