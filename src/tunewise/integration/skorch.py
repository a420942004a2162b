"""Optuna's module path ``optuna.integration.skorch``."""

from tunewise.integrations.skorch import SkorchPruningCallback

__all__ = ["SkorchPruningCallback"]
