"""Population-based training (Jaderberg et al. 2017) of SGD classifiers on digits.

Six members train for 16 epochs. Every 4 epochs the bottom quarter copies the checkpoint
(weights) and hyperparameters of a random top-quarter member (exploit) and perturbs them by
x0.8 / x1.2 or resamples them (explore). Each member continues as a new trial ("segment") whose
``trial.load_checkpoint()`` returns the checkpoint it was handed; ``tw.schedulers.lineage``
lists who cloned whom at which step. Compare with random search at the same compute.

    .venv/bin/python examples/pbt_sgd_digits.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import tunewise as tw

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=800, test_size=500, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
CLASSES = np.unique(y)
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
EPOCHS, POPULATION, INTERVAL = (16, 6, 4) if not QUICK else (8, 4, 2)


def objective(trial: tw.Trial) -> float:
    clf = SGDClassifier(loss="hinge", learning_rate="constant", random_state=0,
                        alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
                        eta0=trial.suggest_float("eta0", 1e-5, 1.0, log=True))
    state = trial.load_checkpoint()  # None for a fresh member; else its own or a donor's
    start = 0
    if state is not None:
        clf.classes_, clf.coef_, clf.intercept_, clf.t_ = CLASSES, state["coef"], state["intercept"], state["t"]
        start = state["epoch"]
    acc = 0.0
    for epoch in range(start + 1, EPOCHS + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(X_train, y_train, classes=CLASSES)
        acc = clf.score(X_val, y_val)
        trial.report(acc, epoch)
        trial.save_checkpoint({"epoch": epoch, "coef": clf.coef_, "intercept": clf.intercept_, "t": float(clf.t_)})
        if trial.should_prune():  # end of a generation: the scheduler queues the continuation
            raise tw.TrialPruned()
    return acc


def main() -> None:
    ckpt = tempfile.mkdtemp(prefix="tw-pbt-")
    pbt = tw.schedulers.PBTScheduler(perturbation_interval=INTERVAL, population_size=POPULATION,
                                     quantile_fraction=0.25, resample_probability=0.25, max_step=EPOCHS,
                                     seed=0, checkpoint_dir=ckpt)
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0), scheduler=pbt)
    study.optimize(objective, n_trials=POPULATION * (EPOCHS // INTERVAL))
    best_pbt = max(max(t.intermediate_values.values()) for t in study.trials if t.intermediate_values)
    for row in tw.schedulers.lineage(study):
        if row["donor"] is not None:
            print(f"  step {row['clone_step']:2d}: member {row['lineage']} (trial {row['trial']}) cloned trial "
                  f"{row['donor']}, alpha={row['params']['alpha']:.2e} eta0={row['params']['eta0']:.2e}")

    random = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    random.optimize(objective, n_trials=POPULATION)  # the same compute: POPULATION x EPOCHS epochs
    best_random = max(max(t.intermediate_values.values()) for t in random.trials)
    shutil.rmtree(ckpt, ignore_errors=True)
    print(f"PBT best validation accuracy {best_pbt:.3f} vs random search {best_random:.3f} "
          f"(both {POPULATION * EPOCHS} epochs)")


if __name__ == "__main__":
    main()
