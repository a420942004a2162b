"""Optuna's module path ``optuna.integration.botorch``."""

from tunewise.integration._botorch import BoTorchSampler

__all__ = ["BoTorchSampler"]
