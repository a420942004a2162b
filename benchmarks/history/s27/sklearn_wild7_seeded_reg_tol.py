"""s27 sklearn_wild7: the seeded stratified-regression halving search, scikit-learn vs SearchCV, within a tolerance
(the strict check differs only in rows whose candidate sets RandomForestRegressor n_jobs > 1: threaded sums).

    PYTHONPATH=src .venv/bin/python benchmarks/history/s27/sklearn_wild7_seeded_reg_tol.py
"""

import warnings

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestRegressor
from sklearn.experimental import enable_halving_search_cv  # noqa
from sklearn.model_selection import HalvingRandomSearchCV, StratifiedKFold, train_test_split

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")

d = load_diabetes()
xd, _, yd, _ = train_test_split(d.data, d.target, train_size=0.5, shuffle=True, random_state=666)
grids = [
    {"n_estimators": [100, 200, 300, 400, 500], "max_depth": [6, 10, 12, 14, 16]},
    {"max_depth": [6, 8, 10, 12, 14], "min_samples_leaf": [3, 5, 7, 10, 12]},
    {"min_samples_leaf": [3, 5, 7, 10, 12], "min_samples_split": [2, 3, 5, 10, 12]},
    {"min_samples_split": [2, 3, 5, 10, 12]},
    {"n_jobs": [-1, 2, 4, 6], "min_samples_split": [2, 3, 5, 10, 12]},
]
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=66)
est = RandomForestRegressor(n_estimators=20, random_state=0)
a = HalvingRandomSearchCV(est, grids, cv=cv, random_state=0).fit(xd, yd)
b = SearchCV(est, param_distributions=grids, strategy="halving", cv=cv, random_state=0).fit(xd, yd)
print("params same:", a.cv_results_["params"] == b.cv_results_["params"])
for k in sorted(a.cv_results_):
    if "score" in k and "time" not in k and k.startswith(("split", "mean")):
        va, vb = np.asarray(a.cv_results_[k], float), np.asarray(b.cv_results_[k], float)
        print(
            k,
            "nan positions equal:",
            bool((np.isnan(va) == np.isnan(vb)).all()),
            "n nan",
            int(np.isnan(va).sum()),
            "allclose 1e-12:",
            bool(np.allclose(va, vb, rtol=0, atol=1e-12, equal_nan=True)),
        )
        dif = np.abs(va - vb)
        bad = np.nonzero(dif > 0)[0]
        if len(bad):
            print(
                k,
                "max",
                dif.max(),
                "rows",
                bad.tolist()[:8],
                "n_jobs in those rows:",
                [a.cv_results_["params"][i].get("n_jobs") for i in bad[:8]],
            )
print("best same:", a.best_params_ == b.best_params_, a.best_score_ - b.best_score_)
