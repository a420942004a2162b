"""TPE on a conditional scikit-learn search space, then a parallel-style batch with constant liar.

Run from the repo root:  .venv/bin/python examples/tpe_conditional_search.py
"""

from __future__ import annotations

import logging
import os
import warnings

from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
logging.getLogger("tunewise").setLevel(logging.ERROR)
X, y = load_wine(return_X_y=True)


def objective(trial: tw.Trial) -> float:
    # Each model has its own parameters: TPE models every branch separately (group decomposition).
    model = trial.suggest_categorical("model", ["logreg", "knn", "tree"])
    if model == "logreg":
        clf = LogisticRegression(C=trial.suggest_float("C", 1e-4, 1e2, log=True), max_iter=300)
    elif model == "knn":
        clf = KNeighborsClassifier(n_neighbors=trial.suggest_int("n_neighbors", 1, 40, log=True),
                                   weights=trial.suggest_categorical("weights", ["uniform", "distance"]))
    else:
        clf = DecisionTreeClassifier(max_depth=trial.suggest_int("max_depth", 1, 12),
                                     min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 20), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(cross_val_score(make_pipeline(StandardScaler(), clf), X, y, cv=3).mean())


study = tw.create_study(direction="maximize", sampler=tw.samplers.TPESampler(seed=0))
study.optimize(objective, n_trials=25 if not QUICK else 16)
print(f"best accuracy {study.best_value:.3f} with {study.best_params}")
counts = {m: sum(t.params.get("model") == m for t in study.trials[10:]) for m in ("logreg", "knn", "tree")}
print(f"after the 10 random start-up trials, TPE tried: {counts}")

# Four workers asking at once (ask without tell): constant liar counts the RUNNING proposals as bad,
# so the batch spreads out instead of repeating the current favourite.
batch = [study.ask() for _ in range(4)]
values = [objective(t) for t in batch]
for t, value in zip(batch, values, strict=True):
    shown = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in t.params.items()}
    print(f"  trial {t.number}: {value:.3f} {shown}")
    study.tell(t, value)
print(f"after the batch: best accuracy {study.best_value:.3f}")
