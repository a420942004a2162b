"""Optuna's module path ``optuna.integration.pytorch_ignite``."""

from tunewise.integrations.ignite import PyTorchIgnitePruningHandler

__all__ = ["PyTorchIgnitePruningHandler"]
