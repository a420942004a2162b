"""s26: saketjha_heart_error_score's RandomizedSearchCV is unseeded, so its draws differ from run to run. The same
search seeded: RandomizedSearchCV and SearchCV with the same random_state over the script's own dict (a quarter of
its candidates, min_samples_split=1, fail in every fold: NaN scores and a FitFailedWarning), the script's forest
(RandomForestClassifier(random_state=42, max_leaf_nodes=127)), cv=3, n_iter=10, on scikit-learn's breast cancer
data, for 3 seeds: the same candidates, the same NaN candidates, the same scores and ranks, best_params_, and the
same count in the warning ("N fits failed out of a total of 30").

    PYTHONPATH=/tmp/s26s/after/src .venv/bin/python benchmarks/history/s26/sklearn_wild5_seeded_check.py
"""

import re
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import RandomizedSearchCV

from tunewise.integrations.sklearn import SearchCV

X, y = load_breast_cancer(return_X_y=True)
params = {"n_estimators": [100, 120, 130, 140, 150], "max_depth": [6, 8, 10],
          "criterion": ["gini", "entropy", "log_loss"], "min_samples_split": [0.5, 1, 2, 3]}


def run(cls, seed, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = cls(RandomForestClassifier(random_state=42, max_leaf_nodes=127), n_iter=10, cv=3, random_state=seed,
                **kw).fit(X, y)
    failed = sorted({m.group(0) for w in caught for m in [re.search(r"\d+ fits failed out of a total of \d+",
                                                                    str(w.message))] if m})
    return s, failed


for seed in range(3):
    a, fa = run(RandomizedSearchCV, seed, param_distributions=params)
    b, fb = run(SearchCV, seed, param_distributions=params)
    ra, rb = a.cv_results_, b.cv_results_
    same = {
        "params": ra["params"] == rb["params"],
        "nan": np.array_equal(np.isnan(ra["mean_test_score"]), np.isnan(rb["mean_test_score"])),
        "mean_test_score": np.allclose(ra["mean_test_score"], rb["mean_test_score"], equal_nan=True, rtol=0,
                                       atol=1e-12),
        "rank_test_score": list(ra["rank_test_score"]) == list(rb["rank_test_score"]),
        "best_params_": a.best_params_ == b.best_params_,
        "warning": fa == fb,
    }
    print(f"seed {seed}: NaN candidates {int(np.isnan(ra['mean_test_score']).sum())}, warning {fa}; "
          + ", ".join(f"{k} {'SAME' if v else 'DIFF'}" for k, v in same.items()))
