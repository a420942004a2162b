"""``optuna.importance.PedAnovaImportanceEvaluator``: the same importances as Optuna's on the same trials
(float, log, stepped, int, log-int and categorical parameters, a conditional one, a target, several
objectives, a region quantile, ``evaluate_on_local=False``)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tunewise as tw

optuna = pytest.importorskip("optuna")
optuna.logging.set_verbosity(optuna.logging.WARNING)


def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", -5, 5)
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    q = trial.suggest_float("q", 0, 1, step=0.1)
    n = trial.suggest_int("n", 1, 200)
    k = trial.suggest_int("k", 1, 64, log=True)
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    value = x**2 + 3 * abs(lr - 1e-3) + q + n / 100 + (kind == "b") + 0.001 * k
    if kind == "a":
        value += trial.suggest_float("depth", 0, 1)  # a conditional parameter
    return value


def _pair(directions: list[str], n_trials: int) -> tuple[Any, Any]:
    """A tunewise study and an Optuna study holding the same COMPLETE trials."""
    ours = tw.create_study(directions=directions, sampler=tw.samplers.RandomSampler(seed=4))

    def objective(trial: Any) -> Any:
        value = _objective(trial)
        return value if len(directions) == 1 else (value, trial.params["x"])

    ours.optimize(objective, n_trials=n_trials)
    theirs = optuna.create_study(directions=directions)
    to_optuna = {"Float": optuna.distributions.FloatDistribution, "Int": optuna.distributions.IntDistribution}
    for t in ours.trials:
        dists = {}
        for name, d in t.distributions.items():
            if isinstance(d, tw.distributions.Categorical):
                dists[name] = optuna.distributions.CategoricalDistribution(d.choices)
            else:
                dists[name] = to_optuna[type(d).__name__](d.low, d.high, log=d.log, step=d.step)
        theirs.add_trial(optuna.trial.create_trial(params=t.params, distributions=dists, values=t.values))
    return ours, theirs


@pytest.mark.parametrize("options", [
    {},
    {"target_quantile": 0.25},
    {"target_quantile": 0.1, "region_quantile": 0.5},
    {"evaluate_on_local": False},
])
def test_importances_match_optunas(options: dict[str, Any]) -> None:
    ours, theirs = _pair(["minimize"], 120)
    got = tw.importance.PedAnovaImportanceEvaluator(**options).evaluate(ours)
    want = optuna.importance.PedAnovaImportanceEvaluator(**options).evaluate(theirs)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert got["x"] > 0 and got["depth"] >= 0
    evaluator = tw.importance.PedAnovaImportanceEvaluator(**options)
    normalized = tw.importance.get_param_importances(ours, evaluator=evaluator)
    assert normalized == pytest.approx(optuna.importance.get_param_importances(
        theirs, evaluator=optuna.importance.PedAnovaImportanceEvaluator(**options)))


def test_target_params_and_maximize_match_optunas() -> None:
    ours, theirs = _pair(["maximize"], 80)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kwargs in ({}, {"params": ["x", "kind"]}, {"target": lambda t: abs(t.params["x"] - 1)}):
            got = tw.importance.PedAnovaImportanceEvaluator().evaluate(ours, **kwargs)
            want = optuna.importance.PedAnovaImportanceEvaluator().evaluate(theirs, **kwargs)
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
    with pytest.warns(UserWarning, match="negate the target"):
        tw.importance.PedAnovaImportanceEvaluator().evaluate(ours, target=lambda t: t.value)


def test_several_objectives_without_target_take_the_best_fronts_as_optuna() -> None:
    """The top trials are the first Pareto fronts. Where the quantile cuts a front, tunewise's hypervolume
    subset selection (its TPE's) may keep other points than Optuna's greedy one, so the quantile here
    ends at a front's end: the same trials, the same importances."""
    from tunewise._pareto import pareto_rank

    ours, theirs = _pair(["minimize", "maximize"], 60)
    values = [[t.values[0], -t.values[1]] for t in ours.trials]
    fronts = pareto_rank(np.asarray(values))
    n_top = int((fronts <= 1).sum())  # the first two fronts
    quantile = (n_top - 0.5) / len(values)
    got = tw.importance.PedAnovaImportanceEvaluator(target_quantile=quantile).evaluate(ours)
    want = optuna.importance.PedAnovaImportanceEvaluator(target_quantile=quantile).evaluate(theirs)
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="target_quantile=0.5, region_quantile=0.5"):
        tw.importance.PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.5)
    with pytest.warns(UserWarning, match="region_quantile has no effect"):
        tw.importance.PedAnovaImportanceEvaluator(region_quantile=0.5, evaluate_on_local=False)
    ours, _ = _pair(["minimize"], 10)
    with pytest.raises(ValueError, match=r"\['nope'\] appear in no COMPLETE trial"):
        tw.importance.PedAnovaImportanceEvaluator().evaluate(ours, params=["nope"])
    with pytest.warns(UserWarning, match="at least 2 COMPLETE trials"):
        assert tw.importance.PedAnovaImportanceEvaluator().evaluate(tw.create_study()) == {}
