"""What a sampler sees of the study it proposes for, and what it hands back.

A sampler is pure computation: it reads a :class:`StudyContext` (the study's objectives, search
space and trials) and a :class:`TrialContext` (the trial it proposes for), and returns what it
wants written in a :class:`Proposal` (a proposal to publish for parallel workers, a key to claim,
attrs to record, configurations to enqueue). The study loop (``Study.ask``, ``Trial.suggest``)
writes it, with the trial's start where it can. A sampler never holds the ``Study`` or its storage, so
the same sampler runs against any implementation of these two contexts (a test, a simulator).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise._study_view import Forwarding, StudyView
from tunewise.samplers._search_space import DROPPED, fit_value
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["Budget", "ContextView", "Proposal", "SpaceFit", "StudyContext", "TrialContext", "TrialCursor",
           "as_proposal", "as_study_context", "trial_views"]


class StudyContext(StudyView):
    """The study as a sampler sees it: given to every :class:`~tunewise.samplers.Sampler` hook.

    It reads the study's objectives, its search space and its trials (RUNNING ones included, so
    parallel workers can steer apart), and claims keys. It is all a sampler gets of the study:
    what a sampler wants written during ``propose`` it returns in a :class:`Proposal`.

    Trials come from the storage's cache without copies (read them, never change them).
    :meth:`read_new` hands a sampler the trials finished since it last looked, so what it derives
    from finished trials (which never change) is built incrementally; ``history_id`` tells such a
    cache when it is shown another study, or another selection of this study's trials.

    >>> import tunewise as tw
    >>> class Echo(tw.samplers.Sampler):
    ...     def propose(self, study, trial):
    ...         assert isinstance(study, tw.samplers.StudyContext)
    ...         return {"x": len(study.get_trials(states=(tw.TrialState.COMPLETE,))) / 10}
    ...     def sample(self, study, trial, name, distribution):
    ...         return distribution.from_unit(0.5)
    >>> study = tw.create_study(sampler=Echo())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> [t.params["x"] for t in study.trials]
    [0.0, 0.1, 0.2]
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def user_attrs(self) -> dict[str, Any]:
        """The study's user attributes (a copy)."""

    @property
    @abc.abstractmethod
    def system_attrs(self) -> dict[str, Any]:
        """The study's system attributes (a copy): what tunewise records about it."""

    @property
    @abc.abstractmethod
    def history_id(self) -> Hashable:
        """Names the sequence of trials this context shows: equal for every context over the same
        trials, different for another study or for a view that shows other trials. A cache of what
        a sampler derived from finished trials is valid while this stays the same."""

    @abc.abstractmethod
    def claim(self, key: str) -> bool:
        """Claim ``key`` in the study, once: True for exactly one caller across all workers.

        This writes at once. It is for :meth:`~tunewise.samplers.Sampler.before_trial` (taking a
        random stream of one's own); a claim that goes with a proposal belongs in
        :attr:`Proposal.claim`, so the loop makes it just before the trial starts.
        """

    @property
    def budget(self) -> Budget:
        """What the running ``optimize()`` call plans (its ``n_trials``, ``max_trials``, ``timeout``,
        workers and scheduler); every field unknown (None) outside ``optimize()`` or in a context
        that does not say. :class:`~tunewise.samplers.AutoSampler` picks its strategy from it."""
        return _NO_BUDGET

    def read_new(self, cursor: TrialCursor) -> tuple[list[FrozenTrial], list[FrozenTrial]]:
        """The trials finished since ``cursor`` last read (each returned once, in trial order) and
        every trial RUNNING now; moves ``cursor`` on.

        Only the trials from the first one not yet finished on are looked at, so a sampler that
        reads every trial once (TPE's observation matrix) pays for the new ones, not for the
        whole study, at each proposal.

        >>> import tunewise as tw
        >>> from tunewise.samplers import StudyContext, TrialCursor
        >>> class Look(tw.samplers.RandomSampler):
        ...     def before_trial(self, study: StudyContext) -> None:
        ...         self.cursor = getattr(self, "cursor", None) or TrialCursor(study)
        ...         finished, running = study.read_new(self.cursor)
        ...         print([t.number for t in finished], [t.number for t in running])
        >>> tw.create_study(sampler=Look(seed=0)).optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
        [] []
        [0] []
        [1] []
        """
        if not cursor.follows(self):
            raise ValueError(f"this TrialCursor reads trials of history {cursor.history_id!r}, not those of "
                             f"study {self.study_name!r} ({self.history_id!r}): make a new TrialCursor(context)")
        trials = self.get_trials()
        finished: list[FrozenTrial] = []
        running: list[FrozenTrial] = []
        done = cursor.done
        for i in range(cursor.frontier, len(trials)):
            t = trials[i]
            if t.number in done:
                continue
            if t.state.is_finished():
                finished.append(t)
                done.add(t.number)
            elif t.state == TrialState.RUNNING:
                running.append(t)
        frontier = cursor.frontier
        while frontier < len(trials) and trials[frontier].number in done:
            done.discard(trials[frontier].number)
            frontier += 1
        cursor.frontier = frontier
        return finished, running


class ContextView(Forwarding, StudyContext):
    """Another :class:`StudyContext` shown through: a wrapper sampler gives its base one of these
    with the trials (``get_trials``) or the space (``distributions``) it should see changed. A
    view that shows other trials than the study's names another history (``history_id``)."""

    __slots__ = ()

    def __init__(self, study: StudyContext) -> None:
        super().__init__(study)

    @property
    def history_id(self) -> Hashable:
        return self._study.history_id

    def claim(self, key: str) -> bool:
        return self._study.claim(key)

    @property
    def budget(self) -> Budget:
        return self._study.budget


class TrialCursor:
    """How far a sampler has read a study's trials (see :meth:`StudyContext.read_new`).

    It belongs to the history it was made for (``context.history_id``); :meth:`follows` says
    whether a context still shows that history. :meth:`StudyContext.read_new` shows one in use.
    """

    __slots__ = ("done", "frontier", "history_id")

    def __init__(self, context: StudyContext) -> None:
        self.history_id: Hashable = context.history_id
        self.frontier = 0  # every trial before this index is finished and was returned
        self.done: set[int] = set()  # finished trials at or after the frontier already returned

    def follows(self, context: StudyContext) -> bool:
        """Whether ``context`` shows the trials this cursor has been reading."""
        return bool(self.history_id == context.history_id)

    def __repr__(self) -> str:
        return f"TrialCursor(frontier={self.frontier}, done={len(self.done)})"


class TrialContext(abc.ABC):
    """The trial a sampler proposes for (``propose``) or samples one parameter of (``sample``).

    Before the trial starts (the usual case for ``propose``), ``number`` is the number its start
    is predicted to give: reading it binds the proposal to that number, and if another worker
    takes it first the proposal is discarded and ``propose`` is asked again for the real one.

    ``set_system_attr`` / ``set_user_attr`` record attributes on the trial; the loop writes them
    with the trial's start, or, once it runs, with its next write. (Returning them in
    :attr:`Proposal.trial_attrs` does the same, and is how a proposal's attrs are discarded with
    it when its claim is refused.)

    >>> import tunewise as tw
    >>> class Tagged(tw.samplers.Sampler):
    ...     def propose(self, study, trial):   # trial: a TrialContext
    ...         trial.set_user_attr("proposed_for", trial.number)
    ...         return {"x": 0.5}
    ...     def sample(self, study, trial, name, distribution):
    ...         return distribution.from_unit(0.5)
    >>> study = tw.create_study(sampler=Tagged())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> [t.user_attrs["proposed_for"] for t in study.trials]
    [0, 1]
    """

    __slots__ = ()

    @property
    @abc.abstractmethod
    def number(self) -> int:
        """The trial's number (before its start: the predicted one; see the class docstring)."""

    @property
    @abc.abstractmethod
    def trial_id(self) -> int | None:
        """The trial's storage id, or None while it has not started."""

    @property
    @abc.abstractmethod
    def params(self) -> Mapping[str, Any]:
        """The values suggested so far (empty before the first suggest)."""

    @property
    @abc.abstractmethod
    def fixed_params(self) -> Mapping[str, Any]:
        """The values this trial arrived with (enqueued, retried or continued trials; empty before
        the start): they are used as suggested, whatever the sampler proposes."""

    @property
    @abc.abstractmethod
    def system_attrs(self) -> Mapping[str, Any]:
        """The trial's system attributes as far as set."""

    @property
    @abc.abstractmethod
    def user_attrs(self) -> Mapping[str, Any]:
        """The trial's user attributes as far as set."""

    @abc.abstractmethod
    def set_system_attr(self, key: str, value: Any) -> None:
        """Record a system attribute (JSON) on the trial; the loop writes it (see the class docstring)."""

    @abc.abstractmethod
    def set_user_attr(self, key: str, value: Any) -> None:
        """Record a user attribute (JSON) on the trial; the loop writes it."""


def _check_mapping(name: str, value: Any) -> None:
    # Plain dicts first: a proposal is made per trial, and an ABC isinstance check costs more.
    if type(value) is not dict and not isinstance(value, Mapping):
        raise TypeError(f"Proposal.{name} must be a dict with string keys, got {value!r}")
    for key in value:
        if type(key) is not str and not isinstance(key, str):
            raise TypeError(f"Proposal.{name} must be a dict with string keys, got {value!r}")


@dataclass(frozen=True, slots=True)
class Proposal:
    """What ``Sampler.propose`` returns when it wants more than parameter values written.

    - ``params``: the proposed values (name -> value) of any known parameters.
    - ``publish``: store ``params`` on the trial while it runs (its ``system_attrs["proposal"]``),
      so samplers in other processes account for the point (TPE's constant liar, GP's kriging
      believer). Written with the trial's start, or with one write when proposed later.
    - ``trial_attrs``: system attributes for the trial (where its values came from: a grid point,
      a source task), written like ``publish``.
    - ``claim``: a key to claim before the trial starts (a grid point, a configuration that must
      run once across workers). If another worker holds it, the whole proposal is dropped and the
      loop calls ``propose`` again: the sampler must then move on (propose something else, or
      raise :class:`~tunewise.exceptions.SearchExhausted`).
    - ``claim_runs``: with ``claim``, whether the claimed work must run (a grid point, the
      default): if the trial's start takes a queued trial instead, the proposal is queued to run
      next. False for a claim that only keeps two workers from proposing the same thing
      (``GPSampler``'s): the proposal is then dropped, as a proposal without a claim would be.
    - ``enqueue``: configurations (name -> value) to queue as WAITING trials of the study.
    - ``study_attrs``: system attributes for the study (a sampler's record of its choices).

    A plain dict return means ``Proposal(params=that_dict)``.

    >>> from tunewise.samplers import Proposal
    >>> p = Proposal({"x": 0.5}, publish=True, claim="grid:3", trial_attrs={"grid_id": 3})
    >>> p.params, p.claim
    ({'x': 0.5}, 'grid:3')
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    publish: bool = False
    trial_attrs: Mapping[str, Any] = field(default_factory=dict)
    claim: str | None = None
    enqueue: Sequence[Mapping[str, Any]] = ()
    study_attrs: Mapping[str, Any] = field(default_factory=dict)
    claim_runs: bool = True

    def __post_init__(self) -> None:
        if type(self.params) is not dict:  # a dict (the usual case) is all right: values are checked when suggested
            _check_mapping("params", self.params)
        if self.trial_attrs:
            _check_mapping("trial_attrs", self.trial_attrs)
        if self.study_attrs:
            _check_mapping("study_attrs", self.study_attrs)
        if self.claim is not None and (not isinstance(self.claim, str) or not self.claim):
            raise TypeError(f"Proposal.claim must be a non-empty string or None, got {self.claim!r}")
        if self.enqueue != ():
            if isinstance(self.enqueue, (str, bytes, Mapping)) or not isinstance(self.enqueue, Sequence):
                raise TypeError(f"Proposal.enqueue must be a list of configurations (dicts), got {self.enqueue!r}")
            for i, config in enumerate(self.enqueue):
                _check_mapping(f"enqueue[{i}]", config)


_EMPTY = Proposal()


@dataclass(frozen=True, slots=True)
class Budget:
    """The plan of the running ``optimize()`` call, as a sampler sees it (``StudyContext.budget``).

    - ``n_trials``: the trials this call runs (None: no limit), counted from ``first_trial``, the
      number of started trials the study had when the call began.
    - ``max_trials``: the study-wide limit on started trials (None: none).
    - ``deadline``: ``time.monotonic()`` after which the call starts no trial (from ``timeout``;
      not ``time.time()``, which a step of the system clock moves).
    - ``n_jobs``: the workers running trials at once.
    - ``scheduler``: the class name of the study's scheduler (None without one).

    >>> from tunewise.samplers import Budget
    >>> Budget(n_trials=50, first_trial=10, max_trials=40).planned_trials()
    40
    >>> Budget().planned_trials() is None
    True
    """

    n_trials: int | None = None
    first_trial: int = 0
    max_trials: int | None = None
    deadline: float | None = None
    n_jobs: int = 1
    scheduler: str | None = None

    def planned_trials(self, started: int = 0, trial_seconds: float | None = None,
                       now: float | None = None) -> int | None:
        """The study's planned number of started trials when this call ends (None: unbounded).

        ``started`` trials have started so far; a ``deadline`` counts only with ``trial_seconds``
        (the measured wall time of one trial), as ``n_jobs`` trials per ``trial_seconds``.
        """
        plans = []
        if self.n_trials is not None:
            plans.append(self.first_trial + self.n_trials)
        if self.max_trials is not None:
            plans.append(self.max_trials)
        if self.deadline is not None and trial_seconds is not None and trial_seconds > 0:
            import time

            left = max(self.deadline - (time.monotonic() if now is None else now), 0.0)
            plans.append(started + int(left / trial_seconds * max(self.n_jobs, 1)))
        return min(plans) if plans else None


_NO_BUDGET = Budget()


def as_proposal(value: Any, sampler: object = None) -> Proposal:
    """What ``propose`` returned, as a :class:`Proposal` (a dict is its ``params``; None is empty)."""
    if type(value) is dict and not value:  # what most proposals are (the default propose)
        return _EMPTY
    if isinstance(value, Proposal):
        return value
    if isinstance(value, dict):
        return Proposal(value) if value else _EMPTY
    if value is None:
        return _EMPTY
    if isinstance(value, Mapping):
        return Proposal(dict(value))
    who = f"{type(sampler).__name__}.propose" if sampler is not None else "propose"
    raise TypeError(f"{who} returned {value!r}; it must return a dict of parameter values or a "
                    f"tunewise.samplers.Proposal")


def as_study_context(study: StudyContext | Study) -> StudyContext:
    """``study`` as a :class:`StudyContext`: the loop passes one; code written for the sampler
    hooks of before (which took the ``Study``) may still pass the study itself."""
    if isinstance(study, StudyContext):
        return study
    return study._sampler_context()  # the context the study gives its own sampler


class SpaceFit:
    """The trials as observations in the current search space, for a study whose space evolved.

    A parameter's range may depend on another parameter, or be widened, narrowed or given other
    choices while a study runs or when it is resumed; each trial keeps the distribution it was
    sampled from (``FrozenTrial.distributions``). Samplers model one space, the current one: a
    trial whose value lies outside it is shown with the value at the nearest edge (a point
    sampled beyond the edge says most about the edge), and without a choice the space no longer
    offers (that observation says nothing about the parameter; its other parameters still
    count). Trials inside the space are shown as they are, and a study whose space never changed
    pays nothing (``version`` 0).

    >>> from tunewise import distributions as D
    >>> from tunewise.trial import FrozenTrial, TrialState
    >>> old = FrozenTrial(number=0, trial_id=0, state=TrialState.COMPLETE, values=[1.0], params={"x": 8.0, "c": "z"})
    >>> fit = SpaceFit()
    >>> [t.params for t in fit.trials([old], {"x": D.Float(0, 4), "c": D.Categorical(("a", "b"))}, version=1)]
    [{'x': 4.0}]
    """

    __slots__ = ("_fitted", "_version")

    def __init__(self) -> None:
        self._version = 0
        # trial_id -> (the stored trial, what samplers see of it), for finished trials (they never change)
        self._fitted: dict[int, tuple[FrozenTrial, FrozenTrial]] = {}

    def trials(self, trials: list[FrozenTrial], dists: Mapping[str, D.Distribution], version: int
               ) -> list[FrozenTrial]:
        """``trials`` seen in the space ``dists`` (``version``: how often the space changed so far)."""
        if version == 0:
            return trials
        if version != self._version:
            self._fitted.clear()
            self._version = version
        return trial_views(trials, self._fitted, lambda t: _fit_trial(t, dists))


def trial_views(trials: list[FrozenTrial], cache: dict[int, tuple[FrozenTrial, FrozenTrial]],
                view: Callable[[FrozenTrial], FrozenTrial]) -> list[FrozenTrial]:
    """``trials`` with each one replaced by ``view(trial)`` (the trial itself where nothing changes:
    then the list is not copied). A finished trial never changes, so its view is made once and
    kept in ``cache`` (trial_id -> (the stored trial, its view))."""
    out = trials
    for i, t in enumerate(trials):
        done = t.state.is_finished()
        seen = cache.get(t.trial_id) if done else None
        if seen is not None and seen[0] is t:
            f = seen[1]
        else:
            f = view(t)
            if done:
                cache[t.trial_id] = (t, f)
        if f is not t:
            if out is trials:
                out = list(trials)
            out[i] = f
    return out


def _fit_trial(t: FrozenTrial, dists: Mapping[str, D.Distribution]) -> FrozenTrial:
    params: dict[str, Any] | None = None
    for name, value in t.params.items():
        dist = dists.get(name)
        if dist is None or dist.contains(value):
            continue
        if params is None:
            params = dict(t.params)
        v = fit_value(dist, value)
        if v is DROPPED:
            del params[name]
        else:
            params[name] = v
    if params is None:
        return t
    return FrozenTrial(
        number=t.number, trial_id=t.trial_id, state=t.state, values=t.values, params=params, distributions=dists,
        intermediate_values=t.intermediate_values, user_attrs=t.user_attrs, system_attrs=t.system_attrs,
        datetime_start=t.datetime_start_ts, datetime_complete=t.datetime_complete_ts, heartbeat=t.heartbeat_ts,
    )
