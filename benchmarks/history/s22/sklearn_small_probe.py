"""best_* attributes of GridSearchCV / RandomizedSearchCV against SearchCV, for each kind of refit
(s22 sklearn_small).

Run: .venv/bin/python benchmarks/history/s22/sklearn_small_probe.py
(PYTHONPATH=<src of another commit> for a before run)
Prints one line per (case, search, attribute): SAME or DIFF, scikit-learn's value (or AttributeError) and SearchCV's.
"""

import warnings

from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC

from tunewise.integrations.sklearn import SearchCV

warnings.simplefilter("ignore")
X, y = load_iris(return_X_y=True)
GRID = {"C": [0.1, 1, 10]}
TWO = {"acc": "accuracy", "f1": "f1_macro"}


def pick_last(res):
    return len(res["params"]) - 1


CASES = {
    "single_false": {"refit": False},
    "single_true": {"refit": True},
    "multi_false": {"scoring": TWO, "refit": False},
    "multi_list_false": {"scoring": ["accuracy", "f1_macro"], "refit": False},
    "multi_str": {"scoring": TWO, "refit": "f1"},
    "single_callable": {"refit": pick_last},
    "multi_callable": {"scoring": TWO, "refit": pick_last},
}


def show(search, attr, sk_name):
    try:
        value = getattr(search, attr)
    except AttributeError as error:
        return f"AttributeError: {error}".replace("'SearchCV'", f"'{sk_name}'")
    if attr == "refit_time_":
        return type(value).__name__  # a wall time: only its type is compared
    return f"{type(value).__name__} {value!r}"[:60]


for name, kw in CASES.items():
    for kind in ("grid", "random"):
        if kind == "grid":
            sk_name = "GridSearchCV"
            sk = GridSearchCV(SVC(), param_grid=GRID, cv=3, **kw).fit(X, y)
            tw = SearchCV(SVC(), param_grid=GRID, cv=3, **kw).fit(X, y)
        else:
            sk_name = "RandomizedSearchCV"
            sk = RandomizedSearchCV(SVC(), param_distributions=GRID, n_iter=2, cv=3, random_state=0, **kw).fit(X, y)
            tw = SearchCV(SVC(), param_distributions=GRID, n_iter=2, cv=3, random_state=0, **kw).fit(X, y)
        for attr in ("best_params_", "best_index_", "best_score_", "best_estimator_", "refit_time_"):
            s1, s2 = show(sk, attr, sk_name), show(tw, attr, sk_name)
            print(f"{name:17s} {kind:6s} {attr:16s} {'SAME' if s1 == s2 else 'DIFF'} | sk: {s1} | tw: {s2}")
