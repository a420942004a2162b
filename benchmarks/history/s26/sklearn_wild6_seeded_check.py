"""The seeded form of sklearn_wild6's two unseeded scripts, under scikit-learn and SearchCV side by side.

- xupt_randomized_sgd: RandomizedSearchCV(SGDClassifier(hinge, elasticnet), {'average': [True, False],
  'l1_ratio': uniform(0, 1), 'alpha': loguniform(1e-4, 1)}, n_iter=20) on digits, with random_state given to the
  search and to the classifier (seeds 0, 1, 2).
- ilcgift_halving_resource: its two HalvingGridSearchCV(SVC) calls on make_classification(n_samples=1000) with
  the data and the searches' subsampling seeded (random_state 0, 1, 2 for both) instead of unseeded.

Prints, per case and seed, whether the candidates, mean_test_score, rank_test_score, best_params_, best_index_
(and for halving n_resources_, n_candidates_, iter) are the same.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s26/sklearn_wild6_seeded_check.py
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.stats as stats
from scipy.stats import loguniform
from sklearn.datasets import load_digits, make_classification
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import HalvingGridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")


def same(a: object, b: object) -> bool:
    try:
        return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True))
    except (TypeError, ValueError):
        return a == b


def compare(label: str, sk: object, tw: object, extra: tuple[str, ...] = ()) -> None:
    r1, r2 = sk.cv_results_, tw.cv_results_  # type: ignore[attr-defined]
    checks = {
        "params": [str(p) for p in r1["params"]] == [str(p) for p in r2["params"]],
        "mean_test_score": same(r1["mean_test_score"], r2["mean_test_score"]),
        "rank_test_score": same(r1["rank_test_score"], r2["rank_test_score"]),
        "best_params_": sk.best_params_ == tw.best_params_,  # type: ignore[attr-defined]
        "best_index_": sk.best_index_ == tw.best_index_,  # type: ignore[attr-defined]
    }
    for key in extra:
        checks[key] = same(r1[key], r2[key]) if key in r1 else same(getattr(sk, key), getattr(tw, key))
    bad = [k for k, ok in checks.items() if not ok]
    print(f"{label}: {'same' if not bad else 'DIFFERENT: ' + ', '.join(bad)} (best_params_ {sk.best_params_})")  # type: ignore[attr-defined]


X, y = load_digits(return_X_y=True)
dist = {"average": [True, False], "l1_ratio": stats.uniform(0, 1), "alpha": loguniform(1e-4, 1e0)}
for seed in (0, 1, 2):
    clf = SGDClassifier(loss="hinge", penalty="elasticnet", fit_intercept=True, random_state=seed)
    sk = RandomizedSearchCV(clf, dist, n_iter=20, random_state=seed).fit(X, y)
    tw = SearchCV(clf, param_distributions=dist, n_iter=20, random_state=seed).fit(X, y)
    compare(f"xupt_randomized_sgd seed={seed}", sk, tw)

grid = {"kernel": ("linear", "rbf"), "C": [1, 10, 100]}
for seed in (0, 1, 2):
    Xc, yc = make_classification(n_samples=1000, random_state=seed)
    for kw in ({"min_resources": 20}, {"max_resources": 40, "aggressive_elimination": False}):
        sk = HalvingGridSearchCV(SVC(gamma="scale"), grid, cv=5, factor=2, random_state=seed, **kw).fit(Xc, yc)
        tw = SearchCV(
            SVC(gamma="scale"), param_grid=grid, strategy="halving", cv=5, factor=2, random_state=seed, **kw
        ).fit(Xc, yc)
        compare(
            f"ilcgift_halving {kw} data seed={seed}", sk, tw, ("iter", "n_resources", "n_resources_", "n_candidates_")
        )
