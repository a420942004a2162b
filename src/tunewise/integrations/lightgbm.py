"""LightGBM: report each boosting round's validation metric to a trial, and prune.

Needs lightgbm (``pip install "tunewise[lightgbm]"``).

>>> import tunewise as tw
>>> from tunewise.integrations.lightgbm import LightGBMPruningCallback
"""

from __future__ import annotations

from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._optional import require
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["LightGBMPruningCallback"]

require("lightgbm", "lightgbm", "tunewise.integrations.lightgbm")


class LightGBMPruningCallback:
    """A LightGBM callback: report ``metric`` on ``valid_name`` each round, prune when told.

    Names are LightGBM's: ``metric`` as in ``evals_result_`` (``"binary_logloss"``, ``"auc"``,
    ``"l2"``, ``"multi_logloss"``), ``valid_name`` the validation set (``"valid_0"`` for the first
    validation set of the scikit-learn API's ``eval_X``/``eval_y``, the ``valid_names`` given to
    ``lgb.train``, ``"valid"`` in ``lgb.cv``). ``valid_name=None`` takes the first validation set
    that is not the training data. A metric that is never logged raises ValueError listing the
    logged ones; a metric whose direction (``is_higher_better``) contradicts the study's direction raises too.

    >>> import lightgbm as lgb, tunewise as tw
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     cb = LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_0")
    ...     model = lgb.LGBMClassifier(n_estimators=15, num_leaves=trial.suggest_int("num_leaves", 4, 32),
    ...                                n_jobs=1, verbose=-1)  # (one thread: 400 rows)
    ...     model.fit(X[:400], y[:400], eval_X=X[400:], eval_y=y[400:], callbacks=[cb])
    ...     return model.best_score_["valid_0"]["binary_logloss"]
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> len(study.trials[0].intermediate_values)
    15
    """

    # Run after LightGBM's own callbacks (early stopping has order 30).
    order = 35
    before_iteration = False

    def __init__(self, trial: Trial, metric: str, valid_name: str | None = None, *,
                 report_interval: int = 1) -> None:
        check_trial(trial)
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"metric must be a LightGBM metric name such as 'binary_logloss', got {metric!r}")
        if valid_name is not None and not isinstance(valid_name, str):
            raise TypeError(f"valid_name must be a string or None, got {valid_name!r}")
        if isinstance(report_interval, bool) or not isinstance(report_interval, int) or report_interval < 1:
            raise ValueError(f"report_interval must be a positive integer, got {report_interval!r}")
        self.trial = trial
        self.metric = metric
        self.valid_name = valid_name
        self.report_interval = report_interval
        self._direction_checked = False

    def __deepcopy__(self, memo: dict[int, Any]) -> LightGBMPruningCallback:
        # Estimator clones deep-copy their params: share the trial, do not copy the study.
        return type(self)(self.trial, self.metric, self.valid_name, report_interval=self.report_interval)

    def _find(self, results: list[Any], training_name: str | None) -> tuple[float, bool]:
        for entry in results:
            data_name, eval_name, value, higher_better = entry[0], entry[1], entry[2], entry[3]
            if eval_name != self.metric and eval_name.split(" ")[-1] != self.metric:
                continue
            if self.valid_name is not None and data_name != self.valid_name:
                continue
            if self.valid_name is None and data_name in ("training", training_name):
                continue
            return float(value), bool(higher_better)
        logged = [f"({e[0]!r}, {e[1]!r})" for e in results]
        want = f"({self.valid_name!r}, {self.metric!r})" if self.valid_name else f"{self.metric!r} on a validation set"
        raise ValueError(
            f"LightGBM never logged {want}; logged (valid_name, metric) pairs: "
            f"{', '.join(logged) if logged else 'none (pass eval_X=/eval_y= to fit, or valid_sets= to lgb.train)'}"
        )

    def __call__(self, env: Any) -> None:
        results = env.evaluation_result_list or []
        training_name = getattr(env.model, "_train_data_name", None)
        value, higher_better = self._find(results, training_name)
        if not self._direction_checked:
            direction = self.trial.study.direction
            if (direction == "maximize") != higher_better:
                raise ValueError(
                    f"metric {self.metric!r} is {'higher' if higher_better else 'lower'}-is-better in LightGBM, "
                    f"but the study direction is {direction!r}: create the study with direction="
                    f"{'maximize' if higher_better else 'minimize'!r} or monitor another metric"
                )
            self._direction_checked = True
        step = env.iteration - env.begin_iteration
        if step % self.report_interval:
            return
        self.trial.report(value, step=step)
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at boosting round {step} ({self.metric}={value:.6g})")
