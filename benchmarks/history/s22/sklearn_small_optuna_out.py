"""What Optuna's OptunaSearchCV (optuna_integration 5.0.0 on Optuna 5.1) and tunewise's print and set
(s22 sklearn_small).

Run: PYTHONPATH=/tmp/s22sk/extra .venv/bin/python benchmarks/history/s22/sklearn_small_optuna_out.py optuna
     .venv/bin/python benchmarks/history/s22/sklearn_small_optuna_out.py tunewise
"""

import sys

from sklearn.datasets import load_iris
from sklearn.svm import SVC

X, y = load_iris(return_X_y=True)
if sys.argv[1] == "optuna":
    import optuna
    from optuna_integration import OptunaSearchCV
else:
    import tunewise as optuna
    from tunewise.integration import OptunaSearchCV
dist = {"C": optuna.distributions.FloatDistribution(1e-3, 1e3, log=True)}
s = OptunaSearchCV(SVC(gamma="auto"), dist, n_trials=3, random_state=0, verbose=2)
s.fit(X, y)
print("study_name:", s.study_.study_name)
print("best_index_", type(s.best_index_).__name__, "best_score_", type(s.best_score_).__name__)
print("n_trials_", s.n_trials_, "user_attrs_", s.user_attrs_)
print("cv_results_ keys", sorted(s.cv_results_))
print("cv_results_ value types", sorted({type(v).__name__ for v in s.cv_results_.values()}))
