import math

import numpy as np
import pytest

import tunewise as tw
from tunewise import distributions as D


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: D.Float(1.0, 0.0), "low must be <= high"),
        (lambda: D.Float(0.0, 1.0, log=True), "log=True needs low > 0"),
        (lambda: D.Float(-1.0, 1.0, log=True), "log=True needs low > 0"),
        (lambda: D.Float(0.0, 1.0, step=-0.1), "step must be > 0"),
        (lambda: D.Float(0.0, float("nan")), "must be finite"),
        (lambda: D.Int(5, 1), "low must be <= high"),
        (lambda: D.Int(0, 10, log=True), "log=True needs low >= 1"),
        (lambda: D.Categorical(()), "must not be empty"),
        (lambda: D.Categorical(("a", "a")), "unique"),
        (lambda: tw.randint(3, 3), "low < high"),
    ],
)
def test_invalid_distributions_name_the_problem(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_a_step_that_does_not_divide_the_range_ends_it_at_the_last_value_on_the_step_with_a_warning():
    # As Optuna (suggest_int("n", 1, 10, step=2) runs 1, 3, ..., 9 there).
    with pytest.warns(UserWarning, match=r"step=0.3 does not divide the range \[0.0, 1.0\]: the range is \[0.0, 0.9\]"):
        assert D.Float(0.0, 1.0, step=0.3).high == 0.9
    with pytest.warns(UserWarning, match=r"step=3 does not divide the range \[0, 10\]: the range is \[0, 9\]"):
        assert D.Int(0, 10, step=3) == D.Int(0, 9, step=3)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    with pytest.warns(UserWarning, match="does not divide"):
        study.optimize(lambda t: t.suggest_int("n", 1, 10, step=2), n_trials=20)
    assert {t.params["n"] for t in study.trials} <= {1, 3, 5, 7, 9}


def test_type_errors_are_clear():
    with pytest.raises(TypeError, match="low must be a number"):
        D.Float("a", 1.0)
    with pytest.raises(TypeError, match="JSON-serializable"):
        D.Categorical((object(),))
    with pytest.raises(TypeError, match="must be an integer"):
        D.Int(0.5, 3)


@pytest.mark.parametrize(
    "dist",
    [
        D.Float(-3.0, 7.0),
        D.Float(1e-5, 1e-1, log=True),
        D.Float(0.0, 1.0, step=0.25),
        D.Int(2, 6),
        D.Int(32, 512, step=32),
        D.Int(1, 1000, log=True),
        D.Categorical(("adam", "sgd", "adamw")),
        D.Categorical((1, "1", True, None, [1, 2], {"a": 1})),
    ],
)
def test_unit_cube_round_trip_stays_inside(dist):
    rng = np.random.default_rng(0)
    for u in np.concatenate([rng.random(200), [0.0, 1.0, 1 - 1e-12]]):
        v = dist.from_unit(u)
        assert dist.contains(v), (dist, u, v)
        u2 = dist.to_unit(v)
        assert 0.0 <= u2 <= 1.0
        assert dist.from_unit(u2) == v
    # JSON round trip is exact.
    assert D.distribution_from_json(D.distribution_to_json(dist)) == dist


def test_discrete_values_get_equal_shares():
    d = D.Int(2, 6)
    counts = np.bincount([d.from_unit(u) - 2 for u in np.linspace(0, 1, 10_000, endpoint=False)])
    assert counts.min() == counts.max() == 2000


def test_log_scale_is_uniform_in_log_space():
    d = D.Float(1e-5, 1e-1, log=True)
    assert math.isclose(d.from_unit(0.5), 1e-3, rel_tol=1e-9)
    assert math.isclose(d.to_unit(1e-4), 0.25, rel_tol=1e-9)


def test_categorical_distinguishes_json_types():
    d = D.Categorical((1, True, "1"))
    assert [d.index(1), d.index(True), d.index("1")] == [0, 1, 2]
    assert D.Categorical((1, 2)) != D.Categorical((1.5, 2))


def test_declarative_helpers():
    assert tw.randint(2, 7) == D.Int(2, 6)
    assert tw.loguniform(1e-5, 1e-2) == D.Float(1e-5, 1e-2, log=True)
    assert tw.grid([32, 64]).grid is True
    assert tw.quniform(0, 1, 0.5) == D.Float(0, 1, step=0.5)
