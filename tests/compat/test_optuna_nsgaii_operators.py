"""Optuna's NSGA-II operators called on their own: ``crossover(parents_params, rng, study, bounds)``
and ``PolynomialMutation.mutation(param, rng, study, bounds)``.

Third-party code calls them directly (a script draws 1,000 children of two parents from
``VSBXCrossover(eta).crossover(...)`` to plot their spread); tunewise's operators were settings
only and had no ``crossover``. Each operator's children here follow the distribution of Optuna
5.1's (two-sample Kolmogorov-Smirnov distance on 3,000 seeded draws per coordinate), not its
random stream.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tunewise as tw
from tunewise.samplers import nsgaii

optuna = pytest.importorskip("optuna")
stats = pytest.importorskip("scipy.stats")

TWO = np.array([[1.0, 1.0], [3.0, 3.5]])
THREE = np.array([[1.0, 1.0], [3.0, 3.5], [1.5, 3.0]])
BOUNDS = np.array([[0.0, 4.0], [0.0, 4.0]])
DRAWS = 3000

OPERATORS = [
    ("SBXCrossover", {}, TWO),
    ("SBXCrossover", {"eta": 7.0, "uniform_crossover_prob": 0.2, "use_child_gene_prob": 0.9}, TWO),
    ("VSBXCrossover", {}, TWO),
    ("VSBXCrossover", {"eta": 1.0}, TWO),
    ("UniformCrossover", {"swapping_prob": 0.3}, TWO),
    ("BLXAlphaCrossover", {"alpha": 0.4}, TWO),
    ("SPXCrossover", {}, THREE),
    ("SPXCrossover", {"epsilon": 1.5}, THREE),
    ("UNDXCrossover", {}, THREE),
    ("UNDXCrossover", {"sigma_xi": 0.8, "sigma_eta": 0.6}, THREE),
]


def _children(module: object, name: str, kwargs: dict[str, float], parents: np.ndarray, study: object) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        operator = getattr(module, name)(**kwargs)
    rng = np.random.RandomState(0)
    return np.array([operator.crossover(parents, rng, study, BOUNDS) for _ in range(DRAWS)])


def _optuna_study(directions: list[str]) -> object:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.create_study(directions=directions)


@pytest.mark.parametrize(("name", "kwargs", "parents"), OPERATORS, ids=[f"{o[0]}{o[1]}" for o in OPERATORS])
def test_children_follow_optunas_distribution(name: str, kwargs: dict[str, float], parents: np.ndarray) -> None:
    ours = _children(nsgaii, name, kwargs, parents, tw.create_study(directions=["minimize"]))
    theirs = _children(optuna.samplers.nsgaii, name, kwargs, parents, _optuna_study(["minimize"]))
    assert ours.shape == theirs.shape == (DRAWS, 2)
    for column in range(2):
        distance = stats.ks_2samp(ours[:, column], theirs[:, column]).statistic
        assert distance < 0.06, (name, column, distance)


@pytest.mark.parametrize("name", ["SBXCrossover", "VSBXCrossover"])
def test_eta_none_follows_the_number_of_objectives(name: str) -> None:
    # Optuna's default eta is 2 with one objective and 20 with several: children stay closer to
    # the parents with several objectives, and tunewise's study gives the same spread as Optuna's.
    for directions in (["minimize"], ["minimize", "maximize"]):
        ours = _children(nsgaii, name, {}, TWO, tw.create_study(directions=directions))
        theirs = _children(optuna.samplers.nsgaii, name, {}, TWO, _optuna_study(directions))
        assert stats.ks_2samp(ours[:, 0], theirs[:, 0]).statistic < 0.06
    one = _children(nsgaii, name, {}, TWO, tw.create_study())
    several = _children(nsgaii, name, {}, TWO, tw.create_study(directions=["minimize", "minimize"]))
    assert np.std(several[:, 0]) < np.std(one[:, 0])


def test_sbx_children_stay_inside_the_bounds() -> None:
    children = _children(nsgaii, "SBXCrossover", {"eta": 0.5}, np.array([[0.1, 3.9], [3.9, 0.1]]), tw.create_study())
    assert np.all(children >= 0.0) and np.all(children <= 4.0)


def test_uniform_crossover_takes_each_gene_from_a_parent() -> None:
    children = _children(nsgaii, "UniformCrossover", {"swapping_prob": 0.3}, TWO, tw.create_study())
    assert set(np.unique(children[:, 0])) == {1.0, 3.0}
    # Optuna's swapping_prob is the chance of the first parent's gene (the child starts as the second).
    assert np.mean(children[:, 0] == 1.0) == pytest.approx(0.3, abs=0.03)


def test_polynomial_mutation_follows_optunas_distribution() -> None:
    ours_operator = nsgaii.PolynomialMutation(eta=5.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_operator = optuna.samplers.nsgaii.PolynomialMutation(eta=5.0)
    for param in (0.3, 2.0, 3.9):
        rng_ours, rng_theirs = np.random.RandomState(1), np.random.RandomState(2)
        ours = [ours_operator.mutation(param, rng_ours, None, np.array([0.0, 4.0])) for _ in range(DRAWS)]
        theirs = [theirs_operator.mutation(param, rng_theirs, None, np.array([0.0, 4.0])) for _ in range(DRAWS)]
        assert min(ours) >= 0.0 and max(ours) <= 4.0
        assert stats.ks_2samp(ours, theirs).statistic < 0.06, param


def test_the_playground_loop_runs() -> None:
    # The third-party script: VSBXCrossover(eta).crossover(parents, RandomState(i), study, bounds)
    # for i in range(1000), then a scatter plot of the children.
    study = tw.create_study(directions=["minimize"])
    crossover = nsgaii.VSBXCrossover(1)
    children = np.array(
        [crossover.crossover(np.array([[1, 1], [3, 3]]), np.random.RandomState(i), study, BOUNDS) for i in range(1000)]
    )
    assert children.shape == (1000, 2) and np.isfinite(children).all()
    assert 1.5 < np.median(children[:, 0]) < 2.5


def test_bad_shapes_name_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r"3 rows \(one per parent\)"):
        nsgaii.UNDXCrossover().crossover(TWO, np.random.RandomState(0), tw.create_study(), BOUNDS)
    with pytest.raises(ValueError, match=r"n_params x 2 array"):
        nsgaii.SBXCrossover().crossover(TWO, np.random.RandomState(0), tw.create_study(), BOUNDS[:1])


def test_a_crossover_of_ones_own_must_implement_crossover() -> None:
    class Half(nsgaii.BaseCrossover):
        pass

    with pytest.raises(NotImplementedError, match="Half does not implement crossover"):
        Half().crossover(TWO, np.random.RandomState(0), tw.create_study(), BOUNDS)
