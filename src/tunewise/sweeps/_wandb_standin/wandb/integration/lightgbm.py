"""``wandb.integration.lightgbm`` (also ``wandb.lightgbm``): ``wandb_callback()`` logs each
iteration's evaluation results as W&B's does, ``{"<data>_<metric>": value}`` then
``{"iteration": i}``, so a sweep on ``valid_0_l2`` gets one report per iteration."""

from __future__ import annotations

from typing import Any

from . import standin

__all__ = ["log_summary", "wandb_callback"]

def wandb_callback(log_params: bool = True, define_metric: bool = True) -> Any:
    """The callback for ``lgb.train(..., callbacks=[wandb_callback()])``."""
    wandb = standin()
    state = {"first": True}

    def callback(env: Any) -> None:
        if state["first"]:
            state["first"] = False
            if log_params and wandb.run is not None:
                wandb.config.update(dict(env.params or {}))
            if define_metric:
                for item in env.evaluation_result_list or ():
                    names = [f"{item[0]}_{item[1]}"] if len(item) == 4 else \
                        [f"{item[0]}_{item[1]}-mean", f"{item[0]}_{item[1]}-stdv"]
                    for key in names:
                        wandb.define_metric(key, summary="max" if item[3] else "min")  # LightGBM's is_higher_better
        for item in env.evaluation_result_list or ():
            if len(item) == 4:  # (data, metric, value, higher_is_better)
                wandb.log({f"{item[0]}_{item[1]}": item[2]}, commit=False)
            else:  # lgb.cv: (data, metric, mean, higher_is_better, stdv)
                wandb.log({f"{item[0]}_{item[1]}-mean": item[2], f"{item[0]}_{item[1]}-stdv": item[4]},
                          commit=False)
        wandb.log({"iteration": env.iteration}, commit=True)

    callback.order = 20  # type: ignore[attr-defined]  # after LightGBM's own recorders
    return callback


def log_summary(model: Any, feature_importance: bool = True, save_model_checkpoint: bool = False) -> None:
    """Best iteration and score into the run's summary; the model is not uploaded."""
    wandb = standin()
    if wandb.run is None:
        raise wandb.Error("You must call wandb.init() before log_summary()")
    wandb.run.summary["best_iteration"] = getattr(model, "best_iteration", None)
    wandb.run.summary["best_score"] = getattr(model, "best_score", None)
    if save_model_checkpoint:
        wandb.log_artifact(wandb.Artifact("model", type="model"))
