"""The storage interface: the single source of truth of every study.

Every storage (in-memory, SQLite, PostgreSQL, a worker's view of its parent's in-memory one)
implements :class:`BaseStorage` and passes the conformance suite :mod:`tunewise.testing.storage`,
which a third-party storage can run too. Design rules:

- A trial is written before it runs (``start_trial``) and finished atomically (``finish_trial``).
- Live-trial writes carry the trial's full params and reports, so a write never needs a read
  first. Reports are merged, not replaced: a write lacking a step another process reported to the
  same trial keeps it (the SQL storages then merge under a row lock). Attributes are merged per
  key (:func:`attr_changes`): a write stores the keys its writer set, and keys another process set
  on the same trial stay.
- Finished trials are immutable: readers cache them and fetch only what changed.
- Everything is JSON. Nothing is pickled.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tunewise import distributions as D
from tunewise.storage._names import check_name
from tunewise.testing.faults import crash_point
from tunewise.trial import FrozenTrial, LiveAttrs, TrialState

SCHEMA_VERSION = 2  # 2: tunewise_trials.retried_from


@dataclass(frozen=True)
class StudySummary:
    """What ``get_all_studies`` returns for each study."""

    name: str
    study_id: int
    directions: list[str]
    n_trials: int
    n_complete: int
    best_value: float | None
    datetime_start: float | None
    attrs: dict[str, Any] = field(default_factory=dict)
    # The earliest start of the study's trials (None before any starts), when the storage knows it
    # without reading the trials (first_trial_start_known): get_all_study_summaries' datetime_start.
    first_trial_start: float | None = None
    first_trial_start_known: bool = False


@dataclass(frozen=True)
class PreparedStart:
    """Attributes to write in the same atomic step as a trial's start (the sampler's proposal).

    With ``number`` set they were prepared for that trial number only, and are written only if
    the trial that starts has it (merged over a claimed WAITING trial's own attributes, which keep
    its ``fixed_params``); whether they were written shows in the returned trial's number.
    Without a number they were prepared for a new trial, whatever its number: they are not
    written when the start claims a WAITING trial instead (its parameters are fixed, so a
    proposal made without reading them does not describe it).

    ``claim``: the key the proposal needs (a grid point, see :meth:`BaseStorage.try_claim`),
    claimed in the same step, exactly when the attributes are written, by a storage whose
    :meth:`BaseStorage.claims_at_start` is True. If the key is claimed already, the start
    raises :class:`ClaimTaken` and starts nothing. So no worker killed between choosing the
    work and starting its trial, or at a start the budget refused, leaves the key claimed by
    a trial that never existed.
    """

    number: int | None
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    claim: str | None = None

    def __post_init__(self) -> None:
        if self.claim is not None:  # checked once here, for every storage that claims it
            check_name("claim key", self.claim, allow_empty=True)

    def applies_to(self, number: int, claimed: bool) -> bool:
        """Whether to write the patch on the trial that starts with ``number`` (``claimed``: a
        WAITING trial, not a new one)."""
        return not claimed if self.number is None else self.number == number


class ClaimTaken(Exception):
    """``start_trial``'s ``prepared.claim`` was claimed already (by another worker, after this one
    looked with :meth:`BaseStorage.is_claimed`): nothing started."""


@dataclass(frozen=True)
class StaleOutcome:
    """What becomes of one stale trial (:meth:`BaseStorage.recover_stale_trials`), decided by the
    caller from the trial as it was when it went stale.

    ``state``: FAILED (its worker died mid-run), or PRUNED (its scheduler had already decided it
    ends there and published that: only the finish was lost). ``retry``: ``(fixed_params,
    system_attrs)`` of the WAITING trial to enqueue in the same atomic step, or None."""

    state: TrialState = TrialState.FAILED
    retry: tuple[Mapping[str, Any], Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.state not in (TrialState.FAILED, TrialState.PRUNED):
            raise ValueError(f"a stale trial ends FAILED or PRUNED, got {self.state!r}")


class BaseStorage(abc.ABC):
    """Abstract storage. Methods take numeric ids; names are resolved once by the study.

    A storage of your own implements the abstract methods; the others have defaults. A storage
    that several processes share (``is_persistent``) must also make these atomic, each in one
    step (a transaction, a lock), since their defaults are atomic only within one process:
    ``set_study_attr_item``, ``claim_and_enqueue``, ``recover_stale_trials`` and ``claim_for_trial``
    (their docstrings say what is lost otherwise; ``tunewise.testing.storage.non_atomic_defaults``
    lists the ones a class still inherits, and the conformance suite fails a shared storage that
    inherits one); and
    its ``update_trial`` / ``finish_trial`` must merge reports and attributes into the stored ones
    in one step (:func:`attr_changes`). ``recover_trial``'s default is safe against a kill
    without a transaction (see it), and reads the study's trials.
    """

    # ---- studies -------------------------------------------------------------------
    @abc.abstractmethod
    def create_study(self, name: str, directions: list[str]) -> int:
        """Create a study; raise DuplicatedStudyError if ``name`` exists."""

    def create_study_with_attrs(self, name: str, directions: list[str], attrs: Mapping[str, Any]) -> int:
        """:meth:`create_study` with its first study attributes (its budget, heartbeat policy,
        metric): stored in the same step by tunewise's storages, so no process ever sees the
        study without them (one killed in between left a study without its budget). This default
        writes them one by one after the study."""
        study_id = self.create_study(name, directions)
        for key, value in attrs.items():
            self.set_study_attr(study_id, key, value)
        return study_id

    @abc.abstractmethod
    def get_study_id(self, name: str) -> int:
        """Raise StudyNotFoundError if absent."""

    @abc.abstractmethod
    def get_study_directions(self, study_id: int) -> list[str]: ...

    @abc.abstractmethod
    def get_all_studies(self) -> list[StudySummary]: ...

    @abc.abstractmethod
    def delete_study(self, study_id: int) -> None: ...

    @abc.abstractmethod
    def set_study_attr(self, study_id: int, key: str, value: Any) -> None: ...

    def set_study_attr_item(self, study_id: int, key: str, item: str, value: Any) -> None:
        """Set ``item`` to ``value`` in the dict stored as study attribute ``key`` (created empty
        when absent), atomically: concurrent calls for different items, from any thread, process
        or machine sharing the storage, all survive. ``Study.set_user_attr`` / ``set_system_attr``
        write the study attributes ``"user"`` / ``"system"`` this way.

        This default reads the dict and writes it back whole, which is atomic only when nothing
        else writes the storage meanwhile: a storage shared by threads or processes overrides it
        (``tunewise.testing.storage`` checks that no concurrent item is lost)."""
        current = self.get_study_attrs(study_id).get(key, {})
        if not isinstance(current, dict):
            raise not_a_dict(key, current)
        self.set_study_attr(study_id, key, {**current, item: value})

    @abc.abstractmethod
    def get_study_attrs(self, study_id: int) -> dict[str, Any]: ...

    # ---- distributions (one per parameter name per study) -----------------------------
    @abc.abstractmethod
    def get_distributions(self, study_id: int) -> dict[str, D.Distribution]: ...

    def known_distributions(self, study_id: int) -> dict[str, D.Distribution]:
        """The distributions this process already knows, without a database read (SQL storages
        learn new ones from the trials they read); the hot path uses it once per trial."""
        return self.get_distributions(study_id)

    @abc.abstractmethod
    def add_distribution(self, study_id: int, name: str, dist: D.Distribution) -> D.Distribution:
        """Store ``dist`` for ``name`` unless one is stored already; return the stored one."""

    # ---- trials ------------------------------------------------------------------------
    @abc.abstractmethod
    def enqueue_trial(
        self, study_id: int, fixed_params: Mapping[str, Any], system_attrs: Mapping[str, Any] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
    ) -> FrozenTrial:
        """Add a WAITING trial whose params are fixed when suggested."""

    @abc.abstractmethod
    def start_trial(self, study_id: int, *, claim_waiting: bool = True,
                    max_started: int | None = None, prepared: PreparedStart | None = None) -> FrozenTrial:
        """Atomically claim the oldest WAITING trial, or create a new one; either is RUNNING.

        With ``max_started``, raise MaxTrialsReached instead when the study's trial budget is
        used: the number of started (non-WAITING) trials, minus the started retries of stale
        trials (a retry re-runs the same trial), is checked in the same atomic step as the start;
        once it is used, the oldest WAITING retry is claimed if there is one (only a retry may start
        then, whatever else is queued before it). ``prepared``
        attributes are written in that same step (see :class:`PreparedStart`).
        """

    def next_trial_number(self, study_id: int, *, claim_waiting: bool = True) -> int:
        """The number ``start_trial`` would give now, as far as this process knows (a prediction:
        no write, and SQL storages do not read either; another worker may start it first)."""
        waiting = [t.number for t in self.get_trials(study_id, (TrialState.WAITING,))] if claim_waiting else []
        return min(waiting) if waiting else self.count_trials(study_id)

    def expects_waiting(self, study_id: int) -> bool:
        """Whether ``start_trial`` would claim a WAITING trial, as far as this process knows (a
        hint from the same knowledge as :meth:`next_trial_number`, no database read). A wrong
        hint costs only time: see ``Study.ask``."""
        return self.next_trial_number(study_id) != self.next_trial_number(study_id, claim_waiting=False)

    @abc.abstractmethod
    def update_trial(
        self,
        trial_id: int,
        *,
        params: Mapping[str, Any] | None = None,
        intermediate_values: Mapping[int, float] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> None:
        """Write the given fields of a running trial: ``params`` replace the stored ones (whole);
        ``intermediate_values`` are merged into the stored ones, and a step stored already keeps
        its value (the first value reported at a step stays, as ``Trial.report`` does);
        ``user_attrs`` and ``system_attrs`` are merged per key, as :func:`attr_changes` says (the
        keys a live trial set since its last write, or every key of a plain dict, are set; the
        keys it removed are removed; the others keep their stored values). So reports and
        attributes another process writes to the same trial are never lost. ``finish_trial`` and
        ``recover_trial`` merge them the same way.

        A storage shared by several processes must merge in one atomic step (tunewise's do);
        ``tunewise.testing.storage`` checks the result with two handles on one trial.

        Raises :class:`~tunewise.exceptions.UpdateFinishedTrialError` if the trial has finished."""

    @abc.abstractmethod
    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: list[float] | None,
        *,
        params: Mapping[str, Any] | None = None,
        intermediate_values: Mapping[int, float] | None = None,
        user_attrs: Mapping[str, Any] | None = None,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> bool:
        """Finish a RUNNING (or WAITING) trial in one atomic write. False if it was already
        finished: COMPLETE, PRUNED, or FAILED (e.g. failed as stale while its worker was stopped,
        and perhaps already retried), so a late finish never overwrites a decision."""

    @abc.abstractmethod
    def record_late_result(self, trial_id: int, late: Mapping[str, Any]) -> bool:
        """Keep ``late`` (what a worker computed after its trial was failed, e.g. as stale) on
        the FAILED trial as ``system_attrs["late_result"]``; its state stays FAILED, so nothing
        counts twice. False if the trial is not FAILED."""

    def record_late_params(self, trial_id: int, params: Mapping[str, Any]) -> list[str]:
        """Add to a COMPLETE or PRUNED trial the parameters of ``params`` it lacks: those its own
        process chose and had not saved when another process told it (``study.tell(number)``);
        a stored parameter never changes. Their names are kept in ``system_attrs["late_params"]``.
        The names added (none for a trial in another state, or a storage that cannot add them:
        this default)."""
        return []

    @abc.abstractmethod
    def get_trial(self, trial_id: int) -> FrozenTrial: ...

    @abc.abstractmethod
    def get_trials(self, study_id: int, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        """All trials of a study ordered by number (optionally only those in ``states``)."""

    def best_complete_trial(self, study_id: int, maximize: bool) -> FrozenTrial | None:
        """The COMPLETE trial with the lowest (``maximize``: highest) first value, the lowest number
        among ties, read without reading the others; None when not known that way (this default:
        the caller then reads the trials). For ``get_all_study_summaries``."""
        return None

    def count_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return len(self.get_trials(study_id, states))

    def has_waiting_retry(self, study_id: int) -> bool:
        """Whether a WAITING retry of a failed trial (``system_attrs["retried_from"]``) is queued:
        the only trial that may start once the ``max_trials`` budget is used (see
        :meth:`start_trial`). Asked at every check while the end of a budget waits for the other
        workers; this default reads every WAITING trial, tunewise's storages answer with one query."""
        return any("retried_from" in t.system_attrs for t in self.get_trials(study_id, (TrialState.WAITING,)))

    def start_retry_of(self, study_id: int, number: int) -> FrozenTrial | None:
        """Start (RUNNING, as :meth:`start_trial` claims a WAITING trial) the WAITING retry of
        the trial numbered ``number`` (``system_attrs["retried_from"] == number``), if it is
        still WAITING; else None. What ``tell`` does when a trial failed as stale reports late
        while its retry has not started: it finishes the retry with the late result at once,
        instead of running the same parameters again. None here (the retry then reruns), so
        that storages written before it keep working."""
        return None

    @abc.abstractmethod
    def try_claim(self, study_id: int, key: str) -> bool:
        """Claim ``key`` for this study once: True for exactly one caller across all workers."""

    def claims_at_start(self) -> bool:
        """Whether :meth:`start_trial` claims ``prepared.claim`` in its own atomic step (see
        :class:`PreparedStart`) and :meth:`is_claimed` answers. Then ``ask()`` looks with
        :meth:`is_claimed` while the sampler proposes and claims with the start; otherwise it
        claims with :meth:`try_claim` before the start (a worker killed between the two, or at
        a start the budget refused before :meth:`release_claim`, leaves the key claimed for a
        trial that never runs). False here, so that storages written before it keep working."""
        return False

    def is_claimed(self, study_id: int, key: str) -> bool:
        """Whether ``key`` is claimed in this study (a read: the answer may be stale by the
        time the caller acts on it; the claim itself is made by :meth:`start_trial`)."""
        raise NotImplementedError(f"{type(self).__name__} cannot tell whether a key is claimed (is_claimed)")

    def claim_for_trial(self, study_id: int, trial_id: int, key: str, system_attrs: Mapping[str, Any]) -> bool:
        """Claim ``key`` (as :meth:`try_claim`) for the RUNNING trial ``trial_id`` of this study and
        set ``system_attrs`` on it (the keys given, merged into the stored ones as
        :meth:`update_trial` merges a plain mapping) in one atomic step: True; False, with nothing
        written, when the key is claimed already. What a sampler's claim made while its trial
        already runs goes through (a proposal at the first suggest: the trial records the claimed
        grid point, so that its retry runs it if its worker dies). A finished trial raises as
        :meth:`update_trial` does, and claims nothing.

        This default only claims; the caller writes the attributes with the trial's next
        :meth:`update_trial`. Not atomic: a worker killed between the two leaves the key claimed by
        a trial that does not record it, so that work never runs. tunewise's storages override it, and
        ``tunewise.testing.storage`` fails a shared storage (``is_persistent``) that inherits it."""
        return self.try_claim(study_id, key)

    def release_claim(self, study_id: int, key: str) -> bool:
        """Give back ``key``, claimed by this caller with :meth:`try_claim` for work that will not
        run (the trial it was for could not start: the study's ``max_trials`` budget was used
        meanwhile), so that a later claim of it succeeds. True if it was claimed. Only the holder
        of a claim releases it.

        Not abstract, so that storages written before it still load; without it, a grid point
        claimed for a start the budget refused stays claimed and never runs (a budget raised
        later undershoots). ``tunewise.testing.storage`` checks it."""
        raise NotImplementedError(f"{type(self).__name__} cannot release a claim (release_claim)")

    def claim_and_enqueue(self, study_id: int, key: str,
                          trials: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> list[FrozenTrial] | None:
        """Claim ``key`` (as :meth:`try_claim`) and enqueue ``trials``, each ``(fixed_params,
        system_attrs)``, in one atomic step: the enqueued WAITING trials in order, or None (and
        nothing enqueued) when the key was claimed already. What a scheduler's claimed
        continuations go through (an ASHA promotion, a PBT generation): a worker killed after
        the claim and before the enqueue would lose them for good, since nobody claims a key twice.

        This default claims, then enqueues: not atomic (a kill in between loses the trials).
        tunewise's storages override it; ``tunewise.testing.storage`` checks the result, not
        the atomicity."""
        if not self.try_claim(study_id, key):
            return None
        crash_point("claim:enqueue")
        return [self.enqueue_trial(study_id, params, system_attrs=attrs) for params, attrs in trials]

    # ---- liveness ------------------------------------------------------------------------
    @abc.abstractmethod
    def record_heartbeat(self, trial_id: int) -> bool | None:
        """Record that the RUNNING trial's worker is alive. True when recorded; False, writing
        nothing, when the trial no longer takes heartbeats: it was finished elsewhere (a late
        result recorded on a retry, failed as stale) or detached. The heartbeat thread then reads
        the trial once, and a run whose result was recorded elsewhere stops at its next
        ``should_prune()``. None: the storage does not say (one written before this answer
        existed); nothing is noticed then."""

    @abc.abstractmethod
    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[FrozenTrial]:
        """Mark FAILED the RUNNING trials whose last heartbeat is older than the grace period.
        Detached trials (no heartbeat, see :meth:`detach_trial`) are never stale."""

    def recover_stale_trials(self, study_id: int, grace_seconds: float,
                             outcome: Callable[[FrozenTrial], StaleOutcome], *,
                             alive: Collection[int] = ()) -> list[tuple[FrozenTrial, FrozenTrial | None]]:
        """End the stale trials (as :meth:`fail_stale_trials` finds them) as ``outcome(trial)``
        says, enqueueing each one's retry in the same atomic step: ``(ended trial, its retry or
        None)`` for each. ``outcome`` is called inside that step with the trial as
        :meth:`fail_stale_trials` returns it (FAILED, ``system_attrs["fail_reason"]`` set); it
        must not use the storage.

        ``alive``: ids of trials the calling process is running itself. None of them is ended,
        whatever its heartbeat says (the caller's heartbeat thread was starved, e.g. by an
        objective holding the GIL, not dead); a stale one gets a heartbeat instead, in the same
        step. Other processes still end them once their heartbeat is older than the grace period.

        A worker killed between failing a stale trial and enqueueing its retry would leave the
        trial FAILED with no retry, and nobody would rerun it. This default fails, then enqueues:
        not atomic (a kill in between loses the retry), and a PRUNED outcome stays FAILED. A
        storage shared by several processes overrides it (tunewise's do); see the class docstring."""
        for trial_id in alive:  # beat first: fail_stale_trials cannot leave them out
            self.record_heartbeat(trial_id)
        out: list[tuple[FrozenTrial, FrozenTrial | None]] = []
        for t in self.fail_stale_trials(study_id, grace_seconds):
            plan = outcome(t)
            retry = None
            if plan.retry is not None:
                retry = self.enqueue_trial(study_id, plan.retry[0], system_attrs=plan.retry[1])
            out.append((t, retry))
        return out

    def recover_trial(self, study_id: int, trial_id: int, reason: str,
                      outcome: Callable[[FrozenTrial], StaleOutcome], *,
                      params: Mapping[str, Any] | None = None,
                      intermediate_values: Mapping[int, float] | None = None,
                      user_attrs: Mapping[str, Any] | None = None,
                      system_attrs: Mapping[str, Any] | None = None) -> tuple[FrozenTrial, FrozenTrial | None] | None:
        """End the RUNNING trial ``trial_id``, whose worker died or was stopped, as ``outcome(trial)``
        says, enqueueing its retry in the same atomic step: ``(ended trial, its retry or None)``;
        None, with nothing written, when the trial is not RUNNING (finished meanwhile, or failed
        as stale). :meth:`recover_stale_trials` for one trial known to be dead.

        ``params``: values to add to the stored ones (a stored value stays), e.g. what a dead
        worker announced and had not saved; ``intermediate_values``, ``user_attrs`` and
        ``system_attrs`` are merged as by :meth:`update_trial`; ``system_attrs["fail_reason"]``
        is ``reason``. ``outcome`` is called inside the step, with the trial as it would be stored
        FAILED; it must not use the storage.

        A process killed between failing the trial and enqueueing its retry would leave it FAILED
        with no retry: the parent of ``optimize(n_jobs=k)`` failing a dead worker's trial, a
        worker failing the trial a SIGTERM stopped. tunewise's storages do both in one
        transaction. This default, for storages without transactions, is safe against a kill
        without one: it enqueues the retry first (unless a retry of the trial, its
        ``system_attrs["retried_from"]``, is there already: one an earlier recovery queued
        before it was killed), then finishes the trial. Killed in between, the trial is still
        RUNNING with its retry queued, and the next recovery finishes it without a second retry.
        If another process ended the trial meanwhile, the retry queued here is finished FAILED
        unrun (``fail_reason`` says so), so the trial is rerun once. It reads the study's trials
        to find an earlier retry: a storage shared by many processes overrides it."""
        t = self.get_trial(trial_id)
        if t.state != TrialState.RUNNING:
            return None
        attrs = merged_attrs(t.system_attrs, system_attrs)
        attrs["fail_reason"] = reason
        failed = FrozenTrial(
            number=t.number, trial_id=trial_id, state=TrialState.FAILED, params={**(params or {}), **t.params},
            distributions=t._distributions,
            intermediate_values={**(intermediate_values or {}), **t.intermediate_values},
            user_attrs=merged_attrs(t.user_attrs, user_attrs), system_attrs=attrs,
            datetime_start=t.datetime_start_ts, heartbeat=t.heartbeat_ts,
        )
        plan = outcome(failed)
        retry, queued_here = None, False
        if plan.retry is not None:
            retry = next((r for r in self.get_trials(study_id) if r.system_attrs.get("retried_from") == t.number
                          and r.trial_id != trial_id), None)
            if retry is None:
                retry, queued_here = self.enqueue_trial(study_id, plan.retry[0], system_attrs=plan.retry[1]), True
        if not self.finish_trial(trial_id, plan.state, None, params=failed.params,
                                 intermediate_values=failed.intermediate_values, user_attrs=failed.user_attrs,
                                 system_attrs=attrs):
            if queued_here and retry is not None and not self._needs_retry(study_id, t, retry):
                self.finish_trial(retry.trial_id, TrialState.FAILED, None, system_attrs={
                    "fail_reason": f"not run: trial {t.number}, which it retries, was ended by another process "
                                   f"meanwhile"})
            return None
        failed.state = plan.state
        return failed, retry

    def _needs_retry(self, study_id: int, t: FrozenTrial, retry: FrozenTrial) -> bool:
        """Whether ``retry``, queued by :meth:`recover_trial`'s default for the trial ``t`` that another
        process ended meanwhile, is the one retry ``t`` gets: ``t`` ended FAILED (a late COMPLETE
        or PRUNED finish needs none) and no other retry of it is queued."""
        if self.get_trial(t.trial_id).state != TrialState.FAILED:
            return False
        return not any(r.system_attrs.get("retried_from") == t.number and r.trial_id not in (t.trial_id, retry.trial_id)
                       for r in self.get_trials(study_id))

    def detach_trial(self, trial_id: int) -> bool:
        """Detach the RUNNING trial from heartbeats: no process promises one any more, so
        :meth:`fail_stale_trials` never fails it, and it stays RUNNING until a finish (from any
        process: ``study.tell(number, ...)``, ``tunewise tell``). Its heartbeat becomes None,
        and later heartbeats and live writes leave it None. False if the trial is not RUNNING.

        What ``tunewise ask`` does to the trial it prints, and ``Trial.detach()``: the asking
        process exits and another one tells the result. Not abstract, so that storages written
        before it still load; ``tunewise.testing.storage`` checks it."""
        raise NotImplementedError(f"{type(self).__name__} cannot detach a trial from heartbeats (detach_trial); "
                                  f"a trial asked here goes stale once its process ends")

    def close(self) -> None:
        """Release connections (a no-op for in-memory storage)."""

    @property
    def is_persistent(self) -> bool:
        """True when other processes can open the same storage by its URL."""
        return False

    @property
    def url(self) -> str | None:
        return None


def attr_changes(attrs: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    """What a write of ``attrs`` (a trial's ``user_attrs`` or ``system_attrs``, as given to
    :meth:`BaseStorage.update_trial`, ``finish_trial`` or ``recover_trial``) changes: the keys to
    set with their values, and the keys to remove; every other stored key keeps its value.

    A live trial's attributes (:class:`~tunewise.trial.LiveAttrs`, what tunewise's loop passes)
    name the keys set and removed since the trial's last write; a plain mapping sets all its keys.
    A storage that merges these into the stored attributes in one atomic step never loses a key
    another process set on the same trial.

    >>> from tunewise.trial import LiveAttrs
    >>> attrs = LiveAttrs({"a": 1}); attrs["b"] = 2
    >>> attr_changes(attrs)
    ({'b': 2}, frozenset())
    >>> attr_changes({"a": 1})
    ({'a': 1}, frozenset())
    """
    if type(attrs) is LiveAttrs:
        # Its ordered record of the keys set since the last write (not a walk over every
        # attribute): the stored attributes then list as the objective set them, as in Optuna.
        return attrs.changes(), frozenset(attrs.removed_keys)
    return dict(attrs), frozenset()


def merged_attrs(stored: Mapping[str, Any], attrs: Mapping[str, Any] | None) -> dict[str, Any]:
    """``stored`` with the changes of a write of ``attrs`` (see :func:`attr_changes`), as a new dict."""
    if attrs is None:
        return dict(stored)
    return applied(stored, *attr_changes(attrs))


def applied(stored: Mapping[str, Any] | None, patch: Mapping[str, Any], removed: Iterable[str]) -> dict[str, Any]:
    """``stored`` attributes (None: none) with the ``removed`` keys removed and ``patch`` set, as a new dict."""
    out = dict(stored) if stored else {}
    for key in removed:
        out.pop(key, None)
    out.update(patch)
    return out


def not_a_dict(key: str, current: Any) -> TypeError:
    """The error of :meth:`BaseStorage.set_study_attr_item` on an attribute that holds no dict."""
    return TypeError(f"study attribute {key!r} holds {type(current).__name__} {current!r}, not a dict: "
                     f"set_study_attr_item sets one item of a dict; replace the whole value with set_study_attr")
