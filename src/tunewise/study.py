"""Studies: the optimization loop (ask a sampler, run, report, tell) over a storage."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as _dt
import json
import logging
import math
import numbers
import os
import sys
import time
import traceback
import types
import uuid
import warnings
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from tunewise import distributions as D
from tunewise._constraints import CONSTRAINTS_ATTR, check_constraints, is_feasible
from tunewise._finish_outcome import FinishOutcome, Refusal, refusal_of
from tunewise._interrupts import DeferInterrupt as _DeferInterrupt
from tunewise._interrupts import TerminateAsInterrupt as _TerminateAsInterrupt
from tunewise._interrupts import Terminated as _Terminated
from tunewise._numbered_enum import NumberedTextEnum
from tunewise._study_view import StudyReader
from tunewise.exceptions import (
    MaxTrialsReached,
    SearchExhausted,
    StudyNotFoundError,
    TrialPruned,
    UpdateFinishedTrialError,
)
from tunewise.exceptions import StorageError as _StorageError
from tunewise.logging import trial_logger
from tunewise.samplers._base import PROPOSAL_ATTR, Sampler
from tunewise.samplers._context import Budget, SpaceFit, StudyContext, TrialContext, as_proposal
from tunewise.samplers._search_space import check_evolution
from tunewise.storage import (
    BaseStorage,
    _heartbeat,  # heartbeats + stale-trial retry (storage area)
    get_storage,
)
from tunewise.storage._base import ClaimTaken, PreparedStart
from tunewise.trial import (
    DISTRIBUTIONS_ATTR,
    FrozenTrial,
    LiveAttrs,
    Trial,
    TrialState,
    _current_trial,
    _jsonable,
    create_trial,
)

if TYPE_CHECKING:
    import pandas as pd

    from tunewise.execution import Executor
    from tunewise.schedulers._base import Scheduler

__all__ = ["MaxTrialsCallback", "Study", "StudyDirection", "StudySummary", "copy_study", "create_study", "create_trial",
           "delete_study", "get_all_study_names", "get_all_study_summaries", "load_study"]

_log = logging.getLogger("tunewise")

ObjectiveFunc = Callable[[Trial], Any]
Callback = Callable[["Study", FrozenTrial], None]

_DIRECTIONS = ("minimize", "maximize")
# trials_dataframe's columns: Optuna's defaults, without system_attrs (tunewise's bookkeeping there
# would crowd the frame; ask for it with attrs=).
_DATAFRAME_ATTRS = ("number", "value", "datetime_start", "datetime_complete", "duration", "params", "user_attrs",
                    "state")
_DATAFRAME_ALL_ATTRS = ("number", "trial_id", "value", "values", "datetime_start", "datetime_complete", "duration",
                        "params", "user_attrs", "system_attrs", "intermediate_values", "distributions", "state")


def _same_params(a: Mapping[str, Any] | None, b: Mapping[str, Any]) -> bool:
    """Whether two configurations are the same, a NaN value equal to NaN (enqueue_trial's
    ``skip_if_exists``; a NaN read back from the storage is another object)."""
    if a is None or a.keys() != b.keys():
        return False
    return all(a[k] == b[k] or (isinstance(a[k], float) and isinstance(b[k], float) and math.isnan(a[k])
                                and math.isnan(b[k])) for k in a)


def _check_directions(direction: str | None, directions: Sequence[str] | None) -> list[str]:
    if direction is not None and directions is not None:
        raise ValueError("pass either direction= or directions=, not both")
    dirs = [direction or "minimize"] if directions is None else list(directions)
    if not dirs:
        raise ValueError("directions must name at least one objective")
    for d in dirs:
        if d not in _DIRECTIONS:
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {d!r}")
    return [str(d) for d in dirs]  # StudyDirection members are stored as their strings


class Study:
    """A named search: its trials live in the storage; the sampler and scheduler live here.

    Create one with :func:`create_study` or :func:`load_study`.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=30)
    >>> len(study.trials), study.direction
    (30, 'minimize')
    >>> abs(study.best_params["x"] - 1) < 0.5
    True
    """

    # Called with each COMPLETE or PRUNED trial (a FrozenTrial) as it finishes; returns its
    # constraint values, feasible when all <= 0 (see create_study). Per process, like the sampler.
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None

    def __init__(
        self,
        name: str,
        storage: BaseStorage,
        sampler: Sampler | None = None,
        scheduler: Scheduler | None = None,
    ) -> None:
        self.study_name = name
        self._storage = storage
        self._study_id = storage.get_study_id(name)
        self.directions: list[str] = [StudyDirection(d) for d in storage.get_study_directions(self._study_id)]
        if sampler is None:
            sampler = _default_sampler()
        _check_instance("sampler", sampler)
        _check_instance("scheduler", scheduler)
        if not isinstance(sampler, Sampler):
            raise TypeError(f"sampler must be a tunewise Sampler, got {sampler!r}")
        self.sampler = sampler
        self.scheduler = scheduler
        self._dists: dict[str, D.Distribution] | None = None
        self._stop_requested = False
        self._loops = 0  # tunewise's own loops running on this study (SearchCV's): stop() ends them too
        self._max_trials: int | None = None  # study-wide trial budget of the running optimize()
        self._in_optimize = False  # inside optimize() (or a worker's), _max_trials is the budget
        self._deadline: float | None = None  # the running optimize()'s timeout, as a time.monotonic()
        # The scheduler's admission key for the next start (PBT: a member not started yet), set by
        # _decisions._admitted and claimed in that start's own storage step (_admission_prepared)
        self._admission_claim: str | None = None
        self._retries_only = False  # the search is exhausted: ask() starts only a queued retry (ask_retry)
        self._budget: Budget | None = None  # the running optimize()'s plan, for the sampler (StudyContext.budget)
        self._sampler_ctx: _SamplerStudyContext | None = None  # what the sampler sees of this study
        # Trials this process started and has not finished: tell(number) finishes the live trial,
        # with every parameter it suggested, not a stored snapshot taken before they were written.
        self._live: dict[int, Trial] = {}
        if storage.is_persistent:
            from tunewise.storage import _spool

            _spool.replay(storage)  # results a storage outage kept from being written earlier

    # ---- identity ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.study_name

    @property
    def direction(self) -> str:
        if len(self.directions) != 1:
            raise RuntimeError("this study has several objectives: use study.directions")
        return self.directions[0]

    @property
    def storage(self) -> BaseStorage:
        return self._storage

    @property
    def user_attrs(self) -> dict[str, Any]:
        return dict(self._storage.get_study_attrs(self._study_id).get("user", {}))

    @property
    def system_attrs(self) -> dict[str, Any]:
        return dict(self._storage.get_study_attrs(self._study_id).get("system", {}))

    def set_user_attr(self, key: str, value: Any) -> None:
        # One item, atomically: workers setting different keys at once never lose each other's.
        # Numpy values are kept as the Python numbers and lists they hold, as on a trial.
        self._storage.set_study_attr_item(self._study_id, "user", key, _jsonable(value))

    def set_system_attr(self, key: str, value: Any) -> None:
        self._storage.set_study_attr_item(self._study_id, "system", key, value)

    @property
    def metric_names(self) -> list[str] | None:
        """The names of the objectives given by :meth:`set_metric_names`, or None."""
        names = self.system_attrs.get(_METRIC_NAMES_KEY)
        return list(names) if names is not None else None

    def set_metric_names(self, metric_names: Sequence[str]) -> None:
        """Name each objective (Optuna's ``study.set_metric_names``): ``trials_dataframe`` then
        has a ``values_<name>`` column per objective (``value_<name>`` with one objective) and the
        Pareto-front plot labels its axes with them.

        >>> import tunewise as tw
        >>> study = tw.create_study(directions=["minimize", "maximize"])
        >>> study.set_metric_names(["latency_ms", "accuracy"])
        >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1) * 10, t.params["x"]), n_trials=2)
        >>> list(study.trials_dataframe(attrs=("number", "values")).columns)
        ['number', 'values_latency_ms', 'values_accuracy']
        """
        if isinstance(metric_names, str) or not isinstance(metric_names, Sequence) \
                or not all(isinstance(n, str) for n in metric_names):
            raise TypeError(f"set_metric_names() needs a list of names, one per objective, got {metric_names!r}")
        if len(metric_names) != len(self.directions):
            raise ValueError(f"set_metric_names({list(metric_names)!r}): study {self.study_name!r} has "
                             f"{len(self.directions)} objective(s) ({self.directions}); give one name each")
        self.set_system_attr(_METRIC_NAMES_KEY, list(metric_names))

    def _default_scheduler(self) -> Scheduler:
        """What ``trial.should_prune()`` asks when the study has no scheduler: Optuna's default
        pruner, the median rule with ``MedianPruner()``'s defaults (one per study object)."""
        sched: Scheduler | None = self.__dict__.get("_median_default")
        if sched is None:
            from tunewise.pruners import MedianPruner  # Optuna's rule: COMPLETE trials only

            sched = self.__dict__["_median_default"] = MedianPruner(n_startup_trials=5, n_warmup_steps=0)
        return sched

    def _metric_name(self) -> str | None:
        """The metric this study optimizes when trials report dicts of metrics (see ``Trial.report``)."""
        if "_metric" not in self.__dict__:  # read once per study object
            self.__dict__["_metric"] = self.system_attrs.get(_METRIC_KEY)
        name: str | None = self.__dict__["_metric"]
        return name

    def _set_metric_name(self, name: str) -> None:
        self.set_system_attr(_METRIC_KEY, name)
        self.__dict__["_metric"] = name

    # ---- search space ------------------------------------------------------------------
    def _distributions(self) -> dict[str, D.Distribution]:
        if self._dists is None:
            self._dists = self._storage.get_distributions(self._study_id)
        return self._dists

    @property
    def distributions(self) -> dict[str, D.Distribution]:
        """Every parameter seen in this study and its distribution (the known search space).

        A new dict each time (samplers read it once per trial): the study's own grows in place
        as trials suggest new parameters, perhaps in another thread while this one iterates.
        """
        return dict(self._distributions())

    def _register_distribution(self, name: str, dist: D.Distribution, trial: Trial | None = None) -> None:
        # The storage keeps the first distribution stored for a name (another worker's, if it came
        # first); the study's space (what samplers model) is the latest one suggested here. A range
        # may change between trials (it depends on another parameter, or was widened on resume):
        # the trial then keeps its own in its system attrs (FrozenTrial.distributions), and
        # samplers see old observations in the new space (samplers/_context.py: SpaceFit).
        known = self._distributions()
        firsts: dict[str, D.Distribution] = self.__dict__.setdefault("_first_dists", {})
        first = firsts.get(name)
        if first is None:
            first = known.get(name)  # as stored, unless changed here (then it is in firsts)
            if first is None:  # one storage write per new name, and no copy of the known space
                first = self._storage.add_distribution(self._study_id, name, dist)
            firsts[name] = first
        current = known.get(name, first)
        if current != dist:
            check_evolution(name, current, dist, self.study_name)
            self.__dict__["_space_version"] = self.__dict__.get("_space_version", 0) + 1
            known[name] = dist
        else:
            # The object suggested here, even when equal to the stored one: it holds the choices as
            # the objective gave them (a tuple, where the storage's JSON has a list; best_params).
            known[name] = dist
        if trial is not None and dist != first:
            own = dict(trial.system_attrs.get(DISTRIBUTIONS_ATTR) or {})
            own[name] = dist.to_json()
            trial.set_system_attr(DISTRIBUTIONS_ATTR, own)

    # ---- trials ------------------------------------------------------------------------
    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """All trials, ordered by number; ``states`` filters.

        ``deepcopy=False`` (the default) gives the storage's own trials, shared by every reader
        and not copied: read them, do not change them. ``deepcopy=True`` gives copies a script may
        change (their ``params``, ``user_attrs``, ``system_attrs``), as :attr:`trials` does."""
        trials = self._storage.get_trials(self._study_id, states)
        if deepcopy:
            dists = self._distributions()
            return [_user_copy(t, dists) for t in trials]
        return trials

    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial, ordered by number, as copies a script may change, as Optuna's
        ``study.trials`` (``get_trials(deepcopy=True)``): ``params = trial.params;
        params["score"] = trial.value`` changes nothing stored. Reading many times over a large
        study, ``get_trials()`` reads without copies.

        >>> import tunewise as tw
        >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
        >>> row = study.trials[0].params
        >>> row["score"] = 1.0
        >>> sorted(study.trials[0].params), sorted(study.best_params)
        (['x'], ['x'])
        """
        return self.get_trials(deepcopy=True)

    def _count_trials(self, states: Container[TrialState] | None = None) -> int:
        """How many trials are in ``states`` (one count in the storage; what strategies' views use)."""
        return self._storage.count_trials(self._study_id, states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best feasible COMPLETE trial (single objective; see ``constraints_func``).

        A copy of the stored trial, as in Optuna: an objective run again on it
        (``objective(study.best_trial)``, see :meth:`FrozenTrial.suggest`) may set attributes on
        it, and a script may change its ``params`` / ``user_attrs`` in place, without changing the
        study's trials."""
        return _user_copy(self._best_stored_trial(), self._distributions())

    def _best_stored_trial(self) -> FrozenTrial:
        """:attr:`best_trial` without the copy (the storage's object: read it, do not change it)."""
        if len(self.directions) != 1:
            raise RuntimeError("best_trial is for single-objective studies: use best_trials")
        complete = self.get_trials(states=(TrialState.COMPLETE,))
        if not complete:
            raise ValueError(f"study {self.study_name!r} has no COMPLETE trial yet{self._no_complete_hint()}")
        feasible = [t for t in complete if is_feasible(t)]
        if not feasible:
            raise ValueError(f"study {self.study_name!r} has {len(complete)} COMPLETE trials, but none is feasible "
                             f"(each violates a constraint: a value > 0 in system_attrs['constraints'])")
        key = (lambda t: t.values[0]) if self.directions[0] == "minimize" else (lambda t: -t.values[0])
        return min(feasible, key=key)

    def _no_complete_hint(self) -> str:
        """Why a study may have trials but none COMPLETE, and what to do (for best_trial's error)."""
        counts = {s: self._count_trials((s,)) for s in (TrialState.PRUNED, TrialState.WAITING, TrialState.FAILED)}
        if not any(counts.values()):
            return ""
        have = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        hint = f" (it has {have})"
        from tunewise.schedulers import PBTScheduler

        if isinstance(self.scheduler, PBTScheduler) and (counts[TrialState.PRUNED] or counts[TrialState.WAITING]):
            return hint + (f": with PBT, n_trials counts segments, not members; the population finishes after "
                           f"{_pbt_budget_text(self.scheduler)}. Run more trials (optimize again: the WAITING "
                           f"continuations run first), or read the members' latest values with "
                           f"tw.schedulers.lineage(study)")
        if counts[TrialState.PRUNED]:
            return hint + ": every finished trial was pruned; the pruned trials' last reports are in study.trials"
        return hint

    @property
    def best_value(self) -> float:
        return self._best_stored_trial().values[0]  # type: ignore[index]

    @property
    def best_params(self) -> dict[str, Any]:
        return D.with_choice_objects(self._best_stored_trial().params, self._distributions())

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front of the feasible COMPLETE trials: every trial that no other beats in one
        objective without being worse in another (trials with equal values are all kept).

        >>> import tunewise as tw
        >>> study = tw.create_study(directions=["minimize", "minimize"])
        >>> for v in ([1, 3], [2, 2], [3, 3]):
        ...     _ = study.tell(study.ask(), v)
        >>> [t.number for t in study.best_trials]
        [0, 1]
        """
        from tunewise._pareto import nondominated, signs_of

        complete = [t for t in self.get_trials(states=(TrialState.COMPLETE,)) if is_feasible(t)]
        if not complete:
            return []
        import numpy as np

        v = np.array([t.values for t in complete], dtype=float) * signs_of(self.directions)
        dists = self._distributions()
        return [_user_copy(t, dists) for t, keep in zip(complete, nondominated(v).tolist()) if keep]

    def trials_dataframe(self, attrs: Sequence[str] = _DATAFRAME_ATTRS, multi_index: bool = False) -> pd.DataFrame:
        """One row per trial, with Optuna's columns: ``number``, ``value`` (``values_0``,
        ``values_1``... with several objectives), ``datetime_start``, ``datetime_complete``,
        ``duration``, ``params_<name>``, ``user_attrs_<key>``, ``state`` (Optuna's names:
        ``"COMPLETE"``, ``"PRUNED"``, ``"FAIL"``, ``"RUNNING"``, ``"WAITING"``).

        ``attrs`` picks and orders the trial attributes, as in Optuna (also ``"system_attrs"``,
        ``"intermediate_values"``, ``"trial_id"``; a dict attribute gives one column per key).
        ``multi_index=True`` gives two-level columns, ``("params", "x")``, ``("number", "")``.

        >>> import tunewise as tw
        >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        >>> list(study.trials_dataframe(attrs=("number", "value", "params", "state")).columns)
        ['number', 'value', 'params_x', 'state']
        >>> study.trials_dataframe(multi_index=True)[("params", "x")].shape
        (3,)
        """
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError('trials_dataframe() needs pandas: pip install "tunewise[pandas]"') from e
        if isinstance(attrs, str):
            attrs = (attrs,)
        unknown = [a for a in attrs if a not in _DATAFRAME_ALL_ATTRS]
        if unknown:
            raise ValueError(f"trials_dataframe(attrs=...) got {unknown}; trial attributes are "
                             f"{', '.join(_DATAFRAME_ALL_ATTRS)}")
        trials = self.get_trials()
        if not trials:
            return pd.DataFrame()
        n_obj = len(self.directions)
        if n_obj > 1:
            attrs = tuple("values" if a == "value" else a for a in attrs)
        metric_names = self.metric_names
        # Column keys (attr, sub-key): "" for a plain attribute; dicts and lists spread into one column per key.
        seen: dict[str, dict[Any, None]] = {a: {} for a in attrs}
        records = []
        for t in trials:
            rec: dict[tuple[str, Any], Any] = {}
            for a in attrs:
                v = t.state.name if a == "state" else getattr(t, a)  # Optuna's names: FAIL
                if a == "values":
                    v = v if v is not None else [None] * n_obj
                    items: Iterable[tuple[Any, Any]] = zip(metric_names or range(n_obj), v, strict=True)
                elif a == "value" and metric_names:
                    items = ((metric_names[0], v),)
                elif isinstance(v, dict):
                    items = v.items()
                else:
                    items = (("", v),)
                for k, x in items:
                    rec[(a, k)] = x
                    seen[a][k] = None
            records.append(rec)
        columns: list[tuple[str, Any]] = []
        for a in attrs:
            keys = list(seen[a])
            try:
                if not (a in ("value", "values") and metric_names):  # named objectives keep their order
                    keys.sort()
            except TypeError:  # keys of mixed types: first-seen order
                pass
            columns.extend((a, k) for k in keys)
        df = pd.DataFrame([[r.get(c) for c in columns] for r in records])
        if multi_index:
            df.columns = pd.MultiIndex.from_tuples(columns)
        else:
            df.columns = [a if k == "" else f"{a}_{k}" for a, k in columns]
        return df

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished trial made elsewhere (:func:`create_trial`, another study's trial), as
        Optuna's ``study.add_trial``: its parameters, distributions, value(s), state, reports and
        attributes are stored and samplers learn from it. A WAITING trial is enqueued instead.
        It gets the next trial number; its times are those of the addition.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> study.add_trial(tw.create_trial(params={"x": 2.0}, distributions={"x": tw.uniform(0, 10)}, value=4.0))
        >>> study.best_params
        {'x': 2.0}
        """
        if not isinstance(trial, FrozenTrial):
            raise TypeError(f"add_trial() needs a FrozenTrial (see tw.create_trial), got {trial!r}")
        dists = trial.distributions
        missing = [k for k in trial.params if k not in dists]
        if missing:
            raise ValueError(f"add_trial(): parameters {missing} have no distribution; create the trial with "
                             f"tw.create_trial(params=..., distributions=...)")
        for name, dist in dists.items():
            D.check_value(name, dist, trial.params[name])
        if trial.state == TrialState.WAITING:
            # Queued with its attributes (Optuna's retry callbacks keep theirs there); the values it
            # runs with are its params and, for a queued trial read from a study, its fixed_params.
            fixed = {**dict(trial.system_attrs.get("fixed_params") or {}), **trial.params}
            self._storage.enqueue_trial(self._study_id, fixed, system_attrs=dict(trial.system_attrs),
                                        user_attrs=dict(trial.user_attrs))
            return
        if trial.state == TrialState.RUNNING:
            raise ValueError("add_trial() takes finished trials (COMPLETE, PRUNED, FAILED) or WAITING ones, "
                             "not RUNNING")
        values: list[float] | None = None
        if trial.state == TrialState.COMPLETE:
            values, reason = self._check_values(trial.values if trial.values is None or len(trial.values) > 1
                                                else trial.values[0])
            if reason is not None:
                raise ValueError(f"add_trial(): a COMPLETE trial needs its value(s): {reason}")
        elif trial.state == TrialState.PRUNED:
            values = trial.values
        for name, dist in dists.items():
            self._register_distribution(name, dist)
        started = self._storage.start_trial(self._study_id, claim_waiting=False)
        self._storage.finish_trial(started.trial_id, trial.state, values, params=dict(trial.params),
                                   intermediate_values=dict(trial.intermediate_values),
                                   user_attrs=dict(trial.user_attrs), system_attrs=dict(trial.system_attrs))

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """:meth:`add_trial` for each of ``trials``, in order (e.g. ``other_study.trials``)."""
        for t in trials:
            self.add_trial(t)

    def await_retry(self, timeout: float | None = None) -> bool:
        """Wait while other workers' trials run, failing those whose workers died (no heartbeat
        for the grace period: their retries are queued), as ``optimize()`` does at the end of its
        budget or of a search that ran through (a grid). True as soon as a queued retry waits
        (start it with :meth:`ask_retry`); False when no other worker's trial runs any more,
        after ``timeout`` seconds, or without heartbeats (``create_study(heartbeat_interval=...)``),
        where a dead worker cannot be told from a slow one. For ask-and-tell loops and agents
        whose sampler has nothing left while other workers still run: a dead worker's trial then
        still runs, here.

        >>> import tunewise as tw
        >>> tw.create_study().await_retry(timeout=1.0)  # no heartbeats: nothing to wait for
        False
        """
        deadline = None if timeout is None else time.time() + timeout
        return _heartbeat.await_running(self, deadline)

    def ask_retry(self) -> Trial:
        """Start a queued retry of a failed trial, and nothing else (no new trial, no other
        queued trial), even past the study's budget and with a sampler that has nothing left, as
        ``optimize()`` runs retries there. Raises :class:`~tunewise.exceptions.SearchExhausted`
        (:class:`~tunewise.exceptions.MaxTrialsReached`) and starts nothing when no queued
        retry is left (another worker started it first). See :meth:`await_retry`."""
        self._retries_only = True
        try:
            return self.ask()
        finally:
            self._retries_only = False

    def enqueue_trial(self, params: Mapping[str, Any], user_attrs: Mapping[str, Any] | None = None,
                      skip_if_exists: bool = False) -> None:
        """Queue a manual configuration: the next trial uses these values when it suggests them.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> study.enqueue_trial({"x": 0.5})
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        >>> study.best_params
        {'x': 0.5}
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"enqueue_trial needs a dict of parameter values, got {params!r}")
        import numpy as np

        # A numpy scalar (a value read from an array or a DataFrame) is the Python value it holds
        # (it was refused as not JSON-serializable; Optuna's in-memory storage takes it).
        params = {k: v.item() if isinstance(v, np.generic) else v for k, v in params.items()}
        dists = self._distributions()
        for name, value in params.items():
            # A choice not offered is refused now; a number outside the range runs, with a warning
            # when the trial suggests it (as in Optuna).
            if name in dists and D.widened(dists[name], value) is None:
                D.check_value(name, dists[name], value)
        if skip_if_exists:
            for t in self.get_trials():
                if _same_params(t.system_attrs.get("fixed_params"), params) or (
                    t.state.is_finished() and _same_params(t.params, params)
                ):
                    return
        self._storage.enqueue_trial(self._study_id, dict(params), user_attrs=user_attrs)

    # ---- ask and tell --------------------------------------------------------------------
    def ask(self, fixed_distributions: Mapping[str, D.Distribution] | None = None) -> Trial:
        """Start a trial without running an objective (ask-and-tell interface).

        The study's stored trial budget (``create_study(max_trials=...)``) applies here too:
        once the study has that many trials, ``ask()`` raises :class:`~tunewise.exceptions.MaxTrialsReached`
        (a :class:`~tunewise.exceptions.SearchExhausted`) and starts nothing.

        A queued trial runs first (one added with :meth:`enqueue_trial`, a retry, a scheduler's
        continuation), as in Optuna. With a scheduler that can have no work for a new trial
        (``PBTScheduler`` while every member of the population trains and no segment is queued),
        ``ask()`` raises :class:`~tunewise.exceptions.TrialNotAdmitted` and starts nothing: train
        a running trial to its next decision, then ask again.

        >>> import tunewise as tw
        >>> study = tw.create_study(direction="maximize")
        >>> t = study.ask()
        >>> x = t.suggest_float("x", 0, 1)
        >>> study.tell(t, x).state.value
        'COMPLETE'
        """
        if not self._retries_only:
            self.sampler.before_trial(self._sampler_ctx or self._sampler_context())
        _heartbeat.on_ask(self)  # fail trials of dead workers; re-enqueue them if retries remain
        if not self._in_optimize and self.scheduler is not None and hasattr(self.scheduler, "admits_new_trial"):
            # optimize() holds its workers before asking; here a trial with no work is refused (PBT).
            from tunewise._decisions import admit_asked_trial

            admit_asked_trial(self)
        # Outside optimize() the budget stored with the study applies (read each time: another
        # process may have changed it with load_study(max_trials=...)).
        max_started = self._max_trials if self._in_optimize else self._stored_max_trials()
        if self._retries_only:  # as at the end of a budget: only a queued retry may start
            max_started = self._started_count()
        # The sampler proposes before the trial is written, so its proposal (which parallel
        # workers read from the running trial: constant liar) goes into the start's own write.
        pending = _PendingTrial(self)
        if (self._retries_only or self._storage.expects_waiting(self._study_id)
                or self._budget_used(max_started)):
            # An enqueued trial (or an ASHA continuation) will be claimed: its parameters are
            # fixed, so a proposal now would be a wasted model fit. If another worker claims it
            # first, the sampler proposes at the first suggest instead. Once the budget is used,
            # only a queued retry may start: a proposal would be for a trial that never starts.
            relative, prepared = None, None
        else:
            relative, prepared = self._propose_before_start(pending)
        proposed = prepared
        prepared = self._admission_prepared(proposed)
        # The budget is checked atomically with the start: parallel workers never overshoot.
        refused = False  # the budget refused the start the proposal was made for
        try:
            try:
                lost = 0
                while True:
                    try:
                        frozen = self._storage.start_trial(self._study_id, max_started=max_started, prepared=prepared)
                        break
                    except ClaimTaken:
                        if prepared is not None and prepared is not proposed and prepared.claim is not None and \
                                (proposed is None or prepared.claim != proposed.claim):
                            # The admission's key (a PBT member) was taken by another worker's start
                            # after this one looked: that worker started the member, nothing started
                            # here. Be admitted again (held, or ask()'s admission) before starting.
                            self._readmit()
                            prepared = self._admission_prepared(proposed)
                            continue
                        # Another worker claimed the proposal's work after the sampler looked: nothing
                        # started. The sampler proposes again, now seeing the claim, before anything
                        # starts: a search that has run out ends here (SearchExhausted), not in a
                        # trial that fails at its first suggest. After a few lost races, start
                        # without a proposal (the sampler proposes at the first suggest).
                        lost += 1
                        pending = _PendingTrial(self)
                        relative, prepared = (self._propose_before_start(pending) if lost < _CLAIM_RACES
                                              else (None, None))
            except MaxTrialsReached:
                refused = True
                frozen = self._start_after_budget(max_started)
        except MaxTrialsReached:
            # Another worker started the budget's last trial after this process last read the
            # study, so the proposal was made (its work claimed) for a start the budget refused:
            # the claim is given back, or a grid point would never run when the budget is raised.
            self._release_claim(pending)
            if self._in_optimize:
                raise  # optimize() ends quietly
            raise MaxTrialsReached(
                f"study {self.study_name!r} has used its budget of {max_started} trials (max_trials stored "
                f"with the study); to run more, raise it: tw.load_study({self.study_name!r}, storage, "
                f"max_trials=...)"
            ) from None
        pending._sampler_view = None  # (a cycle with it otherwise: garbage for the collector)
        for config in pending.to_enqueue:  # what the proposal queued for the trials after this one
            self._storage.enqueue_trial(self._study_id, dict(config))
        took = prepared is None or (prepared.number == frozen.number if prepared.number is not None
                                    else "fixed_params" not in frozen.system_attrs)  # the prepared attrs
        if pending.claim_at_start is not None and not took:
            # The start did not claim the proposal's work (it took a queued trial, or a retry past
            # the budget): the work stays free for any worker, and this trial must not run it.
            relative = None
        elsewhere = pending.claimed and relative is not None and not took  # (not took: prepared is set)
        if elsewhere:
            assert prepared is not None and relative is not None
            # The proposal claimed its work (a grid point), but the start claimed a queued trial
            # instead (a retry another worker queued) or got another number: nobody else may take
            # the claimed work. Past the budget (only a retry may start then) the claim is given
            # back, for a run with a raised budget; before it, the work is queued to run next,
            # with the proposal's attributes. Either way the started trial does not run it (a
            # retry killed before it saved its parameters would, and the point would run twice).
            if not ((refused or self._past_budget(frozen, max_started)) and self._release_claim(pending)):
                self._storage.enqueue_trial(self._study_id, dict(relative),
                                            system_attrs=dict(prepared.system_attrs))
        trial = Trial(self, frozen)
        self._live[frozen.number] = trial
        if relative is not None and not elsewhere and pending.fits(frozen.number) and not (
                pending.number_used is None and trial._fixed):
            trial._relative = relative
        elif pending.propose_error is not None and pending.fits(frozen.number) and not trial._fixed:
            trial._propose_error = pending.propose_error  # raised at the first suggest
        # Otherwise the proposal depended on a trial number another worker took first, or it was
        # made for a new trial and the start claimed a queued one (fixed parameters, enqueued by
        # another worker after the expects_waiting hint): the sampler proposes again at the first
        # suggest, knowing them, as for a sampler that raised above.
        # Beats (and saves suggested params) while it runs; asked outside optimize(), it is
        # detached if still running when this process ends normally (told by another process).
        _heartbeat.on_start(self, trial, asked=not self._in_optimize)
        for name, dist in (fixed_distributions or {}).items():
            trial.suggest(name, dist)
        return trial

    def _admission_prepared(self, prepared: PreparedStart | None) -> PreparedStart | None:
        """``prepared`` with the scheduler's admission key (``_decisions._admitted``: a PBT member
        not started yet) as the claim of the start, so the key is claimed in the start's own
        storage step: a worker killed between its admission and its start leaves nothing claimed.
        (Claimed in a step of its own before s26, such a key stayed claimed for a member that never
        started, and the last member then started only after ``excess_wait``.) When the proposal
        has a claim of its own or was made for a trial number, the key is claimed before the start,
        as before; if another worker holds it, this worker is admitted again first.

        The key :data:`~tunewise._decisions.QUEUED_ONLY` (admitted for a queued trial) makes the
        start take a queued trial or start nothing. With a proposal of that kind (made because
        the queue looked empty at the ask), a queued trial is reserved first instead, as before
        s27 (a claim on ``start:<n>``)."""
        from tunewise._decisions import QUEUED_ONLY

        while True:
            key, self._admission_claim = self._admission_claim, None
            if key is None:
                return prepared
            if prepared is None:  # claimed exactly when the start creates a new trial (not a queued one)
                return PreparedStart(None, claim=key)
            if prepared.claim is None and prepared.number is None:
                return dataclasses.replace(prepared, claim=key)
            if key == QUEUED_ONLY:
                queued = self._storage.get_trials(self._study_id, (TrialState.WAITING,))
                if any(self._storage.try_claim(self._study_id, f"start:{t.number}") for t in queued):
                    return prepared
            elif self._storage.try_claim(self._study_id, key):
                return prepared
            self._readmit()

    def _readmit(self) -> None:
        """Decide again whether a trial may start, after the admission's key was taken by another
        worker: ``optimize()``'s hold (waits), or ``ask()``'s admission (may raise TrialNotAdmitted)."""
        from tunewise._decisions import admit_asked_trial, hold_new_trial

        if self._in_optimize:
            hold_new_trial(self)
        else:
            admit_asked_trial(self)

    def _start_after_budget(self, max_started: int | None) -> FrozenTrial:
        # At the end of the budget inside optimize(): wait for the other workers' trials, failing
        # those whose workers died and running their retries (which do not count against the
        # budget), so no dead trial is left RUNNING.
        while self._in_optimize and self.await_retry(self._time_left()):
            try:  # the retry's parameters are fixed: no proposal goes with it
                return self._storage.start_trial(self._study_id, max_started=max_started)
            except MaxTrialsReached:
                continue  # another worker claimed it first
        raise MaxTrialsReached

    def _past_budget(self, started: FrozenTrial, max_started: int | None) -> bool:
        """Whether ``started``, which ``ask()`` got in place of its proposal's trial, is a retry
        the storage let start because the budget was used (one read, on this rare path only)."""
        return (max_started is not None and "retried_from" in started.system_attrs
                and self._started_count() >= max_started)

    def _release_claim(self, pending: _PendingTrial) -> bool:
        """Give back the work ``pending``'s proposal claimed (a grid point) for a trial that did
        not start; whether it was given back (False: nothing claimed, or a storage of one's own
        without ``release_claim``, where the claimed work then never runs)."""
        if not pending.claimed or pending.claim_key is None:
            return False
        try:
            released = self._storage.release_claim(self._study_id, pending.claim_key)
        except NotImplementedError:
            return False
        pending.claimed = False
        return released

    def _budget_used(self, max_started: int | None) -> bool:
        """Whether ``max_started`` trials have started (only a queued retry may start now).

        Read only near the cap (this process's trial numbers reach it; no read otherwise). A
        proposal made then claimed its work for a trial the start refuses: a grid point that
        never ran (lost when the budget is raised later), or queued WAITING past the budget when
        a dead worker's retry started in its place (GPSampler's claim while a trial runs)."""
        if max_started is None or self._storage.next_trial_number(self._study_id, claim_waiting=False) < max_started:
            return False
        return self._started_count() >= max_started

    def _started_count(self) -> int:
        """Trials started so far, as the budget counts them (a started retry of a failed trial not twice)."""
        trials = self._storage.get_trials(self._study_id)
        return sum(t.state != TrialState.WAITING and "retried_from" not in t.system_attrs for t in trials)

    def _run_retries(self, func: ObjectiveFunc, catch: tuple[type[BaseException], ...]) -> FrozenTrial | None:
        """The sampler has nothing left (a grid run through) inside ``optimize()``: as at the end of
        a budget, wait while other processes' trials run, failing those whose workers died, and
        run a retry that is queued (a dead worker's trial must still run); the trial run, or None
        when nothing runs any more. Without heartbeats a dead trial cannot be told apart: None.
        The public pair :meth:`await_retry` / :meth:`ask_retry` does it, as for the sweep agent."""
        if not self._in_optimize or not self.await_retry(self._time_left()):
            return None
        try:
            return self._run_trial(func, catch, ask=self.ask_retry)
        except SearchExhausted:  # another worker started the retry first: the caller asks again
            return None

    def _time_left(self) -> float | None:
        """Seconds left of the running ``optimize()``'s timeout (None: no timeout; 0 once passed)."""
        return None if self._deadline is None else max(self._deadline - time.monotonic(), 0.0)

    @contextlib.contextmanager
    def _planned(self, n_trials: int | None, timeout: float | None = None) -> Iterator[None]:
        """The plan of trials a caller runs through ``ask()`` (``SearchCV``: ``n_trials``, ``timeout``;
        through ``tunewise._loop_api.planned``), for the sampler, as ``optimize()`` gives it
        (``StudyContext.budget``: AutoSampler's plan)."""
        if self._in_optimize or self._budget is not None:
            yield
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        budget = _planned_budget(self, n_trials, deadline, 1)
        self._budget = dataclasses.replace(budget, max_trials=self._stored_max_trials())
        try:
            yield
        finally:
            self._budget = None

    def _stored_max_trials(self) -> int | None:
        stored = self._storage.get_study_attrs(self._study_id).get(_MAX_TRIALS_KEY)
        return None if stored is None else int(stored)

    def _propose_before_start(self, pending: _PendingTrial) -> tuple[dict[str, Any] | None,
                                                                      PreparedStart | None]:
        try:
            relative = self._sampler_propose(pending)
        except SearchExhausted:
            raise  # nothing started yet: the search simply ends
        except Exception as exc:  # noqa: BLE001 - raised at the first suggest, inside the trial
            if getattr(self.sampler, "_optuna_interface", False):
                # A sampler written for Optuna is asked once per trial, as Optuna asks it (its
                # sample_relative may query a model that costs, or count its calls): the error is
                # kept and raised there. tunewise's own samplers propose again at that suggest.
                pending.propose_error = exc
            return None, None
        if not pending._pending_attrs and pending.claim_at_start is None:
            return relative, None
        return relative, PreparedStart(pending.number_used, dict(pending.system_attrs), dict(pending.user_attrs),
                                       pending.claim_at_start)

    def _sampler_propose(self, trial: Trial) -> dict[str, Any]:
        # Other workers may have extended the space: take what the storage has learnt from the
        # trials it read (no database read per trial). A parameter it has not seen yet is still
        # sampled on its own when suggested, and suggest() learns its stored distribution.
        known = self._storage.known_distributions(self._study_id)
        if self._dists is not None:
            known.update(self._dists)
        self._dists = known
        sampler = self.sampler
        if type(sampler).propose is Sampler.propose:
            return {}  # a sampler that samples each parameter on its own (random, QMC): nothing to ask
        study, view = (self._sampler_ctx or self._sampler_context()), _sampler_view(trial)
        raw = sampler.propose(study, view)
        if type(raw) is dict:  # plain values: nothing to claim; written only if published (the old form)
            if view.published:
                self._write_progress(trial, {})
            return raw
        refused: set[str] = set()
        while True:
            proposal = as_proposal(raw, sampler)
            key = proposal.claim
            if key is None:
                break
            if key in refused:
                raise RuntimeError(f"{type(sampler).__name__}.propose claimed {key!r} again after another worker "
                                   f"held it: after a refused claim, propose something else or raise SearchExhausted")
            if not isinstance(trial, _PendingTrial):
                # The trial runs already (a proposal at its first suggest): the claim is written
                # with what the trial records of it (a grid point's grid_id and published
                # proposal), so that a worker killed after the claim leaves a trial whose retry
                # runs the work, never a claimed key that nobody runs.
                recorded = dict(proposal.trial_attrs)
                if proposal.publish and proposal.params:
                    recorded[PROPOSAL_ATTR] = dict(proposal.params)
                if self._storage.claim_for_trial(self._study_id, trial._trial_id, key, recorded):
                    break
            elif self._storage.claims_at_start():
                if not self._storage.is_claimed(self._study_id, key):
                    trial.claim_at_start = key  # claimed by the start itself (see ask)
                    break
            elif self._storage.try_claim(self._study_id, key):
                trial.claimed, trial.claim_key = proposal.claim_runs, key
                break
            # Another worker holds what this proposal needs (a grid point, a configuration that
            # runs once): drop the proposal and ask again; the sampler moves on.
            refused.add(key)
            raw = sampler.propose(study, view)
        # What the sampler asked to be written: the study's attrs and queued configurations now,
        # the trial's attrs with its start (or, once it runs, with its next write) ...
        for name, value in proposal.study_attrs.items():
            self.set_system_attr(name, value)
        if isinstance(trial, _PendingTrial):  # queued once the trial starts, for the trials after it
            trial.to_enqueue.extend(proposal.enqueue)
        else:
            for config in proposal.enqueue:
                self._storage.enqueue_trial(self._study_id, dict(config))
        for name, value in proposal.trial_attrs.items():
            trial.set_system_attr(name, value)
        params = proposal.params if type(proposal.params) is dict else dict(proposal.params)
        if proposal.publish and params:
            view.set_system_attr(PROPOSAL_ATTR, params)
        if view.published:  # ... but a published proposal at once, for the other workers
            self._write_progress(trial, {})  # a trial not started yet takes it with its start
        return params

    def _sampler_sample(self, trial: Trial, name: str, distribution: D.Distribution) -> Any:
        view = trial._sampler_view  # made at the trial's first sampler call (every suggest here)
        if view is None:
            view = _sampler_view(trial)
        else:
            view.published = False
        value = self.sampler.sample((self._sampler_ctx or self._sampler_context()), view, name, distribution)
        if view.published:
            self._write_progress(trial, {})
        return value

    def _sampler_context(self) -> _SamplerStudyContext:
        """What the study's sampler sees of it (one per study object; a copy gets its own)."""
        ctx = self._sampler_ctx
        if ctx is None:
            ctx = self._sampler_ctx = _SamplerStudyContext(self)
        return ctx

    def _write_progress(self, trial: Trial, _new: Mapping[int, float]) -> None:
        if isinstance(trial, _PendingTrial):
            return  # not started yet: its attributes go into the start's own write (see ask)
        params = trial.params if trial._pending_params else None
        attrs = trial._pending_attrs
        # The attributes carry the keys set since the last write: the storage merges those only.
        try:
            self._storage.update_trial(
                trial._trial_id,
                params=params,
                intermediate_values=trial.intermediate_values,
                user_attrs=trial.user_attrs if attrs else None,
                system_attrs=trial.system_attrs if attrs else None,
            )
        except UpdateFinishedTrialError:
            raise self._not_writable(trial) from None
        except KeyError as e:
            raise self._not_writable(trial, e) from None
        trial._pending_params = {}
        if attrs:
            trial._pending_attrs = False
            _written(trial.user_attrs)
            _written(trial.system_attrs)

    def _detach(self, trial: Trial) -> None:
        """:meth:`Trial.detach`: save what the trial recorded, then let go of it for good."""
        _heartbeat.on_detach(self, trial._trial_id)  # no beat of ours lands after this
        try:
            self._write_progress(trial, {})
            detached = self._storage.detach_trial(trial._trial_id)
        except RuntimeError:  # finished meanwhile (told elsewhere, or failed as stale)
            detached = False
        if not detached:
            stored = _heartbeat.keep_late_params(self._storage, trial, self._storage.get_trial(trial._trial_id))
            state = stored.state.value
            raise RuntimeError(f"trial {trial.number} of study {self.study_name!r} is already {state}; only a "
                               f"running trial can be detached")

    def tell(self, trial: Trial | int, values: float | Sequence[float] | None = None,
             state: TrialState | None = None, skip_if_finished: bool = False, *,
             fail_reason: str | None = None) -> FrozenTrial:
        """Finish a trial from :meth:`ask` with its value(s), or with ``state=PRUNED``/``FAILED``.

        ``trial`` is the trial :meth:`ask` returned or its number (a trial asked by another
        process, e.g. ``tunewise ask``). A trial that is already finished raises ValueError, as
        in Optuna; with ``skip_if_finished=True`` it is returned as it is instead.
        ``fail_reason`` (only with ``state=FAILED``) says why; it is stored as the trial's
        ``system_attrs["fail_reason"]`` and shown by the dashboard and reports. A value that is
        not a result (NaN, None, a string, the wrong number of values) records the trial FAILED
        with a UserWarning, as in Optuna; with ``state=COMPLETE`` it raises ValueError and leaves
        the trial RUNNING, to be told again, as Optuna does.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> t = study.ask()
        >>> study.tell(t, state=tw.TrialState.FAILED, fail_reason="out of memory").system_attrs["fail_reason"]
        'out of memory'
        """
        outcome = self._tell(trial, values, state, fail_reason)
        if outcome.refused is Refusal.ALREADY_FINISHED:
            return self._told_again(outcome.trial, skip_if_finished)
        return outcome.trial

    def _tell(self, trial: Trial | int, values: float | Sequence[float] | None = None,
              state: TrialState | None = None, fail_reason: str | None = None) -> FinishOutcome:
        """:meth:`tell`, with what the finish came to: refused when the trial was finished
        already (told here before, or by another process meanwhile). tell() raises for that;
        tunewise's own loops (the sweep runner, SearchCV) read it through ``tunewise._loop_api.tell``,
        say so and go on."""
        if fail_reason is not None and not isinstance(fail_reason, str):
            raise TypeError(f"fail_reason must be a string, got {fail_reason!r}")
        if fail_reason is not None and (state is None or TrialState(state) != TrialState.FAILED):
            raise ValueError(f"fail_reason is for state=TrialState.FAILED, but state is {state!r}")
        if isinstance(trial, int) and not isinstance(trial, bool):
            number = trial
            live = self._live.get(number)
            if live is not None:
                trial = live
            else:
                trials = self.get_trials()
                matches = [t for t in trials if t.number == number]
                if not matches:
                    known = f"its trials are numbered 0 to {len(trials) - 1}" if trials else "it has no trials yet"
                    raise ValueError(f"study {self.study_name!r} has no trial number {number} ({known})")
                # Running elsewhere: with the parameters its process chose (or refused if they
                # are not stored yet), not finished without them.
                stored = _heartbeat.params_of_running(self, matches[0])
                if stored.state.is_finished():
                    return FinishOutcome(stored, Refusal.ALREADY_FINISHED)
                trial = live = Trial(self, stored)
        elif isinstance(trial, Trial):
            live = self._live.get(trial.number)
        else:
            raise TypeError(f"tell() needs a Trial or a trial number, got {trial!r}")
        if live is not trial:  # told already, or asked by another study object
            stored = self._storage.get_trial(trial._trial_id)
            if stored.state.is_finished():
                return FinishOutcome(stored, Refusal.ALREADY_FINISHED)
        if state is not None:
            state = TrialState(state)
            if state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED):
                raise ValueError(f"tell() state must be COMPLETE, PRUNED or FAILED, got {state.value}")
        if state == TrialState.PRUNED:
            return self._logged(self._finish(trial, TrialState.PRUNED, self._pruned_values(trial), None))
        if state == TrialState.FAILED:
            return self._finish(trial, TrialState.FAILED, None, fail_reason or "told FAILED")
        vals, reason = self._check_values(values)
        if reason is not None:
            if state == TrialState.COMPLETE:
                # As Optuna: refused before anything is written, so the trial stays RUNNING and the
                # caller can tell it again (with a value, or state=FAILED / PRUNED).
                raise ValueError(f"trial {trial.number} was not told: {reason}; state=COMPLETE needs "
                                 f"{'a value' if len(self.directions) == 1 else 'one value per objective'} "
                                 f"(the trial is still RUNNING)")
            outcome = self._finish(trial, TrialState.FAILED, None, reason)
            if outcome.refused is Refusal.ALREADY_FINISHED:
                return outcome
            # As Optuna: an ask-and-tell loop goes on past a bad value (a NaN loss), with a warning
            # (shown at the caller of tell()).
            warnings.warn(f"trial {trial.number} was recorded as FAILED: {reason}", UserWarning, stacklevel=3)
            return outcome
        return self._logged(self._finish(trial, TrialState.COMPLETE, vals, None))

    def _told_again(self, stored: FrozenTrial, skip_if_finished: bool) -> FrozenTrial:
        """tell() of a finished trial: ``stored`` with ``skip_if_finished``, else Optuna's error."""
        if skip_if_finished:
            _log.info("trial %d of study %r is already %s; tell() skipped it", stored.number, self.study_name,
                      stored.state.value)
            return stored
        what = stored.state.value
        if stored.state is TrialState.COMPLETE:
            what += f" with {'value' if len(self.directions) == 1 else 'values'} " \
                    f"{stored.value if len(self.directions) == 1 else stored.values}"
        elif stored.system_attrs.get("fail_reason"):
            what += f" ({stored.system_attrs['fail_reason']})"
        raise ValueError(f"trial {stored.number} of study {self.study_name!r} is already {what}; a finished trial "
                         f"cannot be told again (skip_if_finished=True returns it unchanged)")

    def _logged(self, outcome: FinishOutcome) -> FinishOutcome:
        """``outcome``, after its INFO line if recorded (``Trial 3 finished with value: ...``, see tw.logging)."""
        if outcome.recorded and _log.isEnabledFor(logging.INFO):
            trial_logger(self)(self, outcome.trial)
        return outcome

    def _pruned_values(self, trial: Trial) -> list[float] | None:
        # A pruned trial's value is its last report, as in Optuna; a NaN report gives none.
        if len(self.directions) == 1 and trial.intermediate_values:
            last = trial.intermediate_values[max(trial.intermediate_values)]
            return None if math.isnan(last) else [last]
        return None

    def _check_values(self, value: Any) -> tuple[list[float] | None, str | None]:
        n = len(self.directions)
        if n == 1:
            raw: list[Any] = [value]
            if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 1:
                raw = list(value)
        else:
            if not isinstance(value, Sequence) or isinstance(value, str):
                return None, f"objective returned {value!r}; expected a sequence of {n} numbers"
            if len(value) != n:
                return None, f"objective returned {len(value)} values, but the study has {n} objectives"
            raw = list(value)
        out = []
        for given in raw:
            v = given
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                # A one-element array or tensor (numpy, torch, jax: ``return loss``) is its number.
                item = getattr(v, "item", None) if not isinstance(v, (bool, str, bytes)) else None
                try:
                    v = item() if callable(item) else None
                except Exception:  # noqa: BLE001 - more than one element, or not an array at all
                    v = None
                if v is None and hasattr(type(given), "__float__") and not isinstance(given, (bool, str, bytes)):
                    # Optuna takes float(value): a lazy scalar (a 0-d dask array) computes here.
                    try:
                        v = float(given)
                    except Exception:  # noqa: BLE001 - its __float__ refused (more than one element)
                        v = None
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    return None, f"objective returned {given!r} ({type(given).__name__}); expected a float"
            try:
                f = float(v)
            except (OverflowError, ValueError):
                return None, f"objective returned {_short_repr(v)}, which is out of the range of a float"
            if math.isnan(f):
                return None, (f"objective returned {f}: a NaN result is recorded as FAILED (as in Optuna); return a "
                              f"number (inf counts as the worst value and is COMPLETE), or raise tw.TrialPruned()")
            out.append(f)
        return out, None

    def _finish(self, trial: Trial, state: TrialState, values: list[float] | None,
                reason: str | None, tb: str | None = None, *, retry: bool = False) -> FinishOutcome:
        """Record ``trial`` finished ``state`` with ``values`` (FAILED: with ``reason`` and ``tb``), in one
        storage step that only a RUNNING trial takes; what it came to. When refused, the trial was
        finished meanwhile: failed as stale (this result is kept as its late result, and settles its
        retry), a retry settled by the trial it retries, or finished by someone else (the caller
        decides: tell() raises, optimize() logs that this result does not count)."""
        if self.constraints_func is not None and state is not TrialState.FAILED \
                and CONSTRAINTS_ATTR not in trial.system_attrs:  # set_constraint() in the objective wins
            reason = self._apply_constraints_func(trial, state, values)
            if reason is not None:
                state, values, tb = TrialState.FAILED, None, traceback.format_exc()
        if reason is not None:
            trial.system_attrs["fail_reason"] = reason
        if tb is not None:
            trial.system_attrs["traceback"] = tb
        _heartbeat.on_finish(self, trial._trial_id)  # stop first: a failed write then goes stale
        self._live.pop(trial.number, None)
        trial._sampler_view = None  # it refers back to the trial: no cycle left for the collector
        unstorable: TypeError | None = None
        with _DeferInterrupt() as guard:  # a Ctrl-C must not abort the write that finishes the trial
            try:
                finished = self._write_finish(trial, state, values, retry)
            except TypeError as e:  # an attribute the storage cannot keep: fail the trial, say why
                unstorable = e
                state, values = TrialState.FAILED, None
                for attrs in (trial.user_attrs, trial.system_attrs):  # every storable one written again
                    storable = _storable(attrs)
                    attrs.clear()
                    attrs.update(storable)
                trial.system_attrs["fail_reason"] = f"its result could not be stored: {e}"
                finished = self._write_finish(trial, state, values, retry)
        trial._finished_as = state
        if not finished:
            stored = self._storage.get_trial(trial._trial_id)
            if state is not TrialState.FAILED and stored.state is TrialState.FAILED:
                # Failed as stale while this worker was stopped (and perhaps retried): keep the
                # late result as data on the failed trial, never as a second result.
                # Its parameters too: the failed trial may have been reaped before they were saved.
                self._storage.record_late_result(trial._trial_id, {"state": state.value, "values": values,
                                                                   "params": dict(trial.params),
                                                                   "time": time.time()})
                settled = self._settle_retry(trial, state, values)
                _log.warning("trial %d finished %s, but it had been marked FAILED meanwhile (%s); its late "
                             "result is kept as system_attrs['late_result']%s", trial.number, state.value,
                             stored.system_attrs.get("fail_reason"),
                             " and does not count" if settled is None else
                             f", and its retry, trial {settled[0]}, not started yet, is recorded {state.value} with "
                             "it instead of running the same parameters again" if not settled[1] else
                             f", and its retry, trial {settled[0]}, which another worker runs with the same "
                             f"parameters, is recorded {state.value} with it: that run stops at its next report "
                             "or its first should_prune() after its next heartbeat")
                stored = self._storage.get_trial(trial._trial_id)
            elif state is TrialState.PRUNED and trial._settled_elsewhere is not None \
                    and "late_result_of" in stored.system_attrs:
                # A retry whose heartbeat found it recorded with the late result of the trial it
                # retries: should_prune() stopped the run, and the trial keeps that one result.
                _log.warning("trial %d was recorded %s meanwhile with the late result of trial %d, the trial it "
                             "retries (the same parameters): this run of it stopped at should_prune()",
                             trial.number, stored.state.value, stored.system_attrs["late_result_of"])
            elif state is not TrialState.FAILED and "late_result_of" in stored.system_attrs:
                # A retry that ran to its end here (it reported nothing after the late result of the
                # trial it retries was recorded on it): that result stays the trial's one result.
                _log.warning("trial %d finished %s with values %s, but it had been recorded %s meanwhile with the "
                             "late result of trial %d, the trial it retries (the same parameters): this result "
                             "does not count", trial.number, state.value, values, stored.state.value,
                             stored.system_attrs["late_result_of"])
            else:
                # Told by another process (by number) while it ran here: the parameters chosen here
                # since its last save are added to it (the teller could not wait for them).
                stored = _heartbeat.keep_late_params(self._storage, trial, stored)
            self.sampler.after_trial((self._sampler_ctx or self._sampler_context()), stored)
            if guard.fired:
                guard.raise_if_fired()
            return FinishOutcome(stored, refusal_of(stored))
        frozen = FrozenTrial(
            number=trial.number, trial_id=trial._trial_id, state=state, values=values,
            params=trial.params, distributions=self._distributions(),
            intermediate_values=trial.intermediate_values, user_attrs=trial.user_attrs,
            system_attrs=trial.system_attrs, datetime_start=trial._frozen.datetime_start_ts,
            datetime_complete=time.time(),
        )
        self.sampler.after_trial((self._sampler_ctx or self._sampler_context()), frozen)
        if state == TrialState.FAILED:
            _log.warning("trial %d failed: %s", trial.number, trial.system_attrs.get("fail_reason", reason))
        if guard.fired:
            guard.raise_if_fired()
        if unstorable is not None:
            raise _UnstorableResult(frozen, f"trial {trial.number} was recorded as FAILED: {unstorable}")
        return FinishOutcome(frozen)

    def _settle_retry(self, trial: Trial, state: TrialState, values: list[float] | None
                      ) -> tuple[int, bool] | None:
        """``trial`` was failed as stale and has just reported ``state`` late: if its retry is
        still WAITING, start it and finish it with this result at once, so the same parameters
        do not run a second time. It counts as the retry it is (not against ``max_trials``
        twice). A kill between the two steps leaves the retry RUNNING without heartbeats: failed
        as stale and retried again. A retry another worker has started already is finished with
        this result too, if it reruns exactly these parameters (:meth:`_settle_running_retry`).
        Returns the retry's number and whether it was running elsewhere, or None when there was
        none to settle."""
        retry = self._storage.start_retry_of(self._study_id, trial.number)
        if retry is None:
            running = self._settle_running_retry(trial, state, values)
            return None if running is None else (running, True)
        system_attrs = {**retry.system_attrs, "late_result_of": trial.number}
        self._storage.finish_trial(retry.trial_id, state, values, params=dict(trial.params),
                                   intermediate_values=dict(trial.intermediate_values),
                                   user_attrs=dict(trial.user_attrs), system_attrs=system_attrs)
        return retry.number, False

    def _settle_running_retry(self, trial: Trial, state: TrialState, values: list[float] | None) -> int | None:
        """The retry of ``trial`` runs in another worker: finish it with ``trial``'s late result
        if it reruns exactly ``trial``'s parameters (its fixed parameters are all of them, and
        what it saved agrees), so that its worker stops at its next report instead of computing
        the same result again (the storage refuses that report: see :meth:`_run_trial`). The
        finish is one atomic step that only a RUNNING trial takes: if that worker finishes first,
        this result stays ``late_result`` data only, and nothing counts twice. A retry that
        samples parameters of its own (saved without them) is another configuration: it runs on.
        Its number, or None."""
        params = dict(trial.params)
        if not params:
            return None
        for retry in self._storage.get_trials(self._study_id, (TrialState.RUNNING,)):
            if retry.system_attrs.get("retried_from") != trial.number:
                continue
            fixed = retry.system_attrs.get("fixed_params")
            if not isinstance(fixed, Mapping) or dict(fixed) != params or any(
                    params.get(name, _NOT_SET) != value for name, value in retry.params.items()):
                return None
            system_attrs = {**retry.system_attrs, "late_result_of": trial.number}
            if self._storage.finish_trial(retry.trial_id, state, values, params=params,
                                          intermediate_values=dict(trial.intermediate_values),
                                          user_attrs=dict(trial.user_attrs), system_attrs=system_attrs):
                return retry.number
            return None
        return None

    def _apply_constraints_func(self, trial: Trial, state: TrialState, values: list[float] | None) -> str | None:
        """Record ``constraints_func``'s values for the finishing trial; why it failed, if it did."""
        assert self.constraints_func is not None
        frozen = FrozenTrial(
            number=trial.number, trial_id=trial._trial_id, state=state, values=values,
            params=trial.params, distributions=self._distributions(),
            intermediate_values=trial.intermediate_values, user_attrs=trial.user_attrs,
            system_attrs=dict(trial.system_attrs), datetime_start=trial._frozen.datetime_start_ts,
            datetime_complete=time.time(),
        )
        try:
            result = check_constraints(self.constraints_func(frozen), "constraints_func")
        except Exception as e:  # noqa: BLE001 - the trial is recorded FAILED with the reason and traceback
            return f"constraints_func raised {type(e).__name__}: {e}"
        trial.system_attrs[CONSTRAINTS_ATTR] = result
        return None

    def _not_writable(self, trial: Trial, missing: KeyError | None = None) -> Exception:
        """The error for a write that the storage refused: in the user's terms (the trial's number
        and the study's name), not the storage's trial id. Only on that path: one or two reads."""
        if isinstance(missing, StudyNotFoundError):
            return missing
        try:
            self._storage.get_study_attrs(self._study_id)  # raises, naming the study, if it was deleted
            state = self._storage.get_trial(trial._trial_id).state.value
        except KeyError as e:  # StudyNotFoundError is one
            return e
        if missing is not None:
            return missing
        return UpdateFinishedTrialError(f"trial {trial.number} of study {self.study_name!r} is already {state} and "
                                        f"cannot change")

    def _write_finish(self, trial: Trial, state: TrialState, values: list[float] | None, retry: bool = False) -> bool:
        """Finish the trial in the storage; with ``retry`` (FAILED only: its worker was stopped)
        queue its retry in the same storage step. False if it was finished already."""
        try:
            if retry:
                return _heartbeat.retry_interrupted(self, trial)
            return self._storage.finish_trial(
                trial._trial_id, state, values,
                params=trial.params, intermediate_values=trial.intermediate_values,
                user_attrs=trial.user_attrs, system_attrs=trial.system_attrs,
            )
        except KeyError as e:  # (the storage names its own id for the trial)
            raise self._not_writable(trial, e) from None
        except _StorageError as e:
            if not self._storage.is_persistent:
                raise
            if retry:  # a spooled FAILED finish would come without its retry: leave it to the heartbeats
                raise _StorageError(f"{e}\nTrial {trial.number} was stopped and could not be recorded FAILED: it "
                                    f"stays RUNNING, and is failed as stale and retried once its heartbeats are "
                                    f"missed.") from None
            # The storage stayed out of reach for its whole retry window: keep the result on this
            # machine; it is written when any study next opens this storage here.
            from tunewise.storage import _spool

            try:
                path = _spool.save(self._storage, trial._trial_id, state, values, trial.params,
                                   trial.intermediate_values, trial.user_attrs, trial.system_attrs,
                                   number=trial.number, started=trial._frozen.datetime_start_ts,
                                   study=self.study_name)
            except OSError as spool_error:  # the spool and every fallback are full too (or unwritable)
                raise self._unkept(trial, state, values, e, spool_error) from None
            raise _StorageError(f"{e}\nThe result of trial {trial.number} was not lost: it is kept in {path} and "
                                f"written to the storage when a study next opens it on this machine "
                                f"(for example when this worker is restarted){_spool.reboot_note(path)}.") from None

    def _unkept(self, trial: Trial, state: TrialState, values: list[float] | None, e: Exception,
                spool_error: OSError) -> _StorageError:
        """The error for a result that neither the storage nor any spool place could keep: it
        names the result and says how to have it written once there is space."""
        from tunewise.storage import _spool

        result = f"{state.value} with values {values} and parameters {_short_repr(dict(trial.params), 2000)}"
        record = getattr(spool_error, "record", None)
        name = getattr(spool_error, "file_name", "<name>.json")
        line = json.dumps(record, default=str) if record is not None else ""
        _log.error("trial %d finished %s; it could not be stored (%s) nor kept in any spool place (%s); its spool "
                   "record, to save as %s in %s: %s", trial.number, result, e, spool_error, name, _spool.spool_dir(),
                   line)
        target = _spool.spool_dir() / name
        if record is None:
            recover = ""
        elif len(line) <= 10_000:
            recover = (f"To have it written, save this line as {target} (or in any directory of "
                       f"TUNEWISE_SPOOL_FALLBACK_DIR) once there is space: the next study that opens this storage "
                       f"writes it.\n{line}")
        else:
            recover = (f"Its full spool record is in the log (logger 'tunewise', ERROR): save it as {target} once "
                       f"there is space and the next study that opens this storage writes it.")
        return _StorageError(
            f"{e}\nThe result of trial {trial.number} could not be kept in any spool place ({spool_error}; set "
            f"TUNEWISE_SPOOL_DIR or TUNEWISE_SPOOL_FALLBACK_DIR to a writable place with free space on another "
            f"disk): it finished {result}.\n{recover}")

    # ---- the loop ----------------------------------------------------------------------
    def _run_trial(self, func: ObjectiveFunc, catch: tuple[type[BaseException], ...],
                   ask: Callable[[], Trial] | None = None) -> FrozenTrial:
        """Ask (``ask``: how, default :meth:`ask`), run ``func``, tell: one trial in this process."""
        with _DeferInterrupt() as guard:  # never leave a created trial behind RUNNING
            trial = self.ask() if ask is None else ask()
        token = _current_trial.set(trial)
        try:
            if guard.fired:
                guard.raise_if_fired()
            result = _run_objective(func, trial)
        except TrialPruned:
            pruned = self._pruned_values(trial)
            return self._counted(trial, self._finish(trial, TrialState.PRUNED, pruned, None), pruned)
        except _Terminated as e:
            # The worker was stopped, not the trial: failed and queued to rerun in one storage step.
            self._counted(trial, self._finish(trial, TrialState.FAILED, None, f"interrupted ({e.signame})",
                                              retry=True))
            raise
        except KeyboardInterrupt:
            self._counted(trial, self._finish(trial, TrialState.FAILED, None, "interrupted (KeyboardInterrupt)"))
            raise
        except Exception as e:
            try:
                outcome = self._finish(trial, TrialState.FAILED, None, f"{type(e).__name__}: {e}",
                                       traceback.format_exc())
            except _UnstorableResult as u:
                outcome = FinishOutcome(u.trial)
            if isinstance(e, catch):
                return self._counted(trial, outcome)
            if isinstance(e, UpdateFinishedTrialError) and outcome.refused is Refusal.SETTLED_BY_RETRY:
                # This trial, a retry, was recorded meanwhile with the late result of the trial it
                # retries (the same parameters: see _settle_running_retry), and the storage refused
                # this run's report: the run stops there, and the trial keeps that one result.
                _log.warning("trial %d was recorded %s meanwhile with the late result of trial %d, the trial it "
                             "retries (the same parameters): this run of it stopped at its report",
                             trial.number, outcome.trial.state.value, outcome.trial.system_attrs["late_result_of"])
                return outcome.trial
            if isinstance(e, UpdateFinishedTrialError) and outcome.refused is Refusal.ALREADY_FINISHED:
                # Finished meanwhile by someone else (`tunewise tell` on this trial, tell() in another
                # process), and the storage refused this run's report: the run stops there, the
                # stored result stays, and optimize() goes on with its next trial.
                _log.warning("trial %d was finished elsewhere meanwhile (%s, e.g. told by another process): this "
                             "run of it stopped at its report", trial.number, outcome.stored_result())
                return outcome.trial
            self._counted(trial, outcome)
            raise
        except BaseException as e:  # SystemExit (sys.exit in the objective), GeneratorExit, ...
            self._counted(trial, self._finish(trial, TrialState.FAILED, None,
                                              f"{type(e).__name__}: {_short_repr(e.args)}", traceback.format_exc()))
            raise
        finally:
            _current_trial.reset(token)
        if result is None and getattr(func, "_tunewise_uses_reports", False) and trial.intermediate_values:
            result = trial.intermediate_values[max(trial.intermediate_values)]
        values, reason = self._check_values(result)
        try:
            if reason is not None:
                return self._counted(trial, self._finish(trial, TrialState.FAILED, None, reason))
            return self._counted(trial, self._finish(trial, TrialState.COMPLETE, values, None), values)
        except _UnstorableResult as u:
            if isinstance(u, catch):
                return u.trial
            raise

    def _counted(self, trial: Trial, outcome: FinishOutcome, values: list[float] | None = None) -> FrozenTrial:
        """The stored trial after ``optimize()`` finished ``trial`` (with ``values``); when the finish
        was refused because someone else finished the trial meanwhile, logged: this result does not count."""
        if outcome.refused is Refusal.ALREADY_FINISHED:
            attempted = trial._finished_as.value if trial._finished_as is not None else "?"
            _log.warning("trial %d finished %s with values %s, but it had been finished elsewhere meanwhile (%s, e.g. "
                         "told by another process): this result does not count", trial.number, attempted, values,
                         outcome.stored_result())
        return outcome.trial

    def stop(self) -> None:
        """Ask a running ``optimize`` to start no more trials (safe from a callback or the objective).

        Outside ``optimize`` (and tunewise's own loops, such as ``SearchCV``'s) there is nothing to
        stop: RuntimeError, with Optuna's message.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10,
        ...                callbacks=[lambda s, t: s.stop() if t.number == 2 else None])
        >>> len(study.trials)
        3
        >>> study.stop()
        Traceback (most recent call last):
        ...
        RuntimeError: `Study.stop` is supposed to be invoked inside an objective function or a callback.
        """
        if not self._in_optimize and not getattr(self, "_loops", 0):
            raise RuntimeError("`Study.stop` is supposed to be invoked inside an objective function or a callback.")
        self._stop_requested = True

    @contextlib.contextmanager
    def _running_loop(self) -> Iterator[None]:
        """A loop of tunewise's own (``SearchCV``'s, through ``tunewise._loop_api.loop``) runs
        trials on this study: a callback's :meth:`stop` ends it, as it ends ``optimize``."""
        self._loops = getattr(self, "_loops", 0) + 1
        try:
            yield
        finally:
            self._loops -= 1

    def optimize(
        self,
        func: Callable[..., Any],
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[BaseException]] | type[BaseException] = (),
        callbacks: Sequence[Callback] | None = None,
        show_progress_bar: bool = False,
        *,
        space: Mapping[str, D.Distribution | Any] | None = None,
        executor: Executor | None = None,
        max_trials: int | None = None,
        resources: Mapping[str, float] | None = None,
        gc_after_trial: bool = False,
    ) -> None:
        """Run trials until ``n_trials`` have run in this call, the study as a whole has
        ``max_trials`` trials, ``timeout`` seconds have passed, the sampler is exhausted, or
        :meth:`stop` is called.

        ``n_trials`` counts this call's trials. ``max_trials`` is the study-wide budget: every
        started trial counts (RUNNING, COMPLETE, PRUNED, FAILED; a retry of a crashed trial
        re-runs it and does not count twice), across processes, machines and earlier calls,
        and it is checked atomically when a trial starts, so any number of workers sharing the
        storage stop at exactly ``max_trials``. Without it, the budget stored with the study
        (``create_study(max_trials=...)``) applies, if any.

        ``func(trial)`` returns the score. With ``space=``, ``func(config: dict)`` gets a plain
        dict drawn from the declarative space and returns the score (or reports with
        ``tunewise.report``). A callback that also has ``on_optimize_end(study, error)`` is told
        when this call ends (``error``: None, the KeyboardInterrupt of Ctrl-C or SIGTERM, or the
        exception that stopped it). ``n_jobs=k`` runs trials in ``k`` worker processes (``-1``: one
        per CPU). Exceptions in ``catch`` mark the trial FAILED and the study goes on; others
        mark it FAILED and propagate. ``executor=`` decides where trials run instead of
        ``n_jobs``: ``tw.SequentialExecutor()`` (``n_jobs=1``), ``tw.ProcessExecutor(k)``
        (``n_jobs=k``), ``tw.DaskExecutor(client)`` on a Dask cluster, ``tw.RayExecutor(address)``
        on a Ray cluster, or any :class:`~tunewise.execution.Executor`.

        Each finished trial logs an INFO line, as Optuna does (``tw.logging.set_verbosity(
        tw.logging.WARNING)`` turns them off). ``gc_after_trial=True`` runs the garbage collector
        after each trial (Optuna's option, for objectives that leave reference cycles behind).

        ``resources={"gpu": 1}`` gives each trial a GPU of its own (``{"gpu": 0.5}``: two trials
        share one; ``{"gpu": 2}``: two each) and ``{"cpu": k}`` k CPU threads (default with
        ``n_jobs``: an equal share of the cores per worker). Each trial sees only its devices
        (``CUDA_VISIBLE_DEVICES``), is told them (``trial.devices``), and waits while none is
        free. The devices are those in ``CUDA_VISIBLE_DEVICES``, else those torch or
        ``nvidia-smi`` report.

        >>> import tunewise as tw
        >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=1))
        >>> space = {"x": tw.uniform(0, 1), "k": tw.choice([1, 2])}
        >>> study.optimize(lambda config: config["x"] * config["k"], space=space, n_trials=10)
        >>> study.best_value > 1
        True
        """
        n_trials = _trial_count(n_trials)
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, numbers.Real)
                                    or not timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
        timeout = None if timeout is None else float(timeout)
        _check_max_trials(max_trials)
        if isinstance(catch, type):
            catch = (catch,)
        catch = tuple(catch)
        for c in catch:
            if not (isinstance(c, type) and issubclass(c, BaseException)):
                raise TypeError(f"catch must hold exception classes, got {c!r}")
        if not callable(func):
            raise TypeError(f"the objective must be callable, got {func!r}")
        objective: ObjectiveFunc = func if space is None else _config_objective(func, space)
        if n_jobs == -1:
            import os

            n_jobs = os.cpu_count() or 1
        if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs < 1:
            raise ValueError(f"n_jobs must be a positive integer or -1, got {n_jobs!r}")
        n_jobs = int(n_jobs)
        from tunewise.execution._executor import resolve_executor
        from tunewise.execution._job import OptimizeJob

        runner = resolve_executor(executor, n_jobs)  # n_jobs=1: SequentialExecutor, k: ProcessExecutor(k)
        # On the monotonic clock: a step of the system clock (NTP, an operator) must not end the run
        # at once or let it run an hour more (s33 faults: a 1 h step, timeout 8 s)
        deadline = None if timeout is None else time.monotonic() + timeout
        self._stop_requested = False
        if max_trials is None:
            max_trials = self._storage.get_study_attrs(self._study_id).get(_MAX_TRIALS_KEY)
        self._max_trials = None if max_trials is None else int(max_trials)
        from tunewise._progress import ProgressBar

        bar_total = n_trials
        if show_progress_bar and self._max_trials is not None:  # the bar's total: what the budget leaves
            sid = self._study_id
            started = self._storage.count_trials(sid) - self._storage.count_trials(sid, (TrialState.WAITING,))
            left = max(self._max_trials - started, 0)
            bar_total = left if n_trials is None else min(n_trials, left)
        progress = ProgressBar(show_progress_bar, bar_total, timeout, self)
        self._in_optimize = True
        self._deadline = deadline
        self._budget = _planned_budget(self, n_trials, deadline, int(getattr(runner, "n_jobs", n_jobs) or 1))
        try:
            with _TerminateAsInterrupt():
                try:
                    runner.run(OptimizeJob(self, objective, catch, n_trials, deadline,
                                           self._loop_callbacks(callbacks, gc_after_trial, n_trials), progress,
                                           resources=resources))
                except BaseException as error:
                    _end_callbacks(self, callbacks, error)
                    raise
                _end_callbacks(self, callbacks, None)
        finally:
            self._max_trials = None
            self._in_optimize = False
            self._deadline = None
            self._budget = None
            progress.close()

    def _loop_callbacks(self, callbacks: Sequence[Callback] | None, gc_after_trial: bool,
                        n_trials: int | None) -> list[Callback]:
        """The callbacks optimize() runs per finished trial: the INFO line first (as Optuna logs
        before its callbacks; left out when INFO is off as the call starts), the user's, then the
        garbage collection ``gc_after_trial`` asks for.
        Warns here, once per call, when a PBT study's ``n_trials`` cannot finish its population."""
        # Nothing at all per trial when the lines are off as the call starts.
        out: list[Callback] = [trial_logger(self)] if _log.isEnabledFor(logging.INFO) else []
        out.extend(callbacks or ())
        if gc_after_trial:
            out.append(_collect_garbage)
        from tunewise.schedulers import PBTScheduler

        if isinstance(self.scheduler, PBTScheduler):
            sid = self._study_id
            started = self._storage.count_trials(sid) - self._storage.count_trials(sid, (TrialState.WAITING,))
            message = self.scheduler.budget_message(n_trials, started)
            if message is not None:
                import warnings

                warnings.warn(message, UserWarning, stacklevel=3)
        return out

    # ---- executor hooks: called by tunewise.execution._job only (executors use OptimizeJob) ----
    # With _run_trial (one trial in this process) and _stop_requested, they are all an executor
    # reaches of the loop.
    def _worker_options(self) -> dict[str, Any]:
        """What a worker process or Dask task needs to run trials under this optimize() call."""
        budget = getattr(self, "_budget", None)
        # The plan's deadline is on this machine's monotonic clock; a Dask worker on another machine
        # reads a clock of its own, so the seconds left travel with it (see _apply_worker_options)
        left = None if budget is None or budget.deadline is None else budget.deadline - time.monotonic()
        return {"max_trials": self._max_trials, "constraints_func": self.constraints_func,
                "budget": budget, "budget_seconds_left": left}

    def _apply_worker_options(self, options: Mapping[str, Any]) -> None:
        self._max_trials = options.get("max_trials")
        self.constraints_func = options.get("constraints_func")
        budget, left = options.get("budget"), options.get("budget_seconds_left")
        if budget is not None and left is not None:
            budget = dataclasses.replace(budget, deadline=time.monotonic() + left)
        self._budget = budget
        self._in_optimize = True  # a worker runs trials for its parent's optimize() call

    def __repr__(self) -> str:
        return f"Study(name={self.study_name!r}, directions={self.directions})"

    # ---- pickling: an in-memory study unpickled in another process is a read-only snapshot
    # (recording trials there raises instead of losing them: see storage/_snapshot.py) --------
    def __getstate__(self) -> dict[str, Any]:
        from tunewise.storage._snapshot import study_state

        return study_state(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        from tunewise.storage._snapshot import restored_state

        self.__dict__.update(restored_state(state))


#: Starts an ask() tries with a fresh proposal after another worker claimed its proposal's work first.
_CLAIM_RACES = 4
_NOT_SET = object()  # a parameter a trial did not suggest


class _PendingTrial(Trial):
    """The trial about to start, as the sampler sees it when it proposes before the start.

    Its ``number`` is the storage's prediction of the number the start will give (exact for a
    single worker). A proposal that read it was made for that number only: if another worker
    takes the number first, the proposal is not stored or used (:meth:`fits`).
    """

    def __init__(self, study: Study) -> None:
        self._predicted: int | None = None
        self.number_used: int | None = None  # the predicted number, once the sampler has read it
        self.to_enqueue: list[Mapping[str, Any]] = []  # Proposal.enqueue: queued once the trial starts
        self.claimed = False  # the proposal claimed its work (a grid point): it must run, here or later
        self.claim_key: str | None = None  # what it claimed
        # The key the proposal needs, seen unclaimed, which the start claims in its own step (a
        # storage whose claims_at_start() is True): a kill before or at the start leaves it free.
        self.claim_at_start: str | None = None
        self.propose_error: Exception | None = None  # what propose() raised: the trial raises it when it suggests
        super().__init__(study, FrozenTrial(number=-1, trial_id=-1, state=TrialState.WAITING))

    @property
    def number(self) -> int:
        if self._predicted is None:
            self._predicted = self.study._storage.next_trial_number(self.study._study_id)
        self.number_used = self._predicted
        return self._predicted

    @number.setter
    def number(self, _value: int) -> None:
        pass  # Trial.__init__ sets the placeholder's; the prediction is made when read

    def fits(self, number: int) -> bool:
        return self.number_used is None or self.number_used == number

    def suggest(self, name: str, distribution: D.Distribution) -> Any:
        raise RuntimeError("a sampler's propose() must not call trial.suggest(): it returns the proposal")


# ---- what a sampler sees: the loop's StudyContext and TrialContext (see samplers/_context.py) ----
_STUDY_CONTEXT_API = ("study_name", "directions", "distributions", "get_trials", "trials", "count_trials",
                      "user_attrs", "system_attrs", "history_id", "read_new", "claim", "budget")


def _legacy_attribute(target: object, name: str, kind: str, offers: Sequence[str]) -> Any:
    """A public attribute of the Study or Trial a sampler written for the earlier hooks reaches
    for; it keeps working, with a DeprecationWarning that says what to use instead."""
    if not name.startswith("_"):
        try:
            value = getattr(target, name)
        except AttributeError:
            pass
        else:
            import warnings

            warnings.warn(f"samplers receive a {kind}, not the {type(target).__name__}: {kind}.{name} reaches "
                          f"through to the {type(target).__name__} and will be removed; a sampler reads "
                          f"{', '.join(offers)} and returns what it wants written in a tunewise.samplers.Proposal",
                          DeprecationWarning, stacklevel=3)
            return value
    raise AttributeError(f"a sampler's {kind} has no attribute {name!r}; it offers {', '.join(offers)}")


class _SamplerStudyContext(StudyReader, StudyContext):
    """The loop's :class:`StudyContext`: reads through the study (the storage's caches) and
    claims in its storage. A copy of the study (pickled to another process) gets a context, and
    so a history, of its own."""

    __slots__ = ("_fit", "_history")

    def __init__(self, study: Study) -> None:
        super().__init__(study)
        self._history = uuid.uuid4().hex
        self._fit = SpaceFit()

    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        # Seen in the current space when a range changed (in this process) since the study opened.
        trials = super().get_trials(deepcopy=deepcopy, states=states)
        version = self._study.__dict__.get("_space_version", 0)
        return trials if not version else self._fit.trials(trials, self._study._distributions(), version)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_SamplerStudyContext, (self._study,))

    @property
    def history_id(self) -> Hashable:
        # A changed range changes what the trials are as observations: what samplers derived
        # from them (TPE's observation matrix, GP's encodings) is rebuilt.
        version = self._study.__dict__.get("_space_version", 0)
        return self._history if not version else (self._history, version)

    def claim(self, key: str) -> bool:
        return self._study._storage.try_claim(self._study._study_id, key)

    @property
    def budget(self) -> Budget:
        planned = getattr(self._study, "_budget", None)
        if planned is not None:
            return planned  # type: ignore[no-any-return]
        scheduler = self._study.scheduler
        return Budget(scheduler=None if scheduler is None else type(scheduler).__name__)

    def __getattr__(self, name: str) -> Any:
        if name in ("_study", "_history", "_fit"):
            raise AttributeError(name)
        return _legacy_attribute(self._study, name, "StudyContext", _STUDY_CONTEXT_API)

    def __repr__(self) -> str:
        return f"StudyContext(study_name={self._study.study_name!r})"


def _planned_budget(study: Study, n_trials: int | None, deadline: float | None, n_jobs: int) -> Budget:
    """The plan of an ``optimize()`` call, for the sampler (``StudyContext.budget``)."""
    sid = study._study_id
    started = study._storage.count_trials(sid) - study._storage.count_trials(sid, (TrialState.WAITING,))
    scheduler = study.scheduler
    return Budget(n_trials=n_trials, first_trial=started, max_trials=study._max_trials, deadline=deadline,
                  n_jobs=max(int(n_jobs), 1), scheduler=None if scheduler is None else type(scheduler).__name__)


def _sampler_view(trial: Trial) -> _SamplerTrialContext:
    """The trial's :class:`TrialContext` for one sampler call (one per trial, not per call)."""
    view: _SamplerTrialContext | None = trial._sampler_view
    if view is None:
        view = trial._sampler_view = _SamplerTrialContext(trial)
    else:
        view.published = False
    return view


class _SamplerTrialContext(TrialContext):
    """The loop's :class:`TrialContext` of a live (or about to start) trial; attributes a sampler
    sets go onto the trial, and the loop writes them. ``published``: the proposal was published."""

    __slots__ = ("_trial", "published")

    def __init__(self, trial: Trial) -> None:
        self._trial = trial
        self.published = False

    @property
    def number(self) -> int:
        return self._trial.number

    @property
    def trial_id(self) -> int | None:
        return None if isinstance(self._trial, _PendingTrial) else self._trial._trial_id

    @property
    def params(self) -> Mapping[str, Any]:
        return self._trial.params

    @property
    def fixed_params(self) -> Mapping[str, Any]:
        return self._trial._fixed

    @property
    def system_attrs(self) -> Mapping[str, Any]:
        return self._trial.system_attrs

    @property
    def user_attrs(self) -> Mapping[str, Any]:
        return self._trial.user_attrs

    def set_system_attr(self, key: str, value: Any) -> None:
        self._trial.set_system_attr(key, value)
        if key == PROPOSAL_ATTR:
            self.published = True

    def set_user_attr(self, key: str, value: Any) -> None:
        self._trial.set_user_attr(key, value)

    def __getattr__(self, name: str) -> Any:
        if name in ("_trial", "published"):
            raise AttributeError(name)
        return _legacy_attribute(self._trial, name, "TrialContext", (
            "number", "trial_id", "params", "fixed_params", "system_attrs", "user_attrs", "set_system_attr",
            "set_user_attr"))

    def __repr__(self) -> str:  # not the number: reading a pending trial's binds the proposal to it
        return f"TrialContext(params={self._trial.params!r})"


def _end_callbacks(study: Study, callbacks: Sequence[Callback] | None, error: BaseException | None) -> None:
    """Tell the callbacks that define ``on_optimize_end(study, error)`` that optimize() ended:
    ``error`` is None, a KeyboardInterrupt (Ctrl-C, SIGTERM) or what stopped it. Runs before
    SIGTERM ends the process, so a tracker can close its run with the right status."""
    for cb in callbacks or ():
        hook = getattr(cb, "on_optimize_end", None)
        if hook is None:
            continue
        if error is None:
            hook(study, None)
            continue
        try:
            hook(study, error)
        except Exception as e:  # noqa: BLE001 - the error that stopped optimize() is the one to raise
            import warnings

            warnings.warn(f"{type(cb).__name__}.on_optimize_end failed ({type(e).__name__}: {e}) while "
                          f"optimize() was stopping on {type(error).__name__}", RuntimeWarning, stacklevel=2)


class _UnstorableResult(TypeError):
    """The trial's result could not be stored (an attribute that is not JSON): it was recorded
    FAILED with the reason instead; ``trial`` is what was stored."""

    def __init__(self, trial: FrozenTrial, message: str) -> None:
        super().__init__(message)
        self.trial = trial


def _storable(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """``attrs`` with every value the storage cannot keep (not JSON) replaced by its repr."""
    import json

    out: dict[str, Any] = {}
    for k, v in attrs.items():
        try:
            json.dumps(v)
        except (TypeError, ValueError):
            v = f"<not stored: {_short_repr(v)}>"
        out[str(k)] = v
    return out


def _written(attrs: Any) -> None:
    """A live trial's attributes were stored: no key is pending any more (see LiveAttrs)."""
    if type(attrs) is LiveAttrs:
        attrs.written()


def _run_objective(func: ObjectiveFunc, trial: Trial) -> Any:
    """``func(trial)``; in a process the objective forked (``os.fork()``) that comes back out of it
    (returns, ``sys.exit()``, an exception), the process exits there, recording nothing: the trial
    is its parent's, which finishes it (a child's ``sys.exit()`` used to fail the parent's trial
    and, in a pool worker, stop the parent's ``optimize()``)."""
    pid = os.getpid()
    try:
        result = func(trial)
    except BaseException as e:
        if os.getpid() != pid:
            _end_forked_child(trial, e)
        raise
    if os.getpid() != pid:
        _end_forked_child(trial, None)
    return result


def _end_forked_child(trial: Trial, error: BaseException | None) -> NoReturn:
    status = 0
    if isinstance(error, SystemExit):
        code = error.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    elif error is not None:
        traceback.print_exception(error)
        status = 1
    sys.stderr.write(f"tunewise: process {os.getpid()}, forked by the objective of trial {trial.number}, came back "
                     f"out of the objective; it exits here (status {status}) and records nothing, as the trial is "
                     f"its parent's. End forked processes with os._exit().\n")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a closed stream: nothing to flush
            pass
    os._exit(status)


def _short_repr(v: Any, limit: int = 80) -> str:
    try:
        text = repr(v)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        text = f"<{type(v).__name__}>"
    if isinstance(v, int) and not isinstance(v, bool) and len(text) > limit:
        return f"an integer of {len(text)} digits"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _config_objective(func: Callable[[dict[str, Any]], Any], space: Mapping[str, Any]) -> ObjectiveFunc:
    """Adapt ``func(config)`` with a declarative space to a define-by-run objective."""
    dists: dict[str, D.Distribution] = {}
    constants: dict[str, Any] = {}
    derived: dict[str, D.Derived] = {}  # Ray Tune's qloguniform, randn, sample_from, ...
    for name, d in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space keys must be parameter names (str), got {name!r}")
        if isinstance(d, (D.Float, D.Int, D.Categorical)):
            dists[name] = d
        elif isinstance(d, D.Derived):
            derived[name] = d
            if d.base is not None:
                dists[name] = d.base
        elif isinstance(d, (list, tuple)):
            dists[name] = D.Categorical(tuple(d))
        elif d is None or isinstance(d, (bool, int, float, str)):
            constants[name] = d
        else:
            raise TypeError(
                f"space[{name!r}] must be a distribution (tw.uniform, tw.loguniform, tw.choice, tw.randint, "
                f"tw.grid, ...), a list of choices, or a constant; got {d!r}"
            )

    def objective(trial: Trial) -> Any:
        config = dict(constants)
        for name, dist in dists.items():
            config[name] = trial.suggest(name, dist)
        for name, entry in derived.items():
            if entry.base is not None:
                config[name] = entry.transform(config[name], config)
        for name, entry in derived.items():
            if entry.base is None:
                config[name] = entry.transform(None, config)
        return func(config)

    objective._tunewise_uses_reports = True  # type: ignore[attr-defined]
    return objective


_MAX_TRIALS_KEY = "max_trials"  # study attribute: the stored study-wide trial budget
_METRIC_KEY = "metric"  # study system attribute: the metric optimized when trials report dicts
_METRIC_NAMES_KEY = "study:metric_names"  # study system attribute, Optuna's key: set_metric_names()


def _collect_garbage(_study: Study, _trial: FrozenTrial) -> None:
    import gc

    gc.collect()


def _pbt_budget_text(pbt: Any) -> str:
    needed = pbt.trials_needed()
    if needed is None:
        return (f"population_size={pbt.population_size} trials per generation, for as many generations as "
                f"the objective trains (set max_step= to have the total computed)")
    return f"population_size x generations = {needed} trials (PBTScheduler.trials_needed())"


def _check_instance(what: str, obj: Any) -> None:
    if isinstance(obj, type):
        raise TypeError(f"{what}={obj.__name__} is a class; pass an instance: {obj.__name__}() "
                        f"(with any arguments it takes)")


def _trial_count(n_trials: Any) -> int | None:
    """``optimize``'s ``n_trials`` as an int, taking what Optuna takes: a numpy integer, or a float
    (``argparse`` with ``type=float``, ``1e3``); Optuna runs trials while ``i < n_trials``, so 2.5
    runs 3. ``inf`` is no limit."""
    if n_trials is None:
        return None
    if not isinstance(n_trials, bool) and isinstance(n_trials, numbers.Real) and float(n_trials) >= 0:
        if isinstance(n_trials, numbers.Integral):
            return int(n_trials)
        count = float(n_trials)  # NaN failed the >= 0 above
        return None if math.isinf(count) else math.ceil(count)
    raise ValueError(f"n_trials must be a non-negative integer or None, got {n_trials!r}")


def _user_copy(trial: FrozenTrial, distributions: Mapping[str, D.Distribution]) -> FrozenTrial:
    """A stored trial as ``best_trial`` / ``best_trials`` give it: a copy a script may change, as
    Optuna's deep copies (``params = study.best_trial.params; params.update(fixed)``), while the
    storage's trial, shared by every reader, stays as it is. A tuple choice stored as a JSON list
    is the tuple again (:func:`~tunewise.distributions.with_choice_objects`)."""
    out = copy.copy(trial)  # FrozenTrial.__copy__: the slots, no pickle path
    out.params = D.with_choice_objects(trial.params, distributions)
    out.user_attrs = _attrs_copy(trial.user_attrs)
    out.system_attrs = _attrs_copy(trial.system_attrs)
    return out


_SCALARS = (str, int, float, bool, type(None))


def _attrs_copy(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of user / system attributes (JSON values), without deepcopy's cost for the
    usual flat dict of scalars."""
    if all(type(v) in _SCALARS for v in attrs.values()):
        return dict(attrs)
    return copy.deepcopy(dict(attrs))


def _check_max_trials(max_trials: Any) -> None:
    if max_trials is not None and (isinstance(max_trials, bool) or not isinstance(max_trials, numbers.Integral)
                                   or max_trials < 1):
        raise ValueError(
            f"max_trials must be a positive integer (the study-wide number of trials) or None, got {max_trials!r}"
        )


# Optuna's StudyDirection is an IntEnum (NOT_SET 0, MINIMIZE 1, MAXIMIZE 2) and scripts use the
# numbers: ``int(study.direction)``, ``study.direction == 2``, ``StudyDirection(2)`` (rebuilding one
# that ``json.dump`` wrote as a number).
class StudyDirection(NumberedTextEnum, numbers={"not_set": 0, "minimize": 1, "maximize": 2}):
    """Optuna's ``StudyDirection``. A study's ``direction`` (and each of its ``directions``) is a
    member: it equals, hashes and prints as its string ``"minimize"`` / ``"maximize"``
    (``"minimize" == StudyDirection.MINIMIZE``) and has Optuna's ``.name`` (``"MINIMIZE"``), so code
    written for either reads the same. It also equals Optuna's number (MINIMIZE 1, MAXIMIZE 2:
    ``int(study.direction)``, ``StudyDirection(2)``); ``json.dumps`` writes the string.

    >>> import tunewise as tw
    >>> study = tw.create_study(direction="maximize")
    >>> study.direction == "maximize", study.direction.name, f"{study.direction}"
    (True, 'MAXIMIZE', 'maximize')
    >>> int(study.direction), study.direction == 2, tw.study.StudyDirection(1).name
    (2, True, 'MINIMIZE')
    """

    NOT_SET = "not_set"  # Optuna's 0; no study has it (create_study takes 'minimize' / 'maximize')
    MINIMIZE = "minimize"
    MAXIMIZE = "maximize"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:  # as its string, as tunewise printed directions before
        return repr(self.value)


class MaxTrialsCallback:
    """Optuna's ``MaxTrialsCallback``: stop ``optimize`` once the study holds ``n_trials`` trials
    in ``states`` (default COMPLETE), counted across every worker that shares the storage.

    A callback stops only the ``optimize`` call it is given to, after the trial that reached the
    count; trials already running elsewhere finish. For a study-wide cap on *started* trials that
    no worker overshoots, give ``create_study(max_trials=N)`` instead.

    >>> import tunewise as tw
    >>> study = tw.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=50,
    ...                callbacks=[tw.study.MaxTrialsCallback(5)])
    >>> len(study.trials)
    5
    """

    def __init__(self, n_trials: int, states: Container[TrialState] | None = (TrialState.COMPLETE,)) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0:
            raise ValueError(f"n_trials must be a non-negative integer, got {n_trials!r}")
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(states=self._states)) >= self._n_trials:
            study.stop()


def _sampler_constraints(sampler: Sampler | None, constraints_func: Any) -> Any:
    """The study's constraints: ``constraints_func`` if given, else the one given to the sampler
    (where Optuna takes it: ``TPESampler(constraints_func=...)``)."""
    if constraints_func is None and sampler is not None:
        return getattr(sampler, "constraints_func", None)
    return constraints_func


def _check_constraints_func(func: Any) -> Callable[[FrozenTrial], Sequence[float]] | None:
    if func is not None and not callable(func):
        raise TypeError(f"constraints_func must be a function frozen_trial -> sequence of floats (feasible when all "
                        f"<= 0) or None, got {func!r}")
    return func  # type: ignore[no-any-return]


def _store_max_trials(study: Study, max_trials: int | None) -> None:
    # Callers check max_trials first (create_study before the study exists).
    if max_trials is not None:
        study._storage.set_study_attr(study._study_id, _MAX_TRIALS_KEY, int(max_trials))


def _default_sampler() -> Sampler:
    from tunewise import samplers

    auto = getattr(samplers, "AutoSampler", None)
    return auto() if auto is not None else samplers.RandomSampler()


def _storage_kind(store: BaseStorage) -> str:
    """How Optuna's log line names the storage: in memory, RDB (SQL) or Journal (a journal file)."""
    kinds = {"InMemoryStorage": "memory", "JournalStorage": "Journal", "SQLStorage": "RDB"}
    return next((kinds[c.__name__] for c in type(store).__mro__ if c.__name__ in kinds), type(store).__name__)


def create_study(
    name: str | None = None,
    storage: str | BaseStorage | None = None,
    direction: str | None = None,
    directions: Sequence[str] | None = None,
    sampler: Sampler | None = None,
    scheduler: Scheduler | None = None,
    *,
    pruner: Scheduler | None = None,
    load_if_exists: bool = False,
    study_name: str | None = None,
    heartbeat_interval: float | None = None,
    grace_period: float | None = None,
    max_retries: int | None = None,
    warm_start: Any = None,
    max_trials: int | None = None,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    metric: str | None = None,
) -> Study:
    """Create a study (or, with ``load_if_exists=True``, resume one with that name).

    ``metric`` names the entry to optimize when trials report dicts of metrics
    (``tw.report({"val_loss": 0.3, "acc": 0.9})``, Ray Tune's habit); it is stored with the study.

    ``storage`` is a URL (``"sqlite:///tunewise.db"``, ``"postgresql+psycopg://user@host/db"``)
    or a storage object; None keeps everything in memory. ``pruner`` is an alias of ``scheduler``.

    With persistent storage, running trials send heartbeats every ``heartbeat_interval`` seconds
    (default 10; ``0`` turns them off); a trial silent for ``grace_period`` seconds (default 3
    intervals, 60 s by default) is marked FAILED as stale and re-enqueued with the same parameters
    up to ``max_retries`` times (default 1). The policy is stored with the study, so every worker
    that opens it follows it.

    ``warm_start`` (e.g. ``tw.transfer.FromSimilarTasks(...)``) starts from earlier tasks: its
    ``apply(study)`` queues their best configurations and wraps the sampler with a fading prior.

    ``max_trials`` stores a study-wide trial budget with the study: every ``optimize`` call and
    ``tunewise worker`` on it, in any process, stops once the study has that many trials (see
    :meth:`Study.optimize`). Given again on a resumed study, it replaces the stored budget.

    ``constraints_func(frozen_trial)`` (Optuna's signature) returns a trial's constraint values
    as it finishes (COMPLETE or PRUNED): it is feasible when all are ``<= 0``. They are stored in
    ``trial.system_attrs["constraints"]`` (an objective can also call ``trial.set_constraint``,
    which then takes precedence); ``best_trial``/``best_trials`` keep feasible trials only, TPE,
    NSGA-II and GP steer towards feasible regions, and the plots mark infeasible trials.

    >>> import tunewise as tw
    >>> study = tw.create_study(name="demo", direction="maximize")
    >>> study.direction
    'maximize'
    """
    from tunewise.exceptions import DuplicatedStudyError

    if study_name is not None:
        if name is not None and name != study_name:
            raise ValueError("pass the study's name once, as name=")
        name = study_name
    if scheduler is not None and pruner is not None:
        raise ValueError("pass scheduler= or pruner= (the same thing), not both")
    scheduler = scheduler if scheduler is not None else pruner
    dirs = _check_directions(direction, directions)
    heartbeat_policy = _heartbeat.check_policy(heartbeat_interval, grace_period, max_retries)
    _check_max_trials(max_trials)
    constraints_func = _sampler_constraints(sampler, constraints_func)
    _check_constraints_func(constraints_func)
    store = get_storage(storage)
    if name is None:
        name = f"study-{_dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    if not isinstance(name, str) or not name:
        raise ValueError(f"study name must be a non-empty string, got {name!r}")
    # What other workers go by (the budget, the heartbeat policy, the metric) is stored with the
    # study in one step: a worker that loads it at once, or a kill in between, never finds it without.
    first: dict[str, Any] = {}
    policy = heartbeat_policy if heartbeat_policy is not None else getattr(store, "heartbeat_policy", None)
    if policy is not None:
        first[_heartbeat.ATTR_KEY] = policy
    if max_trials is not None:
        first[_MAX_TRIALS_KEY] = int(max_trials)
    if isinstance(metric, str) and metric:
        first["system"] = {_METRIC_KEY: metric}
    try:
        if first:
            store.create_study_with_attrs(name, dirs, first)
        else:
            store.create_study(name, dirs)
        _log.info("A new study created in %s with name: %s", _storage_kind(store), name)  # Optuna's line
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        existing = store.get_study_directions(store.get_study_id(name))
        if (direction is not None or directions is not None) and existing != dirs:
            raise ValueError(
                f"study {name!r} exists with directions {existing}, but {dirs} were requested"
            ) from None
        _log.info("Using an existing study with name '%s' instead of creating a new one.", name)
    study = Study(name, store, sampler, scheduler)
    study.constraints_func = _check_constraints_func(constraints_func)
    if warm_start is not None:
        if not callable(getattr(warm_start, "apply", None)):
            raise TypeError(f"warm_start must have an apply(study) method (e.g. tw.transfer.FromSimilarTasks), "
                            f"got {warm_start!r}")
        warm_start.apply(study)
    record = {"sampler": study.sampler.describe()}
    if study.scheduler is not None:
        record["scheduler"] = study.scheduler.describe()
    study.set_system_attr("strategy", record)
    if metric is not None:
        if not isinstance(metric, str) or not metric:
            raise ValueError(f"metric must name the reported metric to optimize, e.g. 'val_loss'; got {metric!r}")
        stored = study._metric_name()
        if stored is not None and stored != metric:
            raise ValueError(f"study {name!r} optimizes metric {stored!r}, but metric={metric!r} was requested")
        study._set_metric_name(metric)
    _heartbeat.configure(study, heartbeat_policy)
    _store_max_trials(study, max_trials)
    return study


def load_study(name: str | None = None, storage: str | BaseStorage | None = None, sampler: Sampler | None = None,
               scheduler: Scheduler | None = None, *, study_name: str | None = None, pruner: Scheduler | None = None,
               heartbeat_interval: float | None = None, grace_period: float | None = None,
               max_retries: int | None = None, max_trials: int | None = None,
               constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None) -> Study:
    """Open an existing study (StudyNotFoundError names the study and the storage if absent).

    Heartbeat options and ``max_trials`` as in :func:`create_study`; given here, they replace
    the stored ones. ``constraints_func`` as in :func:`create_study` (a function is not stored
    with the study: give it to every process that runs trials). Optuna's keywords work too:
    ``load_study(study_name="demo", storage=url)``; without a name, as in Optuna, the storage's
    only study is opened (a ValueError lists the names when it holds several).

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()   # or "sqlite:///tunewise.db", "postgresql+psycopg://..."
    >>> tw.create_study(name="demo", storage=store).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> study = tw.load_study("demo", storage=store)   # in another process, with the same storage
    >>> len(study.trials)
    3
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)   # resumes: 5 trials in all
    >>> len(tw.load_study(study_name="demo", storage=store).trials)
    5
    """
    if name is None and study_name is None and storage is not None:
        storage = get_storage(storage)
        names = get_all_study_names(storage)
        if len(names) != 1:
            raise ValueError(f"load_study() without study_name= opens the storage's only study, but {storage!r} holds "
                             f"{len(names)}: {names}; pass study_name=")
        name = names[0]
    name, storage = _name_and_storage("load_study", name, study_name, storage)
    heartbeat_policy = _heartbeat.check_policy(heartbeat_interval, grace_period, max_retries)
    _check_max_trials(max_trials)
    store = get_storage(storage)
    study = Study(name, store, sampler, scheduler if scheduler is not None else pruner)
    study.constraints_func = _check_constraints_func(_sampler_constraints(sampler, constraints_func))
    _heartbeat.configure(study, heartbeat_policy)
    _store_max_trials(study, max_trials)
    return study


def delete_study(name: str | None = None, storage: str | BaseStorage | None = None, *,
                 study_name: str | None = None) -> None:
    """Delete a study and all its trials (``delete_study(study_name=..., storage=...)`` as in Optuna).

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()
    >>> tw.create_study(name="old", storage=store).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> tw.delete_study("old", storage=store)
    >>> tw.get_all_study_names(store)
    []
    """
    name, storage = _name_and_storage("delete_study", name, study_name, storage)
    store = get_storage(storage)
    store.delete_study(store.get_study_id(name))


def _name_and_storage(func: str, name: str | None, study_name: str | None,
                      storage: str | BaseStorage | None) -> tuple[str, str | BaseStorage]:
    """The study name given positionally or as Optuna's ``study_name=``, and the storage."""
    if study_name is not None:
        if name is not None and name != study_name:
            raise ValueError(f"{func}() got the name {name!r} and study_name={study_name!r}: pass the study's "
                             f"name once")
        name = study_name
    if name is None:
        raise TypeError(f"{func}() needs the study's name: {func}(study_name='...', storage='sqlite:///...')")
    if storage is None:
        raise TypeError(f"{func}() needs the storage holding study {name!r}: {func}(study_name={name!r}, "
                        f"storage='sqlite:///...')")
    return name, storage


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """Names of every study in the storage.

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()
    >>> _ = tw.create_study(name="a", storage=store), tw.create_study(name="b", storage=store)
    >>> sorted(tw.get_all_study_names(store))
    ['a', 'b']
    """
    return [s.name for s in get_storage(storage).get_all_studies() if not s.name.startswith("__tunewise")]


def copy_study(*, from_study_name: str, from_storage: str | BaseStorage, to_storage: str | BaseStorage,
               to_study_name: str | None = None) -> None:
    """Copy a study, with its attributes and its finished and queued trials, to another storage
    (or under another name), as Optuna's ``copy_study``. RUNNING trials are not copied; copied
    trials get new times.

    >>> import tunewise as tw
    >>> src = tw.storage.InMemoryStorage()
    >>> study = tw.create_study(name="a", storage=src)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> dst = tw.storage.InMemoryStorage()
    >>> tw.copy_study(from_study_name="a", from_storage=src, to_storage=dst)
    >>> len(tw.load_study(study_name="a", storage=dst).trials)
    3
    """
    source = load_study(from_study_name, from_storage)
    target = create_study(name=to_study_name or from_study_name, storage=to_storage, directions=source.directions)
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    target.add_trials(t for t in source.get_trials() if t.state != TrialState.RUNNING)


class StudySummary:
    """One study of a storage, as :func:`get_all_study_summaries` (Optuna's) returns it.

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()
    >>> study = tw.create_study(name="a", storage=store, direction="maximize")
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> (summary,) = tw.get_all_study_summaries(store)
    >>> summary.study_name, summary.direction, summary.n_trials
    ('a', 'maximize', 3)
    >>> summary.best_trial.number == study.best_trial.number
    True
    """

    __slots__ = ("best_trial", "datetime_start", "directions", "n_trials", "study_id", "study_name",
                 "system_attrs", "user_attrs")

    def __init__(self, study_name: str, directions: list[str], best_trial: FrozenTrial | None,
                 user_attrs: dict[str, Any], system_attrs: dict[str, Any], n_trials: int,
                 datetime_start: _dt.datetime | None, study_id: int) -> None:
        self.study_name = study_name
        self.directions = [StudyDirection(d) for d in directions]
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self.study_id = study_id

    @property
    def direction(self) -> str:
        if len(self.directions) != 1:
            raise RuntimeError("this study has several objectives: use .directions")
        return self.directions[0]

    def __repr__(self) -> str:
        return f"StudySummary(study_name={self.study_name!r}, directions={self.directions}, n_trials={self.n_trials})"


def get_all_study_summaries(storage: str | BaseStorage, include_best_trial: bool = True) -> list[StudySummary]:
    """A summary of every study in ``storage`` (name, directions, trial count, best trial, attrs).

    >>> import tunewise as tw
    >>> store = tw.storage.InMemoryStorage()
    >>> tw.create_study(name="a", storage=store).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> [(s.study_name, s.n_trials) for s in tw.get_all_study_summaries(store)]
    [('a', 2)]
    """
    store = get_storage(storage)
    out = []
    for s in store.get_all_studies():
        if s.name.startswith("__tunewise"):
            continue
        attrs = store.get_study_attrs(s.study_id)
        best = None
        if include_best_trial and s.n_complete and len(s.directions) == 1:
            # The storage's best by value (one trial read) is the study's best trial when it is
            # feasible; otherwise (a constraint violated, or a storage that cannot tell) the study
            # reads its trials.
            best = store.best_complete_trial(s.study_id, s.directions[0] == "maximize")
            if best is not None and is_feasible(best):
                best = copy.copy(best)
            else:
                try:
                    best = load_study(s.name, store).best_trial
                except ValueError:
                    best = None
        # A study written through the storage API directly may hold anything under these keys:
        # one such study must not stop the listing of the others.
        user, system = (a if isinstance(a := attrs.get(k), dict) else {} for k in ("user", "system"))
        # Optuna's datetime_start: the earliest start of the study's trials (None before any starts),
        # not the study's creation (the summary's datetime_start). tunewise's storages know it
        # without reading the trials (an SQL min); one of one's own may not.
        if s.first_trial_start_known:
            started = None if s.first_trial_start is None else _dt.datetime.fromtimestamp(s.first_trial_start)
        else:
            started = min((t.datetime_start for t in store.get_trials(s.study_id) if t.datetime_start is not None),
                          default=None)
        out.append(StudySummary(s.name, list(s.directions), best, dict(user), dict(system), s.n_trials,
                                started, s.study_id))
    return out


def _optuna_module_path(name: str, **members: Any) -> types.ModuleType:
    """A module object ``tunewise.study.<name>`` holding ``members``, registered in ``sys.modules``.

    Optuna keeps ``optuna.study`` as a package and scripts import from its module
    ``optuna.study.study`` (``from optuna.study.study import ObjectiveFuncType``). ``tunewise.study``
    is one module (as ``tunewise.trial``, see ``tunewise.trial._module_alias``): the import system looks
    in ``sys.modules`` before it looks for a file, so a module registered there makes the import work.
    """
    module = types.ModuleType(f"{__name__}.{name}", f"Optuna's path optuna.study.{name}: names of tunewise.study.")
    module.__dict__.update(members)
    sys.modules.setdefault(module.__name__, module)
    return module


# >>> from tunewise.study.study import Study, ObjectiveFuncType   (Optuna's module path)
study = _optuna_module_path(
    "study", Study=Study, ObjectiveFuncType=ObjectiveFunc, create_study=create_study, load_study=load_study,
    delete_study=delete_study, copy_study=copy_study, get_all_study_names=get_all_study_names,
    get_all_study_summaries=get_all_study_summaries,
)
