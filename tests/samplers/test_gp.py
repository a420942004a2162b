"""GPSampler: the surrogate, the acquisition, and the sampler's contract with the study."""

from __future__ import annotations

import logging
import math

import numpy as np
import pytest
import scipy.optimize
import scipy.stats

import tunewise as tw
from tunewise._gp_model import GPModel, _warp, transform_outputs
from tunewise.samplers._gp_acq import log_ei, log_ei_with_grad, log_h

logging.getLogger("tunewise").setLevel(logging.ERROR)


def _branin(x: float, y: float) -> float:
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


def _branin_objective(trial: tw.Trial) -> float:
    return _branin(trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15))


_H3_A = np.array([[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]])
_H3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
_H3_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_H3_MIN = -3.86278


def _hartmann3(trial: tw.Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(3)])
    return float(-np.sum(_H3_ALPHA * np.exp(-np.sum(_H3_A * (x - _H3_P) ** 2, axis=1))))


# ---- the model ------------------------------------------------------------------------------------
def test_posterior_interpolates_observed_points_on_a_1d_toy() -> None:
    x = np.concatenate([np.linspace(0.0, 0.4, 9), np.linspace(0.8, 1.0, 5)])[:, None]
    y = np.sin(6 * x[:, 0])
    y = (y - y.mean()) / y.std()
    empty = np.zeros((len(x), 0))
    model = GPModel(x, empty, y, warp=False)
    model.fit([model.layout.default()])
    mu, sd = model.predict(x, empty)
    np.testing.assert_allclose(mu, y, atol=0.05)
    assert sd.max() < 0.1
    # In the gap between 0.4 and 0.8 the model is uncertain, far more than at the data.
    gap_sd = model.predict(np.array([[0.6]]), np.zeros((1, 0)))[1][0]
    assert gap_sd > 3 * sd.max()


def test_joint_posterior_is_the_dense_formula_and_agrees_with_predict() -> None:
    """predict_joint: K** - K*X (K + noise I)^-1 KX* from the kernel matrices, diagonal = predict's variance."""
    rng = np.random.default_rng(5)
    x_num, x_cat = rng.random((14, 2)), rng.integers(0, 3, (14, 1)).astype(float)
    y = np.sin(4 * x_num[:, 0]) + 0.3 * x_cat[:, 0]
    model = GPModel(x_num, x_cat, (y - y.mean()) / y.std(), warp=True)
    model.fit([model.layout.default()])
    xq_num, xq_cat = rng.random((4, 2)), rng.integers(0, 3, (4, 1)).astype(float)
    mu, cov = model.predict_joint(xq_num, xq_cat)
    mu1, sd1 = model.predict(xq_num, xq_cat)
    np.testing.assert_allclose(mu, mu1, atol=1e-10)
    np.testing.assert_allclose(np.diag(cov), sd1**2, rtol=1e-6, atol=1e-10)
    w, wq = _warp(x_num, model._a, model._b), _warp(xq_num, model._a, model._b)
    k_xx = model._s2 * model._kernel0(w, x_cat, w, x_cat) + np.diag(model._diag + 1e-9)
    k_qx = model._s2 * model._kernel0(wq, xq_cat, w, x_cat)
    dense = model._s2 * model._kernel0(wq, xq_cat, wq, xq_cat) - k_qx @ np.linalg.solve(k_xx, k_qx.T)
    np.testing.assert_allclose(cov, dense, atol=1e-7)
    np.testing.assert_allclose(cov, cov.T, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(cov) > -1e-9)


def test_marginal_likelihood_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(0)
    x_num, x_cat = rng.random((15, 2)), rng.integers(0, 3, (15, 1)).astype(float)
    y = np.sin(4 * x_num[:, 0]) + x_cat[:, 0] * 0.3
    y = (y - y.mean()) / y.std()
    model = GPModel(x_num, x_cat, y, warp=True)
    theta = model.layout.random(rng)
    grad = model.neg_log_posterior(theta)[1]
    numeric = scipy.optimize.approx_fprime(theta, lambda t: model.neg_log_posterior(t)[0], 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-3, atol=1e-3)


def test_posterior_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(1)
    x_num = rng.random((12, 2))
    y = np.cos(5 * x_num[:, 0]) * x_num[:, 1]
    model = GPModel(x_num, np.zeros((12, 0)), (y - y.mean()) / y.std(), warp=True)
    model.fit([model.layout.default()])
    xq = rng.random((3, 2))
    mu, sd, dmu, dsd = model.predict_with_grad(xq, np.zeros((3, 0)))
    h = 1e-6
    for d in range(2):
        e = np.zeros_like(xq)
        e[:, d] = h
        (mp, sp), (mm, sm) = model.predict(xq + e, np.zeros((3, 0))), model.predict(xq - e, np.zeros((3, 0)))
        np.testing.assert_allclose(dmu[:, d], (mp - mm) / (2 * h), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(dsd[:, d], (sp - sm) / (2 * h), rtol=1e-4, atol=1e-5)


def test_posterior_gradient_is_exact_on_the_faces_of_the_box_without_warping() -> None:
    # The acquisition search often starts on a face (x_j = 0 or 1); a zero gradient there would
    # leave it stuck on the boundary. Without warping, the one-sided difference must match.
    rng = np.random.default_rng(2)
    x_num = rng.random((12, 2))
    y = np.cos(5 * x_num[:, 0]) * x_num[:, 1]
    model = GPModel(x_num, np.zeros((12, 0)), (y - y.mean()) / y.std(), warp=False)
    model.fit([model.layout.default()])
    xq = np.array([[0.0, 0.5], [1.0, 0.3]])
    mu, _, dmu, _ = model.predict_with_grad(xq, np.zeros((2, 0)))
    h = 1e-6
    inward = np.array([[h, 0.0], [-h, 0.0]])
    one_sided = (model.predict(xq + inward, np.zeros((2, 0)))[0] - mu) / inward[:, 0]
    np.testing.assert_allclose(dmu[:, 0], one_sided, rtol=1e-3, atol=1e-4)
    assert np.all(np.abs(dmu[:, 0]) > 1e-3)


def test_output_power_transform_preserves_order_and_tames_heavy_tails() -> None:
    rng = np.random.default_rng(0)
    y = np.exp(rng.normal(0, 3, 60))  # log-normal: a few values dwarf the rest
    t = transform_outputs(y, "power")
    assert np.all(np.argsort(t, kind="stable") == np.argsort(y, kind="stable"))
    assert abs(np.mean(t)) < 1e-9 and abs(np.std(t) - 1) < 1e-9
    # Skewness of the raw values is huge; after the transform the values are near-Gaussian.
    assert scipy.stats.skew(y) > 3
    assert abs(scipy.stats.skew(t)) < 0.5
    r = transform_outputs(y, "rank")
    assert np.all(np.argsort(r, kind="stable") == np.argsort(y, kind="stable"))
    with pytest.raises(ValueError, match="output_transform"):
        transform_outputs(y, "bogus")


def test_input_warping_is_monotone_and_fitted_when_it_helps() -> None:
    x = np.linspace(0, 1, 101)
    for a, b in [(0.5, 2.0), (2.0, 0.5), (1.0, 1.0)]:
        w = _warp(x, np.array([a]), np.array([b]))
        assert np.all(np.diff(w) >= 0) and w[0] < 5e-3 and w[-1] > 1 - 5e-3
    np.testing.assert_allclose(_warp(x[1:-1], np.array([1.0]), np.array([1.0])), x[1:-1], atol=1e-12)
    # A function that changes fast near 0 and slowly near 1 (a log-scale parameter put on a
    # linear scale) is better explained with warping: the fitted warp departs from the identity.
    xs = np.linspace(0.01, 1, 25)[:, None]
    y = np.sin(8 * np.sqrt(xs[:, 0]))
    y = (y - y.mean()) / y.std()
    warped = GPModel(xs, np.zeros((25, 0)), y, warp=True)
    theta = warped.fit([warped.layout.default()])
    plain = GPModel(xs, np.zeros((25, 0)), y, warp=False)
    theta_plain = plain.fit([plain.layout.default()])
    assert warped.neg_log_posterior(theta)[0] < plain.neg_log_posterior(theta_plain)[0]
    log_a = theta[warped.layout.n_ls + 2]
    assert log_a < -0.1  # a < 1 stretches the region near 0


def test_auto_output_transform_picks_the_power_transform_for_heavy_tails() -> None:
    def objective(trial: tw.Trial) -> float:  # spans e^0 .. e^16: a heavy right tail
        return math.exp(8 * (trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_float("y", -1, 1) ** 2))

    auto = tw.samplers.GPSampler(seed=0, output_transform="auto")
    study = tw.create_study(sampler=auto)
    study.optimize(objective, n_trials=14)
    assert set(auto._chosen.values()) == {"power"}
    assert study.best_value < math.exp(8 * 0.05)  # found the bottom of the bowl
    fixed = tw.samplers.GPSampler(seed=0, output_transform="standardize")
    tw.create_study(sampler=fixed).optimize(objective, n_trials=14)
    assert set(fixed._chosen.values()) == {"standardize"}


def test_length_scale_prior_is_the_dimension_scaled_one_as_botorch_fits_it() -> None:
    from tunewise._gp_model import _Layout

    # Hvarfner et al. 2024 / BoTorch >= 0.12: LogNormal(sqrt(2) + log(d)/2, sqrt(3)) on l, whose
    # density on l peaks (in log l) at sqrt(2) - 3 + log(d)/2: l ~ 0.2 sqrt(d), for every d.
    for d in (1, 2, 5, 10, 40):
        centre, _ = _Layout(d, 0, False).ls_prior()
        assert centre == pytest.approx(math.sqrt(2.0) - 3.0 + 0.5 * math.log(d))
    # Categorical dimensions count towards d.
    assert _Layout(3, 2, False).ls_prior() == _Layout(5, 0, False).ls_prior()


def test_hedge_output_transform_uses_the_standardized_model_every_third_proposal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tunewise.samplers._gp as gp_module

    used: list[str] = []
    real = gp_module.transform_outputs_with_jacobian

    def spy(y: np.ndarray, method: str) -> tuple[np.ndarray, float]:
        used.append(method)
        return real(y, method)

    monkeypatch.setattr(gp_module, "transform_outputs_with_jacobian", spy)
    sampler = tw.samplers.GPSampler(seed=0, output_transform="hedge")
    assert sampler.describe()["output_transform"] == "hedge"
    study = tw.create_study(sampler=sampler)
    study.optimize(_branin_objective, n_trials=5 + 9)  # 5 Sobol trials (d = 2), then 9 GP proposals
    assert used == ["power", "power", "standardize"] * 3
    assert study.best_value < 2.0  # optimum 0.398: the portfolio still converges


# ---- log expected improvement ----------------------------------------------------------------
def test_log_ei_matches_log_of_ei_where_representable() -> None:
    mu = np.array([0.0, 0.5, 1.0, -1.0, 2.0, 3.0, 6.0])
    sd = np.array([1.0, 0.2, 0.5, 2.0, 0.3, 0.4, 0.5])
    best = 0.1
    z = (best - mu) / sd
    ei = sd * (scipy.stats.norm.pdf(z) + z * scipy.stats.norm.cdf(z))
    np.testing.assert_allclose(log_ei(mu, sd, best), np.log(ei), rtol=1e-9)
    zs = np.linspace(-30, 5, 300)
    h = scipy.stats.norm.pdf(zs) + zs * scipy.stats.norm.cdf(zs)
    ok = h > 1e-280
    np.testing.assert_allclose(log_h(zs)[ok], np.log(h[ok]), rtol=1e-7)


def test_log_ei_stays_finite_and_monotone_where_ei_underflows() -> None:
    z = -np.logspace(0.5, 8, 200)
    with np.errstate(all="raise"):
        lh = log_h(z)
    assert np.all(np.isfinite(lh))
    h_direct = scipy.stats.norm.pdf(z) + z * scipy.stats.norm.cdf(z)
    assert np.any(h_direct == 0)  # EI itself underflows here
    assert np.all(np.diff(lh) < 0)  # still ranks points: further below the incumbent is worse
    # Asymptotics: log h(z) ~ -z^2/2 - log(sqrt(2 pi)) - 2 log|z| for z -> -inf.
    zz = z[-1]
    assert abs(lh[-1] - (-0.5 * zz * zz - 0.5 * math.log(2 * math.pi) - 2 * math.log(-zz))) < 1e-6 * zz * zz
    val, d_mu, d_sd = log_ei_with_grad(np.array([40.0]), np.array([1.0]), 0.0)
    assert np.isfinite(val).all() and np.isfinite(d_mu).all() and np.isfinite(d_sd).all()
    assert d_mu[0] < 0 < d_sd[0]


def test_log_ei_gradient_matches_finite_differences() -> None:
    mu, sd, best, h = np.array([0.3, 2.0, 9.0]), np.array([0.5, 0.4, 0.6]), 0.0, 1e-6
    _, d_mu, d_sd = log_ei_with_grad(mu, sd, best)
    np.testing.assert_allclose(d_mu, (log_ei(mu + h, sd, best) - log_ei(mu - h, sd, best)) / (2 * h), rtol=1e-5)
    np.testing.assert_allclose(d_sd, (log_ei(mu, sd + h, best) - log_ei(mu, sd - h, best)) / (2 * h), rtol=1e-5)


# ---- the sampler ------------------------------------------------------------------------------
def test_gp_beats_random_search_on_a_smooth_problem() -> None:
    gp_regret, random_regret = [], []
    for seed in range(2):
        gp = tw.create_study(sampler=tw.samplers.GPSampler(seed=seed))
        gp.optimize(_hartmann3, n_trials=25)
        rnd = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed))
        rnd.optimize(_hartmann3, n_trials=25)
        gp_regret.append(gp.best_value - _H3_MIN)
        random_regret.append(rnd.best_value - _H3_MIN)
    # Hartmann-3 in 25 trials: random search ends 0.1-1 above the minimum, the GP within 0.02.
    assert max(gp_regret) < 0.05
    assert max(gp_regret) < 0.2 * min(random_regret)


def test_maximize_direction_is_respected() -> None:
    study = tw.create_study(direction="maximize", sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(lambda t: -_branin_objective(t), n_trials=20)
    assert -study.best_value - 0.397887 < 0.3


def test_proposals_are_inside_every_kind_of_distribution() -> None:
    seen: dict[str, set] = {"opt": set()}

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", -2.0, 2.0)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
        n = trial.suggest_int("n", 1, 9)
        k = trial.suggest_int("k", 2, 20, step=3)
        w = trial.suggest_int("w", 1, 1000, log=True)
        opt = trial.suggest_categorical("opt", ["adam", "sgd", "rmsprop"])
        seen["opt"].add(opt)
        return (x - 0.5) ** 2 + (math.log10(lr) + 3) ** 2 + q + abs(n - 4) + k / 20 + math.log(w) / 7 + (opt != "sgd")

    # Validity on every seed; where the search ends is judged over seeds 0-15 as issue 18's rule for
    # the default's acquisition search says (benchmarks/history/s27/gp_d_decision.txt, 4b): at most
    # one seed may miss (the search before session 28 missed none; the current one misses seed 1,
    # which ends on "rmsprop" at 1.10).
    late_sgd, missed = 0, []
    for seed in range(16):
        study = tw.create_study(sampler=tw.samplers.GPSampler(seed=seed))
        study.optimize(objective, n_trials=30)
        dists = study.distributions
        for t in study.trials:
            for name, value in t.params.items():
                assert dists[name].contains(value), (name, value)
            assert isinstance(t.params["n"], int) and isinstance(t.params["w"], int)
        ends_well = study.best_params["opt"] == "sgd" and abs(study.best_params["n"] - 4) <= 1
        # the optimum is 0.1; random search at 30 trials ends at 2-3.6
        if not (ends_well and study.best_value < 1.5):
            missed.append((seed, study.best_params["opt"], round(study.best_value, 3)))
        late_sgd += sum(t.params["opt"] == "sgd" for t in study.trials[-6:])
    assert seen["opt"] == {"adam", "sgd", "rmsprop"}
    assert len(missed) <= 1, missed
    # The model-based phase exploits what it learned: the best categorical wins in the last trials
    # (chance: 32 of 96; a seed may still be trying the others after a long stay on one).
    assert late_sgd >= 48


def test_running_trials_are_accounted_for() -> None:
    # One output transform throughout (the default "hedge" alternates models between proposals,
    # which would separate the two asks by itself): the kriging believer alone must do it.
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0, output_transform="power"))
    study.optimize(_branin_objective, n_trials=12)
    # Two asks without a tell in between (two parallel workers) must not get the same point.
    a, b = study.ask(), study.ask()
    pa = (a.suggest_float("x", -5, 10), a.suggest_float("y", 0, 15))
    pb = (b.suggest_float("x", -5, 10), b.suggest_float("y", 0, 15))
    assert np.hypot((pa[0] - pb[0]) / 15, (pa[1] - pb[1]) / 15) > 0.02
    # Without the kriging believer the deterministic proposal would repeat.
    plain = tw.create_study(
        sampler=tw.samplers.GPSampler(seed=0, output_transform="power", consider_running_trials=False)
    )
    plain.optimize(_branin_objective, n_trials=12)
    c, d = plain.ask(), plain.ask()
    pc = (c.suggest_float("x", -5, 10), c.suggest_float("y", 0, 15))
    pd = (d.suggest_float("x", -5, 10), d.suggest_float("y", 0, 15))
    assert np.hypot((pc[0] - pd[0]) / 15, (pc[1] - pd[1]) / 15) < 0.02


def _noisy_branin(trial: tw.Trial) -> float:
    # Noise the GP fits, so that the best posterior mean at a result differs from the best result.
    noise = 3.0 * math.sin(1000.0 * trial.number)
    return _branin(trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15)) + noise


def _asked_in_turn(study: tw.Study, n: int, running: int) -> list[dict]:
    """``n`` trials, ``running`` of them asked and not told at any time (parallel workers)."""
    pending: list[tw.Trial] = []
    for _ in range(n):
        trial = study.ask()
        trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15)
        pending.append(trial)
        if len(pending) > running:
            oldest = pending.pop(0)
            study.tell(oldest, _noisy_branin(oldest))
    return [t.params for t in study.trials]


def test_the_plugin_incumbent_applies_only_while_trials_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # EI's bar is the best posterior mean at a result while other trials run (their believed values
    # are posterior means too); sequential proposals keep the best result as the bar.
    runs = {}
    for on in (True, False):
        monkeypatch.setattr(tw.samplers.GPSampler, "_plugin_when_pending", on)
        sequential = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
        sequential.optimize(_noisy_branin, n_trials=20)
        parallel = _asked_in_turn(tw.create_study(sampler=tw.samplers.GPSampler(seed=0)), 20, running=3)
        runs[on] = ([t.params for t in sequential.trials], parallel)
    assert runs[True][0] == runs[False][0]
    assert runs[True][1] != runs[False][1]


@pytest.mark.parametrize("seed", range(4))
def test_a_running_trial_predicted_best_raises_the_bar_for_the_next_proposal(seed: int) -> None:
    # Results on both sides of the minimum of (x - 0.5)^2: the model predicts 0.5 beats them both,
    # so the first ask goes there. While it runs, its believed value is the one to beat: the
    # second worker must not get a near-copy of it (with the incumbent left at the best result,
    # expected improvement stayed highest right next to the running point: under 0.001 away).
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=seed, n_startup_trials=2))
    for x in (0.05, 0.4, 0.6, 0.95):
        study.enqueue_trial({"x": x})
        t = study.ask()
        study.tell(t, (t.suggest_float("x", 0.0, 1.0) - 0.5) ** 2)
    first, second = study.ask(), study.ask()
    x1, x2 = first.suggest_float("x", 0.0, 1.0), second.suggest_float("x", 0.0, 1.0)
    assert abs(x1 - 0.5) < 0.02
    assert abs(x2 - x1) > 0.01


def test_workers_with_separate_sampler_copies_see_each_others_running_proposals() -> None:
    # Two workers (two processes in real life): same storage, one sampler copy each, so neither
    # has the other's proposal in memory; only what the storage holds can keep them apart.
    storage = tw.storage.InMemoryStorage()
    first = tw.create_study(name="shared", storage=storage, sampler=tw.samplers.GPSampler(seed=0))
    first.optimize(_branin_objective, n_trials=12)
    second = tw.load_study(name="shared", storage=storage, sampler=tw.samplers.GPSampler(seed=0))
    second.sampler._theta = {}  # a fresh copy: no fitted state, no memory of proposals

    a = first.ask()
    pa = (a.suggest_float("x", -5, 10), a.suggest_float("y", 0, 15))
    b = second.ask()  # `a` is still RUNNING and has reported nothing
    pb = (b.suggest_float("x", -5, 10), b.suggest_float("y", 0, 15))
    assert np.hypot((pa[0] - pb[0]) / 15, (pa[1] - pb[1]) / 15) > 0.02


def test_failed_and_nonfinite_trials_at_random_points_do_not_stop_the_gp() -> None:
    calls = {"n": 0}

    def objective(trial: tw.Trial) -> float:
        x, y = trial.suggest_float("x", -5, 10), trial.suggest_float("y", 0, 15)
        calls["n"] += 1
        if calls["n"] % 4 == 0:
            return float("nan")
        if calls["n"] % 4 == 1 and calls["n"] > 1:
            return float("inf")
        if calls["n"] % 7 == 0:
            raise RuntimeError("boom")
        return _branin(x, y)

    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(objective, n_trials=30, catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(tw.TrialState.FAILED) >= 9  # NaN results and errors (an inf result is COMPLETE)
    assert sum(t.value == float("inf") for t in study.trials) >= 5
    assert len(study.trials) == 30
    assert study.best_value < 2.0  # the model still learned from the good trials (failures in no region)


def test_pruned_trials_count_with_their_last_value() -> None:
    def run(include_pruned: bool) -> list[float]:
        study = tw.create_study(
            sampler=tw.samplers.GPSampler(seed=0, n_startup_trials=4, include_pruned=include_pruned)
        )
        xs = []
        for _ in range(14):
            t = study.ask()
            x = t.suggest_float("x", 0, 1)
            xs.append(x)
            t.report((x - 0.3) ** 2, step=0)  # every trial is stopped early by a scheduler
            study.tell(t, state=tw.TrialState.PRUNED)
        return xs

    with_pruned, without = run(True), run(False)
    # Learning from the pruned trials' last values finds the minimum ...
    assert min(abs(x - 0.3) for x in with_pruned[4:]) < 0.02
    # ... while ignoring them leaves the sampler in its initial design (a Sobol sequence).
    assert with_pruned[:4] == without[:4]
    assert min(abs(x - 0.3) for x in without[4:]) > 0.005


def test_deterministic_under_a_seed() -> None:
    def run(seed: int) -> list[dict]:
        study = tw.create_study(sampler=tw.samplers.GPSampler(seed=seed))
        study.optimize(_branin_objective, n_trials=14)
        return [t.params for t in study.trials]

    first = run(5)
    assert first == run(5)
    assert first != run(6)


def test_conditional_parameters_fall_back_to_random_and_the_rest_is_modelled() -> None:
    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", -3, 3)
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return (x - 1) ** 2 + trial.suggest_float("only_a", 0, 1)
        return (x - 1) ** 2 + 0.5 + trial.suggest_int("only_b", 0, 3) * 0.1

    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(objective, n_trials=25)
    # The conditional parameters add unmodelled noise of up to 1, yet the model-based trials
    # gather around x = 1 (random search: median |x - 1| about 1.25). The best trial itself is
    # picked partly by that noise, so it is checked only loosely.
    assert np.median([abs(t.params["x"] - 1) for t in study.trials[-10:]]) < 0.6
    assert abs(study.best_params["x"] - 1) < 0.6
    for t in study.trials:
        assert ("only_a" in t.params) == (t.params["kind"] == "a")


def test_enqueued_values_are_kept_and_the_rest_is_proposed() -> None:
    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=0))
    study.optimize(_branin_objective, n_trials=10)
    study.enqueue_trial({"x": 9.0})
    study.optimize(_branin_objective, n_trials=1)
    last = study.trials[-1]
    assert last.params["x"] == 9.0 and 0 <= last.params["y"] <= 15


def test_bad_arguments_and_multi_objective_studies_get_clear_errors() -> None:
    with pytest.raises(ValueError, match="n_startup_trials"):
        tw.samplers.GPSampler(n_startup_trials=-1)
    with pytest.raises(ValueError, match="output_transform"):
        tw.samplers.GPSampler(output_transform="log")
    with pytest.raises(ValueError, match="n_restarts"):
        tw.samplers.GPSampler(n_restarts=0)
    # Several objectives are supported (ParEGO; tests/samplers/test_multi_objective.py).
    assert tw.samplers.GPSampler(seed=1).describe()["name"] == "GPSampler"


def test_loo_output_transform_keeps_the_view_that_ranks_the_best_trials() -> None:
    # The default fits the GP on power-transformed and on standardized values at each refit and
    # keeps the one whose leave-one-out means rank the better half of the trials best: the
    # standardized view on an ill-conditioned bowl (the power transform flattens it), the power
    # transform on an objective with an exponential tail.
    def bowl(t: tw.Trial) -> float:
        x, y = t.suggest_float("x", -5, 5), t.suggest_float("y", -5, 5)
        u, v = (x + y) / math.sqrt(2) - 0.7, (x - y) / math.sqrt(2) + 0.3
        return 1e6 * u * u + v * v

    def tail(t: tw.Trial) -> float:
        x, y = t.suggest_float("x", -5, 5), t.suggest_float("y", -5, 5)
        return math.exp(2 * abs(x - 1) + 2 * abs(y + 1))

    for objective, view in ((bowl, "standardize"), (tail, "power")):
        sampler = tw.samplers.GPSampler(seed=0)
        assert sampler.describe()["output_transform"] == "loo"
        study = tw.create_study(sampler=sampler)
        study.optimize(objective, n_trials=25)
        assert set(sampler._chosen.values()) == {view}


@pytest.mark.parametrize("failure", ["nan", "inf", "raise"])
def test_a_region_where_the_objective_fails_is_not_proposed_again_and_again(failure: str) -> None:
    # The optimum (0.72, 0.35, 0.6) sits next to a region (x0 > 0.75) where the objective fails; a
    # failed point left out of the model kept the value predicted there, and the GP proposed
    # near-copies of one failed point for the rest of the study (found by
    # benchmarks/history/s17/probe_space_types.py).
    def objective(trial: tw.Trial) -> float:
        x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(3)])
        if x[0] > 0.75:
            if failure == "raise":
                raise ValueError("fails here")
            return float(failure)
        return float(np.sum(np.array([3.0, 1.0, 2.0]) * (x - np.array([0.72, 0.35, 0.6])) ** 2))

    study = tw.create_study(sampler=tw.samplers.GPSampler(seed=1))
    study.optimize(objective, n_trials=30, catch=(ValueError,))
    bad = [t for t in study.trials if t.state == tw.TrialState.FAILED or t.value == float("inf")]
    points = np.array([[t.params[f"x{i}"] for i in range(3)] for t in bad])
    close = [i for i in range(len(points)) for j in range(i) if np.abs(points[i] - points[j]).max() < 1e-2]
    assert len(close) <= 2, f"proposals near an earlier failed point: {[bad[i].number for i in close]}"  # was 36
    assert len(bad) < 20  # was 23 of 30 (7 in the Sobol start-up)
    assert study.best_value < 0.005  # was 0.016
