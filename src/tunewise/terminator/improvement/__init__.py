"""Optuna's package path ``optuna.terminator.improvement`` (its modules ``evaluator`` and ``emmr``)."""
