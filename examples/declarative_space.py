"""Config-style training functions with a declarative space (the Ray Tune habit).

`train_fn(config)` gets a plain dict; it reports a learning curve with `tw.report`, which stops
the run early when the study's scheduler says so. `tw.grid` axes are cycled through in turn.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

import tunewise as tw

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)

space = {
    "alpha": tw.loguniform(1e-6, 1e-1),
    "loss": tw.choice(["hinge", "log_loss", "modified_huber"]),
    "eta0": tw.loguniform(1e-3, 1.0),
    "penalty": tw.grid(["l2", "elasticnet"]),
    "epochs": 8,  # constants pass through unchanged
}


def train_fn(config: dict) -> None:
    clf = SGDClassifier(alpha=config["alpha"], loss=config["loss"], penalty=config["penalty"],
                        learning_rate="constant", eta0=config["eta0"], random_state=0)
    classes = np.unique(y)
    for _ in range(config["epochs"]):
        clf.partial_fit(X_train, y_train, classes=classes)
        tw.report(clf.score(X_val, y_val))  # the last report is the trial's value


study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
study.optimize(train_fn, space=space, n_trials=20)
print(f"best validation accuracy {study.best_value:.4f} with {study.best_params}")
