"""Optuna's module path ``optuna.terminator.erroreval``."""

from tunewise.terminator._terminator import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)

__all__ = ["BaseErrorEvaluator", "CrossValidationErrorEvaluator", "StaticErrorEvaluator",
           "report_cross_validation_scores"]
