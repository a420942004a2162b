"""s27 sklearn_wild7: compare-reduction seeded (PCA, mutual_info_classif), scikit-learn run twice and SearchCV once:
which rows differ. NMF(init=None) is nndsvda over a randomized SVD without random_state.

    PYTHONPATH=src OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/history/s27/sklearn_wild7_compare_reduction_rows.py
"""

import warnings
from functools import partial

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import NMF, PCA
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.svm import LinearSVC

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")

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
a = GridSearchCV(pipe, grid).fit(X, y)
a2 = GridSearchCV(pipe, grid).fit(X, y)
b = SearchCV(pipe, param_grid=grid).fit(X, y)
for name, other in (("sklearn again", a2), ("SearchCV", b)):
    for k in ("split0_test_score", "split1_test_score", "split2_test_score", "split3_test_score", "split4_test_score"):
        va, vb = a.cv_results_[k], other.cv_results_[k]
        d = np.abs(va - vb)
        rows = np.nonzero(d > 0)[0]
        if len(rows):
            print(
                name,
                k,
                "max",
                d.max(),
                "rows",
                [
                    (
                        int(r),
                        type(a.cv_results_["params"][r]["reduce_dim"]).__name__,
                        a.cv_results_["params"][r].get("reduce_dim__n_components"),
                        a.cv_results_["params"][r]["classify__C"],
                    )
                    for r in rows
                ],
            )
    print(
        name,
        "params same:",
        [repr(p) for p in a.cv_results_["params"]] == [repr(p) for p in other.cv_results_["params"]],
        "best:",
        a.best_params_ == other.best_params_ if name else None,
    )
