"""``optuna.visualization.plot_param_importances(study)`` without an evaluator names the evaluator
that ranked the parameters (PED-ANOVA, Optuna 5's default) on its axis; it read
"Importance for Objective value (NoneType)" (found by session 22's probe of Optuna's API)."""

from __future__ import annotations

import matplotlib

import tunewise as tw

matplotlib.use("Agg")


def _study() -> tw.Study:
    study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + 0.1 * t.suggest_float("y", -1, 1), n_trials=30)
    return study


def test_the_default_evaluator_is_named_as_the_one_passed_explicitly() -> None:
    study = _study()
    default = tw.visualization.plot_param_importances(study).layout.xaxis.title.text
    explicit = tw.visualization.plot_param_importances(
        study, evaluator=tw.importance.PedAnovaImportanceEvaluator()).layout.xaxis.title.text
    assert "NoneType" not in default
    assert default == explicit == "Importance for Objective value (PedAnovaImportanceEvaluator)"


def test_the_matplotlib_axes_carries_the_same_label() -> None:
    ax = tw.visualization.matplotlib.plot_param_importances(_study())
    assert ax.get_xlabel() == "Importance for Objective value (PedAnovaImportanceEvaluator)"
