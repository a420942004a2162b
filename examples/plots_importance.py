"""Which hyperparameters matter? fANOVA and permutation importance, checked against truth.

A synthetic objective where we know the answer: ``x`` drives the value, ``lr`` (log-scaled)
matters a little, ``noise_dim`` and the categorical ``kind`` not at all. Both evaluators
should rank ``x`` first. The bar chart goes to ./out/plots/importance.html.

    .venv/bin/python examples/plots_importance.py

CI runs it with ``TUNEWISE_EXAMPLE_QUICK=1``: 60 trials instead of 200 (``x`` must still come
first) and the chart goes to a temporary directory, removed at the end.
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import tempfile
import time

import tunewise as tw

QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"  # (CI runs every example on a small budget)
OUT = os.path.join("out", "plots")
if QUICK:  # the pages go to a temporary directory, removed when the example ends
    OUT = tempfile.mkdtemp(prefix="tunewise_plots_")
    atexit.register(shutil.rmtree, OUT, ignore_errors=True)


def objective(trial: tw.Trial) -> float:
    x = trial.suggest_float("x", -1, 1)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    trial.suggest_float("noise_dim", 0, 1)
    trial.suggest_categorical("kind", ["a", "b", "c"])
    return 4 * x * x + 0.2 * abs(math.log10(lr) + 2.5)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=60 if QUICK else 200)
    found = {}
    for evaluator in ("fanova", "permutation"):
        t0 = time.perf_counter()
        imp = found[evaluator] = tw.importance.param_importances(study, evaluator=evaluator, seed=0)
        took = time.perf_counter() - t0
        print(f"{evaluator:12s} ({took:.2f} s): " + ", ".join(f"{k}={v:.3f}" for k, v in imp.items()))
        assert next(iter(imp)) == "x", "the truly important parameter should come first"
    # The bar chart of the fANOVA importances computed above (importances= skips a second fit).
    fig = tw.plots.param_importances(study, evaluator="fanova", importances=found["fanova"])
    path = os.path.join(OUT, "importance.html")
    fig.write_html(path, include_plotlyjs="directory")
    print("wrote", path)


if __name__ == "__main__":
    main()
