"""Fixed learning curves replayed through an Optuna-style pruner, one trial after another: the step
at which each trial was pruned. Shared by the pruner compat tests whose expected stops are Optuna
5.1's on the same curves (s31, third-party batch 11); with ``import optuna`` here they run Optuna.
"""

from __future__ import annotations

import tunewise as optuna

CURVES = [
    [1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
    [1.0, 0.95, 0.9, 0.85, 0.8, 0.75],
    [2.0, 1.9, 1.8, 1.7, 1.6, 1.5],
    [0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    [3.0, 2.0, 1.0, 0.5, 0.4, 0.3],
    [1.2, 1.1, 1.15, 1.12, 1.11, 1.1],
]


def replay(pruner: optuna.pruners.BasePruner, curves: list[list[float]]) -> list[int | None]:
    """The step at which each curve's trial was pruned (None: it completed), one trial after another."""
    study = optuna.create_study(pruner=pruner, sampler=optuna.samplers.RandomSampler(seed=0))
    stops: list[int | None] = []
    for curve in curves:

        def objective(trial: optuna.Trial, curve: list[float] = curve) -> float:
            trial.suggest_float("x", 0, 1)
            for step, value in enumerate(curve):
                trial.report(value, step)
                if trial.should_prune():
                    stops.append(step)
                    raise optuna.TrialPruned()
            stops.append(None)
            return curve[-1]

        study.optimize(objective, n_trials=1)
    return stops
