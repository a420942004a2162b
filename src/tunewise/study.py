"""Studies: the optimization loop (ask a sampler, run, report, tell) over a storage."""

from __future__ import annotations

import datetime as _dt
import logging
import math
import numbers
import time
import traceback
import uuid
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise._study_view import StudyReader
from tunewise.exceptions import MaxTrialsReached, SearchExhausted, TrialPruned
from tunewise.exceptions import StorageError as _StorageError
from tunewise.samplers._base import PROPOSAL_ATTR, Sampler
from tunewise.samplers._context import StudyContext, TrialContext, as_proposal
from tunewise.storage import (
    BaseStorage,
    _heartbeat,  # heartbeats + stale-trial retry (storage area)
    get_storage,
)
from tunewise.storage._base import PreparedStart
from tunewise.trial import FrozenTrial, Trial, TrialState, _current_trial

if TYPE_CHECKING:
    import pandas as pd

    from tunewise.execution import Executor
    from tunewise.schedulers._base import Scheduler

__all__ = ["Study", "create_study", "delete_study", "get_all_study_names", "load_study"]

_log = logging.getLogger("tunewise")

ObjectiveFunc = Callable[[Trial], Any]
Callback = Callable[["Study", FrozenTrial], None]

_DIRECTIONS = ("minimize", "maximize")


def _check_directions(direction: str | None, directions: Sequence[str] | None) -> list[str]:
    if direction is not None and directions is not None:
        raise ValueError("pass either direction= or directions=, not both")
    dirs = [direction or "minimize"] if directions is None else list(directions)
    if not dirs:
        raise ValueError("directions must name at least one objective")
    for d in dirs:
        if d not in _DIRECTIONS:
            raise ValueError(f"direction must be 'minimize' or 'maximize', got {d!r}")
    return dirs


class Study:
    """A named search: its trials live in the storage; the sampler and scheduler live here.

    Create one with :func:`create_study` or :func:`load_study`.
    """

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
        self.directions: list[str] = storage.get_study_directions(self._study_id)
        if sampler is None:
            sampler = _default_sampler()
        if not isinstance(sampler, Sampler):
            raise TypeError(f"sampler must be a tunewise Sampler, got {sampler!r}")
        self.sampler = sampler
        self.scheduler = scheduler
        self._dists: dict[str, D.Distribution] | None = None
        self._stop_requested = False
        self._max_trials: int | None = None  # study-wide trial budget of the running optimize()
        self._in_optimize = False  # inside optimize() (or a worker's), _max_trials is the budget
        self._deadline: float | None = None  # the running optimize()'s timeout, as a time
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
        self._storage.set_study_attr_item(self._study_id, "user", key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        self._storage.set_study_attr_item(self._study_id, "system", key, value)

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

    def _register_distribution(self, name: str, dist: D.Distribution) -> None:
        known = self._distributions()
        current = known.get(name)
        if current is None:
            # One storage write per new name and the known space grown in place, so a trial that
            # suggests n new parameters costs O(n), not O(n^2). No reread first: the storage keeps
            # the first distribution stored for a name (another worker's, if it came first) and
            # returns it, so a conflicting one is still caught here.
            current = self._storage.add_distribution(self._study_id, name, dist)
            known[name] = current
        if current != dist:
            raise ValueError(
                f"parameter {name!r} was {current!r} in study {self.study_name!r}, but is now suggested "
                f"as {dist!r}; a parameter keeps one distribution per study: use a new parameter name "
                f"or a new study"
            )

    # ---- trials ------------------------------------------------------------------------
    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """All trials, ordered by number. ``states`` filters; results are shared, do not mutate."""
        trials = self._storage.get_trials(self._study_id, states)
        if deepcopy:
            import copy

            return copy.deepcopy(trials)
        return trials

    @property
    def trials(self) -> list[FrozenTrial]:
        return self.get_trials()

    def _count_trials(self, states: Container[TrialState] | None = None) -> int:
        """How many trials are in ``states`` (one count in the storage; what strategies' views use)."""
        return self._storage.count_trials(self._study_id, states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best COMPLETE trial (single objective)."""
        if len(self.directions) != 1:
            raise RuntimeError("best_trial is for single-objective studies: use best_trials")
        complete = self.get_trials(states=(TrialState.COMPLETE,))
        if not complete:
            raise ValueError(f"study {self.study_name!r} has no COMPLETE trial yet")
        key = (lambda t: t.values[0]) if self.directions[0] == "minimize" else (lambda t: -t.values[0])
        return min(complete, key=key)

    @property
    def best_value(self) -> float:
        return self.best_trial.values[0]  # type: ignore[index]

    @property
    def best_params(self) -> dict[str, Any]:
        return dict(self.best_trial.params)

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front of COMPLETE trials (every trial for which no other is better in all objectives)."""
        import numpy as np

        complete = self.get_trials(states=(TrialState.COMPLETE,))
        if not complete:
            return []
        signs = np.array([1.0 if d == "minimize" else -1.0 for d in self.directions])
        v = np.array([t.values for t in complete]) * signs
        dominated = np.zeros(len(complete), dtype=bool)
        for i in range(len(complete)):
            better_eq = np.all(v <= v[i], axis=1) & np.any(v < v[i], axis=1)
            dominated[i] = bool(better_eq.any())
        return [t for t, d in zip(complete, dominated) if not d]

    def trials_dataframe(self) -> pd.DataFrame:
        """One row per trial: number, value(s), state, times, ``params_<name>``, ``user_attrs_<key>``."""
        try:
            import pandas as pd
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError('trials_dataframe() needs pandas: pip install "tunewise[pandas]"') from e
        rows = []
        for t in self.get_trials():
            row: dict[str, Any] = {"number": t.number}
            if len(self.directions) == 1:
                row["value"] = t.value
            else:
                for i in range(len(self.directions)):
                    row[f"values_{i}"] = t.values[i] if t.values else None
            row["state"] = t.state.value
            row["datetime_start"] = t.datetime_start
            row["datetime_complete"] = t.datetime_complete
            row["duration"] = t.duration
            for k, v in t.params.items():
                row[f"params_{k}"] = v
            for k, v in t.user_attrs.items():
                row[f"user_attrs_{k}"] = v
            rows.append(row)
        return pd.DataFrame(rows)

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
        dists = self._distributions()
        for name, value in params.items():
            if name in dists:
                D.check_value(name, dists[name], value)
        if skip_if_exists:
            for t in self.get_trials():
                if t.system_attrs.get("fixed_params") == dict(params) or (
                    t.state.is_finished() and t.params == dict(params)
                ):
                    return
        self._storage.enqueue_trial(self._study_id, dict(params), user_attrs=user_attrs)

    # ---- ask and tell --------------------------------------------------------------------
    def ask(self, fixed_distributions: Mapping[str, D.Distribution] | None = None) -> Trial:
        """Start a trial without running an objective (ask-and-tell interface).

        The study's stored trial budget (``create_study(max_trials=...)``) applies here too:
        once the study has that many trials, ``ask()`` raises :class:`~tunewise.exceptions.MaxTrialsReached`
        (a :class:`~tunewise.exceptions.SearchExhausted`) and starts nothing.

        >>> import tunewise as tw
        >>> study = tw.create_study(direction="maximize")
        >>> t = study.ask()
        >>> x = t.suggest_float("x", 0, 1)
        >>> study.tell(t, x).state.value
        'COMPLETE'
        """
        self.sampler.before_trial(self._sampler_ctx or self._sampler_context())
        _heartbeat.on_ask(self)  # fail trials of dead workers; re-enqueue them if retries remain
        # Outside optimize() the budget stored with the study applies (read each time: another
        # process may have changed it with load_study(max_trials=...)).
        max_started = self._max_trials if self._in_optimize else self._stored_max_trials()
        # The sampler proposes before the trial is written, so its proposal (which parallel
        # workers read from the running trial: constant liar) goes into the start's own write.
        pending = _PendingTrial(self)
        if self._storage.expects_waiting(self._study_id):
            # An enqueued trial (or an ASHA continuation) will be claimed: its parameters are
            # fixed, so a proposal now would be a wasted model fit. If another worker claims it
            # first, the sampler proposes at the first suggest instead.
            relative, prepared = None, None
        else:
            relative, prepared = self._propose_before_start(pending)
        # The budget is checked atomically with the start: parallel workers never overshoot.
        try:
            try:
                frozen = self._storage.start_trial(self._study_id, max_started=max_started, prepared=prepared)
            except MaxTrialsReached:
                frozen = self._start_after_budget(max_started)
        except MaxTrialsReached:
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
        trial = Trial(self, frozen)
        self._live[frozen.number] = trial
        if relative is not None and pending.fits(frozen.number) and not (pending.number_used is None and trial._fixed):
            trial._relative = relative
        # Otherwise the proposal depended on a trial number another worker took first, or it was
        # made for a new trial and the start claimed a queued one (fixed parameters, enqueued by
        # another worker after the expects_waiting hint): the sampler proposes again at the first
        # suggest, knowing them, as for a sampler that raised above.
        _heartbeat.on_start(self, trial)  # beats (and saves suggested params) while it runs
        for name, dist in (fixed_distributions or {}).items():
            trial.suggest(name, dist)
        return trial

    def _start_after_budget(self, max_started: int | None) -> FrozenTrial:
        # At the end of the budget inside optimize(): wait for the other workers' trials, failing
        # those whose workers died and running their retries (which do not count against the
        # budget), so no dead trial is left RUNNING.
        while self._in_optimize and _heartbeat.await_running(self, self._deadline):
            try:  # the retry's parameters are fixed: no proposal goes with it
                return self._storage.start_trial(self._study_id, max_started=max_started)
            except MaxTrialsReached:
                continue  # another worker claimed it first
        raise MaxTrialsReached

    def _stored_max_trials(self) -> int | None:
        stored = self._storage.get_study_attrs(self._study_id).get(_MAX_TRIALS_KEY)
        return None if stored is None else int(stored)

    def _propose_before_start(self, pending: _PendingTrial) -> tuple[dict[str, Any] | None,
                                                                      PreparedStart | None]:
        try:
            relative = self._sampler_propose(pending)
        except SearchExhausted:
            raise  # nothing started yet: the search simply ends
        except Exception:  # noqa: BLE001 - raised again at the first suggest, inside the trial
            return None, None
        if not pending._pending_attrs:
            return relative, None
        return relative, PreparedStart(pending.number_used, dict(pending.system_attrs), dict(pending.user_attrs))

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
            if self._storage.try_claim(self._study_id, key):
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
        self._storage.update_trial(
            trial._trial_id,
            params=params,
            intermediate_values=trial.intermediate_values,
            user_attrs=trial.user_attrs if attrs else None,
            system_attrs=trial.system_attrs if attrs else None,
        )
        trial._pending_params = {}
        trial._pending_attrs = False

    def tell(self, trial: Trial | int, values: float | Sequence[float] | None = None,
             state: TrialState | None = None, *, fail_reason: str | None = None) -> FrozenTrial:
        """Finish a trial from :meth:`ask` with its value(s), or with ``state=PRUNED``/``FAILED``.

        ``fail_reason`` (only with ``state=FAILED``) says why; it is stored as the trial's
        ``system_attrs["fail_reason"]`` and shown by the dashboard and reports.

        >>> import tunewise as tw
        >>> study = tw.create_study()
        >>> t = study.ask()
        >>> study.tell(t, state=tw.TrialState.FAILED, fail_reason="out of memory").system_attrs["fail_reason"]
        'out of memory'
        """
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
                matches = [t for t in self.get_trials() if t.number == number]
                if not matches:
                    raise ValueError(f"study {self.study_name!r} has no trial number {number}")
                trial = Trial(self, matches[0])
        if not isinstance(trial, Trial):
            raise TypeError(f"tell() needs a Trial or a trial number, got {trial!r}")
        if state is not None:
            state = TrialState(state)
            if state not in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAILED):
                raise ValueError(f"tell() state must be COMPLETE, PRUNED or FAILED, got {state.value}")
        if state == TrialState.PRUNED:
            return self._finish(trial, TrialState.PRUNED, self._pruned_values(trial), None)
        if state == TrialState.FAILED:
            return self._finish(trial, TrialState.FAILED, None, fail_reason or "told FAILED")
        vals, reason = self._check_values(values)
        if reason is not None:
            self._finish(trial, TrialState.FAILED, None, reason)
            raise ValueError(f"trial {trial.number} was recorded as FAILED: {reason}")
        return self._finish(trial, TrialState.COMPLETE, vals, None)

    def _pruned_values(self, trial: Trial) -> list[float] | None:
        if len(self.directions) == 1 and trial.intermediate_values:
            return [trial.intermediate_values[max(trial.intermediate_values)]]
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
        for v in raw:
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                try:
                    import numpy as np

                    if isinstance(v, np.ndarray) and v.size == 1:
                        v = v.item()
                    else:
                        raise TypeError
                except TypeError:
                    return None, f"objective returned {v!r} ({type(v).__name__}); expected a float"
            try:
                f = float(v)
            except (OverflowError, ValueError):
                return None, f"objective returned {_short_repr(v)}, which is out of the range of a float"
            if math.isnan(f) or math.isinf(f):
                return None, f"objective returned {f}; expected a finite number"
            out.append(f)
        return out, None

    def _finish(self, trial: Trial, state: TrialState, values: list[float] | None,
                reason: str | None, tb: str | None = None) -> FrozenTrial:
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
                finished = self._write_finish(trial, state, values)
            except TypeError as e:  # an attribute the storage cannot keep: fail the trial, say why
                unstorable = e
                state, values = TrialState.FAILED, None
                trial.user_attrs = _storable(trial.user_attrs)
                trial.system_attrs = _storable(trial.system_attrs)
                trial.system_attrs["fail_reason"] = f"its result could not be stored: {e}"
                finished = self._write_finish(trial, state, values)
        if not finished:
            stored = self._storage.get_trial(trial._trial_id)
            if state is not TrialState.FAILED and stored.state is TrialState.FAILED:
                # Failed as stale while this worker was stopped (and perhaps retried): keep the
                # late result as data on the failed trial, never as a second result.
                # Its parameters too: the failed trial may have been reaped before they were saved.
                self._storage.record_late_result(trial._trial_id, {"state": state.value, "values": values,
                                                                   "params": dict(trial.params),
                                                                   "time": time.time()})
                _log.warning("trial %d finished %s, but it had been marked FAILED meanwhile (%s); its late "
                             "result is kept as system_attrs['late_result'] and does not count",
                             trial.number, state.value, stored.system_attrs.get("fail_reason"))
                stored = self._storage.get_trial(trial._trial_id)
            self.sampler.after_trial((self._sampler_ctx or self._sampler_context()), stored)
            if guard.fired:
                guard.raise_if_fired()
            return stored
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
        return frozen

    def _write_finish(self, trial: Trial, state: TrialState, values: list[float] | None) -> bool:
        try:
            return self._storage.finish_trial(
                trial._trial_id, state, values,
                params=trial.params, intermediate_values=trial.intermediate_values,
                user_attrs=trial.user_attrs, system_attrs=trial.system_attrs,
            )
        except _StorageError as e:
            if not self._storage.is_persistent:
                raise
            # The storage stayed out of reach for its whole retry window: keep the result on this
            # machine; it is written when any study next opens this storage here.
            from tunewise.storage import _spool

            path = _spool.save(self._storage, trial._trial_id, state, values, trial.params,
                               trial.intermediate_values, trial.user_attrs, trial.system_attrs)
            raise _StorageError(f"{e}\nThe result of trial {trial.number} was not lost: it is kept in {path} and "
                                f"written to the storage when a study next opens it on this machine "
                                f"(for example when this worker is restarted).") from None

    # ---- the loop ----------------------------------------------------------------------
    def _run_trial(self, func: ObjectiveFunc, catch: tuple[type[BaseException], ...]) -> FrozenTrial:
        with _DeferInterrupt() as guard:  # never leave a created trial behind RUNNING
            trial = self.ask()
        token = _current_trial.set(trial)
        try:
            if guard.fired:
                guard.raise_if_fired()
            result = func(trial)
        except TrialPruned:
            return self._finish(trial, TrialState.PRUNED, self._pruned_values(trial), None)
        except _Terminated:
            self._finish(trial, TrialState.FAILED, None, "interrupted (SIGTERM)")
            _heartbeat.retry_interrupted(self, trial._trial_id)  # the worker was stopped, not the trial
            raise
        except KeyboardInterrupt:
            self._finish(trial, TrialState.FAILED, None, "interrupted (KeyboardInterrupt)")
            raise
        except Exception as e:
            try:
                frozen = self._finish(trial, TrialState.FAILED, None, f"{type(e).__name__}: {e}",
                                      traceback.format_exc())
            except _UnstorableResult as u:
                frozen = u.trial
            if isinstance(e, catch):
                return frozen
            raise
        except BaseException as e:  # SystemExit (sys.exit in the objective), GeneratorExit, ...
            self._finish(trial, TrialState.FAILED, None, f"{type(e).__name__}: {_short_repr(e.args)}",
                         traceback.format_exc())
            raise
        finally:
            _current_trial.reset(token)
        if result is None and getattr(func, "_tunewise_uses_reports", False) and trial.intermediate_values:
            result = trial.intermediate_values[max(trial.intermediate_values)]
        values, reason = self._check_values(result)
        try:
            if reason is not None:
                return self._finish(trial, TrialState.FAILED, None, reason)
            return self._finish(trial, TrialState.COMPLETE, values, None)
        except _UnstorableResult as u:
            if isinstance(u, catch):
                return u.trial
            raise

    def stop(self) -> None:
        """Ask a running ``optimize`` to start no more trials (safe from a callback)."""
        self._stop_requested = True

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
        ``tunewise.report``). ``n_jobs=k`` runs trials in ``k`` worker processes (``-1``: one
        per CPU). Exceptions in ``catch`` mark the trial FAILED and the study goes on; others
        mark it FAILED and propagate. ``executor=`` decides where trials run instead of
        ``n_jobs``: ``tw.SequentialExecutor()`` (``n_jobs=1``), ``tw.ProcessExecutor(k)``
        (``n_jobs=k``), ``tw.DaskExecutor(client)`` on a Dask cluster, or any
        :class:`~tunewise.execution.Executor`.

        >>> import tunewise as tw
        >>> study = tw.create_study(direction="maximize", sampler=tw.samplers.RandomSampler(seed=1))
        >>> space = {"x": tw.uniform(0, 1), "k": tw.choice([1, 2])}
        >>> study.optimize(lambda config: config["x"] * config["k"], space=space, n_trials=10)
        >>> study.best_value > 1
        True
        """
        if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0):
            raise ValueError(f"n_trials must be a non-negative integer or None, got {n_trials!r}")
        if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
            raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
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
        if not isinstance(n_jobs, int) or n_jobs < 1:
            raise ValueError(f"n_jobs must be a positive integer or -1, got {n_jobs!r}")
        from tunewise.execution._executor import resolve_executor
        from tunewise.execution._job import OptimizeJob

        runner = resolve_executor(executor, n_jobs)  # n_jobs=1: SequentialExecutor, k: ProcessExecutor(k)
        deadline = None if timeout is None else time.time() + timeout
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
        try:
            with _TerminateAsInterrupt():
                runner.run(OptimizeJob(self, objective, catch, n_trials, deadline, list(callbacks or ()), progress))
        finally:
            self._max_trials = None
            self._in_optimize = False
            self._deadline = None
            progress.close()

    # ---- executor hooks: called by tunewise.execution._job only (executors use OptimizeJob) ----
    # With _run_trial (one trial in this process) and _stop_requested, they are all an executor
    # reaches of the loop.
    def _worker_options(self) -> dict[str, Any]:
        """What a worker process or Dask task needs to run trials under this optimize() call."""
        return {"max_trials": self._max_trials}

    def _apply_worker_options(self, options: Mapping[str, Any]) -> None:
        self._max_trials = options.get("max_trials")
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
                      "user_attrs", "system_attrs", "history_id", "read_new", "claim")


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

    __slots__ = ("_history",)

    def __init__(self, study: Study) -> None:
        super().__init__(study)
        self._history = uuid.uuid4().hex

    def __reduce__(self) -> tuple[Any, ...]:
        return (_SamplerStudyContext, (self._study,))

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._study.user_attrs

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._study.system_attrs

    @property
    def history_id(self) -> str:
        return self._history

    def claim(self, key: str) -> bool:
        return self._study._storage.try_claim(self._study._study_id, key)

    def __getattr__(self, name: str) -> Any:
        if name in ("_study", "_history"):
            raise AttributeError(name)
        return _legacy_attribute(self._study, name, "StudyContext", _STUDY_CONTEXT_API)

    def __repr__(self) -> str:
        return f"StudyContext(study_name={self._study.study_name!r})"


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


class _Terminated(KeyboardInterrupt):
    """SIGTERM (what batch schedulers and Kubernetes send) stopping optimize(): handled like Ctrl-C,
    except that the interrupted trial is retried (its worker was stopped, not the trial)."""


class _DeferInterrupt:
    """Hold SIGINT (Ctrl-C) and SIGTERM during a storage write; ``fired`` says whether one arrived."""

    active: list[_DeferInterrupt] = []  # open guards of the main thread (SIGTERM checks the innermost)

    def __init__(self) -> None:
        self.fired = False
        self.terminated = False
        self._old: Any = None

    # The C module's signal(): the ``signal`` module's wrapper converts handlers to and from
    # enums, which made these two calls per write ~15% of the in-memory framework cost per trial.
    def __enter__(self) -> _DeferInterrupt:
        import _signal  # type: ignore[import-not-found]
        import threading

        if threading.current_thread() is threading.main_thread():
            try:
                self._old = _signal.signal(_signal.SIGINT, self._handler)
            except ValueError:  # not the main interpreter thread
                self._old = None
            else:
                _DeferInterrupt.active.append(self)
        return self

    def _handler(self, signum: int, frame: Any) -> None:
        self.fired = True

    def raise_if_fired(self) -> None:
        if self.terminated:
            raise _Terminated
        if self.fired:
            raise KeyboardInterrupt

    def __exit__(self, *exc: Any) -> None:
        if self._old is not None:
            import _signal

            _signal.signal(_signal.SIGINT, self._old)
            _DeferInterrupt.active.remove(self)


class _TerminateAsInterrupt:
    """While ``optimize()`` runs in the main thread of a process that left SIGTERM to its default
    (terminate at once, the running trial left behind), SIGTERM stops it like Ctrl-C: the running
    trial is failed ("interrupted (SIGTERM)") and retried under the study's retry policy."""

    def __init__(self, end_as_sigterm: bool = True) -> None:
        self._old: Any = None
        self._end_as_sigterm = end_as_sigterm  # False in a worker process: its parent decides

    def __enter__(self) -> _TerminateAsInterrupt:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self._old = signal.signal(signal.SIGTERM, self._handler)
        return self

    @staticmethod
    def _handler(signum: int, frame: Any) -> None:
        if _DeferInterrupt.active:  # inside a storage write: raised once the write is done
            guard = _DeferInterrupt.active[-1]
            guard.fired = guard.terminated = True
            return
        raise _Terminated

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if self._old is not None:
            import os
            import signal

            signal.signal(signal.SIGTERM, self._old)
            if exc_type is not None and issubclass(exc_type, _Terminated) and self._end_as_sigterm:
                # The running trial is failed and queued to rerun: now end as SIGTERM always did.
                os.kill(os.getpid(), signal.SIGTERM)


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
    for name, d in space.items():
        if not isinstance(name, str):
            raise TypeError(f"space keys must be parameter names (str), got {name!r}")
        if isinstance(d, (D.Float, D.Int, D.Categorical)):
            dists[name] = d
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
        return func(config)

    objective._tunewise_uses_reports = True  # type: ignore[attr-defined]
    return objective


_MAX_TRIALS_KEY = "max_trials"  # study attribute: the stored study-wide trial budget


def _check_max_trials(max_trials: Any) -> None:
    if max_trials is not None and (isinstance(max_trials, bool) or not isinstance(max_trials, numbers.Integral)
                                   or max_trials < 1):
        raise ValueError(
            f"max_trials must be a positive integer (the study-wide number of trials) or None, got {max_trials!r}"
        )


def _store_max_trials(study: Study, max_trials: int | None) -> None:
    # Callers check max_trials first (create_study before the study exists).
    if max_trials is not None:
        study._storage.set_study_attr(study._study_id, _MAX_TRIALS_KEY, int(max_trials))


def _default_sampler() -> Sampler:
    from tunewise import samplers

    auto = getattr(samplers, "AutoSampler", None)
    return auto() if auto is not None else samplers.RandomSampler()


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
) -> Study:
    """Create a study (or, with ``load_if_exists=True``, resume one with that name).

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
    store = get_storage(storage)
    if name is None:
        name = f"study-{_dt.datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    if not isinstance(name, str) or not name:
        raise ValueError(f"study name must be a non-empty string, got {name!r}")
    try:
        store.create_study(name, dirs)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        existing = store.get_study_directions(store.get_study_id(name))
        if (direction is not None or directions is not None) and existing != dirs:
            raise ValueError(
                f"study {name!r} exists with directions {existing}, but {dirs} were requested"
            ) from None
    study = Study(name, store, sampler, scheduler)
    if warm_start is not None:
        if not callable(getattr(warm_start, "apply", None)):
            raise TypeError(f"warm_start must have an apply(study) method (e.g. tw.transfer.FromSimilarTasks), "
                            f"got {warm_start!r}")
        warm_start.apply(study)
    record = {"sampler": study.sampler.describe()}
    if study.scheduler is not None:
        record["scheduler"] = study.scheduler.describe()
    study.set_system_attr("strategy", record)
    _heartbeat.configure(study, heartbeat_policy)
    _store_max_trials(study, max_trials)
    return study


def load_study(name: str, storage: str | BaseStorage, sampler: Sampler | None = None,
               scheduler: Scheduler | None = None, *, pruner: Scheduler | None = None,
               heartbeat_interval: float | None = None, grace_period: float | None = None,
               max_retries: int | None = None, max_trials: int | None = None) -> Study:
    """Open an existing study (StudyNotFoundError names the study and the storage if absent).

    Heartbeat options and ``max_trials`` as in :func:`create_study`; given here, they replace
    the stored ones.
    """
    heartbeat_policy = _heartbeat.check_policy(heartbeat_interval, grace_period, max_retries)
    _check_max_trials(max_trials)
    store = get_storage(storage)
    study = Study(name, store, sampler, scheduler if scheduler is not None else pruner)
    _heartbeat.configure(study, heartbeat_policy)
    _store_max_trials(study, max_trials)
    return study


def delete_study(name: str, storage: str | BaseStorage) -> None:
    """Delete a study and all its trials."""
    store = get_storage(storage)
    store.delete_study(store.get_study_id(name))


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """Names of every study in the storage."""
    return [s.name for s in get_storage(storage).get_all_studies() if not s.name.startswith("__tunewise")]
