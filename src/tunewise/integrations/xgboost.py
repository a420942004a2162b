"""XGBoost: report each boosting round's validation metric to a trial, and prune.

Needs xgboost (``pip install "tunewise[xgboost]"``).

>>> import tunewise as tw
>>> from tunewise.integrations.xgboost import XGBoostPruningCallback
"""

from __future__ import annotations

from typing import Any

from tunewise.exceptions import TrialPruned
from tunewise.integrations._optional import require
from tunewise.integrations._pruning import check_trial
from tunewise.trial import Trial

__all__ = ["XGBoostPruningCallback"]

_xgb = require("xgboost", "xgboost", "tunewise.integrations.xgboost")


def _latest(history: Any) -> float:
    value = history[-1]
    # xgb.cv logs (mean, std) per round; train() logs a float.
    if isinstance(value, (tuple, list)):
        value = value[0]
    return float(value)


class XGBoostPruningCallback(_xgb.callback.TrainingCallback):  # type: ignore[misc,name-defined]
    """Report ``observation_key`` after every boosting round and raise ``TrialPruned`` when told.

    ``observation_key`` is ``"<data name>-<metric>"`` as XGBoost names it in ``evals_result()``:
    ``"validation_0-logloss"`` for the first ``eval_set`` of ``XGBClassifier.fit``,
    ``"<name>-auc"`` for ``xgb.train(..., evals=[(dvalid, "<name>")])``, ``"test-logloss"`` for
    ``xgb.cv`` (the mean over folds). The step is the boosting round. If the key is not logged
    after the first round, a ValueError lists the keys that are.

    >>> import tunewise as tw, xgboost as xgb
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> def objective(trial):
    ...     cb = XGBoostPruningCallback(trial, "validation_0-logloss")
    ...     model = xgb.XGBClassifier(n_estimators=20, max_depth=trial.suggest_int("max_depth", 2, 6),
    ...                               n_jobs=1, callbacks=[cb])  # (one thread: 400 rows)
    ...     model.fit(X[:400], y[:400], eval_set=[(X[400:], y[400:])], verbose=False)
    ...     return model.evals_result()["validation_0"]["logloss"][-1]
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=2)
    >>> len(study.trials[0].intermediate_values)
    20
    """

    def __init__(self, trial: Trial, observation_key: str, *, report_interval: int = 1) -> None:
        check_trial(trial)
        if not isinstance(observation_key, str) or "-" not in observation_key:
            raise ValueError(
                f"observation_key must look like '<data name>-<metric>' (e.g. 'validation_0-logloss'), "
                f"got {observation_key!r}"
            )
        if isinstance(report_interval, bool) or not isinstance(report_interval, int) or report_interval < 1:
            raise ValueError(f"report_interval must be a positive integer, got {report_interval!r}")
        super().__init__()
        self.trial = trial
        self.observation_key = observation_key
        self.report_interval = report_interval

    def __deepcopy__(self, memo: dict[int, Any]) -> XGBoostPruningCallback:
        # scikit-learn's clone() deep-copies estimator params, callbacks included; the trial (and
        # its study and storage) must be shared, not copied.
        return type(self)(self.trial, self.observation_key, report_interval=self.report_interval)

    def _find(self, evals_log: Any) -> Any:
        for data_name, metrics in evals_log.items():
            prefix = f"{data_name}-"
            if self.observation_key.startswith(prefix) and self.observation_key[len(prefix):] in metrics:
                return metrics[self.observation_key[len(prefix):]]
        logged = [f"{d}-{m}" for d, ms in evals_log.items() for m in ms]
        raise ValueError(
            f"observation_key={self.observation_key!r} is not logged by XGBoost; logged keys: "
            f"{logged if logged else 'none (pass eval_set=[(X_val, y_val)] to fit, or evals= to xgb.train)'}"
        )

    def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
        history = self._find(evals_log)
        if epoch % self.report_interval:
            return False
        self.trial.report(_latest(history), step=epoch)
        if self.trial.should_prune():
            raise TrialPruned(f"pruned at boosting round {epoch} ({self.observation_key}={_latest(history):.6g})")
        return False
