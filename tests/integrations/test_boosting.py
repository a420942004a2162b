"""XGBoost and LightGBM pruning callbacks against the real libraries on shipped data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer

import tunewise as tw
from tunewise.integrations._pruning import StepPruner


@pytest.fixture(scope="module")
def data():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(y))
    tr, va = idx[:400], idx[400:]
    return X[tr], y[tr], X[va], y[va]


# ---- XGBoost ------------------------------------------------------------------------------

xgb = pytest.importorskip("xgboost")


def test_xgboost_reports_each_round_with_sklearn_names(data):
    from tunewise.integrations.xgboost import XGBoostPruningCallback

    Xt, yt, Xv, yv = data
    study = tw.create_study()
    trial = study.ask()
    model = xgb.XGBClassifier(n_estimators=12, max_depth=2, n_jobs=1,
                              callbacks=[XGBoostPruningCallback(trial, "validation_0-logloss")])
    model.fit(Xt, yt, eval_set=[(Xv, yv)], verbose=False)
    logged = model.evals_result()["validation_0"]["logloss"]
    assert sorted(trial.intermediate_values) == list(range(12))
    assert [trial.intermediate_values[i] for i in range(12)] == pytest.approx(logged)
    # clone() deep-copies params: the copy must still report to the same trial
    copy = clone(model)
    assert copy.get_params()["callbacks"][0].trial is trial


def test_xgboost_native_train_and_cv_keys(data):
    from tunewise.integrations.xgboost import XGBoostPruningCallback

    Xt, yt, Xv, yv = data
    dtrain, dvalid = xgb.DMatrix(Xt, label=yt), xgb.DMatrix(Xv, label=yv)
    study = tw.create_study(direction="maximize")
    trial = study.ask()
    params = {"objective": "binary:logistic", "eval_metric": "auc", "max_depth": 2, "nthread": 1}
    evals_result: dict = {}
    xgb.train(params, dtrain, num_boost_round=5, evals=[(dvalid, "valid")], evals_result=evals_result,
              callbacks=[XGBoostPruningCallback(trial, "valid-auc")], verbose_eval=False)
    assert [trial.intermediate_values[i] for i in range(5)] == pytest.approx(evals_result["valid"]["auc"])
    trial2 = study.ask()
    cv = xgb.cv({**params, "eval_metric": "logloss"}, dtrain, num_boost_round=4, nfold=3, seed=0,
                callbacks=[XGBoostPruningCallback(trial2, "test-logloss")])
    assert [trial2.intermediate_values[i] for i in range(4)] == pytest.approx(list(cv["test-logloss-mean"]))


def test_xgboost_prunes_bad_learning_rates(data):
    from tunewise.integrations.xgboost import XGBoostPruningCallback

    Xt, yt, Xv, yv = data
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0),
                            scheduler=StepPruner("median", n_startup_trials=2, n_warmup_steps=2))

    def objective(trial):
        model = xgb.XGBClassifier(n_estimators=15, max_depth=2, n_jobs=1,
                                  learning_rate=trial.suggest_float("learning_rate", 1e-4, 1.0, log=True),
                                  callbacks=[XGBoostPruningCallback(trial, "validation_0-logloss")])
        model.fit(Xt, yt, eval_set=[(Xv, yv)], verbose=False)
        return model.evals_result()["validation_0"]["logloss"][-1]

    study.optimize(objective, n_trials=10)
    pruned = [t for t in study.trials if t.state == tw.TrialState.PRUNED]
    assert pruned
    assert all(len(t.intermediate_values) < 15 for t in pruned)
    assert study.best_params["learning_rate"] > min(t.params["learning_rate"] for t in pruned)


def test_xgboost_unknown_key_is_a_clear_error(data):
    from tunewise.integrations.xgboost import XGBoostPruningCallback

    Xt, yt, Xv, yv = data
    trial = tw.create_study().ask()
    model = xgb.XGBClassifier(n_estimators=3, n_jobs=1, callbacks=[XGBoostPruningCallback(trial, "validation_0-auc")])
    with pytest.raises(ValueError, match=r"'validation_0-auc' is not logged.*\['validation_0-logloss'\]"):
        model.fit(Xt, yt, eval_set=[(Xv, yv)], verbose=False)
    with pytest.raises(ValueError, match="must look like '<data name>-<metric>'"):
        XGBoostPruningCallback(trial, "logloss")


# ---- LightGBM -----------------------------------------------------------------------------


def test_lightgbm_reports_each_round_with_sklearn_names(data):
    lgb = pytest.importorskip("lightgbm")
    from tunewise.integrations.lightgbm import LightGBMPruningCallback

    Xt, yt, Xv, yv = data
    trial = tw.create_study().ask()
    model = lgb.LGBMClassifier(n_estimators=10, num_leaves=7, verbose=-1, n_jobs=1)
    model.fit(Xt, yt, eval_X=Xv, eval_y=yv, callbacks=[LightGBMPruningCallback(trial, "binary_logloss", "valid_0")])
    logged = model.evals_result_["valid_0"]["binary_logloss"]
    assert [trial.intermediate_values[i] for i in range(10)] == pytest.approx(logged)


def test_lightgbm_train_cv_and_pruning(data):
    lgb = pytest.importorskip("lightgbm")
    from tunewise.integrations.lightgbm import LightGBMPruningCallback

    Xt, yt, Xv, yv = data
    dtrain = lgb.Dataset(Xt, label=yt)
    params = {"objective": "binary", "metric": "auc", "verbose": -1, "num_threads": 1, "num_leaves": 7}
    study = tw.create_study(direction="maximize")
    trial = study.ask()
    dvalid = lgb.Dataset(Xv, label=yv, reference=dtrain)
    lgb.train(params, dtrain, num_boost_round=6, valid_sets=[dtrain, dvalid], valid_names=["train", "holdout"],
              callbacks=[LightGBMPruningCallback(trial, "auc")])  # valid_name=None skips the training set
    booster_auc = trial.intermediate_values[5]
    trial2 = study.ask()
    cv = lgb.cv(params, dtrain, num_boost_round=4, nfold=3, seed=0,
                callbacks=[LightGBMPruningCallback(trial2, "auc")])
    assert [trial2.intermediate_values[i] for i in range(4)] == pytest.approx(cv["valid auc-mean"])
    assert 0.5 < booster_auc <= 1.0

    pstudy = tw.create_study(sampler=tw.samplers.RandomSampler(seed=1),
                             scheduler=StepPruner("median", n_startup_trials=2, n_warmup_steps=2))

    def objective(t):
        model = lgb.LGBMClassifier(n_estimators=12, num_leaves=7, verbose=-1, n_jobs=1,
                                   learning_rate=t.suggest_float("learning_rate", 1e-4, 1.0, log=True))
        model.fit(Xt, yt, eval_X=Xv, eval_y=yv, callbacks=[LightGBMPruningCallback(t, "binary_logloss")])
        return model.best_score_["valid_0"]["binary_logloss"]

    pstudy.optimize(objective, n_trials=8)
    assert any(t.state == tw.TrialState.PRUNED for t in pstudy.trials)


def test_lightgbm_errors_name_the_problem(data):
    lgb = pytest.importorskip("lightgbm")
    from tunewise.integrations.lightgbm import LightGBMPruningCallback

    Xt, yt, Xv, yv = data
    trial = tw.create_study().ask()
    model = lgb.LGBMClassifier(n_estimators=3, verbose=-1, n_jobs=1)
    with pytest.raises(ValueError, match=r"never logged \('valid_0', 'auc'\).*\('valid_0', 'binary_logloss'\)"):
        model.fit(Xt, yt, eval_X=Xv, eval_y=yv, callbacks=[LightGBMPruningCallback(trial, "auc", "valid_0")])
    max_trial = tw.create_study(direction="maximize").ask()
    with pytest.raises(ValueError, match="lower-is-better in LightGBM, but the study direction is 'maximize'"):
        model.fit(Xt, yt, eval_X=Xv, eval_y=yv, callbacks=[LightGBMPruningCallback(max_trial, "binary_logloss")])
