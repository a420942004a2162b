"""Which hyperparameters matter? fANOVA and permutation importance, checked against truth.

A synthetic objective where we know the answer: ``x`` drives the value, ``lr`` (log-scaled)
matters a little, ``noise_dim`` and the categorical ``kind`` not at all. Both evaluators
should rank ``x`` first. The bar chart goes to ./out/plots/importance.html.

    .venv/bin/python examples/plots_importance.py
"""

from __future__ import annotations

import math
import os
import time

import tunewise as tw


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    trial.suggest_float("noise_dim", 0, 1)
    trial.suggest_categorical("kind", ["a", "b", "c"])
    return 4 * x * x + 0.2 * abs(math.log10(lr) + 2.5)


def main() -> None:
    os.makedirs(os.path.join("out", "plots"), exist_ok=True)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=200)
    for evaluator in ("fanova", "permutation"):
        t0 = time.perf_counter()
        imp = tw.importance.param_importances(study, evaluator=evaluator, seed=0)
        took = time.perf_counter() - t0
        print(f"{evaluator:12s} ({took:.2f} s): " + ", ".join(f"{k}={v:.3f}" for k, v in imp.items()))
        assert next(iter(imp)) == "x", "the truly important parameter should come first"
    fig = tw.plots.param_importances(study, evaluator="fanova", seed=0)
    path = os.path.join("out", "plots", "importance.html")
    fig.write_html(path, include_plotlyjs="directory")
    print("wrote", path)


if __name__ == "__main__":
    main()
