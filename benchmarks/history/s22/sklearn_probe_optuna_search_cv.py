"""Probe: Optuna's OptunaSearchCV (optuna_integration, from --target /tmp/s22sk/extra) against tunewise's,
attribute by attribute (s22 sklearn_wild2.md).

    .venv/bin/python benchmarks/history/s22/sklearn_probe_optuna_search_cv.py
"""

import contextlib
import io
import pickle
import sys
import warnings

sys.path.insert(0, "/tmp/s22sk/extra")
import numpy as np  # noqa: E402

warnings.simplefilter("ignore")
import optuna  # noqa: E402
from optuna_integration import OptunaSearchCV as OO  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

import tunewise  # noqa: E402
from tunewise.integration import OptunaSearchCV as TO  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
X, y = load_iris(return_X_y=True)


def dists(mod):
    return {
        "C": mod.distributions.FloatDistribution(1e-3, 1e3, log=True),
        "degree": mod.distributions.IntDistribution(1, 5),
    }


cases = {
    "basic": lambda C, m: C(SVC(gamma="auto"), dists(m), n_trials=8, random_state=0),
    "train_score": lambda C, m: C(
        SVC(gamma="auto"), dists(m), n_trials=5, return_train_score=True, random_state=0, scoring="accuracy", cv=3
    ),
    "refit_false": lambda C, m: C(SVC(gamma="auto"), dists(m), n_trials=5, refit=False, random_state=0),
    "error_score": lambda C, m: C(
        SVC(gamma="auto"),
        {"C": m.distributions.FloatDistribution(-1, 1)},
        n_trials=5,
        error_score=np.nan,
        random_state=0,
    ),
    "pruning": lambda C, m: C(
        SGDClassifier(),
        {"alpha": m.distributions.FloatDistribution(1e-5, 1e-1, log=True)},
        n_trials=5,
        enable_pruning=True,
        max_iter=5,
        random_state=0,
    ),
    "subsample": lambda C, m: C(SVC(gamma="auto"), dists(m), n_trials=5, subsample=0.5, random_state=0),
}


def summ(s):
    r = {}
    for a in (
        "best_params_",
        "best_index_",
        "best_score_",
        "n_trials_",
        "user_attrs_",
        "n_splits_",
        "classes_",
        "scorer_",
    ):
        try:
            v = getattr(s, a)
            r[a] = type(v).__name__ + (":" + ",".join(sorted(v)) if isinstance(v, dict) else "")
        except Exception as e:
            r[a] = f"<{type(e).__name__}>"
    try:
        r["cv_results_"] = sorted(s.cv_results_)
    except Exception as e:
        r["cv_results_"] = f"<{type(e).__name__}>"
    try:
        r["tdf"] = sorted(s.trials_dataframe().columns)
    except Exception as e:
        r["tdf"] = f"<{type(e).__name__}: {e}>"
    try:
        r["best_trial_"] = type(s.best_trial_).__name__ + str(sorted(s.best_trial_.params))
    except Exception as e:
        r["best_trial_"] = f"<{type(e).__name__}>"
    try:
        r["trials_"] = len(s.trials_)
    except Exception as e:
        r["trials_"] = f"<{type(e).__name__}>"
    try:
        r["predict"] = s.predict(X[:3]).tolist()
    except Exception as e:
        r["predict"] = f"<{type(e).__name__}>"
    try:
        r["clone"] = sorted(clone(s).get_params(deep=False))
    except Exception as e:
        r["clone"] = f"<{type(e).__name__}: {e}>"
    try:
        pickle.dumps(s)
        r["pickle"] = "ok"
    except Exception as e:
        r["pickle"] = f"<{type(e).__name__}: {e}>"[:120]
    return r


for name, f in cases.items():
    out = []
    for C, m in ((OO, optuna), (TO, tunewise)):
        try:
            s = f(C, m)
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                s.fit(X, y)
            out.append(summ(s))
        except Exception as e:
            out.append({"error": f"{type(e).__name__}: {str(e)[:200]}"})
    a, b = out
    d = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
    print("==", name, "SAME" if not d else "DIFF")
    for k, (u, v) in d.items():
        print("  ", k, "\n     op:", u, "\n     tw:", v)
