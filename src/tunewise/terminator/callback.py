"""Optuna's module path ``optuna.terminator.callback``."""

from tunewise.terminator._terminator import TerminatorCallback

__all__ = ["TerminatorCallback"]
