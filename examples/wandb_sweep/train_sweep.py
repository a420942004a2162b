"""A W&B sweep defined in Python, as W&B's docs write it: run it with

    tunewise sweep python --storage sqlite:///out/wandb_python_sweep.db examples/wandb_sweep/train_sweep.py

(`examples/wandb_python_sweep.py` does, then reads the study). Nothing here imports tunewise.
"""

import os

import numpy as np
import wandb
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.3, random_state=0)
COUNT = 6 if os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1" else 30


def train():
    with wandb.init(project="sgd-digits", config={"epochs": 10}) as run:
        cfg = wandb.config
        clf = SGDClassifier(alpha=cfg.alpha, loss=cfg.loss, learning_rate="constant", eta0=cfg.eta0, random_state=0)
        for epoch in range(cfg.epochs):
            clf.partial_fit(X_train, y_train, classes=np.unique(y))
            wandb.log({"val_error": 1.0 - clf.score(X_valid, y_valid), "epoch": epoch})
        run.summary["val_error"] = 1.0 - clf.score(X_valid, y_valid)


if __name__ == "__main__":
    sweep_config = {
        "name": "sgd-digits-python",
        "method": "bayes",
        "metric": {"name": "val_error", "goal": "minimize"},
        "parameters": {
            "alpha": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-1},
            "eta0": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
            "loss": {"values": ["hinge", "log_loss", "modified_huber"]},
        },
        "early_terminate": {"type": "hyperband", "min_iter": 3},
    }
    sweep_id = wandb.sweep(sweep_config, project="sgd-digits")
    wandb.agent(sweep_id, function=train, count=COUNT)
