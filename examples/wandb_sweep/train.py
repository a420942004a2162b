"""A W&B sweep training script, unchanged: it only knows wandb.init/config/log/summary.

Under `tunewise sweep run examples/wandb_sweep/sweep.yaml` it needs no W&B account and no
network: `import wandb` gets tunewise's stand-in, which hands it the sweep's parameters and
reports what it logs (hyperband early termination included).
"""

import numpy as np
import wandb
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

defaults = {"alpha": 1e-4, "eta0": 0.01, "penalty": "l2", "l1_ratio": 0.15, "epochs": 10, "seed": 0}

with wandb.init(project="digits", config=defaults) as run:
    config = wandb.config
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.25, random_state=config.seed)
    model = SGDClassifier(loss="log_loss", alpha=config.alpha, learning_rate="constant", eta0=config["eta0"],
                          penalty=config.penalty, l1_ratio=config.get("l1_ratio", 0.15), random_state=config.seed)
    classes = np.unique(y)
    best = float("inf")
    for epoch in range(config.epochs):
        model.partial_fit(X_train, y_train, classes=classes)
        val_loss = log_loss(y_val, model.predict_proba(X_val), labels=classes)
        val_acc = model.score(X_val, y_val)
        best = min(best, val_loss)
        wandb.log({"val_loss": val_loss, "val_acc": val_acc, "epoch": epoch})
    run.summary["best_val_loss"] = best
