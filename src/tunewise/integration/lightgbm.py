"""``optuna.integration.lightgbm`` (Optuna's stepwise LightGBM tuner) has no tunewise counterpart."""

raise ImportError(
    "optuna.integration.lightgbm (LightGBMTuner / LightGBMTunerCV, the stepwise LightGBM tuner) has no "
    "tunewise counterpart: tune LightGBM's parameters with trial.suggest_* and prune with "
    "tunewise.integrations.lightgbm.LightGBMPruningCallback (docs/migrating-from-optuna.md)")
