"""Several objectives: accuracy against model size, the Pareto front and its hypervolume.

Tunes a decision tree on scikit-learn's digits data for two objectives at once: 3-fold
cross-validated error (minimize) and model size, the number of leaves (minimize). There is no
single best trial but a Pareto front of trade-offs (``study.best_trials``); its hypervolume
(``tw.hypervolume``) measures how good the whole front is. At this budget the default sampler
uses Gaussian-process BO on a random scalarization of the objectives per trial (ParEGO), then
MO-TPE and, for thousands of trials, NSGA-II (``tw.samplers.NSGAIISampler``), which is compared
here at the same budget.

Run from the repository root:  .venv/bin/python examples/multi_objective_pareto.py
Writes out/multi_objective_pareto.html (Pareto front) and out/multi_objective_hypervolume.html.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_validate
from sklearn.tree import DecisionTreeClassifier

import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
QUICK = os.environ.get("TUNEWISE_EXAMPLE_QUICK") == "1"
X, y = load_digits(return_X_y=True)


def objective(trial: tw.Trial) -> tuple[float, float]:
    model = DecisionTreeClassifier(
        max_depth=trial.suggest_int("max_depth", 2, 20),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 40),
        ccp_alpha=trial.suggest_float("ccp_alpha", 1e-5, 0.05, log=True),
        criterion=trial.suggest_categorical("criterion", ["gini", "entropy"]),
        random_state=0,
    )
    scores = cross_validate(model, X, y, cv=3, return_estimator=True)
    leaves = sum(m.get_n_leaves() for m in scores["estimator"]) / 3
    return 1.0 - float(scores["test_score"].mean()), float(leaves)


def main() -> None:
    n_trials = 20 if QUICK else 120
    reference = [1.0, 600.0]  # error 100%, 600 leaves: every useful tree is better in both
    studies = []
    samplers = [("default", tw.samplers.AutoSampler(seed=0)),
                ("NSGA-II", tw.samplers.NSGAIISampler(population_size=10 if QUICK else 20, seed=0))]
    for name, sampler in samplers:
        study = tw.create_study(name=name, directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(objective, n_trials=n_trials)
        studies.append(study)
        print(f"{name}: {len(study.best_trials)} trials on the Pareto front, "
              f"hypervolume {tw.hypervolume(study, reference_point=reference):.2f}")

    front = sorted(studies[0].best_trials, key=lambda t: t.values[1])
    print("\nThe front (default sampler): leaves -> error")
    for t in front[:: -(-len(front) // 8)]:  # about 8 of them
        print(f"  {t.values[1]:6.1f} leaves -> {100 * t.values[0]:5.1f}% error   {t.params}")
    # Pick the smallest model within 2 points of the most accurate one.
    best_error = min(t.values[0] for t in front)
    pick = min((t for t in front if t.values[0] <= best_error + 0.02), key=lambda t: t.values[1])
    print(f"\nsmallest tree within 2 points of the best error: {pick.values[1]:.0f} leaves, "
          f"{100 * pick.values[0]:.1f}% error")

    out = Path("out")
    out.mkdir(exist_ok=True)
    front_fig = tw.plots.pareto_front(studies[0], target_names=["CV error", "leaves"])
    front_fig.write_html(out / "multi_objective_pareto.html")
    history_fig = tw.plots.hypervolume_history(studies, reference_point=reference)
    history_fig.write_html(out / "multi_objective_hypervolume.html")
    print("wrote out/multi_objective_pareto.html and out/multi_objective_hypervolume.html")


if __name__ == "__main__":
    main()
