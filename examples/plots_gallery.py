"""Every tunewise plot for one realistic study, written as HTML files under ./out/plots/.

An SGD classifier on scikit-learn's breast-cancer data, trained epoch by epoch with a
log-scaled learning rate, a categorical loss and a conditional parameter (l1_ratio only with
the elasticnet penalty). Trials that trail the median at an epoch are pruned; a few
configurations fail. Then each plot of ``tw.plots`` is saved; open them in a browser.

    .venv/bin/python examples/plots_gallery.py

CI runs it with ``TUNEWISE_EXAMPLE_QUICK=1``: 30 trials instead of 100 (pruning and failures still
happen) and the pages go to a temporary directory, removed at the end.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import tempfile
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
OUT = os.path.join("out", "plots")
if QUICK:  # the pages go to a temporary directory, removed when the example ends
    OUT = tempfile.mkdtemp(prefix="tunewise_plots_")
    atexit.register(shutil.rmtree, OUT, ignore_errors=True)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
EPOCHS = 10
curves: dict[int, list[float]] = {}  # step -> accuracies reported there (for the median rule)


def objective(trial: tw.Trial) -> float:
    alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
    eta0 = trial.suggest_float("eta0", 1e-4, 1.0, log=True)
    loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
    penalty = trial.suggest_categorical("penalty", ["l2", "elasticnet"])
    l1_ratio = trial.suggest_float("l1_ratio", 0.0, 1.0) if penalty == "elasticnet" else 0.15
    if eta0 > 0.5 and loss == "hinge":
        raise FloatingPointError("diverged: eta0 too large for hinge loss")  # recorded as FAILED
    clf = SGDClassifier(loss=loss, alpha=alpha, penalty=penalty, l1_ratio=l1_ratio, learning_rate="constant",
                        eta0=eta0, random_state=trial.number)
    acc = 0.0
    for epoch in range(EPOCHS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(X_train, y_train, classes=np.array([0, 1]))
        acc = float(clf.score(X_val, y_val))
        trial.report(acc, epoch)
        seen = curves.setdefault(epoch, [])
        # Median stopping rule (Golovin et al. 2017): stop a trial below the median of others.
        if epoch >= 4 and len(seen) >= 10 and acc < statistics.median(seen):
            seen.append(acc)
            raise tw.TrialPruned()
        seen.append(acc)
    return acc


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    study = tw.create_study(name="sgd-breast-cancer", direction="maximize",
                            sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=30 if QUICK else 100, catch=(FloatingPointError,))
    counts = {s.value: sum(t.state == s for t in study.trials) for s in tw.TrialState}
    print(f"{len(study.trials)} trials: {counts}; best accuracy {study.best_value:.3f} with {study.best_params}")

    importances = tw.importance.param_importances(study, evaluator="fanova", seed=0)
    print("fANOVA importance:", ", ".join(f"{k}={v:.2f}" for k, v in importances.items()))
    figures = {
        "optimization_history": tw.plots.optimization_history(study, target_name="Validation accuracy"),
        "param_importances": tw.plots.param_importances(study, importances=importances),
        "parallel_coordinate": tw.plots.parallel_coordinate(study),
        "contour": tw.plots.contour(study, params=["alpha", "eta0", "loss"]),
        "slice": tw.plots.slice(study),
        "intermediate_values": tw.plots.intermediate_values(study),
        "edf": tw.plots.edf(study),
        "rank": tw.plots.rank(study, params=["alpha", "eta0"]),  # optuna.visualization.plot_rank
        "timeline": tw.plots.timeline(study),
        "pbt_lineage": tw.plots.pbt_lineage(study),  # says "no PBT lineage" for this study
    }
    for name, fig in figures.items():
        # One shared plotly.min.js next to the pages: small files that open offline.
        path = os.path.join(OUT, f"{name}.html")
        fig.write_html(path, include_plotlyjs="directory", full_html=True)
        print("wrote", path)


if __name__ == "__main__":
    main()
