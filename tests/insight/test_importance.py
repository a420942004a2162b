from __future__ import annotations

import numpy as np
import pytest

import tunewise as tw
from tunewise.insight._importance import _fanova_tree, _tree_boxes


def _synthetic(seed: int = 0, n: int = 150) -> tw.Study:
    """x matters a lot, y a little, z and the categorical not at all (known ground truth)."""
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=seed))

    def objective(trial: tw.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        y = trial.suggest_float("y", 1e-3, 1.0, log=True)
        trial.suggest_float("z", 0, 1)
        trial.suggest_categorical("kind", ["a", "b", "c"])
        return 5 * x ** 2 + 0.3 * np.log10(y)

    study.optimize(objective, n_trials=n)
    return study


@pytest.fixture(scope="module")
def synthetic() -> tw.Study:
    return _synthetic()


@pytest.mark.parametrize("evaluator", ["fanova", "permutation"])
def test_finds_the_known_important_parameter(synthetic, evaluator):
    imp = tw.importance.param_importances(synthetic, evaluator=evaluator, seed=0)
    names = list(imp)
    assert names[0] == "x" and names[1] == "y"
    assert imp["x"] > 0.6
    assert imp["z"] < 0.05 and imp["kind"] < 0.05
    assert sum(imp.values()) == pytest.approx(1.0)
    assert list(imp.values()) == sorted(imp.values(), reverse=True)


@pytest.mark.parametrize("evaluator", ["fanova", "permutation"])
def test_deterministic_under_a_seed(synthetic, evaluator):
    a = tw.importance.param_importances(synthetic, evaluator=evaluator, seed=3)
    b = tw.importance.param_importances(synthetic, evaluator=evaluator, seed=3)
    assert a == b


def test_fanova_variance_decomposition_is_exact_for_an_additive_tree():
    """f(x, y) = 1[x > .5] + 0.5 * 1[y > .5] on a uniform grid: main effects hold variances
    0.25 and 0.0625, so the fractions are 0.8 and 0.2 (no interaction)."""
    from sklearn.tree import DecisionTreeRegressor

    g = (np.arange(20) + 0.5) / 20
    X = np.array([(a, b) for a in g for b in g])
    y = (X[:, 0] > 0.5) + 0.5 * (X[:, 1] > 0.5)
    tree = DecisionTreeRegressor(random_state=0).fit(X, y)
    lo, hi = np.zeros(2), np.ones(2)
    frac = _fanova_tree(*_tree_boxes(tree, lo, hi), lo, hi)
    assert frac == pytest.approx([0.8, 0.2], abs=1e-9)


def test_conditional_parameters_count_their_presence():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))

    def objective(trial):
        use = trial.suggest_categorical("use_reg", [True, False])
        noise = trial.suggest_float("noise", 0, 1)
        if use:
            return 0.01 * noise + 2 * trial.suggest_float("reg", 0, 1)
        return 0.01 * noise

    study.optimize(objective, n_trials=120)
    imp = tw.importance.param_importances(study, seed=0)
    assert imp["noise"] < min(imp["reg"], imp["use_reg"])


def test_subset_and_params_selection(synthetic):
    imp = tw.importance.param_importances(synthetic, params=["z", "x"], max_trials=60, seed=0)
    assert list(imp) == ["x", "z"]


def test_clear_errors():
    study = tw.create_study()
    with pytest.raises(ValueError, match="at least 2 COMPLETE"):
        tw.importance.param_importances(study)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    with pytest.raises(ValueError, match="evaluator must be one of 'fanova', 'permutation', got 'shap'"):
        tw.importance.param_importances(study, evaluator="shap")
    with pytest.raises(ValueError, match="'w'"):
        tw.importance.param_importances(study, params=["w"])
    multi = tw.create_study(directions=["minimize", "minimize"])
    multi.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.0), n_trials=4)
    with pytest.raises(ValueError, match="target="):
        tw.importance.param_importances(multi)
    assert list(tw.importance.param_importances(multi, target=lambda t: t.values[0])) == ["x"]


def test_constant_objective_gives_zero_importance():
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: 0 * t.suggest_float("x", 0, 1), n_trials=10)
    assert tw.importance.param_importances(study) == {"x": 0.0}
