"""Which hyperparameters mattered: fANOVA on a random forest, or permutation importance.

>>> import tunewise as tw
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> def objective(trial):
...     x = trial.suggest_float("x", -1, 1)
...     y = trial.suggest_float("y", -1, 1)
...     return 10 * x ** 2 + 0.1 * y
>>> study.optimize(objective, n_trials=80)
>>> imp = tw.importance.param_importances(study, seed=0)
>>> next(iter(imp))
'x'
>>> round(sum(imp.values()), 6)
1.0

Both evaluators fit a scikit-learn random forest to (parameters -> objective) over the
COMPLETE trials, with each parameter mapped to its distribution's unit interval (so a
log-scaled learning rate is modelled in log space and a categorical choice gets an equal
share of its axis, as the sampler saw them).

- ``"fanova"`` (Hutter, Hoos & Leyton-Brown, "An Efficient Approach for Assessing
  Hyperparameter Importance", ICML 2014): each tree is a piecewise-constant function over
  axis-aligned boxes, so its functional ANOVA decomposition is exact. A parameter's
  importance is the variance of the tree's marginal over that parameter (all others
  integrated out uniformly) divided by the tree's total variance, averaged over trees.
- ``"permutation"`` (Breiman 2001, Random Forests, section 10): how much the forest's
  held-out squared error grows when one parameter's column is shuffled. Cheaper (a smaller
  forest, no decomposition) and model-agnostic, but correlated parameters share credit.

Conditional parameters (absent in some trials) get an extra "absent" region on their axis
whose width is the share of trials without them, so "was it used at all" counts as part of
the parameter's effect. Results are normalized to sum to 1 and sorted, largest first.

The code lives with the rest of what reads a study for a human, in ``tunewise/insight/_importance.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tunewise.insight._importance import EVALUATORS, param_importances

__all__ = ["EVALUATORS", "get_param_importances", "param_importances"]


def get_param_importances(study: Any, *, evaluator: Any = None, params: Sequence[str] | None = None,
                          target: Callable[[Any], float] | None = None, normalize: bool = True,
                          **kwargs: Any) -> dict[str, float]:
    """:func:`param_importances` under Optuna's name (``optuna.importance.get_param_importances``).

    ``evaluator`` is ``"fanova"`` (the default, as in Optuna) or ``"permutation"``; an Optuna-style
    evaluator object is read by its class name (``FanovaImportanceEvaluator`` -> fANOVA,
    ``MeanDecreaseImpurityImportanceEvaluator`` -> permutation).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=30)
    >>> list(tw.importance.get_param_importances(study))[0]
    'x'
    """
    return param_importances(study, evaluator=_evaluator_name(evaluator), params=params, target=target,
                             normalize=normalize, **kwargs)


def _evaluator_name(evaluator: Any) -> str:
    if evaluator is None:
        return "fanova"
    if isinstance(evaluator, str):
        return evaluator
    name = type(evaluator).__name__.lower()
    if name.startswith("fanova"):
        return "fanova"
    if name.startswith(("meandecreaseimpurity", "permutation")):
        return "permutation"
    raise ValueError(f"evaluator must be 'fanova' or 'permutation' (or None for fANOVA), got {evaluator!r}")
