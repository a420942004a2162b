"""SearchCV: a scikit-learn meta-estimator whose search runs as a tunewise study."""

from __future__ import annotations

import inspect
import json
import logging
import math
import numbers
import sys
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils.metaestimators import available_if

try:  # scikit-learn >= 1.9: set_callbacks and the task tree its callbacks see
    from sklearn.callback import CallbackSupportMixin as _CallbackSupport
    from sklearn.callback._callback_support import callback_management_context as _callback_management
except ImportError:  # pragma: no cover - older scikit-learn
    class _CallbackSupport:  # type: ignore[no-redef]
        """scikit-learn before 1.9 has no callback API: nothing to support."""

    def _callback_management(estimator: Any) -> Any:  # type: ignore[misc]
        return nullcontext()

from tunewise import _loop_api
from tunewise._finish_outcome import Refusal
from tunewise.exceptions import SearchExhausted, UpdateFinishedTrialError
from tunewise.integrations.sklearn._halving import (
    HALVING_SETTINGS,
    HalvingPlan,
    HalvingSettings,
    check_halving_settings,
    check_resources,
    plan_halving,
    smallest_resources,
    subsample_splits,
    survivors,
)
from tunewise.integrations.sklearn._space import (
    Dimension,
    check_drawn_value,
    check_estimator_params,
    check_sklearn_space,
    convert_space,
    drawn_parameters,
    grid_size,
    has_distribution,
    is_sklearn_space,
    merge_spaces,
    space_list,
)
from tunewise.integrations.sklearn._validation import (
    check_error_score,
    fit_and_score,
    make_splits,
    resolve_scoring,
    weighted_scorers,
)
from tunewise.schedulers import Scheduler, StepPruner
from tunewise.trial import TrialState

__all__ = ["SearchCV"]

_STRATEGIES = ("auto", "grid", "random", "tpe", "gp", "halving")
_CV_ATTR = "sklearn_cv"  # user attr holding a trial's fold scores and times
_DRAWN_ATTR = "sklearn_drawn"  # user attr holding the values drawn by parameters' own rvs
_DEFAULT_N_TRIALS = 10  # RandomizedSearchCV's n_iter default, for users switching over
_HALVING_ATTRIBUTES = frozenset({"n_resources_", "n_candidates_", "n_iterations_", "n_remaining_candidates_",
                                 "n_required_iterations_", "n_possible_iterations_", "min_resources_",
                                 "max_resources_"})


@dataclass(frozen=True)
class _Settings:
    """The validated search settings: the space's meaning (``"grid"``, ``"distributions"`` or
    ``"param_space"``), scikit-learn's dicts, the study's dimensions, the parameters drawn by
    their own ``rvs`` instead, and the halving settings."""

    kind: str
    dicts: list[dict[str, Any]] | None
    dims: dict[str, Dimension]
    error_score: Any
    halving: HalvingSettings | None
    n_trials: int | None
    drawn: dict[str, Any]  # name -> object with rvs(random_state=...): no dimension of the study
    what: str  # the argument the space came from, for messages
    # BayesSearchCV's list of spaces: each space's dimensions and its number of trials, run in order
    phases: list[tuple[dict[str, Dimension], int]] | None = None


@dataclass
class _Metrics:
    """The metrics of one fit and the one that drives the study. A single scoring callable may
    return a dict of metrics (scikit-learn's multi-metric callable): then its first result that
    is not a failure sets them (``learnt``), as scikit-learn reads them from its first fold."""

    names: list[str]
    multimetric: bool
    refit_metric: str
    from_callable: bool  # scoring is one callable: single or multi-metric is learnt from it
    learnt: bool


@dataclass(frozen=True)
class _Run:
    """What every trial of one fit is scored with."""

    base: Any
    X: Any
    y: Any
    splits: list[tuple[np.ndarray, np.ndarray]]
    scorers: Mapping[str, Any]
    metrics: _Metrics
    error_score: Any
    fit_params: Mapping[str, Any]
    return_train_score: bool
    weighted: frozenset[str]  # the metrics scored with the folds' sample_weight
    fits: list[str | None]  # every fit of this search: None, or the error that failed it
    score_params: Mapping[str, Mapping[str, Any]]  # metadata routed to each scorer (routing enabled)
    callback_ctx: Any = None  # the fit's root task of scikit-learn's callback API, None without it
    sampled: bool = False  # the study's sampler chooses the configurations (not scikit-learn's grid or draws)


def _routing_enabled() -> bool:
    """Whether ``sklearn.set_config(enable_metadata_routing=True)`` is in effect."""
    from sklearn import get_config

    return bool(get_config().get("enable_metadata_routing", False))


class _ScorerRouter:
    """Several scorers as one routing target, as scikit-learn's multi-metric scorer is: the
    metadata any of them requests is routed, each gets what it requested."""

    def __init__(self, scorers: Mapping[str, Any]) -> None:
        self._scorers = dict(scorers)

    def get_metadata_routing(self) -> Any:
        from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

        return MetadataRouter(owner=self).add(**self._scorers,
                                              method_mapping=MethodMapping().add(caller="score", callee="score"))


def _routing_scorer(scorers: Mapping[str, Any]) -> Any:
    """The scorer scikit-learn's router sees: the one scorer, or all of them together."""
    return scorers["score"] if list(scorers) == ["score"] else _ScorerRouter(scorers)


def _per_scorer(scorers: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Metadata routed to the scorers, split into what each one requested."""
    from sklearn.utils.metadata_routing import process_routing

    if list(scorers) == ["score"]:
        return {"score": dict(params)}
    routed = process_routing(_ScorerRouter(scorers), "score", **params)
    return {name: dict(routed[name].score) for name in scorers}


def _check_refit_given(search: SearchCV, attr: str) -> None:
    if not search.refit:
        raise AttributeError(
            f"This {type(search).__name__} instance was initialized with `refit=False`. {attr} is available only "
            f"after refitting on the best parameters: give refit=True (or, with several metrics, the metric's "
            f"name), or fit clone(search.estimator).set_params(**search.best_params_) yourself")


def _estimator_has(attr: str) -> Callable[[Any], bool]:
    """For available_if: the search refits and the fitted best estimator (or, before fit, the
    estimator) has ``attr``."""

    def check(self: SearchCV) -> bool:
        _check_refit_given(self, attr)
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


def _point_key(encoded: Mapping[str, Any]) -> str:
    """A configuration in the study's encoding, as a key that ignores the parameters' order."""
    return json.dumps(sorted(encoded.items()), default=repr)


def _originals(dims: Mapping[str, Dimension], points: Sequence[Mapping[str, Any]],
               drawn: Collection[str] = ()) -> dict[str, dict[str, Any]]:
    """scikit-learn's configurations by their key in the study's encoding, the values drawn by
    ``rvs`` (``drawn``) in it as the trial keeps them (JSON), so a configuration gets back the very
    objects ``ParameterSampler`` drew (``np.float64``, as in RandomizedSearchCV's ``params``)."""
    out: dict[str, dict[str, Any]] = {}
    for point in points:
        try:
            key = _point_key({**{name: dims[name].encode(v) for name, v in point.items() if name in dims},
                              **{name: _plain(v) for name, v in point.items() if name in drawn}})
        except (KeyError, ValueError):
            continue
        out.setdefault(key, dict(point))
    return out


def _configuration(originals: Mapping[str, dict[str, Any]], dims: Mapping[str, Dimension], raw: Mapping[str, Any],
                   drawn: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration of a trial with encoded values ``raw`` and ``drawn`` values: scikit-learn's
    own (:func:`_originals`) where it is one of its points, else ``raw`` decoded and ``drawn``."""
    return originals.get(_point_key({**raw, **drawn})) or {
        **{name: dims[name].decode(v) for name, v in raw.items()}, **drawn}


def _plain(value: Any) -> Any:
    """A drawn value as the trial keeps it (numpy scalars as Python's)."""
    return value.item() if isinstance(value, np.generic) else value


def _param_columns(params: Sequence[Mapping[str, Any]]) -> dict[str, np.ma.MaskedArray]:
    """``param_<name>`` masked arrays as scikit-learn builds them: names in order of first
    appearance, numpy's dtype for the values (object for strings and nested sequences), masked
    where a configuration lacks the parameter (a list of grids)."""
    names: dict[str, None] = {}
    for p in params:
        names.update(dict.fromkeys(p))
    out = {}
    for name in names:
        present = [(i, p[name]) for i, p in enumerate(params) if name in p]
        try:
            arr = np.array([v for _, v in present])
            dtype = arr.dtype if arr.dtype.kind != "U" and arr.ndim == 1 else np.dtype(object)
        except (ValueError, TypeError):
            dtype = np.dtype(object)
        column = np.ma.MaskedArray(np.empty(len(params), dtype=dtype), mask=True)
        for i, v in present:
            column[i] = v
        out[f"param_{name}"] = column
    return out


def _report_fold_scores(trial: Any, test: Mapping[str, list[float | None]], pruned: bool) -> None:
    """Also keep one metric's fold scores where Optuna's OptunaSearchCV keeps them (system attr
    ``terminator:cv_scores``), so the terminator and any Optuna-minded tool read them there. Only
    for a full run of one metric with every fold scored: the terminator's error estimate needs them all."""
    from tunewise.terminator import report_cross_validation_scores

    if pruned or len(test) != 1:
        return
    (scores,) = test.values()
    if len(scores) > 1 and all(s is not None for s in scores):
        report_cross_validation_scores(trial, [s for s in scores if s is not None])


class _NoStudyLines(logging.Filter):
    """Drops this thread's "A new study created", "AutoSampler plan" and "trial N failed" records: a
    search prints what scikit-learn's searches print and nothing else (the plan is kept in the study's
    system attributes). The first line is Optuna's, for studies a user creates;
    failed fits are summed up in one FitFailedWarning at the end of the search, as scikit-learn does (a
    wild script with 230 failing fits printed 46 extra log lines)."""

    def __init__(self) -> None:
        super().__init__()
        self.thread = threading.get_ident()

    def filter(self, record: logging.LogRecord) -> bool:
        msg = str(record.msg)
        return not (record.thread == self.thread
                    and (msg.startswith(("A new study created", "AutoSampler plan")) or msg == "trial %d failed: %s"))


@contextmanager
def _no_study_lines() -> Iterator[None]:
    logger = logging.getLogger("tunewise")
    quiet = _NoStudyLines()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _print_fitting(n_splits: int, n_candidates: int) -> None:
    """scikit-learn's first line with verbose > 0."""
    print(f"Fitting {n_splits} folds for each of {n_candidates} candidates, totalling {n_splits * n_candidates} fits")


def _phase_dims(phases: Sequence[tuple[dict[str, Dimension], int]], i: int) -> dict[str, Dimension]:
    """The dimensions of the space the ``i``-th trial of a list of spaces searches (the last space's
    after their sum)."""
    for dims, n in phases:
        if i < n:
            return dims
        i -= n
    return phases[-1][0]


def _to_json_float(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _from_json_float(x: float | None) -> float:
    return float("nan") if x is None else float(x)


class SearchCV(_CallbackSupport, MetaEstimatorMixin, BaseEstimator):
    """Hyperparameter search with cross-validation, run as a tunewise study.

    A drop-in for ``GridSearchCV``, ``RandomizedSearchCV``, ``HalvingGridSearchCV`` and
    ``HalvingRandomSearchCV``: the same ``fit`` / ``predict`` / ``cv_results_`` contract, with
    model-based strategies (TPE, GP), fold-wise pruning and storage. Replace the class name and
    keep the arguments: ``param_grid`` runs every point of the grid in ``ParameterGrid``'s order,
    ``param_distributions`` with ``n_iter`` the configurations ``ParameterSampler`` draws for the
    same ``random_state``, and ``factor`` / ``resource`` / ``min_resources`` / ``max_resources`` /
    ``aggressive_elimination`` / ``n_candidates`` successive halving with scikit-learn's schedule,
    so the same script selects the same candidates and reports the same ``cv_results_``.

    Parameters
    ----------
    estimator : a scikit-learn estimator (or Pipeline; name nested parameters ``step__param``,
        also below a searched step such as ``{"reduce_dim": [PCA(), NMF()], "reduce_dim__n_components": [2, 4]}``).
    param_space : the second positional argument. A dict of parameter name -> tunewise
        distribution (``tw.loguniform(1e-3, 1e3)``), list of values or frozen ``scipy.stats``
        distribution. When it holds only lists and scipy.stats distributions (scikit-learn's
        shape), ``n_trials`` is not given and ``strategy`` is ``"auto"``, ``"grid"`` or ``"random"``,
        it means what scikit-learn's positional argument means: with only lists and no ``n_iter``,
        ``param_grid`` (``GridSearchCV(est, grid)``); with ``n_iter`` or ``strategy="random"``,
        ``param_distributions`` (``RandomizedSearchCV(est, dists, n_iter=...)``). One dict holding a
        scipy.stats distribution, without ``n_iter``, is searched by the default sampler
        (``strategy="auto"``: ``AutoSampler``), as before.
        A list of dicts is always scikit-learn's. A dict of only lists given positionally to a
        ``RandomizedSearchCV`` call without ``n_iter`` (or ``HalvingRandomSearchCV`` without
        ``n_candidates``) is taken as a grid: name it ``param_distributions=`` to sample it.
        Otherwise it is searched by ``strategy`` (``"auto"``: model-based when not a small grid).
    param_grid : ``GridSearchCV``'s argument: a dict of name -> list of values, or a list of such
        dicts; every point of every grid runs, in ``ParameterGrid``'s order (``strategy`` must be
        ``"auto"``, ``"grid"`` or ``"halving"``).
    param_distributions : ``RandomizedSearchCV``'s argument: a dict (or list of dicts) of name ->
        list of values or frozen ``scipy.stats`` distribution. With ``strategy="auto"`` or
        ``"random"``, ``n_iter`` configurations drawn by scikit-learn's ``ParameterSampler`` (lists
        without replacement when all are lists); with ``"tpe"`` or ``"gp"``, the same space
        searched model-based. An object with only ``rvs(random_state=...)`` (a distribution class
        of one's own, as ``ParameterSampler`` takes) is drawn from, not searched: with
        ``ParameterSampler``'s draws the same values as ``RandomizedSearchCV``, under a model-based
        strategy one draw per trial from a RandomState seeded by ``random_state`` and the trial
        number. No sampler can model it (it is no dimension of the study): its values are kept on
        the trial as user attribute ``sklearn_drawn`` (so ``rvs`` must return JSON: a number, str,
        bool, None or a list/dict of them) and show in ``cv_results_`` and ``best_params_``.
    strategy : ``"auto"`` (grid when the whole finite grid fits in ``n_trials``, else
        ``AutoSampler`` / TPE / random, the best one installed; successive halving when a halving
        argument is given), ``"grid"``, ``"random"``, ``"tpe"``, ``"gp"`` or ``"halving"``.
    n_trials : number of configurations to try (None: the whole grid for a finite space, else 10).
    n_iter : ``RandomizedSearchCV``'s name for ``n_trials`` (give one of them).
    cv, scoring, refit, error_score, return_train_score, pre_dispatch : as in ``GridSearchCV``;
        ``scoring`` may be a list or dict for several metrics, with ``refit`` naming the one to
        optimize (with ``refit=False`` the first metric drives the study; a search written as
        scikit-learn's (see Attributes) then has no ``best_index_`` / ``best_params_`` /
        ``best_score_``, as scikit-learn's, otherwise they are the first metric's best).
        ``return_train_score=None`` (the default) is False, or True with successive halving (the
        Halving searches' default). A callable ``scoring`` may return one number or, as in
        scikit-learn, a dict ``{metric: number}`` (the names are read from its first scored fold;
        ``refit`` must then name one of them, be a callable or be False).
        With one metric, ``refit`` naming it means True. As in scikit-learn, ``fit(X, y,
        sample_weight=w)`` weights the fold scores too (scikit-learn >= 1.7), fit failures are summed
        up in one ``FitFailedWarning`` and raise ValueError when every fit failed, and with
        ``refit=False`` the search has no ``predict`` / ``predict_proba`` / ... at all.
    n_jobs : the folds of one configuration run in parallel with joblib (None/1: sequentially);
        configurations run one after another, so the study can choose each from the previous.
    factor, resource, max_resources, min_resources, aggressive_elimination, n_candidates :
        successive halving, with the meaning and defaults of ``HalvingGridSearchCV`` /
        ``HalvingRandomSearchCV`` (``factor=3``, ``resource="n_samples"``, ``max_resources="auto"``,
        ``min_resources="exhaust"`` for a grid and ``"smallest"`` for distributions,
        ``n_candidates="exhaust"``); giving any of them (or ``strategy="halving"``) runs it. Each
        candidate at each iteration is one trial of the study; ``cv_results_`` has a row per trial
        with ``iter`` and ``n_resources``, and the fitted search has ``n_resources_``,
        ``n_candidates_``, ``n_iterations_``, ``n_remaining_candidates_``, ``min_resources_``,
        ``max_resources_``, ``n_required_iterations_`` and ``n_possible_iterations_``. Halving
        takes one metric, and no ``n_trials`` / ``n_iter`` / ``timeout`` / ``pruning``. Where it
        differs from scikit-learn: the folds are split once, so ``cv`` need not give the same
        folds on every call (scikit-learn raises), ``factor`` must be above 1, a callable
        ``refit`` chooses ``best_index_`` (scikit-learn ignores it), and a halving study cannot be
        resumed (a ``study_name`` with trials raises).
    pruning : False, ``"median"`` (stop a configuration whose running mean over the first folds is
        below the median of finished ones at the same fold), ``"halving"`` (successive halving over
        folds), True (= ``"halving"``) or a tunewise ``Scheduler``.
    random_state : as in scikit-learn (it draws ``param_distributions`` and subsamples for
        halving); with a model-based strategy, the seed of the sampler (the folds are fixed by ``cv``).
    storage, study_name : persist the study (``"sqlite:///search.db"``); fitting again with the same
        name resumes it and ``cv_results_`` includes the earlier trials.
    timeout : stop starting new configurations after this many seconds.
    callbacks : study callbacks ``cb(study, frozen_trial)`` run after each configuration (for
        example :class:`tunewise.integrations.mlflow.MLflowCallback`).
    verbose : scikit-learn's lines (and no study-creation log line): 0 silent, > 0 "Fitting k folds
        for each of n candidates" (and the halving schedule), > 1 an END line per fold, > 2 with its
        fold and scores, > 9 with the candidate and a START line. When the study's sampler chooses the
        configurations (``param_space``), > 0 also prints one ``[SearchCV] trial`` line per configuration.
    set_callbacks : (scikit-learn >= 1.9) callbacks such as ``sklearn.callback.ProgressBar`` see
        GridSearchCV's task tree; see ``fit``.

    Attributes
    ----------
    best_params_, best_score_, best_index_, best_estimator_, cv_results_, n_splits_, refit_time_,
    scorer_, multimetric_, classes_, n_features_in_, the halving attributes above, study_ (the
    :class:`tunewise.Study`), strategy_ (the strategy actually used). ``cv_results_`` has
    scikit-learn's keys (``params`` holds the very values of the grid or the draws), and only those when
    the search is written as scikit-learn's (``param_grid`` / ``param_distributions`` / halving, no
    ``pruning``, ``storage`` or ``study_name``); otherwise also ``state`` (a row's trial state: COMPLETE,
    PRUNED, FAILED) and ``trial_number`` (its number in ``study_``).

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
    >>> bool(search.best_score_ > 0.9)
    True
    >>> halving = SearchCV(LogisticRegression(max_iter=500), param_grid={"C": [0.01, 0.1, 1.0, 10.0]},
    ...                    factor=2, cv=3).fit(X, y)
    >>> halving.n_candidates_, halving.n_resources_
    ([4, 2, 1], [37, 74, 148])
    """

    # Fitted attributes (set by fit); declared so type checkers know them.
    best_index_: int
    _row_states: np.ndarray  # each cv_results_ row's trial state ("COMPLETE", "PRUNED", "FAILED")
    best_params_: dict[str, Any]
    best_score_: float
    scorer_: Any

    def __init__(
        self,
        estimator: Any,
        param_space: Any = None,
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
        pre_dispatch: int | str = "2*n_jobs",
        pruning: bool | str | Scheduler = False,
        error_score: Any = np.nan,
        return_train_score: bool | None = None,
        random_state: Any = None,
        factor: float | None = None,
        resource: str | None = None,
        max_resources: int | str | None = None,
        min_resources: int | str | None = None,
        aggressive_elimination: bool | None = None,
        n_candidates: int | str | None = None,
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
        self.pre_dispatch = pre_dispatch
        self.pruning = pruning
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.random_state = random_state
        self.factor = factor
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.aggressive_elimination = aggressive_elimination
        self.n_candidates = n_candidates
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

    def _sk_visual_block_(self) -> Any:
        """The HTML diagram shows the refitted best estimator once there is one, as scikit-learn's searches do."""
        try:
            from sklearn.utils._repr_html.estimator import _VisualBlock
        except ImportError:  # scikit-learn < 1.7
            from sklearn.utils._estimator_html_repr import _VisualBlock
        key, estimator = (("best_estimator_", self.best_estimator_) if "best_estimator_" in self.__dict__
                          else ("estimator", self.estimator))
        return _VisualBlock("parallel", [estimator], names=[f"{key}: {type(estimator).__name__}"],
                            name_details=[str(estimator)])

    def __getattr__(self, name: str) -> Any:
        # Only called for a missing attribute: say why a halving attribute is missing.
        if name in _HALVING_ATTRIBUTES:
            raise AttributeError(
                f"{name} is set by a successive-halving fit (HalvingGridSearchCV's attribute): give factor=, "
                f"resource=, min_resources=, max_resources=, aggressive_elimination= or n_candidates= (or "
                f"strategy='halving') and fit; this {type(self).__name__} "
                + ("ran no halving" if "cv_results_" in self.__dict__ else "is not fitted"))
        return object.__getattribute__(self, name)  # the usual error (a delegated method's says why)

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

    def _halving_given(self) -> list[str]:
        return [name for name in HALVING_SETTINGS if getattr(self, name) is not None]

    def _resolve_space(self, halving: bool) -> tuple[str, Any]:
        """Which meaning the search space has, and the space: ``("grid", dicts)`` (GridSearchCV's
        param_grid), ``("distributions", dicts)`` (RandomizedSearchCV's param_distributions) or
        ``("param_space", space)`` (tunewise's, searched by the strategy)."""
        given = [name for name in ("param_space", "param_grid", "param_distributions")
                 if getattr(self, name) is not None]
        if len(given) != 1:
            raise TypeError(
                "give the search space once: param_space (tunewise), param_grid (GridSearchCV's meaning) or "
                "param_distributions (RandomizedSearchCV's meaning)"
                + (f"; got {' and '.join(given)}" if given else "; got none"))
        if given[0] == "param_grid":
            if self.strategy not in ("auto", "grid", "halving"):
                raise ValueError(f"param_grid runs every point of the grid (GridSearchCV's meaning), so strategy "
                                 f"must be 'auto', 'grid' or 'halving', got {self.strategy!r}; to sample the same "
                                 f"values with {self.strategy!r}, pass them as param_space")
            return "grid", check_sklearn_space("param_grid", self.param_grid, grid=True)
        if given[0] == "param_distributions":
            return "distributions", check_sklearn_space("param_distributions", self.param_distributions, grid=False)
        space = self.param_space
        spaces = space_list(space)
        if spaces is not None:
            if halving:
                raise TypeError("successive halving runs scikit-learn's candidates from one space; a list of "
                                "(space, n_iter) is BayesSearchCV's, searched one space after the other without "
                                "halving")
            return "space_list", spaces
        if not is_sklearn_space(space):
            if halving:
                raise TypeError("successive halving runs scikit-learn's candidates: give param_grid or "
                                "param_distributions (lists of values and frozen scipy.stats distributions), "
                                f"not tunewise distributions; got {space!r}")
            return "param_space", space
        dicts = [space] if isinstance(space, Mapping) else list(space)
        scipy_dists = has_distribution(dicts)
        if halving:
            if scipy_dists or self.n_candidates is not None:
                return "distributions", check_sklearn_space("param_space", space, grid=False)
            warnings.warn(
                "SearchCV(estimator, space) with only lists runs successive halving over every point of the grid "
                "(HalvingGridSearchCV's meaning); to sample n_candidates of them as HalvingRandomSearchCV does, "
                "pass the space as param_distributions= (pass it as param_grid= to silence this warning)",
                UserWarning, stacklevel=4)
            return "grid", check_sklearn_space("param_space", space, grid=True)
        if isinstance(space, Mapping) and (self.n_trials is not None
                                           or self.strategy not in ("auto", "grid", "random")):
            return "param_space", space  # tunewise's meaning: searched by the strategy
        if scipy_dists and isinstance(space, Mapping) and self.n_iter is None and self.strategy == "auto":
            # tunewise's meaning, kept from before: a positional space with distributions is searched by
            # the default sampler (the reason to switch); n_iter= or param_distributions= ask for
            # ParameterSampler's draws instead.
            return "param_space", space
        if scipy_dists or self.n_iter is not None or self.strategy == "random":
            if self.strategy == "grid" and isinstance(space, Mapping):
                return "param_space", space  # the grid strategy's error names the continuous parameters
            return "distributions", check_sklearn_space("param_space", space, grid=False)
        if self.strategy not in ("auto", "grid"):
            raise ValueError(f"a list of grids runs every point of every grid (GridSearchCV's meaning), so strategy "
                             f"must be 'auto' or 'grid', got {self.strategy!r}; to search the values with "
                             f"{self.strategy!r}, give one dict")
        return "grid", check_sklearn_space("param_space", space, grid=True)

    def _check_settings(self) -> _Settings:
        if not hasattr(self.estimator, "fit") or not hasattr(self.estimator, "get_params"):
            raise TypeError(f"estimator must be a scikit-learn estimator (with fit and get_params), "
                            f"got {self.estimator!r}")
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy must be one of {list(_STRATEGIES)}, got {self.strategy!r}")
        n_trials = self._n_trials()
        if self.timeout is not None and (isinstance(self.timeout, bool) or
                                         not isinstance(self.timeout, (int, float)) or self.timeout <= 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, got {self.timeout!r}")
        # verbose=True is 1, as in scikit-learn (whose searches take any int, bools included).
        if not isinstance(self.verbose, (int, np.integer)) or self.verbose < 0:
            raise ValueError(f"verbose must be a non-negative integer or a bool, got {self.verbose!r}")
        if self.n_jobs is not None and (not isinstance(self.n_jobs, (int, np.integer)) or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None, -1 or a positive integer, got {self.n_jobs!r}")
        if isinstance(self.pre_dispatch, bool) or not isinstance(self.pre_dispatch, (str, int, np.integer)):
            raise TypeError(f"pre_dispatch must be an int or an expression of n_jobs such as '2*n_jobs' (as in "
                            f"GridSearchCV), got {self.pre_dispatch!r}")
        if self.return_train_score is not None and not isinstance(self.return_train_score, (bool, np.bool_)):
            raise TypeError(f"return_train_score must be True, False or None, got {self.return_train_score!r}")
        error_score = check_error_score(self.error_score)
        if self.callbacks is not None and (not isinstance(self.callbacks, (list, tuple))
                                           or not all(callable(c) for c in self.callbacks)):
            raise TypeError(f"callbacks must be a list of callables cb(study, trial), got {self.callbacks!r}")
        halving_given = self._halving_given()
        halving = self.strategy == "halving" or bool(halving_given)
        if halving_given and self.strategy not in ("auto", "halving"):
            raise ValueError(f"{', '.join(halving_given)} set successive halving (HalvingGridSearchCV's meaning), "
                             f"which is strategy='halving', not strategy={self.strategy!r}")
        kind, space = self._resolve_space(halving)
        if kind == "space_list":
            return self._space_list_settings(space, n_trials, error_score)
        halving_settings = None
        if halving:
            clash = [f"{name}={getattr(self, name)!r}" for name in ("n_trials", "n_iter", "timeout")
                     if getattr(self, name) is not None]
            if self.pruning not in (False, None):
                clash.append(f"pruning={self.pruning!r}")
            if clash:
                raise ValueError(f"successive halving chooses the candidates and their resources itself, so it takes "
                                 f"no {', '.join(clash)}; n_candidates (param_distributions) sets how many start")
            resource = self.resource
            if isinstance(resource, str) and resource != "n_samples" and resource not in self.estimator.get_params():
                # Checked first, as scikit-learn does, so a misspelt resource is named before the rest.
                raise ValueError(f"Cannot use resource={resource} which is not supported by estimator "
                                 f"{type(self.estimator).__name__}: resource must be 'n_samples' or an integer "
                                 f"parameter (such as n_estimators or max_iter); its parameters: "
                                 f"{', '.join(sorted(self.estimator.get_params()))}")
            halving_settings = check_halving_settings(
                {name: getattr(self, name) for name in HALVING_SETTINGS}, grid=kind == "grid")
        what = {"grid": "param_grid", "distributions": "param_distributions"}.get(kind, "param_space")
        if kind == "distributions" and not halving and self.strategy not in ("auto", "random"):
            # The same space searched by the strategy (tpe, gp, grid of its lists).
            if len(space) > 1:
                raise ValueError(f"a list of param_distributions dicts is sampled one dict at a time "
                                 f"(RandomizedSearchCV's meaning): use strategy='random' (or 'auto'), not "
                                 f"{self.strategy!r}")
            kind, space = "param_space", space[0]
        if kind == "param_space":
            dicts = None
            dims = convert_space(space)
            drawn = drawn_parameters(space)
            spaces: list[Mapping[str, Any]] = [space]
        else:
            dicts = spaces = space
            merged = merge_spaces(dicts)
            dims = convert_space(merged, allow_empty=True)
            drawn = drawn_parameters(merged)
        check_estimator_params(self.estimator, [*dims, *drawn], spaces=spaces, what=what)
        return _Settings(kind, dicts, dims, error_score, halving_settings, n_trials, drawn, what)

    def _space_list_settings(self, items: list[tuple[Mapping[str, Any], int | None]], n_trials: int | None,
                             error_score: Any) -> _Settings:
        """BayesSearchCV's list of spaces: each space is searched for its own ``n_iter`` (the pair's, else
        the search's ``n_iter``), one after the other, in one study whose sampler sees every trial."""
        if self.strategy == "grid":
            raise ValueError("a list of (space, n_iter) is searched for n_iter trials per space (BayesSearchCV's "
                             "meaning), not as a grid: use strategy 'auto', 'random', 'tpe' or 'gp'")
        phases: list[tuple[dict[str, Dimension], int]] = []
        merged: dict[str, Dimension] = {}
        for i, (sub, n) in enumerate(items):
            drawn = drawn_parameters(sub)
            if drawn:
                raise TypeError(f"param_space[{i}]: {sorted(drawn)} can only be drawn by their rvs, which a list of "
                                f"spaces does not do: give skopt dimensions, tunewise or scipy.stats distributions "
                                f"or lists of values")
            dims = convert_space(sub)
            phases.append((dims, n if n is not None else (n_trials or _DEFAULT_N_TRIALS)))
            for name, dim in dims.items():
                merged.setdefault(name, dim)
        check_estimator_params(self.estimator, list(merged), spaces=[sub for sub, _ in items], what="param_space")
        return _Settings("param_space", None, merged, error_score, None, sum(n for _, n in phases), {},
                         "param_space", phases)

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

    def _make_sampler(self, dims: Mapping[str, Dimension], seed: int | None,
                      drawn: Sequence[str] = (), n_total: int | None = None) -> tuple[Any, str, int]:
        """The sampler, the strategy it implements, and the number of trials to run (``n_total``: a
        list of spaces' sum of n_iter, never a grid)."""
        from tunewise.samplers import GridSampler, RandomSampler

        size = None if drawn or n_total is not None else grid_size(dims)
        n_trials = self._n_trials() if n_total is None else n_total
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
                infinite = [d.name for d in dims.values() if d.grid_values() is None] + list(drawn)
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

    def _draw_points(self, settings: _Settings, n_candidates: int | None = None) -> list[dict[str, Any]] | None:
        """scikit-learn's configurations, in its order: ``ParameterGrid`` or ``ParameterSampler``
        (the latter draws from ``random_state``); None for a search the study's sampler drives."""
        from sklearn.model_selection import ParameterGrid, ParameterSampler

        if settings.kind == "grid":
            points = list(ParameterGrid(settings.dicts))
            n = None if settings.halving else settings.n_trials
            return points if n is None else points[:n]
        if settings.kind == "distributions":
            n = n_candidates if settings.halving else (settings.n_trials or _DEFAULT_N_TRIALS)
            points = list(ParameterSampler(settings.dicts, n, random_state=self.random_state))
            for point in points:  # refused before any trial runs: the study keeps drawn values as JSON
                for name in settings.drawn:
                    if name in point:
                        check_drawn_value(settings.what, name, point[name])
            return points
        return None

    # ---- fit ----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Run the search on ``X, y`` and (with ``refit``) fit the best configuration on all of it.

        With scikit-learn >= 1.9, callbacks given by ``set_callbacks`` (``ProgressBar``,
        ``ScoringMonitor``) see GridSearchCV's task tree: ``fit`` > ``search`` (successive halving:
        > ``halving-iteration``) > one ``candidate-split-evaluation`` per candidate and fold, task id
        ``candidate * n_splits + fold``, then ``refit-with-best-params``; auto-propagated ones reach
        each fold's estimator."""
        with _callback_management(self):
            return self._fit(X, y, groups=groups, **fit_params)

    def _fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        from sklearn.utils.validation import indexable

        import tunewise as tw

        settings = self._check_settings()
        scorers, multimetric = resolve_scoring(self.scoring, self.estimator)
        refit_metric = self._check_refit(list(scorers), multimetric, halving=settings.halving is not None)
        from_callable = callable(self.scoring) and not isinstance(self.scoring, str)
        metrics = _Metrics(list(scorers), multimetric, refit_metric, from_callable, learnt=not from_callable)
        score_params: dict[str, dict[str, Any]] = {}
        if _routing_enabled():
            # scikit-learn's metadata routing: each piece of metadata goes where it is requested
            # (the estimator's fit, the scorers, the splitter's groups), and nowhere else.
            from sklearn.utils.metadata_routing import process_routing

            routed = process_routing(self, "fit", **fit_params, **({} if groups is None else {"groups": groups}))
            fit_params = dict(routed.estimator.fit)
            groups = routed.splitter.split.get("groups")
            score_params = _per_scorer(scorers, routed.scorer.score)
        X, y, groups = indexable(X, y, groups)
        sample_weight = fit_params.get("sample_weight")
        callback_metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        root_ctx = None
        if hasattr(self, "_init_callback_context"):
            root_ctx = self._init_callback_context(max_subtasks=1 + (self.refit is not False)).call_on_fit_task_begin(
                estimator=self, X=X, y=y, metadata=callback_metadata)
        # Cloned before any configuration is drawn, as scikit-learn does: an estimator and a search
        # sharing one RandomState then start from the same state in both.
        base = clone(self.estimator)
        classifier = is_classifier(self.estimator)
        halving_plan = None
        points: list[dict[str, Any]] | None
        if settings.halving is not None:
            points, halving_plan = self._halving_candidates(settings, settings.halving, X, y, groups, classifier)
        else:
            points = self._draw_points(settings)
        splits = make_splits(self.cv, X, y, groups, classifier)
        n_splits = len(splits)
        seed = None
        if points is None:
            seed = _seed_from(self.random_state)
            sampler, strategy_used, n_trials = self._make_sampler(
                settings.dims, seed, list(settings.drawn), None if settings.phases is None else settings.n_trials)
        else:
            from tunewise.samplers import RandomSampler

            # Every configuration is scikit-learn's, queued in its order; the sampler only names the study's.
            sampler = RandomSampler(seed=0)
            strategy_used = {"grid": "grid", "distributions": "random"}[settings.kind]
            if halving_plan is not None:
                strategy_used = "halving"
            n_trials = len(points)
        pruner = self._make_pruner()
        with nullcontext() if self._study_log_lines else _no_study_lines():
            study = tw.create_study(name=self.study_name, storage=self.storage, direction="maximize",
                                    sampler=sampler, scheduler=pruner, load_if_exists=self.study_name is not None)
        if halving_plan is not None and study.get_trials():
            raise ValueError(f"successive halving does not resume a study, and study {self.study_name!r} has "
                             f"{len(study.get_trials())} trials: give a new study_name")
        # Silent by default, as scikit-learn's searches: verbose= prints scikit-learn's lines (and, when the
        # study's sampler chooses, a line per configuration), not
        # the study's line per trial.
        from tunewise.logging import trial_logger

        trial_logger(study).enabled = self._study_log_lines
        self.study_ = study
        self.strategy_ = strategy_used
        # A scoring callable stays the scorer, whether it returns a number or a dict (scikit-learn's scorer_).
        self.scorer_ = scorers if multimetric else scorers["score"]
        self.n_splits_ = n_splits

        # Without routing, sample_weight also weights the scores (scikit-learn's searches since 1.7).
        weighted = frozenset() if _routing_enabled() else weighted_scorers(scorers, fit_params)
        run = _Run(base, X, y, splits, scorers, metrics, settings.error_score, fit_params,
                   self._return_train_score(settings), weighted, [], score_params, root_ctx, points is None)
        rows: dict[int, dict[str, Any]] = {}
        try:  # a callback's study.stop() ends the search, as it ends optimize()
            with nullcontext() if self._study_log_lines else _no_study_lines(), _loop_api.loop(study):
                if halving_plan is not None:
                    assert points is not None and settings.halving is not None
                    self._search_halving(study, settings.dims, settings.halving, halving_plan, points, run, rows)
                else:  # the sampler plans for the search's n_trials / timeout, as under optimize()
                    with _loop_api.planned(study, n_trials, self.timeout):
                        self._search(study, settings, points, n_trials, run, rows, seed)
        except BaseException as error:
            self._end_callbacks(study, error)
            raise
        self._end_callbacks(study, None)
        if halving_plan is None:  # halving warns once per iteration, as scikit-learn's (_search_halving)
            _warn_or_raise_about_failed_fits(run.fits, settings.error_score, raise_all=self._raise_when_all_fits_fail)

        self.multimetric_ = metrics.multimetric
        # A search written as scikit-learn's (its configurations, no pruning, no stored study) has scikit-learn's
        # cv_results_ keys exactly: scripts print or compare the whole dict or DataFrame. Otherwise each row's
        # trial state (PRUNED, FAILED) and number in the study are columns too.
        extras = points is None or bool(self.pruning) or self.storage is not None or self.study_name is not None
        self._build_results(study, settings.dims, metrics.names, metrics.multimetric, n_splits,
                            run.return_train_score, rows, points or [], only_rows=halving_plan is not None,
                            extras=extras)
        # With several metrics and refit=False scikit-learn's searches choose no best (best_index_, best_params_,
        # best_score_ are unset): a search written as theirs does the same; otherwise the first metric's best.
        if self.refit or not metrics.multimetric or extras:
            self._select_best(metrics.refit_metric, metrics.multimetric, halving=halving_plan is not None)
        if self.refit:
            est = clone(base).set_params(**clone(self.best_params_, safe=False))
            refit_ctx = None if root_ctx is None else root_ctx.subcontext(task_name="refit-with-best-params")
            with nullcontext() if refit_ctx is None else refit_ctx.propagate_callback_context(est):
                if refit_ctx is not None:
                    refit_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=callback_metadata)
                t0 = time.perf_counter()
                if y is None:
                    est.fit(X, **fit_params)
                else:
                    est.fit(X, y, **fit_params)
                self.refit_time_ = time.perf_counter() - t0
            self.best_estimator_ = est
            if hasattr(est, "feature_names_in_"):
                self.feature_names_in_ = est.feature_names_in_
            if refit_ctx is not None:
                refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=callback_metadata)
        if root_ctx is not None:
            root_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=callback_metadata)
        return self

    def _callback_caller(self) -> SearchCV:
        """The search as the callbacks' ``estimator`` in the folds: its parameters and callbacks,
        not the fit's study (which a fold sent to another process could not take along)."""
        caller = clone(self, safe=False)
        if hasattr(self, "_skl_callbacks"):
            caller._skl_callbacks = self._skl_callbacks
        return caller

    def _return_train_score(self, settings: _Settings) -> bool:
        if self.return_train_score is None:
            return settings.halving is not None  # the Halving searches' default
        return bool(self.return_train_score)

    def _end_callbacks(self, study: Any, error: BaseException | None) -> None:
        """Tell callbacks with ``on_optimize_end`` (MLflowCallback...) that the search ended, as
        ``study.optimize`` does."""
        for cb in self.callbacks or ():
            hook = getattr(cb, "on_optimize_end", None)
            if hook is not None:
                hook(study, error)

    def _search(self, study: Any, settings: _Settings, points: list[dict[str, Any]] | None,
                n_trials: int, run: _Run, rows: dict[int, dict[str, Any]], seed: int | None) -> None:
        """Run the configurations: the sampler's, or scikit-learn's ``points`` in their order."""
        dims = settings.dims
        start = time.perf_counter()
        originals = _originals(dims, points or [], settings.drawn)
        queue = self._queue(study, settings, points) if points is not None else None
        if self.verbose:
            _print_fitting(len(run.splits), n_trials if queue is None else min(n_trials, len(queue)))
        search_ctx = None
        if run.callback_ctx is not None:
            search_ctx = run.callback_ctx.subcontext(task_name="search", max_subtasks=n_trials * len(run.splits),
                                                     sequential_subtasks=False).call_on_fit_task_begin(estimator=self)
        fold_results = self._all_folds_at_once(study, settings, queue, n_trials, run, originals, search_ctx)
        for i in range(n_trials):
            if self.timeout is not None and time.perf_counter() - start >= self.timeout:
                break
            if queue is not None:
                if i >= len(queue):
                    break  # the rest ran in an earlier fit of this study
                encoded, drawn = queue[i]
                study.enqueue_trial(encoded, user_attrs={_DRAWN_ATTR: drawn} if drawn else None)
            try:
                trial = study.ask()
            except SearchExhausted:
                break
            trial_dims = dims if settings.phases is None else _phase_dims(settings.phases, i)
            if queue is not None:  # the queued configuration (or a retry another run left queued)
                names = [n for n in trial.system_attrs.get("fixed_params", queue[i][0]) if n in dims]
            else:
                names = list(trial_dims)
            try:
                raw = {name: trial.suggest(name, trial_dims[name].dist) for name in names}
            except SearchExhausted:
                _loop_api.tell(study, trial, state=TrialState.FAILED)
                break
            # scikit-learn's own value objects (np.float64 from an array, the very estimators of a
            # grid), so the estimator and cv_results_["params"] get what GridSearchCV passes.
            drawn = {}
            if settings.drawn:
                drawn = (dict(trial.user_attrs.get(_DRAWN_ATTR) or {}) if queue is not None
                         else self._draw(study, trial, settings, seed))
            params = _configuration(originals, trial_dims, raw, drawn)
            rows[trial.number] = params
            self._run_trial(study, trial, params, run, run.splits, i, n_trials,
                            callback_task=None if search_ctx is None else (search_ctx, i),
                            precomputed=None if fold_results is None else fold_results[i])
            # A callback called study.stop() (Optuna's idiom: TerminatorCallback, a trial budget): start no
            # more configurations, as Study.optimize does. The loop here is SearchCV's own, not optimize's.
            if getattr(study, "_stop_requested", False):
                break
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)

    def _all_folds_at_once(self, study: Any, settings: _Settings,
                           queue: list[tuple[dict[str, Any], dict[str, Any]]] | None, n_trials: int, run: _Run,
                           originals: Mapping[str, dict[str, Any]], search_ctx: Any) -> list[list[Any]] | None:
        """With ``n_jobs`` > 1 and scikit-learn's configurations known up front (no sampler, no pruning, no
        timeout, a new in-memory study, no scikit-learn callbacks), every fold of every configuration goes to one
        joblib ``Parallel`` call, as GridSearchCV does; the trials are then told in order. Fold by fold per
        configuration, a grid of fast fits paid joblib's start-up once per configuration: 5.8x
        scikit-learn's time for a 42-candidate SVC grid with ``n_jobs=-1``. None: run them one by one."""
        if (queue is None or not self._folds_in_one_call(run) or study.scheduler is not None
                or self.timeout is not None or self.storage is not None or self.study_name is not None
                or study.get_trials()):
            return None
        dims = settings.dims
        params_list = []
        for encoded, drawn in queue[:n_trials]:
            raw = {name: v for name, v in encoded.items() if name in dims}
            params = _configuration(originals, dims, raw, drawn)
            params_list.append(params)
        return self._run_folds(run, params_list, run.splits)

    def _folds_in_one_call(self, run: _Run) -> bool:
        """n_jobs > 1 and no scikit-learn callbacks (on the search, the estimator or a step of it: they see
        each fold as a task of its own, so they keep the fold-by-fold path)."""
        from joblib import effective_n_jobs

        if self.n_jobs is None or effective_n_jobs(self.n_jobs) == 1:
            return False
        return not any(getattr(obj, "_skl_callbacks", None) for obj in
                       [self, run.base, *run.base.get_params(deep=True).values()])

    def _fold_kwargs(self, run: _Run) -> dict[str, Any]:
        """``fit_and_score``'s keywords that are the same for every fold of the search."""
        return {"return_train_score": run.return_train_score, "error_score": run.error_score,
                "weighted": run.weighted, "warn_fit_failure": False, "metric_dict": run.metrics.from_callable,
                "score_params": run.score_params, "verbose": self.verbose}

    def _run_folds(self, run: _Run, params_list: list[dict[str, Any]], splits: list[Any]) -> list[list[Any]]:
        """Every fold of every configuration of ``params_list`` in one joblib ``Parallel`` call; the results
        per configuration, folds in order."""
        from joblib import Parallel, delayed, effective_n_jobs

        kwargs = self._fold_kwargs(run)
        n = len(params_list)
        out = Parallel(n_jobs=effective_n_jobs(self.n_jobs), pre_dispatch=self.pre_dispatch)(
            delayed(fit_and_score)(clone(run.base).set_params(**clone(params, safe=False)), run.X, run.y,
                                   splits[k][0], splits[k][1], run.scorers, run.fit_params, fold=k, params=params,
                                   progress=((k, len(splits)), (i, n)), **kwargs)
            for i, params in enumerate(params_list) for k in range(len(splits)))
        return [out[i * len(splits):(i + 1) * len(splits)] for i in range(n)]

    @staticmethod
    def _draw(study: Any, trial: Any, settings: _Settings, seed: int | None) -> dict[str, Any]:
        """The parameters only their own ``rvs`` can sample, for a trial the sampler chose the rest
        of: drawn with a RandomState seeded from ``random_state`` and the trial number (so the same
        search draws the same values), and kept on the trial."""
        rng = (np.random.RandomState() if seed is None
               else np.random.RandomState(np.random.MT19937(np.random.SeedSequence([seed, trial.number]))))
        try:
            drawn = {name: check_drawn_value(settings.what, name, settings.drawn[name].rvs(random_state=rng))
                     for name in sorted(settings.drawn)}  # sorted, as ParameterSampler draws them
        except BaseException as error:
            _loop_api.tell(study, trial, state=TrialState.FAILED, fail_reason=f"{type(error).__name__}: {error}")
            raise
        trial.set_user_attr(_DRAWN_ATTR, drawn)
        return drawn

    def _halving_candidates(self, settings: _Settings, halving: HalvingSettings, X: Any, y: Any, groups: Any,
                            classifier: bool) -> tuple[list[dict[str, Any]], HalvingPlan]:
        """The first iteration's candidates and the resource schedule (HalvingGridSearchCV's
        ``_run_search``), with ``min_resources_`` / ``max_resources_`` set."""
        from sklearn.utils.validation import _num_samples

        from tunewise.integrations.sklearn._validation import count_splits

        resource = halving.resource
        if isinstance(halving.min_resources, str):
            n_splits = count_splits(self.cv, X, y, groups, classifier)
            min_resources: float = smallest_resources(resource, n_splits, classifier, y)
        else:
            min_resources = halving.min_resources
        max_resources = _num_samples(X) if halving.max_resources == "auto" else int(halving.max_resources)
        check_resources(min_resources, max_resources)
        n_first = None
        if settings.kind == "distributions":
            n_first = (int(max_resources // min_resources) if halving.n_candidates == "exhaust"
                       else int(halving.n_candidates))  # type: ignore[arg-type]
        if resource != "n_samples" and settings.kind == "distributions":
            # scikit-learn draws the candidates once to check them and again to run them; the
            # same two draws keep a shared RandomState (or None) in step with it.
            self._draw_points(settings, n_first)
        points = self._draw_points(settings, n_first)
        assert points is not None
        if resource != "n_samples" and any(resource in p for p in points):
            raise ValueError(f"Cannot use parameter {resource} as the resource since it is part of the searched "
                             f"parameters: halving sets the resource, so take it out of the search space")
        plan = plan_halving(len(points), halving, min_resources, max_resources)
        self.min_resources_ = plan.min_resources
        self.max_resources_ = plan.max_resources
        if self.verbose:  # scikit-learn's lines
            print(f"n_iterations: {plan.n_iterations}\nn_required_iterations: {plan.n_required_iterations}\n"
                  f"n_possible_iterations: {plan.n_possible_iterations}\nmin_resources_: {plan.min_resources}\n"
                  f"max_resources_: {plan.max_resources}\naggressive_elimination: {plan.aggressive_elimination}\n"
                  f"factor: {self.factor if self.factor is not None else plan.factor}")
        return points, plan

    def _search_halving(self, study: Any, dims: Mapping[str, Dimension], halving: HalvingSettings,
                        plan: HalvingPlan, points: list[dict[str, Any]], run: _Run,
                        rows: dict[int, dict[str, Any]]) -> None:
        """Successive halving: each candidate at each iteration is one trial, scored on folds
        subsampled to the iteration's ``n_resources`` (or with the resource parameter set to it)."""
        from sklearn.utils.validation import _num_samples

        n_samples = _num_samples(run.X)
        resource = halving.resource
        candidates = list(points)
        self.n_resources_: list[int] = []
        self.n_candidates_: list[int] = []
        number = 0
        total = sum(math.ceil(len(points) / plan.factor**k) for k in range(plan.n_iterations))
        search_ctx = None
        if run.callback_ctx is not None:
            search_ctx = run.callback_ctx.subcontext(task_name="search", max_subtasks=plan.n_iterations
                                                     ).call_on_fit_task_begin(estimator=self)
        so_far: dict[str, list[float]] = {"test": [], "train": []}  # each row's mean, for the non-finite warning
        for itr in range(plan.n_iterations):
            n_resources = plan.n_resources(itr)
            self.n_resources_.append(n_resources)
            self.n_candidates_.append(len(candidates))
            if self.verbose:  # scikit-learn's lines
                print(f"{'-' * 10}\niter: {itr}\nn_candidates: {len(candidates)}\nn_resources: {n_resources}")
                _print_fitting(len(run.splits), len(candidates))
            if resource == "n_samples":
                splits = subsample_splits(run.splits, n_resources / n_samples, self.random_state)
            else:
                splits = run.splits
                candidates = [{**c, resource: n_resources} for c in candidates]
            iteration_ctx = None
            if search_ctx is not None:
                iteration_ctx = search_ctx.subcontext(
                    task_name="halving-iteration", max_subtasks=len(candidates) * len(splits),
                    sequential_subtasks=False).call_on_fit_task_begin(estimator=self)
            means = []
            fits_before = len(run.fits)
            # As scikit-learn, each iteration's folds go out at once (n_jobs > 1, no callbacks).
            fold_results = self._run_folds(run, candidates, splits) if self._folds_in_one_call(run) else None
            for cand, params in enumerate(candidates):
                searched = {name: value for name, value in params.items() if name in dims}
                drawn = {name: check_drawn_value("param_distributions", name, value)
                         for name, value in params.items() if name not in dims and name != resource}
                study.enqueue_trial({name: dims[name].encode(value) for name, value in searched.items()},
                                    user_attrs={_DRAWN_ATTR: drawn} if drawn else None)
                trial = study.ask()
                for name in trial.system_attrs.get("fixed_params", searched):
                    if name in dims:
                        trial.suggest(name, dims[name].dist)
                rows[trial.number] = params
                means.append(self._run_trial(study, trial, params, run, splits, number, total,
                                             extra={"iter": itr, "n_resources": n_resources},
                                             candidate=(cand, len(candidates)),
                                             callback_task=None if iteration_ctx is None else (iteration_ctx, cand),
                                             precomputed=None if fold_results is None else fold_results[cand]))
                number += 1
                record = trial.user_attrs.get(_CV_ATTR) or {}
                for kind in ("test", "train"):
                    folds = (record.get(kind) or {}).get(run.metrics.refit_metric)
                    if folds is not None:
                        so_far[kind].append(float(np.mean([_from_json_float(v) for v in folds])))
            # As HalvingGridSearchCV, failed fits are summed up (or all failing raise) after each iteration.
            _warn_or_raise_about_failed_fits(run.fits[fits_before:], run.error_score)
            # Then, as HalvingGridSearchCV formats its results after each iteration: the rows so far.
            for kind, values in so_far.items():
                if values and not np.isfinite(values).all():
                    warnings.warn(f"One or more of the {kind} scores are non-finite: {np.asarray(values)}",
                                  UserWarning, stacklevel=2)
            keep = survivors(means, math.ceil(len(candidates) / plan.factor))
            candidates = [candidates[i] for i in keep]
            if iteration_ctx is not None:
                iteration_ctx.call_on_fit_task_end(estimator=self)
        self.n_remaining_candidates_ = len(candidates)
        self.n_required_iterations_ = plan.n_required_iterations
        self.n_possible_iterations_ = plan.n_possible_iterations
        self.n_iterations_ = plan.n_iterations
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)

    @staticmethod
    def _queue(study: Any, settings: _Settings, points: list[dict[str, Any]]
               ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """scikit-learn's configurations in the study's encoding, with the values drawn by a
        parameter's own ``rvs`` (as JSON), less those a resumed study ran."""
        dims = settings.dims
        queue = [({name: dims[name].encode(v) for name, v in point.items() if name in dims},
                  {name: check_drawn_value(settings.what, name, v) for name, v in point.items() if name not in dims})
                 for point in points]
        done = [(t.params, t.user_attrs.get(_DRAWN_ATTR) or {})
                for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED))]
        return [p for p in queue if p not in done]

    def _check_refit(self, metrics: Sequence[str], multimetric: bool, halving: bool = False) -> str:
        refit = self.refit
        if multimetric:
            if halving:
                raise ValueError(f"successive halving keeps the best candidates by one metric (as "
                                 f"HalvingGridSearchCV): give scoring one scorer name or a callable returning one "
                                 f"number, not the metrics {list(metrics)}")
            if isinstance(refit, str) and refit in metrics:
                return refit
            if isinstance(refit, str) or refit is True:
                # scikit-learn's words first, so a script matching its message keeps working.
                raise ValueError(
                    "For multi-metric scoring, the parameter refit must be set to a scorer key or a callable to "
                    "refit an estimator with the best parameter setting on the whole data and make the best_* "
                    f"attributes available for that metric. If this is not needed, refit should be set to False "
                    f"explicitly. {refit!r} was passed; the metrics are {list(metrics)}, so give "
                    f"refit='<one of them>' (it also drives the search)")
            return metrics[0]  # the first metric drives the search
        # With one metric, a metric name means True (scoring="recall", refit="recall"), as in scikit-learn.
        if not (isinstance(refit, (bool, str)) or callable(refit)):
            raise ValueError(f"refit must be True, False, a metric name or a callable, got {refit!r}")
        return "score"

    def _learn_metrics(self, run: _Run, results: list[dict[str, Any]], halving: bool) -> None:
        """With a single scoring callable: read single or multi-metric from its first scored fold
        (checking ``refit`` against the names then, as scikit-learn does), and give the folds
        that failed one ``error_score`` per metric."""
        m = run.metrics
        if not m.from_callable:
            return
        for r in results:
            kind = r.get("metric_dict")
            if kind is None:
                continue  # the fit or the scoring failed: no names in it
            names = list(r["test"]) if kind else ["score"]
            if not m.learnt:
                m.refit_metric = self._check_refit(names, kind, halving=halving)
                m.names, m.multimetric, m.learnt = names, kind, True
            elif kind != m.multimetric or names != m.names:
                said = f"the metrics {names}" if kind else "one number"
                raise TypeError(f"the scoring callable returned {said} on one fold and "
                                f"{'the metrics ' + str(m.names) if m.multimetric else 'one number'} on another: it "
                                f"must return the same metric names on every fold")
        if not m.learnt:
            return
        for r in results:
            for part in ("test", "train"):
                scores = r.get(part)
                if scores is not None and list(scores) != m.names:  # a failure's {"score": error_score}
                    r[part] = dict.fromkeys(m.names, float(next(iter(scores.values()))))

    # The study's log lines (its creation, a line per trial), silenced as scikit-learn's searches print none;
    # OptunaSearchCV, whose Optuna counterpart runs a study that prints them, turns them on.
    _study_log_lines = False
    # scikit-learn's searches raise ValueError when every fit failed; Optuna's OptunaSearchCV (a
    # subclass's False) scores each failed trial error_score and goes on.
    _raise_when_all_fits_fail = True

    def _trial_attrs(self, record: dict[str, Any]) -> dict[str, Any]:
        """User attributes a trial gets besides its fold record: none here (OptunaSearchCV adds Optuna's)."""
        return {}

    def _run_trial(self, study: Any, trial: Any, params: dict[str, Any], run: _Run, splits: list[Any], i: int,
                   n_trials: int, extra: Mapping[str, Any] | None = None,
                   callback_task: tuple[Any, int] | None = None, candidate: tuple[int, int] | None = None,
                   precomputed: list[Any] | None = None) -> float:
        """Score ``params`` on ``splits`` as one trial and tell the study; the mean test score.
        ``callback_task``: the callback task the folds are subtasks of, and the candidate's index in it;
        ``candidate``: (index, count) of the candidates of this round (verbose lines; default ``(i, n_trials)``);
        ``precomputed``: the folds' results, already run (``_all_folds_at_once``)."""
        from joblib import Parallel, delayed, effective_n_jobs

        def fold_estimator() -> Any:
            # Set on each fold's clone, as scikit-learn does: cloning a configured estimator
            # loses what set_params accepts but get_params does not give back.
            return clone(run.base).set_params(**clone(params, safe=False))

        n_jobs = 1 if self.n_jobs is None else effective_n_jobs(self.n_jobs)
        # With pruning, folds run in batches of n_jobs and the running mean is reported after each
        # batch; without it, all folds go out at once.
        batch = n_jobs if study.scheduler is not None else len(splits)
        results: list[dict[str, Any]] = []
        pruned = False
        refused = False  # a report was refused: the trial was finished elsewhere meanwhile
        t0 = time.perf_counter()
        for b0 in range(0, len(splits), batch):
            folds = list(range(b0, min(b0 + batch, len(splits))))
            kwargs = {**self._fold_kwargs(run), "params": params}
            round_ = candidate if candidate is not None else (i, n_trials)
            # The folds' callback tasks are made here, before any runs in parallel, as scikit-learn does.
            contexts = {k: None if callback_task is None else callback_task[0].subcontext(
                task_name="candidate-split-evaluation", task_id=callback_task[1] * len(splits) + k) for k in folds}
            sequential = n_jobs == 1 or len(folds) == 1
            caller = None if callback_task is None else self if sequential else self._callback_caller()
            if precomputed is not None:
                out = [precomputed[k] for k in folds]
            elif sequential:
                out = [fit_and_score(fold_estimator(), run.X, run.y, splits[k][0], splits[k][1], run.scorers,
                                     run.fit_params, fold=k, callback_ctx=contexts[k], caller=caller,
                                     progress=((k, len(splits)), round_), **kwargs)
                       for k in folds]
            else:
                out = Parallel(n_jobs=min(n_jobs, len(folds)), pre_dispatch=self.pre_dispatch)(
                    delayed(fit_and_score)(fold_estimator(), run.X, run.y, splits[k][0], splits[k][1], run.scorers,
                                           run.fit_params, fold=k, callback_ctx=contexts[k], caller=caller,
                                           progress=((k, len(splits)), round_), **kwargs) for k in folds)
            results.extend(out)
            try:
                self._learn_metrics(run, results, halving=extra is not None and "iter" in extra)
            except (TypeError, ValueError) as error:
                _loop_api.tell(study, trial, state=TrialState.FAILED, fail_reason=f"{type(error).__name__}: {error}")
                raise
            metric = run.metrics.refit_metric
            for n_done, (k, r) in enumerate(zip(folds, out, strict=True), start=len(results) - len(out) + 1):
                run.fits.append(r.get("traceback") or r["error"])
                running = float(np.mean([q["test"][metric] for q in results[:n_done]]))
                if not math.isnan(running):
                    try:
                        trial.report(running, step=k)
                    except UpdateFinishedTrialError:  # its folds left are wasted: the tell below says why
                        refused = True
                        break
                    # Ask after every fold so rung-based rules see each step they decide on.
                    if study.scheduler is not None and n_done < len(splits) and trial.should_prune():
                        pruned = True
            if pruned or refused:
                break
        names = run.metrics.names if run.metrics.learnt else ["score"]
        metric = run.metrics.refit_metric
        record = {
            "test": {m: [_to_json_float(r["test"][m]) for r in results] for m in names},
            "train": ({m: [_to_json_float(r["train"][m]) for r in results] for m in names}
                      if run.return_train_score else None),
            "fit_time": [r["fit_time"] for r in results],
            "score_time": [r["score_time"] for r in results],
            "n_splits": len(splits),
            "errors": [r["error"] for r in results if r["error"]][:3],
            # Every fold failed before the scoring callable's metric names were known: the
            # results give each metric these error scores.
            **({"metrics_unknown": True} if not run.metrics.learnt else {}),
            **(extra or {}),
        }
        trial.set_user_attr(_CV_ATTR, record)
        for key, value in self._trial_attrs(record).items():
            trial.set_user_attr(key, value)
        _report_fold_scores(trial, record["test"], pruned or refused)
        mean = float(np.mean([r["test"][metric] for r in results]))
        if pruned:
            outcome = _loop_api.tell(study, trial, state=TrialState.PRUNED)
        elif math.isnan(mean) or math.isinf(mean) or refused:
            errors = record["errors"]
            why = f"mean {metric} over the folds is {mean} (error_score={run.error_score})"
            outcome = _loop_api.tell(study, trial, state=TrialState.FAILED,
                                  fail_reason=why + (f"; first error: {errors[0]}" if errors else ""))
        else:
            outcome = _loop_api.tell(study, trial, mean)
        frozen = outcome.trial
        if outcome.refused is Refusal.ALREADY_FINISHED:
            # Told meanwhile by someone else (`tunewise tell`, another process on the same storage):
            # the stored result stays, without this search's fold scores, so cv_results_ has no row
            # for it; the search goes on with its next configuration.
            warnings.warn(f"trial {trial.number} of study {study.study_name!r} was finished elsewhere meanwhile "
                          f"({outcome.stored_result()}): this search's scores for it do not count, and cv_results_ "
                          f"leaves it out", UserWarning, stacklevel=2)
        for cb in self.callbacks or ():
            cb(study, frozen)
        if self.verbose >= 1 and run.sampled:
            # The study's sampler chose this configuration: say what it scored (scikit-learn has no such search).
            shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
            state = frozen.state.value
            score = "" if math.isnan(mean) else f" mean {metric}={mean:.5g} over {len(results)} folds"
            print(f"[SearchCV] trial {i + 1}/{n_trials} #{trial.number} {state}{score} "
                  f"({time.perf_counter() - t0:.2f}s): {shown}", file=sys.stdout)
        return mean

    # ---- results --------------------------------------------------------------------------
    def _build_results(self, study: Any, dims: Mapping[str, Dimension], scorers: Sequence[str],
                       multimetric: bool, n_splits: int, return_train_score: bool,
                       rows_run: Mapping[int, dict[str, Any]], points: list[dict[str, Any]],
                       only_rows: bool = False, extras: bool = True) -> None:
        drawn_names = {name for point in points for name in point if name not in dims}
        originals = _originals(dims, points, drawn_names)
        rows = []
        for t in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED)):
            rec = t.user_attrs.get(_CV_ATTR)
            if rec and rec.get("metrics_unknown") and set(rec["test"]) != set(scorers):
                rec = {**rec, **{part: dict.fromkeys(scorers, rec[part]["score"]) for part in ("test", "train")
                                 if rec.get(part)}}
            if not rec or rec.get("n_splits") != n_splits or set(rec["test"]) != set(scorers):
                continue  # a trial from another search in the same study
            if only_rows and t.number not in rows_run:
                continue
            params = rows_run.get(t.number)
            if params is None:
                try:
                    # A list of grids: a configuration has the parameters of its own grid only.
                    raw = {name: v for name, v in t.params.items() if name in dims}
                    drawn = t.user_attrs.get(_DRAWN_ATTR) or {}
                    params = _configuration(originals, dims, raw, drawn)
                except (KeyError, ValueError):
                    continue
            if not params and dims:
                continue
            rows.append((t, rec, params))
        if not rows:
            raise ValueError("no configuration was evaluated: check n_trials / timeout and the study's trials")

        n = len(rows)
        res: dict[str, Any] = {}
        if any("iter" in rec for _, rec, _ in rows):  # successive halving, first as in scikit-learn
            res["iter"] = np.asarray([rec.get("iter", -1) for _, rec, _ in rows])
            res["n_resources"] = np.asarray([rec.get("n_resources", -1) for _, rec, _ in rows])
        fit_times = np.full((n, n_splits), np.nan)
        score_times = np.full((n, n_splits), np.nan)
        for i, (_, rec, _) in enumerate(rows):
            fit_times[i, : len(rec["fit_time"])] = rec["fit_time"]
            score_times[i, : len(rec["score_time"])] = rec["score_time"]
        res["mean_fit_time"] = np.nanmean(fit_times, axis=1)
        res["std_fit_time"] = np.nanstd(fit_times, axis=1)
        res["mean_score_time"] = np.nanmean(score_times, axis=1)
        res["std_score_time"] = np.nanstd(score_times, axis=1)
        params_list = [p for _, _, p in rows]
        res.update(_param_columns(params_list))
        res["params"] = params_list

        states = [t.state for t, _, _ in rows]
        for metric in scorers:
            suffix = metric if multimetric else "score"
            for kind in ("test", "train"):
                if kind == "train" and not return_train_score:
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
                if not np.isfinite(mean).all() and not only_rows:  # halving warned after each iteration
                    warnings.warn(f"One or more of the {kind} scores are non-finite: {mean}", UserWarning, stacklevel=3)
                res[f"mean_{kind}_{suffix}"] = mean
                res[f"std_{kind}_{suffix}"] = std
                if kind == "test":
                    res[f"rank_test_{suffix}"] = _rank(mean, partial)
        self._row_states = np.array([s.value for s in states], dtype=object)
        if extras:
            res["state"] = self._row_states
            res["trial_number"] = np.array([t.number for t, _, _ in rows])
        self.cv_results_ = res

    def _select_best(self, refit_metric: str, multimetric: bool, halving: bool = False) -> None:
        res = self.cv_results_
        suffix = refit_metric if multimetric else "score"
        if callable(self.refit):
            index = self.refit(res)
            # scikit-learn's exception types, so a script catching them keeps working.
            if not isinstance(index, (numbers.Integral, np.integer)) or isinstance(index, bool):
                raise TypeError(f"best_index_ returned is not an integer: the refit callable must return an index "
                                f"into cv_results_['params'], got {index!r}")
            if not 0 <= index < len(res["params"]):
                raise IndexError(f"best_index_ index out of range: the refit callable returned {index}, and "
                                 f"cv_results_ has {len(res['params'])} rows")
            self.best_index_ = index  # as returned, as scikit-learn keeps it
        elif halving:
            # The best of the last iteration (the candidates scored with the most resources).
            last = np.flatnonzero(res["iter"] == np.max(res["iter"]))
            scores = res["mean_test_score"][last]
            self.best_index_ = last[0] if np.isnan(scores).all() else last[np.nanargmax(scores)]  # np.int64, as sklearn
        else:
            states = self._row_states
            complete = np.flatnonzero((states == "COMPLETE") & ~np.isnan(res[f"mean_test_{suffix}"]))
            if complete.size == 0:
                # No finite mean (a metric undefined on the folds): scikit-learn still chooses the
                # first of the best rank, with NaN tied last; the non-finite warning was given.
                complete = np.flatnonzero(states != "PRUNED")
            if complete.size == 0:
                raise ValueError(f"every configuration was pruned: no configuration has a mean_test_{suffix} over "
                                 f"all {self.n_splits_} folds; run more trials or prune less (pruning=)")
            self.best_index_ = complete[np.argmin(res[f"rank_test_{suffix}"][complete])]  # np.int64, as sklearn
        if not callable(self.refit) or halving:
            self.best_score_ = res[f"mean_test_{suffix}"][self.best_index_]  # np.float64, as scikit-learn
        self.best_params_ = dict(res["params"][self.best_index_])

    # ---- delegation to the refitted estimator ----------------------------------------------
    def _check_fitted(self, method: str) -> None:
        from sklearn.exceptions import NotFittedError

        # scikit-learn's AttributeError (its _check_refit) before the not-fitted check, as its score / classes_.
        _check_refit_given(self, method)
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

    def score(self, X: Any, y: Any = None, **params: Any) -> float:
        """Score of the refitted best estimator with the refit metric's scorer; ``params`` (with
        ``sklearn.set_config(enable_metadata_routing=True)``) go to the scorer that requests them."""
        if params and not _routing_enabled():
            # scikit-learn's words, so a script matching them keeps working.
            raise ValueError(f"Passing extra keyword arguments to {type(self).__name__}.score is only supported if "
                             f"enable_metadata_routing=True, which you can set using `sklearn.set_config`. Extra "
                             f"parameters passed are: {set(params)}")
        self._check_fitted("score")
        scorers = self.scorer_ if isinstance(self.scorer_, Mapping) else {"score": self.scorer_}
        routed: dict[str, dict[str, Any]] = {name: {} for name in scorers}
        if params:
            from sklearn.utils.metadata_routing import process_routing

            routed = _per_scorer(scorers, process_routing(self, "score", **params).scorer.score)
        if self.multimetric_:
            if not isinstance(self.refit, str):
                raise AttributeError("score() with several metrics needs refit='<metric name>' to know which to use")
            if isinstance(self.scorer_, Mapping):
                return float(self.scorer_[self.refit](self.best_estimator_, X, y, **routed[self.refit]))
            # A scoring callable returning a dict of metrics.
            return float(self.scorer_(self.best_estimator_, X, y, **routed["score"])[self.refit])
        return float(self.scorer_(self.best_estimator_, X, y, **routed["score"]))

    def get_metadata_routing(self) -> Any:
        """Where ``fit`` and ``score`` send metadata under ``enable_metadata_routing=True``: to the
        estimator's ``fit``, to the scorers and to the splitter (``groups``), as scikit-learn's searches."""
        from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping

        scorers, _ = resolve_scoring(self.scoring, self.estimator)
        router = MetadataRouter(owner=self)
        router.add(estimator=self.estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
        router.add(scorer=_routing_scorer(scorers),
                   method_mapping=MethodMapping().add(caller="score", callee="score").add(caller="fit", callee="score"))
        router.add(splitter=self.cv, method_mapping=MethodMapping().add(caller="fit", callee="split"))
        return router

    @property
    def classes_(self) -> Any:
        self._check_fitted("classes_")
        return self.best_estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        if not hasattr(self, "best_estimator_"):
            raise AttributeError(f"{type(self).__name__} has n_features_in_ only after fit with refit")
        return int(self.best_estimator_.n_features_in_)


def _warn_or_raise_about_failed_fits(fits: Sequence[str | None], error_score: Any, raise_all: bool = True) -> None:
    """One summary of the fits that failed (their scores are ``error_score``), or a ValueError
    when they all did: scikit-learn's searches say the same once per search, not per fold."""
    from collections import Counter

    from sklearn.exceptions import FitFailedWarning

    errors = [e for e in fits if e is not None]
    if not errors:
        return
    # scikit-learn's summary: each distinct traceback once, in the order first met, after a line of dashes.
    details = "\n".join(f"{'-' * 80}\n{n} fits failed with the following error:\n{e}"
                         for e, n in Counter(errors).items())
    if len(errors) == len(fits) and raise_all:
        raise ValueError(f"\nAll the {len(fits)} fits failed.\nIt is very likely that your model is misconfigured.\n"
                         f"You can try to debug the error by setting error_score='raise'.\n\n"
                         f"Below are more details about the failures:\n{details}")
    warnings.warn(f"\n{len(errors)} fits failed out of a total of {len(fits)}.\nThe score on these train-test "
                  f"partitions for these parameters will be set to {error_score}.\nIf these failures are not "
                  f"expected, you can try to debug them by setting error_score='raise'.\n\n"
                  f"Below are more details about the failures:\n{details}", FitFailedWarning, stacklevel=3)


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
