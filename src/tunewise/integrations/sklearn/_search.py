"""SearchCV: a scikit-learn meta-estimator whose search runs as a tunewise study."""

from __future__ import annotations

import inspect
import math
import numbers
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils.metaestimators import available_if

from tunewise.exceptions import SearchExhausted
from tunewise.integrations.sklearn._space import (
    Dimension,
    check_estimator_params,
    check_sklearn_space,
    convert_space,
    grid_size,
    merge_spaces,
)
from tunewise.integrations.sklearn._validation import (
    check_error_score,
    fit_and_score,
    make_splits,
    resolve_scoring,
)
from tunewise.schedulers import StepPruner
from tunewise.schedulers._base import Scheduler
from tunewise.trial import TrialState

__all__ = ["SearchCV"]

_STRATEGIES = ("auto", "grid", "random", "tpe", "gp")
_CV_ATTR = "sklearn_cv"  # user attr holding a trial's fold scores and times
_DEFAULT_N_TRIALS = 10  # RandomizedSearchCV's n_iter default, for users switching over


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    """For available_if: the fitted best estimator (or, before fit, the estimator) has ``attr``."""

    def check(self: SearchCV) -> bool:
        if hasattr(self, "best_estimator_"):
            getattr(self.best_estimator_, attr)
            return True
        getattr(self.estimator, attr)
        return True

    return check


def _seed_from(random_state: Any) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    raise ValueError(f"random_state must be None, an int, or a numpy RandomState/Generator, got {random_state!r}")


def _named_sampler(class_name: str, strategy: str, seed: int | None) -> Any:
    from tunewise import samplers

    cls = getattr(samplers, class_name, None)
    if cls is None:
        raise RuntimeError(
            f"strategy={strategy!r} needs tunewise.samplers.{class_name}, which this installation of tunewise "
            "does not provide; use strategy='random' or strategy='grid'"
        )
    try:
        accepts_seed = "seed" in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        accepts_seed = False
    return cls(seed=seed) if accepts_seed else cls()


def _to_json_float(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _from_json_float(x: float | None) -> float:
    return float("nan") if x is None else float(x)


class SearchCV(MetaEstimatorMixin, BaseEstimator):
    """Hyperparameter search with cross-validation, run as a tunewise study.

    A drop-in for ``GridSearchCV`` / ``RandomizedSearchCV``: the same ``fit`` / ``predict`` /
    ``cv_results_`` contract, with model-based strategies (TPE, GP) and fold-wise pruning.
    ``SearchCV(est, param_grid=...)`` and ``SearchCV(est, param_distributions=..., n_iter=...)``
    take scikit-learn's arguments with scikit-learn's meaning: the same configurations, in the
    same order, as ``GridSearchCV`` / ``RandomizedSearchCV`` (with the same ``random_state``).

    Parameters
    ----------
    estimator : a scikit-learn estimator (or Pipeline; name nested parameters ``step__param``).
    param_space : dict of parameter name -> tunewise distribution (``tw.loguniform(1e-3, 1e3)``),
        list of values (a grid axis), or frozen ``scipy.stats`` distribution.
    param_grid : instead of ``param_space``, ``GridSearchCV``'s argument: a dict of name -> list
        of values, or a list of such dicts; every point of every grid runs, in
        ``ParameterGrid``'s order (``strategy`` must be ``"auto"`` or ``"grid"``).
    param_distributions : instead of ``param_space``, ``RandomizedSearchCV``'s argument: a dict
        (or list of dicts) of name -> list of values or frozen ``scipy.stats`` distribution. With
        ``strategy="auto"`` or ``"random"``, ``n_iter`` configurations drawn by scikit-learn's
        ``ParameterSampler`` (lists without replacement when all are lists); with ``"tpe"`` or
        ``"gp"``, the same space searched model-based.
    strategy : ``"auto"`` (grid when the whole finite grid fits in ``n_trials``, else
        ``AutoSampler`` / TPE / random, the best one installed), ``"grid"``, ``"random"``,
        ``"tpe"`` or ``"gp"``.
    n_trials : number of configurations to try (None: the whole grid for a finite space, else 10).
    n_iter : ``RandomizedSearchCV``'s name for ``n_trials`` (give one of them).
    cv, scoring, refit, error_score, return_train_score : as in ``GridSearchCV``; ``scoring`` may
        be a list or dict for several metrics, with ``refit`` naming the one to optimize.
    n_jobs : folds of one configuration run in parallel with joblib (None/1: sequentially).
    pruning : False, ``"median"`` (stop a configuration whose running mean over the first folds is
        below the median of finished ones at the same fold), ``"halving"`` (successive halving over
        folds), True (= ``"halving"``) or a tunewise ``Scheduler``.
    random_state : seed of the sampler (the folds are fixed by ``cv``).
    storage, study_name : persist the study (``"sqlite:///search.db"``); fitting again with the same
        name resumes it and ``cv_results_`` includes the earlier trials.
    timeout : stop starting new configurations after this many seconds.
    callbacks : study callbacks ``cb(study, frozen_trial)`` run after each configuration (for
        example :class:`tunewise.integrations.mlflow.MLflowCallback`).
    verbose : 0 silent, 1 one line per configuration, 2 one line per fold.

    Attributes
    ----------
    best_params_, best_score_, best_index_, best_estimator_, cv_results_, n_splits_, refit_time_,
    scorer_, multimetric_, classes_, n_features_in_, study_ (the :class:`tunewise.Study`),
    strategy_ (the strategy actually used).

    Examples
    --------
    >>> import tunewise as tw
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from tunewise.integrations.sklearn import SearchCV
    >>> X, y = load_iris(return_X_y=True)
    >>> search = SearchCV(LogisticRegression(max_iter=500), {"C": tw.loguniform(1e-2, 1e2)},
    ...                   strategy="random", n_trials=5, cv=3, random_state=0).fit(X, y)
    >>> sorted(search.best_params_)
    ['C']
    >>> search.best_score_ > 0.9
    True
    """

    # Fitted attributes (set by fit); declared so type checkers know them.
    best_index_: int
    best_params_: dict[str, Any]
    best_score_: float
    scorer_: Any

    def __init__(
        self,
        estimator: Any,
        param_space: Mapping[str, Any] | None = None,
        *,
        param_grid: Any = None,
        param_distributions: Any = None,
        n_iter: int | None = None,
        strategy: str = "auto",
        n_trials: int | None = None,
        cv: Any = 5,
        scoring: Any = None,
        refit: bool | str | Callable[[dict[str, Any]], int] = True,
        n_jobs: int | None = None,
        pruning: bool | str | Scheduler = False,
        error_score: Any = np.nan,
        return_train_score: bool = False,
        random_state: Any = None,
        storage: Any = None,
        study_name: str | None = None,
        timeout: float | None = None,
        callbacks: Any = None,
        verbose: int = 0,
    ) -> None:
        self.estimator = estimator
        self.param_space = param_space
        self.param_grid = param_grid
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.strategy = strategy
        self.n_trials = n_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.n_jobs = n_jobs
        self.pruning = pruning
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.random_state = random_state
        self.storage = storage
        self.study_name = study_name
        self.timeout = timeout
        self.callbacks = callbacks
        self.verbose = verbose

    # ---- scikit-learn contract ----------------------------------------------------------
    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        sub = get_tags(self.estimator)
        tags.estimator_type = sub.estimator_type
        tags.classifier_tags = sub.classifier_tags
        tags.regressor_tags = sub.regressor_tags
        tags.input_tags.pairwise = sub.input_tags.pairwise
        tags.input_tags.sparse = sub.input_tags.sparse
        tags.array_api_support = sub.array_api_support
        return tags

    # ---- validation of the settings -------------------------------------------------------
    def _n_trials(self) -> int | None:
        """``n_trials``, or ``n_iter`` (RandomizedSearchCV's name for it)."""
        for name in ("n_trials", "n_iter"):
            n = getattr(self, name)
            if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
                raise ValueError(f"{name} must be a positive integer or None, got {n!r}")
        if self.n_trials is not None and self.n_iter is not None and self.n_trials != self.n_iter:
            raise ValueError(f"n_trials={self.n_trials!r} and n_iter={self.n_iter!r} are the same setting "
                             f"(n_iter is RandomizedSearchCV's name): give one of them")
        n = self.n_trials if self.n_trials is not None else self.n_iter
        return None if n is None else int(n)

    def _space(self) -> tuple[Any, list[dict[str, Any]] | None, str]:
        """The param_space to search, the configurations scikit-learn would run (param_grid, or
        param_distributions with strategy auto/random) in its order or None, and which it was."""
        given = [name for name in ("param_space", "param_grid", "param_distributions")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            raise TypeError(
                "give the search space once: param_space (tunewise), param_grid (GridSearchCV's meaning) or "
                "param_distributions (RandomizedSearchCV's meaning)"
                + (f"; got {' and '.join(given)}" if given else "; got none"))
        if given[0] == "param_space":
            space = self.param_space
            if isinstance(space, (list, tuple)) and space and all(isinstance(d, Mapping) for d in space):
                # GridSearchCV(est, [grid, grid]) / RandomizedSearchCV(est, [dists, dists]) positionally.
                all_lists = all(isinstance(v, (list, tuple, np.ndarray, range)) for d in space for v in d.values())
                kind = "param_grid" if all_lists else "param_distributions"
                return type(self)(**{**self.get_params(deep=False), "param_space": None, kind: space})._space()
            return space, None, "param_space"
        from sklearn.model_selection import ParameterGrid, ParameterSampler

        if given[0] == "param_grid":
            if self.strategy not in ("auto", "grid"):
                raise ValueError(f"param_grid runs every point of the grid (GridSearchCV's meaning), so strategy "
                                 f"must be 'auto' or 'grid', got {self.strategy!r}; to sample the same values "
                                 f"with {self.strategy!r}, pass them as param_space")
            grids = check_sklearn_space("param_grid", self.param_grid, grid=True)
            points = list(ParameterGrid(grids))
            n = self._n_trials()
            return merge_spaces(grids), points if n is None else points[:n], "grid"
        dists = check_sklearn_space("param_distributions", self.param_distributions, grid=False)
        if self.strategy in ("auto", "random"):
            n = self._n_trials() or _DEFAULT_N_TRIALS
            points = list(ParameterSampler(dists, n, random_state=self.random_state))
            return merge_spaces(dists), points, "random"
        if len(dists) > 1:
            raise ValueError(f"a list of param_distributions dicts is sampled one dict at a time "
                             f"(RandomizedSearchCV's meaning): use strategy='random' (or 'auto'), not "
                             f"{self.strategy!r}")
        return dists[0], None, "param_distributions"

    def _check_settings(self) -> tuple[dict[str, Dimension], Any, list[dict[str, Any]] | None, str]:
        if not hasattr(self.estimator, "fit") or not hasattr(self.estimator, "get_params"):
            raise TypeError(f"estimator must be a scikit-learn estimator (with fit and get_params), "
                            f"got {self.estimator!r}")
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy must be one of {list(_STRATEGIES)}, got {self.strategy!r}")
        self._n_trials()
        if self.timeout is not None and (isinstance(self.timeout, bool) or
                                         not isinstance(self.timeout, (int, float)) or self.timeout <= 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, got {self.timeout!r}")
        if not isinstance(self.verbose, (int, np.integer)) or isinstance(self.verbose, bool) or self.verbose < 0:
            raise ValueError(f"verbose must be a non-negative integer, got {self.verbose!r}")
        if self.n_jobs is not None and (not isinstance(self.n_jobs, (int, np.integer)) or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None, -1 or a positive integer, got {self.n_jobs!r}")
        error_score = check_error_score(self.error_score)
        if self.callbacks is not None and (not isinstance(self.callbacks, (list, tuple))
                                           or not all(callable(c) for c in self.callbacks)):
            raise TypeError(f"callbacks must be a list of callables cb(study, trial), got {self.callbacks!r}")
        space, points, kind = self._space()
        dims = convert_space(space)
        check_estimator_params(self.estimator, list(dims))
        return dims, error_score, points, kind

    def _make_pruner(self) -> Scheduler | None:
        p = self.pruning
        if p is False or p is None:
            return None
        if isinstance(p, Scheduler):
            return p
        if p is True or p == "halving":
            # eta=2 halves after 1, 2, 4... folds: with 5 folds, decisions after folds 1, 2 and 4.
            return StepPruner("halving", eta=2, n_startup_trials=4)
        if p == "median":
            return StepPruner("median", n_startup_trials=4)
        raise ValueError(f"pruning must be False, True, 'median', 'halving' or a tunewise Scheduler, got {p!r}")

    def _make_sampler(self, dims: Mapping[str, Dimension], seed: int | None) -> tuple[Any, str, int]:
        """The sampler, the strategy it implements, and the number of trials to run."""
        from tunewise.samplers import GridSampler, RandomSampler

        size = grid_size(dims)
        n_trials = self._n_trials()
        strategy = self.strategy
        if strategy == "auto":
            if size is not None and (n_trials is None or size <= n_trials):
                strategy = "grid"
            else:
                from tunewise import samplers

                for cls_name in ("AutoSampler", "TPESampler"):
                    if getattr(samplers, cls_name, None) is not None:
                        n = n_trials or _DEFAULT_N_TRIALS
                        return _named_sampler(cls_name, "auto", seed), f"auto:{cls_name}", n
                strategy = "random"
        if strategy == "grid":
            if size is None:
                infinite = [d.name for d in dims.values() if d.grid_values() is None]
                raise ValueError(
                    f"strategy='grid' needs a finite value list for every parameter, but {infinite} are continuous "
                    "distributions: give lists of values, or use strategy='random', 'tpe' or 'gp'"
                )
            sampler = GridSampler({d.name: d.grid_values() for d in dims.values()})  # type: ignore[misc]
            return sampler, "grid", size if n_trials is None else min(n_trials, size)
        n = n_trials or _DEFAULT_N_TRIALS
        if strategy == "random":
            return RandomSampler(seed=seed), "random", n
        if strategy == "tpe":
            return _named_sampler("TPESampler", "tpe", seed), "tpe", n
        return _named_sampler("GPSampler", "gp", seed), "gp", n

    # ---- fit ----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Run the search on ``X, y`` and (with ``refit``) fit the best configuration on all of it."""
        from sklearn.utils.validation import indexable

        import tunewise as tw

        dims, error_score, points, kind = self._check_settings()
        scorers, multimetric = resolve_scoring(self.scoring, self.estimator)
        refit_metric = self._check_refit(scorers, multimetric)
        X, y, groups = indexable(X, y, groups)
        splits = make_splits(self.cv, X, y, groups, is_classifier(self.estimator))
        n_splits = len(splits)
        if points is None:
            seed = _seed_from(self.random_state)
            sampler, strategy_used, n_trials = self._make_sampler(dims, seed)
        else:
            from tunewise.samplers import RandomSampler

            # Every configuration is scikit-learn's, queued in its order; the sampler only names the study's.
            sampler = RandomSampler(seed=0)
            strategy_used = kind
            n_trials = len(points)
        pruner = self._make_pruner()
        study = tw.create_study(name=self.study_name, storage=self.storage, direction="maximize",
                                sampler=sampler, scheduler=pruner, load_if_exists=self.study_name is not None)
        # Silent by default, as scikit-learn's searches: verbose= prints SearchCV's own lines, not
        # the study's line per trial.
        from tunewise.logging import trial_logger

        trial_logger(study).enabled = False
        self.study_ = study
        self.strategy_ = strategy_used
        self.multimetric_ = multimetric
        self.scorer_ = scorers if multimetric else scorers["score"]
        self.n_splits_ = n_splits

        base = clone(self.estimator)
        try:
            self._search(study, dims, points, n_trials, base, X, y, splits, scorers, refit_metric, error_score,
                         fit_params)
        except BaseException as error:
            self._end_callbacks(study, error)
            raise
        self._end_callbacks(study, None)

        self._build_results(study, dims, scorers, multimetric, n_splits)
        self._select_best(refit_metric, multimetric)
        if self.refit:
            est = clone(base).set_params(**clone(self.best_params_, safe=False))
            t0 = time.perf_counter()
            if y is None:
                est.fit(X, **fit_params)
            else:
                est.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - t0
            self.best_estimator_ = est
            if hasattr(est, "feature_names_in_"):
                self.feature_names_in_ = est.feature_names_in_
        return self

    def _end_callbacks(self, study: Any, error: BaseException | None) -> None:
        """Tell callbacks with ``on_optimize_end`` (MLflowCallback...) that the search ended, as
        ``study.optimize`` does."""
        for cb in self.callbacks or ():
            hook = getattr(cb, "on_optimize_end", None)
            if hook is not None:
                hook(study, error)

    def _search(self, study: Any, dims: Mapping[str, Dimension], points: list[dict[str, Any]] | None,
                n_trials: int, base: Any, X: Any, y: Any, splits: list[Any], scorers: Mapping[str, Any],
                refit_metric: str, error_score: Any, fit_params: Mapping[str, Any]) -> None:
        """Run the configurations: the sampler's, or scikit-learn's ``points`` in their order."""
        start = time.perf_counter()
        queue = self._queue(study, dims, points) if points is not None else None
        for i in range(n_trials):
            if self.timeout is not None and time.perf_counter() - start >= self.timeout:
                break
            if queue is not None:
                if i >= len(queue):
                    break  # the rest ran in an earlier fit of this study
                study.enqueue_trial(queue[i])
            try:
                trial = study.ask()
            except SearchExhausted:
                break
            if queue is not None:  # the queued configuration (or a retry another run left queued)
                names = [n for n in trial.system_attrs.get("fixed_params", queue[i]) if n in dims]
            else:
                names = list(dims)
            try:
                raw = {name: trial.suggest(name, dims[name].dist) for name in names}
            except SearchExhausted:
                study.tell(trial, state=TrialState.FAILED)
                break
            params = {name: dims[name].decode(v) for name, v in raw.items()}
            self._run_trial(study, trial, base, params, X, y, splits, scorers, refit_metric, error_score,
                            fit_params, i, n_trials)

    @staticmethod
    def _queue(study: Any, dims: Mapping[str, Dimension], points: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """scikit-learn's configurations in the study's encoding, less those a resumed study ran."""
        encoded = [{name: dims[name].encode(v) for name, v in point.items()} for point in points]
        done = [t.params for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED))]
        return [p for p in encoded if p not in done]

    def _check_refit(self, scorers: Mapping[str, Any], multimetric: bool) -> str:
        refit = self.refit
        if multimetric:
            if isinstance(refit, str):
                if refit not in scorers:
                    raise ValueError(f"refit={refit!r} is not one of the scoring metrics {list(scorers)}")
                return refit
            if refit is True:
                raise ValueError(
                    f"with several metrics {list(scorers)}, refit must name the metric to optimize and refit on "
                    "(refit='<metric>'), be a callable, or be False"
                )
            return next(iter(scorers))  # the first metric drives the search
        if not (isinstance(refit, bool) or callable(refit)):
            raise ValueError(f"refit must be True, False or a callable for a single metric, got {refit!r}")
        return "score"

    def _run_trial(self, study: Any, trial: Any, base: Any, params: dict[str, Any], X: Any, y: Any,
                   splits: list[Any], scorers: Mapping[str, Any], refit_metric: str, error_score: Any,
                   fit_params: Mapping[str, Any], i: int, n_trials: int) -> None:
        from joblib import Parallel, delayed, effective_n_jobs

        est = clone(base).set_params(**clone(params, safe=False))
        n_jobs = 1 if self.n_jobs is None else effective_n_jobs(self.n_jobs)
        # With pruning, folds run in batches of n_jobs and the running mean is reported after each
        # batch; without it, all folds go out at once.
        batch = n_jobs if study.scheduler is not None else len(splits)
        results: list[dict[str, Any]] = []
        pruned = False
        t0 = time.perf_counter()
        for b0 in range(0, len(splits), batch):
            folds = list(range(b0, min(b0 + batch, len(splits))))
            kwargs = {"return_train_score": self.return_train_score, "error_score": error_score, "params": params}
            if n_jobs == 1 or len(folds) == 1:
                out = [fit_and_score(clone(est), X, y, splits[k][0], splits[k][1], scorers, fit_params,
                                     fold=k, **kwargs) for k in folds]
            else:
                out = Parallel(n_jobs=min(n_jobs, len(folds)))(
                    delayed(fit_and_score)(clone(est), X, y, splits[k][0], splits[k][1], scorers, fit_params,
                                           fold=k, **kwargs) for k in folds)
            for k, r in zip(folds, out, strict=True):
                results.append(r)
                if self.verbose >= 2:
                    print(f"[SearchCV] trial {trial.number} fold {k + 1}/{len(splits)}: "
                          f"{refit_metric}={r['test'][refit_metric]:.5g} ({r['fit_time']:.2f}s)", file=sys.stdout)
                running = float(np.mean([q["test"][refit_metric] for q in results]))
                if not math.isnan(running):
                    trial.report(running, step=k)
                    # Ask after every fold so rung-based rules see each step they decide on.
                    if study.scheduler is not None and len(results) < len(splits) and trial.should_prune():
                        pruned = True
            if pruned:
                break
        record = {
            "test": {m: [_to_json_float(r["test"][m]) for r in results] for m in scorers},
            "train": ({m: [_to_json_float(r["train"][m]) for r in results] for m in scorers}
                      if self.return_train_score else None),
            "fit_time": [r["fit_time"] for r in results],
            "score_time": [r["score_time"] for r in results],
            "n_splits": len(splits),
            "errors": [r["error"] for r in results if r["error"]][:3],
        }
        trial.set_user_attr(_CV_ATTR, record)
        mean = float(np.mean([r["test"][refit_metric] for r in results]))
        if pruned:
            frozen = study.tell(trial, state=TrialState.PRUNED)
        elif math.isnan(mean) or math.isinf(mean):
            frozen = study.tell(trial, state=TrialState.FAILED)
        else:
            frozen = study.tell(trial, mean)
        for cb in self.callbacks or ():
            cb(study, frozen)
        if self.verbose >= 1:
            shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
            state = frozen.state.value
            score = "" if math.isnan(mean) else f" mean {refit_metric}={mean:.5g} over {len(results)} folds"
            print(f"[SearchCV] trial {i + 1}/{n_trials} #{trial.number} {state}{score} "
                  f"({time.perf_counter() - t0:.2f}s): {shown}", file=sys.stdout)

    # ---- results --------------------------------------------------------------------------
    def _build_results(self, study: Any, dims: Mapping[str, Dimension], scorers: Mapping[str, Any],
                       multimetric: bool, n_splits: int) -> None:
        rows = []
        for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED)):
            rec = t.user_attrs.get(_CV_ATTR)
            if not rec or rec.get("n_splits") != n_splits or set(rec["test"]) != set(scorers):
                continue  # a trial from another search in the same study
            try:
                # A list of grids: a configuration has the parameters of its own grid only.
                params = {name: dims[name].decode(v) for name, v in t.params.items() if name in dims}
            except (KeyError, ValueError):
                continue
            if not params:
                continue
            rows.append((t, rec, params))
        if not rows:
            raise ValueError("no configuration was evaluated: check n_trials / timeout and the study's trials")

        n = len(rows)
        res: dict[str, Any] = {}
        fit_times = np.full((n, n_splits), np.nan)
        score_times = np.full((n, n_splits), np.nan)
        for i, (_, rec, _) in enumerate(rows):
            fit_times[i, : len(rec["fit_time"])] = rec["fit_time"]
            score_times[i, : len(rec["score_time"])] = rec["score_time"]
        res["mean_fit_time"] = np.nanmean(fit_times, axis=1)
        res["std_fit_time"] = np.nanstd(fit_times, axis=1)
        res["mean_score_time"] = np.nanmean(score_times, axis=1)
        res["std_score_time"] = np.nanstd(score_times, axis=1)

        for name in dims:
            missing = np.array([name not in p for _, _, p in rows])
            if missing.all():
                continue
            values = [p.get(name) for _, _, p in rows]
            present = [v for v, m in zip(values, missing, strict=True) if not m]
            if all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present):
                arr = np.array([0 if m else v for v, m in zip(values, missing, strict=True)])
            else:
                arr = np.empty(n, dtype=object)
                arr[:] = values
            res[f"param_{name}"] = np.ma.MaskedArray(arr, mask=missing)
        res["params"] = [p for _, _, p in rows]

        states = [t.state for t, _, _ in rows]
        for metric in scorers:
            suffix = metric if multimetric else "score"
            for kind in ("test", "train"):
                if kind == "train" and not self.return_train_score:
                    continue
                scores = np.full((n, n_splits), np.nan)
                for i, (_, rec, _) in enumerate(rows):
                    vals = [_from_json_float(v) for v in (rec[kind] or {}).get(metric, [])]
                    scores[i, : len(vals)] = vals
                for k in range(n_splits):
                    res[f"split{k}_{kind}_{suffix}"] = scores[:, k]
                # Pruned configurations ran only their first folds: their mean is over those folds.
                done = ~np.isnan(scores)
                partial = np.array([s == TrialState.PRUNED for s in states])
                mean = np.where(partial, _nanmean_rows(scores), scores.mean(axis=1))
                std = np.where(partial, _nanstd_rows(scores), scores.std(axis=1))
                mean[~done.any(axis=1)] = np.nan
                res[f"mean_{kind}_{suffix}"] = mean
                res[f"std_{kind}_{suffix}"] = std
                if kind == "test":
                    res[f"rank_test_{suffix}"] = _rank(mean, partial)
        res["state"] = np.array([s.value for s in states], dtype=object)
        res["trial_number"] = np.array([t.number for t, _, _ in rows])
        self.cv_results_ = res

    def _select_best(self, refit_metric: str, multimetric: bool) -> None:
        res = self.cv_results_
        suffix = refit_metric if multimetric else "score"
        if callable(self.refit):
            index = self.refit(res)
            if not isinstance(index, (numbers.Integral, np.integer)) or not 0 <= index < len(res["params"]):
                raise ValueError(f"refit callable must return an index into cv_results_['params'], got {index!r}")
            self.best_index_ = int(index)
        else:
            complete = np.flatnonzero((res["state"] == "COMPLETE") & ~np.isnan(res[f"mean_test_{suffix}"]))
            if complete.size == 0:
                errors = [e for t in self.study_.get_trials() for e in t.user_attrs.get(_CV_ATTR, {}).get("errors", [])]
                why = f"; first error: {errors[0]}" if errors else ""
                raise ValueError(f"every configuration failed or was pruned: no finite mean_test_{suffix}{why}")
            self.best_index_ = int(complete[np.argmin(res[f"rank_test_{suffix}"][complete])])
            self.best_score_ = float(res[f"mean_test_{suffix}"][self.best_index_])
        self.best_params_ = dict(res["params"][self.best_index_])

    # ---- delegation to the refitted estimator ----------------------------------------------
    def _check_fitted(self, method: str) -> None:
        from sklearn.exceptions import NotFittedError

        if not self.refit:
            raise NotFittedError(f"this SearchCV was fit with refit=False: {method} needs refit=True (or a metric)")
        if not hasattr(self, "best_estimator_"):
            raise NotFittedError(f"this SearchCV is not fitted yet: call fit before {method}")

    @available_if(_estimator_has("predict"))
    def predict(self, X: Any) -> Any:
        """Predict with the refitted best estimator."""
        self._check_fitted("predict")
        return self.best_estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X: Any) -> Any:
        self._check_fitted("predict_proba")
        return self.best_estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X: Any) -> Any:
        self._check_fitted("predict_log_proba")
        return self.best_estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X: Any) -> Any:
        self._check_fitted("decision_function")
        return self.best_estimator_.decision_function(X)

    @available_if(_estimator_has("score_samples"))
    def score_samples(self, X: Any) -> Any:
        self._check_fitted("score_samples")
        return self.best_estimator_.score_samples(X)

    @available_if(_estimator_has("transform"))
    def transform(self, X: Any) -> Any:
        self._check_fitted("transform")
        return self.best_estimator_.transform(X)

    @available_if(_estimator_has("inverse_transform"))
    def inverse_transform(self, X: Any) -> Any:
        self._check_fitted("inverse_transform")
        return self.best_estimator_.inverse_transform(X)

    def score(self, X: Any, y: Any = None) -> float:
        """Score of the refitted best estimator with the refit metric's scorer."""
        self._check_fitted("score")
        if self.multimetric_:
            if not isinstance(self.refit, str):
                raise AttributeError("score() with several metrics needs refit='<metric name>' to know which to use")
            return float(self.scorer_[self.refit](self.best_estimator_, X, y))
        return float(self.scorer_(self.best_estimator_, X, y))

    @property
    def classes_(self) -> Any:
        self._check_fitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        if not hasattr(self, "best_estimator_"):
            raise AttributeError(f"{type(self).__name__} has n_features_in_ only after fit with refit")
        return int(self.best_estimator_.n_features_in_)


def _nanmean_rows(a: np.ndarray) -> np.ndarray:
    out = np.full(a.shape[0], np.nan)
    ok = ~np.isnan(a).all(axis=1)
    out[ok] = np.nanmean(a[ok], axis=1)
    return out


def _nanstd_rows(a: np.ndarray) -> np.ndarray:
    out = np.full(a.shape[0], np.nan)
    ok = ~np.isnan(a).all(axis=1)
    out[ok] = np.nanstd(a[ok], axis=1)
    return out


def _rank(mean: np.ndarray, partial: np.ndarray) -> np.ndarray:
    """1 = best. Complete configurations first, then pruned ones, then NaN; ties share the lowest rank."""
    group = np.where(np.isnan(mean), 2, np.where(partial, 1, 0))
    key = np.where(np.isnan(mean), 0.0, -mean)
    order = np.lexsort((key, group))
    ranks = np.empty(len(mean), dtype=np.int32)
    prev: tuple[int, float] | None = None
    for pos, idx in enumerate(order):
        cur = (int(group[idx]), float(key[idx]))
        if cur != prev:
            rank = pos + 1
            prev = cur
        ranks[idx] = rank
    return ranks
