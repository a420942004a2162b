"""Optuna's module path ``optuna.integration.wandb``."""

from tunewise.integrations.wandb import WeightsAndBiasesCallback

__all__ = ["WeightsAndBiasesCallback"]
