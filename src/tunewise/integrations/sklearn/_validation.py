"""Scoring and fold evaluation shared by SearchCV and cross_validate_objective."""

from __future__ import annotations

import difflib
import numbers
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

Scorer = Callable[..., float]


def _scorer_from_name(name: str, where: str) -> Scorer:
    from sklearn.metrics import get_scorer, get_scorer_names

    valid = sorted(get_scorer_names())
    if name not in valid:
        close = difflib.get_close_matches(name, valid, n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise ValueError(
            f"{where}={name!r} is not a scikit-learn scorer name{hint}. Valid names: {', '.join(valid)}; "
            "or pass a callable scorer(estimator, X, y) -> float"
        )
    return get_scorer(name)  # type: ignore[no-any-return]


def resolve_scoring(scoring: Any, estimator: Any) -> tuple[dict[str, Scorer], bool]:
    """``scoring`` as an ordered ``{metric name: scorer}`` dict, and whether it is multi-metric.

    Single metric (None, a name, a callable) uses the key ``"score"`` as scikit-learn does.
    """
    from sklearn.metrics import check_scoring

    if scoring is None:
        try:
            return {"score": check_scoring(estimator)}, False
        except TypeError as e:
            raise TypeError(f"scoring=None needs an estimator with a score() method: {e}") from None
    if isinstance(scoring, str):
        return {"score": _scorer_from_name(scoring, "scoring")}, False
    if callable(scoring):
        return {"score": scoring}, False
    if isinstance(scoring, Mapping):
        if not scoring:
            raise ValueError("scoring={} is empty: name at least one metric")
        out: dict[str, Scorer] = {}
        for key, s in scoring.items():
            if not isinstance(key, str):
                raise TypeError(f"scoring dict keys must be metric names (str), got {key!r}")
            if isinstance(s, str):
                out[key] = _scorer_from_name(s, f"scoring[{key!r}]")
            elif callable(s):
                out[key] = s
            else:
                raise TypeError(f"scoring[{key!r}] must be a scorer name or a callable, got {s!r}")
        return out, True
    if isinstance(scoring, (list, tuple, set, frozenset)):
        names = list(scoring)
        if not names:
            raise ValueError("scoring=[] is empty: name at least one metric")
        if not all(isinstance(n, str) for n in names):
            raise TypeError(f"a scoring list must hold scorer names (str), got {scoring!r}")
        if len(set(names)) != len(names):
            raise ValueError(f"scoring lists a metric twice: {names!r}")
        return {n: _scorer_from_name(n, "scoring") for n in names}, True
    raise TypeError(
        f"scoring must be None, a scorer name, a callable, or a list/dict of them; got {scoring!r}"
    )


def check_error_score(error_score: Any) -> Any:
    if error_score == "raise" and isinstance(error_score, str):
        return error_score
    if isinstance(error_score, numbers.Real) and not isinstance(error_score, bool):
        return float(error_score)
    raise ValueError(f"error_score must be 'raise' or a number (np.nan by default), got {error_score!r}")


def slice_fit_params(fit_params: Mapping[str, Any], n_samples: int, indices: np.ndarray) -> dict[str, Any]:
    """Index per-sample fit parameters (sample_weight, ...) with the fold's training rows."""
    from sklearn.utils import _safe_indexing

    out = {}
    for key, value in fit_params.items():
        if not isinstance(value, (str, bytes)) and hasattr(value, "__len__") and hasattr(value, "__getitem__"):
            try:
                n = len(value)
            except TypeError:
                n = -1
            if n == n_samples:
                out[key] = _safe_indexing(value, indices)
                continue
        out[key] = value
    return out


def scorer_accepts_sample_weight(scorer: Scorer) -> bool:
    """Whether ``scorer`` takes ``sample_weight`` (a scikit-learn scorer over a metric that does,
    or a callable with that parameter)."""
    import inspect

    accepts = getattr(scorer, "_accept_sample_weight", None)
    if callable(accepts):
        return bool(accepts())
    try:
        return "sample_weight" in inspect.signature(scorer).parameters
    except (TypeError, ValueError):
        return False


def weighted_scorers(scorers: Mapping[str, Scorer], fit_params: Mapping[str, Any]) -> frozenset[str]:
    """The metrics whose scorer gets the folds' ``sample_weight``, as scikit-learn's searches do
    since 1.7 (a fit weighted by ``sample_weight`` is scored weighted too); a warning names each
    scorer that cannot take it."""
    import re

    import sklearn

    if fit_params.get("sample_weight") is None:
        return frozenset()
    version = re.match(r"(\d+)\.(\d+)", sklearn.__version__)
    if version is not None and (int(version[1]), int(version[2])) < (1, 7):
        return frozenset()  # the scikit-learn installed scores unweighted: keep its results
    out = set()
    for name, scorer in scorers.items():
        if scorer_accepts_sample_weight(scorer):
            out.add(name)
        else:
            # scikit-learn's wording, so a filter on its message applies to ours.
            warnings.warn(f"The scoring {name}={scorer!r} does not support sample_weight, which may lead to "
                          f"statistically incorrect results: the fits are weighted but these scores are not. Use a "
                          f"scorer that takes sample_weight (make_scorer of a metric with a sample_weight parameter)",
                          UserWarning, stacklevel=3)
    return frozenset(out)


_FAILED = object()  # _call_scorer: the scorer raised and error_score stands in


def _call_scorer(scorer: Scorer, estimator: Any, X: Any, y: Any, kwargs: Mapping[str, Any], error_score: Any,
                 label: str) -> Any:
    """What ``scorer`` returns, or _FAILED after scikit-learn's warning that ``error_score`` stands in
    (its very words, which scripts filter on: they do not name the scorer, so ``label`` is unused); with
    ``error_score="raise"``, its exception."""
    try:
        return scorer(estimator, X, **kwargs) if y is None else scorer(estimator, X, y, **kwargs)
    except Exception:
        if error_score == "raise":
            raise
        warnings.warn("Scoring failed. The score on this train-test partition for these parameters will be set "
                      f"to {error_score}. Details: \n{traceback.format_exc()}", UserWarning, stacklevel=3)
        return _FAILED


def _cached_scorers(scorers: Mapping[str, Scorer]) -> dict[str, Scorer]:
    """scikit-learn's own scorers of several metrics, sharing one cache of the estimator's
    predictions (``predict``, ``predict_proba``...) for one scoring call, as its multi-metric scorer
    does: each prediction is computed once however many metrics use it (and score times compare)."""
    if len(scorers) < 2:
        return {}
    try:
        from sklearn.metrics._scorer import _BaseScorer, _cached_call
    except ImportError:  # pragma: no cover - private names of another scikit-learn
        return {}
    cache: dict[Any, Any] = {}
    caller = partial(_cached_call, cache)

    def cached(scorer: Any) -> Scorer:
        def call(estimator: Any, X: Any, y: Any = None, **kwargs: Any) -> Any:
            return scorer._score(caller, estimator, X, y, **kwargs)
        return call

    return {name: cached(scorer) for name, scorer in scorers.items() if isinstance(scorer, _BaseScorer)}


def _score_all(scorers: Mapping[str, Scorer], estimator: Any, X: Any, y: Any, error_score: Any,
               sample_weight: Any = None, weighted: frozenset[str] = frozenset(),
               routed: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, float]:
    scores: dict[str, float] = {}
    cached = _cached_scorers(scorers)
    for name, scorer in scorers.items():
        kwargs = {"sample_weight": sample_weight} if name in weighted and sample_weight is not None else {}
        kwargs.update((routed or {}).get(name, {}))
        raw = _call_scorer(cached.get(name, scorer), estimator, X, y, kwargs, error_score, f"scoring {name!r}")
        if raw is _FAILED:
            scores[name] = float(error_score)
            continue
        if isinstance(raw, Mapping):
            raise TypeError(f"the scoring callable returned a dict of metrics ({sorted(raw)}): tunewise needs one "
                            f"number per scorer, so pass scoring={{'<metric>': callable, ...}} (one callable per "
                            f"metric) and refit='<metric>'")
        scores[name] = _as_score(raw, name)
    return scores


def _as_score(raw: Any, name: str) -> float:
    try:
        return float(raw.item() if hasattr(raw, "item") else raw)
    except (TypeError, ValueError):
        raise TypeError(f"scoring {name!r} must return a number, got {raw!r}") from None


def _score_metrics(scorer: Scorer, estimator: Any, X: Any, y: Any, error_score: Any,
                   sample_weight: Any = None, routed: Mapping[str, Any] | None = None,
                   ) -> tuple[dict[str, float], bool | None]:
    """Score with one scoring callable that may return a dict of metrics (scikit-learn's
    multi-metric callable): the scores, and whether they came as a dict (None: scoring failed,
    so the scores are ``{"score": error_score}`` and the metric names are not known)."""
    kwargs = {"sample_weight": sample_weight} if sample_weight is not None else {}
    kwargs.update(routed or {})
    raw = _call_scorer(scorer, estimator, X, y, kwargs, error_score, "Scoring")
    if raw is _FAILED:
        return {"score": float(error_score)}, None
    if isinstance(raw, Mapping):
        if not raw:
            raise ValueError("the scoring callable returned an empty dict: return one number, or a dict of "
                             "{metric name: number} with at least one metric")
        bad = [key for key in raw if not isinstance(key, str)]
        if bad:
            raise TypeError(f"the scoring callable returned a dict whose keys are not metric names (str): {bad!r}")
        return {key: _as_score(value, key) for key, value in raw.items()}, True
    return {"score": _as_score(raw, "score")}, False


def fit_and_score(estimator: Any, X: Any, y: Any, train: np.ndarray, test: np.ndarray,
                  scorers: Mapping[str, Scorer], fit_params: Mapping[str, Any], *,
                  return_train_score: bool, error_score: Any, params: Mapping[str, Any] | None = None,
                  fold: int = 0, weighted: frozenset[str] = frozenset(),
                  warn_fit_failure: bool = True, metric_dict: bool = False,
                  score_params: Mapping[str, Mapping[str, Any]] | None = None,
                  callback_ctx: Any = None, caller: Any = None, verbose: int = 0,
                  progress: tuple[tuple[int, int], tuple[int, int]] | None = None) -> dict[str, Any]:
    """Fit a (cloned) estimator on one fold and score it: the unit of work of every CV search.

    ``weighted`` names the scorers that get the fold's share of ``fit_params["sample_weight"]``;
    ``warn_fit_failure=False`` leaves the warning about a failed fit to the caller (SearchCV
    sums them up once per search, as scikit-learn does). ``metric_dict=True``: ``scorers`` is
    ``{"score": callable}`` and the callable may return a dict of metrics; the result's
    ``"metric_dict"`` says whether it did (None when the fit or the scoring failed).
    ``score_params``: metadata routed to each scorer by name (scikit-learn's metadata routing),
    per-sample values indexed with the fold's test (or train) rows. ``callback_ctx``: the fold's
    ``candidate-split-evaluation`` task of scikit-learn's callback API (>= 1.9), whose callbacks see the
    fit begin and, after scoring, end, with ``caller`` (the search) as the estimator, as in scikit-learn.
    ``verbose`` > 1 prints scikit-learn's ``[CV fold/n_splits; candidate/n_candidates] END ...`` line for the
    fold (> 9 also its START line), ``progress`` being ``((fold, n_splits), (candidate, n_candidates))``."""
    progress_msg = _progress_message(verbose, progress)
    if verbose > 9:
        start_msg = f"[CV{progress_msg}] START {_params_message(params)}"
        print(f"{start_msg}{(80 - len(start_msg)) * '.'}")
    result = _fit_and_score_with_callbacks(
        estimator, X, y, train, test, scorers, fit_params, return_train_score=return_train_score,
        error_score=error_score, params=params, fold=fold, weighted=weighted, warn_fit_failure=warn_fit_failure,
        metric_dict=metric_dict, score_params=score_params, callback_ctx=callback_ctx, caller=caller)
    if verbose > 1:
        print(_end_message(verbose, progress_msg, params, result, return_train_score))
    return result


def _progress_message(verbose: int, progress: tuple[tuple[int, int], tuple[int, int]] | None) -> str:
    """scikit-learn's `` fold/n_splits; candidate/n_candidates`` (verbose > 2; the candidate from 10)."""
    if verbose <= 2 or progress is None:
        return ""
    (fold, n_splits), (candidate, n_candidates) = progress
    return f" {fold + 1}/{n_splits}" + (f"; {candidate + 1}/{n_candidates}" if verbose > 9 else "")


def _params_message(params: Mapping[str, Any] | None) -> str:
    return "" if params is None else ", ".join(f"{k}={params[k]}" for k in sorted(params))


def _end_message(verbose: int, progress_msg: str, params: Mapping[str, Any] | None, result: Mapping[str, Any],
                 return_train_score: bool) -> str:
    """scikit-learn's END line of a fold (``_fit_and_score``'s), right-aligned to 80 columns."""
    from joblib import logger

    params_msg = _params_message(params)
    result_msg = params_msg + (";" if params_msg else "")
    test, train = result["test"], result["train"]
    if verbose > 2:
        if list(test) == ["score"]:
            result_msg += ", score="
            result_msg += (f"(train={train['score']:.3f}, test={test['score']:.3f})" if return_train_score
                           else f"{test['score']:.3f}")
        else:
            for name in sorted(test):
                result_msg += f" {name}: (" + (f"train={train[name]:.3f}, " if return_train_score else "")
                result_msg += f"test={test[name]:.3f})"
    result_msg += f" total time={logger.short_format_time(result['fit_time'] + result['score_time'])}"
    end_msg = f"[CV{progress_msg}] END "
    return end_msg + "." * (80 - len(end_msg) - len(result_msg)) + result_msg


def _fit_and_score_with_callbacks(
        estimator: Any, X: Any, y: Any, train: np.ndarray, test: np.ndarray, scorers: Mapping[str, Scorer],
        fit_params: Mapping[str, Any], *, return_train_score: bool, error_score: Any,
        params: Mapping[str, Any] | None, fold: int, weighted: frozenset[str], warn_fit_failure: bool,
        metric_dict: bool, score_params: Mapping[str, Mapping[str, Any]] | None, callback_ctx: Any,
        caller: Any) -> dict[str, Any]:
    from sklearn.utils.metaestimators import _safe_split
    from sklearn.utils.validation import _num_samples

    X_train, y_train = _safe_split(estimator, X, y, train)
    if callback_ctx is None:
        return _fit_and_score(estimator, X, y, X_train, y_train, train, test, scorers, fit_params,
                              return_train_score=return_train_score, error_score=error_score, params=params,
                              fold=fold, weighted=weighted, warn_fit_failure=warn_fit_failure,
                              metric_dict=metric_dict, score_params=score_params)
    sample_weight = slice_fit_params(fit_params, _num_samples(X), train).get("sample_weight")
    metadata = None if sample_weight is None else {"sample_weight": sample_weight}
    try:
        return _fit_and_score(estimator, X, y, X_train, y_train, train, test, scorers, fit_params,
                              return_train_score=return_train_score, error_score=error_score, params=params,
                              fold=fold, weighted=weighted, warn_fit_failure=warn_fit_failure,
                              metric_dict=metric_dict, score_params=score_params,
                              callbacks=(callback_ctx, caller, metadata))
    finally:
        callback_ctx.call_on_fit_task_end(estimator=caller, X=X_train, y=y_train, metadata=metadata)


def _fit_fold(estimator: Any, X_train: Any, y_train: Any, fp: Mapping[str, Any],
              callbacks: tuple[Any, Any, Any] | None) -> None:
    """Fit one fold; under a callback task, with the task's callbacks propagated to the estimator."""
    def fit() -> None:
        if y_train is None:
            estimator.fit(X_train, **fp)
        else:
            estimator.fit(X_train, y_train, **fp)

    if callbacks is None:
        fit()
        return
    ctx, caller, metadata = callbacks
    with ctx.propagate_callback_context(estimator):
        ctx.call_on_fit_task_begin(estimator=caller, X=X_train, y=y_train, metadata=metadata)
        fit()


def _fit_and_score(estimator: Any, X: Any, y: Any, X_train: Any, y_train: Any, train: np.ndarray,
                   test: np.ndarray, scorers: Mapping[str, Scorer], fit_params: Mapping[str, Any], *,
                   return_train_score: bool, error_score: Any, params: Mapping[str, Any] | None,
                   fold: int, weighted: frozenset[str], warn_fit_failure: bool, metric_dict: bool,
                   score_params: Mapping[str, Mapping[str, Any]] | None,
                   callbacks: tuple[Any, Any, Any] | None = None) -> dict[str, Any]:
    from sklearn.exceptions import FitFailedWarning
    from sklearn.utils.metaestimators import _safe_split
    from sklearn.utils.validation import _num_samples

    X_test, y_test = _safe_split(estimator, X, y, test, train)
    fp = slice_fit_params(fit_params, _num_samples(X), train) if fit_params else {}
    start = time.perf_counter()
    error: str | None = None
    try:
        _fit_fold(estimator, X_train, y_train, fp, callbacks)
    except Exception as e:
        if error_score == "raise":
            raise
        fit_time = time.perf_counter() - start
        error = f"{type(e).__name__}: {e}"
        trace = traceback.format_exc()  # the search's FitFailedWarning shows it, as scikit-learn's does
        if warn_fit_failure:
            warnings.warn(
                f"fit failed on fold {fold} with params {dict(params or {})}; its scores are set to "
                f"error_score={error_score}. Error: {error}",
                FitFailedWarning,
                stacklevel=2,
            )
        nan_scores = {name: float(error_score) for name in scorers}
        return {"test": nan_scores, "train": dict(nan_scores) if return_train_score else None,
                "fit_time": fit_time, "score_time": 0.0, "error": error, "traceback": trace,
                **({"metric_dict": None} if metric_dict else {})}
    fit_time = time.perf_counter() - start
    weights = fit_params.get("sample_weight") if weighted else None
    if weights is not None:
        from sklearn.utils import _safe_indexing

        test_weights, train_weights = _safe_indexing(weights, test), _safe_indexing(weights, train)
    else:
        test_weights = train_weights = None
    n_samples = _num_samples(X)
    test_routed = {name: slice_fit_params(p, n_samples, test) for name, p in (score_params or {}).items()}
    train_routed = {name: slice_fit_params(p, n_samples, train) for name, p in (score_params or {}).items()}
    if metric_dict:
        (scorer,) = scorers.values()
        start = time.perf_counter()
        (name,) = scorers
        test_scores, kind = _score_metrics(scorer, estimator, X_test, y_test, error_score, test_weights,
                                           test_routed.get(name))
        score_time = time.perf_counter() - start
        train_scores = (_score_metrics(scorer, estimator, X_train, y_train, error_score, train_weights,
                                       train_routed.get(name))[0] if return_train_score else None)
        return {"test": test_scores, "train": train_scores, "fit_time": fit_time, "score_time": score_time,
                "error": None, "metric_dict": kind}
    start = time.perf_counter()
    test_scores = _score_all(scorers, estimator, X_test, y_test, error_score, test_weights, weighted, test_routed)
    score_time = time.perf_counter() - start
    train_scores = (_score_all(scorers, estimator, X_train, y_train, error_score, train_weights, weighted,
                               train_routed) if return_train_score else None)
    return {"test": test_scores, "train": train_scores, "fit_time": fit_time, "score_time": score_time,
            "error": None}


def make_splits(cv: Any, X: Any, y: Any, groups: Any, classifier: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """Materialize the folds once, so every trial is scored on exactly the same splits."""
    from sklearn.model_selection import check_cv

    try:
        splitter = check_cv(cv, y, classifier=classifier)
    except ValueError as e:
        raise ValueError(f"cv={cv!r} is not a valid cross-validation setting: {e}") from None
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y, groups)]
    if not splits:
        raise ValueError(f"No fits were performed. Was the CV iterator empty? Were there no candidates? "
                         f"(cv={cv!r} produced no train/test splits)")
    # scikit-learn's searches refuse a splitter whose get_n_splits disagrees with what split yields (a
    # custom splitter's bug that would otherwise go unnoticed); a drop-in refuses it with the same words.
    expected = int(splitter.get_n_splits(X, y, groups))
    if expected != len(splits):
        raise ValueError(f"cv.split and cv.get_n_splits return inconsistent results. Expected {expected} splits, "
                         f"got {len(splits)} (cv={cv!r}: make get_n_splits return the number of folds split "
                         f"yields)")
    return splits


def count_splits(cv: Any, X: Any, y: Any, groups: Any, classifier: bool) -> int:
    """The number of folds ``cv`` gives, without splitting (no random numbers drawn)."""
    from sklearn.model_selection import check_cv

    try:
        return int(check_cv(cv, y, classifier=classifier).get_n_splits(X, y, groups))
    except ValueError as e:
        raise ValueError(f"cv={cv!r} is not a valid cross-validation setting: {e}") from None


def nan_mean(values: Sequence[float]) -> float:
    arr = np.asarray(values, dtype=float)
    if arr.size == 0 or np.all(np.isnan(arr)):
        return float("nan")
    return float(np.nanmean(arr))
