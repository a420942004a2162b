"""s25: cv_results_'s param_ columns follow the order in which the drawn candidates first name them, under
scikit-learn and SearchCV alike (onlydj_random_rf_wine's "key order differs" is its unseeded draw). Seeded
RandomizedSearchCV over a list of three grids against SearchCV with the same random_state: same candidates,
same column order, for 4 seeds; the order itself changes with the seed.

    PYTHONPATH=/tmp/s25/after/src .venv/bin/python benchmarks/history/s25/sklearn_wild4_key_order_check.py
"""

import warnings

from sklearn.datasets import load_iris
from sklearn.model_selection import RandomizedSearchCV
from sklearn.tree import DecisionTreeClassifier

from tunewise.integrations.sklearn import SearchCV

warnings.filterwarnings("ignore")
X, y = load_iris(return_X_y=True)
grids = [{"max_depth": [2, 3], "min_samples_leaf": [1, 2]},
         {"min_samples_split": [2, 3, 4, 5], "min_impurity_decrease": [0.0, 0.1]},
         {"criterion": ["gini", "entropy"]}]
for seed in range(4):
    a = RandomizedSearchCV(DecisionTreeClassifier(random_state=0), grids, n_iter=5, cv=2, random_state=seed).fit(X, y)
    b = SearchCV(DecisionTreeClassifier(random_state=0), param_distributions=grids, n_iter=5, cv=2,
                 random_state=seed).fit(X, y)
    ka = [k for k in a.cv_results_ if k.startswith("param_")]
    kb = [k for k in b.cv_results_ if k.startswith("param_")]
    print(seed, "order", ka, "SAME" if ka == kb else f"DIFF {kb}",
          "params SAME" if a.cv_results_["params"] == b.cv_results_["params"] else "params DIFF")
