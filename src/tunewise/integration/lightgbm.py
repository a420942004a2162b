"""Optuna's ``optuna.integration.lightgbm``: LightGBM's own names with the stepwise tuner's in place.

``import optuna.integration.lightgbm as lgb`` becomes ``import tunewise.integration.lightgbm as lgb``:
``lgb.train`` runs :class:`~tunewise.integrations.lightgbm_tuner.LightGBMTuner` and returns the best
booster, ``lgb.LightGBMTuner`` / ``lgb.LightGBMTunerCV`` are the tuners, and every other name
(``lgb.Dataset``, ``lgb.early_stopping``...) is LightGBM's.
"""

from __future__ import annotations

from typing import Any

from tunewise.integrations.lightgbm_tuner import LightGBMTuner, LightGBMTunerCV, lgb, train

__all__ = ["LightGBMTuner", "LightGBMTunerCV", "train"]


def __getattr__(name: str) -> Any:
    return getattr(lgb, name)
