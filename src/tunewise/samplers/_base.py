"""The sampler interface every strategy plugs into (random, grid, QMC, TPE, GP, auto, warm start)."""

from __future__ import annotations

import abc
import contextvars
import inspect
from typing import TYPE_CHECKING, Any

from tunewise import distributions as D
from tunewise._published_proposal import PROPOSAL_ATTR
from tunewise._published_proposal import running_params as running_params  # the samplers' name for it
from tunewise.samplers._context import Proposal, StudyContext, TrialContext, as_proposal, as_study_context

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial


def publish_proposal(study: StudyContext, trial: TrialContext, proposal: dict[str, Any]) -> None:
    """Store ``proposal`` on the trial for other workers to see while it runs.

    The form of before :class:`Proposal`; returning ``Proposal(params, publish=True)`` from
    ``propose`` does the same. The loop writes it: with the trial's start when proposed before
    it (the usual case), else with one write as soon as ``propose`` returns.
    """
    trial.set_system_attr(PROPOSAL_ATTR, proposal)


class Sampler(abc.ABC):
    """Proposes parameters: pure computation over what the study shows it.

    The study calls, for each trial:

    1. ``before_trial(study)`` before the trial exists (raise
       :class:`~tunewise.exceptions.SearchExhausted` to end the search);
    2. ``propose(study, trial)`` once, just before the trial's start is written: values for
       any of the parameters the study has seen (``study.distributions``), chosen jointly.
       ``trial.number`` is then the number the start is predicted to give; if another worker
       takes it first, a proposal that read it is discarded and ``propose`` is called again
       at the first ``suggest`` (also the fallback when ``propose`` raised);
    3. ``sample(study, trial, name, distribution)`` for each parameter ``propose`` did not cover;
    4. ``after_trial(study, trial)`` once the trial is finished (``trial`` is its FrozenTrial).

    ``study`` is a :class:`~tunewise.samplers.StudyContext`: the study's ``directions``,
    ``distributions``, ``study_name``, its trials (``get_trials(states=...)``, from the storage's
    cache without copies, RUNNING ones included so parallel workers can avoid proposing the same
    point; ``read_new`` gives the ones finished since a sampler last looked) and its attrs. It is
    not the ``Study``: a sampler never reaches the storage. ``trial`` is a
    :class:`~tunewise.samplers.TrialContext` (``number``, ``params`` suggested so far,
    ``fixed_params`` of an enqueued trial, attrs).

    **A sampler writes nothing itself.** What it wants written it returns from ``propose`` in a
    :class:`~tunewise.samplers.Proposal` (or a plain dict of values): the proposal published on
    the running trial for other workers, attrs for the trial or the study, a key to claim before
    the trial starts (if another worker holds it, ``propose`` is asked again), configurations to
    enqueue. The loop writes them, with the trial's start where it can. The one exception is
    ``study.claim(key)`` in ``before_trial`` (taking a random stream of one's own).

    A sampler is pickled to ``n_jobs`` worker processes: what it caches about a study's trials
    belongs out of its pickled state, and is kept valid by ``study.history_id`` (not by the
    identity of any object).

    Samplers written for the hooks of before, which took the ``Study``, keep working: the study
    context answers the ``Study``'s other public attributes too, with a DeprecationWarning.
    ``tunewise.testing.sampler`` checks that a sampler of your own keeps this contract.

    >>> import tunewise as tw
    >>> class Centre(tw.samplers.Sampler):
    ...     def propose(self, study, trial):
    ...         return tw.samplers.Proposal({n: d.from_unit(0.5) for n, d in study.distributions.items()},
    ...                                     trial_attrs={"why": "centre"})
    ...     def sample(self, study, trial, name, distribution):
    ...         return distribution.from_unit(0.5)
    >>> study = tw.create_study(sampler=Centre())
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=2)
    >>> [(t.params["x"], t.system_attrs.get("why")) for t in study.trials]
    [(2.0, 'centre'), (2.0, 'centre')]
    """

    # Whether this sampler's random stream is settled: by reseed(), or at its first trial.
    _stream_chosen = False
    # Set by BaseSampler, whose own loop hooks call Optuna-style overrides (see __init_subclass__).
    _optuna_interface = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_optuna_interface", cls._optuna_interface):
            return
        _adapt_optuna_hooks(cls)

    def before_trial(self, study: StudyContext) -> None:
        """Called before a trial is created. Raise SearchExhausted to end the search.

        The default moves a seeded sampler that has not drawn yet onto a random stream of its
        own when the study already has trials (see :func:`resume_stream`); an override should
        call ``super().before_trial(study)``.
        """
        if not self._stream_chosen:
            resume_stream(self, study)

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        """Joint proposal over the known search space: a dict of values, or a :class:`Proposal`
        with what to write alongside; the default proposes nothing."""
        return {}

    @abc.abstractmethod
    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        """Value for one parameter that ``propose`` did not cover."""

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:  # noqa: B027 - optional hook
        """Called once a trial has finished (any state)."""

    def sample_independent(self, study: StudyContext, trial: TrialContext, param_name: str,
                           param_distribution: D.Distribution) -> Any:
        """Optuna's name for :meth:`sample` (an Optuna sampler of one's own may call it on another
        sampler, e.g. ``RandomSampler(seed).sample_independent(...)``)."""
        ctx, trial = _context_of(study), _trial_context_of(trial)
        inner = _BUILT_IN_SAMPLE.get()
        if inner is not None and inner[0] is self:
            # super().sample_independent(...) in an Optuna-style override: the built-in's sample.
            return inner[1](self, ctx, trial, param_name, param_distribution)
        return self.sample(ctx, trial, param_name, param_distribution)

    # Optuna's other two sampler methods, for a sampler of one's own that delegates to a built-in
    # one (``self.inner.sample_relative(study, trial, space)``). What a proposal asks the loop to
    # write besides its values (Proposal.publish, trial_attrs, claim) is not written this way.
    def infer_relative_search_space(self, study: Any, trial: Any) -> dict[str, D.Distribution]:
        """Optuna's: the parameters :meth:`sample_relative` proposes jointly (the known space)."""
        return dict(_context_of(study).distributions)

    def sample_relative(self, study: Any, trial: Any, search_space: dict[str, D.Distribution]) -> dict[str, Any]:
        """Optuna's: what :meth:`propose` proposes for the parameters of ``search_space``."""
        proposal = as_proposal(self.propose(_context_of(study), _trial_context_of(trial)), self)
        return {name: value for name, value in proposal.params.items() if name in search_space}

    def reseed(self, seed: int | None) -> None:
        """Give this sampler (or a copy of it: one per parallel worker) a new random stream,
        seeded with ``seed`` (None: fresh entropy). An override draws its streams from ``seed``
        and calls ``super().reseed(seed)``, which records that the stream was chosen."""
        self._stream_chosen = True

    def reseed_rng(self) -> None:
        """Optuna's name for a fresh random stream: :meth:`reseed` with new entropy, so a seeded
        sampler no longer repeats its seed's draws."""
        self.reseed(None)

    def describe(self) -> dict[str, Any]:
        """What the study records about the sampler (its name and settings)."""
        return {"name": type(self).__name__}


def _context_of(study: Any) -> StudyContext:
    """The study context behind what a sampler method was handed: the loop's context, the
    read-only view BaseSampler's methods get (which they may pass on), or a Study."""
    from tunewise.samplers._optuna_base import _StudyView

    if isinstance(study, _StudyView):
        return study.context
    return as_study_context(study)


class _FrozenTrialContext(TrialContext):
    """A FrozenTrial as a :class:`TrialContext`, for Optuna-style direct calls
    (``sampler.sample_relative(study, study.trials[-1], space)``); attributes set are kept here."""

    __slots__ = ("_frozen", "_system_attrs", "_user_attrs")

    def __init__(self, frozen: FrozenTrial) -> None:
        self._frozen = frozen
        self._system_attrs = dict(frozen.system_attrs)
        self._user_attrs = dict(frozen.user_attrs)

    @property
    def number(self) -> int:
        return self._frozen.number

    @property
    def trial_id(self) -> int | None:
        return self._frozen.trial_id

    @property
    def params(self) -> dict[str, Any]:
        return self._frozen.params

    @property
    def fixed_params(self) -> dict[str, Any]:
        return dict(self._system_attrs.get("fixed_params") or {})

    @property
    def system_attrs(self) -> dict[str, Any]:
        return self._system_attrs

    @property
    def user_attrs(self) -> dict[str, Any]:
        return self._user_attrs

    def set_system_attr(self, key: str, value: Any) -> None:
        self._system_attrs[key] = value

    def set_user_attr(self, key: str, value: Any) -> None:
        self._user_attrs[key] = value


def _trial_context_of(trial: Any) -> Any:
    """The loop's trial context as it is; a FrozenTrial (an Optuna-style direct call) wrapped."""
    from tunewise.trial import FrozenTrial

    return _FrozenTrialContext(trial) if isinstance(trial, FrozenTrial) else trial


def _n_positional(func: Any) -> int:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return 0
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


# Positional parameters (self included) from which a class's own hook is Optuna's, not tunewise's:
# Optuna calls before_trial(study, trial) and after_trial(study, trial, state, values); tunewise's
# loop calls before_trial(study) and after_trial(study, frozen_trial).
_OPTUNA_HOOK_ARITY = {"before_trial": 3, "after_trial": 4}


def _optuna_style_hook(cls: type, name: str) -> Any:
    """``cls``'s own ``before_trial`` / ``after_trial`` if it is written with Optuna's signature, else None."""
    func = cls.__dict__.get(name)
    return func if func is not None and _n_positional(func) >= _OPTUNA_HOOK_ARITY[name] else None


# (sampler, the built-in sample it overrides) while an Optuna-style sample_independent override runs.
_BUILT_IN_SAMPLE: contextvars.ContextVar[tuple[Sampler, Any] | None] = contextvars.ContextVar(
    "tunewise_built_in_sample", default=None)


def _inherited(cls: type, name: str) -> Any:
    """The method ``name`` that ``cls`` inherits (what ``super()`` would call in it)."""
    return next(base.__dict__[name] for base in cls.__mro__[1:] if name in base.__dict__)


def _adapt_optuna_hooks(cls: type[Sampler]) -> None:
    """Run Optuna-style hooks of a subclass of a built-in sampler (``class S(RandomSampler)``
    written for Optuna): ``before_trial(study, trial)`` is called as the trial's proposal is made
    and ``after_trial(study, trial, state, values)`` once it finished, each after the built-in
    sampler's own hook, with the study's read-only view Optuna's samplers get; an overridden
    ``sample_independent`` samples each parameter the built-in sampler's proposal leaves."""
    before = _optuna_style_hook(cls, "before_trial")
    if before is not None:
        inner_propose = cls.propose

        inner_before = _inherited(cls, "before_trial")

        def before_trial(self: Sampler, study: StudyContext) -> None:
            inner_before(self, study)

        def propose(self: Sampler, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
            from tunewise.samplers._optuna_base import _StudyView

            before(self, _StudyView(study), trial)
            return inner_propose(self, study, trial)

        cls.before_trial = before_trial  # type: ignore[method-assign]
        cls.propose = propose  # type: ignore[method-assign]
    own_sample_independent = cls.__dict__.get("sample_independent")
    if own_sample_independent is not None and "sample" not in cls.__dict__:
        # The loop asks for ``sample``: route it through the override, whose super() call (see
        # Sampler.sample_independent) reaches the built-in sampler's own ``sample``.
        inner_sample = _inherited(cls, "sample")

        def sample(self: Sampler, study: StudyContext, trial: TrialContext, name: str,
                   distribution: D.Distribution) -> Any:
            from tunewise.samplers._optuna_base import _StudyView

            token = _BUILT_IN_SAMPLE.set((self, inner_sample))
            try:
                return own_sample_independent(self, _StudyView(study), trial, name, distribution)
            finally:
                _BUILT_IN_SAMPLE.reset(token)

        cls.sample = sample  # type: ignore[method-assign]
    after = _optuna_style_hook(cls, "after_trial")
    if after is not None:
        inner_after = _inherited(cls, "after_trial")

        def after_trial(self: Sampler, study: StudyContext, trial: FrozenTrial) -> None:
            from tunewise.samplers._optuna_base import _StudyView

            inner_after(self, study, trial)
            after(self, _StudyView(study), trial, trial.state, trial.values)

        cls.after_trial = after_trial  # type: ignore[method-assign]


# ---- random streams -----------------------------------------------------------------------------
# A seeded study is reproducible and never replays its own draws: the first process to sample a
# fresh study uses the sampler's seed as is; every other stream (a parallel worker, a respawned
# worker, a later optimize() call, a new process resuming the study) is derived from the seed and
# a nonce that is unique in the study and reproducible when the runs are: the number of trials
# the study had started when the stream was taken, and an index claimed in the storage (0 unless
# another process took a stream at the same moment).
_STREAM_CLAIM = "sampler_stream:{}:{}"


def stream_seed(seed: int, n_started: int, index: int) -> int:
    """The seed of stream ``index`` taken when the study had ``n_started`` started trials.

    Stream (0, 0), a fresh study's first, is ``seed`` itself; the others are independent streams
    derived with numpy's ``SeedSequence`` (a 32-bit value, so any random generator accepts it).

    >>> stream_seed(7, 0, 0)
    7
    >>> stream_seed(7, 20, 0) != stream_seed(7, 20, 1) != stream_seed(7, 0, 1)
    True
    """
    if n_started == 0 and index == 0:
        return int(seed)
    import numpy as np

    sequence = np.random.SeedSequence(int(seed), spawn_key=(int(n_started), int(index)))
    return int(sequence.generate_state(1)[0])


def started_trials(study: StudyContext | Study) -> int:
    """How many trials of the study have started (WAITING ones were not drawn by any sampler)."""
    from tunewise.trial import TrialState

    ctx = as_study_context(study)
    return ctx.count_trials() - ctx.count_trials((TrialState.WAITING,))


def claim_stream(study: StudyContext | Study, n_started: int, first: int = 0) -> int:
    """Claim, in the study, the lowest free stream index ``>= first`` for ``n_started``."""
    ctx = as_study_context(study)
    index = first
    while not ctx.claim(_STREAM_CLAIM.format(n_started, index)):
        index += 1
    return index


def resume_stream(sampler: Sampler, study: StudyContext | Study) -> None:
    """At a sampler's first trial: keep its seed on a fresh study (its first draws are what they
    always were), but on a study that already has trials (a new process resuming it, a second
    process joining it) move to a stream of its own, so the study's earlier draws are not replayed."""
    seed = getattr(sampler, "seed", None)
    if seed is None or type(sampler).reseed is Sampler.reseed:
        sampler._stream_chosen = True  # unseeded (fresh entropy) or without a stream of its own
        return
    n_started = started_trials(study)
    index = claim_stream(study, n_started)
    if (n_started, index) == (0, 0):
        sampler._stream_chosen = True
    else:
        sampler.reseed(stream_seed(int(seed), n_started, index))
