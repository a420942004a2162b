"""BOHB: the model is fitted on the largest budget with enough observations, and it helps."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw


def _add(study: tw.Study, x: float, curve: dict[int, float]) -> None:
    study.enqueue_trial({"x": x})
    t = study.ask()
    t.suggest_float("x", 0, 1)
    for step, v in curve.items():
        t.report(v, step)
    study.tell(t, list(curve.values())[-1])


def test_models_the_largest_budget_with_enough_points() -> None:
    sampler = tw.samplers.BOHBSampler(seed=0, random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(sampler=sampler)
    rng = np.random.default_rng(0)
    for _ in range(10):  # budget 1 only
        x = float(rng.random())
        _add(study, x, {1: (x - 0.2) ** 2})
    for _ in range(3):  # 3 points at budget 9: fewer than min_points_in_model + 2 = 4
        x = float(rng.random())
        _add(study, x, {1: (x - 0.2) ** 2, 9: (x - 0.7) ** 2})
    t = study.ask()
    t.suggest_float("x", 0, 1)
    assert sampler.last_model_budget == 1.0
    study.tell(t, 0.0)
    x = float(rng.random())
    _add(study, x, {1: (x - 0.2) ** 2, 9: (x - 0.7) ** 2})
    t = study.ask()
    t.suggest_float("x", 0, 1)
    assert sampler.last_model_budget == 9.0


def _ask_one(study: tw.Study) -> float:
    t = study.ask()
    x = t.suggest_float("x", 0, 1)
    study.tell(t, state=tw.TrialState.FAILED)
    return x


def test_rank_weighting_uses_a_cheap_budget_only_when_it_agrees() -> None:
    xs = [i / 11 for i in range(12)]
    # Agreeing: budget 1 ranks the 12 configurations exactly like budget 9 (tau = 1).
    sampler = tw.samplers.BOHBSampler(seed=0, random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(sampler=sampler)
    for x in xs:
        _add(study, x, {1: (x - 0.3) ** 2 + 1, 9: (x - 0.3) ** 2})
    _ask_one(study)
    assert sampler.last_model_budget == 9.0
    assert sampler.last_weights == {9.0: 0.5, 1.0: 0.5}
    # Disagreeing: budget 1 ranks them in reverse (tau = -1), so only budget 9 is modelled.
    sampler = tw.samplers.BOHBSampler(seed=0, random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(sampler=sampler)
    for x in xs:
        _add(study, x, {1: -x, 9: x})
    _ask_one(study)
    assert sampler.last_weights == {9.0: 1.0}
    # fidelity_weighting="largest" is BOHB as published: one model on the largest budget.
    sampler = tw.samplers.BOHBSampler(seed=0, random_fraction=0.0, min_points_in_model=2,
                                      fidelity_weighting="largest")
    study = tw.create_study(sampler=sampler)
    for x in xs:
        _add(study, x, {1: (x - 0.3) ** 2 + 1, 9: (x - 0.3) ** 2})
    _ask_one(study)
    assert sampler.last_weights == {9.0: 1.0}


def add_agreeing_budgets(study: tw.Study, seed: int, n: int, n_top: int) -> None:
    """``n`` configurations at budget 1, the first ``n_top`` also at budget 9; both budgets have
    their minimum at x = 0.7."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        x = float(rng.random())
        curve = {1: (x - 0.7) ** 2 + 0.1}
        if i < n_top:
            curve[9] = (x - 0.7) ** 2
        _add(study, x, curve)


def test_cheap_observations_steer_proposals_when_the_top_budget_has_few() -> None:
    # 5 configurations at budget 9 (the minimum to model it), 60 at budget 1 that agree with it.
    sampler = tw.samplers.BOHBSampler(seed=3, random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(sampler=sampler)
    add_agreeing_budgets(study, 3, 60, 5)
    proposals = [_ask_one(study) for _ in range(20)]
    assert sampler.last_weights[1.0] > 0
    assert float(np.mean(np.abs(np.array(proposals) - 0.7))) < 0.12


def test_proposals_concentrate_where_the_top_budget_is_good() -> None:
    sampler = tw.samplers.BOHBSampler(seed=1, random_fraction=0.0)
    study = tw.create_study(sampler=sampler)
    rng = np.random.default_rng(1)
    for _ in range(40):
        x = float(rng.random())
        _add(study, x, {3: (x - 0.8) ** 2})
    proposals = []
    for _ in range(20):
        t = study.ask()
        proposals.append(t.suggest_float("x", 0, 1))
        study.tell(t, state=tw.TrialState.FAILED)
    # Uniform proposals would be 0.37 from 0.8 on average; the model's are much closer.
    assert float(np.mean(np.abs(np.array(proposals) - 0.8))) < 0.15


def test_categorical_and_int_parameters() -> None:
    sampler = tw.samplers.BOHBSampler(seed=2, random_fraction=0.0)
    study = tw.create_study(sampler=sampler, scheduler=tw.schedulers.HyperbandScheduler(1, 9, 3))

    def objective(trial: tw.Trial) -> float:
        k = trial.suggest_categorical("k", ["a", "b", "c"])
        n = trial.suggest_int("n", 1, 20)
        loss = {"a": 1.0, "b": 0.0, "c": 2.0}[k] + abs(n - 15) / 10
        for step in range(1, 10):
            trial.report(loss + 1 / step, step)
            if trial.should_prune():
                raise tw.TrialPruned()
        return loss

    study.optimize(objective, n_trials=60)
    last = study.trials[-20:]
    assert sum(t.params["k"] == "b" for t in last) >= 10
    assert study.best_params["k"] == "b"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"top_n_percent": 0}, "top_n_percent"),
    ({"num_samples": 0}, "num_samples"),
    ({"random_fraction": 2}, "random_fraction"),
    ({"bandwidth_factor": 0.5}, "bandwidth_factor"),
    ({"fidelity_weighting": "median"}, "fidelity_weighting.*'rank' or 'largest'.*'median'"),
    ({"max_good": 0}, "max_good"),
    ({"local_fraction": 1.5}, "local_fraction"),
    ({"local_top": 0}, "local_top"),
    ({"local_scale": 0.0}, "local_scale"),
])
def test_bad_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tw.samplers.BOHBSampler(**kwargs)


def _local_study(local_fraction: float, cheap: str) -> tuple[tw.samplers.BOHBSampler, list[float]]:
    sampler = tw.samplers.BOHBSampler(seed=4, random_fraction=0.0, min_points_in_model=2,
                                      local_fraction=local_fraction, local_scale=0.25)
    study = tw.create_study(sampler=sampler)
    xs = [i / 39 for i in range(40)]
    for x in xs:
        top = abs(x - 0.3)
        _add(study, x, {1: top + 1 if cheap == "agree" else -top, 9: top})
    return sampler, [_ask_one(study) for _ in range(30)]


def test_local_candidates_only_when_cheap_budgets_agree() -> None:
    # Budget 1 ranks like budget 9 (tau = 1): local candidates around the best points pull the
    # proposals closer to the optimum at 0.3 than the widened good density alone.
    _, wide = _local_study(0.0, "agree")
    sampler, local = _local_study(1.0, "agree")
    assert sampler.last_weights == {9.0: 0.5, 1.0: 0.5}
    err_wide = float(np.mean(np.abs(np.array(wide) - 0.3)))
    err_local = float(np.mean(np.abs(np.array(local) - 0.3)))
    assert err_local < 0.6 * err_wide
    assert err_local < 0.03
    # Budget 1 ranks them in reverse (tau = -1): agreement 0, no local candidates, so the
    # proposals are exactly those without local search (same seed, same random stream).
    _, wide_dis = _local_study(0.0, "disagree")
    _, local_dis = _local_study(1.0, "disagree")
    assert local_dis == wide_dis
