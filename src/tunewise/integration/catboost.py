"""Optuna's module path ``optuna.integration.catboost``."""

from tunewise.integrations.catboost import CatBoostPruningCallback

__all__ = ["CatBoostPruningCallback"]
