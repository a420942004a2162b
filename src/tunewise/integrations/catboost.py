"""CatBoost: report a validation metric after every boosting round, and prune.

Needs catboost (``pip install catboost``). CatBoost calls a Python callback inside its C++ loop
and swallows exceptions raised there, so, as in Optuna, the callback stops the training by
returning False and the objective calls :meth:`CatBoostPruningCallback.check_pruned` after
``fit`` to raise :class:`tunewise.TrialPruned`.

>>> import tunewise as tw
>>> from tunewise.integrations.catboost import CatBoostPruningCallback
"""

from __future__ import annotations

from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["CatBoostPruningCallback"]


class CatBoostPruningCallback:
    """Report ``metric`` on the validation set after each round (step = round, from 0) and stop
    the training when the study's scheduler says to prune (Optuna's callback of that name).

    ``eval_set_index`` picks one of several ``eval_set`` entries (CatBoost names them
    ``validation_0``, ``validation_1``...); leave it None for a single one.

    >>> import catboost as cb, tunewise as tw
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     callback = CatBoostPruningCallback(trial, "Logloss")
    ...     model = cb.CatBoostClassifier(iterations=20, depth=trial.suggest_int("depth", 2, 4), verbose=0,
    ...                                   thread_count=1)
    ...     model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], callbacks=[callback])
    ...     callback.check_pruned()
    ...     return model.get_best_score()["validation"]["Logloss"]
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> len(study.trials[0].intermediate_values)
    20
    """

    def __init__(self, trial: Trial, metric: str, eval_set_index: int | None = None) -> None:
        check_trial(trial)
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"metric must name a CatBoost eval metric such as 'Logloss' or 'AUC', got {metric!r}")
        if eval_set_index is not None and (isinstance(eval_set_index, bool) or not isinstance(eval_set_index, int)
                                           or eval_set_index < 0):
            raise ValueError(f"eval_set_index must be None or a non-negative integer, got {eval_set_index!r}")
        self.trial = trial
        self.metric = metric
        self.valid_name = "validation" if eval_set_index is None else f"validation_{eval_set_index}"
        self._message = ""

    def after_iteration(self, info: Any) -> bool:
        """Called by CatBoost after each round; False stops the training (pruned)."""
        metrics = info.metrics.get(self.valid_name)
        if metrics is None:
            raise ValueError(f"CatBoost logged no {self.valid_name!r} results (logged: {sorted(info.metrics)}): pass "
                             "eval_set= to fit, and eval_set_index=i when it holds several sets")
        if self.metric not in metrics:
            raise ValueError(f"CatBoost did not log metric {self.metric!r} on {self.valid_name!r} (logged: "
                             f"{sorted(metrics)}): set eval_metric= or custom_metric= to it")
        step = info.iteration - 1
        value = float(metrics[self.metric][-1])
        self.trial.report(value, step=step)
        if self.trial.should_prune():
            self._message = f"pruned at boosting round {step} ({self.metric}={value:.6g})"
            return False
        return True

    def check_pruned(self) -> None:
        """Raise :class:`tunewise.TrialPruned` if the callback stopped the training; call it after ``fit``."""
        if self._message:
            raise TrialPruned(self._message)
