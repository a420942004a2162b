"""Optuna's module path ``optuna.terminator.improvement.emmr``."""

from tunewise.terminator._terminator import EMMREvaluator

__all__ = ["EMMREvaluator"]
