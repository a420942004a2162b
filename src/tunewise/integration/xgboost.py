"""Optuna's module path ``optuna.integration.xgboost``."""

from tunewise.integrations.xgboost import XGBoostPruningCallback

__all__ = ["XGBoostPruningCallback"]
