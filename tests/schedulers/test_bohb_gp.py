"""BOHBSampler(model="gp"): one GP over (configuration, budget), expected improvement at the top budget."""

from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tests.schedulers.test_bohb import _add, _ask_one, add_agreeing_budgets
from tunewise.samplers._bohb_gp import budget_ladder


def _gp(seed: int) -> tw.samplers.BOHBSampler:
    return tw.samplers.BOHBSampler(seed=seed, model="gp", random_fraction=0.0, min_points_in_model=2)


def test_budget_ladder_keeps_the_rungs() -> None:
    assert budget_ladder({1: 81, 3: 27, 9: 9, 27: 3}) == [27, 9, 3, 1]
    # Reports every epoch under ASHA rungs 1, 3, 9, 27: the steps between rungs hold the same
    # configurations as the rung above them, so the ladder is the rungs.
    counts = {b: (81 if b == 1 else 27 if b <= 3 else 9 if b <= 9 else 3) for b in range(1, 28)}
    assert budget_ladder(counts) == [27, 9, 3, 1]
    assert budget_ladder({float(b): 10 for b in range(1, 28)}) == [27]  # no scheduler: one budget
    assert budget_ladder({5: 4, 4: 6}) == [5]  # 4 is not a factor 2 below 5


def test_cheap_budget_that_agrees_guides_the_top_budget() -> None:
    # 40 cheap observations (budget 1) and only 3 at budget 9; both have their minimum at 0.7.
    sampler = _gp(0)
    study = tw.create_study(sampler=sampler)
    add_agreeing_budgets(study, 0, 40, 3)
    proposals = [_ask_one(study) for _ in range(5)]
    assert sampler.last_model_budget == 9.0
    # The GP learned that the budgets are alike (a long length scale on the budget axis) ...
    assert sampler.last_fidelity_lengthscale is not None and sampler.last_fidelity_lengthscale > 0.5
    # ... and proposes near the shared minimum, which the 3 top-budget points alone do not show.
    assert float(np.mean(np.abs(np.array(proposals) - 0.7))) < 0.08


def test_top_budget_wins_where_the_cheap_budget_misleads() -> None:
    # The cheap budget's minimum is at 0.8, the top budget's at 0.2: proposals follow the top budget.
    sampler = _gp(1)
    study = tw.create_study(sampler=sampler)
    for x in np.linspace(0.0, 1.0, 30):
        curve = {1: (float(x) - 0.8) ** 2}
        if round(float(x) * 29) % 3 == 0:  # 10 of them also at budget 9
            curve[9] = (float(x) - 0.2) ** 2
        _add(study, float(x), curve)
    proposals = [_ask_one(study) for _ in range(5)]
    assert float(np.mean(np.abs(np.array(proposals) - 0.2))) < 0.1


def test_running_trials_push_the_next_proposal_away() -> None:
    # Kriging believer: a proposal published by a trial still running is believed at the top
    # budget, so a second ask() (another worker) does not propose the same point.
    sampler = _gp(2)
    study = tw.create_study(sampler=sampler)
    for x in np.linspace(0.0, 1.0, 6):
        _add(study, float(x), {1: (float(x) - 0.4) ** 2 + 0.05, 3: (float(x) - 0.4) ** 2})
    first = study.ask()
    x1 = first.suggest_float("x", 0, 1)
    second = study.ask()
    x2 = second.suggest_float("x", 0, 1)
    assert abs(x1 - 0.4) < 0.1
    assert abs(x1 - x2) > 0.01
    study.tell(first, state=tw.TrialState.FAILED)
    study.tell(second, state=tw.TrialState.FAILED)


def test_mixed_space_with_asha_promotion_finds_the_good_region() -> None:
    sampler = tw.samplers.BOHBSampler(seed=3, model="gp", random_fraction=0.0)
    study = tw.create_study(sampler=sampler, scheduler=tw.schedulers.ASHAScheduler(1, 9, 3, mode="promote"))

    def objective(trial: tw.Trial) -> float:
        k = trial.suggest_categorical("k", ["a", "b", "c"])
        n = trial.suggest_int("n", 1, 20)
        lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
        loss = {"a": 1.0, "b": 0.0, "c": 2.0}[k] + abs(n - 15) / 10 + abs(np.log10(lr) + 2) / 2
        step = int(trial.budget)  # promote mode: each segment reports at its rung's budget
        trial.report(loss + 1 / step, step)
        if trial.should_prune():
            raise tw.TrialPruned()
        return loss + 1 / step

    study.optimize(objective, n_trials=60)
    assert sampler.last_model_budget is not None  # the GP proposed
    ran = [t for t in study.trials if t.state != tw.TrialState.WAITING]  # not the queued continuations
    params = [t.params for t in ran[-20:]]
    assert all(p["k"] in ("a", "b", "c") and 1 <= p["n"] <= 20 and isinstance(p["n"], int) for p in params)
    # The configurations that ran to the full budget include one near the optimum (b, 15, 0.01).
    full = [t for t in study.trials if 9 in t.intermediate_values]
    assert min(t.intermediate_values[9] for t in full) < 0.4
    assert sum(p["k"] == "b" for p in params) >= 15
    # No configuration is proposed twice (a seen one is the scheduler's to continue).
    new = [tuple(sorted(t.params.items())) for t in ran if "continues" not in t.system_attrs]
    assert len(new) == len(set(new))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"model": "rf"}, "model must be 'tpe' or 'gp', got 'rf'"),
    ({"max_gp_points": 4}, "max_gp_points.*4"),
    ({"max_gp_points": 10.5}, "max_gp_points"),
])
def test_bad_settings(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tw.samplers.BOHBSampler(**kwargs)


def _two_worker_run(path) -> tuple[list[tw.FrozenTrial], list[tw.FrozenTrial]]:  # type: ignore[no-untyped-def]
    from tests.schedulers.test_parallel import _objective

    path.mkdir()
    sampler = tw.samplers.BOHBSampler(seed=5, model="gp", random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(name="gp", storage=f"sqlite:///{path / 'gp.db'}", direction="maximize",
                            sampler=sampler, scheduler=tw.schedulers.ASHAScheduler(1, 8, 2, mode="promote"))
    # 60 trials: with 40, the two workers' random streams left the GP too few top-budget points on
    # some schedules (median distance up to 1.1 in 1 run of 5; 60 trials: at most 0.04 in 5).
    study.optimize(_objective, n_trials=60, n_jobs=2)
    trials = study.get_trials()
    new = [t for t in trials if "continues" not in t.system_attrs and t.state != tw.TrialState.WAITING]
    return trials, [t for t in new if t.system_attrs.get("proposal")]


@pytest.mark.slow
def test_two_worker_processes_share_the_model_through_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # This missed about once in 25 runs on a loaded machine (the last proposals settled near
    # x = 1.5): the GP kept proposing next to a cheap point it already knew would lose the first
    # rung (see the test below); with that fixed, 0 misses in 24 loaded runs.
    trials, proposed = _two_worker_run(tmp_path / "run")
    continued = [t.system_attrs["continues"] for t in trials if "continues" in t.system_attrs]
    assert continued and len(continued) == len(set(continued))  # nobody promoted twice
    # Published GP proposals (8-12 of 14-16 new configurations on a quiet machine; fewer when
    # the machine is loaded, since more trials start before the first observations exist).
    assert len(proposed) >= 4
    # The optimum is x = 3: the GP's proposals gather there.
    distance = float(np.median([abs(t.params["x"] - 3.0) for t in proposed[-8:]]))
    assert distance < 0.5, [(t.number, t.params["x"]) for t in proposed]


# (x, first step, last step) of the 50 trials before the miss above (objective: loss s (x - 3)**2
# after s steps, ASHA rungs 1, 2, 4 below 8): the GP's top-budget uncertainty at x = 1.5, where
# only cheap observations exist, stayed high whatever was observed there at budget 1, so it
# proposed x = 1.52, then 1.475, 1.475, 1.475, 1.478 -- each lost the first rung at once.
_BEFORE_THE_MISS = [
    (3.220011695, 1, 1), (1.614168954, 1, 1), (3.220011695, 2, 2), (1.14320552, 1, 1), (4.0, 1, 1), (4.0, 1, 1),
    (4.0, 2, 2), (4.0, 2, 2), (3.220011695, 3, 4), (2.725115947, 1, 1), (3.220011695, 5, 8), (2.725115947, 2, 2),
    (2.725115947, 3, 4), (3.011688561, 1, 1), (3.011688583, 1, 1), (3.011688561, 2, 2), (3.011688583, 2, 2),
    (3.011688561, 3, 4), (3.011688583, 3, 4), (3.011688561, 5, 8), (3.011688583, 5, 8), (0.0, 1, 1), (0.0, 1, 1),
    (1.764298421, 1, 1), (2.95667405, 1, 1), (2.95667241, 1, 1), (2.95667405, 2, 2), (2.95667241, 2, 2),
    (2.95667405, 3, 4), (2.95667241, 3, 4), (2.95667405, 5, 8), (2.924399156, 1, 1), (3.057059021, 1, 1),
    (2.924399156, 2, 2), (3.067909537, 1, 1), (3.067909537, 2, 2), (3.057059021, 2, 2), (3.067909537, 3, 4),
    (3.057059021, 3, 4), (2.999253624, 1, 1), (2.999292291, 1, 1), (2.999253624, 2, 2), (2.999292291, 2, 2),
    (2.999253624, 3, 4), (2.999292291, 3, 4), (2.999292291, 5, 8), (2.984141272, 1, 1), (2.984141272, 2, 2),
    (2.984141272, 3, 4), (1.519392113, 1, 1),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_proposal_that_would_lose_the_first_rung_is_not_repeated(seed: int) -> None:
    sampler = tw.samplers.BOHBSampler(seed=seed, model="gp", random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(direction="maximize", sampler=sampler)
    for x, first, last in _BEFORE_THE_MISS:
        study.enqueue_trial({"x": x})
        t = study.ask()
        t.suggest_float("x", 0.0, 4.0)
        for step in range(first, last + 1):
            t.report(-step * (x - 3.0) ** 2, step)
        if last == 8:
            study.tell(t, -8 * (x - 3.0) ** 2)
        else:
            study.tell(t, state=tw.TrialState.PRUNED)
    t = study.ask()
    x = t.suggest_float("x", 0.0, 4.0)  # the global model's turn (every other proposal is local)
    study.tell(t, state=tw.TrialState.FAILED)
    # x = 1.52 lost the first rung (loss 2.2 at budget 1; the promoted ones are below 0.01): a
    # proposal next to it is observed only there, so it can teach the GP nothing. Believed at the
    # top budget instead, it leaves the GP's next best guess: the optimum (a model proposal, not
    # the random fallback).
    assert sampler.last_model_budget == 8.0
    assert abs(x - 3.0) < 0.1


def test_every_other_proposal_refines_inside_a_box_around_the_best() -> None:
    # x matters, y barely does (its optimum 0.9 is far from where the data are): the local step
    # searches a box around the best top-budget configuration, wide along y (long length scale).
    sampler = tw.samplers.BOHBSampler(seed=6, model="gp", random_fraction=0.0, min_points_in_model=2)
    study = tw.create_study(sampler=sampler)
    rng = np.random.default_rng(6)

    def f(x: float, y: float) -> float:
        return (x - 0.3) ** 2 + 0.01 * (y - 0.9) ** 2

    for i in range(40):
        x, y = float(rng.random()), float(rng.random() * 0.5)
        curve = {1: f(x, y) + 0.05}
        if i % 4 == 0:
            curve[9] = f(x, y)
        study.enqueue_trial({"x": x, "y": y})
        t = study.ask()
        t.suggest_float("x", 0, 1)
        t.suggest_float("y", 0, 1)
        for step, v in curve.items():
            t.report(v, step)
        study.tell(t, list(curve.values())[-1])
    boxes, points = [], []
    for _ in range(4):
        t = study.ask()
        points.append((t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)))
        boxes.append(sampler._gp.last_box)  # type: ignore[union-attr]
        study.tell(t, state=tw.TrialState.FAILED)
    local = [(b, pt) for b, pt in zip(boxes, points, strict=True) if b is not None]
    assert len(local) == 2  # every other proposal
    for (lo, hi), pt in local:
        assert np.all(lo - 1e-9 <= pt) and np.all(np.array(pt) <= hi + 1e-9)
        assert lo[0] <= 0.3 + 0.1 and hi[0] >= 0.3 - 0.1
        assert hi[1] - lo[1] > 2 * (hi[0] - lo[0])  # wide along the parameter that matters little
