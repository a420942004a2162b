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

import abc
import math
from collections.abc import Callable, Sequence
from typing import Any

from tunewise.insight._importance import EVALUATORS, param_importances
from tunewise.trial import TrialState

__all__ = [
    "EVALUATORS",
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
    "param_importances",
]


class BaseImportanceEvaluator(abc.ABC):
    """Optuna's base class for an importance evaluator of your own: subclass it, implement
    :meth:`evaluate`, and pass an instance as ``evaluator=`` to :func:`get_param_importances` or
    ``tunewise.visualization.plot_param_importances`` (and its matplotlib version).

    :func:`get_param_importances` calls ``evaluate(study, params=params, target=target)``, checks
    that it returned a non-negative finite number per parameter, and normalizes them to sum to 1
    (equal shares if all are 0, as in Optuna), largest first.

    >>> import tunewise as tw
    >>> class SpreadOfBest(tw.importance.BaseImportanceEvaluator):
    ...     # how far each parameter's best-quartile values spread: a narrow spread means it matters
    ...     def evaluate(self, study, params=None, *, target=None):
    ...         trials = sorted(study.get_trials(states=(tw.trial.TrialState.COMPLETE,)), key=lambda t: t.value)
    ...         best = trials[: max(2, len(trials) // 4)]
    ...         names = params or sorted(trials[0].params)
    ...         return {p: 1.0 / (1e-9 + max(t.params[p] for t in best) - min(t.params[p] for t in best))
    ...                 for p in names}
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=40)
    >>> imp = tw.importance.get_param_importances(study, evaluator=SpreadOfBest())
    >>> list(imp), round(sum(imp.values()), 6)
    (['x', 'y'], 1.0)
    """

    @abc.abstractmethod
    def evaluate(self, study: Any, params: Sequence[str] | None = None, *,
                 target: Callable[[Any], float] | None = None) -> dict[str, float]:
        """Each parameter's importance (non-negative; any scale) for the study's COMPLETE trials.

        ``params`` restricts the parameters (None: the evaluator's choice, usually all);
        ``target`` picks the value to explain (None: the single objective's value)."""


class FanovaImportanceEvaluator(BaseImportanceEvaluator):
    """Optuna's fANOVA evaluator object: ``evaluator="fanova"`` with its forest's size and seed.

    ``max_depth`` is accepted for Optuna's signature; the forest grows its trees to the
    depth scikit-learn's defaults give. ``evaluate`` returns the importances unnormalized, as
    Optuna's does; :func:`get_param_importances` normalizes them.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=30)
    >>> evaluator = tw.importance.FanovaImportanceEvaluator(seed=0)
    >>> list(tw.importance.get_param_importances(study, evaluator=evaluator))
    ['x', 'y']
    """

    _name = "fanova"

    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        if isinstance(n_trees, bool) or not isinstance(n_trees, int) or n_trees < 1:
            raise ValueError(f"{type(self).__name__}(n_trees={n_trees!r}): a positive integer")
        self.n_trees, self.max_depth, self.seed = n_trees, max_depth, seed

    def evaluate(self, study: Any, params: Sequence[str] | None = None, *,
                 target: Callable[[Any], float] | None = None) -> dict[str, float]:
        """Each parameter's importance (unnormalized), largest first."""
        return param_importances(study, evaluator=self._name, params=params, target=target,
                                 seed=0 if self.seed is None else self.seed, n_trees=self.n_trees, normalize=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_trees={self.n_trees}, max_depth={self.max_depth}, seed={self.seed})"


class MeanDecreaseImpurityImportanceEvaluator(FanovaImportanceEvaluator):
    """Optuna's mean-decrease-impurity evaluator: here tunewise's forest-based
    ``evaluator="permutation"`` (the held-out error a shuffled column adds), with its forest's
    size and seed.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=30)
    >>> evaluator = tw.importance.MeanDecreaseImpurityImportanceEvaluator(n_trees=16, seed=0)
    >>> list(tw.importance.get_param_importances(study, evaluator=evaluator))
    ['x', 'y']
    """

    _name = "permutation"


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """Optuna's PED-ANOVA evaluator (Watanabe et al., IJCAI 2023): how much each parameter's values among
    the top ``target_quantile`` of the trials differ from its values among the top ``region_quantile``
    (all trials by default), a Pearson divergence of two Parzen estimators; no model is fitted, so it is
    fast on thousands of trials. Conditional parameters count per regime, as in Optuna 5.

    ``evaluate_on_local=False`` compares with the uniform distribution over the search space instead of
    the region's trials. With several objectives and no ``target``, the top trials are the best by Pareto
    rank (ties split by hypervolume contribution), as in Optuna. A ``target`` is explained as lower-is-better
    (negate it to explain high values; a UserWarning says so, as Optuna's does).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x1", -10, 10) + t.suggest_float("x2", -10, 10) / 1000,
    ...                n_trials=100)
    >>> evaluator = tw.importance.PedAnovaImportanceEvaluator()
    >>> imp = tw.importance.get_param_importances(study, evaluator=evaluator)
    >>> list(imp), imp["x1"] > 0.9
    (['x1', 'x2'], True)
    """

    def __init__(self, *, target_quantile: float = 0.1, region_quantile: float = 1.0,
                 evaluate_on_local: bool = True) -> None:
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(f"PedAnovaImportanceEvaluator needs 0 < target_quantile < region_quantile <= 1, got "
                             f"target_quantile={target_quantile!r}, region_quantile={region_quantile!r}")
        if region_quantile != 1.0 and not evaluate_on_local:
            import warnings

            warnings.warn("region_quantile has no effect with evaluate_on_local=False (the region is the whole "
                          "search space)", UserWarning, stacklevel=2)
        self.target_quantile, self.region_quantile = target_quantile, region_quantile
        self.evaluate_on_local = evaluate_on_local

    def evaluate(self, study: Any, params: Sequence[str] | None = None, *,
                 target: Callable[[Any], float] | None = None) -> dict[str, float]:
        """Each parameter's importance (unnormalized, Optuna's scale), largest first."""
        from tunewise.insight._ped_anova import ped_anova_importances

        return ped_anova_importances(study, params, target, self.target_quantile, self.region_quantile,
                                     self.evaluate_on_local)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(target_quantile={self.target_quantile}, "
                f"region_quantile={self.region_quantile}, evaluate_on_local={self.evaluate_on_local})")


def get_param_importances(study: Any, *, evaluator: Any = None, params: Sequence[str] | None = None,
                          target: Callable[[Any], float] | None = None, normalize: bool = True,
                          **kwargs: Any) -> dict[str, float]:
    """:func:`param_importances` under Optuna's name (``optuna.importance.get_param_importances``).

    Without ``evaluator`` it is :class:`PedAnovaImportanceEvaluator`, Optuna 5's default (the same
    importances as Optuna's on the same trials; a study with several objectives needs no
    ``target``); with tunewise's own options (``seed=``, ``n_trees=``, ``max_trials=``) it is
    fANOVA. ``evaluator`` may also be ``"fanova"`` or ``"permutation"``, Optuna's evaluator objects
    (:class:`FanovaImportanceEvaluator` -> fANOVA, :class:`MeanDecreaseImpurityImportanceEvaluator`
    -> permutation, with their ``n_trees`` and ``seed``), or an instance of your own
    :class:`BaseImportanceEvaluator` subclass. As in Optuna, a study without a COMPLETE trial gives
    ``{}``, and importances that are all zero (one trial, a constant objective) are normalized to
    equal shares.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1), n_trials=30)
    >>> list(tw.importance.get_param_importances(study))[0]
    'x'
    """
    if evaluator is None and not kwargs:
        evaluator = PedAnovaImportanceEvaluator()  # Optuna 5's default
    if isinstance(evaluator, BaseImportanceEvaluator) and not isinstance(evaluator, FanovaImportanceEvaluator):
        if kwargs:
            raise TypeError(f"get_param_importances(evaluator={type(evaluator).__name__}(...)) takes no "
                            f"{', '.join(sorted(kwargs))}: give the evaluator its own options")
        return _user_importances(evaluator, study, params=params, target=target, normalize=normalize)
    if isinstance(evaluator, FanovaImportanceEvaluator):
        kwargs = {"seed": 0 if evaluator.seed is None else evaluator.seed, "n_trees": evaluator.n_trees, **kwargs}
    name = _evaluator_name(evaluator)
    few = _too_few_trials(study, params, target)
    if few is not None:  # Optuna's evaluators answer {} (no trial) or zeros (one trial) here
        res = dict.fromkeys(few, 0.0)
    else:
        res = param_importances(study, evaluator=name, params=params, target=target, normalize=False, **kwargs)
    return _normalized(res) if normalize else res


def _normalized(scores: dict[str, float]) -> dict[str, float]:
    """Importances as shares of their sum; all zero, equal shares (Optuna's rule)."""
    total = sum(scores.values())
    if not scores or total > 0:
        return {k: v / total for k, v in scores.items()}
    return {k: 1 / len(scores) for k in scores}


def _too_few_trials(study: Any, params: Sequence[str] | None,
                    target: Callable[[Any], float] | None) -> list[str] | None:
    """The parameters to rank when the study has fewer than 2 COMPLETE trials with a finite value
    (None when it has enough for a model)."""
    if not hasattr(study, "get_trials") or (target is None and len(study.directions) > 1):
        return None  # param_importances names the problem
    get = target if target is not None else (lambda t: t.values[0] if t.values else math.nan)
    done = [t for t in study.get_trials(states=(TrialState.COMPLETE,)) if math.isfinite(float(get(t)))]
    if len(done) >= 2:
        return None
    if not done:
        return []
    names = [params] if isinstance(params, str) else list(params) if params is not None else sorted(done[0].params)
    missing = [p for p in names if p not in done[0].params]
    if missing:
        raise ValueError(f"params names {', '.join(map(repr, missing))}, which no COMPLETE trial has; known: "
                         f"{', '.join(sorted(done[0].params)) or '(none)'}")
    return names


def _user_importances(evaluator: BaseImportanceEvaluator, study: Any, *, params: Sequence[str] | None,
                      target: Callable[[Any], float] | None, normalize: bool) -> dict[str, float]:
    """Run a user's evaluator and hold its answer to the contract :func:`get_param_importances` keeps."""
    name = type(evaluator).__name__
    res = evaluator.evaluate(study, params=list(params) if params is not None else None, target=target)
    if not isinstance(res, dict):
        raise TypeError(f"{name}.evaluate() must return a dict {{parameter name: importance}}, got {res!r}")
    scores: dict[str, float] = {}
    for k, v in res.items():
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = math.nan
        if not isinstance(k, str) or not math.isfinite(f) or f < 0:
            raise ValueError(f"{name}.evaluate() returned {k!r}: {v!r}; importances are non-negative finite "
                             f"numbers keyed by parameter name")
        scores[k] = f
    if normalize:
        scores = _normalized(scores)
    return dict(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])))


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
    raise ValueError(f"evaluator must be 'fanova' or 'permutation' (or None for fANOVA), or an instance of a "
                     f"BaseImportanceEvaluator subclass, got {evaluator!r}")


def _importances_for_plot(study: Any, evaluator: Any, params: Sequence[str] | None,
                          target: Callable[[Any], float] | None) -> dict[str, float] | None:
    """A user evaluator's normalized importances for the plots (None: a built-in evaluator, which
    the plot computes itself)."""
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()  # Optuna 5's default
    if isinstance(evaluator, BaseImportanceEvaluator) and not isinstance(evaluator, FanovaImportanceEvaluator):
        return _user_importances(evaluator, study, params=params, target=target, normalize=True)
    return None
