"""optuna.importance.get_param_importances as Optuna 5.1 answers it: PED-ANOVA without an
evaluator (so several objectives need no target), {} for a study without a COMPLETE trial, and
equal shares when every importance is zero (one trial, a constant objective). A third-party
script (Crissman/optuna_visualizations' hpi.py) asks a new study for its importances; tunewise
raised ValueError where Optuna returns {}."""

from __future__ import annotations

import pytest

import tunewise as tw
from tunewise.importance import (
    FanovaImportanceEvaluator,
    MeanDecreaseImpurityImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)


def _study(n, fn, directions=("minimize",)):
    study = tw.create_study(directions=list(directions), sampler=tw.samplers.RandomSampler(seed=0))
    if n:
        study.optimize(fn, n_trials=n)
    return study


@pytest.mark.parametrize("evaluator", [None, FanovaImportanceEvaluator(seed=0),
                                       MeanDecreaseImpurityImportanceEvaluator(seed=0), PedAnovaImportanceEvaluator()])
def test_degenerate_studies_answer_as_optuna(evaluator):
    assert get_param_importances(_study(0, None), evaluator=evaluator) == {}
    one = _study(1, lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1))
    assert get_param_importances(one, evaluator=evaluator) == {"x": 0.5, "y": 0.5}
    flat = _study(5, lambda t: 0 * t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1))
    assert get_param_importances(flat, evaluator=evaluator) == {"x": 0.5, "y": 0.5}
    assert set(get_param_importances(flat, evaluator=evaluator, normalize=False).values()) == {0.0}


def test_pruned_only_study_gives_an_empty_answer():
    def pruned(trial):
        trial.suggest_float("x", 0, 1)
        raise tw.TrialPruned()

    assert get_param_importances(_study(2, pruned)) == {}


def test_default_is_ped_anova_so_several_objectives_need_no_target():
    study = _study(40, lambda t: (10 * t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), 1.0),
                   directions=("minimize", "minimize"))
    default = get_param_importances(study)
    assert default == get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    assert list(default) == ["x", "y"] and default["x"] > 0.9
    with pytest.raises(ValueError, match="target"):  # fANOVA still needs one objective, as in Optuna
        get_param_importances(study, evaluator=FanovaImportanceEvaluator())


def test_tunewise_options_keep_fanova():
    study = _study(30, lambda t: t.suggest_float("x", 0, 1) + 0.01 * t.suggest_float("y", 0, 1))
    assert get_param_importances(study, seed=0) == get_param_importances(study, evaluator="fanova", seed=0)


def test_missing_param_with_one_trial_is_named():
    one = _study(1, lambda t: t.suggest_float("x", 0, 1))
    with pytest.raises(ValueError, match="nope"):
        get_param_importances(one, params=["nope"], evaluator=FanovaImportanceEvaluator())
