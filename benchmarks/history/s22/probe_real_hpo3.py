"""Issue 18, third probe of real model-tuning problems (session 22), written and committed before
any run of it.

Probes 1 and 2 (``../s19/probe_real_hpo*.py``) have been run and read, so they are dev data now. This
set, which nobody has seen, judges a change chosen on them and on the dev bbob split. Same protocol
and report as probe 1 (deterministic 3-fold CV losses, regret to the best loss any run reached,
floor 1e-3, seeds 0-9, budgets 30 / 60). Six other models, on scikit-learn generators with other
settings (no data set of the split or of probes 1-2):

  hgb-hastie        HistGradientBoostingClassifier (60 iterations) on make_hastie_10_2 (600 rows):
                    learning_rate (log), max_leaf_nodes 4-64 (log int), min_samples_leaf 2-50 (log
                    int), l2_regularization (log), max_features 0.3-1; log-loss
  knn-classif       KNeighborsClassifier on make_classification (500 rows, 12 features, 3 classes):
                    n_neighbors 1-60 (log int), weights in {uniform, distance}, p 1-3 (float,
                    Minkowski); log-loss (a 1-neighbour model's infinite loss is capped by sklearn)
  gbr-regression    GradientBoostingRegressor on make_regression (300 rows, 20 features, 6
                    informative, noise 20): learning_rate (log), n_estimators 20-150 (log int),
                    max_depth 1-6, subsample 0.5-1, min_samples_leaf 1-30 (log int); MSE of the
                    standardized target
  svc-circles       SVC on make_circles (400 rows, noise 0.2, factor 0.5): kernel in {rbf, poly,
                    sigmoid}, C (log), gamma (log), degree 2-5 only under poly, coef0 (-1, 1) only
                    under poly / sigmoid (conditional); 1 - ROC AUC
  rff-ridge         RBFSampler(n_components 20-500 log int, gamma log) + Ridge(alpha log) on
                    make_friedman3 (300 rows, noise 0.1); MSE of the standardized target
  tree-regression   DecisionTreeRegressor on make_regression (400 rows, 10 features, 4 informative,
                    noise 10): criterion in {squared_error, absolute_error}, max_depth 1-20,
                    min_samples_split 2-40 (log int), min_samples_leaf 1-20 (log int), ccp_alpha
                    (log 1e-5..1): a step-shaped objective

Methods: tw-default, optuna-tpe, optuna-gp, and ``tw-default+KEY=VAL[+KEY=VAL...]``: the default
sampler with those attributes of its GP set (the candidate, chosen on dev before this probe runs;
its string is in every row). Each method is run once; nothing here is tuned on.

    nice -n 10 .venv/bin/python benchmarks/history/s22/probe_real_hpo3.py --seeds 10 -j 2 \\
        --methods tw-default "tw-default+KEY=VAL" optuna-tpe optuna-gp --out probe_real_hpo3.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report probe_real_hpo3.jsonl
"""

from __future__ import annotations

import os
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
import probe_real_hpo as base  # noqa: E402
from probe_real_hpo import _cv  # noqa: E402


def _data3(name: str) -> Any:
    import numpy as np
    from sklearn import datasets

    if name not in base._DATA:
        if name == "hastie":
            X, y = datasets.make_hastie_10_2(n_samples=600, random_state=31)
        elif name == "classif3b":
            X, y = datasets.make_classification(n_samples=500, n_features=12, n_informative=6, n_redundant=2,
                                                n_classes=3, flip_y=0.05, class_sep=0.9, random_state=32)
            X = (X - X.mean(0)) / X.std(0)
        elif name == "regression20":
            X, y = datasets.make_regression(n_samples=300, n_features=20, n_informative=6, noise=20.0,
                                            random_state=33)
            y = (y - y.mean()) / y.std()
        elif name == "circles":
            X, y = datasets.make_circles(n_samples=400, noise=0.2, factor=0.5, random_state=34)
        elif name == "friedman3":
            X, y = datasets.make_friedman3(n_samples=300, noise=0.1, random_state=35)
            X = (X - X.mean(0)) / X.std(0)
            y = (y - y.mean()) / y.std()
        elif name == "regression10":
            X, y = datasets.make_regression(n_samples=400, n_features=10, n_informative=4, noise=10.0,
                                            random_state=36)
            y = (y - y.mean()) / y.std()
        else:  # pragma: no cover
            raise ValueError(name)
        base._DATA[name] = (np.asarray(X, dtype=float), y)
    return base._DATA[name]


def hgb_hastie(t: Any) -> float:
    from sklearn.ensemble import HistGradientBoostingClassifier

    _data3("hastie")
    m = HistGradientBoostingClassifier(
        max_iter=60, learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
        max_leaf_nodes=t.suggest_int("max_leaf_nodes", 4, 64, log=True),
        min_samples_leaf=t.suggest_int("min_samples_leaf", 2, 50, log=True),
        l2_regularization=t.suggest_float("l2_regularization", 1e-4, 10.0, log=True),
        max_features=t.suggest_float("max_features", 0.3, 1.0), early_stopping=False, random_state=0)
    return _cv(m, "hastie", "neg_log_loss", True)


def knn_classif(t: Any) -> float:
    from sklearn.neighbors import KNeighborsClassifier

    _data3("classif3b")
    m = KNeighborsClassifier(n_neighbors=t.suggest_int("n_neighbors", 1, 60, log=True),
                             weights=t.suggest_categorical("weights", ["uniform", "distance"]),
                             p=t.suggest_float("p", 1.0, 3.0))
    return _cv(m, "classif3b", "neg_log_loss", True)


def gbr_regression(t: Any) -> float:
    from sklearn.ensemble import GradientBoostingRegressor

    _data3("regression20")
    m = GradientBoostingRegressor(learning_rate=t.suggest_float("learning_rate", 1e-3, 1.0, log=True),
                                  n_estimators=t.suggest_int("n_estimators", 20, 150, log=True),
                                  max_depth=t.suggest_int("max_depth", 1, 6),
                                  subsample=t.suggest_float("subsample", 0.5, 1.0),
                                  min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 30, log=True),
                                  random_state=0)
    return _cv(m, "regression20", "neg_mean_squared_error", False)


def svc_circles(t: Any) -> float:
    from sklearn.svm import SVC

    _data3("circles")
    kernel = t.suggest_categorical("kernel", ["rbf", "poly", "sigmoid"])
    kw: dict[str, Any] = {"C": t.suggest_float("C", 1e-3, 1e3, log=True),
                          "gamma": t.suggest_float("gamma", 1e-3, 1e2, log=True)}
    if kernel == "poly":
        kw["degree"] = t.suggest_int("degree", 2, 5)
    if kernel in ("poly", "sigmoid"):
        kw["coef0"] = t.suggest_float("coef0", -1.0, 1.0)
    return _cv(SVC(kernel=kernel, max_iter=20000, **kw), "circles", "roc_auc", True)


def rff_ridge(t: Any) -> float:
    from sklearn.kernel_approximation import RBFSampler
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    _data3("friedman3")
    m = make_pipeline(RBFSampler(n_components=t.suggest_int("n_components", 20, 500, log=True),
                                 gamma=t.suggest_float("gamma", 1e-3, 10.0, log=True), random_state=0),
                      Ridge(alpha=t.suggest_float("alpha", 1e-6, 10.0, log=True)))
    return _cv(m, "friedman3", "neg_mean_squared_error", False)


def tree_regression(t: Any) -> float:
    from sklearn.tree import DecisionTreeRegressor

    _data3("regression10")
    m = DecisionTreeRegressor(criterion=t.suggest_categorical("criterion", ["squared_error", "absolute_error"]),
                              max_depth=t.suggest_int("max_depth", 1, 20),
                              min_samples_split=t.suggest_int("min_samples_split", 2, 40, log=True),
                              min_samples_leaf=t.suggest_int("min_samples_leaf", 1, 20, log=True),
                              ccp_alpha=t.suggest_float("ccp_alpha", 1e-5, 1.0, log=True), random_state=0)
    return _cv(m, "regression10", "neg_mean_squared_error", False)


PROBLEMS = {"hgb-hastie": hgb_hastie, "knn-classif": knn_classif, "gbr-regression": gbr_regression,
            "svc-circles": svc_circles, "rff-ridge": rff_ridge, "tree-regression": tree_regression}


def _parse(value: str) -> Any:
    for conv in (int, float):
        try:
            return conv(value)
        except ValueError:
            pass
    return {"True": True, "False": False, "None": None}.get(value, value)


def with_variants(make: Any) -> Any:
    """``make_study`` that also knows ``tw-default+KEY=VAL[+KEY=VAL...]`` (GP attributes set)."""

    def make_study(method: str, seed: int) -> Any:
        if not method.startswith("tw-default+"):
            return make(method, seed)
        import tunewise as tw

        tw.logging.set_verbosity(tw.logging.ERROR)
        sampler = tw.samplers.AutoSampler(seed=seed)
        gp = sampler._gp_sampler()
        for part in method.split("+")[1:]:
            key, _, value = part.partition("=")
            if not hasattr(gp, key):
                raise SystemExit(f"GPSampler has no attribute {key!r} ({method!r})")
            setattr(gp, key, _parse(value))
        return tw.create_study(sampler=sampler)

    return make_study


def main() -> None:
    base.PROBLEMS.clear()
    base.PROBLEMS.update(PROBLEMS)
    base.METHODS = ("tw-default", "optuna-tpe", "optuna-gp", "tw-random")
    base.make_study = with_variants(base.make_study)
    if "--problems" not in sys.argv:
        sys.argv += ["--problems", *PROBLEMS]
    base.main()


if __name__ == "__main__":
    main()
