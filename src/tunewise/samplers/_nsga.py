"""NSGA-II and NSGA-III: evolutionary multi-objective search.

NSGA-II (Deb et al. 2002): each generation of ``population_size`` trials is bred from the best
``population_size`` finished trials so far, chosen by non-dominated sorting and, inside the last
front that fits, by crowding distance; parents are picked by binary tournament and combined by
simulated binary crossover (SBX) and polynomial mutation on the unit cube of each numeric
parameter (uniform crossover and random reset for categorical ones). NSGA-III (Deb and Jain 2014)
keeps the same loop but fills the last front by niching around Das-Dennis reference directions,
which spreads the population better with three or more objectives.

Constraints (``trial.set_constraint`` / ``create_study(constraints_func=)``) use constrained
domination (Deb 2000): a feasible trial beats an infeasible one, and of two infeasible trials the
one with less violation wins.

A trial's generation is its number // ``population_size``, so any number of workers share the
generations without coordination, and a study that switches to NSGA-II (``AutoSampler``) breeds
from every trial it already has.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._constraints import violation
from tunewise._pareto import pareto_rank, signs_of
from tunewise.samplers._base import Sampler
from tunewise.samplers._optuna_options import warn_not_honoured
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from tunewise.samplers._context import Proposal, StudyContext, TrialContext
    from tunewise.samplers.nsgaii import BaseCrossover, BaseMutation
    from tunewise.trial import FrozenTrial

__all__ = ["NSGAIIISampler", "NSGAIISampler"]

GENERATION_ATTR = "nsga:generation"


def sbx_spread(u: Any, eta: float, room: Any, gap: Any) -> Any:
    """Simulated binary crossover's spread factor, bounded form (Deb and Agrawal 1995): for uniform
    draws ``u``, parents ``gap`` apart and ``room`` from them to the bound on the child's side, the
    factor whose tail is cut where the child would leave the bounds. Scalars or arrays; the
    sampler's SBX and Optuna's ``SBXCrossover.crossover`` share it.

    >>> round(float(sbx_spread(0.5, 2.0, 1.0, 1.0)), 4)  # far from the bound: the plain SBX factor, about 1
    0.9938
    """
    alpha = 2.0 - (1.0 + 2.0 * np.divide(room, gap)) ** -(eta + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (u * alpha) ** (1.0 / (eta + 1.0))
        outside = (1.0 / (2.0 - u * alpha)) ** (1.0 / (eta + 1.0))
    return np.where(u <= 1.0 / alpha, inside, outside)


def polynomial_shift(u: float, x: float, eta: float) -> float:
    """Polynomial mutation's move of ``x`` in [0, 1] for a uniform draw ``u`` (Deb and Goyal 1996,
    the bounded form of the NSGA-II C code: the reach shrinks with the distance to the bound on its
    side). The sampler's mutation and Optuna's ``PolynomialMutation.mutation`` share it.

    >>> polynomial_shift(0.5, 0.3, 20.0)
    0.0
    """
    if u < 0.5:
        return float((2 * u + (1 - 2 * u) * (1 - x) ** (eta + 1)) ** (1 / (eta + 1)) - 1)
    return float(1 - (2 * (1 - u) + 2 * (u - 0.5) * x ** (eta + 1)) ** (1 / (eta + 1)))


def crowding_distance(v: np.ndarray) -> np.ndarray:
    """Crowding distance of each row of one front (Deb et al. 2002, Sec. III-B); the extremes get inf."""
    n, m = v.shape
    if n <= 2:
        return np.full(n, np.inf)
    out = np.zeros(n)
    for j in range(m):
        order = np.argsort(v[:, j], kind="stable")
        col = v[order, j]
        span = col[-1] - col[0]
        out[order[0]] = out[order[-1]] = np.inf
        if span > 0:
            out[order[1:-1]] += (col[2:] - col[:-2]) / span
    return out


def constrained_rank(values: np.ndarray, viol: np.ndarray) -> np.ndarray:
    """Fronts under constrained domination: feasible rows by Pareto rank, then infeasible rows by
    violation (less first)."""
    rank = np.zeros(len(values), dtype=int)
    ok = viol <= 0
    if ok.any():
        rank[ok] = pareto_rank(values[ok])
    if (~ok).any():
        start = int(rank[ok].max()) + 1 if ok.any() else 0
        rank[~ok] = start + np.unique(viol[~ok], return_inverse=True)[1]
    return rank


def das_dennis(n_objectives: int, n_partitions: int) -> np.ndarray:
    """Das-Dennis reference directions on the unit simplex (every composition of ``n_partitions``)."""
    def compositions(total: int, parts: int) -> list[list[int]]:
        if parts == 1:
            return [[total]]
        return [[i, *rest] for i in range(total + 1) for rest in compositions(total - i, parts - 1)]

    return np.array(compositions(n_partitions, n_objectives), dtype=float) / n_partitions


def _optuna_operators(sampler: str, crossover: Any, mutation: Any, eta_crossover: float, eta_mutation: float,
                      swapping_prob: float, stacklevel: int,
                      hooks: dict[str, Callable[..., Any] | None]) -> tuple[float, float, float]:
    """``(eta_crossover, eta_mutation, swapping_prob)`` with Optuna's operator objects applied;
    a warning for each operator or hook tunewise's NSGA cannot run."""
    from tunewise.samplers import nsgaii

    if crossover is not None:
        if not isinstance(crossover, nsgaii.BaseCrossover):
            raise TypeError("crossover must be an operator of tunewise.samplers.nsgaii (e.g. SBXCrossover()), "
                            f"got {crossover!r}")
        if type(crossover) is nsgaii.SBXCrossover:
            eta_crossover = 20.0 if crossover.eta is None else crossover.eta
            if (crossover.uniform_crossover_prob, crossover.use_child_gene_prob) != (0.5, 0.5):
                warn_not_honoured(sampler, "crossover", crossover, "its SBX takes a child's gene always and "
                                  "either child with probability 0.5", stacklevel=stacklevel)
        elif type(crossover) is nsgaii.UniformCrossover:
            swapping_prob = crossover.swapping_prob
            warn_not_honoured(sampler, "crossover", crossover, "uniform crossover (swapping_prob) breeds the "
                              "categorical parameters only; numeric ones are bred by SBX", stacklevel=stacklevel)
        else:
            warn_not_honoured(sampler, "crossover", crossover, "numeric parameters are bred by simulated binary "
                              "crossover (eta_crossover), categorical ones by uniform crossover", stacklevel=stacklevel)
    if mutation is not None:
        if not isinstance(mutation, nsgaii.BaseMutation):
            raise TypeError("mutation must be an operator of tunewise.samplers.nsgaii (e.g. PolynomialMutation()), "
                            f"got {mutation!r}")
        if type(mutation) is nsgaii.PolynomialMutation:
            eta_mutation = mutation.eta
        else:
            warn_not_honoured(sampler, "mutation", mutation, "numeric parameters are mutated by polynomial "
                              "mutation (eta_mutation), categorical ones by a random reset", stacklevel=stacklevel)
    instead = {
        "elite_population_selection_strategy": "survivors are chosen by non-dominated sorting (constrained "
                                               "domination) and crowding distance or reference-point niching",
        "child_generation_strategy": "children are bred by tournament selection, crossover and mutation",
        "after_trial_strategy": "nothing is run after a trial (constraints come from trial.set_constraint or "
                                "constraints_func)",
    }
    for name, hook in hooks.items():
        if hook is None:
            continue
        if not callable(hook):
            raise TypeError(f"{name} must be a function or None, got {hook!r}")
        warn_not_honoured(sampler, name, hook, instead[name], stacklevel=stacklevel)
    return eta_crossover, eta_mutation, swapping_prob


class NSGAIISampler(Sampler):
    """NSGA-II for multi-objective studies (one objective works too: a plain genetic algorithm).

    Args:
        population_size: trials per generation (and survivors bred from); the first generation
            is random.
        mutation_prob: chance that each parameter of a child is mutated; default ``1 / d``.
        crossover_prob: chance that two parents are crossed (else a child copies one parent).
        swapping_prob: chance that a categorical parameter comes from the second parent in a
            crossover.
        eta_crossover: SBX distribution index (larger: children closer to their parents).
        eta_mutation: polynomial mutation distribution index.
        seed: seed of the sampler's random stream.
        crossover: Optuna's crossover object (:mod:`tunewise.samplers.nsgaii`):
            ``SBXCrossover(eta)`` sets ``eta_crossover``, ``UniformCrossover(p)`` sets
            ``swapping_prob``; other operators are accepted with a warning (numeric parameters
            keep SBX).
        mutation: Optuna's mutation object: ``PolynomialMutation(eta)`` sets ``eta_mutation``;
            others are accepted with a warning.
        elite_population_selection_strategy: Optuna's hook; accepted with a warning, tunewise's
            own selection is used.
        child_generation_strategy: Optuna's hook; accepted with a warning, tunewise's own
            breeding is used.
        after_trial_strategy: Optuna's hook; accepted with a warning.

    >>> import tunewise as tw
    >>> study = tw.create_study(directions=["minimize", "minimize"],
    ...                         sampler=tw.samplers.NSGAIISampler(population_size=10, seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), (1 - t.params["x"]) ** 2), n_trials=40)
    >>> len(study.best_trials) >= 5
    True
    """

    def __init__(
        self,
        population_size: int = 50,
        mutation_prob: float | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        *,
        eta_crossover: float = 15.0,
        eta_mutation: float = 20.0,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        crossover: BaseCrossover | None = None,
        mutation: BaseMutation | None = None,
        elite_population_selection_strategy: Callable[..., Any] | None = None,
        child_generation_strategy: Callable[..., Any] | None = None,
        after_trial_strategy: Callable[..., Any] | None = None,
    ) -> None:
        self.constraints_func = constraints_func  # Optuna's place for the study's constraints_func
        eta_crossover, eta_mutation, swapping_prob = _optuna_operators(
            type(self).__name__, crossover, mutation, eta_crossover, eta_mutation, swapping_prob,
            4 if type(self).__init__ is NSGAIISampler.__init__ else 5,  # warnings point at the user's call
            {"elite_population_selection_strategy": elite_population_selection_strategy,
             "child_generation_strategy": child_generation_strategy, "after_trial_strategy": after_trial_strategy})
        if isinstance(population_size, bool) or not isinstance(population_size, (int, np.integer)) \
                or population_size < 2:
            raise ValueError(f"population_size must be an integer >= 2, got {population_size!r}")
        for name, value in (("crossover_prob", crossover_prob), ("swapping_prob", swapping_prob),
                            ("mutation_prob", 0.5 if mutation_prob is None else mutation_prob)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
        for name, value in (("eta_crossover", eta_crossover), ("eta_mutation", eta_mutation)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        self.population_size = int(population_size)
        self.mutation_prob = None if mutation_prob is None else float(mutation_prob)
        self.crossover_prob = float(crossover_prob)
        self.swapping_prob = float(swapping_prob)
        self.eta_crossover = float(eta_crossover)
        self.eta_mutation = float(eta_mutation)
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._parents: tuple[Hashable, int, list[FrozenTrial], np.ndarray, np.ndarray] | None = None

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_parents"] = None  # a worker rebuilds it from its own storage
        return state

    # ---- survival --------------------------------------------------------------------------
    def _fill_last_front(self, v: np.ndarray, chosen: np.ndarray, front: np.ndarray, k: int) -> np.ndarray:
        """Which ``k`` rows of ``front`` survive (NSGA-II: largest crowding distance)."""
        crowd = crowding_distance(v[front])
        return front[np.argsort(-crowd, kind="stable")[:k]]

    def _survivors(self, values: np.ndarray, viol: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Indices of the population, with each one's front and crowding distance (for tournaments)."""
        rank = constrained_rank(values, viol)
        pop = self.population_size
        chosen = np.empty(0, dtype=int)
        for r in np.unique(rank):
            front = np.flatnonzero(rank == r)
            if len(chosen) + len(front) <= pop:
                chosen = np.concatenate([chosen, front])
            else:
                chosen = np.concatenate([chosen, self._fill_last_front(values, chosen, front, pop - len(chosen))])
                break
            if len(chosen) == pop:
                break
        crowd = np.zeros(len(chosen))
        for r in np.unique(rank[chosen]):
            members = np.flatnonzero(rank[chosen] == r)
            crowd[members] = crowding_distance(values[chosen[members]])
        return chosen, rank[chosen], crowd

    def _population(self, study: StudyContext, generation: int) -> tuple[list[FrozenTrial], np.ndarray, np.ndarray]:
        cached = self._parents
        key = study.history_id
        if cached is not None and cached[0] == key and cached[1] == generation:
            return cached[2], cached[3], cached[4]
        limit = generation * self.population_size
        trials = [t for t in study.get_trials(states=(TrialState.COMPLETE,))
                  if t.number < limit and t.values is not None and len(t.values) == len(study.directions)]
        if not trials:
            self._parents = (key, generation, [], np.empty(0, dtype=int), np.empty(0))
            return [], np.empty(0, dtype=int), np.empty(0)
        values = np.array([t.values for t in trials], dtype=float) * signs_of(study.directions)
        viol = np.array([violation(t) for t in trials])
        idx, rank, crowd = self._survivors(values, viol)
        parents = [trials[i] for i in idx]
        self._parents = (key, generation, parents, rank, crowd)
        return parents, rank, crowd

    # ---- variation -------------------------------------------------------------------------
    def _tournament(self, rank: np.ndarray, crowd: np.ndarray) -> int:
        a, b = self._rng.integers(len(rank), size=2)
        if rank[a] != rank[b]:
            return int(a if rank[a] < rank[b] else b)
        return int(a if crowd[a] >= crowd[b] else b)

    def _sbx(self, x1: float, x2: float) -> float:
        """One child of simulated binary crossover on [0, 1] (Deb and Agrawal 1995, bounded form)."""
        if abs(x1 - x2) < 1e-14:
            return x1
        lo, hi = min(x1, x2), max(x1, x2)
        u = self._rng.random()
        c1 = 0.5 * (lo + hi - sbx_spread(u, self.eta_crossover, lo, hi - lo) * (hi - lo))
        c2 = 0.5 * (lo + hi + sbx_spread(u, self.eta_crossover, 1.0 - hi, hi - lo) * (hi - lo))
        child = c1 if self._rng.random() < 0.5 else c2
        return float(np.clip(child, 0.0, 1.0))

    def _mutate(self, x: float) -> float:
        """Polynomial mutation on [0, 1] (Deb and Goyal 1996)."""
        return float(np.clip(x + polynomial_shift(self._rng.random(), x, self.eta_mutation), 0.0, 1.0))

    def _child(self, p1: FrozenTrial, p2: FrozenTrial, dists: dict[str, D.Distribution]) -> dict[str, Any]:
        names = [n for n, d in dists.items() if not (isinstance(d, D.Categorical) and d.grid)]
        cross = self._rng.random() < self.crossover_prob
        pm = self.mutation_prob if self.mutation_prob is not None else 1.0 / max(len(names), 1)
        out: dict[str, Any] = {}
        for name in names:
            dist = dists[name]
            has1 = name in p1.params and dist.contains(p1.params[name])
            has2 = name in p2.params and dist.contains(p2.params[name])
            if not (has1 or has2):
                out[name] = dist.from_unit(self._rng.random())  # neither parent has it (conditional space)
                continue
            first = p1 if has1 else p2
            second = p2 if has2 else p1
            if isinstance(dist, D.Categorical):
                pick = second if cross and self._rng.random() < self.swapping_prob else first
                value = pick.params[name]
                if self._rng.random() < pm:
                    value = dist.choices[int(self._rng.integers(len(dist.choices)))]
                out[name] = value
                continue
            u1, u2 = dist.to_unit(first.params[name]), dist.to_unit(second.params[name])
            u = self._sbx(u1, u2) if cross else u1
            if self._rng.random() < pm:
                u = self._mutate(u)
            out[name] = dist.from_unit(u)
        return out

    # ---- the sampler hooks -----------------------------------------------------------------
    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        from tunewise.samplers._context import Proposal

        dists = study.distributions
        generation = trial.number // self.population_size
        parents, rank, crowd = self._population(study, generation) if generation > 0 else ([], None, None)
        if len(parents) < 2 or rank is None or crowd is None:
            params = {n: d.from_unit(self._rng.random()) for n, d in dists.items()
                      if not (isinstance(d, D.Categorical) and d.grid)}
        else:
            p1 = parents[self._tournament(rank, crowd)]
            p2 = parents[self._tournament(rank, crowd)]
            params = self._child(p1, p2, dists)
        return Proposal(params, trial_attrs={GENERATION_ATTR: generation})

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return distribution.from_unit(self._rng.random())

    def describe(self) -> dict[str, Any]:
        return {"name": type(self).__name__, "seed": self.seed, "population_size": self.population_size,
                "mutation_prob": self.mutation_prob, "crossover_prob": self.crossover_prob,
                "swapping_prob": self.swapping_prob, "eta_crossover": self.eta_crossover,
                "eta_mutation": self.eta_mutation}


class NSGAIIISampler(NSGAIISampler):
    """NSGA-III: NSGA-II with the last front filled by niching around reference directions, which
    keeps an even spread on fronts of three or more objectives (Deb and Jain 2014).

    Args:
        reference_points: reference directions (rows on the unit simplex, one column per
            objective); default Das-Dennis points with enough partitions for about
            ``population_size`` directions.
        dividing_parameter: Optuna's keyword: Das-Dennis points with this many partitions of
            each objective's axis (Optuna's default is 3; None: tunewise's choice above).

    The other arguments are those of :class:`NSGAIISampler`.

    >>> import tunewise as tw
    >>> def objective(t):
    ...     x, y = t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)
    ...     return x * y, x * (1 - y), 1 - x
    >>> study = tw.create_study(directions=["minimize"] * 3,
    ...                         sampler=tw.samplers.NSGAIIISampler(population_size=12, seed=0))
    >>> study.optimize(objective, n_trials=48)
    >>> len(study.best_trials) >= 6
    True
    """

    def __init__(self, population_size: int = 50, mutation_prob: float | None = None, crossover_prob: float = 0.9,
                 swapping_prob: float = 0.5, seed: int | None = None, *, reference_points: Any = None,
                 eta_crossover: float = 30.0, eta_mutation: float = 20.0,
                 constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
                 dividing_parameter: int | None = None, crossover: BaseCrossover | None = None,
                 mutation: BaseMutation | None = None,
                 elite_population_selection_strategy: Callable[..., Any] | None = None,
                 child_generation_strategy: Callable[..., Any] | None = None,
                 after_trial_strategy: Callable[..., Any] | None = None) -> None:
        super().__init__(population_size, mutation_prob, crossover_prob, swapping_prob, seed,
                         eta_crossover=eta_crossover, eta_mutation=eta_mutation, constraints_func=constraints_func,
                         crossover=crossover, mutation=mutation,
                         elite_population_selection_strategy=elite_population_selection_strategy,
                         child_generation_strategy=child_generation_strategy,
                         after_trial_strategy=after_trial_strategy)
        if dividing_parameter is not None and (isinstance(dividing_parameter, bool) or not isinstance(
                dividing_parameter, (int, np.integer)) or dividing_parameter < 1):
            raise ValueError(f"dividing_parameter must be an integer >= 1 or None, got {dividing_parameter!r}")
        self.dividing_parameter = None if dividing_parameter is None else int(dividing_parameter)
        if reference_points is not None:
            ref = np.asarray(reference_points, dtype=float)
            if ref.ndim != 2 or len(ref) == 0 or not np.isfinite(ref).all() or (ref < 0).any():
                raise ValueError("reference_points must be a non-empty 2-d array of non-negative numbers "
                                 f"(one row per direction, one column per objective), got {reference_points!r}")
            reference_points = ref
        self.reference_points: np.ndarray | None = reference_points

    def _directions(self, m: int) -> np.ndarray:
        if self.reference_points is not None:
            if self.reference_points.shape[1] != m:
                raise ValueError(f"reference_points have {self.reference_points.shape[1]} columns, but the study "
                                 f"has {m} objectives")
            return self.reference_points
        if self.dividing_parameter is not None:  # Optuna's: that many partitions of each objective's axis
            return das_dennis(m, self.dividing_parameter)
        p = 1
        while len(das_dennis(m, p + 1)) <= self.population_size:
            p += 1
        return das_dennis(m, p)

    def _fill_last_front(self, v: np.ndarray, chosen: np.ndarray, front: np.ndarray, k: int) -> np.ndarray:
        # Normalise by the ideal point and the extent of the candidates (Deb and Jain 2014,
        # Sec. IV-C, with the nadir estimated by the worst values), associate every point to its
        # nearest reference direction, then fill the least crowded niches first.
        pool = np.concatenate([chosen, front])
        ideal = v[pool].min(axis=0)
        span = v[pool].max(axis=0) - ideal
        span = np.where(span > 0, span, 1.0)
        z = (v[pool] - ideal) / span
        ref = self._directions(v.shape[1])
        unit = ref / np.maximum(np.linalg.norm(ref, axis=1, keepdims=True), 1e-12)
        proj = z @ unit.T
        dist = np.sqrt(np.maximum((z * z).sum(axis=1)[:, None] - proj ** 2, 0.0))
        niche = dist.argmin(axis=1)
        near = dist[np.arange(len(pool)), niche]
        count = np.bincount(niche[: len(chosen)], minlength=len(ref)).astype(float)
        cand_niche, cand_dist = niche[len(chosen):], near[len(chosen):]
        open_ = np.ones(len(front), dtype=bool)
        picked: list[int] = []
        active = np.isin(np.arange(len(ref)), cand_niche)
        while len(picked) < k:
            c = np.where(active, count, np.inf)
            least = np.flatnonzero(c == c.min())
            j = int(least[self._rng.integers(len(least))])
            members = np.flatnonzero(open_ & (cand_niche == j))
            if len(members) == 0:
                active[j] = False
                continue
            i = int(members[np.argmin(cand_dist[members])] if count[j] == 0
                    else members[self._rng.integers(len(members))])
            picked.append(i)
            open_[i] = False
            count[j] += 1
        return front[np.array(picked, dtype=int)]

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["reference_points"] = None if self.reference_points is None else self.reference_points.tolist()
        return out
