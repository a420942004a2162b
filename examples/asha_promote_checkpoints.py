"""Asynchronous successive halving (ASHA) that pauses and promotes trials, with checkpoints,
and Hyperband + BOHB on an objective that takes its budget as input.

Part 1 - ``ASHAScheduler(mode="promote")``: every trial trains to its rung (``trial.budget``
epochs), saves a checkpoint and pauses (it ends as PRUNED, marked ``asha.paused``). When it
ranks in the top 1/eta of its rung, a continuation with the same parameters is queued; it loads
the paused trial's checkpoint (``trial.load_checkpoint()``) and trains on to the next rung.

Part 2 - ``HyperbandScheduler`` + ``BOHBSampler`` on the 3-D multi-fidelity Hartmann function:
the objective evaluates directly at fidelity ``trial.budget``.

Part 3 - the default ``top_reduction_factor="auto"``: ASHA measures online how alike its rungs
rank configurations (Kendall's tau between consecutive budgets on the configurations seen at
both) and, while they agree, sends only the top 1/eta**2 of the last rung to the full budget.

Part 4 - ``BOHBSampler(model="gp")``: one Gaussian process over (configuration, log budget),
proposals by expected improvement at the largest budget; the fitted length scale on the budget
axis shows how far the cheap rungs are trusted.

    .venv/bin/python examples/asha_promote_checkpoints.py
"""

from __future__ import annotations

import math
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

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=600, test_size=400, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)
CLASSES = np.unique(y)


def train(trial: tw.Trial) -> float:
    params = dict(alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
                  eta0=trial.suggest_float("eta0", 1e-5, 1.0, log=True))
    clf = SGDClassifier(loss="log_loss", learning_rate="constant", random_state=0, **params)
    state = trial.load_checkpoint()  # None for a new configuration
    start = 0
    if state is not None:  # a promoted continuation: resume the paused trial's model
        clf.classes_, clf.coef_, clf.intercept_, clf.t_ = CLASSES, state["coef"], state["intercept"], state["t"]
        start = state["epoch"]
    acc = 0.0
    for epoch in range(start + 1, int(trial.budget) + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.partial_fit(X_train, y_train, classes=CLASSES)
        acc = clf.score(X_val, y_val)
        trial.report(acc, epoch)
    # numpy arrays are stored as .npz next to a JSON file: no pickle anywhere.
    trial.save_checkpoint({"epoch": int(trial.budget), "coef": clf.coef_, "intercept": clf.intercept_,
                           "t": float(clf.t_)})
    if trial.should_prune():  # pauses at the rung (promote mode)
        raise tw.TrialPruned()
    return acc


# Multi-fidelity Hartmann 3-D (Kandasamy et al. 2017): alpha shifts at low fidelity z.
A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]])
ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann3(trial: tw.Trial) -> float:
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(3)])
    b = trial.budget
    z = (b - 1) / (27 - 1)
    value = float(-np.sum((ALPHA - 0.5 * (1 - z)) * np.exp(-np.sum(A * (x - P) ** 2, axis=1))))
    trial.report(value, int(b))
    if trial.should_prune():
        raise tw.TrialPruned()
    return value


def main() -> None:
    ckpt = tempfile.mkdtemp(prefix="tw-asha-")
    asha = tw.schedulers.ASHAScheduler(min_resource=1, max_resource=27, reduction_factor=3, mode="promote",
                                       checkpoint_dir=ckpt)
    print("rungs:", asha.rungs())
    study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0), scheduler=asha)
    study.optimize(train, n_trials=45 if not QUICK else 24)
    ran = [t for t in study.trials if t.state != tw.TrialState.WAITING]
    promoted = [t for t in ran if "continues" in t.system_attrs]
    epochs = sum(len(t.intermediate_values) for t in ran)
    print(f"ASHA: {len(ran)} trials ({len(promoted)} promoted continuations), {epochs} epochs trained "
          f"(27 per configuration without ASHA), best accuracy {study.best_value:.3f}")
    for t in promoted[-3:]:
        print(f"  trial {t.number} resumed trial {t.system_attrs['continues']} up to epoch "
              f"{asha.budget(study, tw.Trial(study, t))}, params {t.params}")
    print("checkpoints in", ckpt, "->", sorted(os.listdir(os.path.join(ckpt, os.listdir(ckpt)[0])))[:3], "...")

    hb = tw.schedulers.HyperbandScheduler(1, 27, 3, mode="promote", checkpoint_dir=ckpt)
    bohb = tw.samplers.BOHBSampler(seed=0)
    study = tw.create_study(sampler=bohb, scheduler=hb)
    study.optimize(hartmann3, n_trials=150 if not QUICK else 60)
    ran = [t for t in study.trials if t.intermediate_values]
    per_bracket = np.bincount([t.system_attrs["asha"]["bracket"] for t in ran]).tolist()
    print(f"Hyperband + BOHB on mfh3: best {study.best_value:.4f} (optimum -3.8628) after {len(ran)} "
          f"evaluations; evaluations per bracket {per_bracket}")
    # The cheap budgets rank configurations like the largest modelled one, so they get weight too.
    print("  weight of each budget's model in the last proposal:",
          {b: round(w, 2) for b, w in sorted(bohb.last_weights.items())})
    assert math.isfinite(study.best_value)

    asha = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", checkpoint_dir=ckpt)  # top_reduction_factor="auto"
    study = tw.create_study(sampler=tw.samplers.BOHBSampler(seed=0), scheduler=asha)
    study.optimize(hartmann3, n_trials=250 if not QUICK else 90)
    full = sum(1 for t in study.trials if 27 in t.intermediate_values)
    print(f"ASHA (auto top cut) + BOHB on mfh3: best {study.best_value:.4f} after {len(study.trials)} segments, "
          f"{full} of them at the full budget")
    print("  Kendall's tau between consecutive budgets (rung, tau, configurations):",
          [(k, round(tau, 2), n) for k, tau, n in asha.rung_agreement(study)],
          f"-> promoting the top 1/{asha.top_cut(study)} of rung 9 to 27")

    asha = tw.schedulers.ASHAScheduler(1, 27, 3, mode="promote", checkpoint_dir=ckpt)
    gp = tw.samplers.BOHBSampler(seed=0, model="gp")
    study = tw.create_study(sampler=gp, scheduler=asha)
    study.optimize(hartmann3, n_trials=120 if not QUICK else 45)
    full = [t.intermediate_values[27] for t in study.trials if 27 in t.intermediate_values]
    print(f"ASHA + BOHB(model='gp') on mfh3: best full-budget value {min(full):.4f} after {len(study.trials)} "
          f"segments ({len(full)} at the full budget); GP length scale on log budget "
          f"{gp.last_fidelity_lengthscale:.2f} (budgets mapped to [0, 1])")
    assert math.isfinite(min(full))
    shutil.rmtree(ckpt, ignore_errors=True)  # checkpoints are plain files: delete them when done


if __name__ == "__main__":
    main()
