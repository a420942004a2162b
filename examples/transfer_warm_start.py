"""Warm-start a new study from what worked on similar earlier tasks (a knowledge base).

1. Tune an RBF SVM on three scikit-learn data sets and add each finished study to the knowledge
   base, with tags and meta-features computed from the data (rows, features, classes, class
   imbalance, landmarkers such as a decision stump's score).
2. Tune the same model on a new data set, once cold and once with
   ``warm_start=tw.transfer.FromSimilarTasks(...)``: the most similar tasks' best configurations
   run first, and a prior from them guides the sampler while the new study has few results.

Everything lives in ``out/transfer.db``; inspect the knowledge base afterwards with

    tunewise kb list --storage sqlite:///out/transfer.db
    tunewise kb show svm-wine --storage sqlite:///out/transfer.db
    tunewise kb suggest --like svm-wine --storage sqlite:///out/transfer.db
"""

from __future__ import annotations

import os

import numpy as np
from sklearn import datasets
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
N_OLD, N_NEW = (20, 15) if not QUICK else (8, 8)  # trials per earlier task, trials on the new task
os.makedirs("out", exist_ok=True)
STORAGE = "sqlite:///out/transfer.db"
for name in tw.get_all_study_names(STORAGE) if os.path.exists("out/transfer.db") else []:
    tw.delete_study(name, STORAGE)  # start afresh on every run


def load(name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    if name == "digits":  # a subsample keeps the example fast
        idx = np.random.default_rng(0).choice(len(y), 400, replace=False)
        X, y = X[idx], y[idx]
    return X, y


def make_objective(X: np.ndarray, y: np.ndarray):
    cv = StratifiedKFold(3, shuffle=True, random_state=0)

    def objective(trial: tw.Trial) -> float:
        model = make_pipeline(StandardScaler(), SVC(
            C=trial.suggest_float("C", 1e-2, 1e3, log=True),
            gamma=trial.suggest_float("gamma", 1e-5, 1e1, log=True),
        ))
        return 1.0 - cross_val_score(model, X, y, cv=cv).mean()  # CV error

    return objective


# 1. Earlier tasks feed the knowledge base.
for i, name in enumerate(["breast_cancer", "wine", "digits"]):
    X, y = load(name)
    study = tw.create_study(name=f"svm-{name}", storage=STORAGE, sampler=tw.samplers.TPESampler(seed=i))
    study.optimize(make_objective(X, y), n_trials=N_OLD)
    tw.transfer.add_to_knowledge_base(study, task=f"svm-{name}", tags=["svm", "rbf"], X=X, y=y, top_k=10)
    print(f"knowledge base += svm-{name}: best CV error {study.best_value:.3f}")

# 2. A new task: iris. Which earlier tasks look like it?
X, y = load("iris")
objective = make_objective(X, y)
warm_start = tw.transfer.FromSimilarTasks(top_k=5, X=X, y=y, tags=["svm", "rbf"], seed=0)
warm = tw.create_study(name="svm-iris-warm", storage=STORAGE, warm_start=warm_start,
                       sampler=tw.samplers.TPESampler(seed=0))
print("\nmost similar earlier tasks:", ", ".join(f"{r.record.task} ({r.similarity:.2f})" for r in warm_start.chosen))
warm.optimize(objective, n_trials=N_NEW)
cold = tw.create_study(name="svm-iris-cold", storage=STORAGE, sampler=tw.samplers.TPESampler(seed=0))
cold.optimize(objective, n_trials=N_NEW)


def best_after(study: tw.Study, n: int) -> float:
    return min(t.value for t in study.trials[:n])


print(f"\nbest CV error after n trials   n=1     n=3     n=5     n={N_NEW}")
for label, s in (("cold start", cold), ("warm start", warm)):
    print(f"  {label:<28}" + "".join(f"{best_after(s, n):<8.3f}" for n in (1, 3, 5, N_NEW)))
from_prior = sum("transfer" in t.system_attrs for t in warm.trials)
print(f"\n{from_prior} of the warm study's {N_NEW} trials came from earlier tasks (queued or drawn from the prior)")
# Each source task is judged by how its trials rank among the new study's own (RGPE-style ranking
# loss): trusted sources keep feeding the prior, misleading ones are dropped and hidden from TPE.
trust = warm.sampler.source_trust(warm)
print("trust in each source task:", ", ".join(f"{k}: {'not judged yet' if v is None else f'{v:.2f}'}"
                                               for k, v in trust.items()))
print("dropped:", sorted(warm.sampler.dropped) or "none")
