"""``wandb.keras``: W&B's older name of :mod:`wandb.integration.keras` (see there)."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    return getattr(importlib.import_module(__name__.rpartition(".")[0] + ".integration.keras"), name)
