"""Optuna's module path ``optuna.artifacts.exceptions``."""

from tunewise.artifacts import ArtifactNotFound

__all__ = ["ArtifactNotFound"]
