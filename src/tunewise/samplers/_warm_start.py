"""A sampler wrapper that adds a fading, self-checking prior from earlier tasks to any base sampler.

For each new trial the wrapper either runs one of the source tasks' best configurations,
proposes from a kernel density fitted on them (the prior), or delegates to the base sampler
(TPE, GP, auto, random, ...). The probability of using the prior is

    p_n = min(n0 / (n0 + n), max_probability) * sum_s W_s * trust_s

with ``n`` the study's COMPLETE trials: a prior worth ``n0`` observations, as in a
Beta/Dirichlet pseudo-count, so its share decays like ``1/n`` and the base sampler's own
model takes over. ``W_s`` is source task ``s``'s share of the prior's weight.

**Each source is checked against the new study** (``adaptive=True``). A source "predicts" that its
best configurations are good; we score that prediction the way RGPE scores a source model by its
ranking loss on the new task's observations (Feurer et al. 2018, "Scalable Meta-Learning for
Bayesian Optimization using Ranking-Weighted Gaussian Process Ensembles"; Wistuba et al. 2016,
TST-R, weigh sources by pairwise rank agreement likewise): over all pairs (trial from the
source, one of the study's own first ``n_reference`` trials) the share the source's trial wins,
Laplace-smoothed, ``q_s = (wins + 1) / (pairs + 2)``, and ``trust_s = clip(2 q_s - 0.5, 0, 1)``
(a source whose trials beat three quarters of the study's own keeps full weight; one whose
trials lose three quarters of the pairs gets none; a tie is no win, since a source claims its
configurations are *better* than a typical one). The own trials used are the *first* ones, drawn
before any model could refine past the sources, so a good source does not lose trust because the
study later improves on it. A source is **used** only from ``trust_s >= 0.75`` (its next
configurations run, the prior draws from it, the base sampler sees its trials): with one
configuration against two own trials it must beat both, because winning one of two is no evidence
(a far corner of a Rosenbrock function beats ~10% of random points). Below that it is set aside
(its trials hidden from the base sampler) until more own trials decide.

A source whose trust reaches 0 is **dropped for good**: its remaining configurations are not run,
its centres leave the prior, and its trials are **hidden from the base sampler**, which then sees
the study as if it had started cold (a misleading knowledge base costs the few trials it already
used, instead of poisoning the base model: on shifted Rosenbrock, two far-corner points left in
TPE's history multiply its regret after 50 trials by ~2.5, see ``benchmarks/history/transfer.md``).
When every source is dropped the wrapper is the plain base sampler.

**The base sampler's start-up is shortened while a source is trusted**: samplers with an
``n_startup_trials`` attribute (TPE, GP, AutoSampler) draw random or Sobol points until that many
trials have finished; after a trusted warm start those draws mostly re-explore what the source tasks
already mapped out, so the wrapper lets the model take over once ``min_own`` own trials are in.

**Local refinement while a source is trusted** (``local_fraction``, default 0.75): the transferred
configurations are only as good as the source studies' own budgets, so the warm study must improve
past them, and TPE refines slowly from a good start. A share ``local_fraction`` of the study's own
trials (those not running a source configuration or a prior draw) is then a step around the
incumbent (the best trial so far, latest among ties), a trust-region search in the spirit of TuRBO
(Eriksson et al. 2019). Half of these steps are Gaussian in the unit cube with the *covariance* of
the trusted sources' top configurations (the good region's extent and the directions it extends
in: a ridge such as an RBF SVM's ``C``/``gamma`` trade-off is followed, not stepped off axis by
axis, as CMA-ES shapes its search from selected points), scaled by a factor that starts at 0.5 and
is adapted by the (1+1)-ES one-fifth success rule (Rechenberg 1973). The other half, once there
are enough trials, go to the minimum of a convex quadratic fitted to the better half of the trials
(a trust-region model step, as in Powell's NEWUOA), limited to three step scales from the
incumbent. On lattice dimensions a step is at least one cell, and never lands on the incumbent or
on a point already tried. The other own trials go to the base sampler, which keeps
exploring globally and keeps feeding the sources' judgement (local steps are left out of it: they
sit next to the incumbent by construction). With no trusted source no local step is taken and the
wrapper behaves as without this feature.

The density is a Parzen estimator in the unit cube of the *new* space (``Distribution.to_unit``):
pick a source configuration with probability proportional to its weight (task similarity x
how good it was x its source's trust), then perturb each numeric coordinate with a Gaussian
(bandwidth by Scott's rule over the centres, clipped to ``[0.01, 0.3]``) and keep each categorical
value with probability ``1 - categorical_noise``. Values are carried by parameter name and clipped
into the new ranges.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Container, Hashable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import open_value
from tunewise._space_mapping import _NO_FIT, map_value
from tunewise._transfer_marks import LOCAL_ATTR, TRANSFER_ATTR, config_claim_key
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import ContextView, Proposal, StudyContext, TrialContext, as_study_context
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

__all__ = ["TRANSFER_ATTR", "WarmStartSampler"]

_MIN_BW, _MAX_BW = 0.01, 0.3
_DEFAULT_SOURCE = ""  # the source of configurations given without a task name
# A source is used only from this trust on (see the module docstring).
_TRUSTED = 0.75
# Step-size rule of the local refinement: a (1+1)-ES one-fifth success rule (Rechenberg 1973;
# Auger & Hansen's "1/5th rule"): x _GROW on success, x _SHRINK on failure, stationary when one
# trial in five improves the incumbent. Four failures in a row shrink the step by ~half.
_SHRINK = 0.85
# The first step is half the trusted sources' spread: the incumbent is already their best point,
# and on the benchmark's bbob families 0.5 beat 1.0 (reach 12.3 vs 14.6 trials, bbob only).
_SCALE0 = 0.5
_GROW = _SHRINK ** -4
_M_MIN, _M_MAX = 1e-3, 4.0
_MAX_STEP = 0.5  # in the unit cube
# Share of local steps that go to the minimum of a quadratic fitted around the incumbent (when
# there are enough trials for it) instead of a random step; see ``_model_step``.
_MODEL_SHARE = 0.5
# The model step moves at most this many marginal step scales from the incumbent (its trust region).
_MODEL_RADIUS = 3.0
_BASE = ("base",)  # the plan of a trial left to the base sampler


def _is_local(trial: FrozenTrial) -> bool:
    """Whether a trial was a local-refinement step around the incumbent (see ``local_fraction``)."""
    return LOCAL_ATTR in trial.system_attrs


def _first(trial: FrozenTrial) -> float:
    """The first objective value of a trial known to have one."""
    v = trial.value
    assert v is not None
    return v


def _source_of(trial: FrozenTrial) -> str | None:
    """The source task a trial came from, or None for the study's own trials."""
    info = trial.system_attrs.get(TRANSFER_ATTR)
    if info is None:
        return None
    return str(info.get("task", _DEFAULT_SOURCE)) if isinstance(info, dict) else _DEFAULT_SOURCE


class _HiddenTrials(ContextView):
    """The study as the base sampler sees it: without the trials of doubtful sources.

    Another selection of the study's trials is another history (``history_id``), so a base
    sampler that derives something from the trials it is shown (TPE's observation matrix)
    rebuilds it when the hidden trials change.
    """

    __slots__ = ("_hidden",)

    def __init__(self, study: StudyContext, hidden: frozenset[int]) -> None:
        super().__init__(study)
        self._hidden = hidden

    def get_trials(self, deepcopy: bool = False, states: Container[TrialState] | None = None) -> list[FrozenTrial]:
        return [t for t in self._study.get_trials(deepcopy=deepcopy, states=states) if t.number not in self._hidden]

    @property
    def history_id(self) -> Hashable:
        return (self._study.history_id, self._hidden)


class WarmStartSampler(Sampler):
    """Wrap ``base`` with a prior over good configurations of earlier tasks that checks itself and fades.

    Args:
        base: the sampler that takes over (any :class:`~tunewise.samplers.Sampler`).
        prior_configs: source configurations (parameter name -> value), best first.
        weights: one weight per configuration (default: all equal).
        sources: the source task of each configuration (default: one source for all); each
            source is trusted or dropped on its own.
        n0: the prior's strength in pseudo-observations: ``p_n = trust * min(n0 / (n0 + n), max_probability)``.
        max_probability: cap on ``p_n``, so that the study's own trials, which ``trust`` needs,
            arrive from the start.
        initial_configs: configurations to run, one per trial, before proposals (each is
            claimed once across parallel workers). The first ``n_unconditional`` run at once;
            each later one only while its source is trusted (``trust >= 0.75`` once ``min_own``
            trials of the study's own are in), so a misleading knowledge base wastes
            ``n_unconditional`` trials, not all of them.
        initial_sources: the source task of each initial configuration (default: one source).
        adaptive: judge each source by how its trials rank in the new study; drop and hide the
            ones that rank badly; shorten the base's start-up while a source is trusted.
        min_own: own trials (not from a source) needed before a source is judged.
        n_reference: how many of the study's first own trials the sources are compared with.
        shorten_startup: with ``adaptive``, let a base with ``n_startup_trials`` (TPE, GP, auto)
            use its model once ``min_own`` own trials are in, while a source is trusted.
        categorical_noise: chance of a uniform draw instead of the centre's categorical value.
        local_fraction: with ``adaptive``, while a source is trusted, the share of the study's own
            trials (those not running a source configuration or a prior draw) spent on a local
            step around the incumbent instead of the base sampler (0: never; see the module docstring).
        seed: seed of the wrapper's random stream (the base keeps its own).

    ``tw.transfer.FromSimilarTasks`` builds one from a knowledge base of earlier tasks.

    >>> import tunewise as tw
    >>> s = tw.samplers.WarmStartSampler(tw.samplers.RandomSampler(seed=0), [{"x": 0.9}, {"x": 1.1}], seed=0)
    >>> study = tw.create_study(sampler=s)
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=10)
    >>> study.best_value < 0.1
    True
    """

    def __init__(
        self,
        base: Sampler,
        prior_configs: Sequence[Mapping[str, Any]],
        weights: Sequence[float] | None = None,
        *,
        sources: Sequence[str] | None = None,
        n0: float = 5.0,
        initial_configs: Sequence[Mapping[str, Any]] = (),
        initial_sources: Sequence[str] | None = None,
        n_unconditional: int = 2,
        max_probability: float = 0.5,
        adaptive: bool = True,
        min_own: int = 2,
        n_reference: int = 10,
        shorten_startup: bool = True,
        categorical_noise: float = 0.2,
        local_fraction: float = 0.75,
        seed: int | None = None,
    ) -> None:
        if not isinstance(base, Sampler):
            raise TypeError(f"base must be a tunewise Sampler, got {base!r}")
        if isinstance(base, WarmStartSampler):
            raise TypeError("base is already a WarmStartSampler: wrap the underlying sampler once")
        configs = [dict(c) for c in prior_configs]
        for c in configs:
            if not c:
                raise ValueError("prior_configs must not contain an empty configuration")
        if weights is None:
            w = np.ones(len(configs))
        else:
            w = np.asarray(list(weights), dtype=float)
            if w.shape != (len(configs),) or not np.all(np.isfinite(w)) or np.any(w < 0):
                raise ValueError(
                    f"weights must be {len(configs)} finite numbers >= 0 (one per prior config), got {list(weights)!r}"
                )
        if len(configs) and w.sum() <= 0:
            w = np.ones(len(configs))
        if isinstance(n0, bool) or not isinstance(n0, (int, float)) or not n0 >= 0 or not math.isfinite(n0):
            raise ValueError(f"n0 must be a finite number >= 0 (0 disables the prior), got {n0!r}")
        if not 0.0 <= categorical_noise <= 1.0:
            raise ValueError(f"categorical_noise must be in [0, 1], got {categorical_noise!r}")
        initial = [dict(c) for c in initial_configs]
        for name, value, n in (("sources", sources, len(configs)), ("initial_sources", initial_sources, len(initial))):
            if value is not None and (isinstance(value, str) or len(value) != n):
                raise ValueError(f"{name} must be a list of {n} task names (one per configuration), got {value!r}")
        counts: tuple[tuple[str, Any, int], ...] = (  # user input: checked below, so typed Any
            ("n_unconditional", n_unconditional, 0), ("min_own", min_own, 1), ("n_reference", n_reference, 1))
        for name, count, low in counts:
            if isinstance(count, bool) or not isinstance(count, int) or count < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {count!r}")
        if n_reference < min_own:
            raise ValueError(f"n_reference must be >= min_own ({min_own}), got {n_reference!r}")
        if not 0.0 <= max_probability <= 1.0:
            raise ValueError(f"max_probability must be in [0, 1], got {max_probability!r}")
        if isinstance(local_fraction, bool) or not isinstance(local_fraction, (int, float)) \
                or not 0.0 <= local_fraction <= 1.0:
            raise ValueError(f"local_fraction must be a number in [0, 1] (0 disables local refinement), "
                             f"got {local_fraction!r}")
        self.base = base
        self.prior_configs = configs
        self.weights = (w / w.sum()).tolist() if len(configs) else []
        self.sources = [str(s) for s in sources] if sources is not None else [_DEFAULT_SOURCE] * len(configs)
        self.n0 = float(n0)
        self.initial_configs = initial
        self.initial_sources = ([str(s) for s in initial_sources] if initial_sources is not None
                                else [_DEFAULT_SOURCE] * len(initial))
        self.n_unconditional = n_unconditional
        self.max_probability = float(max_probability)
        self.adaptive = bool(adaptive)
        self.min_own = min_own
        self.n_reference = n_reference
        self.shorten_startup = bool(shorten_startup)
        self.categorical_noise = float(categorical_noise)
        self.local_fraction = float(local_fraction)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._next_initial = 0  # configurations before this index are claimed (here or elsewhere)
        #: Sources dropped because their trials ranked badly in the new study (never re-admitted).
        self.dropped: set[str] = set()
        # (study name, trial number) -> ("config", params) | ("prior", centre index, values) | ("local",
        # values, info) | ("base",): what propose planned, for sample to go on with
        self._plans: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._bw_cache: dict[tuple[str, D.Distribution], float] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_plans"] = {}
        return state

    # ---- judging the sources ----------------------------------------------------------------
    def source_trust(self, study: StudyContext | Study,
                     complete: Sequence[FrozenTrial] | None = None) -> dict[str, float | None]:
        """Each source's trust in [0, 1] (None: not judged yet); see the module docstring."""
        names = dict.fromkeys(self.sources + self.initial_sources)
        if complete is None:
            complete = study.get_trials(states=(TrialState.COMPLETE,))
        if not self.adaptive or len(study.directions) != 1:
            return {s: (0.0 if s in self.dropped else None) for s in names}
        sign = 1.0 if study.directions[0] == "minimize" else -1.0
        own: list[float] = []
        by_source: dict[str, list[float]] = {}
        for t in complete:
            if not t.values or t.values[0] is None or not math.isfinite(t.values[0]) or _is_local(t):
                # Local steps are neither a source's claim nor a typical own trial: they sit next to
                # the incumbent on purpose, and would make every source look worse than it is.
                continue
            src = _source_of(t)
            if src is None:
                if len(own) < self.n_reference:
                    own.append(sign * t.values[0])
            else:
                by_source.setdefault(src, []).append(sign * t.values[0])
        out: dict[str, float | None] = {}
        ref = np.asarray(own)
        for s in names:
            vals = by_source.get(s)
            if s in self.dropped:
                out[s] = 0.0
            elif len(own) < self.min_own or not vals:
                out[s] = None
            else:
                v = np.asarray(vals)[:, None]
                # A tie does not count as a win: a source claims its configurations are *better* than
                # the study's typical trial; on a plateau (e.g. majority-class error) they merely match.
                wins = float((v < ref[None, :]).sum())
                q = (wins + 1.0) / (v.size * ref.size + 2.0)
                out[s] = float(np.clip(2.0 * q - 0.5, 0.0, 1.0))
                if out[s] == 0.0:
                    self.dropped.add(s)
        return out

    def _source_shares(self) -> dict[str, float]:
        shares: dict[str, float] = {}
        for s, w in zip(self.sources, self.weights, strict=True):
            shares[s] = shares.get(s, 0.0) + w
        return shares

    def trust(self, study: StudyContext | Study, complete: Sequence[FrozenTrial] | None = None) -> float:
        """The prior's overall trust: its sources' trust weighted by their share of the prior (1 if unjudged)."""
        st = self.source_trust(study, complete)
        shares = self._source_shares()
        if not shares:
            judged = [v for v in st.values() if v is not None]
            return float(np.mean(judged)) if judged else 1.0
        return float(sum(w * (1.0 if (v := st[s]) is None else v) for s, w in shares.items()))

    def _draw_weights(self, study: StudyContext | Study, complete: Sequence[FrozenTrial]) -> dict[str, float]:
        """How much each source may drive prior draws now: its trust; 0 while its own trials wait to be judged."""
        st = self.source_trust(study, complete)
        tried = {_source_of(t) for t in complete} - {None}
        return {s: ((v if v >= _TRUSTED else 0.0) if v is not None else (0.0 if s in tried else 1.0))
                for s, v in st.items()}

    # ---- the fading -------------------------------------------------------------------------
    def prior_probability(self, study: StudyContext | Study) -> float:
        """``p_n = min(n0 / (n0 + n), max_probability) * sum_s W_s trust_s`` with ``n`` the COMPLETE trials."""
        if not self.prior_configs or self.n0 == 0:
            return 0.0
        complete = study.get_trials(states=(TrialState.COMPLETE,))
        p = min(self.n0 / (self.n0 + len(complete)), self.max_probability)
        if not self.adaptive:
            return p
        draw = self._draw_weights(study, complete)
        return p * float(sum(w * draw[s] for s, w in self._source_shares().items()))

    # ---- planning one trial -----------------------------------------------------------------
    def _plan(self, study: StudyContext, trial: TrialContext) -> tuple[tuple[Any, ...], dict[str, Any], str | None]:
        """Plan the trial: ``(plan, its attrs for the trial, the claim it needs)``. The plan is kept
        for ``sample``; planned again at each ``propose`` (the loop asks again when a claim is refused)."""
        key = (study.study_name, trial.number)
        if len(self._plans) > 256:  # one live trial per process at a time: old plans are dead
            self._plans.clear()
        plan: tuple[Any, ...] = ("base",)
        if self._fixed_params(study, trial):
            pass  # an enqueued trial: its fixed values lead, the rest comes from the base sampler
        else:
            plan = self._next_initial_config(study) or plan
            if plan[0] == "base":
                local = self._local_plan(study, trial)
                if local is not None:
                    self._plans[key] = local
                    return local, {LOCAL_ATTR: local[2]}, None
            if plan[0] == "base" and self._rng.random() < self.prior_probability(study):
                complete = study.get_trials(states=(TrialState.COMPLETE,))
                draw = self._draw_weights(study, complete) if self.adaptive else {}
                p = np.array([w * draw.get(s, 1.0) for w, s in zip(self.weights, self.sources, strict=True)])
                if p.sum() > 0:
                    idx = int(self._rng.choice(len(self.prior_configs), p=p / p.sum()))
                    plan = ("prior", idx, {})
        attrs: dict[str, Any] = {}
        claim = None
        if plan[0] != "base":
            info: dict[str, Any] = {"kind": plan[0], "task": plan[-1] if plan[0] == "config" else self.sources[plan[1]]}
            if plan[0] == "prior":
                info["centre"] = plan[1]
            attrs[TRANSFER_ATTR] = info
            if plan[0] == "config":
                claim = config_claim_key(plan[1])  # runs once across workers and reloads
                plan = plan[:2]
        self._plans[key] = plan
        return plan, attrs, claim

    @staticmethod
    def _fixed_params(study: StudyContext, trial: TrialContext) -> dict[str, Any]:
        """The values an enqueued trial arrives with ({} for a trial of the sampler's own).

        The study may ask for a proposal *before* the trial starts (so the proposal goes into the
        start's own write); the trial about to start is then a placeholder that does not know yet
        that it will be the oldest WAITING (enqueued) trial. Planning a source configuration, a prior
        draw or a local step for it would claim work and mark the enqueued trial as something it is
        not, so the WAITING trial with the predicted number is looked up.
        """
        if trial.fixed_params or trial.trial_id is not None:
            return dict(trial.fixed_params)  # a started trial knows its fixed values: no storage read
        waiting = study.get_trials(deepcopy=False, states=(TrialState.WAITING,))
        if not waiting:
            return {}
        number = trial.number
        for t in waiting:
            if t.number == number:
                return dict(t.system_attrs.get("fixed_params") or {})
        return {}

    def _next_initial_config(self, study: StudyContext) -> tuple[Any, ...] | None:
        """The next initial configuration to run, ("config", values, source), or None. The proposal
        claims it; if another worker holds it, the next propose moves on to the one after."""
        while self._next_initial < len(self.initial_configs):
            i = self._next_initial
            if i >= self.n_unconditional:
                verdict = self._config_verdict(study, self.initial_sources[i])
                if verdict is False:
                    self._next_initial += 1  # its source was dropped: never run it
                    continue
                if verdict is None:
                    return None  # not now: let the base sampler run, and look again next trial
            self._next_initial += 1
            return ("config", self.initial_configs[i], self.initial_sources[i])
        return None

    def _config_verdict(self, study: StudyContext, source: str) -> bool | None:
        """Run a later configuration of ``source``? True: yes; None: not yet; False: never (dropped)."""
        complete = study.get_trials(states=(TrialState.COMPLETE,))
        own = sum(_source_of(t) is None and not _is_local(t) for t in complete)
        st = self.source_trust(study, complete)
        if source in self.dropped:
            return False
        if own < self.min_own:
            return None
        t = st.get(source)
        if t is None:  # this source has not been tried: go by the sources that have
            judged = [v for v in st.values() if v is not None]
            t = max(judged) if judged else (1.0 if not self.adaptive else None)
            if t is None:
                return None
        return True if (t >= _TRUSTED or not self.adaptive) else None

    # ---- local refinement around the incumbent -------------------------------------------------
    def _local_plan(self, study: StudyContext, trial: TrialContext) -> tuple[Any, ...] | None:
        """("local", values, info) if this trial should be a local step, else None.

        Only while a source is trusted (so with a misleading or no knowledge base the wrapper acts
        exactly as before), and only for ``local_fraction`` of the own trials: the others go to the
        base sampler, which keeps exploring globally.
        """
        if self.local_fraction <= 0 or not self.adaptive or len(study.directions) != 1:
            return None
        trials = [t for t in study.get_trials() if t.number != trial.number]
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        st = self.source_trust(study, complete)
        trusted = {s for s, v in st.items() if v is not None and v >= _TRUSTED}
        if not trusted:
            return None
        n_local = sum(_is_local(t) for t in trials)
        n_own = sum(_source_of(t) is None and not _is_local(t) for t in trials)
        if n_local >= self.local_fraction * (n_local + n_own + 1):
            return None
        return self._local_step(study, complete, trials, trusted)

    def _local_step(self, study: StudyContext, complete: Sequence[FrozenTrial], trials: Sequence[FrozenTrial],
                    trusted: set[str]) -> tuple[Any, ...] | None:
        """A Gaussian step in the unit cube around the incumbent (a trust-region search, TuRBO-style).

        The step's covariance is the covariance of the trusted sources' top configurations (in the
        unit cube of the new space), scaled by ``m``: where the good region is, how unsure the sources
        are about it, and which *directions* it extends in. A ridge or valley that the sources' good
        configurations line up along (``C`` and ``gamma`` of an RBF SVM trade off along a diagonal; a
        rotated ellipsoid's valley) is then followed instead of being stepped off axis by axis, as
        CMA-ES shapes its search distribution from the selected points (Hansen & Ostermeier 2001)
        and TuRBO starts its trust region from the data (Eriksson et al. 2019). ``m`` is adapted by
        the (1+1)-ES 1/5th success rule from the earlier local steps: ``m *= _GROW`` when a step beat
        the incumbent it was drawn around, ``m *= _SHRINK`` when not. On a lattice (``step=``, ints)
        each marginal step is at least one cell and a step that lands on the incumbent moves one
        cell, so the search reaches the neighbouring points (the exact best lattice point).
        """
        sign = 1.0 if study.directions[0] == "minimize" else -1.0
        visible = [t for t in complete if t.values and t.values[0] is not None and math.isfinite(t.values[0])
                   and (_source_of(t) is None or _source_of(t) in trusted)]
        if not visible:
            return None
        # Among equally good trials the latest is the incumbent: on a plateau (CV error takes few
        # values) the search drifts along it instead of circling its first point, as a (1+1)-ES
        # accepts an offspring that ties its parent.
        inc = min(visible, key=lambda t: (sign * _first(t), -t.number))
        best = sign * _first(inc)
        m = _SCALE0
        for t in sorted(complete, key=lambda t: t.number):
            info = t.system_attrs.get(LOCAL_ATTR)
            if isinstance(info, dict) and t.values and t.values[0] is not None and "best" in info:
                m *= _GROW if sign * t.values[0] < float(info["best"]) else _SHRINK
                m = min(max(m, _M_MIN), _M_MAX)
        dists = {n: d for n, d in study.distributions.items()
                 if n in inc.params and not (isinstance(d, D.Categorical) and d.grid)}
        numeric = [n for n, d in dists.items() if not isinstance(d, D.Categorical) and (d.n_values or 2) > 1]
        if not dists:
            return None
        chol, scale = self._step_shape(dists, numeric, trusted, m)
        seen = {json.dumps({k: t.params.get(k) for k in dists}, sort_keys=True, default=str) for t in trials}
        info = {"best": best, "m": m, "incumbent": inc.number}
        if numeric and self._rng.random() < _MODEL_SHARE:
            proposal = self._model_step(dists, numeric, visible, inc, sign, chol, scale)
            if proposal is not None and json.dumps(proposal, sort_keys=True, default=str) not in seen:
                return ("local", proposal, {**info, "model": True})
        for _ in range(20):
            step = chol @ self._rng.standard_normal(len(numeric))
            out: dict[str, Any] = {}
            for n, d in dists.items():
                v = inc.params[n]
                if n in scale:
                    u = d.to_unit(v) + float(step[numeric.index(n)])
                    u = abs(u) if u < 0 else (2.0 - u if u > 1 else u)  # reflect at the borders
                    v = open_value(d, u)  # strictly inside a continuous range (tunewise._interior)
                elif isinstance(d, D.Categorical) and self._rng.random() < self.categorical_noise:
                    v = d.choices[int(self._rng.integers(len(d.choices)))]
                out[n] = v
            if numeric and all(out[n] == inc.params[n] for n in numeric):
                # Landed on the incumbent's cell: move one lattice step (or one scale) along one dimension.
                n = numeric[int(self._rng.integers(len(numeric)))]
                d = dists[n]
                u = d.to_unit(inc.params[n]) + (1 if self._rng.random() < 0.5 else -1) * scale[n]
                out[n] = open_value(d, u)
            if json.dumps(out, sort_keys=True, default=str) not in seen:
                return ("local", out, info)
        return None  # every nearby point has been tried: the base sampler's turn

    def _model_step(self, dists: Mapping[str, D.Distribution], numeric: Sequence[str],
                    visible: Sequence[FrozenTrial], inc: FrozenTrial, sign: float, chol: np.ndarray,
                    scale: Mapping[str, float]) -> dict[str, Any] | None:
        """The minimum of a quadratic fitted to the best trials around the incumbent (a trust-region
        Newton step, as in Powell's derivative-free model-based methods, e.g. NEWUOA 2006), or None.

        Least squares on the better half of the visible trials (at least two more than the
        quadratic's ``(k + 1)(k + 2) / 2`` coefficients; the far, bad trials would describe the
        box, not the basin). Only a convex fit is used; its minimum is pulled back into a trust
        region of ``_MODEL_RADIUS`` marginal steps around the incumbent and jittered by a quarter of
        a random step, so that repeated model steps do not re-propose one point.
        """
        k = len(numeric)
        n_coef = (k + 1) * (k + 2) // 2
        pts = [t for t in visible if all(n in t.params for n in numeric)]
        if len(pts) < n_coef + 2:
            return None
        x0 = np.array([dists[n].to_unit(inc.params[n]) for n in numeric])
        z = np.array([[dists[n].to_unit(t.params[n]) for n in numeric] for t in pts]) - x0
        y = np.array([sign * float(t.values[0]) for t in pts])  # type: ignore[index]
        keep = np.argsort(y, kind="stable")[: max(n_coef + 2, len(y) // 2)]
        z, y = z[keep], y[keep]
        iu = np.triu_indices(k)
        feats = np.hstack([np.ones((len(z), 1)), z, (z[:, :, None] * z[:, None, :])[:, iu[0], iu[1]]])
        y = (y - y.mean()) / (y.std() + 1e-12)
        coef = np.linalg.lstsq(feats, y, rcond=None)[0]
        grad = coef[1 : k + 1]
        hess = np.zeros((k, k))
        hess[iu] = coef[k + 1 :]
        hess = hess + hess.T  # d2/dz2 of sum_{i<=j} c_ij z_i z_j: 2 c_ii on the diagonal, c_ij off it
        if np.linalg.eigvalsh(hess).min() <= 1e-9:
            return None  # not convex here: no minimum to move to
        step = -np.linalg.solve(hess, grad)
        limit = np.array([scale[n] for n in numeric]) * _MODEL_RADIUS
        r = float(np.max(np.abs(step) / limit))
        if r > 1.0:
            step = step / r
        step = step + 0.25 * (chol @ self._rng.standard_normal(k))
        out = {n: inc.params[n] for n in dists}
        for j, n in enumerate(numeric):
            out[n] = open_value(dists[n], float(x0[j] + step[j]))
        return out

    def _step_shape(self, dists: Mapping[str, D.Distribution], numeric: Sequence[str], trusted: set[str],
                    m: float) -> tuple[np.ndarray, dict[str, float]]:
        """The Cholesky factor of a local step's covariance, and each numeric dimension's marginal step.

        ``m`` times the covariance of the trusted sources' top configurations (unit cube), with a
        small ridge so that a dimension the sources agree on still moves. The overall factor is
        raised until every lattice dimension's marginal step is at least one cell (the shape is
        kept) and capped so that no marginal step exceeds ``_MAX_STEP``.
        """
        k = len(numeric)
        if not k:
            return np.zeros((0, 0)), {}
        rows = []
        for c, s in zip(self.prior_configs, self.sources, strict=True):
            if s not in trusted:
                continue
            row = []
            for n in numeric:
                v = map_value(c[n], dists[n]) if n in c else _NO_FIT
                row.append(np.nan if v is _NO_FIT else dists[n].to_unit(v))
            if not any(math.isnan(x) for x in row):
                rows.append(row)
        u = np.asarray(rows, dtype=float).reshape(len(rows), k)
        if len(u) > k:
            cov = np.atleast_2d(np.cov(u.T))
        elif len(u) > 1:  # too few configurations for a full covariance: the per-dimension spread
            cov = np.diag(np.var(u, axis=0))
        else:
            cov = np.eye(k) * 0.01  # one configuration: a spread of 0.1 of each range
        cov = cov + np.diag(np.full(k, 1e-6))
        sd = np.sqrt(np.diag(cov))
        cells = np.array([1.0 / nv if (nv := dists[n].n_values) else 0.0 for n in numeric])
        f = max(m, float(np.max(cells / sd)))  # each lattice dimension moves by at least a cell
        f = min(f, float(np.min(np.maximum(_MAX_STEP, cells) / sd)))  # ... and none by more than _MAX_STEP
        chol = f * np.linalg.cholesky(cov)
        scale = {n: float(max(f * sd[j], cells[j])) for j, n in enumerate(numeric)}
        return chol, scale

    # ---- what the base sampler sees ---------------------------------------------------------
    def _base_study(self, study: StudyContext | Study) -> StudyContext:
        """The study, or a view hiding the trials of sources that are dropped or not (yet) trusted."""
        study = as_study_context(study)
        if not self.adaptive:
            return study
        st = self.source_trust(study)
        doubtful = {s for s, v in st.items() if v is not None and v < _TRUSTED}
        if not doubtful:
            return study
        return _HiddenTrials(study, frozenset(t.number for t in study.get_trials() if _source_of(t) in doubtful))

    @contextlib.contextmanager
    def _startup(self, view: StudyContext) -> Iterator[None]:
        """While a source is trusted, the base's ``n_startup_trials`` is met by ``min_own`` own trials."""
        original = getattr(self.base, "n_startup_trials", _NO_FIT)
        if (not (self.adaptive and self.shorten_startup) or original is _NO_FIT
                or (original is not None and not isinstance(original, int))):
            yield
            return
        complete = view.get_trials(states=(TrialState.COMPLETE,))
        st = self.source_trust(view, complete)
        if not any(v is not None and v >= _TRUSTED for v in st.values()):
            yield
            return
        n_transfer = sum(_source_of(t) is not None for t in view.get_trials(states=(TrialState.COMPLETE,
                                                                                    TrialState.PRUNED)))
        d = sum(1 for x in view.distributions.values()
                if not (isinstance(x, D.Categorical) and x.grid) and (x.n_values or 2) > 1)
        # None means the GP / auto default, min(10, 2 d + 1) (see GPSampler and AutoSampler).
        current = original if original is not None else min(10, 2 * max(d, 1) + 1)
        self.base.n_startup_trials = min(current, n_transfer + self.min_own)  # type: ignore[attr-defined]
        try:
            yield
        finally:
            self.base.n_startup_trials = original  # type: ignore[attr-defined]

    def _bandwidth(self, name: str, dist: D.Distribution) -> float:
        key = (name, dist)
        bw = self._bw_cache.get(key)
        if bw is None:
            us = [dist.to_unit(v) for c in self.prior_configs if name in c
                  for v in [map_value(c[name], dist)] if v is not _NO_FIT]
            n = len(us)
            # Scott's rule: 1.06 * sd * n^(-1/5), clipped so one centre still gets a useful spread.
            bw = 1.06 * float(np.std(us)) * n ** (-0.2) if n > 1 else _MIN_BW
            # On a lattice, a kernel narrower than a cell would mostly re-propose the centre's cell
            # (and the study has tried that one already): at least one cell wide.
            floor = max(_MIN_BW, 1.0 / dist.n_values) if dist.n_values else _MIN_BW
            bw = float(np.clip(bw, floor, max(_MAX_BW, floor)))
            self._bw_cache[key] = bw
        return bw

    def _prior_value(self, plan: tuple[Any, ...], name: str, dist: D.Distribution) -> Any:
        """A draw for ``name`` around the plan's centre, or _NO_FIT if the centre says nothing about it."""
        values: dict[str, Any] = plan[2]
        if name in values:
            return values[name]
        centre = self.prior_configs[plan[1]]
        if name not in centre:
            return _NO_FIT
        v = map_value(centre[name], dist)
        if v is _NO_FIT:
            return _NO_FIT
        if isinstance(dist, D.Categorical):
            if self._rng.random() < self.categorical_noise:
                v = dist.choices[int(self._rng.integers(len(dist.choices)))]
        elif (dist.n_values or 2) > 1:
            u = dist.to_unit(v) + self._rng.normal(0.0, self._bandwidth(name, dist))
            u = abs(u) if u < 0 else (2.0 - u if u > 1 else u)  # reflect at the borders
            v = open_value(dist, u)
        values[name] = v
        return v

    # ---- the sampler hooks ------------------------------------------------------------------
    def before_trial(self, study: StudyContext) -> None:
        if not self._stream_chosen:
            super().before_trial(study)  # this sampler's random stream, and its base's (see reseed)
            self.base._stream_chosen = True
        self.base.before_trial(self._base_study(study))

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        plan, attrs, claim = self._plan(study, trial)
        if plan[0] == "base":
            fixed = self._fixed_params(study, trial)
            if fixed and all(n in fixed for n in study.distributions):
                return {}  # an enqueued trial that fixes every known parameter: nothing to propose
            view = self._base_study(study)
            with self._startup(view):
                return self.base.propose(view, trial)
        # A source configuration, a prior draw or a local step: the trial is marked as one, and a
        # configuration is claimed (run once across workers) as the trial starts.
        return Proposal(self._values(plan, study, trial), trial_attrs=attrs, claim=claim)

    def _values(self, plan: tuple[Any, ...], study: StudyContext, trial: TrialContext) -> dict[str, Any]:
        """The values of a "local", "config" or "prior" plan for the known parameters."""
        dists = study.distributions
        out: dict[str, Any] = {}
        if plan[0] == "local":
            return {n: v for n, v in plan[1].items() if n in dists}
        if plan[0] == "config":
            for name, value in plan[1].items():
                if name in dists:
                    v = map_value(value, dists[name])
                    if v is not _NO_FIT:
                        out[name] = v
            return out
        seen: set[str] | None = None
        for _ in range(10):
            out = {}
            plan[2].clear()
            for name, dist in dists.items():
                if isinstance(dist, D.Categorical) and dist.grid:
                    continue
                v = self._prior_value(plan, name, dist)
                if v is not _NO_FIT:
                    out[name] = v
            if not out:
                break
            # Re-draw a point the study has already tried (frequent on small lattices): it would teach nothing.
            if seen is None:
                seen = {json.dumps({k: t.params.get(k) for k in out}, sort_keys=True, default=str)
                        for t in study.get_trials() if t.number != trial.number}
            if json.dumps(out, sort_keys=True, default=str) not in seen:
                break
        return out

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        plan = self._plans.get((study.study_name, trial.number), _BASE)  # as propose planned it
        if plan[0] in ("config", "local") and name in plan[1]:
            v = map_value(plan[1][name], distribution)
            if v is not _NO_FIT:
                return v
        elif plan[0] == "prior":
            v = self._prior_value(plan, name, distribution)
            if v is not _NO_FIT:
                return v
        return self.base.sample(self._base_study(study), trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        self._plans.pop((study.study_name, trial.number), None)
        self.base.after_trial(self._base_study(study), trial)

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)
        self.base.reseed(None if seed is None else seed + 7919)

    def describe(self) -> dict[str, Any]:
        return {
            "name": "WarmStartSampler", "base": self.base.describe(), "n0": self.n0,
            "n_prior_configs": len(self.prior_configs), "n_initial_configs": len(self.initial_configs),
            "sources": sorted(set(self.sources + self.initial_sources)), "adaptive": self.adaptive,
            "min_own": self.min_own, "n_reference": self.n_reference, "shorten_startup": self.shorten_startup,
            "local_fraction": self.local_fraction, "seed": self.seed,
        }

    def __getattr__(self, name: str) -> Any:
        # Base-specific attributes (e.g. AutoSampler.choice) stay reachable through the wrapper.
        if name.startswith("_") or name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)
