"""Optuna's module path ``optuna.integration.sklearn``."""

from tunewise.integration._search_cv import OptunaSearchCV

__all__ = ["OptunaSearchCV"]
