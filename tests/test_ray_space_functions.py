"""Ray Tune's search-space functions have counterparts in declarative spaces: qloguniform,
lograndint, qrandint, qlograndint, randn, qrandn and sample_from."""

from __future__ import annotations

import math
import statistics

import pytest

import tunewise as tw


def run(space, n=60, sampler=None):
    seen: list[dict] = []

    def train(config: dict) -> float:
        seen.append(dict(config))
        return sum(float(v) for v in config.values() if isinstance(v, (int, float)))

    study = tw.create_study(sampler=sampler or tw.samplers.RandomSampler(seed=0))
    study.optimize(train, space=space, n_trials=n)
    return study, seen


def test_randn_draws_from_the_normal_under_random_search():
    _, seen = run({"x": tw.randn(10.0, 2.0)}, n=400)
    xs = [c["x"] for c in seen]
    assert abs(statistics.mean(xs) - 10.0) < 0.3
    assert abs(statistics.stdev(xs) - 2.0) < 0.3
    assert min(xs) < 7.0 and max(xs) > 13.0  # tails reached, not a uniform band


def test_quantized_values_are_multiples_of_q_inside_the_range():
    _, seen = run({"lr": tw.qloguniform(1e-4, 1e-1, 5e-5), "n": tw.qrandint(0, 100, 25),
                   "units": tw.qlograndint(8, 512, 8), "z": tw.qrandn(0.0, 1.0, 0.5)})
    for c in seen:
        assert 5e-5 <= c["lr"] <= 0.1 and math.isclose(c["lr"] / 5e-5, round(c["lr"] / 5e-5), abs_tol=1e-6)
        assert c["n"] in (0, 25, 50, 75, 100)
        assert 8 <= c["units"] <= 512 and c["units"] % 8 == 0
        assert (c["z"] * 2) == int(c["z"] * 2)
    assert len({c["lr"] for c in seen}) > 20


def test_lograndint_excludes_high_and_is_log_scaled():
    d = tw.lograndint(1, 1000)
    assert d == tw.distributions.Int(1, 999, log=True)
    _, seen = run({"k": d}, n=200)
    assert sum(c["k"] < 32 for c in seen) > 80  # about half the draws fall below sqrt(1000)


def test_sample_from_sees_the_sampled_config_in_ray_style():
    space = {"width": tw.choice([32, 64]), "depth": tw.randint(1, 4),
             "params": tw.sample_from(lambda spec: spec.config["width"] * spec.config["depth"])}
    study, seen = run(space, n=20, sampler=tw.samplers.TPESampler(seed=0))
    assert all(c["params"] == c["width"] * c["depth"] for c in seen)
    # derived values are config, not parameters of the trial
    assert set(study.trials[0].params) == {"width", "depth"}


def test_model_based_sampler_searches_a_derived_space():
    study, seen = run({"x": tw.randn(0.0, 1.0), "lr": tw.qloguniform(1e-4, 1e-1, 1e-4)}, n=25,
                      sampler=tw.samplers.TPESampler(seed=1))
    assert len(study.trials) == 25 and all(t.state == tw.TrialState.COMPLETE for t in study.trials)


@pytest.mark.parametrize("make, message", [
    (lambda: tw.qloguniform(1e-4, 1e-1, 0), "q must be > 0"),
    (lambda: tw.qrandint(0, 10, 3), "must divide"),
    (lambda: tw.randn(0.0, 0.0), "sd > 0"),
    (lambda: tw.lograndint(5, 5), "low < high"),
    (lambda: tw.sample_from(3), "needs a function"),
])
def test_bad_arguments_name_the_problem(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()
