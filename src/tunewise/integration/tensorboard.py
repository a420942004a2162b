"""Optuna's module path ``optuna.integration.tensorboard``."""

from tunewise.integrations.tensorboard import TensorBoardCallback

__all__ = ["TensorBoardCallback"]
