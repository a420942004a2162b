"""Optuna's module path ``optuna.integration.mlflow``."""

from tunewise.integrations.mlflow import MLflowCallback

__all__ = ["MLflowCallback"]
