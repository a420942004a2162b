"""Integrations with the libraries users already train with.

Each submodule imports its library only when used, so ``import tunewise`` stays light:

- :mod:`tunewise.integrations.sklearn`: :class:`~tunewise.integrations.sklearn.SearchCV` and
  :func:`~tunewise.integrations.sklearn.cross_validate_objective` (extra ``tunewise[sklearn]``)
- :mod:`tunewise.integrations.torch`: report/prune from a plain PyTorch loop, and an MLP tuner
  (``tunewise[torch]``)
- :mod:`tunewise.integrations.lightning`: ``TunewiseCallback`` for Lightning (``tunewise[lightning]``)
- :mod:`tunewise.integrations.xgboost` / :mod:`tunewise.integrations.lightgbm`: pruning callbacks
  (``tunewise[xgboost]``, ``tunewise[lightgbm]``)
- :mod:`tunewise.integrations.catboost`, :mod:`tunewise.integrations.skorch`,
  :mod:`tunewise.integrations.ignite`: pruning callbacks (Optuna's names; ``tunewise[skorch]``,
  ``tunewise[ignite]``; the CatBoost one needs only catboost itself)
- :mod:`tunewise.integrations.lightgbm_tuner`: Optuna's stepwise LightGBM tuner (``LightGBMTuner``,
  ``LightGBMTunerCV``, ``train``)
- :mod:`tunewise.integrations.mlflow`: ``MLflowCallback`` logs each trial as a nested run
  (``tunewise[mlflow]``)
- :mod:`tunewise.integrations.wandb`: ``WeightsAndBiasesCallback`` logs each trial to a W&B
  run, offline by default (``tunewise[wandb]``)
- :mod:`tunewise.integrations.keras`: ``KerasPruningCallback`` (Keras 3 on any backend) and
  ``TFKerasPruningCallback`` (``tunewise[keras]``)
- :mod:`tunewise.integrations.tensorboard`: ``TensorBoardCallback`` writes each trial for the
  HParams dashboard (``tunewise[tensorboard]``, no TensorFlow)

>>> import tunewise as tw
>>> tw.integrations.sklearn.SearchCV  # doctest: +ELLIPSIS
<class 'tunewise.integrations.sklearn._search.SearchCV'>
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["catboost", "ignite", "keras", "lightgbm", "lightgbm_tuner", "lightning", "mlflow", "sklearn", "skorch",
           "tensorboard", "torch", "wandb", "xgboost"]


def __getattr__(name: str) -> ModuleType:
    # Submodules load on first access: `tw.integrations.mlflow` must not import mlflow
    # until someone uses it.
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
