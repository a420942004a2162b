"""Optuna's module path ``optuna.integration.pytorch_distributed``."""

from tunewise.integrations.torch import TorchDistributedTrial

__all__ = ["TorchDistributedTrial"]
