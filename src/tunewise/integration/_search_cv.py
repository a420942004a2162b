"""Optuna's ``OptunaSearchCV`` arguments over :class:`tunewise.integrations.sklearn.SearchCV`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from tunewise.integrations.sklearn import SearchCV

_logger = logging.getLogger("tunewise")


def _mean_std(values: list[Any]) -> tuple[float | None, float | None]:
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    if arr.size == 0 or np.all(np.isnan(arr)):
        return None, None
    return float(np.nanmean(arr)), float(np.nanstd(arr))


class _OptunaTrialsSearchCV(SearchCV):
    """SearchCV whose trials also carry the user attributes Optuna's OptunaSearchCV sets on each trial
    (``split0_test_score`` ... ``mean_test_score``, ``std_test_score``, ``mean_fit_time``, ...), which scripts
    read back from ``trials_dataframe()`` as ``user_attrs_mean_test_score`` and from ``trial.user_attrs``.
    Its output is Optuna's too: the study's lines (created, one per trial), none of scikit-learn's."""

    _study_log_lines = True
    _raise_when_all_fits_fail = False

    def _trial_attrs(self, record: dict[str, Any]) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        for name in ("fit_time", "score_time"):
            attrs[f"mean_{name}"], attrs[f"std_{name}"] = _mean_std(record[name])
        for part in ("test", "train"):
            scores = record.get(part)
            if not scores:
                continue
            values = next(iter(scores.values()))  # OptunaSearchCV takes one scoring
            for k, value in enumerate(values):
                attrs[f"split{k}_{part}_score"] = value
            attrs[f"mean_{part}_score"], attrs[f"std_{part}_score"] = _mean_std(values)
        return attrs

    def _select_best(self, *args: Any, **kwargs: Any) -> None:
        super()._select_best(*args, **kwargs)
        # Optuna's OptunaSearchCV reads the best from the study: with no trial completed (every
        # configuration's fits failed) study.best_params raises, its refit logs that and refits the
        # estimator as given, and best_params_ / best_score_ / best_index_ raise ValueError. A
        # failed configuration's parameters are not refitted (s33: LGBMClassifier with
        # early_stopping_rounds and no validation set fails every fit and the refit alike).
        states = getattr(self, "_row_states", None)
        means = np.asarray(self.cv_results_.get("mean_test_score", []), dtype=float)
        if states is not None and len(means) == len(states) and not np.any((states == "COMPLETE") & ~np.isnan(means)):
            self._no_completed_trial = True
            self.best_params_ = {}


class OptunaSearchCV(SearchCV):
    """``optuna.integration.OptunaSearchCV`` under tunewise: the same arguments and attributes.

    ``param_distributions`` maps parameter names to distributions (``optuna.distributions.
    FloatDistribution(1e-3, 1e3, log=True)``, i.e. ``tw.distributions.Float``); the search runs as
    :class:`~tunewise.integrations.sklearn.SearchCV` (``strategy="auto"``) with ``n_trials``
    configurations, each scored by ``cv`` (None: 5 folds, stratified for classifiers).
    ``enable_pruning=True`` stops a configuration whose first folds score below the median
    (``pruning="median"``). ``study`` continues an existing study (its storage and name).
    ``subsample`` and ``max_iter`` (Optuna's partial-fit pruning) are not supported: values other
    than the defaults raise.

    Attributes after ``fit``: those of ``SearchCV`` (``best_params_``, ``best_score_``,
    ``best_estimator_``, ``cv_results_``, ``study_``, ...) and Optuna's ``best_trial_``,
    ``trials_``, ``n_trials_``, ``user_attrs_``; ``trials_dataframe()`` is the study's. Each trial
    carries Optuna's user attributes (``mean_test_score``, ``std_test_score``, ``split<k>_test_score``,
    ``mean_fit_time``, ... and the train ones with ``return_train_score=True``).

    >>> import tunewise as optuna
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> X, y = load_iris(return_X_y=True)
    >>> search = optuna.integration.OptunaSearchCV(
    ...     SVC(gamma="auto"), {"C": optuna.distributions.FloatDistribution(1e-3, 1e3, log=True)},
    ...     n_trials=4, random_state=0).fit(X, y)
    >>> search.n_trials_, sorted(search.best_trial_.params)
    (4, ['C'])
    """

    def __init__(self, estimator: Any, param_distributions: Mapping[str, Any], *, cv: Any = None,
                 enable_pruning: bool = False, error_score: Any = np.nan, max_iter: int = 1000,
                 n_jobs: int | None = None, n_trials: int | None = 10, random_state: Any = None,
                 refit: Any = True, return_train_score: bool = False, scoring: Any = None, study: Any = None,
                 subsample: float | int = 1.0, timeout: float | None = None, verbose: int = 0,
                 callbacks: Any = None, catch: Any = ()) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.cv = cv
        self.enable_pruning = enable_pruning
        self.error_score = error_score
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.n_trials = n_trials
        self.random_state = random_state
        self.refit = refit
        self.return_train_score = return_train_score
        self.scoring = scoring
        self.study = study
        self.subsample = subsample
        self.timeout = timeout
        self.verbose = verbose
        self.callbacks = callbacks
        self.catch = catch

    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> OptunaSearchCV:
        if self.subsample != 1.0:
            raise ValueError(f"OptunaSearchCV(subsample={self.subsample!r}) is not supported by tunewise: "
                             "subsample the data before fit, or leave subsample=1.0")
        if self.max_iter != 1000:
            raise ValueError(f"OptunaSearchCV(max_iter={self.max_iter!r}) (partial_fit pruning) is not supported "
                             "by tunewise; enable_pruning=True prunes over the folds instead")
        if not isinstance(self.param_distributions, Mapping):
            raise TypeError("param_distributions must be a dict of parameter name -> distribution "
                            f"(optuna.distributions.FloatDistribution(...) etc.), got {self.param_distributions!r}")
        study = self.study
        search = _OptunaTrialsSearchCV(
            self.estimator, dict(self.param_distributions), n_trials=self.n_trials,
            cv=5 if self.cv is None else self.cv, scoring=self.scoring, refit=self.refit, n_jobs=self.n_jobs,
            pruning="median" if self.enable_pruning else False, error_score=self.error_score,
            return_train_score=self.return_train_score, random_state=self.random_state,
            storage=None if study is None else study.storage,
            study_name=None if study is None else study.study_name,
            timeout=self.timeout, callbacks=self.callbacks,
            # Optuna's verbose sets the level of a logger that has no handler: it prints nothing more.
            verbose=0,
        )
        self.__dict__.pop("_no_completed_trial", None)
        search.fit(X, y, groups=groups, **fit_params)
        for key, value in vars(search).items():
            if key.endswith("_") and not key.startswith("_"):
                setattr(self, key, value)
        if getattr(search, "_no_completed_trial", False):
            if self.refit:
                _logger.error("OptunaSearchCV: no trial completed (every configuration's fits failed): the estimator "
                              "was refitted with its own parameters, as Optuna's OptunaSearchCV does")
            self._no_completed_trial = True
            for key in ("best_params_", "best_score_", "best_index_"):
                self.__dict__.pop(key, None)
        # Optuna's are the best trial's value and number: a Python float and int (numpy's print as
        # np.float64(...) / np.int64(...) in a repr, a dict or a list).
        if isinstance(self.__dict__.get("best_score_"), np.floating):
            self.best_score_ = float(self.best_score_)
        if isinstance(self.__dict__.get("best_index_"), np.integer):
            self.best_index_ = int(self.best_index_)
        return self

    def __getattr__(self, name: str) -> Any:
        # With no completed trial, Optuna's best_params_ / best_score_ / best_index_ read the study's
        # best trial and raise its ValueError; so do these (study_.best_trial raises).
        if name in ("best_params_", "best_score_", "best_index_") and self.__dict__.get("_no_completed_trial"):
            self.study_.best_trial  # noqa: B018 - raises ValueError: no trial completed
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def best_trial_(self) -> Any:
        return self.study_.best_trial

    @property
    def trials_(self) -> list[Any]:
        return self.study_.trials  # type: ignore[no-any-return]

    @property
    def n_trials_(self) -> int:
        return len(self.trials_)

    @property
    def user_attrs_(self) -> dict[str, Any]:
        return dict(self.study_.user_attrs)

    def trials_dataframe(self, *args: Any, **kwargs: Any) -> Any:
        return self.study_.trials_dataframe(*args, **kwargs)
