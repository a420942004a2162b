"""Optuna's module path ``optuna.integration.pytorch_lightning``."""

from tunewise.integrations.lightning import TunewiseCallback as PyTorchLightningPruningCallback

__all__ = ["PyTorchLightningPruningCallback"]
