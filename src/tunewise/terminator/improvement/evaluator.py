"""Optuna's module path ``optuna.terminator.improvement.evaluator``."""

from tunewise.terminator._terminator import (
    DEFAULT_MIN_N_TRIALS,
    DEFAULT_TOP_TRIALS_RATIO,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)

__all__ = ["DEFAULT_MIN_N_TRIALS", "DEFAULT_TOP_TRIALS_RATIO", "BaseImprovementEvaluator",
           "BestValueStagnationEvaluator", "RegretBoundEvaluator"]
