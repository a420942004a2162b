"""Lazy imports of optional libraries with an error that names the extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise ImportError saying which tunewise extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f"{purpose} needs the {module.split('.')[0]!r} package, which is not installed: "
            f'pip install "tunewise[{extra}]"'
        ) from e
