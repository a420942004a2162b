"""Stop a study once more trials are unlikely to beat the objective's own noise (Optuna's ``optuna.terminator``).

The rule of Makarova et al. 2022: a GP on the top trials bounds how much better than the best
trial the search could still get (:class:`RegretBoundEvaluator`); once that bound is below the
statistical error of the best trial's cross-validation score (:class:`CrossValidationErrorEvaluator`,
from the fold scores the objective reports with :func:`report_cross_validation_scores`), further
trials mostly fit noise and :class:`TerminatorCallback` stops the study. The check starts after
``min_n_trials`` (20) COMPLETE trials. :class:`BestValueStagnationEvaluator` is the simpler rule:
stop after that many trials without a new best. :class:`MedianErrorEvaluator` replaces the
noise estimate by a fraction of what the improvement evaluator said early in the study.

>>> import tunewise as tw
>>> from tunewise.terminator import BestValueStagnationEvaluator, Terminator, TerminatorCallback
>>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
>>> stop = TerminatorCallback(Terminator(BestValueStagnationEvaluator(max_stagnation_trials=5), min_n_trials=1))
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=200, callbacks=[stop])
>>> len(study.trials) < 200
True

Optuna's ``EMMREvaluator`` is a name only: constructing it raises ``NotImplementedError``, which
says what to use instead.
"""

from __future__ import annotations

from tunewise.terminator._terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    BaseTerminator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    EMMREvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
    Terminator,
    TerminatorCallback,
    report_cross_validation_scores,
)

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]

