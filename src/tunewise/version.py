"""Optuna's module path ``optuna.version``: ``tunewise.version.__version__``."""

from tunewise import __version__

__all__ = ["__version__"]
