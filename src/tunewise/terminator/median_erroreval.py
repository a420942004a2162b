"""Optuna's module path ``optuna.terminator.median_erroreval``."""

from tunewise.terminator._terminator import MedianErrorEvaluator

__all__ = ["MedianErrorEvaluator"]
