"""Optuna's module path ``optuna.integration.tfkeras`` (TensorFlow is imported on first use)."""

from typing import Any

__all__ = ["TFKerasPruningCallback"]  # noqa: F822 - built by __getattr__ on first use


def __getattr__(name: str) -> Any:
    if name == "TFKerasPruningCallback":
        from tunewise.integrations import keras

        return keras.TFKerasPruningCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
