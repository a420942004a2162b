"""``optuna.integration.lightgbm`` (the stepwise LightGBM tuner) under tunewise: optuna-examples'
lightgbm_tuner_simple.py and lightgbm_tuner_cv.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

import tunewise as tw

lightgbm = pytest.importorskip("lightgbm")


@pytest.fixture(scope="module")
def data() -> Any:
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


PARAMS = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "num_threads": 1}


def test_train_is_the_stepwise_tuner_and_returns_the_best_booster(data: Any) -> None:
    import tunewise.integration.lightgbm as lgb  # was: import optuna.integration.lightgbm as lgb

    X, y = data
    assert lgb.Dataset is lightgbm.Dataset and lgb.early_stopping is lightgbm.early_stopping
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    model = lgb.train(dict(PARAMS), lgb.Dataset(X[:400], label=y[:400]), num_boost_round=5,
                      valid_sets=[lgb.Dataset(X[400:], label=y[400:])], study=study)
    steps = [t.system_attrs["lightgbm_tuner:step_name"] for t in study.trials]
    # Optuna's steps and trials (68, less the stage-2 values outside [0.4, 1.0] near a best of 1.0)
    n_stage2 = steps.count("feature_fraction_stage2")
    assert [(s, steps.count(s)) for s in dict.fromkeys(steps)] == [
        ("feature_fraction", 7), ("num_leaves", 20), ("bagging", 10), ("feature_fraction_stage2", n_stage2),
        ("regularization_factors", 20), ("min_child_samples", 5)] and 3 <= n_stage2 <= 6
    first = [t.params["feature_fraction"] for t in study.trials[:7]]
    assert first == pytest.approx([0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
    assert [t.params["min_child_samples"] for t in study.trials[-5:]] == [5, 10, 25, 50, 100]
    best = study.best_trial
    assert model.best_score["valid_0"]["binary_logloss"] == pytest.approx(best.value)
    stored = json.loads(best.system_attrs["lightgbm_tuner:lgbm_params"])
    assert {k: model.params[k] for k in stored if k != "verbosity"} == {k: v for k, v in stored.items()
                                                                         if k != "verbosity"}
    # each step starts from the best parameters found before it
    stage2 = [t for t in study.trials if t.system_attrs["lightgbm_tuner:step_name"] == "feature_fraction_stage2"]
    before = min((t for t in study.trials[:37]), key=lambda t: t.value)
    best_ff = json.loads(before.system_attrs["lightgbm_tuner:lgbm_params"]).get("feature_fraction", 1.0)
    assert all(abs(t.params["feature_fraction"] - best_ff) <= 0.08 + 1e-9 for t in stage2)
    assert n_stage2 == sum(0.4 <= best_ff + d <= 1.0 for d in (-0.08, -0.048, -0.016, 0.016, 0.048, 0.08))


def test_tuner_cv_scores_the_fold_mean_and_maximizes_auc(data: Any) -> None:
    from sklearn.model_selection import KFold

    from tunewise.integration.lightgbm import LightGBMTunerCV

    X, y = data
    tuner = LightGBMTunerCV({**PARAMS, "metric": "auc"}, lightgbm.Dataset(X, label=y), num_boost_round=5,
                            folds=KFold(n_splits=3), return_cvbooster=True, optuna_seed=0, time_budget=1e-9)
    tuner.run()  # the time budget is spent before the first step: nothing runs
    assert len(tuner.study.trials) == 0 and tuner.best_score == float("-inf")
    tuner = LightGBMTunerCV({**PARAMS, "metric": "auc"}, lightgbm.Dataset(X, label=y), num_boost_round=5,
                            folds=KFold(n_splits=3), return_cvbooster=True, optuna_seed=0)
    tuner.run()
    assert tuner.study.direction == "maximize" and len(tuner.study.trials) == 68
    assert tuner.best_score == max(t.value for t in tuner.study.trials) > 0.95
    cv = lightgbm.cv(tuner.best_params, lightgbm.Dataset(X, label=y), num_boost_round=5, folds=KFold(n_splits=3))
    assert cv["valid auc-mean"][-1] == pytest.approx(tuner.best_score)  # the score is lightgbm.cv's mean
    assert isinstance(tuner.get_best_booster(), lightgbm.CVBooster)


def test_wrong_inputs_say_what_is_needed(data: Any) -> None:
    from tunewise.integration.lightgbm import LightGBMTuner

    X, y = data
    with pytest.raises(ValueError, match="valid_sets"):
        LightGBMTuner(dict(PARAMS), lightgbm.Dataset(X, label=y))
    with pytest.raises(TypeError, match="lightgbm.Dataset"):
        LightGBMTuner(dict(PARAMS), X, valid_sets=[lightgbm.Dataset(X, label=y)])
    with pytest.raises(ValueError, match="direction='minimize'"):
        LightGBMTuner(dict(PARAMS), lightgbm.Dataset(X, label=y), valid_sets=[lightgbm.Dataset(X, label=y)],
                      study=tw.create_study(direction="maximize"))
