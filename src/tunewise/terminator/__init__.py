"""``optuna.terminator``, which tunewise does not have: importing it says what to use instead."""

from tunewise import _OPTUNA_ONLY

raise ImportError(f"optuna.terminator has no tunewise counterpart: {_OPTUNA_ONLY['terminator']}")
