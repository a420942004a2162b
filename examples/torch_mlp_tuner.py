"""End-to-end PyTorch tuning on digits: build an MLP from a config, tune with pruning,
retrain the best configuration and evaluate it on held-out data.

Run from the repo root: .venv/bin/python examples/torch_mlp_tuner.py
"""

from __future__ import annotations

import os

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tunewise as tw
from tunewise.integrations.torch import MLPTuner

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
torch.set_num_threads(1)
X, y = load_digits(return_X_y=True)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(X_rest, y_rest, test_size=0.25, random_state=0, stratify=y_rest)
scaler = StandardScaler().fit(X_train)
X_train, X_val, X_test = (scaler.transform(a).astype("float32") for a in (X_train, X_val, X_test))

# The guide's space (tw.presets.neural_network()), shrunk so the example runs in seconds.
space = tw.presets.neural_network().replace(
    num_layers=tw.randint(1, 3), hidden_size=[32, 64], batch_size=[64, 128],
    learning_rate=tw.loguniform(1e-4, 3e-2),
)
tuner = MLPTuner(X_train, y_train, X_val, y_val, space=space, max_epochs=6, seed=0)
study = tuner.tune(n_trials=10 if not QUICK else 7)  # median pruning starts after 4 trials
pruned = sum(t.state == tw.TrialState.PRUNED for t in study.trials)
print(f"{len(study.trials)} trials ({pruned} pruned) in {tuner.tune_time_:.1f}s")
print(f"best validation accuracy {tuner.best_value_:.4f} at epoch {tuner.best_epoch_} with {tuner.best_config_}")

model = tuner.fit_best()  # retrained on train + validation with the best config
with torch.no_grad():
    acc = (model(torch.as_tensor(X_test)).argmax(1).numpy() == y_test).mean()
print(f"final model: {sum(p.numel() for p in model.parameters())} parameters, test accuracy {acc:.4f}")
