"""Population-based training (Jaderberg et al. 2017, "Population Based Training of Neural Networks").

How a population fits the define-by-run loop
--------------------------------------------
The first ``population_size`` trials of the study (numbered in start order) are the population's
*lineages*. Training is cut into generations of ``perturbation_interval`` steps. When a member
reports a step ``>= (g + 1) * perturbation_interval`` and calls ``trial.should_prune()``, it
*arrives* at the end of generation ``g``: its value is recorded (system attr ``pbt``), the call
returns True and the trial ends as PRUNED. The member that completes the generation (every
living lineage has arrived) ranks them and enqueues one *continuation* per lineage:

- members in the bottom ``quantile_fraction`` **exploit**: the continuation gets the
  checkpoint and parameters of a random member of the top ``quantile_fraction`` and
  **explores** them (numbers x0.8 / x1.2, or resampled with ``resample_probability``;
  categoricals move to a neighbouring choice);
- the others continue with their own parameters and their own checkpoint.

A continuation is an ordinary trial whose fixed parameters are returned by ``suggest_*`` and
whose ``trial.load_checkpoint()`` returns the checkpoint it was handed (a hard-linked snapshot,
never the trial's own stale one). So an objective written as::

    state = trial.load_checkpoint()            # None for a fresh member
    start = 0 if state is None else state["step"]
    for step in range(start + 1, max_steps + 1):
        ...train one step with trial.suggest_*(...) values...
        trial.report(score, step)
        trial.save_checkpoint({"step": step, ...})   # before should_prune
        if trial.should_prune():
            raise tw.TrialPruned()
    return score

runs unchanged in one process (generations are run member after member) and with ``n_jobs``
(members of a generation run in parallel; decisions come from storage, and each generation is
resolved exactly once: its continuations carry one claim key, which the loop claims). Every
segment records ``pbt.lineage``, ``generation``, ``parent`` (the trial it continues) and
``donor``/``clone_step`` (whose checkpoint it copied, at which step); :func:`lineage` returns
them as rows for plotting.
Count ``n_trials`` in segments: ``population_size * number_of_generations``
(:meth:`PBTScheduler.trials_needed`; Ray Tune's ``num_samples`` is the population size, and
``optimize`` warns when ``n_trials`` cannot finish the population). A worker of ``optimize``
left idle while the others train the generation's last members waits (up to ``excess_wait``
seconds) until a segment is queued (:meth:`PBTScheduler.admits_new_trial`), and a worker starts a
new member only with a claim on one of the members not started
(:meth:`PBTScheduler.admission_claims`), so the population takes exactly ``trials_needed()``
trials of the budget. ``study.ask()`` outside ``optimize()``
returns a queued segment when there is one and otherwise raises
:class:`~tunewise.exceptions.TrialNotAdmitted` then (an ask-and-tell loop trains its members
itself: a waiting ask would wait for ever). A trial started anyway while the population still
trains (after that wait) ends after its first report with ``pbt.excess``; once every lineage
has finished, further trials run as plain trials.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._continuation import CONTINUES_ATTR
from tunewise.schedulers._base import Scheduler, _check_int, _check_number, _sign
from tunewise.schedulers._decision import Continuation, Decision
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.schedulers._context import SchedulerContext
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

ATTR = "pbt"
_RETRIED_FROM = "retried_from"  # system attr of a retry: the trial whose worker died
# What a segment records when it arrives at its generation's end; a retry of it runs the
# segment again, so it starts without them.
_ARRIVAL = ("arrived", "arrived_step", "value", "loss")


def _retried(trials: Sequence[FrozenTrial], retry: FrozenTrial) -> FrozenTrial:
    """The segment a retry reruns: along ``retried_from`` (a retry of a retry that died before its
    first report holds no record), the first trial that recorded one, else the first one."""
    by_number = {t.number: t for t in trials}
    t = retry
    while ATTR not in t.system_attrs and t.system_attrs.get(_RETRIED_FROM) in by_number:
        t = by_number[t.system_attrs[_RETRIED_FROM]]
    return t


def _ended(trials: Sequence[FrozenTrial]) -> Callable[[FrozenTrial], bool]:
    """Whether a segment ended its lineage: it COMPLETEd, or FAILED and nobody retries it (a
    segment whose worker died is retried as the same segment, so the lineage lives on)."""
    retried = {t.system_attrs.get(_RETRIED_FROM) for t in trials}
    return lambda t: t.state == TrialState.COMPLETE or (t.state == TrialState.FAILED and t.number not in retried)


class PBTScheduler(Scheduler):
    """Population-based training: exploit (copy a better member's checkpoint and parameters)
    and explore (perturb them) every ``perturbation_interval`` steps.

    ``population_size`` (or ``num_samples``, Ray Tune's name for it) is the number of members.
    ``n_trials`` counts *segments* (a member's training between two perturbations), so a whole
    run takes ``population_size * ceil(max_step / perturbation_interval)`` trials
    (:meth:`trials_needed`); ``optimize`` warns when ``n_trials`` is too small for that.

    ``hyperparam_mutations`` maps parameter names to what to explore: a distribution
    (``tw.uniform(...)``, ``tw.loguniform(...)``, ``tw.choice(...)``) or a list of values
    (neighbours are adjacent items). Default: every parameter, over its own distribution.
    Parameters not listed are copied from the donor unchanged. ``max_step``: the last step the
    objective reports (no perturbation there). Checkpoints are files in ``checkpoint_dir``
    (default: next to an SQLite file, or a temporary directory), ``keep_checkpoints`` per trial.

    >>> import tunewise as tw
    >>> pbt = tw.schedulers.PBTScheduler(perturbation_interval=5, population_size=8,
    ...                                  hyperparam_mutations={"lr": tw.loguniform(1e-4, 1e-1)})
    >>> study = tw.create_study(direction="maximize", scheduler=pbt)
    """

    def __init__(self, perturbation_interval: int, population_size: int = 8, quantile_fraction: float = 0.25,
                 resample_probability: float = 0.25,
                 hyperparam_mutations: Mapping[str, D.Distribution | Sequence[Any]] | None = None, *,
                 perturbation_factors: tuple[float, float] = (0.8, 1.2), max_step: int | None = None,
                 seed: int | None = None, checkpoint_dir: str | None = None, keep_checkpoints: int | None = None,
                 excess_wait: float = 60.0, num_samples: int | None = None) -> None:
        self.perturbation_interval = _check_int("perturbation_interval", perturbation_interval, 1)
        if num_samples is not None:  # Ray Tune's name for the population size
            if population_size not in (8, num_samples):
                raise ValueError(f"num_samples={num_samples!r} and population_size={population_size!r} both give the "
                                 f"population size: pass one of them")
            population_size = num_samples
        self.population_size = _check_int("population_size", population_size, 2)
        q = _check_number("quantile_fraction", quantile_fraction, 0.0, strict=True)
        if q > 0.5:
            raise ValueError(f"quantile_fraction must be in (0, 0.5], got {quantile_fraction!r}")
        self.quantile_fraction = q
        p = _check_number("resample_probability", resample_probability, 0.0)
        if p > 1.0:
            raise ValueError(f"resample_probability must be in [0, 1], got {resample_probability!r}")
        self.resample_probability = p
        if (not isinstance(perturbation_factors, (tuple, list)) or len(perturbation_factors) == 0
                or not all(isinstance(f, (int, float)) and not isinstance(f, bool) and f > 0
                           for f in perturbation_factors)):
            raise ValueError(f"perturbation_factors must be a non-empty tuple of positive numbers, "
                             f"got {perturbation_factors!r}")
        self.perturbation_factors = tuple(float(f) for f in perturbation_factors)
        self.hyperparam_mutations: dict[str, Any] | None = None
        if hyperparam_mutations is not None:
            if not isinstance(hyperparam_mutations, Mapping) or not hyperparam_mutations:
                raise ValueError(f"hyperparam_mutations must be a non-empty dict of parameter name -> "
                                 f"distribution or list of values, got {hyperparam_mutations!r}")
            self.hyperparam_mutations = {}
            for name, spec in hyperparam_mutations.items():
                if isinstance(spec, (D.Float, D.Int, D.Categorical)):
                    self.hyperparam_mutations[name] = spec
                elif isinstance(spec, (list, tuple)) and len(spec) > 0:
                    self.hyperparam_mutations[name] = list(spec)
                else:
                    raise ValueError(f"hyperparam_mutations[{name!r}] must be a distribution (tw.uniform, "
                                     f"tw.loguniform, tw.choice, ...) or a non-empty list of values, got {spec!r}")
        self.max_step = None if max_step is None else _check_int("max_step", max_step, 1)
        self.seed = seed
        self.checkpoint_dir = checkpoint_dir
        self.keep_checkpoints = (None if keep_checkpoints is None
                                 else _check_int("keep_checkpoints", keep_checkpoints, 1))
        self.excess_wait = _check_number("excess_wait", excess_wait, 0.0)

    def trials_needed(self) -> int | None:
        """How many trials (segments) the whole population takes: ``population_size`` times the
        number of generations, ``ceil(max_step / perturbation_interval)``; None without ``max_step``.

        >>> import tunewise as tw
        >>> tw.schedulers.PBTScheduler(perturbation_interval=5, num_samples=4, max_step=20).trials_needed()
        16
        """
        if self.max_step is None:
            return None
        return self.population_size * -(-self.max_step // self.perturbation_interval)

    def budget_message(self, n_trials: int | None, started: int) -> str | None:
        """Why ``n_trials`` more trials (after ``started`` non-queued ones) cannot finish the
        population, and what would; None if they can (or it cannot be known)."""
        if n_trials is None:
            return None
        needed = self.trials_needed()
        total = started + n_trials
        if needed is not None:
            if total >= needed:
                return None
            gens = -(-self.max_step // self.perturbation_interval)  # type: ignore[operator]
            return (f"PBT: n_trials counts segments (a member's training between perturbations), not members: "
                    f"population_size={self.population_size} x {gens} generations (max_step={self.max_step}, "
                    f"perturbation_interval={self.perturbation_interval}) = {needed} trials, but this study will "
                    f"have {total}; the members stop unfinished (PRUNED or WAITING) and best_value has no "
                    f"COMPLETE trial. Use n_trials={needed - started}.")
        if total <= self.population_size:
            return (f"PBT: n_trials counts segments, not members: {total} trials cannot finish the first "
                    f"generation of population_size={self.population_size}, so no member completes. Use n_trials = "
                    f"population_size x generations (set max_step= and PBTScheduler.trials_needed() computes it).")
        return None

    # ---- membership --------------------------------------------------------------------
    def _roots(self, trials: Sequence[FrozenTrial]) -> list[int]:
        """Numbers of the population's lineage roots: the first trials that continue nothing (a
        retry of a trial whose worker died takes that trial's place, it is no new root)."""
        roots = [t.number for t in trials if CONTINUES_ATTR not in t.system_attrs
                 and _RETRIED_FROM not in t.system_attrs and t.state != TrialState.WAITING]
        return roots[: self.population_size]

    def _state(self, ctx: SchedulerContext, trial: FrozenTrial) -> dict[str, Any]:
        st = trial.system_attrs.get(ATTR)
        if st is not None:
            return copy.deepcopy(st)
        trials = ctx.get_trials()
        if _RETRIED_FROM in trial.system_attrs:  # the retry of a segment whose worker died: the same segment
            before = _retried(trials, trial)
            prior = before.system_attrs.get(ATTR)
            if prior is not None:
                return {k: v for k, v in copy.deepcopy(prior).items() if k not in _ARRIVAL}
            if before.number in self._roots([t for t in trials if t.number <= before.number]):
                return self._root_state(before.number)
        if trial.number in self._roots([t for t in trials if t.number <= trial.number]):
            return self._root_state(trial.number)
        return {"excess": True}

    @staticmethod
    def _root_state(number: int) -> dict[str, Any]:
        return {"lineage": number, "generation": 0, "start_step": 0, "parent": None, "donor": None,
                "clone_step": None}

    # ---- the hooks -----------------------------------------------------------------------
    def admits_new_trial(self, ctx: SchedulerContext) -> bool:
        """Whether a worker of ``optimize()`` should start a trial now: yes while members are still
        to start, when a segment is queued (the start claims it), and when no member trains (the
        population has finished, or a generation waits to be resolved); no while members train
        and nothing is queued. A trial started then could
        only wait and end as ``excess``, using a trial of the budget (the loop holds the worker,
        up to ``excess_wait`` seconds: ``_decisions.hold_new_trial``)."""
        trials = ctx.get_trials()
        if any(t.state == TrialState.WAITING for t in trials):
            return True
        roots, by_lineage = self._segments(trials)
        if len(roots) < self.population_size:
            return True
        # Hold only while a member trains: its arrival queues the next segments. With none
        # training (say the last one of a generation failed in its objective), nobody would
        # resolve the generation: a trial started now does (as an excess trial, at once).
        return not any(t.state == TrialState.RUNNING for segs in by_lineage.values() for t in segs)

    def admission_claims(self, ctx: SchedulerContext) -> list[str]:
        """Keys of which a new trial :meth:`admits_new_trial` admits now must claim one (the loop
        claims it in one atomic storage step before the start; a worker that claims none is not
        admitted): while members are still to start, one key per member not started. So at most
        ``population_size`` trials are ever admitted as new members, however the workers' checks
        and starts interleave: two workers that both saw the last member unstarted could
        otherwise both start, and the second trial would only be an ``excess`` one, using a
        trial of the budget (the last generation's last segment then never ran). Empty
        otherwise (the loop sees that each queued segment is started once: _decisions._admitted)."""
        trials = ctx.get_trials()
        if any(t.state == TrialState.WAITING for t in trials):
            return []
        started = len(self._roots(trials))
        return [f"pbt:member:{i}" for i in range(started, self.population_size)]

    def idle_suggestions(self, ctx: SchedulerContext) -> Sequence[Continuation]:
        """What a worker about to start a new trial should queue first: the latest generation if
        it is complete and nobody resolved it (its last member failed in its objective, or its
        worker died before enqueueing the next segments, which the repair could not redo either).
        Else nothing. Without it the new trial would run as an ``excess`` trial to resolve it, and
        use a trial of the budget."""
        trials = ctx.get_trials()
        if any(t.state == TrialState.WAITING for t in trials):
            return []
        roots, by_lineage = self._segments(trials)
        if len(roots) < self.population_size or self._population_done(trials):
            return []
        if any(t.state == TrialState.RUNNING for segs in by_lineage.values() for t in segs):
            return []
        return self._resolve_latest(ctx, trials)

    def on_report(self, ctx: SchedulerContext, trial: FrozenTrial) -> Decision:
        values = trial.intermediate_values
        if not values:
            return Decision.CONTINUE
        sign = _sign(ctx)
        st = self._state(ctx, trial)
        if st.get("excess"):
            return self._excess(ctx, trial, st)
        new = ATTR not in trial.system_attrs
        g = int(st["generation"])
        boundary = (g + 1) * self.perturbation_interval
        step = max(values)
        if step < boundary or (self.max_step is not None and boundary >= self.max_step):
            return Decision.proceed({ATTR: st}, publish=True) if new else Decision.CONTINUE
        if "arrived" in st:
            return Decision.pause(at=st["arrived_step"])
        st["arrived"] = g
        st["arrived_step"] = step
        st["value"] = values[step]
        st["loss"] = sign * values[step]
        # Published before anyone reads the others' arrivals: the last to arrive sees all and
        # resolves the generation (suggest).
        return Decision.pause(at=step, attrs={ATTR: st}, publish=True, suggest=True)

    def suggest(self, ctx: SchedulerContext, trial: FrozenTrial) -> Sequence[Continuation]:
        st = self._state(ctx, trial)  # an excess trial waits unrecorded
        if st.get("excess"):
            return self._resolve_latest(ctx, ctx.get_trials())
        if "arrived" in st:
            return self._resolve(ctx, int(st["arrived"]))
        return ()

    def _excess(self, ctx: SchedulerContext, trial: FrozenTrial, st: dict[str, Any]) -> Decision:
        # A trial outside the population: end it as soon as there is population work to run
        # (or run it as a plain trial once every lineage has finished). Meanwhile it waits (up
        # to excess_wait), resolving any generation nobody resolved (suggest).
        if self._population_done(ctx.get_trials()):
            return Decision.CONTINUE
        attrs = None if ATTR in trial.system_attrs else {ATTR: st}
        stop = Decision.stop(attrs, publish=attrs is not None)
        if ctx.count_trials((TrialState.WAITING,)) > 0:
            return Decision.stop(attrs, publish=attrs is not None, suggest=True)
        return Decision.wait(retry_after=0.05, timeout=self.excess_wait, then=stop, suggest=True)

    def _segments(self, trials: Sequence[FrozenTrial]) -> tuple[list[int], dict[int, list[FrozenTrial]]]:
        roots = self._roots(trials)
        by_lineage: dict[int, list[FrozenTrial]] = {r: [] for r in roots}
        for t in trials:
            st = t.system_attrs.get(ATTR)
            if st is None and _RETRIED_FROM in t.system_attrs:  # a retry that has not reported yet
                first = _retried(trials, t)
                st = first.system_attrs.get(ATTR) or ({"lineage": first.number} if first.number in by_lineage else None)
            if st is not None and not st.get("excess") and st.get("lineage") in by_lineage:
                by_lineage[st["lineage"]].append(t)
            elif st is None and t.number in by_lineage:
                by_lineage[t.number].append(t)
        return roots, by_lineage

    def _population_done(self, trials: Sequence[FrozenTrial]) -> bool:
        roots, by_lineage = self._segments(trials)
        if len(roots) < self.population_size:
            return False
        ended = _ended(trials)
        return all(any(ended(t) for t in segs) for segs in by_lineage.values())

    def _resolve_latest(self, ctx: SchedulerContext, trials: Sequence[FrozenTrial]) -> list[Continuation]:
        gens = [t.system_attrs[ATTR]["arrived"] for t in trials
                if ATTR in t.system_attrs and "arrived" in t.system_attrs[ATTR]]
        return self._resolve(ctx, max(gens)) if gens else []

    def _resolve(self, ctx: SchedulerContext, g: int) -> list[Continuation]:
        """If every living lineage arrived at the end of generation ``g``, exploit/explore once."""
        trials = ctx.get_trials()
        roots, by_lineage = self._segments(trials)
        if len(roots) < self.population_size:
            return []  # the population has not all started yet
        arrived: list[FrozenTrial] = []
        ended = _ended(trials)
        for segs in by_lineage.values():
            hit = [t for t in segs if t.system_attrs.get(ATTR, {}).get("arrived") == g]
            if hit:
                arrived.append(hit[0])
                continue
            dead = any(ended(t) for t in segs)
            if not dead:
                return []  # this lineage is still training (or queued) in generation g
        key = f"pbt:generation:{g}"
        suggested: set[str] = ctx.scratch(self).setdefault("suggested", set())
        if not arrived or key in suggested:
            return []
        suggested.add(key)  # the loop claims the key: exactly one worker enqueues the generation
        return self._exploit_and_explore(ctx, g, arrived, key)

    def _exploit_and_explore(self, ctx: SchedulerContext, g: int, arrived: list[FrozenTrial],
                             claim: str) -> list[Continuation]:
        ranked = sorted(arrived, key=lambda t: (t.system_attrs[ATTR]["loss"], t.number))
        n = len(ranked)
        n_q = int(math.floor(n * self.quantile_fraction))
        if n_q == 0 and n >= 2:
            n_q = 1
        top, bottom = ranked[:n_q], {t.number for t in ranked[n - n_q:]} if n_q else set()
        rng = np.random.default_rng(None if self.seed is None else [int(self.seed), g])
        out = []
        for t in sorted(arrived, key=lambda t: t.number):
            st = t.system_attrs[ATTR]
            step = int(st["arrived_step"])
            donor: FrozenTrial | None = None
            if t.number in bottom:
                donor = top[int(rng.integers(len(top)))]
                params = self._explore(ctx, donor.params, rng)
            else:
                params = dict(t.params)
            attrs = {ATTR: {
                "lineage": st["lineage"], "generation": g + 1, "start_step": step, "parent": t.number,
                "donor": None if donor is None else donor.number,
                "donor_lineage": None if donor is None else donor.system_attrs[ATTR]["lineage"],
                "clone_step": None if donor is None else int(donor.system_attrs[ATTR]["arrived_step"]),
                "parent_value": st["value"],
            }}
            out.append(Continuation(continues=t.number, params=params, attrs=attrs,
                                    checkpoint_from=None if donor is None else donor.number, claim=claim))
        return out

    # ---- explore -------------------------------------------------------------------------
    def _explore(self, ctx: SchedulerContext | Study, params: Mapping[str, Any],
                 rng: np.random.Generator) -> dict[str, Any]:
        dists = ctx.distributions
        out = dict(params)
        names = list(self.hyperparam_mutations) if self.hyperparam_mutations is not None else list(params)
        for name in names:
            if name not in params or name not in dists:
                continue
            dist = dists[name]
            spec = (self.hyperparam_mutations or {}).get(name, dist)
            out[name] = self._mutate(params[name], spec, dist, rng)
        return out

    def _mutate(self, value: Any, spec: Any, dist: D.Distribution, rng: np.random.Generator) -> Any:
        resample = rng.random() < self.resample_probability
        if isinstance(spec, list):  # explicit values: resample one, or move to a neighbour
            if resample:
                new = spec[int(rng.integers(len(spec)))]
            else:
                i = _nearest_index(spec, value)
                new = spec[_neighbour(i, len(spec), rng)]
            return _clip(new, dist)
        if isinstance(spec, D.Categorical):
            if resample:
                return _clip(spec.choices[int(rng.integers(len(spec.choices)))], dist)
            i = _nearest_index(list(spec.choices), value)
            return _clip(spec.choices[_neighbour(i, len(spec.choices), rng)], dist)
        if resample:
            return _clip(spec.from_unit(rng.random()), dist)
        factor = self.perturbation_factors[int(rng.integers(len(self.perturbation_factors)))]
        return _clip(value * factor, dist)

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "perturbation_interval": self.perturbation_interval,
                "population_size": self.population_size, "quantile_fraction": self.quantile_fraction,
                "resample_probability": self.resample_probability,
                "perturbation_factors": list(self.perturbation_factors), "max_step": self.max_step,
                "seed": self.seed}


def _nearest_index(values: list[Any], value: Any) -> int:
    if value in values:
        return values.index(value)
    try:
        return int(np.argmin([abs(float(v) - float(value)) for v in values]))
    except (TypeError, ValueError):
        return 0


def _neighbour(i: int, n: int, rng: np.random.Generator) -> int:
    if n == 1:
        return 0
    if i == 0:
        return 1
    if i == n - 1:
        return n - 2
    return i + (1 if rng.random() < 0.5 else -1)


def _clip(value: Any, dist: D.Distribution) -> Any:
    """Bring a mutated value back into the parameter's distribution (bounds, step, integrality)."""
    if isinstance(dist, D.Categorical):
        return value if value in dist.choices else dist.choices[_nearest_index(list(dist.choices), value)]
    v = min(max(float(value), float(dist.low)), float(dist.high))
    if isinstance(dist, D.Int):
        return int(dist.from_unit(dist.to_unit(int(round(v)))))
    if dist.step is not None:
        return float(dist.from_unit(dist.to_unit(v)))
    return v


def lineage(study: Study) -> list[dict[str, Any]]:
    """One row per PBT segment, for plotting the population's family tree.

    Keys: ``trial`` (number), ``state``, ``lineage`` (root trial number), ``generation``,
    ``start_step``, ``parent`` (trial it continues), ``donor`` (trial whose checkpoint and
    parameters it cloned, or None), ``clone_step``, ``value`` (at the end of the segment), ``params``.

    >>> import tunewise as tw
    >>> tw.schedulers.lineage(tw.create_study())
    []
    """
    rows = []
    for t in study.get_trials():
        st = t.system_attrs.get(ATTR)
        if st is None or st.get("excess"):
            continue
        end_value = st.get("value", t.value)
        rows.append({"trial": t.number, "state": t.state.value, "lineage": st.get("lineage"),
                     "generation": st.get("generation"), "start_step": st.get("start_step"),
                     "parent": st.get("parent"), "donor": st.get("donor"), "clone_step": st.get("clone_step"),
                     "value": end_value, "params": dict(t.params)})
    return rows
