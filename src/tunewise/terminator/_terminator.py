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
from collections.abc import Mapping, Sequence
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
    ``top_trials_ratio`` of the COMPLETE trials (at least ``min_n_trials`` of them).

    >>> import tunewise as tw
    >>> from tunewise.terminator import RegretBoundEvaluator
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> bound = RegretBoundEvaluator(seed=0).evaluate(study.trials, study.direction)
    >>> 0 <= bound < 1   # the values span [0, 1]: how much better than the best trial x may still be
    True
    """

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
        from tunewise._blas import single_threaded_blas
        from tunewise._gp_model import GPModel

        done = _complete(trials)
        if not done:
            raise ValueError("no trial has completed yet: the regret bound cannot be evaluated")
        space = intersection_search_space(done)
        if not space:
            raise ValueError("the COMPLETE trials share no parameter (empty intersection search space): "
                             "RegretBoundEvaluator needs one; use BestValueStagnationEvaluator instead")
        x_num, x_cat = _encode(space, done)
        values = np.array([float(t.value) for t in done]) * (1.0 if _maximize(study_direction) else -1.0)  # type: ignore[arg-type]

        n = len(values)
        top_n = int(np.clip(int(n * self._top_trials_ratio), self._min_n_trials, n))
        keep = values >= np.partition(values, n - top_n)[n - top_n]
        x_num, x_cat, top = x_num[keep], x_cat[keep], values[keep]
        scale = max(1e-10, float(top.std()))
        y = (top - top.mean()) / scale

        with single_threaded_blas():  # as the GP sampler's fit: small matrices, one BLAS thread
            model = GPModel(x_num, x_cat, y, warp=False)
            model.fit([model.layout.default()])
            bound = _standardized_regret_bound(model, space, x_num, x_cat, 0.1, self._rng, self._n_samples)
        return bound * scale


def _encode(space: Mapping[str, D.Distribution], trials: Sequence[FrozenTrial]) -> tuple[np.ndarray, np.ndarray]:
    """The trials' numeric parameters on the unit interval and categorical ones as category codes."""
    numeric = [name for name, d in space.items() if not isinstance(d, D.Categorical)]
    categorical = {name: d for name, d in space.items() if isinstance(d, D.Categorical)}
    n = len(trials)
    x_num = np.array([[space[name].to_unit(t.params[name]) for name in numeric] for t in trials]).reshape(n, -1)
    x_cat = np.array([[d.index(t.params[name]) for name, d in categorical.items()] for t in trials],
                     dtype=float).reshape(n, -1)
    return x_num, x_cat


def _standardized_regret_bound(model: Any, space: Mapping[str, D.Distribution], x_num: np.ndarray,
                               x_cat: np.ndarray, delta: float, rng: np.random.Generator, n_samples: int) -> float:
    """The GP's UCB maximum over the space minus its LCB maximum over the trials (targets maximized,
    standardized), GP-UCB's beta (Srinivas et al. 2010) for ``delta`` scaled by 1/5, as Optuna's."""
    beta = 2.0 * math.log(len(space) * len(x_num) ** 2 * math.pi**2 / 6.0 / delta) / 5.0
    mu, sd = model.predict(x_num, x_cat)
    lcb = float(np.max(mu - math.sqrt(beta) * sd))
    ucb = float(np.max(mu + math.sqrt(beta) * sd))
    # UCB's maximum over the space, by random search (as Optuna's optimize_acqf_sample).
    categorical = [d for d in space.values() if isinstance(d, D.Categorical)]
    s_num = rng.random((n_samples, len(space) - len(categorical)))
    s_cat = np.column_stack([rng.integers(0, d.n_values, n_samples) for d in categorical]).astype(float) \
        if categorical else np.zeros((n_samples, 0))
    mu_s, sd_s = model.predict(s_num, s_cat)
    return max(ucb, float(np.max(mu_s + math.sqrt(beta) * sd_s))) - lcb


_DO_NOT_TERMINATE = sys.float_info.max * 0.1  # Optuna's "never stop" improvement (with its margin)
_MINIMUM_NOISE_VAR = 1e-6  # Optuna's lambda^-1 in the EMMR bound (its GP's minimum noise variance)


class EMMREvaluator(BaseImprovementEvaluator):
    """Optuna's expected minimum model regret (Ishibashi et al. 2023, AISTATS, "A stopping criterion for
    Bayesian optimization by the gap of expected minimum simple regrets", Algorithm 1): an upper bound on
    how much the expected minimum simple regret changed with the latest trial, from GPs fitted to the
    COMPLETE trials before it and with it. Pair it with :class:`MedianErrorEvaluator` (Optuna's pairing).

    Below ``min_n_trials`` COMPLETE trials (or without a parameter all of them share) the answer is a huge
    number: no stop. ``deterministic_objective=True`` warns: tunewise's GP always fits its noise level
    (Optuna's fixes it at its minimum). Bound terms are Optuna's: Theorem 1's mean shift and Gaussian
    terms between the best points of the two GPs, and eq. 4's information gain of the newest trial times
    the previous GP's regret bound (``delta`` as in :class:`RegretBoundEvaluator`).

    >>> import tunewise as tw
    >>> from tunewise.terminator import EMMREvaluator, MedianErrorEvaluator, Terminator
    >>> emmr = EMMREvaluator(seed=0)
    >>> terminator = Terminator(emmr, MedianErrorEvaluator(emmr), min_n_trials=5)
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=8)
    >>> emmr.evaluate(study.trials, study.direction) >= 0, terminator.should_terminate(study)
    (True, False)
    """

    def __init__(self, deterministic_objective: bool = False, delta: float = 0.1, min_n_trials: int = 2,
                 seed: int | None = None) -> None:
        if isinstance(min_n_trials, bool) or not isinstance(min_n_trials, int) or min_n_trials <= 1:
            raise ValueError(f"min_n_trials must be an integer of at least 2, got {min_n_trials!r}")
        if isinstance(delta, bool) or not isinstance(delta, (int, float)) or not 0 < delta < 1:
            raise ValueError(f"delta must be in (0, 1), got {delta!r}")
        if deterministic_objective:
            import warnings

            warnings.warn("EMMREvaluator(deterministic_objective=True): tunewise's GP always fits its noise level "
                          "(Optuna's fixes it at 1e-6); the bound may stop later than Optuna's", UserWarning,
                          stacklevel=2)
        self._deterministic = deterministic_objective
        self._delta = float(delta)
        self.min_n_trials = min_n_trials
        self._rng = np.random.default_rng(seed)
        self._n_samples = 2048

    def evaluate(self, trials: list[FrozenTrial], study_direction: Any) -> float:
        from scipy.stats import norm

        from tunewise._blas import single_threaded_blas
        from tunewise._gp_model import GPModel

        done = _complete(trials)
        if len(done) < self.min_n_trials:
            return _DO_NOT_TERMINATE
        space = intersection_search_space(done)
        if not space:
            _logger.warning("EMMREvaluator: the COMPLETE trials share no parameter, so the study is never "
                            "terminated by it")
            return _DO_NOT_TERMINATE
        x_num, x_cat = _encode(space, done)
        sign = 1.0 if _maximize(study_direction) else -1.0
        scores = np.array([float(t.value) for t in done]) * sign  # type: ignore[arg-type]
        finite = np.isfinite(scores)
        if not finite.all():  # Optuna clips infinities to the finite extremes before fitting
            scores = np.clip(scores, scores[finite].min() if finite.any() else 0.0,
                             scores[finite].max() if finite.any() else 0.0)
        y = (scores - scores.mean()) / max(sys.float_info.min, float(scores.std()))

        with single_threaded_blas():  # as the GP sampler's fit: small matrices, one BLAS thread
            gp_t1 = GPModel(x_num[:-1], x_cat[:-1], y[:-1], warp=False)  # up to trial t-1
            theta_t1 = gp_t1.fit([gp_t1.layout.default()])
            gp_t = GPModel(x_num, x_cat, y, warp=False)  # up to trial t
            gp_t.fit([theta_t1, gp_t.layout.default()])
            best_t, best_t1 = int(np.argmax(y)), int(np.argmax(y[:-1]))
            pair = [best_t, best_t1]
            mu_pair, cov_pair = gp_t.predict_joint(x_num[pair], x_cat[pair])
            mu_t_best_t, var_t_best_t, var_t_best_t1 = mu_pair[0], cov_pair[0, 0], cov_pair[1, 1]
            mu_t1_best_t1 = float(gp_t1.predict(x_num[[best_t1]], x_cat[[best_t1]])[0][0])
            mu_last, sd_last = gp_t.predict(x_num[[-1]], x_cat[[-1]])  # the newest trial, as Optuna evaluates it
            mu_new, var_new = float(mu_last[0]), float(sd_last[0]) ** 2
            kappa_t1 = _standardized_regret_bound(gp_t1, space, x_num[:-1], x_cat[:-1], self._delta, self._rng,
                                                  self._n_samples)

        # Theorem 1: the shift between the two GPs' best predicted values, and its Gaussian terms.
        v = math.sqrt(max(1e-10, var_t_best_t - 2.0 * cov_pair[0, 1] + var_t_best_t1))
        g = (mu_t_best_t - mu_t1_best_t1) / v
        term1 = mu_t1_best_t1 - mu_t_best_t
        term2 = v * float(norm.pdf(g))
        term3 = v * g * float(norm.cdf(g))
        # Eq. 4: the KL divergence between the two posteriors bounded by the newest trial's information.
        noise = _MINIMUM_NOISE_VAR
        kl = (0.5 * math.log(1.0 + var_new / noise) - 0.5 * var_new / (var_new + noise)
              + 0.5 * var_new * (y[-1] - mu_new) ** 2 / (var_new + noise) ** 2)
        term4 = kappa_t1 * math.sqrt(0.5 * kl)
        return min(sys.float_info.max * 0.5, float(term1 + term2 + term3 + term4))


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """``max_stagnation_trials`` minus the number of COMPLETE trials since the best one: the study
    stops (with the default ``StaticErrorEvaluator(0)``) after that many trials without progress.

    >>> import tunewise as tw
    >>> from tunewise.terminator import BestValueStagnationEvaluator
    >>> study = tw.create_study()
    >>> study.optimize(lambda t: float(t.number), n_trials=6)   # the best is trial 0, 5 trials ago
    >>> BestValueStagnationEvaluator(max_stagnation_trials=3).evaluate(study.trials, study.direction)
    -2.0
    """

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
    corrected variance, ``(1/k + 1/(k-1)) * var(scores)``).

    >>> import tunewise as tw
    >>> from tunewise.terminator import CrossValidationErrorEvaluator, report_cross_validation_scores
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     scores = [0.80 + 0.01 * k - 0.1 * x for k in range(5)]   # one score per fold
    ...     report_cross_validation_scores(trial, scores)
    ...     return sum(scores) / len(scores)
    >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=3)
    >>> round(CrossValidationErrorEvaluator().evaluate(study.trials, study.direction), 4)
    0.0095
    """

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
    """A fixed error: stop once the improvement evaluator's value falls below ``constant``.

    >>> from tunewise.terminator import RegretBoundEvaluator, StaticErrorEvaluator, Terminator
    >>> StaticErrorEvaluator(0.05).evaluate([], "minimize")
    0.05
    >>> terminator = Terminator(RegretBoundEvaluator(), StaticErrorEvaluator(0.05))   # stop below a 0.05 bound
    """

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
    """Keep the objective's fold scores on the trial for :class:`CrossValidationErrorEvaluator`.

    >>> import tunewise as tw
    >>> from tunewise.terminator import report_cross_validation_scores
    >>> study = tw.create_study()
    >>> trial = study.ask()
    >>> report_cross_validation_scores(trial, [0.81, 0.79, 0.80])
    >>> _ = study.tell(trial, 0.80)
    >>> study.trials[0].system_attrs["terminator:cv_scores"]
    [0.81, 0.79, 0.8]
    """
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
    with :class:`BestValueStagnationEvaluator`).

    >>> import tunewise as tw
    >>> from tunewise.terminator import BestValueStagnationEvaluator, Terminator
    >>> study = tw.create_study()
    >>> study.optimize(lambda t: float(t.number), n_trials=6)   # no progress after trial 0
    >>> Terminator(BestValueStagnationEvaluator(max_stagnation_trials=3), min_n_trials=1).should_terminate(study)
    True
    """

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
        trials = study.get_trials(deepcopy=False)
        improvement = self._improvement_evaluator.evaluate(trials=trials, study_direction=study.direction)
        error = self._error_evaluator.evaluate(trials=trials, study_direction=study.direction)
        return improvement < error


def _default_error_evaluator(improvement: BaseImprovementEvaluator) -> BaseErrorEvaluator:
    if isinstance(improvement, BestValueStagnationEvaluator):
        return StaticErrorEvaluator(constant=0)
    return CrossValidationErrorEvaluator()


class TerminatorCallback:
    """An ``optimize(callbacks=[...])`` callback that calls ``study.stop()`` when ``terminator``
    (default: ``Terminator()``) says the study should stop.

    >>> import tunewise as tw
    >>> from tunewise.terminator import BestValueStagnationEvaluator, Terminator, TerminatorCallback
    >>> stop = TerminatorCallback(Terminator(BestValueStagnationEvaluator(max_stagnation_trials=3), min_n_trials=1))
    >>> study = tw.create_study()
    >>> study.optimize(lambda t: float(t.number), n_trials=50, callbacks=[stop])
    >>> len(study.trials)   # trial 0 stays the best; stopped once 4 trials have not beaten it
    5
    """

    def __init__(self, terminator: BaseTerminator | None = None) -> None:
        self._terminator = terminator or Terminator()

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if self._terminator.should_terminate(study=study):
            _logger.info("The study has been stopped by the terminator.")
            study.stop()
