"""Meta-features: a numeric description of a data set, used to find similar earlier tasks.

Simple, general and landmarker features in the sense of Brazdil et al., "Metalearning:
Applications to Automatic Machine Learning" (2nd ed., 2022, ch. 4) and Pfahringer et al. (2000),
"Meta-learning by landmarking various learning algorithms": the cross-validated score of a very
cheap learner (a decision stump, 1-nearest-neighbour) locates a task in "difficulty space" better
than its raw size does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["compute_meta_features"]

_MAX_LANDMARK_ROWS = 2000  # landmarkers on a subsample keep this well under a second


def _is_classification(y: np.ndarray) -> bool:
    if y.dtype.kind in "OUSb":
        return True
    if y.dtype.kind in "iu":
        return len(np.unique(y)) <= max(20, int(0.05 * len(y)))
    if y.dtype.kind == "f":
        finite = y[np.isfinite(y)]
        return bool(np.all(finite == np.round(finite))) and len(np.unique(finite)) <= 20
    return False


def _as_frame_columns(X: Any) -> tuple[np.ndarray, np.ndarray]:
    """(numeric matrix with categoricals ordinal-encoded, boolean mask of categorical columns)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a core dependency of the sklearn extra
        pd = None
    if pd is not None and isinstance(X, pd.DataFrame):
        cols = []
        flags: list[bool] = []
        for c in X.columns:
            s = X[c]
            if isinstance(s.dtype, pd.CategoricalDtype) or s.dtype.kind in "OUSb":
                codes, _ = pd.factorize(s.astype("object"), use_na_sentinel=True)
                cols.append(codes.astype(float))
                flags.append(True)
            else:
                cols.append(pd.to_numeric(s, errors="coerce").to_numpy(dtype=float))
                flags.append(False)
        return np.column_stack(cols) if cols else np.empty((len(X), 0)), np.array(flags, dtype=bool)
    arr = np.asarray(X)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"X must be 2-dimensional (rows x features), got shape {arr.shape}")
    if arr.dtype.kind in "OUS":
        out = np.empty(arr.shape, dtype=float)
        cat = np.zeros(arr.shape[1], dtype=bool)
        for j in range(arr.shape[1]):
            try:
                out[:, j] = arr[:, j].astype(float)
            except (TypeError, ValueError):
                _, codes = np.unique(arr[:, j].astype(str), return_inverse=True)
                out[:, j] = codes
                cat[j] = True
        return out, cat
    arr = arr.astype(float)
    # A numeric column of a handful of integer codes is treated as categorical (e.g. one-hot / label-encoded).
    cat = np.zeros(arr.shape[1], dtype=bool)
    for j in range(arr.shape[1]):
        col = arr[:, j][np.isfinite(arr[:, j])]
        if col.size and np.all(col == np.round(col)) and len(np.unique(col)) <= 2:
            cat[j] = True
    return arr, cat


def compute_meta_features(X: Any, y: Any, *, landmarkers: bool = True, seed: int = 0) -> dict[str, float]:
    """Describe a supervised data set by numbers comparable across tasks.

    Returns ``n_rows``, ``n_features``, ``n_classes`` (0 for regression), ``class_imbalance``
    (1 - smallest class share / largest class share; 0 when balanced or for regression),
    ``class_entropy`` (normalized, 1 = balanced), ``categorical_share`` (columns that are
    categorical/string, or binary 0/1), ``missing_share``, and with ``landmarkers`` the 3-fold
    cross-validated score (accuracy, or R^2 for regression) of a decision stump
    (``landmark_stump``) and of 1-nearest-neighbour on standardized features (``landmark_1nn``).
    The landmarkers use at most 2,000 rows.

    >>> from sklearn.datasets import load_iris
    >>> mf = compute_meta_features(*load_iris(return_X_y=True))
    >>> mf["n_rows"], mf["n_features"], mf["n_classes"]
    (150.0, 4.0, 3.0)
    >>> 0.5 < mf["landmark_1nn"] <= 1.0
    True
    """
    Xm, cat = _as_frame_columns(X)
    yv = np.asarray(y)
    if yv.ndim == 2 and yv.shape[1] == 1:
        yv = yv[:, 0]
    if yv.ndim != 1:
        raise ValueError(f"y must be 1-dimensional (one target per row), got shape {yv.shape}")
    if len(yv) != len(Xm):
        raise ValueError(f"X and y must have the same number of rows, got {len(Xm)} and {len(yv)}")
    if len(yv) < 2:
        raise ValueError(f"meta-features need at least 2 rows, got {len(yv)}")
    n, d = Xm.shape
    clf = _is_classification(yv)
    out: dict[str, float] = {
        "n_rows": float(n),
        "n_features": float(d),
        "categorical_share": float(cat.mean()) if d else 0.0,
        "missing_share": float(np.mean(~np.isfinite(Xm))) if Xm.size else 0.0,
    }
    if clf:
        _, counts = np.unique(yv.astype(str) if yv.dtype.kind == "O" else yv, return_counts=True)
        k = len(counts)
        p = counts / counts.sum()
        out["n_classes"] = float(k)
        out["class_imbalance"] = float(1.0 - counts.min() / counts.max())
        out["class_entropy"] = float(-(p * np.log(p)).sum() / math.log(k)) if k > 1 else 0.0
    else:
        out["n_classes"] = 0.0
        out["class_imbalance"] = 0.0
        out["class_entropy"] = 0.0
    if landmarkers and d > 0:
        out.update(_landmarkers(Xm, yv, clf, seed))
    return out


def _landmarkers(X: np.ndarray, y: np.ndarray, clf: bool, seed: int) -> dict[str, float]:
    try:
        from sklearn.impute import SimpleImputer
        from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
        from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            'landmarker meta-features need scikit-learn: pip install "tunewise[sklearn]" '
            "(or pass landmarkers=False)"
        ) from e
    rng = np.random.default_rng(seed)
    if len(y) > _MAX_LANDMARK_ROWS:
        idx = rng.choice(len(y), _MAX_LANDMARK_ROWS, replace=False)
        X, y = X[idx], y[idx]
    X = np.where(np.isfinite(X), X, np.nan)
    if clf:
        _, counts = np.unique(y, return_counts=True)
        folds = int(min(3, counts.min())) if counts.min() >= 2 else 0
        cv: Any = StratifiedKFold(folds, shuffle=True, random_state=seed) if folds >= 2 else None
        stump: Any = DecisionTreeClassifier(max_depth=1, random_state=seed)
        nn: Any = KNeighborsClassifier(n_neighbors=1)
    else:
        cv = KFold(3, shuffle=True, random_state=seed) if len(y) >= 6 else None
        stump = DecisionTreeRegressor(max_depth=1, random_state=seed)
        nn = KNeighborsRegressor(n_neighbors=1)
    if cv is None:
        return {}
    out = {}
    for name, model in (("landmark_stump", stump), ("landmark_1nn", nn)):
        pipe = make_pipeline(SimpleImputer(), StandardScaler(), model)
        scores = cross_val_score(pipe, X, y, cv=cv)
        # R^2 can be hugely negative for a bad regressor; clip so one feature cannot dominate distances.
        out[name] = float(np.clip(np.mean(scores), -1.0, 1.0))
    return out
