"""Optuna's module path ``optuna.integration.keras``."""

from tunewise.integrations.keras import KerasPruningCallback

__all__ = ["KerasPruningCallback"]
