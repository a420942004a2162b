"""A plain argparse training script, tuned by `tunewise sweep run examples/sweep_train.yaml`.

It knows nothing about tunewise's Python API: it reads its hyperparameters from the command line
and prints one metric line per epoch, which the sweep reads (and uses to stop bad runs early):

    tunewise: {"val_acc": 0.93, "step": 3}

Run it alone with its defaults:  .venv/bin/python examples/sweep_train.py --epochs 3
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def main() -> None:
    p = argparse.ArgumentParser(description="SGD classifier on scikit-learn's digits")
    p.add_argument("--alpha", type=float, default=1e-4, help="L2/L1 regularization strength")
    p.add_argument("--eta0", type=float, default=0.01, help="initial learning rate")
    p.add_argument("--loss", default="hinge", choices=["hinge", "log_loss", "modified_huber"])
    p.add_argument("--penalty", default="l2", choices=["l2", "l1", "elasticnet"])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    X, y = load_digits(return_X_y=True)
    X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=args.seed, stratify=y)
    scaler = StandardScaler().fit(X_tr)
    X_tr, X_va = scaler.transform(X_tr), scaler.transform(X_va)
    clf = SGDClassifier(alpha=args.alpha, eta0=args.eta0, learning_rate="constant", loss=args.loss,
                        penalty=args.penalty, random_state=args.seed)
    rng = np.random.default_rng(args.seed)
    classes = np.unique(y)
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(X_tr))
        clf.partial_fit(X_tr[order], y_tr[order], classes=classes)
        acc = float(clf.score(X_va, y_va))
        # The sweep reads this line; any other output is just kept in the run's log.
        print("tunewise: " + json.dumps({"val_acc": acc, "step": epoch}), flush=True)


if __name__ == "__main__":
    main()
