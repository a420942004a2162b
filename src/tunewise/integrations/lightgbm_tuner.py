"""LightGBM's stepwise tuner (Optuna's ``LightGBMTuner``, ``LightGBMTunerCV`` and ``lightgbm.train``).

Tunes the parameters that matter most for LightGBM one group at a time, each group on top of the
best values found before it (the recipe of Optuna's tuner, after Kaggle practice): ``feature_fraction``
(7 values), ``num_leaves`` (20 trials), ``bagging_fraction``/``bagging_freq`` (10),
``feature_fraction`` again around the best (6), ``lambda_l1``/``lambda_l2`` (20) and
``min_child_samples`` (5): 68 trials. Every trial trains with the user's parameters, data,
``num_boost_round`` and callbacks (early stopping included); the score is the metric of
``params["metric"]`` on the last validation set (the cross-validated mean for
:class:`LightGBMTunerCV`). The trials go to a tunewise study (``study=``, or a new one with a TPE
sampler seeded by ``optuna_seed``), which keeps each trial's full LightGBM parameters.

Needs lightgbm (``pip install "tunewise[lightgbm]"``).

>>> import lightgbm as lgb
>>> from sklearn.datasets import load_breast_cancer
>>> from tunewise.integrations.lightgbm_tuner import LightGBMTuner
>>> X, y = load_breast_cancer(return_X_y=True)
>>> tuner = LightGBMTuner({"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "num_threads": 1},
...                       lgb.Dataset(X[:400], y[:400]), num_boost_round=5,
...                       valid_sets=[lgb.Dataset(X[400:], y[400:])], optuna_seed=0)
>>> tuner.run()  # doctest: +SLOW
>>> len(tuner.study.trials) <= 68, "feature_fraction" in tuner.best_params  # doctest: +SLOW
(True, True)
"""

from __future__ import annotations

import copy
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tunewise.integrations._optional import require
from tunewise.trial import Trial, TrialState

__all__ = ["LightGBMTuner", "LightGBMTunerCV", "train"]

lgb = require("lightgbm", "lightgbm", "tunewise.integrations.lightgbm_tuner")

_PARAMS_KEY = "lightgbm_tuner:lgbm_params"  # Optuna's system attribute: each trial's full parameters
_STEP_KEY = "lightgbm_tuner:step_name"
_HIGHER_IS_BETTER = ("auc", "auc_mu", "ndcg", "map", "average_precision")
_DEFAULT_METRIC = {"binary": "binary_logloss", "multiclass": "multi_logloss", "softmax": "multi_logloss",
                   "multiclassova": "multi_logloss", "regression": "l2", "lambdarank": "ndcg"}
_TUNED = ("feature_fraction", "num_leaves", "bagging_fraction", "bagging_freq", "lambda_l1", "lambda_l2",
          "min_child_samples")
# LightGBM's documented defaults of the tuned parameters: every trial starts from them (under the
# user's own values), so best_params names each tuned parameter even when its step never improved,
# as Optuna's tuner does (scripts read best_params["num_leaves"]).
_LIGHTGBM_DEFAULTS = {"lambda_l1": 0.0, "lambda_l2": 0.0, "num_leaves": 31, "feature_fraction": 1.0,
                      "bagging_fraction": 1.0, "bagging_freq": 0, "min_child_samples": 20}


def _metric(params: dict[str, Any]) -> str:
    metric = params.get("metric")
    if isinstance(metric, (list, tuple)):
        metric = metric[0] if metric else None
    if metric in (None, "", "None"):
        metric = _DEFAULT_METRIC.get(str(params.get("objective", "regression")), "l2")
    return str(metric)


def _higher_is_better(metric: str) -> bool:
    return metric.split("@")[0] in _HIGHER_IS_BETTER


def _pick(scores: dict[str, float], metric: str, where: str) -> float:
    aliases = {"mse": "l2", "mean_squared_error": "l2", "regression": "l2", "mae": "l1", "regression_l1": "l1",
               "rmse": "rmse", "binary": "binary_logloss", "multiclass": "multi_logloss"}
    for name in (metric, aliases.get(metric, metric)):
        if name in scores:
            return float(scores[name])
    if len(scores) == 1:
        return float(next(iter(scores.values())))
    raise ValueError(f"LightGBM logged no {metric!r} on {where} (logged: {sorted(scores)}): set params['metric'] to "
                     "one of those")


def _dataset_options(feature_name: Any, categorical_feature: Any) -> dict[str, Any]:
    # LightGBM 4 takes these on the Dataset only; pass them on (for LightGBM 3) only when set.
    return {k: v for k, v in (("feature_name", feature_name), ("categorical_feature", categorical_feature))
            if not (isinstance(v, str) and v == "auto")}


class _StepwiseTuner:
    """What LightGBMTuner and LightGBMTunerCV share: the steps, the study, the best so far."""

    def __init__(self, params: dict[str, Any], train_set: Any, *, time_budget: float | None, study: Any,
                 optuna_callbacks: Sequence[Callable[..., None]] | None, optuna_seed: int | None,
                 model_dir: str | None, **ignored: Any) -> None:
        import tunewise as tw

        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict of LightGBM parameters, got {params!r}")
        if not isinstance(train_set, lgb.Dataset):
            raise TypeError(f"train_set must be a lightgbm.Dataset, got {train_set!r}")
        if time_budget is not None and not time_budget > 0:
            raise ValueError(f"time_budget must be a positive number of seconds or None, got {time_budget!r}")
        self.lgbm_params = dict(params)
        self.lgbm_params.setdefault("verbosity", -1)
        # min_child_samples is tuned, which LightGBM refuses on a Dataset that pre-filtered features for another.
        self.lgbm_params["feature_pre_filter"] = False
        self.train_set = train_set
        self.metric = _metric(self.lgbm_params)
        self.direction = "maximize" if _higher_is_better(self.metric) else "minimize"
        self.time_budget = time_budget
        self.optuna_callbacks = list(optuna_callbacks or [])
        self.model_dir = model_dir
        if model_dir is not None:
            os.makedirs(model_dir, exist_ok=True)
        if study is None:
            study = tw.create_study(direction=self.direction, sampler=tw.samplers.TPESampler(seed=optuna_seed))
        elif study.direction != self.direction:
            raise ValueError(f"the study's direction is {study.direction!r}, but metric {self.metric!r} is "
                             f"{'higher' if self.direction == 'maximize' else 'lower'}-is-better: create it with "
                             f"direction={self.direction!r}")
        self.study = study
        self._best_booster: Any = None
        self._best_number: int | None = None

    # ---- the result -----------------------------------------------------------------------
    @property
    def best_score(self) -> float:
        """The best score so far (``-inf``/``inf`` before any trial completes)."""
        try:
            return float(self.study.best_value)
        except ValueError:
            return -math.inf if self.direction == "maximize" else math.inf

    @property
    def best_params(self) -> dict[str, Any]:
        """The LightGBM parameters of the best trial (the user's, with the tuned ones set; before any
        trial, the user's over LightGBM's defaults of the tuned ones)."""
        try:
            stored = self.study.best_trial.system_attrs[_PARAMS_KEY]
        except (ValueError, KeyError):
            return {**_LIGHTGBM_DEFAULTS, **self.lgbm_params}
        return dict(json.loads(stored))

    # ---- the steps ------------------------------------------------------------------------
    def run(self) -> None:
        """Run the six steps (68 trials), or as many as ``time_budget`` allows."""
        self._start = time.monotonic()
        self._grid("feature_fraction", "feature_fraction", [float(v) for v in np.linspace(0.4, 1.0, 7)])
        depth = int(self.lgbm_params.get("max_depth", 8))
        max_leaves = 2 ** (depth if depth > 0 else 8)
        self._search("num_leaves", 20, lambda t: {"num_leaves": t.suggest_int("num_leaves", 2, max_leaves)})
        self._search("bagging", 10, lambda t: {"bagging_fraction": min(t.suggest_float("bagging_fraction", 0.4, 1.0 +
                                                                                        1e-12), 1.0),
                                               "bagging_freq": t.suggest_int("bagging_freq", 1, 7)})
        best_ff = float(self.best_params.get("feature_fraction", 1.0))
        near = [float(v) for v in np.linspace(best_ff - 0.08, best_ff + 0.08, 6) if 0.4 <= v <= 1.0]
        self._grid("feature_fraction_stage2", "feature_fraction", near)
        self._search("regularization_factors", 20,
                     lambda t: {"lambda_l1": t.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
                                "lambda_l2": t.suggest_float("lambda_l2", 1e-8, 10.0, log=True)})
        self._grid("min_child_samples", "min_child_samples", [5, 10, 25, 50, 100])

    def _remaining(self) -> float | None:
        if self.time_budget is None:
            return None
        return self.time_budget - (time.monotonic() - self._start)

    def _grid(self, step: str, name: str, values: Sequence[Any]) -> None:
        # Each value is enqueued and run at once, so the parameter keeps one distribution (Optuna
        # walks a GridSampler) and no enqueued trial is left waiting when the time budget ends.
        def suggest(trial: Trial) -> dict[str, Any]:
            if name == "min_child_samples":
                return {name: trial.suggest_int(name, 5, 100)}
            return {name: trial.suggest_float(name, 0.4, 1.0)}

        for value in values:
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                return
            self.study.enqueue_trial({name: value})
            self._search(step, 1, suggest)

    def _search(self, step: str, n_trials: int, suggest: Callable[[Trial], dict[str, Any]]) -> None:
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            return
        base = {k: v for k, v in self.best_params.items()}

        def objective(trial: Trial) -> float:
            params = {**base, **suggest(trial)}
            if params.get("bagging_fraction", 1.0) < 1.0 and params.get("bagging_freq", 0) == 0:
                params["bagging_freq"] = 1  # LightGBM bags only with a frequency
            trial.set_system_attr(_STEP_KEY, step)
            trial.set_system_attr(_PARAMS_KEY, json.dumps(params, default=float))
            score, booster = self._train(params)
            if self._improves(score):
                self._best_booster, self._best_number = booster, trial.number
            if self.model_dir is not None and booster is not None and hasattr(booster, "save_model"):
                booster.save_model(os.path.join(self.model_dir, f"{trial.number}.txt"))
            return score

        self.study.optimize(objective, n_trials=n_trials, timeout=remaining, callbacks=self.optuna_callbacks)

    def _improves(self, score: float) -> bool:
        done = self.study.get_trials(states=(TrialState.COMPLETE,))
        if not done:
            return True
        best = max(t.value for t in done) if self.direction == "maximize" else min(t.value for t in done)
        return score > best if self.direction == "maximize" else score < best

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        raise NotImplementedError


class LightGBMTuner(_StepwiseTuner):
    """Optuna's ``LightGBMTuner``: the stepwise search with ``lightgbm.train`` on ``valid_sets``
    (the last one is scored). ``get_best_booster()`` returns the best model."""

    def __init__(self, params: dict[str, Any], train_set: Any, num_boost_round: int = 1000,
                 valid_sets: Sequence[Any] | None = None, valid_names: Sequence[str] | None = None,
                 feval: Any = None, feature_name: Any = "auto", categorical_feature: Any = "auto",
                 keep_training_booster: bool = False, callbacks: Sequence[Any] | None = None,
                 time_budget: float | None = None, sample_size: int | None = None, study: Any = None,
                 optuna_callbacks: Sequence[Callable[..., None]] | None = None, model_dir: str | None = None,
                 verbosity: int | None = None, show_progress_bar: bool = True, *,
                 optuna_seed: int | None = None) -> None:
        super().__init__(params, train_set, time_budget=time_budget, study=study, optuna_callbacks=optuna_callbacks,
                         optuna_seed=optuna_seed, model_dir=model_dir)
        if isinstance(valid_sets, lgb.Dataset):  # one Dataset, as lightgbm.train takes it
            valid_sets = [valid_sets]
        if isinstance(valid_names, str):
            valid_names = [valid_names]
        if not valid_sets:
            raise ValueError("LightGBMTuner needs valid_sets=[a lightgbm.Dataset to score on] (the last one is used)")
        self.train_kwargs = {"num_boost_round": num_boost_round, "valid_sets": list(valid_sets),
                             "valid_names": valid_names, "feval": feval,
                             "keep_training_booster": keep_training_booster, "callbacks": list(callbacks or []),
                             **_dataset_options(feature_name, categorical_feature)}

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        kwargs = dict(self.train_kwargs)
        kwargs["callbacks"] = copy.copy(kwargs["callbacks"])
        booster = lgb.train(params, self.train_set, **kwargs)
        scores = {name: s for name, s in booster.best_score.items() if name != "training"} or booster.best_score
        last = list(scores)[-1]
        return _pick(dict(scores[last]), self.metric, f"validation set {last!r}"), booster

    def get_best_booster(self) -> Any:
        """The booster of the best trial (trained in this run, or read back from ``model_dir``)."""
        best = self.study.best_trial.number
        if self._best_booster is not None and self._best_number == best:
            return self._best_booster
        if self.model_dir is not None and os.path.exists(os.path.join(self.model_dir, f"{best}.txt")):
            return lgb.Booster(model_file=os.path.join(self.model_dir, f"{best}.txt"))
        raise ValueError(f"the booster of the best trial ({best}) is not at hand: it was trained in another run; "
                         "give model_dir= to keep every trial's booster")


class LightGBMTunerCV(_StepwiseTuner):
    """Optuna's ``LightGBMTunerCV``: the stepwise search scored by ``lightgbm.cv`` (the mean over
    folds at the last, or early-stopped, round). ``return_cvbooster=True`` keeps the best
    ``CVBooster`` for ``get_best_booster()``."""

    def __init__(self, params: dict[str, Any], train_set: Any, num_boost_round: int = 1000, folds: Any = None,
                 nfold: int = 5, stratified: bool = True, shuffle: bool = True, feval: Any = None,
                 feature_name: Any = "auto", categorical_feature: Any = "auto", fpreproc: Any = None,
                 seed: int = 0, callbacks: Sequence[Any] | None = None, time_budget: float | None = None,
                 sample_size: int | None = None, study: Any = None,
                 optuna_callbacks: Sequence[Callable[..., None]] | None = None, verbosity: int | None = None,
                 show_progress_bar: bool = True, model_dir: str | None = None, return_cvbooster: bool = False, *,
                 optuna_seed: int | None = None) -> None:
        super().__init__(params, train_set, time_budget=time_budget, study=study, optuna_callbacks=optuna_callbacks,
                         optuna_seed=optuna_seed, model_dir=None)
        self.return_cvbooster = return_cvbooster
        self.cv_kwargs = {"num_boost_round": num_boost_round, "folds": folds, "nfold": nfold,
                          "stratified": stratified, "shuffle": shuffle, "feval": feval, "fpreproc": fpreproc,
                          "seed": seed, "callbacks": list(callbacks or []), "return_cvbooster": return_cvbooster,
                          **_dataset_options(feature_name, categorical_feature)}

    def _train(self, params: dict[str, Any]) -> tuple[float, Any]:
        result = lgb.cv(params, self.train_set, **self.cv_kwargs)
        booster = result.pop("cvbooster", None)
        means = {key.split(" ", 1)[-1][: -len("-mean")]: values[-1] for key, values in result.items()
                 if key.endswith("-mean")}
        return _pick(means, self.metric, "the cross-validation folds"), booster

    def get_best_booster(self) -> Any:
        """The ``lightgbm.CVBooster`` of the best trial (needs ``return_cvbooster=True``)."""
        if not self.return_cvbooster:
            raise ValueError("get_best_booster() needs LightGBMTunerCV(..., return_cvbooster=True)")
        if self._best_booster is None or self._best_number != self.study.best_trial.number:
            raise ValueError("the CVBooster of the best trial is not at hand (it was trained in another run)")
        return self._best_booster


def train(params: dict[str, Any], train_set: Any, num_boost_round: int = 1000, valid_sets: Sequence[Any] | None = None,
          valid_names: Sequence[str] | None = None, feval: Any = None, feature_name: Any = "auto",
          categorical_feature: Any = "auto", keep_training_booster: bool = False,
          callbacks: Sequence[Any] | None = None, time_budget: float | None = None, sample_size: int | None = None,
          study: Any = None, optuna_callbacks: Sequence[Callable[..., None]] | None = None,
          model_dir: str | None = None, verbosity: int | None = None, show_progress_bar: bool = True, *,
          optuna_seed: int | None = None) -> Any:
    """Optuna's drop-in ``lightgbm.train``: run :class:`LightGBMTuner` and return the best booster."""
    tuner = LightGBMTuner(params, train_set, num_boost_round=num_boost_round, valid_sets=valid_sets,
                          valid_names=valid_names, feval=feval, feature_name=feature_name,
                          categorical_feature=categorical_feature, keep_training_booster=keep_training_booster,
                          callbacks=callbacks, time_budget=time_budget, sample_size=sample_size, study=study,
                          optuna_callbacks=optuna_callbacks, model_dir=model_dir, verbosity=verbosity,
                          show_progress_bar=show_progress_bar, optuna_seed=optuna_seed)
    tuner.run()
    return tuner.get_best_booster()
