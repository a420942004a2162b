"""Optuna's ``optuna.integration`` names, for scripts moved with ``import tunewise as optuna``.

Each name loads its library only when used, like :mod:`tunewise.integrations` (where the
integrations live under tunewise's own names):

- ``LightGBMPruningCallback``, ``XGBoostPruningCallback``: the pruning callbacks of
  :mod:`tunewise.integrations.lightgbm` / :mod:`tunewise.integrations.xgboost`, same arguments;
- ``PyTorchLightningPruningCallback(trial, monitor)``: :class:`tunewise.integrations.lightning.TunewiseCallback`;
- ``MLflowCallback``, ``WeightsAndBiasesCallback``: :mod:`tunewise.integrations.mlflow` / ``wandb``;
- ``OptunaSearchCV``: :class:`OptunaSearchCV` below, Optuna's arguments over
  :class:`tunewise.integrations.sklearn.SearchCV`;
- ``CatBoostPruningCallback``, ``SkorchPruningCallback``, ``PyTorchIgnitePruningHandler``:
  :mod:`tunewise.integrations.catboost` / ``skorch`` / ``ignite``;
- ``TorchDistributedTrial``: :class:`tunewise.integrations.torch.TorchDistributedTrial`;
- ``BoTorchSampler``: :class:`tunewise.samplers.GPSampler` under Optuna's keywords (with a warning:
  tunewise's GP, not BoTorch);
- ``KerasPruningCallback``, ``TFKerasPruningCallback``: :mod:`tunewise.integrations.keras`;
  ``TensorBoardCallback``: :mod:`tunewise.integrations.tensorboard` (writes with the tensorboard
  package, no TensorFlow).

Scripts that import ``optuna_integration`` (the package Optuna's integrations moved to) change
``from optuna_integration import X`` to ``from tunewise.integration import X``.

``import optuna.integration.lightgbm as lgb`` (the stepwise LightGBM tuner) becomes
``import tunewise.integration.lightgbm as lgb``; ``optuna.integration.dask.DaskStorage`` is
:func:`tunewise.integration.dask.DaskStorage`. Any other Optuna integration (TensorFlow's
estimator hooks, fastai, ...) raises an error that says what tunewise offers instead.

>>> import tunewise as optuna
>>> optuna.integration.LightGBMPruningCallback.__module__
'tunewise.integrations.lightgbm'
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "BoTorchSampler",
    "CatBoostPruningCallback",
    "DaskStorage",
    "KerasPruningCallback",
    "LightGBMPruningCallback",
    "LightGBMTuner",
    "LightGBMTunerCV",
    "MLflowCallback",
    "OptunaSearchCV",
    "PyTorchIgnitePruningHandler",
    "PyTorchLightningPruningCallback",
    "SkorchPruningCallback",
    "TFKerasPruningCallback",
    "TensorBoardCallback",
    "TorchDistributedTrial",
    "WeightsAndBiasesCallback",
    "XGBoostPruningCallback",
]

_MOVED = {
    "LightGBMPruningCallback": ("tunewise.integrations.lightgbm", "LightGBMPruningCallback"),
    "XGBoostPruningCallback": ("tunewise.integrations.xgboost", "XGBoostPruningCallback"),
    "PyTorchLightningPruningCallback": ("tunewise.integrations.lightning", "TunewiseCallback"),
    "MLflowCallback": ("tunewise.integrations.mlflow", "MLflowCallback"),
    "WeightsAndBiasesCallback": ("tunewise.integrations.wandb", "WeightsAndBiasesCallback"),
    "OptunaSearchCV": ("tunewise.integration._search_cv", "OptunaSearchCV"),
    "CatBoostPruningCallback": ("tunewise.integrations.catboost", "CatBoostPruningCallback"),
    "SkorchPruningCallback": ("tunewise.integrations.skorch", "SkorchPruningCallback"),
    "PyTorchIgnitePruningHandler": ("tunewise.integrations.ignite", "PyTorchIgnitePruningHandler"),
    "TorchDistributedTrial": ("tunewise.integrations.torch", "TorchDistributedTrial"),
    "LightGBMTuner": ("tunewise.integrations.lightgbm_tuner", "LightGBMTuner"),
    "LightGBMTunerCV": ("tunewise.integrations.lightgbm_tuner", "LightGBMTunerCV"),
    "DaskStorage": ("tunewise.integration.dask", "DaskStorage"),
    "BoTorchSampler": ("tunewise.integration._botorch", "BoTorchSampler"),
    "KerasPruningCallback": ("tunewise.integrations.keras", "KerasPruningCallback"),
    "TFKerasPruningCallback": ("tunewise.integrations.keras", "TFKerasPruningCallback"),
    "TensorBoardCallback": ("tunewise.integrations.tensorboard", "TensorBoardCallback"),
}


# Optuna's module paths (``from optuna.integration.mlflow import MLflowCallback``): each module
# holds the names above that its Optuna namesake holds; lightgbm is the stepwise tuner.
_SUBMODULES = ("botorch", "catboost", "dask", "keras", "lightgbm", "mlflow", "pytorch_distributed", "pytorch_ignite",
               "pytorch_lightning", "skorch", "sklearn", "tensorboard", "tfkeras", "wandb", "xgboost")


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:  # Optuna's optuna.integration.lightgbm / .dask / .mlflow / ...
        return importlib.import_module(f"{__name__}.{name}")
    if name in _MOVED:
        module, attr = _MOVED[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"optuna.integration.{name} has no tunewise counterpart: see tw.integrations (sklearn, "
                         "torch, lightning, xgboost, lightgbm, catboost, skorch, ignite, keras, tensorboard, mlflow, "
                         "wandb)")
