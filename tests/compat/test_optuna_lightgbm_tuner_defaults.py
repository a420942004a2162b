"""The stepwise LightGBM tuner's ``best_params`` (and the tuned booster's ``params``) name every
tuned parameter, as Optuna's do: a step whose trials never improve keeps LightGBM's default
(``num_leaves=31``, ``lambda_l1=0.0``, ...), where tunewise left the key out and
``best_params["num_leaves"]`` was a KeyError (s29 third-party batch 9: 65 trials on
breast_cancer, no ``num_leaves`` trial improved)."""

from __future__ import annotations

from typing import Any

import pytest

lightgbm = pytest.importorskip("lightgbm")

LIGHTGBM_DEFAULTS = {
    "lambda_l1": 0.0,
    "lambda_l2": 0.0,
    "num_leaves": 31,
    "feature_fraction": 1.0,
    "bagging_fraction": 1.0,
    "bagging_freq": 0,
    "min_child_samples": 20,
}
PARAMS = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "num_threads": 1, "seed": 0}


def _one_trial_only(tuner: Any) -> None:
    """After the first trial (the first step's feature_fraction=0.4) the time budget is spent."""
    tuner.optuna_callbacks.append(lambda study, trial: setattr(tuner, "time_budget", 1e-9))
    tuner.time_budget = 3600.0


def _datasets() -> tuple[Any, Any]:
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return lightgbm.Dataset(X[:400], y[:400]), lightgbm.Dataset(X[400:], y[400:])


def test_best_params_before_and_after_the_first_trial_name_every_tuned_parameter() -> None:
    import tunewise.integration.lightgbm as lgbo  # was: import optuna.integration.lightgbm as lgbo

    dtrain, dvalid = _datasets()
    tuner = lgbo.LightGBMTuner(
        {**PARAMS, "num_leaves": 7}, dtrain, valid_sets=[dvalid], num_boost_round=3, optuna_seed=0
    )
    assert tuner.best_params == {**LIGHTGBM_DEFAULTS, **PARAMS, "num_leaves": 7, "feature_pre_filter": False}

    _one_trial_only(tuner)
    tuner.run()
    assert len(tuner.study.trials) == 1
    best = tuner.best_params
    assert best["feature_fraction"] == 0.4
    assert best["num_leaves"] == 7  # the user's value, not the default
    assert {k: best[k] for k in LIGHTGBM_DEFAULTS if k not in ("feature_fraction", "num_leaves")} == {
        k: v for k, v in LIGHTGBM_DEFAULTS.items() if k not in ("feature_fraction", "num_leaves")
    }
    assert tuner.get_best_booster().params["min_child_samples"] == 20


def test_a_bagging_fraction_below_one_without_freq_still_gets_freq_one() -> None:
    import tunewise.integration.lightgbm as lgbo

    dtrain, dvalid = _datasets()
    tuner = lgbo.LightGBMTuner(
        {**PARAMS, "bagging_fraction": 0.8}, dtrain, valid_sets=[dvalid], num_boost_round=3, optuna_seed=0
    )
    _one_trial_only(tuner)
    tuner.run()
    assert len(tuner.study.trials) == 1
    assert tuner.best_params["bagging_fraction"] == 0.8 and tuner.best_params["bagging_freq"] == 1


def test_valid_sets_may_be_one_dataset_as_lightgbm_takes_it() -> None:
    # ka1ch0/Qiita's notebook: lgbo.train(params, lgb_train, valid_sets=lgb_val) (no list) ran under Optuna
    import tunewise.integration.lightgbm as lgbo

    dtrain, dvalid = _datasets()
    tuner = lgbo.LightGBMTuner(dict(PARAMS), dtrain, valid_sets=dvalid, valid_names="val", num_boost_round=3)
    _one_trial_only(tuner)
    tuner.run()
    assert tuner.get_best_booster().best_score["val"]["binary_logloss"] > 0
