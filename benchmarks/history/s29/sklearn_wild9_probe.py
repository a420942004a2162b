"""The brief's SearchCV surfaces that this batch's scripts reach little or not at all, scikit-learn's class vs SearchCV
built by the migration guide's swap (session 29). Session 27's probe machinery (``../s27/sklearn_wild7_probe.py``:
fit both, compare best_*, every cv_results_ column but times as a DataFrame (values and dtypes), fitted attributes,
prediction methods, a joblib round trip) is read from that file (its cases are not run); this file adds
HalvingRandomSearchCV and a stdout comparison for ``verbose``. One line per case: same / differs (what) / same
exception.

    PYTHONPATH=src .venv/bin/python benchmarks/history/s29/sklearn_wild9_probe.py
"""

# ruff: noqa: F821, E501 - case, sk, tw, SVC, ... come from the exec of s27's probe head below
from __future__ import annotations

import contextlib
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
_head = (HERE.parent / "s27" / "sklearn_wild7_probe.py").read_text().split("\nXi, yi = load_iris(")[0]
exec(compile(_head, "sklearn_wild7_probe.py", "exec"))  # noqa: S102 - our own harness's functions, no cases

from scipy.stats import loguniform, randint, uniform  # noqa: E402
from sklearn.compose import make_column_selector  # noqa: E402
from sklearn.datasets import load_diabetes, make_classification  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.metrics import mean_squared_error  # noqa: E402
from sklearn.model_selection import HalvingRandomSearchCV, TunedThresholdClassifierCV  # noqa: E402
from sklearn.preprocessing import PolynomialFeatures  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

warnings.filterwarnings("ignore")
_tw0, _sk0 = tw, sk


def tw(kind, est, space, **kw):  # noqa: F811 - s27's, plus HalvingRandomSearchCV's swap
    if kind == "halving_random":
        return SearchCV(est, param_distributions=space, strategy="halving", **kw)
    return _tw0(kind, est, space, **kw)


def sk(kind, est, space, **kw):  # noqa: F811
    if kind == "halving_random":
        return HalvingRandomSearchCV(est, space, **kw)
    return _sk0(kind, est, space, **kw)


Xi, yi = load_iris(return_X_y=True)
Xb, yb = load_breast_cancer(return_X_y=True)
Xb = StandardScaler().fit_transform(Xb)  # SVC with a poly kernel and C up to 100 on the raw features runs for minutes
Xr, yr = load_diabetes(return_X_y=True)

# ---- RandomizedSearchCV: scipy.stats distributions, n_iter larger than a grid of lists, lists of dicts -------
Y_TEST = yb
case("random_lists_n_iter_above_grid", "random", DecisionTreeClassifier(random_state=0),
     {"max_depth": [2, 4, 8], "criterion": ["gini", "entropy"]}, Xb, yb, Xb, n_iter=20, random_state=0, cv=3)
case("random_scipy_loc_scale_randint_loguniform", "random", SVC(),
     {"C": loguniform(1e-2, 1e2), "gamma": uniform(loc=1e-4, scale=1e-2), "degree": randint(2, 5),
      "kernel": ["rbf", "poly"]}, Xb, yb, Xb, n_iter=25, random_state=0, cv=3)
case("random_list_of_dicts_n_iter", "random", SVC(),
     [{"kernel": ["linear"], "C": loguniform(1e-2, 1e1)}, {"kernel": ["rbf"], "C": [1, 10], "gamma": uniform(0, 0.01)}],
     Xb, yb, Xb, n_iter=10, random_state=0, cv=3)
Y_TEST = yr
case("random_neg_mse_make_scorer_ridge", "random", Ridge(), {"alpha": loguniform(1e-4, 1e2)}, Xr, yr, Xr,
     n_iter=12, random_state=1, cv=4, scoring=make_scorer(mean_squared_error, greater_is_better=False))
case("grid_neg_mse_make_scorer_refit_false", "grid", Ridge(), {"alpha": [0.01, 0.1, 1.0, 10.0]}, Xr, yr, Xr,
     cv=4, scoring={"mse": make_scorer(mean_squared_error, greater_is_better=False), "r2": "r2"}, refit=False)

# ---- HalvingRandomSearchCV: factor, min_resources='exhaust', n_candidates, on a ColumnTransformer pipeline ------
Y_TEST = yb
case("halving_random_exhaust_factor2", "halving_random", RandomForestClassifier(n_estimators=10, random_state=0),
     {"max_depth": [3, None], "max_features": randint(1, 11), "min_samples_split": randint(2, 11)}, Xb, yb, Xb,
     factor=2, min_resources="exhaust", n_candidates=12, random_state=0, cv=3)
case("halving_random_n_candidates_exhaust", "halving_random", SVC(), {"C": loguniform(1e-2, 1e2)}, Xb, yb, Xb,
     n_candidates="exhaust", min_resources=40, factor=3, random_state=0, cv=3)
frame = pd.DataFrame(Xb[:, :6], columns=[f"f{i}" for i in range(6)])
frame["cat"] = pd.Categorical(np.where(yb == 1, "a", "b"))
frame.loc[::7, "f0"] = np.nan
frame["cat"] = frame["cat"].cat.add_categories(["c"])
frame.loc[::5, "cat"] = "c"
pre = ColumnTransformer([
    ("num", Pipeline([("imputer", SimpleImputer()), ("poly", PolynomialFeatures()), ("scaler", StandardScaler())]),
     make_column_selector(dtype_include="number")),
    ("cat", OneHotEncoder(handle_unknown="ignore"), ["cat"]),
])
deep = Pipeline([("preprocessor", pre), ("clf", LogisticRegression(max_iter=2000))])
case("halving_random_column_transformer_deep_names", "halving_random", deep,
     {"preprocessor__num__imputer__strategy": ["mean", "median"], "preprocessor__num__poly__degree": [1, 2],
      "clf__C": loguniform(1e-2, 1e1)}, frame, yb, frame, factor=3, min_resources="exhaust", n_candidates=9,
     random_state=0, cv=3)
case("grid_column_transformer_deep_names", "grid", deep,
     {"preprocessor__num__imputer__strategy": ["mean", "median"], "preprocessor__num__poly__degree": [1, 2],
      "clf__C": [0.1, 1.0]}, frame, yb, frame, cv=3)

# ---- TunedThresholdClassifierCV: the search inside it, and it inside the search --------------------------------
Xc, yc = make_classification(n_samples=400, weights=[0.8, 0.2], random_state=0)
Y_TEST = yc
case("search_over_tuned_threshold", "grid", TunedThresholdClassifierCV(LogisticRegression(), cv=3, random_state=0),
     {"estimator__C": [0.01, 0.1, 1.0]}, Xc, yc, Xc, cv=3, scoring="balanced_accuracy")


def tuned_outer(build):
    inner = build("grid", LogisticRegression(), {"C": [0.01, 0.1, 1.0]}, cv=3)
    t = TunedThresholdClassifierCV(inner, scoring="f1", cv=3, random_state=0).fit(Xc, yc)
    return {"best_threshold_": repr(round(float(t.best_threshold_), 10)), "best_score_": repr(round(float(t.best_score_), 10)),
            "predict": repr(t.predict(Xc).tolist()), "inner_best": repr(t.estimator_.best_params_)}


def compare(name, fn):
    out = []
    for build in (sk, tw):
        try:
            out.append(("ok", fn(build)))
        except Exception as e:  # noqa: BLE001
            out.append(("error", f"{type(e).__name__}: {str(e)[:150]}"))
    (a_st, a), (b_st, b) = out
    if a_st == b_st == "ok":
        bad = [k for k in a if a[k] != b.get(k)]
        verdict = "same" if not bad else "differs: " + "; ".join(f"{k}: {str(a[k])[:120]} vs {str(b.get(k))[:120]}" for k in bad)
    elif a_st == b_st:
        verdict = "same exception" if a.split(":")[0] == b.split(":")[0] else f"differs: {a} | {b}"
    else:
        verdict = f"differs: scikit-learn {a_st} {a if a_st == 'error' else ''} | SearchCV {b_st} {b if b_st == 'error' else ''}"
    print(f"{name}: {verdict}", flush=True)


compare("tuned_threshold_over_search", tuned_outer)


# ---- verbose: what the search prints (times stripped) -----------------------------------------------------------
def _printed(kind, verbose, space, **kw):
    def fn(build):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            build(kind, SVC(), space, verbose=verbose, **kw).fit(Xi, yi)
        text = re.sub(r"total time=\s*[\d.]+m?s", "total time=<t>", buf.getvalue())
        text = re.sub(r"[\d.]+s\b", "<t>s", text)
        return {"lines": text.splitlines()}
    return fn


for v in (1, 2, 3):
    compare(f"grid_verbose_{v}", _printed("grid", v, {"C": [0.1, 1.0], "kernel": ["linear", "rbf"]}, cv=3))
compare("random_verbose_3", _printed("random", 3, {"C": loguniform(1e-1, 1e1)}, n_iter=3, random_state=0, cv=3))
compare("halving_verbose_1", _printed("halving", 1, {"C": [0.1, 1, 10, 100], "gamma": [0.01, 0.1]}, cv=3, factor=2,
                                      random_state=0))
