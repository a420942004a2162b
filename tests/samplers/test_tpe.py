"""TPESampler: the model, the incremental cache, constant liar, and its behaviour in a study."""

from __future__ import annotations

import logging
import math

import numpy as np
import pytest

import tunewise as tw
from tunewise import distributions as D
from tunewise.samplers._base import PROPOSAL_ATTR
from tunewise.samplers._search_space import group_decompose
from tunewise.samplers._tpe import _Parzen, _Space
from tunewise.trial import TrialState

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _sphere(trial: tw.Trial) -> float:
    return sum((trial.suggest_float(f"x{i}", -5, 5) - 1.5) ** 2 for i in range(4))


def test_tpe_beats_random_search_on_a_smooth_problem() -> None:
    tpe, rnd = [], []
    for seed in range(3):
        s = tw.create_study(sampler=tw.samplers.TPESampler(seed=seed))
        s.optimize(_sphere, n_trials=80)
        tpe.append(s.best_value)
        r = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed))
        r.optimize(_sphere, n_trials=80)
        rnd.append(r.best_value)
    assert np.mean(tpe) < 0.3 * np.mean(rnd), (tpe, rnd)


def test_tpe_finds_the_best_branch_and_values_of_a_conditional_space() -> None:
    def objective(t: tw.Trial) -> float:
        kind = t.suggest_categorical("kind", ["a", "b", "c"])
        if kind == "a":
            return 1.0 + (t.suggest_float("xa", 0, 1) - 0.5) ** 2
        if kind == "b":
            return (t.suggest_int("nb", 1, 50, log=True) - 7) ** 2 / 100
        return 2.0 + t.suggest_float("xc", 0, 1)

    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=60)
    assert study.best_params["kind"] == "b"
    assert abs(study.best_params["nb"] - 7) <= 1
    late = [t.params["kind"] for t in study.trials[30:]]
    assert late.count("b") > 15  # the model prefers the good branch once it has seen it


def test_group_decomposition_splits_conditional_parameters() -> None:
    sets = [frozenset({"clf", "C", "gamma"}), frozenset({"clf", "depth", "n"}), frozenset({"clf", "C", "gamma"})]
    groups = {frozenset(g) for g in group_decompose(sets)}
    assert groups == {frozenset({"clf"}), frozenset({"C", "gamma"}), frozenset({"depth", "n"})}


def test_parzen_estimator_is_a_normalized_density_with_discrete_mass() -> None:
    space = _Space(["x", "n", "c"], [D.Float(0, 1), D.Int(1, 4), D.Categorical(("a", "b", "c"))])
    obs = np.array([[0.2, 0.125, 0.0], [0.8, 0.625, 2.0], [0.3, 0.125, 0.0]])
    est = _Parzen(space, obs, prior_weight=1.0, cat_smoothing=0.2)
    # Integrate over x numerically; sum over the 4 integer cells and 3 categories: total mass 1.
    xs = (np.arange(2000) + 0.5) / 2000
    total = 0.0
    for n_centre in (0.125, 0.375, 0.625, 0.875):
        for c in range(3):
            pts = np.column_stack([xs, np.full_like(xs, n_centre), np.full_like(xs, c)])
            total += np.exp(est.log_pdf(pts)).mean()
    assert total == pytest.approx(1.0, abs=1e-3)
    # Samples stay on valid encodings.
    smp = est.sample(np.random.default_rng(0), 500)
    assert np.all((smp[:, 0] >= 0) & (smp[:, 0] <= 1))
    assert set(np.round(smp[:, 1], 6)) <= {0.125, 0.375, 0.625, 0.875}
    assert set(smp[:, 2]) <= {0.0, 1.0, 2.0}


def test_constant_liar_never_proposes_a_running_point_twice() -> None:
    def objective(t: tw.Trial) -> float:
        return (t.suggest_int("n", 0, 4) - 2) ** 2 + (t.suggest_categorical("c", ["a", "b"]) == "b")

    for liar in (True, False):
        study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0, constant_liar=liar))
        study.optimize(objective, n_trials=20)
        running = [study.ask() for _ in range(8)]
        points = [(t.suggest_int("n", 0, 4), t.suggest_categorical("c", ["a", "b"])) for t in running]
        if liar:
            assert len(set(points)) == len(points), points
            # The proposal is visible to other workers through the storage.
            stored = {t.number: t for t in study.get_trials(states=(TrialState.RUNNING,))}
            assert all(PROPOSAL_ATTR in stored[t.number].system_attrs for t in running)
        else:
            assert len(set(points)) < len(points)  # without the lie, the model repeats its favourite
        for t, (n, c) in zip(running, points, strict=False):
            study.tell(t, (n - 2) ** 2 + (c == "b"))


def test_incremental_cache_matches_the_study_and_follows_a_new_study() -> None:
    sampler = tw.samplers.TPESampler(seed=0, n_startup_trials=3)
    study = tw.create_study(sampler=sampler)

    def objective(t: tw.Trial) -> float:
        x = t.suggest_float("x", 0, 1)
        if t.number % 5 == 4:
            raise ValueError("failed on purpose")
        return x

    study.optimize(objective, n_trials=30, catch=(ValueError,))
    h = sampler._hist
    assert h is not None
    # Every COMPLETE trial is in the matrix once (the cache is built before each proposal).
    n_complete = sum(t.state == TrialState.COMPLETE for t in study.trials[:-1])
    assert h.n == n_complete
    np.testing.assert_allclose(
        np.sort(h.X[: h.n, h.cols["x"]]),
        np.sort([t.params["x"] for t in study.trials[:-1] if t.state == TrialState.COMPLETE]),
    )
    other = tw.create_study(sampler=sampler)
    other.optimize(lambda t: t.suggest_float("y", 0, 1), n_trials=5)
    assert sampler._hist is not None and "x" not in sampler._hist.cols


def test_pruned_trials_rank_after_complete_ones_by_step_then_value() -> None:
    sampler = tw.samplers.TPESampler(seed=0, n_startup_trials=0)
    study = tw.create_study(sampler=sampler)
    plan = [("complete", 5.0), ("pruned", [3.0]), ("pruned", [9.0, 8.0]), ("complete", 1.0), ("pruned", [2.0])]
    for kind, v in plan:
        t = study.ask()
        t.suggest_float("x", 0, 1)
        if kind == "complete":
            study.tell(t, v)
        else:
            for step, iv in enumerate(v):
                t.report(iv, step)
            study.tell(t, state=TrialState.PRUNED)
    h, _ = sampler._history(study)
    order = h.order(np.arange(h.n))
    # complete 1.0, complete 5.0, pruned at step 1, then pruned at step 0 by value (2.0 before 3.0).
    assert list(order) == [3, 0, 2, 4, 1]


def test_multi_objective_study_is_supported() -> None:
    study = tw.create_study(directions=["minimize", "minimize"], sampler=tw.samplers.TPESampler(seed=0))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.params["x"]) ** 2 + 0.1), n_trials=30)
    assert len(study.best_trials) >= 3


def test_univariate_and_nogroup_modes_still_beat_random_search() -> None:
    def mean_best(make: object) -> float:
        out = []
        for seed in range(3):
            study = tw.create_study(sampler=make(seed))  # type: ignore[operator]
            study.optimize(_sphere, n_trials=60)
            out.append(study.best_value)
        return float(np.mean(out))

    rnd = mean_best(lambda s: tw.samplers.RandomSampler(seed=s))
    for kwargs in ({"multivariate": False}, {"group": False}):
        got = mean_best(lambda s, kw=kwargs: tw.samplers.TPESampler(seed=s, **kw))
        assert got < 0.7 * rnd, (kwargs, got, rnd)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_startup_trials": -1}, "n_startup_trials must be an integer >= 0, got -1"),
        ({"n_ei_candidates": 0}, "n_ei_candidates must be an integer >= 1, got 0"),
        ({"n_startup_trials": 2.5}, "n_startup_trials must be an integer"),
        ({"prior_weight": 0}, "prior_weight must be a number > 0"),
        ({"categorical_smoothing": 1.5}, "categorical_smoothing must be in"),
        ({"max_above_kernels": 0}, "max_above_kernels must be an integer >= 1, got 0"),
    ],
)
def test_bad_arguments_get_clear_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tw.samplers.TPESampler(**kwargs)
    with pytest.raises(TypeError, match="gamma must be a function"):
        tw.samplers.TPESampler(gamma=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="multivariate must be True or False"):
        tw.samplers.TPESampler(multivariate="yes")  # type: ignore[arg-type]


def test_custom_gamma_is_used() -> None:
    calls = []

    def gamma(n: int) -> int:
        calls.append(n)
        return max(1, int(math.sqrt(n)))

    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0, gamma=gamma, n_startup_trials=5))
    study.optimize(_sphere, n_trials=12)
    assert calls and calls[-1] == 11


def test_bad_density_is_capped_by_a_rank_stratified_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    from tunewise.samplers import _tpe

    def run(cap: int) -> tuple[list[dict], list[int]]:
        sizes: list[int] = []
        original = _tpe._Parzen.__init__

        def spy(self, space, obs, *args, **kwargs):  # type: ignore[no-untyped-def]
            sizes.append(len(obs))
            original(self, space, obs, *args, **kwargs)

        monkeypatch.setattr(_tpe._Parzen, "__init__", spy)
        study = tw.create_study(sampler=tw.samplers.TPESampler(seed=3, max_above_kernels=cap))
        study.optimize(_sphere, n_trials=40)
        monkeypatch.setattr(_tpe._Parzen, "__init__", original)
        return [t.params for t in study.trials], sizes

    # A cap above the number of trials changes nothing.
    params_big, sizes_big = run(1000)
    params_40, _ = run(40)
    assert params_big == params_40
    assert max(sizes_big) == 39 - 4  # 39 finished trials, 4 of them in the good set
    # A small cap bounds every bad-set density, and the search still works.
    params_small, sizes_small = run(8)
    assert max(sizes_small[1::2]) == 8 and params_small != params_big
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=3, max_above_kernels=8))
    study.optimize(_sphere, n_trials=60)
    rnd = tw.create_study(sampler=tw.samplers.RandomSampler(seed=3))
    rnd.optimize(_sphere, n_trials=60)
    assert study.best_value < 0.5 * rnd.best_value, (study.best_value, rnd.best_value)


def _deceptive_study(seed: int) -> tw.Study:
    """45 finished trials of a conditional space: branch "a" is good everywhere; branch "b" is bad
    everywhere, a little less so near ``xb = 0.5``."""
    rng = np.random.default_rng(100 + seed)
    kind = D.Categorical(("a", "b"))
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=seed, n_startup_trials=0))
    for i in range(45):
        if i % 3:
            xa = float(rng.uniform(0, 1))
            study.add_trial(tw.create_trial(value=1.0 + 0.01 * xa, params={"kind": "a", "xa": xa},
                                            distributions={"kind": kind, "xa": D.Float(0.0, 1.0)}))
        else:
            xb = float(rng.uniform(0, 1))
            study.add_trial(tw.create_trial(value=5.0 + abs(xb - 0.5), params={"kind": "b", "xb": xb},
                                            distributions={"kind": kind, "xb": D.Float(0.0, 1.0)}))
    return study


def test_a_branch_with_no_good_trial_is_not_exploited_around_its_best_bad_trial() -> None:
    # Conditional spaces use one good set for the whole study (as Bergstra et al. / optuna): none of
    # branch b's trials is good, so b's parameter comes from the prior against b's trials, not from
    # a good set of b's own best (bad) trials, which (before) kept proposing next to xb = 0.5.
    near = 0
    for seed in range(10):
        study = _deceptive_study(seed)
        study.enqueue_trial({"kind": "b"})
        study.optimize(lambda t: 5.0 + t.suggest_float("xb", 0.0, 1.0) if t.suggest_categorical(
            "kind", ["a", "b"]) == "b" else 1.0, n_trials=1)
        near += abs(study.trials[-1].params["xb"] - 0.5) < 0.1
    assert near <= 4, near


def test_conditional_spaces_use_neighbour_bandwidths_and_sharpening_categorical_kernels() -> None:
    from tunewise.samplers._tpe import _neighbour_bandwidths

    x = np.array([[0.1], [0.15], [0.5], [0.6], [0.62], [0.9], [0.95], [0.3]])
    # Sorted 0.1 0.15 0.3 0.5 0.6 0.62 0.9 0.95; the larger gap to a neighbour, the outermost ones
    # inwards; at least 1 / (n + 2) = 0.1.
    expected = [0.1, 0.15, 0.2, 0.1, 0.28, 0.28, 0.1, 0.2]
    assert np.allclose(_neighbour_bandwidths(x, np.zeros(1))[:, 0], expected)
    # A lone observation: the distance to the farther bound.
    assert np.allclose(_neighbour_bandwidths(np.array([[0.2]]), np.zeros(1)), [[0.8]])

    space = _Space(["c", "x"], [D.Categorical(("p", "q", "r")), D.Float(0.0, 1.0)])
    obs = np.array([[0.0, 0.2], [0.0, 0.3], [1.0, 0.8]])
    est = _Parzen(space, obs, 1.0, 0.2, adaptive=True)
    assert np.allclose(est.sigma[:3, 0], [0.2, 0.5, 0.5])  # gaps 0.1, 0.5, 0.5; clip 1 / 5
    # A categorical kernel puts 1 + 1/4 on its choice and 1/4 on the others (optuna's), so it
    # sharpens as observations accumulate; the prior kernel stays uniform.
    assert np.allclose(np.exp(est.cat_logp[0][0]), [1.25 / 1.75, 0.25 / 1.75, 0.25 / 1.75])
    assert np.allclose(np.exp(est.cat_logp[0][3]), [1 / 3] * 3)
    big = _Parzen(space, np.array([[0.0, 0.5]] * 9), 1.0, 0.2, adaptive=True)
    assert np.exp(big.cat_logp[0][0, 0]) > np.exp(est.cat_logp[0][0, 0])
    # Past 25 kernels the oldest weigh less (a linear ramp), the newest 25 and the prior weigh 1.
    ramped = _Parzen(space, np.tile([[0.0, 0.5]], (40, 1)), 1.0, 0.2, adaptive=True, ramp=True)
    w = ramped.w / ramped.w[-1]
    assert w[0] < w[13] < 1.0 and np.allclose(w[14:], 1.0)


def test_unconditional_spaces_use_neighbour_bandwidths_clipped_between_the_estimator_and_the_study(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tunewise.samplers import _tpe

    # The estimator: neighbour gaps, clipped below at 1 / sqrt((n + 2) (n_split + 2)).
    space = _Space(["x", "y"], [D.Float(0.0, 1.0), D.Float(0.0, 1.0)])
    obs = np.array([[0.40, 0.1], [0.42, 0.5], [0.60, 0.9]])
    clip = 1.0 / np.sqrt((3 + 2) * (40 + 2))  # 0.069: between 1/(n+2) = 0.2 and 1/(n_split+2) = 0.024
    est = _Parzen(space, obs, 1.0, 0.2, n_split=40)
    assert np.allclose(est.sigma[:3, 0], [clip, 0.18, 0.18])  # gaps 0.02, 0.18, 0.18
    assert np.allclose(est.sigma[:3, 1], [0.4, 0.4, 0.4])
    assert np.allclose(est.sigma[3], 1.0)  # the prior kernel
    scott = _Parzen(space, obs, 1.0, 0.2)
    assert np.ptp(scott.sigma[:3], axis=0).max() == 0.0  # Scott's rule: one bandwidth per dimension

    # The sampler: in an unconditional space both estimators count the trials split (the finished
    # trials); in a conditional space they keep Bergstra's / optuna's estimator (no n_split).
    seen: list[tuple[int, int | None, bool]] = []
    original = _tpe._Parzen.__init__

    def spy(self, space, obs, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, space, obs, *args, **kwargs)
        seen.append((len(obs), kwargs.get("n_split"), bool(kwargs.get("adaptive"))))

    monkeypatch.setattr(_tpe._Parzen, "__init__", spy)
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0, n_startup_trials=5))
    study.optimize(_sphere, n_trials=20)
    pairs = list(zip(seen[::2], seen[1::2], strict=True))
    assert len(pairs) == 15
    for k, ((n_l, split_l, ad_l), (n_g, split_g, ad_g)) in enumerate(pairs):
        assert split_l == split_g == 5 + k == n_l + n_g and not ad_l and not ad_g
    seen.clear()
    cond = _deceptive_study(0)
    cond.optimize(lambda t: t.suggest_float("xa", 0.0, 1.0) if t.suggest_categorical("kind", ["a", "b"]) == "a"
                  else 5.0, n_trials=2)
    assert seen and all(split is None and adaptive for _, split, adaptive in seen)
