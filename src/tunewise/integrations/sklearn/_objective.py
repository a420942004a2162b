"""cross_validate_objective: k-fold CV inside a define-by-run objective, with fold-wise pruning."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from tunewise import distributions as D
from tunewise.exceptions import TrialPruned
from tunewise.integrations.sklearn._space import check_estimator_params
from tunewise.integrations.sklearn._validation import (
    check_error_score,
    fit_and_score,
    make_splits,
    resolve_scoring,
)
from tunewise.trial import Trial

__all__ = ["cross_validate_objective"]


def cross_validate_objective(
    estimator: Any,
    X: Any,
    y: Any = None,
    *,
    trial: Trial | None = None,
    params: Mapping[str, Any] | None = None,
    cv: Any = 5,
    scoring: Any = None,
    groups: Any = None,
    n_jobs: int | None = None,
    fit_params: Mapping[str, Any] | None = None,
    error_score: Any = "raise",
    prune: bool = True,
) -> Any:
    """Mean cross-validated score of ``estimator`` with ``params``: the body of a CV objective.

    ``params`` maps estimator parameter names (``C``, ``clf__C`` in a Pipeline) to fixed values or
    to tunewise distributions, which are suggested from ``trial``. With a ``trial``, the running
    mean after each fold is reported (step = fold index) and, when the study's scheduler says so
    (and ``prune``), :class:`tunewise.TrialPruned` is raised, so a bad configuration stops after a
    fold or two. The fold scores are kept on the trial as user attribute ``cv_scores`` (a list; a dict of
    lists by metric name with several metrics).

    ``scoring`` is a scorer name, a callable, or a list/dict of them; with several metrics the
    function returns a tuple of means (one per metric, for a multi-objective study) and reports the
    first. Folds come from ``cv`` (an int, a splitter, or an iterable of splits) and are the same in
    every call for a deterministic splitter.

    >>> import tunewise as tw
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> def objective(trial):
    ...     return tw.cross_validate_objective(
    ...         LogisticRegression(max_iter=500), X, y, trial=trial,
    ...         params={"C": tw.loguniform(1e-3, 1e2)}, cv=3)
    >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=4)
    >>> study.best_value > 0.9
    True
    """
    from joblib import Parallel, delayed, effective_n_jobs
    from sklearn.base import clone, is_classifier
    from sklearn.utils.validation import indexable

    if trial is not None and not isinstance(trial, Trial):
        raise TypeError(f"trial must be a tunewise Trial or None, got {trial!r}")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of estimator parameter -> value or distribution, got {params!r}")
    error_score = check_error_score(error_score)
    values: dict[str, Any] = {}
    for name, spec in (params or {}).items():
        if isinstance(spec, (D.Float, D.Int, D.Categorical)):
            if trial is None:
                raise ValueError(
                    f"params[{name!r}] is a distribution ({spec!r}) but no trial was given to suggest it: "
                    "pass trial=trial, or a fixed value"
                )
            values[name] = trial.suggest(name, spec)
        else:
            values[name] = spec
    check_estimator_params(estimator, list(values))
    scorers, multimetric = resolve_scoring(scoring, estimator)
    X, y, groups = indexable(X, y, groups)
    splits = make_splits(cv, X, y, groups, is_classifier(estimator))
    est = clone(estimator).set_params(**values)
    first = next(iter(scorers))
    jobs = 1 if n_jobs is None else effective_n_jobs(n_jobs)
    batch = jobs if (trial is not None and prune) else len(splits)
    results: list[dict[str, Any]] = []

    def record() -> None:
        if trial is not None:
            scores = {m: [None if math.isnan(r["test"][m]) else r["test"][m] for r in results] for m in scorers}
            trial.set_user_attr("cv_scores", scores if multimetric else scores[first])

    for b0 in range(0, len(splits), batch):
        folds = list(range(b0, min(b0 + batch, len(splits))))
        args = [(clone(est), X, y, splits[k][0], splits[k][1], scorers, fit_params or {}) for k in folds]
        kw = {"return_train_score": False, "error_score": error_score, "params": values}
        if jobs == 1 or len(folds) == 1:
            out = [fit_and_score(*a, fold=k, **kw) for a, k in zip(args, folds, strict=True)]
        else:
            out = Parallel(n_jobs=min(jobs, len(folds)))(
                delayed(fit_and_score)(*a, fold=k, **kw) for a, k in zip(args, folds, strict=True))
        stop = False
        for k, r in zip(folds, out, strict=True):
            results.append(r)
            if trial is None:
                continue
            running = float(np.mean([q["test"][first] for q in results]))
            if math.isnan(running):
                continue
            trial.report(running, step=k)
            if prune and len(results) < len(splits) and trial.should_prune():
                stop = True
        if stop:
            record()
            raise TrialPruned(f"pruned after {len(results)} of {len(splits)} folds "
                              f"(running mean {first}={np.mean([q['test'][first] for q in results]):.5g})")
    record()
    means = tuple(float(np.mean([r["test"][m] for r in results])) for m in scorers)
    return means if multimetric else means[0]
