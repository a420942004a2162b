"""Optuna's module path ``optuna.terminator.terminator``."""

from tunewise.terminator._terminator import DEFAULT_MIN_N_TRIALS, BaseTerminator, Terminator

__all__ = ["DEFAULT_MIN_N_TRIALS", "BaseTerminator", "Terminator"]
