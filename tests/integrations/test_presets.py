"""Domain presets: valid spaces, usable declaratively, define-by-run and in SearchCV."""

from __future__ import annotations

import itertools

import pytest

import tunewise as tw
from tunewise import distributions as D

ALL = ["neural_network", "xgboost", "lightgbm", "random_forest", "transformers", "computer_vision", "nlp",
       "time_series"]


@pytest.mark.parametrize("name", ALL)
def test_every_preset_is_a_documented_space_usable_both_ways(name):
    preset = getattr(tw.presets, name)()
    assert len(preset) >= 5
    assert set(preset.sources) == set(preset)
    assert all(isinstance(d, (D.Float, D.Int, D.Categorical)) for d in preset.values())
    assert all(len(s) > 10 for s in preset.sources.values())
    # define-by-run
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    configs = []

    def objective(trial):
        cfg = preset.suggest(trial)
        configs.append(cfg)
        return 0.0

    study.optimize(objective, n_trials=5)
    for cfg in configs:
        assert set(cfg) == set(preset)
        assert all(preset[k].contains(v) for k, v in cfg.items())
    # declarative
    seen = []
    study2 = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1))
    study2.optimize(lambda config: seen.append(config) or 0.0, space=preset, n_trials=3)
    assert len(seen) == 3 and all(set(c) == set(preset) for c in seen)
    assert name in preset.describe()


def test_tree_presets_use_the_libraries_parameter_names():
    from sklearn.ensemble import RandomForestClassifier

    assert set(tw.presets.random_forest()) <= set(RandomForestClassifier().get_params())
    xgb = pytest.importorskip("xgboost")
    assert set(tw.presets.xgboost()) <= set(xgb.XGBClassifier().get_params())
    lgb = pytest.importorskip("lightgbm")
    assert set(tw.presets.lightgbm()) <= set(lgb.LGBMClassifier().get_params())


def test_nlp_heads_divide_every_hidden_size_and_ranges_follow_the_guide():
    p = tw.presets.nlp()
    for h, n in itertools.product(p["hidden_size"].choices, p["num_heads"].choices):
        assert h % n == 0
    t = tw.presets.transformers()
    assert t["learning_rate"] == D.Float(1e-6, 1e-4, log=True)
    assert t["gradient_accumulation_steps"].choices == (1, 2, 4, 8)
    assert tw.presets.time_series()["loss"].choices == ("mse", "mae", "huber")
    assert tw.presets.computer_vision()["mixup_alpha"] == D.Float(0.0, 0.4)
    assert set(tw.presets.neural_network(include_training=True)) - set(tw.presets.neural_network()) == {
        "epochs", "lr_scheduler"}


def test_replace_drop_prefixed_and_errors():
    p = tw.presets.xgboost()
    q = p.replace(n_estimators=tw.randint(10, 30), max_depth=[2, 3])
    assert q["n_estimators"] == D.Int(10, 29) and q["max_depth"].choices == (2, 3)
    assert q.sources["n_estimators"] == "user" and p["n_estimators"] == D.Int(100, 1000, log=True)
    assert "gamma" not in p.drop("gamma")
    assert set(p.prefixed("clf__")) == {f"clf__{k}" for k in p}
    with pytest.raises(KeyError, match="has no parameter 'gama'"):
        p.drop("gama")
    with pytest.raises(TypeError, match="needs a distribution or a list"):
        p.replace(gamma=0.1)
    with pytest.raises(TypeError, match="needs a tunewise Trial"):
        p.suggest({"x": 1})


def test_xgboost_preset_in_searchcv_and_mlp_preset_in_tuner():
    xgb = pytest.importorskip("xgboost")
    from sklearn.datasets import load_breast_cancer

    from tunewise.integrations.sklearn import SearchCV

    X, y = load_breast_cancer(return_X_y=True)
    space = tw.presets.xgboost().replace(n_estimators=tw.randint(5, 20))
    search = SearchCV(xgb.XGBClassifier(n_jobs=1), space, strategy="random", n_trials=3, cv=3,
                      random_state=0).fit(X, y)
    assert search.best_score_ > 0.9
    assert set(search.best_params_) == set(space)
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    from tunewise.integrations.torch import MLPTuner

    tuner = MLPTuner(X[:400].astype("float32"), y[:400], X[400:].astype("float32"), y[400:], max_epochs=1,
                     space=tw.presets.neural_network())
    assert set(tuner.space) == set(tw.presets.neural_network())
