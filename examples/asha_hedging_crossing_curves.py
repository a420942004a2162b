"""ASHA as a pruner on learning curves that cross: a rung stops cutting once it is seen to mislead.

A large learning rate makes the loss fall fast and level off high; a small one starts slowly and
finishes best, so the first epochs rank configurations the wrong way round. ``ASHAScheduler`` in
stop mode (a plain pruner: ``trial.report`` / ``trial.should_prune``) measures what each rung's
cut would cost: of the configurations best at the furthest level measured, how many the rung
would have kept (``rung_recall``: measured on trials the rung did not cut). The cheap rungs
(epochs 1 and 3 of 27) cut as plain ASHA once measured (the first trials run through them) and
until that share is measured to be below ``hedge_threshold`` (0.5); the costly one (epoch 9)
cuts only once it is measured to reach it. Wherever a rung misleads, trials pass it uncut -- so
when no rung is trustworthy nothing is pruned (early stopping gives itself up), and a share of
trials keeps auditing the rungs that cut. Independently of the rungs, a trial whose optimistic
forecast (its recent slope, kept up to the last epoch) cannot beat the best full run is stopped,
at rungs where that forecast held on every full run so far (``forecast_checks``; ``forecast=False`` turns it off).

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
    rungs = scheduler.rungs()
    for k, level, kept, top, n, verdict in scheduler.rung_recall(study):
        at = rungs[level] if level < len(rungs) else MAX_EPOCHS
        print(f"epoch {rungs[k]:>2}: kept {kept} of the {top} best at epoch {at} "
              f"({n} configurations it did not cut): {verdict}")
    first = scheduler.first_trusted_rung(study)
    print("new trials are first cut at epoch", rungs[first] if first < len(rungs) else "never (no pruning)")
    for k, n, missed, active in scheduler.forecast_checks(study):
        if n:  # the optimistic forecast: a trial that cannot beat the best full run stops
            print(f"epoch {rungs[k]:>2}: the optimistic forecast held on {n - missed} of {n} full runs: "
                  f"{'stops trials that cannot beat the best run' if active else 'off'}")
    # A trial stopped by the forecast keeps it (the best final loss it could have reached) and a
    # point estimate of its final loss, which the default sampler counts as its result.
    hopeless = [t for t in study.trials if "forecast" in t.system_attrs.get("asha", {})]
    if hopeless:
        t = hopeless[0]
        asha = t.system_attrs["asha"]
        print(f"trial {t.number} stopped at epoch {max(t.intermediate_values)}: could at best reach "
              f"{asha['forecast']:.4f}, would likely end near {asha.get('estimate', asha['forecast']):.4f}")
    states = collections.Counter(t.state.name for t in study.trials)
    print("trials:", dict(states))
    print(f"best loss {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
