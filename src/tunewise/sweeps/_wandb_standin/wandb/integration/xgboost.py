"""``wandb.integration.xgboost`` (also ``wandb.xgboost``): ``WandbCallback`` logs each boosting
round's evaluation results as W&B's does, ``{"<data>-<metric>": value}`` then ``{"epoch": i}``, so
a sweep on ``validation_0-rmse`` gets one report per round."""

from __future__ import annotations

from typing import Any

from . import standin

# WandbCallback is built on first use (it subclasses xgboost.callback.TrainingCallback)

_CLASSES: dict[str, Any] = {}


def wandb_callback() -> Any:
    """XGBoost's pre-1.3 function callback (``xgb.train(..., callbacks=[wandb_callback()])``):
    current XGBoost refuses function callbacks, as it does under W&B."""
    wandb = standin()

    def callback(env: Any) -> None:
        for key, value in env.evaluation_result_list:
            wandb.log({key: value}, commit=False)
        wandb.log({})

    return callback


def _build() -> Any:
    import xgboost

    wandb = standin()

    class WandbCallback(xgboost.callback.TrainingCallback):  # type: ignore[misc,name-defined]
        """W&B's XGBoost callback: evaluation metrics per round; models are not uploaded."""

        def __init__(self, log_model: bool = False, log_feature_importance: bool = True,
                     importance_type: str = "gain", define_metric: bool = True) -> None:
            super().__init__()
            self.log_model, self.define_metric = log_model, define_metric
            self._defined: set[str] = set()

        def before_training(self, model: Any) -> Any:
            return model

        def after_iteration(self, model: Any, epoch: int, evals_log: Any) -> bool:
            for data, metrics in evals_log.items():
                for name, history in metrics.items():
                    key = f"{data}-{name}"
                    if self.define_metric and key not in self._defined:
                        self._defined.add(key)
                        goal = "max" if any(m in name.lower() for m in ("auc", "aucpr", "map", "ndcg", "pre")) \
                            else "min"
                        wandb.define_metric(key, summary=goal)
                    value = history[-1]
                    wandb.log({key: value[0] if isinstance(value, tuple) else value}, commit=False)
            wandb.log({"epoch": epoch})
            return False

        def after_training(self, model: Any) -> Any:
            if self.log_model:
                wandb.log_artifact(wandb.Artifact("model", type="model"))
            run = wandb.run
            for attr in ("best_score", "best_iteration"):
                value = getattr(model, attr, None) if run is not None else None
                if value is not None:
                    run.summary[attr] = value
            return model

    return WandbCallback


def __getattr__(name: str) -> Any:
    if name == "WandbCallback":
        if name not in _CLASSES:
            _CLASSES[name] = _build()
        return _CLASSES[name]
    raise AttributeError(name)
