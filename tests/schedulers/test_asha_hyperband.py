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
    # hedge_threshold=None: plain ASHA, every trial in bracket 0 (by default promote mode spreads
    # new trials over Hyperband's brackets until the first rung earns trust, as stop mode does).
    study = tw.create_study(scheduler=tw.schedulers.ASHAScheduler(1, 4, 2, mode="promote", hedge_threshold=None))
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
    sched = tw.schedulers.ASHAScheduler(1, 4, 2, mode="promote", top_reduction_factor=top_reduction_factor,
                                        hedge_threshold=None)  # plain ASHA: every trial in bracket 0
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


# Stop mode's trust in a rung (hedge_threshold): tests/schedulers/test_asha_stop_trust.py
