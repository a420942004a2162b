"""Multi-objective studies: Pareto sorting and hypervolume, MO-TPE, NSGA-II/III, AutoSampler."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tunewise as tw
from tunewise._pareto import hypervolume_of, nondominated, pareto_rank, select_by_hypervolume
from tunewise.samplers._mo import order_rows
from tunewise.samplers._nsga import GENERATION_ATTR, constrained_rank, crowding_distance, das_dennis


def _brute_rank(v: np.ndarray) -> np.ndarray:
    rank = np.full(len(v), -1)
    left = set(range(len(v)))
    r = 0
    while left:
        front = {i for i in left
                 if not any(np.all(v[j] <= v[i]) and np.any(v[j] < v[i]) for j in left if j != i)}
        for i in front:
            rank[i] = r
        left -= front
        r += 1
    return rank


def _monte_carlo_hv(points: np.ndarray, ref: np.ndarray, rng: np.random.Generator, n: int = 200_000) -> float:
    lo = points.min(axis=0)
    u = lo + rng.random((n, len(ref))) * (ref - lo)
    dominated = np.zeros(n, dtype=bool)
    for p in points:
        dominated |= np.all(u >= p, axis=1)
    return float(dominated.mean() * np.prod(ref - lo))


def _zdt1(t: tw.Trial) -> tuple[float, float]:
    x = [t.suggest_float(f"x{i}", 0, 1) for i in range(4)]
    g = 1 + 9 * sum(x[1:]) / 3
    return x[0], g * (1 - math.sqrt(x[0] / g))


# ---- sorting and hypervolume ------------------------------------------------------------------
@pytest.mark.parametrize("m", [2, 3, 4])
def test_pareto_rank_matches_a_brute_force_sort_with_ties(m: int) -> None:
    rng = np.random.default_rng(m)
    v = rng.integers(0, 6, size=(80, m)).astype(float)  # many equal rows and ties
    assert pareto_rank(v).tolist() == _brute_rank(v).tolist()
    assert nondominated(v).tolist() == (_brute_rank(v) == 0).tolist()


def test_non_finite_values_rank_last_without_breaking_the_order() -> None:
    v = np.array([[1.0, 2.0], [np.inf, 0.0], [2.0, 1.0], [np.inf, np.inf], [3.0, 3.0]])
    assert pareto_rank(v).tolist() == [0, 0, 0, 2, 1]


@pytest.mark.parametrize("m", [2, 3])
def test_hypervolume_matches_monte_carlo(m: int) -> None:
    rng = np.random.default_rng(10 + m)
    pts = rng.random((12, m))
    ref = np.full(m, 1.2)
    exact = hypervolume_of(pts, ref)
    assert exact == pytest.approx(_monte_carlo_hv(pts, ref, rng), rel=0.02)
    # Points beyond the reference point add nothing; a dominated point adds nothing.
    assert hypervolume_of(np.vstack([pts, np.full(m, 5.0), pts[:1] + 0.01]), ref) == pytest.approx(exact)


def test_hypervolume_of_a_study_uses_its_directions_and_feasible_trials_only() -> None:
    study = tw.create_study(directions=["minimize", "maximize"])
    for values, constraint in (([1.0, 2.0], -1.0), ([2.0, 4.0], 0.0), ([0.0, 9.0], 1.0)):
        trial = study.ask()
        trial.set_constraint([constraint])
        study.tell(trial, values)
    # The third trial would dominate, but it is infeasible.
    assert tw.hypervolume(study, reference_point=[3.0, 0.0]) == pytest.approx(2 * 2 + 1 * 2)
    numbers, hv = tw.hypervolume_history(study, reference_point=[3.0, 0.0])
    assert numbers == [0, 1] and hv == pytest.approx([4.0, 6.0])
    with pytest.raises(ValueError, match="reference_point must be 2 finite numbers"):
        tw.hypervolume(study, reference_point=[1.0])


def test_hypervolume_history_never_decreases_and_ends_at_the_hypervolume() -> None:
    study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(_zdt1, n_trials=60)
    ref = [1.1, 11.0]
    numbers, hv = tw.hypervolume_history(study, reference_point=ref)
    assert numbers == [t.number for t in study.trials]
    assert np.all(np.diff(hv) >= 0)
    assert hv[-1] == pytest.approx(tw.hypervolume(study, reference_point=ref))
    assert tw.hypervolume(study) > 0  # the default reference point: beyond the worst values


def test_best_trials_is_the_exact_front_and_keeps_equal_trials() -> None:
    study = tw.create_study(directions=["minimize", "maximize", "minimize"])
    rng = np.random.default_rng(3)
    v = rng.integers(0, 5, size=(300, 3)).astype(float)
    for row in v:
        study.tell(study.ask(), row.tolist())
    expected = np.flatnonzero(_brute_rank(v * np.array([1, -1, 1])) == 0).tolist()
    assert [t.number for t in study.best_trials] == expected


# ---- MO-TPE ---------------------------------------------------------------------------------------
def test_hypervolume_subset_selection_keeps_the_spread_of_a_front() -> None:
    front = np.array([[0.0, 1.0], [0.1, 0.6], [0.5, 0.5], [0.6, 0.1], [1.0, 0.0]])
    chosen = select_by_hypervolume(front, 2, np.array([1.1, 1.1]))
    # Of every pair, {(0.1, 0.6), (0.6, 0.1)} dominates the most.
    best_pair = max(((i, j) for i in range(5) for j in range(i + 1, 5)),
                    key=lambda p: hypervolume_of(front[list(p)], np.array([1.1, 1.1])))
    assert sorted(chosen.tolist()) == list(best_pair) == [1, 3]


def test_tpe_ranking_puts_the_front_first_then_pruned_then_infeasible() -> None:
    values = np.array([[1.0, 3.0], [3.0, 1.0], [2.0, 2.0], [3.0, 3.0], [0.0, 0.0], [5.0, 5.0]])
    tier = np.array([0, 0, 0, 0, 0, 1])
    step = np.array([0, 0, 0, 0, 0, 4])
    violation = np.array([0, 0, 0, 0, 2.0, 0])  # the best point is infeasible
    order = order_rows(values, tier, step, violation, n_below=3)
    assert set(order[:3].tolist()) == {0, 1, 2}  # the feasible front
    assert order[3:].tolist() == [3, 5, 4]  # dominated, then pruned, then infeasible


def test_mo_tpe_finds_a_better_front_than_random_search() -> None:
    ref = [1.1, 11.0]

    def hv(sampler: tw.samplers.Sampler) -> float:
        study = tw.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_zdt1, n_trials=60)
        return tw.hypervolume(study, reference_point=ref)

    tpe = np.mean([hv(tw.samplers.TPESampler(seed=s)) for s in range(3)])
    rand = np.mean([hv(tw.samplers.RandomSampler(seed=s)) for s in range(3)])
    assert tpe > rand


# ---- NSGA-II / NSGA-III --------------------------------------------------------------------------
def test_crowding_distance_and_constrained_domination() -> None:
    front = np.array([[0.0, 1.0], [0.2, 0.5], [0.3, 0.4], [1.0, 0.0]])
    d = crowding_distance(front)
    assert np.isinf(d[[0, 3]]).all() and d[1] == pytest.approx(0.3 / 1 + 0.6 / 1)
    values = np.array([[1.0, 1.0], [0.0, 0.0], [2.0, 2.0], [0.5, 0.5]])
    viol = np.array([0.0, 3.0, 0.0, 1.0])
    # Feasible rows by Pareto rank first; infeasible ones after, less violation first.
    assert constrained_rank(values, viol).tolist() == [0, 3, 1, 2]


def test_nsga2_breeds_generations_within_bounds_and_beats_random_search() -> None:
    def run(sampler: tw.samplers.Sampler) -> tw.Study:
        study = tw.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_zdt1, n_trials=200)
        return study

    nsga = [run(tw.samplers.NSGAIISampler(population_size=20, seed=s)) for s in range(2)]
    rand = [run(tw.samplers.RandomSampler(seed=s)) for s in range(2)]
    gens = [t.system_attrs[GENERATION_ATTR] for t in nsga[0].trials]
    assert gens == [t.number // 20 for t in nsga[0].trials]
    assert all(0 <= v <= 1 for t in nsga[0].trials for v in t.params.values())
    ref = [1.1, 11.0]
    assert np.mean([tw.hypervolume(s, reference_point=ref) for s in nsga]) > \
        np.mean([tw.hypervolume(s, reference_point=ref) for s in rand])


def test_nsga2_is_reproducible_and_handles_categorical_and_conditional_parameters() -> None:
    def objective(t: tw.Trial) -> tuple[float, float]:
        kind = t.suggest_categorical("kind", ["a", "b"])
        x = t.suggest_float("x", 0, 1) if kind == "a" else t.suggest_int("k", 0, 10) / 10
        return x, (1 - x) ** 2 + (0.1 if kind == "b" else 0.0)

    def params(seed: int) -> list[dict[str, object]]:
        study = tw.create_study(directions=["minimize", "minimize"],
                                sampler=tw.samplers.NSGAIISampler(population_size=8, seed=seed))
        study.optimize(objective, n_trials=40)
        return [t.params for t in study.trials]

    assert params(1) == params(1)
    assert {p["kind"] for p in params(1)[8:]} <= {"a", "b"}


def test_nsga3_spreads_a_three_objective_front() -> None:
    assert len(das_dennis(3, 4)) == math.comb(6, 2)

    def objective(t: tw.Trial) -> tuple[float, float, float]:
        x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
        g = sum((t.suggest_float(f"z{i}", 0, 1) - 0.5) ** 2 for i in range(3))
        a, b = x * math.pi / 2, y * math.pi / 2
        return (1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)

    study = tw.create_study(directions=["minimize"] * 3, sampler=tw.samplers.NSGAIIISampler(population_size=15, seed=0))
    study.optimize(objective, n_trials=150)
    rand = tw.create_study(directions=["minimize"] * 3, sampler=tw.samplers.RandomSampler(seed=0))
    rand.optimize(objective, n_trials=150)
    ref = [2.0, 2.0, 2.0]
    assert tw.hypervolume(study, reference_point=ref) > tw.hypervolume(rand, reference_point=ref)
    with pytest.raises(ValueError, match="reference_points must be"):
        tw.samplers.NSGAIIISampler(reference_points=[[-1.0, 2.0]])


@pytest.mark.parametrize("kwargs, match", [
    ({"population_size": 1}, "population_size must be an integer >= 2"),
    ({"crossover_prob": 1.5}, "crossover_prob must be a probability"),
    ({"mutation_prob": -0.1}, "mutation_prob must be a probability"),
    ({"eta_crossover": -1}, "eta_crossover must be a number >= 0"),
])
def test_nsga2_rejects_bad_settings(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tw.samplers.NSGAIISampler(**kwargs)  # type: ignore[arg-type]


# ---- the default sampler --------------------------------------------------------------------------
def test_auto_sampler_goes_from_gp_to_mo_tpe_to_nsga2_as_the_budget_grows() -> None:
    sampler = tw.samplers.AutoSampler(seed=0, n_startup_trials=4, large_budget=8, multi_objective_large_budget=16)
    study = tw.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=20)
    record = study.system_attrs["auto_sampler"]
    assert [(h["sampler"], h["from_trial"]) for h in record["history"]] == [
        ("QMCSampler", 0), ("GPSampler", 4), ("TPESampler", 8), ("NSGAIISampler", 16)]
    assert "large budget" in record["reason"]
    assert len(study.best_trials) >= 3


def test_default_sampler_runs_a_multi_objective_study() -> None:
    study = tw.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1) - t.params["x"] ** 2),
                   n_trials=15)
    assert len(study.best_trials) >= 1


@pytest.mark.slow
def test_gp_sampler_covers_the_front_of_a_multi_objective_study() -> None:
    def objective(t: tw.Trial) -> tuple[float, float]:
        x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
        return x, (1 - x) ** 2 + 2 * y  # the front: y = 0, any x

    study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(objective, n_trials=24)
    late = study.trials[12:]
    assert np.mean([t.params["y"] for t in late]) < 0.2  # the model drives y to the front
    xs = sorted(t.params["x"] for t in study.best_trials)
    assert xs[-1] - xs[0] > 0.5  # random weights spread the proposals along it
