"""Pruning a plain PyTorch training loop with PruningReporter (one call per epoch).

Run from the repo root: .venv/bin/python examples/torch_training_loop.py
"""

from __future__ import annotations

import os

import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

import tunewise as tw
from tunewise.integrations.sklearn import StepPruner
from tunewise.integrations.torch import PruningReporter, build_mlp, make_optimizer

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X = torch.as_tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
y = torch.as_tensor(y)
X_train, y_train, X_val, y_val = X[:1200], y[:1200], X[1200:], y[1200:]


def objective(trial: tw.Trial) -> float:
    config = {
        "num_layers": 1,
        "hidden_size": trial.suggest_categorical("hidden_size", [16, 64]),
        "dropout": trial.suggest_float("dropout", 0.0, 0.4),
        "optimizer": trial.suggest_categorical("optimizer", ["adam", "sgd", "adamw"]),
        "learning_rate": trial.suggest_float("learning_rate", 1e-5, 1e-1, log=True),
    }
    torch.manual_seed(trial.number)
    model = build_mlp(config, 64, 10)
    optimizer = make_optimizer(model, config)
    reporter = PruningReporter(trial, monitor="val_acc")
    for epoch in range(6):
        model.train()
        for i in range(0, len(X_train), 128):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(X_train[i:i + 128]), y_train[i:i + 128])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_acc = (model(X_val).argmax(1) == y_val).float().mean()
        reporter.step(epoch, val_acc=val_acc, train_loss=loss)  # raises TrialPruned when told
    return reporter.best


study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0),
                        scheduler=StepPruner("median", n_startup_trials=3, n_warmup_steps=2))
study.optimize(objective, n_trials=10 if not QUICK else 8)  # the median rule first prunes trial 7
for t in study.trials:
    print(f"trial {t.number:2d} {t.state.value:8s} epochs={len(t.intermediate_values)} "
          f"best={max(t.intermediate_values.values()):.3f} lr={t.params['learning_rate']:.1e} {t.params['optimizer']}")
print(f"best: {study.best_value:.4f} {study.best_params}")
