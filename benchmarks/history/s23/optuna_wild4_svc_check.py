"""Why onkar_breast_cancer_grid times out under tunewise: the three SVC settings its objective can
draw, timed on its own split (breast_cancer, unscaled).

    timeout 90 .venv/bin/python benchmarks/history/s23/optuna_wild4_svc_check.py
"""

import time

from sklearn import datasets
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.svm import SVC

d = datasets.load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(d.data, d.target, test_size=0.3, random_state=42)
for kernel, gamma, C in [("rbf", "scale", 1.0), ("linear", "scale", 14.0), ("poly", "auto", 1.0)]:
    t = time.time()
    cross_val_score(SVC(C=C, kernel=kernel, gamma=gamma, random_state=42), X_train, y_train, cv=3, scoring="accuracy")
    print(kernel, gamma, C, round(time.time() - t, 1), "s", flush=True)
