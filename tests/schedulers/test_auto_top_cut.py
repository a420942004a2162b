"""The "auto" cut into max_resource: Kendall's tau between rungs decides, on hand-computed cases."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.schedulers._asha import choose_top_cut, kendall_tau, level_agreement
from tunewise.trial import TrialState


def test_kendall_tau_hand_computed() -> None:
    assert kendall_tau([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # One adjacent swap in 4 items: 5 concordant, 1 discordant of 6 pairs.
    assert kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)
    # A tie in one sequence counts as neither: (2 - 0) / 3.
    assert kendall_tau([1, 1, 2], [1, 2, 3]) == pytest.approx(2 / 3)
    assert kendall_tau([1.0], [2.0]) == 0.0
    with pytest.raises(ValueError, match="equal length"):
        kendall_tau([1, 2], [1])


# Five configurations 'a'..'e'. Level 0 -> 1: one swap (d, e), tau = (9 - 1) / 10 = 0.8.
# Level 1 -> 2: two swaps (a, b) and (d, e), tau = (8 - 2) / 10 = 0.6.
L0 = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0}
L1 = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 5.0, "e": 4.0}
L2 = {"a": 2.0, "b": 1.0, "c": 3.0, "d": 4.0, "e": 5.0}


def test_level_agreement_counts_only_shared_configurations() -> None:
    half = {"a": 1.0, "b": 0.0, "z": 9.0}  # shares a, b with L0: 2 pairs
    assert level_agreement([L0, L1], min_pairs=5) == [(0, pytest.approx(0.8), 5)]
    assert level_agreement([L0, L1], min_pairs=6) == []
    assert level_agreement([L0, half], min_pairs=2) == [(0, -1.0, 2)]


def test_choose_top_cut_hand_computed() -> None:
    # One pair of levels, tau 0.8: at the threshold -> eta**2; just above it -> eta.
    assert choose_top_cut([L0, L1], 3, threshold=0.8, min_pairs=5) == (9, pytest.approx(0.8))
    assert choose_top_cut([L0, L1], 3, threshold=0.81, min_pairs=5)[0] == 3
    # Mean over two pairs: (0.8 + 0.6) / 2 = 0.7.
    cut, agreement = choose_top_cut([L0, L1, L2], 2, threshold=0.7, min_pairs=5)
    assert (cut, agreement) == (4, pytest.approx(0.7))
    assert choose_top_cut([L0, L1, L2], 2, threshold=0.75, min_pairs=5)[0] == 2
    # Too few shared configurations anywhere: plain successive halving, agreement unknown.
    assert choose_top_cut([L0, L1, L2], 3, threshold=0.0, min_pairs=6) == (3, None)
    # Reversed rankings never tighten the cut, whatever the threshold below 1.
    rev = {k: -v for k, v in L0.items()}
    assert choose_top_cut([L0, rev], 3, threshold=0.5, min_pairs=2) == (3, -1.0)


def _history(sched: tw.schedulers.ASHAScheduler, rows: list[tuple[float, float, float]]) -> tw.Study:
    """Trials that report (step 1, step 3, step 9) = row, recording rungs whatever was decided."""
    study = tw.create_study(scheduler=sched)
    for row in rows:
        t = study.ask()
        for step, v in zip((1, 3, 9), row, strict=True):
            t.report(v, step)
            t.should_prune()  # records the rung value; the decision is ignored here
        study.tell(t, row[-1])
    return study


# Rung 0 (step 1): 1 2 3 4 5; rung 1 (step 3): 1 2 3 5 4 (tau 0.8 with rung 0);
# max_resource (step 9): 1 2 3 4 5 (tau 0.8 with rung 1). Mean agreement 0.8.
ROWS = [(1.0, 1.0, 1.0), (2.0, 2.0, 2.0), (3.0, 3.0, 3.0), (4.0, 5.0, 4.0), (5.0, 4.0, 5.0)]


@pytest.mark.parametrize(("kwargs", "cut", "pruned"), [
    ({"agreement_threshold": 0.8, "min_agreement_pairs": 5}, 9, True),   # 0.8 >= 0.8: top 1/9
    ({"agreement_threshold": 0.85, "min_agreement_pairs": 5}, 3, False),  # 0.8 < 0.85: top 1/3
    ({"agreement_threshold": 0.0, "min_agreement_pairs": 6}, 3, False),   # 5 pairs < 6: not measured
    ({"top_reduction_factor": None}, 3, False),                           # plain ASHA
    ({"top_reduction_factor": 9}, 9, True),                               # fixed
])
def test_stop_mode_last_rung_uses_the_measured_cut(kwargs, cut, pruned) -> None:  # type: ignore[no-untyped-def]
    # hedge_threshold=None: every trial in bracket 0 (the default spreads trials over Hyperband's
    # brackets until the first rung's rank agreement is measured, which this test is not about).
    sched = tw.schedulers.ASHAScheduler(1, 9, 3, mode="stop", hedge_threshold=None, **kwargs)
    study = _history(sched, ROWS)
    assert sched.top_cut(study) == cut
    if kwargs.get("min_agreement_pairs") == 5:
        assert sched.rung_agreement(study) == [(0, pytest.approx(0.8), 5), (1, pytest.approx(0.8), 5)]
    # A sixth trial: 1.5 at rung 0 ranks 2nd of 6, kept (rung 0 keeps 6 // 3 = 2).
    # 1.5 at rung 1 ranks 2nd of 6: kept by a 1/3 cut (6 // 3 = 2), stopped by 1/9 (max(1, 6 // 9) = 1).
    t = study.ask()
    t.report(1.5, 1)
    assert not t.should_prune()
    t.report(1.5, 3)
    assert t.should_prune() is pruned


def _run_agreeing(top: object, seed: int, n_trials: int, **kwargs: int
                  ) -> tuple[tw.Study, tw.schedulers.ASHAScheduler]:
    """Promote-mode ASHA (rungs 1/3/9 below 27) on a loss equal to x at every budget."""
    sched = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", top_reduction_factor=top,  # type: ignore[arg-type]
                                        hedge_threshold=None, **kwargs)  # plain ASHA: bracket 0 only
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed), scheduler=sched)

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", 0, 1)
        trial.report(x, int(trial.budget or 27))
        if trial.should_prune():
            raise tw.TrialPruned()
        return x

    study.optimize(objective, n_trials=n_trials)
    return study, sched


def test_promote_mode_auto_tightens_the_full_budget_cut_when_rungs_agree() -> None:
    # The loss is x at every budget (perfect agreement): once a pair of levels has 3 shared
    # configurations, tau = 1 and only the top 1/9 of rung 9 is promoted to 27.
    auto, sched = _run_agreeing("auto", seed=3, n_trials=150, min_agreement_pairs=3)
    plain, _ = _run_agreeing(None, seed=3, n_trials=150, min_agreement_pairs=3)
    assert sched.top_cut(auto) == 9
    # Rungs 1/3 and 3/9 measured (36 and 13 shared configurations); 9/27 has fewer than 3
    # because the tight cut sent a single configuration to 27.
    assert [(k, round(tau, 12)) for k, tau, _ in sched.rung_agreement(auto)] == [(0, 1.0), (1, 1.0)]
    n_full = [sum(t.state == TrialState.COMPLETE for t in s.trials) for s in (auto, plain)]
    assert n_full == [1, 4]
    # Same configurations in the same order (the sampler is seeded): the cut changes only how
    # many reach 27, and the best configuration still does.
    assert auto.best_value == plain.best_value


def test_promote_mode_auto_keeps_the_plain_cut_when_rungs_disagree() -> None:
    # Rankings flip between consecutive budgets (loss x at budgets 1 and 9, 1 - x at 3 and 27):
    # tau = -1 everywhere, so the cut stays 1/3 and the runs match plain ASHA exactly.
    def run(top: object) -> list[tuple[object, str, object]]:
        sched = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", top_reduction_factor=top,  # type: ignore[arg-type]
                                            min_agreement_pairs=3, hedge_threshold=None)
        study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=4), scheduler=sched)

        def objective(trial: tw.Trial) -> float:
            x = trial.suggest_float("x", 0, 1)
            b = int(trial.budget or 27)
            v = x if b in (1, 9) else 1 - x
            trial.report(v, b)
            if trial.should_prune():
                raise tw.TrialPruned()
            return v

        study.optimize(objective, n_trials=120)
        if top == "auto":
            assert sched.top_cut(study) == 3
            agreement = sched.rung_agreement(study)
            assert len(agreement) == 3 and all(tau == -1.0 for _, tau, _ in agreement)
        return [(t.params.get("x"), t.state.value, t.system_attrs.get("continues")) for t in study.trials]

    assert run("auto") == run(None)


def test_promote_mode_auto_sends_the_last_rungs_leader_on_before_anything_is_measured() -> None:
    # Loss x at every budget, rungs 1/3/9 below 27, min_agreement_pairs=10: for the first ~30
    # trials nothing is measured. Plain ASHA runs nothing to 27 until rung 9 has 3 results;
    # "auto" promotes each configuration that is the best at rung 9 so far as soon as it pauses
    # there (the next trial continues it), and no other.
    def run(top: object) -> list[tuple[int, float, int]]:
        study, sched = _run_agreeing(top, seed=5, n_trials=40)
        if top == "auto":  # measured by the end: rungs 1/3 agree, so the cut is 1/9 from then on
            assert sched.top_cut(study) == 9
        return [(t.number, t.params["x"], t.system_attrs["asha"]["segment_rung"]) for t in study.trials]

    auto, plain = run("auto"), run(None)
    at_9 = [(n, x) for n, x, seg in auto if seg == 2]
    full = [(n, x) for n, x, seg in auto if seg == 3]
    leaders = [(n, x) for i, (n, x) in enumerate(at_9) if all(x < y for _, y in at_9[:i])]
    assert len(at_9) == 3 and len(leaders) == 2  # the third rung-9 result is not a new best
    assert full == [(n + 1, x) for n, x in leaders]
    # Plain ASHA: the first run to 27 is the best of the first three rung-9 results, after them.
    plain_9 = [(n, x) for n, x, seg in plain if seg == 2]
    plain_full = [(n, x) for n, x, seg in plain if seg == 3]
    assert len(plain_9) == 3 and len(plain_full) == 1
    assert plain_full[0][0] > plain_9[2][0] and plain_full[0][1] == min(x for _, x in plain_9)
    assert auto[0][1] == plain[0][1]  # same sampler stream: the difference is the schedule


@pytest.mark.parametrize(("kwargs", "word"), [
    ({"top_reduction_factor": "automatic"}, "top_reduction_factor"),
    ({"top_reduction_factor": 2}, "top_reduction_factor"),
    ({"agreement_threshold": 1.5}, "agreement_threshold"),
    ({"agreement_threshold": "high"}, "agreement_threshold"),
    ({"min_agreement_pairs": 1}, "min_agreement_pairs"),
    ({"min_agreement_pairs": 2.5}, "min_agreement_pairs"),
])
def test_bad_auto_settings(kwargs, word) -> None:  # type: ignore[no-untyped-def]
    for cls in (tw.schedulers.ASHAScheduler, tw.schedulers.HyperbandScheduler):
        with pytest.raises(ValueError, match=word) as err:
            cls(1, 27, 3, **kwargs)
        assert repr(next(iter(kwargs.values()))) in str(err.value)


def test_describe_reports_the_rule() -> None:
    d = tw.schedulers.ASHAScheduler(1, 27, 3).describe()
    assert d["top_reduction_factor"] == "auto"
    assert d["agreement_threshold"] == 0.8 and d["min_agreement_pairs"] == 10


def test_agreement_of_many_configurations_is_estimated_from_a_subsample():
    # 3,000 shared configurations (O(n^2) tau would build 9M-entry arrays): the subsample
    # still sees the perfect agreement and the perfect reversal.
    lo = {c: float(c) for c in range(3000)}
    assert level_agreement([lo, {c: 2.0 * c for c in lo}], 10)[0][1:] == (1.0, 400)
    assert level_agreement([lo, {c: -float(c) for c in lo}], 10)[0][1:] == (-1.0, 400)
