"""ASHA as a pruner on learning curves that cross: it notices, and stops trusting the first rung.

A large learning rate makes the loss fall fast and level off high; a small one starts slowly and
finishes best, so the first epochs rank configurations the wrong way round. ``ASHAScheduler`` in
stop mode (a plain pruner: ``trial.report`` / ``trial.should_prune``) measures how each rung
ranks configurations against the next level (Kendall's tau, from every trial's reports). Trust
in a rung is earned: until the first rung a new trial would be cut at is measured, new trials are
spread over Hyperband's brackets (first compared after 1, 3, 9 epochs, or never); a rung below
``hedge_threshold`` (0.5) stops cutting new trials, which go to the brackets above it; a rung
measured to agree (tau >= 0.5) gets every new trial (plain ASHA from there).

    python examples/asha_hedging_crossing_curves.py
"""

from __future__ import annotations

import collections
import math
import os

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
MAX_EPOCHS = 27


def loss_after(lr: float, width: float, epoch: int) -> float:
    final = 0.05 + 0.3 * ((math.log10(lr) + 3.0) / 1.5) ** 2 + 0.25 * (width - 0.5) ** 2
    tau = 0.3 * MAX_EPOCHS * (lr / 1e-3) ** -0.8  # small learning rates converge slowly
    return final + math.exp(-epoch / max(tau, 0.05))


def objective(trial: tw.Trial) -> float:
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    width = trial.suggest_float("width", 0.0, 1.0)
    loss = math.inf
    for epoch in range(1, MAX_EPOCHS + 1):
        loss = loss_after(lr, width, epoch)
        trial.report(loss, epoch)
        if trial.should_prune():
            raise tw.TrialPruned()
    return loss


def main() -> None:
    scheduler = tw.schedulers.ASHAScheduler(min_resource=1, max_resource=MAX_EPOCHS, reduction_factor=3)
    study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0), scheduler=scheduler)
    study.optimize(objective, n_trials=40 if QUICK else 150)
    print("rung agreement (rung, Kendall's tau, configurations):", scheduler.rung_agreement(study))
    first, rungs = scheduler.first_trusted_rung(study), scheduler.rungs()
    print("new trials are cut no earlier than epoch", rungs[first] if first < len(rungs) else "never (no pruning)")
    brackets = collections.Counter(t.system_attrs["asha"]["bracket"] for t in study.trials
                                   if "asha" in t.system_attrs)
    print("trials per bracket:", dict(sorted(brackets.items())))
    print(f"best loss {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
