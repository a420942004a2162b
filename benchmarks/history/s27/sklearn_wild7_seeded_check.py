"""The batch's unseeded scripts, seeded (session 27, sklearn_wild7.md): the same searches with random_state given to
the search and the estimator (and to what draws inside the pipeline), scikit-learn's class vs SearchCV through the
migration guide's swap. Prints, per case and seed, whether candidates, every cv_results_ column (times left out),
best_params_, best_score_ and the halving attributes are the same.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s27/sklearn_wild7_seeded_check.py
"""

from __future__ import annotations

import warnings
from functools import partial

import numpy as np
from sklearn.datasets import load_diabetes, load_digits, load_wine
from sklearn.decomposition import NMF, PCA
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.model_selection import GridSearchCV, HalvingRandomSearchCV, KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, RobustScaler
from sklearn.svm import LinearSVC

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")
TIME = ("mean_fit_time", "std_fit_time", "mean_score_time", "std_score_time")


def same(a, b):
    diffs = []
    keys_a, keys_b = set(a.cv_results_), set(b.cv_results_)
    if keys_a != keys_b:
        diffs.append(f"keys {sorted(keys_a ^ keys_b)}")
    for k in sorted(keys_a & keys_b - set(TIME)):
        va, vb = a.cv_results_[k], b.cv_results_[k]
        if k == "params":
            ok = [repr(sorted(p.items())) for p in va] == [repr(sorted(p.items())) for p in vb]
        else:
            # a masked column (a parameter absent from some dicts) is compared by its mask and unmasked values:
            # the data under the mask is whatever each implementation left there
            ma, mb = np.ma.getmaskarray(va), np.ma.getmaskarray(vb)
            ok = np.array_equal(ma, mb) and np.array_equal(
                np.asarray(va, dtype=object)[~ma].astype(str), np.asarray(vb, dtype=object)[~mb].astype(str)
            )
        if not ok:
            diffs.append(k)
    for attr in ("best_params_", "best_score_", "n_resources_", "n_candidates_"):
        if hasattr(a, attr) and repr(getattr(a, attr)) != repr(getattr(b, attr)):
            diffs.append(attr)
    return "same" if not diffs else "differs: " + ", ".join(diffs[:6])


def halving(est, grids, X, y, cv, seed):
    a = HalvingRandomSearchCV(est, grids, cv=cv, random_state=seed).fit(X, y)
    b = SearchCV(est, param_distributions=grids, strategy="halving", cv=cv, random_state=seed).fit(X, y)
    return f"{len(a.cv_results_['params'])} rows, n_resources_ {a.n_resources_}: {same(a, b)}"


wine = load_wine()
x_train, _, y_train, _ = train_test_split(wine.data, wine.target, train_size=0.8, shuffle=True, random_state=120)
x_train = RobustScaler().fit(x_train).transform(x_train)
wine_grids = [
    {"n_estimators": [100, 200], "max_depth": [6, 8, 10, 12], "min_samples_split": [2, 3, 5, 10]},
    {"n_estimators": [100, 200], "min_samples_leaf": [3, 5, 7, 10], "min_samples_split": [2, 3, 5, 10]},
]
for seed in (0, 1):
    print(
        f"junginee_halving_list_wine seed {seed}: "
        + halving(
            RandomForestClassifier(random_state=seed),
            wine_grids,
            x_train,
            y_train,
            KFold(n_splits=5, shuffle=True, random_state=66),
            seed,
        ),
        flush=True,
    )

diabetes = load_diabetes()
xd, _, yd, _ = train_test_split(diabetes.data, diabetes.target, train_size=0.5, shuffle=True, random_state=666)
diabetes_grids = [
    {"n_estimators": [100, 200, 300, 400, 500], "max_depth": [6, 10, 12, 14, 16]},
    {"max_depth": [6, 8, 10, 12, 14], "min_samples_leaf": [3, 5, 7, 10, 12]},
    {"min_samples_leaf": [3, 5, 7, 10, 12], "min_samples_split": [2, 3, 5, 10, 12]},
    {"min_samples_split": [2, 3, 5, 10, 12]},
    {"n_jobs": [-1, 2, 4, 6], "min_samples_split": [2, 3, 5, 10, 12]},
]
for seed in (0,):
    print(
        f"junginee_halving_random_strat_reg seed {seed}: "
        + halving(
            RandomForestRegressor(n_estimators=20, random_state=seed),
            diabetes_grids,
            xd,
            yd,
            StratifiedKFold(n_splits=5, shuffle=True, random_state=66),
            seed,
        ),
        flush=True,
    )

X, y = load_digits(return_X_y=True)
pipe = Pipeline(
    [("scaling", MinMaxScaler()), ("reduce_dim", "passthrough"), ("classify", LinearSVC(dual=False, max_iter=10000))]
)
grid = [
    {
        "reduce_dim": [PCA(iterated_power=7, random_state=0), NMF(max_iter=1_000)],
        "reduce_dim__n_components": [2, 4, 8],
        "classify__C": [1, 10, 100, 1000],
    },
    {
        "reduce_dim": [SelectKBest(partial(mutual_info_classif, random_state=0))],
        "reduce_dim__k": [2, 4, 8],
        "classify__C": [1, 10, 100, 1000],
    },
]
a = GridSearchCV(pipe, grid, n_jobs=1).fit(X, y)
b = SearchCV(pipe, param_grid=grid, n_jobs=1).fit(X, y)
print(f"fypb_compare_reduction seeded (PCA random_state=0, mutual_info_classif random_state=0): {same(a, b)}")
