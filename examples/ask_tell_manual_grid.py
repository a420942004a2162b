"""Manual configs first, then an exhaustive grid, then ask-and-tell for an external loop."""

from __future__ import annotations

import tunewise as tw


def score(lr: float, batch_size: int) -> float:
    # Stand-in for training: best near lr=1e-2, batch_size=64.
    import math

    return -((math.log10(lr) + 2) ** 2) - ((batch_size - 64) / 64) ** 2


def objective(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    bs = trial.suggest_categorical("batch_size", [16, 32, 64, 128])
    return score(lr, bs)


# 1. Manual search: the guide's starting configs run first, in order.
study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
for config in [{"lr": 1e-3, "batch_size": 32}, {"lr": 1e-4, "batch_size": 64}, {"lr": 1e-2, "batch_size": 16}]:
    study.enqueue_trial(config)
study.optimize(objective, n_trials=3)
print("manual:", [(t.params, round(t.value, 3)) for t in study.trials])

# 2. Grid search: every combination exactly once, then the study stops by itself.
grid = {"lr": [1e-4, 1e-3, 1e-2, 1e-1], "batch_size": [16, 32, 64, 128]}
grid_study = tw.create_study(direction="maximize", sampler=tw.samplers.GridSampler(grid))
grid_study.optimize(objective)
print(f"grid: {len(grid_study.trials)} trials, best {grid_study.best_params}")

# 3. Ask and tell: the study proposes, your own loop evaluates.
at = tw.create_study(direction="maximize", sampler=tw.samplers.QMCSampler(seed=0))
for _ in range(16):
    trial = at.ask()
    value = score(trial.suggest_float("lr", 1e-4, 1e-1, log=True),
                  trial.suggest_categorical("batch_size", [16, 32, 64, 128]))
    at.tell(trial, value)
print(f"ask/tell: best {at.best_value:.3f} at {at.best_params}")
