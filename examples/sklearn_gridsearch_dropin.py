"""SearchCV as a drop-in for GridSearchCV and RandomizedSearchCV: change one import.

`param_grid`, `param_distributions` (lists and scipy.stats distributions), `n_iter` and lists of
grids keep scikit-learn's meaning: the same configurations in the same order (the same
`random_state` draws the same samples), so `best_params_` and `cv_results_` match. The study
behind the search adds what scikit-learn lacks: storage and resume (`storage=`, `study_name=`),
fold-wise pruning (`pruning=True`) and model-based search of the same space (`strategy="tpe"`).
HalvingRandomSearchCV is `strategy="halving"` with its own arguments (`n_candidates`, `factor`).
"""

from __future__ import annotations

import os

from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
X, y = load_digits(return_X_y=True)
if QUICK:
    X, y = X[:400], y[:400]

param_grid = [
    {"kernel": ["linear"], "C": [0.1, 1.0]},
    {"kernel": ["rbf"], "C": [1.0, 10.0], "gamma": [1e-3, 1e-2]},
]
ref = GridSearchCV(SVC(), param_grid, cv=3).fit(X, y)
ours = SearchCV(SVC(), param_grid, cv=3).fit(X, y)  # the same line, another class
print(f"GridSearchCV: best {ref.best_params_} score {ref.best_score_:.4f}")
print(f"SearchCV:     best {ours.best_params_} score {ours.best_score_:.4f}")
assert ours.best_params_ == ref.best_params_ and ours.cv_results_["params"] == ref.cv_results_["params"]

dists = {"C": loguniform(1e-1, 1e2), "gamma": loguniform(1e-4, 1e-1)}
n_iter = 6 if QUICK else 20
ref = RandomizedSearchCV(SVC(), param_distributions=dists, n_iter=n_iter, cv=3, random_state=0).fit(X, y)
ours = SearchCV(SVC(), param_distributions=dists, n_iter=n_iter, cv=3, random_state=0).fit(X, y)
print(f"RandomizedSearchCV: best score {ref.best_score_:.4f}; SearchCV: {ours.best_score_:.4f} (same samples)")
assert ours.best_params_ == ref.best_params_

# The same space, searched by TPE with fold-wise pruning: what switching buys.
tpe = SearchCV(SVC(), param_distributions=dists, n_iter=n_iter, cv=3, random_state=0, strategy="tpe",
               pruning=True).fit(X, y)
states = list(tpe.cv_results_["state"])
print(f"SearchCV(strategy='tpe', pruning=True): best score {tpe.best_score_:.4f}, "
      f"{states.count('PRUNED')} of {len(states)} configurations stopped after their first folds")

# HalvingRandomSearchCV: strategy="halving" with scikit-learn's own halving arguments.
from sklearn.experimental import enable_halving_search_cv  # noqa: E402,F401
from sklearn.model_selection import HalvingRandomSearchCV  # noqa: E402

ref = HalvingRandomSearchCV(SVC(), dists, n_candidates=9, factor=3, cv=3, random_state=0).fit(X, y)
ours = SearchCV(SVC(), param_distributions=dists, strategy="halving", n_candidates=9, factor=3, cv=3,
                random_state=0).fit(X, y)
print(f"HalvingRandomSearchCV: candidates per round {list(ref.n_candidates_)}, resources {list(ref.n_resources_)}")
print(f"SearchCV(halving):     candidates per round {list(ours.n_candidates_)}, resources {list(ours.n_resources_)}")
assert list(ours.n_candidates_) == list(ref.n_candidates_) and list(ours.n_resources_) == list(ref.n_resources_)
