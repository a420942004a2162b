"""Stop a study when further trials are unlikely to improve it more than the objective's own noise.

Makarova et al. 2022, "Automatic termination for hyperparameter optimization" (AutoML-Conf): a GP
on the top trials bounds the regret of the current best (the best upper confidence bound anywhere
minus the best lower confidence bound among the trials, GP-UCB's beta of Srinivas et al. 2010
scaled by 1/5 as in Optuna); the study stops once that bound falls below the statistical error of
the best trial's cross-validation score. Optuna's ``optuna.terminator``, the same rule and names.
"""

from __future__ import annotations

import abc
import logging
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.search_space import intersection_search_space
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial, Trial

_CV_SCORES_KEY = "terminator:cv_scores"  # Optuna's system attribute, so imported studies keep theirs
DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20
_logger = logging.getLogger("tunewise")


def _maximize(direction: Any) -> bool:
    return str(getattr(direction, "value", direction)).lower() == "maximize"


def _complete(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    return [t for t in trials if t.state == TrialState.COMPLETE]


def _best(trials: Sequence[FrozenTrial], direction: Any) -> FrozenTrial:
    done = _complete(trials)
    if not done:
        raise ValueError("no trial has completed yet: the terminator needs at least one COMPLETE trial")
    pick = max if _maximize(direction) else min
    return pick(done, key=lambda t: float(t.value))  # type: ignore[arg-type]


class BaseImprovementEvaluator(abc.ABC):
    """How much the study may still improve: ``evaluate(trials, study_direction) -> float``."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float: ...


class BaseErrorEvaluator(abc.ABC):
    """How noisy the objective is: ``evaluate(trials, study_direction) -> float``."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float: ...


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """A high-probability upper bound on the regret of the best trial, from a GP fitted to the top
    ``top_trials_ratio`` of the COMPLETE trials (at least ``min_n_trials`` of them)."""

    def __init__(self, top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO, min_n_trials: int = DEFAULT_MIN_N_TRIALS,
                 seed: int | None = None) -> None:
        if not 0 < top_trials_ratio <= 1:
            raise ValueError(f"top_trials_ratio must be in (0, 1], got {top_trials_ratio!r}")
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials < 1:
            raise ValueError(f"min_n_trials must be a positive integer, got {min_n_trials!r}")
        self._top_trials_ratio = top_trials_ratio
        self._min_n_trials = min_n_trials
        self._rng = np.random.default_rng(seed)
        self._n_samples = 2048

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        from tunewise.samplers._gp_model import GPModel

        done = _complete(trials)
        if not done:
            raise ValueError("no trial has completed yet: the regret bound cannot be evaluated")
        space = intersection_search_space(done)
        if not space:
            raise ValueError("the COMPLETE trials share no parameter (empty intersection search space): "
                             "RegretBoundEvaluator needs one; use BestValueStagnationEvaluator instead")
        numeric = [name for name, d in space.items() if not isinstance(d, D.Categorical)]
        categorical = {name: d for name, d in space.items() if isinstance(d, D.Categorical)}
        x_num = np.array([[space[n].to_unit(t.params[n]) for n in numeric] for t in done]).reshape(len(done), -1)
        x_cat = np.array([[d.index(t.params[n]) for n, d in categorical.items()] for t in done],
                         dtype=float).reshape(len(done), -1)
        values = np.array([float(t.value) for t in done]) * (1.0 if _maximize(study_direction) else -1.0)  # type: ignore[arg-type]

        n = len(values)
        top_n = int(np.clip(int(n * self._top_trials_ratio), self._min_n_trials, n))
        keep = values >= np.partition(values, n - top_n)[n - top_n]
        x_num, x_cat, top = x_num[keep], x_cat[keep], values[keep]
        scale = max(1e-10, float(top.std()))
        y = (top - top.mean()) / scale

        model = GPModel(x_num, x_cat, y, warp=False)
        model.fit([model.layout.default()])
        beta = 2.0 * math.log(len(space) * len(y) ** 2 * math.pi**2 / 6.0 / 0.1) / 5.0
        mu, sd = model.predict(x_num, x_cat)
        lcb = float(np.max(mu - math.sqrt(beta) * sd))
        ucb = float(np.max(mu + math.sqrt(beta) * sd))
        # UCB's maximum over the space, by random search (as Optuna's optimize_acqf_sample).
        s_num = self._rng.random((self._n_samples, len(numeric)))
        s_cat = np.column_stack([self._rng.integers(0, d.n_values, self._n_samples) for d in categorical.values()]
                                ).astype(float) if categorical else np.zeros((self._n_samples, 0))
        mu_s, sd_s = model.predict(s_num, s_cat)
        ucb = max(ucb, float(np.max(mu_s + math.sqrt(beta) * sd_s)))
        return (ucb - lcb) * scale


class EMMREvaluator(BaseImprovementEvaluator):
    """Optuna's ``EMMREvaluator`` (the expected minimum model regret of Ishibashi et al. 2023,
    AISTATS) is not available: constructing it raises :class:`NotImplementedError`.

    It needs the joint GP posterior (the covariance) at two points and a GP fitted without noise
    for deterministic objectives; tunewise's GP gives only each point's own mean and deviation.
    The class exists so that ``from optuna.terminator import EMMREvaluator`` finds it and the
    error says what to use instead: :class:`RegretBoundEvaluator` paired with
    :class:`MedianErrorEvaluator` (Optuna's pairing for EMMR), or with the default
    :class:`CrossValidationErrorEvaluator`, or :class:`BestValueStagnationEvaluator`.

    >>> from tunewise.terminator import EMMREvaluator
    >>> EMMREvaluator()
    Traceback (most recent call last):
    NotImplementedError: EMMREvaluator (Optuna's expected minimum model regret) is not available in tunewise: ...
    """

    def __init__(self, deterministic_objective: bool = False, delta: float = 0.1, min_n_trials: int = 2,
                 seed: int | None = None) -> None:
        raise NotImplementedError(
            "EMMREvaluator (Optuna's expected minimum model regret) is not available in tunewise: it needs the "
            "joint GP posterior at two points, which tunewise's GP does not provide. Use "
            "Terminator(regret, MedianErrorEvaluator(regret)) with regret = RegretBoundEvaluator() for a "
            "threshold relative to the study's start, Terminator() (regret bound against the cross-validation "
            "error), or Terminator(BestValueStagnationEvaluator())")

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:  # pragma: no cover
        raise NotImplementedError("EMMREvaluator is not available in tunewise")


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """``max_stagnation_trials`` minus the number of COMPLETE trials since the best one: the study
    stops (with the default ``StaticErrorEvaluator(0)``) after that many trials without progress."""

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        if isinstance(max_stagnation_trials, bool) or not isinstance(max_stagnation_trials, int) \
                or max_stagnation_trials < 0:
            raise ValueError(f"max_stagnation_trials must be a non-negative integer, got {max_stagnation_trials!r}")
        self._max_stagnation_trials = max_stagnation_trials

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        done = _complete(trials)
        if not done:
            raise ValueError("no trial has completed yet: the stagnation cannot be evaluated")
        best = done.index(_best(done, study_direction))
        return float(self._max_stagnation_trials - (len(done) - 1 - best))


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The standard error of the best trial's cross-validation mean, from the fold scores the
    objective gave :func:`report_cross_validation_scores`, or that ``OptunaSearchCV`` /
    ``SearchCV`` / ``cross_validate_objective`` kept on the trial (Nadeau & Bengio 2003's
    corrected variance, ``(1/k + 1/(k-1)) * var(scores)``)."""

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        best = _best(trials, study_direction)
        scores = best.system_attrs.get(_CV_SCORES_KEY)
        if scores is None:
            scores = _search_cv_scores(best)
        if scores is None:
            raise ValueError(f"trial {best.number} (the best) has no cross-validation scores: call "
                             "report_cross_validation_scores(trial, scores) in the objective, or give the "
                             "Terminator another error_evaluator (e.g. StaticErrorEvaluator(constant))")
        k = len(scores)
        return float(math.sqrt((1.0 / k + 1.0 / (k - 1)) * float(np.var(scores))))


def _search_cv_scores(trial: FrozenTrial) -> list[float] | None:
    """The fold scores tunewise's own cross-validation kept on the trial, if it ran one metric:
    ``cross_validate_objective`` (``user_attrs["cv_scores"]``), or ``SearchCV`` / ``OptunaSearchCV``
    (``user_attrs["sklearn_cv"]["test"]``) in studies stored before SearchCV also reported them
    under ``terminator:cv_scores``, which is read first."""
    record = trial.user_attrs.get("sklearn_cv")
    if isinstance(record, dict) and isinstance(record.get("test"), dict) and len(record["test"]) == 1:
        scores = next(iter(record["test"].values()))
    else:
        scores = trial.user_attrs.get("cv_scores")
    if isinstance(scores, list) and len(scores) > 1 and all(isinstance(v, (int, float)) for v in scores):
        return [float(v) for v in scores]
    return None


class StaticErrorEvaluator(BaseErrorEvaluator):
    """A fixed error: stop once the improvement evaluator's value falls below ``constant``."""

    def __init__(self, constant: float) -> None:
        self._constant = float(constant)

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        return self._constant


class MedianErrorEvaluator(BaseErrorEvaluator):
    """A threshold relative to the study's start: ``threshold_ratio`` times the median of what the
    paired improvement evaluator said early on (the heuristic of Ishibashi et al. 2023, AISTATS,
    as Optuna's ``MedianErrorEvaluator``).

    After ``warm_up_trials`` COMPLETE trials (often random search) are skipped, the paired
    evaluator is run on the first 1, 2, ..., ``n_initial_trials`` of the trials that follow (in
    trial-number order); the middle of those values (for an even count, the upper of the two
    middle ones, as Optuna) times ``threshold_ratio`` is the threshold, computed once and then
    kept. Give the :class:`Terminator` the same improvement evaluator as
    ``paired_improvement_evaluator`` (default: a :class:`RegretBoundEvaluator`). Until
    ``warm_up_trials + n_initial_trials`` trials have completed, the error is a tiny negative
    number, below any (non-negative) improvement, so the study does not stop.

    >>> import tunewise as tw
    >>> from tunewise.terminator import MedianErrorEvaluator, RegretBoundEvaluator, Terminator
    >>> regret = RegretBoundEvaluator(seed=0)
    >>> terminator = Terminator(regret, MedianErrorEvaluator(regret, warm_up_trials=5, n_initial_trials=5))
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=12)
    >>> terminator.should_terminate(study)
    False
    """

    def __init__(self, paired_improvement_evaluator: BaseImprovementEvaluator | None = None,
                 warm_up_trials: int = 10, n_initial_trials: int = 20, threshold_ratio: float = 0.01) -> None:
        if paired_improvement_evaluator is not None and not callable(
                getattr(paired_improvement_evaluator, "evaluate", None)):
            raise TypeError("paired_improvement_evaluator must be an improvement evaluator (an object with "
                            f"evaluate(trials, study_direction)), got {paired_improvement_evaluator!r}")
        if isinstance(warm_up_trials, bool) or not isinstance(warm_up_trials, int) or warm_up_trials < 0:
            raise ValueError(f"warm_up_trials must be a non-negative integer, got {warm_up_trials!r}")
        if isinstance(n_initial_trials, bool) or not isinstance(n_initial_trials, int) or n_initial_trials < 1:
            raise ValueError(f"n_initial_trials must be a positive integer, got {n_initial_trials!r}")
        if isinstance(threshold_ratio, bool) or not isinstance(threshold_ratio, (int, float)) \
                or not 0 < threshold_ratio < math.inf:
            raise ValueError(f"threshold_ratio must be a positive finite number, got {threshold_ratio!r}")
        self._paired_improvement_evaluator = paired_improvement_evaluator or RegretBoundEvaluator()
        self._warm_up_trials = warm_up_trials
        self._n_initial_trials = n_initial_trials
        self._threshold_ratio = float(threshold_ratio)
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        if self._threshold is not None:
            return self._threshold
        done = sorted(_complete(trials), key=lambda t: t.number)
        start, stop = self._warm_up_trials, self._warm_up_trials + self._n_initial_trials
        if len(done) < stop:
            return -sys.float_info.min  # Optuna's "not yet": below any improvement, which is >= 0
        early = sorted(self._paired_improvement_evaluator.evaluate(done[start:end], study_direction)
                       for end in range(start + 1, stop + 1))
        self._threshold = min(sys.float_info.max, early[len(early) // 2] * self._threshold_ratio)
        return self._threshold


def report_cross_validation_scores(trial: Trial, scores: Sequence[float]) -> None:
    """Keep the objective's fold scores on the trial for :class:`CrossValidationErrorEvaluator`."""
    values = [float(s) for s in scores]
    if len(values) <= 1:
        raise ValueError(f"scores must hold two or more cross-validation scores, got {len(values)}")
    trial.set_system_attr(_CV_SCORES_KEY, values)


class BaseTerminator(abc.ABC):
    """A rule deciding whether a study should stop: ``should_terminate(study) -> bool``."""

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool: ...


class Terminator(BaseTerminator):
    """Decide whether a study should stop: once it has ``min_n_trials`` COMPLETE trials, when the
    improvement evaluator's value (default: :class:`RegretBoundEvaluator`) is below the error
    evaluator's (default: :class:`CrossValidationErrorEvaluator`, or ``StaticErrorEvaluator(0)``
    with :class:`BestValueStagnationEvaluator`)."""

    def __init__(self, improvement_evaluator: BaseImprovementEvaluator | None = None,
                 error_evaluator: BaseErrorEvaluator | None = None, min_n_trials: int = DEFAULT_MIN_N_TRIALS) -> None:
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials <= 0:
            raise ValueError(f"min_n_trials must be a positive integer, got {min_n_trials!r}")
        self._improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        self._error_evaluator = error_evaluator or _default_error_evaluator(self._improvement_evaluator)
        self._min_n_trials = min_n_trials

    def should_terminate(self, study: Study) -> bool:
        if len(study.get_trials(states=(TrialState.COMPLETE,))) < self._min_n_trials:
            return False
        trials = study.trials
        improvement = self._improvement_evaluator.evaluate(trials=trials, study_direction=study.direction)
        error = self._error_evaluator.evaluate(trials=trials, study_direction=study.direction)
        return improvement < error


def _default_error_evaluator(improvement: BaseImprovementEvaluator) -> BaseErrorEvaluator:
    if isinstance(improvement, BestValueStagnationEvaluator):
        return StaticErrorEvaluator(constant=0)
    return CrossValidationErrorEvaluator()


class TerminatorCallback:
    """An ``optimize(callbacks=[...])`` callback that calls ``study.stop()`` when ``terminator``
    (default: ``Terminator()``) says the study should stop."""

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        self._terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study=study):
            _logger.info("The study has been stopped by the terminator.")
            study.stop()
