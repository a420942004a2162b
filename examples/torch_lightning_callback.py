"""Lightning: TunewiseCallback reports val_acc every epoch and prunes bad trials.

Run from the repo root: .venv/bin/python examples/torch_lightning_callback.py
"""

from __future__ import annotations

import logging
import os
import warnings

import lightning.pytorch as pl
import torch
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

import tunewise as tw
from tunewise.integrations.lightning import TunewiseCallback
from tunewise.integrations.sklearn import StepPruner

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
torch.set_num_threads(1)
warnings.filterwarnings("ignore")
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)

X, y = load_digits(return_X_y=True)
X = torch.as_tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
y = torch.as_tensor(y)
train = DataLoader(TensorDataset(X[:1200], y[:1200]), batch_size=128, shuffle=True)
val = DataLoader(TensorDataset(X[1200:], y[1200:]), batch_size=512)


class LitMLP(pl.LightningModule):
    def __init__(self, lr: float, hidden: int, dropout: float) -> None:
        super().__init__()
        self.lr = lr
        self.net = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                                       torch.nn.Linear(hidden, 10))

    def training_step(self, batch, _):
        x, t = batch
        return torch.nn.functional.cross_entropy(self.net(x), t)

    def validation_step(self, batch, _):
        x, t = batch
        self.log("val_acc", (self.net(x).argmax(1) == t).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def objective(trial: tw.Trial) -> float:
    torch.manual_seed(trial.number)
    model = LitMLP(lr=trial.suggest_float("lr", 1e-5, 1e-1, log=True),
                   hidden=trial.suggest_categorical("hidden", [16, 64]),
                   dropout=trial.suggest_float("dropout", 0.0, 0.5))
    trainer = pl.Trainer(max_epochs=4 if not QUICK else 3, callbacks=[TunewiseCallback(trial, monitor="val_acc")],
                         logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, accelerator="cpu", devices=1)
    trainer.fit(model, train, val)
    return trainer.callback_metrics["val_acc"].item()


study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=1),
                        scheduler=StepPruner("median", n_startup_trials=2, n_warmup_steps=1))
study.optimize(objective, n_trials=5 if not QUICK else 4)
for t in study.trials:
    print(f"trial {t.number} {t.state.value:8s} epochs={len(t.intermediate_values)} value={t.value:.3f}")
print(f"best val_acc {study.best_value:.4f} with {study.best_params}")
