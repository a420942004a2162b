"""``wandb.integration``: the callbacks of W&B's integrations that log a training's metrics
(``keras``, ``xgboost``, ``lightgbm``), so a sweep's metric reaches tunewise as ``wandb.log`` does.
Other integrations import as no-op modules (see the stand-in's ``_SubmoduleFinder``)."""

from __future__ import annotations

import importlib
from typing import Any


def standin() -> Any:
    """The stand-in ``wandb`` module this package belongs to (``wandb`` in a sweep's program)."""
    return importlib.import_module(__name__.rpartition(".integration")[0])


def __getattr__(name: str) -> Any:
    parent = standin()
    # A no-op (with a note) for other names, only as the program's wandb (not when tools import this file).
    if parent.__name__ != "wandb" or name.startswith(("_", "pytest_")):
        raise AttributeError(name)
    return parent._fallback(f"integration.{name}")
