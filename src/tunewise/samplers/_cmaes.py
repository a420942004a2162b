"""CMA-ES (Hansen 2016, "The CMA Evolution Strategy: A Tutorial") on the numeric parameters of a study.

The search runs in the unit cube of ``Distribution.to_unit`` (log-scaled parameters in log space,
integer and stepped ones in equal-width cells), with the ``cmaes`` library's optimizers: ``CMA``,
``SepCMA`` (diagonal covariance, Ros and Hansen 2008), ``CMAwM`` (a margin keeps integer and
stepped parameters from freezing on one value, Hamano et al. 2022), learning-rate adaptation
(Nomura et al. 2023), warm starting from earlier trials (Nomura et al. 2021) and IPOP restarts
(Auger and Hansen 2005).

**The storage is the optimizer's memory.** Each trial the sampler proposes records, in its
system attrs, the search space, the generation it was drawn for and the *basis* of the optimizer
it was drawn from (a digest of every choice of told trials before it). Any process rebuilds the
optimizer by replaying the tells from the study's finished trials; nothing but JSON is stored
(Optuna's ``CmaEsSampler`` stores the pickled optimizer instead).

A generation ``g`` is told as soon as it has ``population_size`` usable trials (COMPLETE, or
PRUNED with ``consider_pruned_trials``) drawn from the same basis; an earlier trial of ``g``
still RUNNING (a killed or hung worker, an ``ask()`` never told) does not hold it back. Which
trials it was told is agreed through the storage: the process that proposes the next
generation's first trial claims ``cmaes:told:<space>:<restart>:<g>`` and records its choice on
that trial (``"told"`` in the trial's attrs, written atomically with the trial's start). Every
process replays, for each generation in turn:

1. the choice recorded by the lowest-numbered trial that records one (and whose trials are
   usable and of the right basis), as final as trial numbers are;
2. else the choice an earlier version recorded in the study's system attrs (a generation told
   past a stuck trial);
3. else its own candidate: the first ``population_size`` usable trials by number.

A process re-checks a generation it has told whenever a trial of that generation or a record
of it arrives, and replays the whole run if its choice no longer stands (another process's
record came first, or a smaller-numbered trial finished before any record was written), so
every process (a worker of ``n_jobs``, a second machine, a study resumed next week) holds the
optimizer that the trials in the storage determine. The claim only saves draws: a process it
is refused to re-reads the study and draws from the winner's choice; if the winner died before
its trial started, records made without the claim settle it (the lowest-numbered one counts). A
trial drawn from a choice that lost (or for a generation that already had its population) is
not told: CMA-ES's update needs samples of the current distribution.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import open_value
from tunewise.samplers._base import Sampler
from tunewise.samplers._context import Proposal, StudyContext, TrialContext, TrialCursor
from tunewise.samplers._optuna_options import independent_seed as _sub_seed
from tunewise.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from tunewise.study import Study

__all__ = ["CmaEsSampler"]

#: The trial system attr that says which CMA-ES generation a trial was drawn for:
#: ``{"space": key, "restart": r, "generation": g, "basis": digest}`` (and ``"x"``, the raw point,
#: with a margin; and ``"told": [{"restart": r, "generation": g, "trials": [numbers]}]``, the
#: choices the trial records, on the first trials of a generation).
GENERATION_ATTR = "cmaes"

_RESTART_STRATEGIES = ("ipop",)
_MIN_SOURCE_TRIALS = 10  # the warm start fits the best 10% of the source trials: at least one
#: The claim a process makes for recording which trials a generation (space, restart, generation)
#: was told; also the study system attr under which earlier versions recorded a generation told past
#: a trial that stayed RUNNING (still replayed).
_TOLD = "cmaes:told:{}:{}:{}"

_Label = tuple[int, int]  # (restart, generation)
_Member = tuple[FrozenTrial, float, "str | None"]  # a usable trial of a generation: its value, its basis


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


class _Run:
    """One CMA-ES run over one search space: the optimizer and where it is (restart, generation)."""

    __slots__ = ("basis", "bounds", "dists", "generation", "key", "log", "names", "optimizer", "popsize", "restart",
                 "steps", "suspect", "unrecorded")

    def __init__(self, key: str, space: Mapping[str, D.Distribution], with_margin: bool) -> None:
        self.key = key
        self.names = list(space)
        self.dists = [space[n] for n in self.names]
        d = len(self.names)
        self.bounds = np.tile([0.0, 1.0], (d, 1))
        self.steps = np.zeros(d)
        if with_margin:
            # Integer and stepped parameters (not log-scaled) are lattices of n cell centres
            # (k + 0.5) / n in the unit cube: CMAwM draws on that lattice, with a margin.
            for j, dist in enumerate(self.dists):
                n = dist.n_values
                if isinstance(dist, (D.Float, D.Int)) and n is not None and not dist.log:
                    self.bounds[j] = (0.5 / n, 1.0 - 0.5 / n)
                    self.steps[j] = 1.0 / n
        self.restart = 0
        self.generation = 0
        self.popsize = 0
        self.optimizer: Any = None
        self.basis = ""  # digest of the choices told so far: what the next draws are drawn from
        # label -> (the trial numbers it was told, the basis before it, its popsize, where the
        # choice came from: "record", "legacy" or "candidate")
        self.log: dict[_Label, tuple[tuple[int, ...], str, int, str]] = {}
        self.suspect: set[_Label] = set()  # told labels whose choice may have changed (new trials, records)
        self.unrecorded: set[_Label] = set()  # told from this process's candidate, no record seen yet

    def encode(self, params: Mapping[str, Any]) -> np.ndarray:
        """A trial's parameters as a point of the unit cube (the point it evaluated)."""
        return np.array([d.to_unit(params[n]) for n, d in zip(self.names, self.dists)], dtype=float)

    def decode(self, x: np.ndarray) -> dict[str, Any]:
        return {n: open_value(d, float(u)) for n, d, u in zip(self.names, self.dists, x)}


class _History:
    """What the sampler has read of one study's finished trials (they never change)."""

    __slots__ = ("carriers", "claims", "cursor", "finished", "has_legacy", "legacy", "members", "n_usable",
                 "rebuilds", "records", "runs", "space", "why")

    def __init__(self, cursor: TrialCursor) -> None:
        self.cursor = cursor
        self.n_usable = 0  # COMPLETE trials (and PRUNED ones with consider_pruned_trials)
        # The parameters every usable trial has, with the same distribution (Optuna's intersection
        # search space); None before the first usable trial.
        self.space: dict[str, D.Distribution] | None = None
        self.why: dict[str, str] = {}  # parameters left out of the space, and why
        # space key -> label -> usable trials drawn for it, with their signed values and bases
        self.members: dict[str, dict[_Label, list[_Member]]] = {}
        # space key -> label -> number of a trial that records the label's told trials -> their numbers
        self.records: dict[str, dict[_Label, dict[int, tuple[int, ...]]]] = {}
        self.carriers: set[int] = set()  # trials whose records were read (RUNNING ones are shown again)
        self.finished: set[int] = set()  # numbers of every finished trial read
        self.has_legacy = False  # a trial drawn by an earlier version (no basis): read its study records
        self.legacy: dict[str, Any] | None = None  # those records (study system attrs), once read
        self.claims: set[str] = set()  # claims made here (won or refused): never made again
        self.rebuilds = 0  # runs replayed from the start because a choice told here lost
        self.runs: dict[str, _Run] = {}


class CmaEsSampler(Sampler):
    """CMA-ES over the numeric parameters, with Optuna's ``CmaEsSampler`` arguments.

    Float and integer parameters are searched jointly by CMA-ES in the unit cube (log-scaled
    ones in log space); categorical parameters, parameters a trial may lack (a conditional
    space) and parameters whose range changed between trials are sampled by
    ``independent_sampler``, with a warning (as in Optuna). The first ``n_startup_trials``
    trials are all sampled by ``independent_sampler``. One objective only; constraints are not
    used (a warning says so).

    The optimizer is rebuilt from the study's trials in each process (see the module
    docstring), so parallel workers (``n_jobs``, several machines on one storage) share one
    search, and a resumed study goes on from the generation it had reached. A trial that fails
    or is pruned does not stall a generation: it draws more trials instead; nor does one that
    stays RUNNING (a killed or hung worker): a generation is told as soon as it has
    ``population_size`` results. With several workers, trials drawn for a generation after it
    had its ``population_size`` results are not told (CMA-ES's update needs a sample of the
    current distribution).

    Args:
        x0: initial mean, a dict of parameter values (default: the centre of each range).
            Parameters it leaves out start at their centre.
        sigma0: initial step size in the unit cube (default ``1/6``).
        n_startup_trials: usable finished trials sampled by ``independent_sampler`` first.
        independent_sampler: samples what CMA-ES does not (default ``RandomSampler``).
        warn_independent_sampling: warn (once per parameter) when a parameter goes to
            ``independent_sampler`` after the start-up.
        seed: seed of the sampler's random stream.
        consider_pruned_trials: tell PRUNED trials with their last reported value.
        restart_strategy: ``"ipop"`` restarts CMA-ES from a random mean with a population
            ``inc_popsize`` times larger whenever it has converged (Auger and Hansen 2005);
            None never restarts. Optuna's ``"bipop"`` restarts as ``"ipop"``, with a warning.
        popsize: population size (default ``4 + floor(3 ln d)``).
        inc_popsize: population growth per IPOP restart (default 2; ``-1``, Optuna's default, is
            the default too). Given without ``restart_strategy`` it has no effect, with a
            warning.
        use_separable_cma: diagonal covariance (sep-CMA-ES): faster learning on separable
            problems.
        with_margin: CMA-ES with margin for integer and stepped parameters.
        lr_adapt: learning-rate adaptation, for multimodal and noisy problems.
        source_trials: finished trials of an earlier, similar study to warm-start from (their
            best 10% set the initial mean and covariance; at least 10 trials).

    ``use_separable_cma``, ``with_margin`` and ``lr_adapt`` exclude each other (``with_margin``
    and ``lr_adapt`` together too), and ``source_trials`` excludes ``x0``, ``sigma0`` and
    ``use_separable_cma``, as in Optuna. Optuna 4.4+ deprecates ``restart_strategy`` and
    ``inc_popsize`` and ignores them (plain CMA-ES, with a warning); tunewise runs IPOP restarts.

    >>> import tunewise as tw
    >>> def sphere(trial):
    ...     return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))
    >>> study = tw.create_study(sampler=tw.samplers.CmaEsSampler(seed=0))
    >>> study.optimize(sphere, n_trials=120)
    >>> study.best_value < 0.1
    True
    """

    def __init__(
        self,
        x0: Mapping[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: Sampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        *,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int | None = None,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: Sequence[FrozenTrial] | None = None,
    ) -> None:
        if x0 is not None:
            if not isinstance(x0, Mapping):
                raise TypeError(f"x0 must be a dict of parameter name -> initial value, got {x0!r}")
            for name, value in x0.items():
                if not isinstance(name, str) or isinstance(value, bool) \
                        or not isinstance(value, (int, float, np.integer, np.floating)) \
                        or not math.isfinite(float(value)):
                    raise TypeError(f"x0 must map parameter names to finite numbers, got {name!r}: {value!r}")
            x0 = {name: int(v) if _is_int(v) else float(v) for name, v in x0.items()}  # plain JSON numbers
        if sigma0 is not None and (isinstance(sigma0, bool) or not isinstance(sigma0, (int, float, np.number))
                                   or not math.isfinite(float(sigma0)) or not sigma0 > 0):
            raise ValueError(f"sigma0 must be a number > 0 (a step size in the unit cube), got {sigma0!r}")
        if not _is_int(n_startup_trials) or n_startup_trials < 0:
            raise ValueError(f"n_startup_trials must be an integer >= 0, got {n_startup_trials!r}")
        if independent_sampler is not None and not isinstance(independent_sampler, Sampler):
            raise TypeError(f"independent_sampler must be a tunewise sampler (e.g. tw.samplers.RandomSampler()), "
                            f"got {independent_sampler!r}")
        if seed is not None and not _is_int(seed):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if restart_strategy == "bipop":
            # Optuna 4.4+ accepts "bipop" and ignores it (plain CMA-ES, with a deprecation warning), so a
            # script written with it runs there. BIPOP interleaves IPOP's growing runs with small local
            # ones (Hansen 2009); IPOP is the restart rule tunewise has, so it runs that, and says so.
            warnings.warn(
                "restart_strategy='bipop' (BIPOP-CMA-ES) is not implemented by tunewise's CmaEsSampler: it "
                "restarts as 'ipop' instead (a population inc_popsize times larger at each restart), so "
                "results may differ from Optuna's (Optuna 4.4+ ignores restart_strategy)",
                UserWarning,
                stacklevel=2,
            )
            restart_strategy = "ipop"
        if restart_strategy is not None and restart_strategy not in _RESTART_STRATEGIES:
            raise ValueError(f"restart_strategy must be 'ipop', 'bipop' or None, got {restart_strategy!r}")
        if isinstance(inc_popsize, int) and not isinstance(inc_popsize, bool) and inc_popsize == -1:
            inc_popsize = None  # Optuna's "not given"
        if inc_popsize is not None:
            if not _is_int(inc_popsize) or inc_popsize < 1:
                raise ValueError(f"inc_popsize must be an integer >= 1, got {inc_popsize!r}")
            if restart_strategy is None:
                # Optuna 4.4+ ignores inc_popsize with a deprecation warning; refusing it would stop a
                # script that runs there.
                warnings.warn(
                    f"inc_popsize={inc_popsize!r} applies only with restart_strategy='ipop' (the population "
                    f"grows at each restart): without it CMA-ES never restarts and inc_popsize has no effect",
                    UserWarning,
                    stacklevel=2,
                )
        if popsize is not None and (not _is_int(popsize) or popsize < 2):
            raise ValueError(f"popsize must be an integer >= 2 or None, got {popsize!r}")
        warn_independent_sampling = _check_flag("warn_independent_sampling", warn_independent_sampling)
        consider_pruned_trials = _check_flag("consider_pruned_trials", consider_pruned_trials)
        use_separable_cma = _check_flag("use_separable_cma", use_separable_cma)
        with_margin = _check_flag("with_margin", with_margin)
        lr_adapt = _check_flag("lr_adapt", lr_adapt)
        if use_separable_cma and with_margin:
            raise ValueError("use_separable_cma=True and with_margin=True cannot be combined: choose one")
        if lr_adapt and (use_separable_cma or with_margin):
            raise ValueError("lr_adapt=True cannot be combined with use_separable_cma=True or with_margin=True")
        if source_trials is not None:
            if x0 is not None or sigma0 is not None:
                raise ValueError("source_trials sets the initial mean and step size: pass it without x0 and sigma0")
            if use_separable_cma:
                raise ValueError("source_trials (warm start) cannot be combined with use_separable_cma=True")
            if isinstance(source_trials, (str, bytes)) or not isinstance(source_trials, Sequence) \
                    or not all(isinstance(t, FrozenTrial) for t in source_trials):
                raise TypeError(f"source_trials must be a list of FrozenTrial (e.g. study.trials of an earlier "
                                f"study), got {type(source_trials).__name__}")
            usable = [t for t in source_trials if _signed_value(t, consider_pruned_trials, 1.0) is not None]
            if len(usable) < _MIN_SOURCE_TRIALS:
                raise ValueError(f"source_trials needs at least {_MIN_SOURCE_TRIALS} COMPLETE trials (the warm start "
                                 f"fits their best 10%), got {len(usable)}")
            source_trials = list(source_trials)
        self.x0 = x0
        self.sigma0 = None if sigma0 is None else float(sigma0)
        self.n_startup_trials = int(n_startup_trials)
        self.warn_independent_sampling = warn_independent_sampling
        self.seed = seed
        self.consider_pruned_trials = consider_pruned_trials
        self.restart_strategy = restart_strategy
        self.popsize = None if popsize is None else int(popsize)
        self.inc_popsize = 2 if inc_popsize is None else int(inc_popsize)
        self.use_separable_cma = use_separable_cma
        self.with_margin = with_margin
        self.lr_adapt = lr_adapt
        self.source_trials = source_trials
        if independent_sampler is None:
            from tunewise.samplers._random import RandomSampler

            independent_sampler = RandomSampler(seed=_sub_seed(seed))
        # Its random stream follows this sampler's (reseed below), not one of its own.
        independent_sampler._stream_chosen = True
        self.independent_sampler = independent_sampler
        self._rng = np.random.default_rng(seed)
        self._hist: _History | None = None
        self._warned: set[str] = set()
        self._keys: dict[tuple[tuple[str, D.Distribution], ...], str] = {}

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)
        self.independent_sampler.reseed(_sub_seed(seed))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_hist"] = None  # a worker rebuilds the optimizer from its own storage
        return state

    # ---- the trials, read once ------------------------------------------------------------
    def _history(self, study: StudyContext) -> _History:
        h = self._hist
        if h is None or not h.cursor.follows(study):  # another study, or other trials of this one
            h = self._hist = _History(TrialCursor(study))
        finished, running = study.read_new(h.cursor)
        sign = -1.0 if study.directions[0] == "maximize" else 1.0
        for t in finished:
            h.finished.add(t.number)
            tag = _tag(t)
            if tag is not None and t.number not in h.carriers:
                self._read_records(h, t.number, tag)
            y = _signed_value(t, self.consider_pruned_trials, sign)
            if y is None:
                continue
            h.n_usable += 1
            dists = t.distributions
            if h.space is None:
                h.space = dict(dists)
            else:
                for name in [n for n, d in h.space.items() if dists.get(n) != d]:
                    h.why[name] = "its range or choices changed between trials" if name in dists else \
                        "some trials do not suggest it (a conditional parameter)"
                    del h.space[name]
            if tag is not None:
                label = (int(tag.get("restart", 0)), int(tag.get("generation", 0)))
                basis = tag.get("basis")
                if not isinstance(basis, str):
                    basis = None  # drawn by an earlier version: told whatever the basis
                    h.has_legacy = True
                h.members.setdefault(tag["space"], {}).setdefault(label, []).append((t, y, basis))
                self._suspect(h, tag["space"], label)
        for t in running:  # a record is written with its trial's start: read it while the trial runs
            if t.number not in h.carriers:
                tag = _tag(t)
                if tag is not None:
                    self._read_records(h, t.number, tag)
        return h

    def _read_records(self, h: _History, number: int, tag: dict[str, Any]) -> None:
        """Note the choices trial ``number`` records (its tag's ``"told"``)."""
        told = tag.get("told")
        if not isinstance(told, list):
            return
        h.carriers.add(number)
        space = tag["space"]
        for item in told:
            if not isinstance(item, dict):
                continue
            trials: Any = item.get("trials")
            restart: Any = item.get("restart")
            generation: Any = item.get("generation")
            if not (_is_int(restart) and _is_int(generation) and isinstance(trials, list)
                    and all(_is_int(n) for n in trials)):
                continue  # not written by this sampler: ignored
            label = (int(restart), int(generation))
            h.records.setdefault(space, {}).setdefault(label, {})[number] = tuple(sorted({int(n) for n in trials}))
            self._suspect(h, space, label)

    @staticmethod
    def _suspect(h: _History, space: str, label: _Label) -> None:
        """A trial or a record of ``label`` arrived: if it was told here, check the choice still stands."""
        run = h.runs.get(space)
        if run is not None and label in run.log:
            run.suspect.add(label)

    def _space(self, h: _History) -> dict[str, D.Distribution]:
        """The parameters CMA-ES searches: numeric ones of the intersection space with more than one value."""
        out: dict[str, D.Distribution] = {}
        for name in sorted(h.space or {}):
            d = (h.space or {})[name]
            if isinstance(d, (D.Float, D.Int)) and (d.n_values is None or d.n_values > 1):
                out[name] = d
        return out

    def _key(self, space: dict[str, D.Distribution]) -> str:
        items = tuple(space.items())
        key = self._keys.get(items)
        if key is None:
            text = json.dumps([[n, d.to_json()] for n, d in items], sort_keys=True)
            key = self._keys[items] = hashlib.sha1(text.encode()).hexdigest()[:16]
        return key

    # ---- the optimizer ----------------------------------------------------------------------
    def _new_optimizer(self, run: _Run, mean: np.ndarray, sigma: float, cov: np.ndarray | None,
                       popsize: int | None) -> Any:
        import cmaes  # imports scipy.stats (~0.7 s): only when CMA-ES first runs

        d = len(run.names)
        sigma = max(float(sigma), 1e-10)
        common: dict[str, Any] = {"mean": mean, "sigma": sigma, "bounds": run.bounds, "n_max_resampling": 10 * d,
                                  "seed": 0, "population_size": popsize}
        # A population of 2 or 3 has one parent: no rank-mu update, and cmaes divides by its zero
        # learning rate on the way to the (then unused) negative weights.
        with np.errstate(divide="ignore"):
            if self.use_separable_cma and d > 1:
                return cmaes.SepCMA(**common)
            if self.with_margin:
                return cmaes.CMAwM(steps=run.steps, cov=cov, **common)
            return cmaes.CMA(cov=cov, lr_adapt=self.lr_adapt, **common)

    def _start(self, run: _Run, sign: float) -> None:
        """The optimizer of the first restart: mean and step size from x0/sigma0 or source_trials."""
        d = len(run.names)
        cov = None
        if self.source_trials is not None:
            import cmaes

            solutions = []
            for t in self.source_trials:
                y = _signed_value(t, self.consider_pruned_trials, sign)
                if y is not None and all(n in t.params and dist.contains(t.params[n])
                                         for n, dist in zip(run.names, run.dists)):
                    solutions.append((run.encode(t.params), y))
            if len(solutions) < _MIN_SOURCE_TRIALS:
                raise ValueError(
                    f"source_trials has {len(solutions)} trials with every parameter of the search space "
                    f"{run.names} inside its current range; the warm start needs at least {_MIN_SOURCE_TRIALS}")
            mean, sigma, cov = cmaes.get_warm_start_mgd(solutions)
            mean = np.clip(mean, run.bounds[:, 0], run.bounds[:, 1])
        else:
            mean = np.array([0.5] * d)
            for j, (name, dist) in enumerate(zip(run.names, run.dists)):
                if self.x0 is not None and name in self.x0:
                    value = self.x0[name]
                    if not dist.contains(value):
                        raise ValueError(f"x0[{name!r}]={value!r} is not a value of the parameter's distribution "
                                         f"{dist!r}")
                    mean[j] = dist.to_unit(value)
            mean = np.clip(mean, run.bounds[:, 0], run.bounds[:, 1])
            sigma = 1.0 / 6.0 if self.sigma0 is None else self.sigma0
        run.popsize = self.popsize or 4 + int(math.floor(3 * math.log(d)))
        run.optimizer = self._new_optimizer(run, mean, sigma, cov, run.popsize)

    def _restart(self, run: _Run, told: list[tuple[FrozenTrial, float]]) -> None:
        """IPOP: a new run from a random mean with a larger population (Auger and Hansen 2005).

        The mean is drawn from a generator seeded by what every process knows alike (the space,
        the restart and the trials told last), so every process restarts at the same point."""
        run.restart += 1
        run.generation = 0
        run.popsize *= self.inc_popsize
        entropy = [run.restart, zlib.crc32(run.key.encode()),
                   zlib.crc32(json.dumps([[t.number, y] for t, y in told]).encode())]
        rng = np.random.default_rng(entropy)
        mean = run.bounds[:, 0] + (run.bounds[:, 1] - run.bounds[:, 0]) * rng.random(len(run.names))
        sigma = 1.0 / 6.0 if self.sigma0 is None else self.sigma0
        run.optimizer = self._new_optimizer(run, mean, sigma, None, run.popsize)

    def _choose(self, h: _History, key: str, label: _Label, basis: str, popsize: int
                ) -> tuple[list[tuple[FrozenTrial, float]], str] | None:
        """The trials generation ``label`` is told, by the rule of the module docstring, and where
        the choice comes from; None while it cannot be told yet."""
        drawn = h.members.get(key, {}).get(label)
        if drawn is None or len(drawn) < popsize:
            return None
        pool = {t.number: (t, y) for t, y, b in drawn if b is None or b == basis}
        if len(pool) < popsize:
            return None
        records = h.records.get(key, {}).get(label, {})
        for carrier in sorted(records):  # the lowest-numbered trial's record counts
            numbers = records[carrier]
            if len(numbers) != popsize:
                continue
            if all(n in pool for n in numbers):
                return [pool[n] for n in numbers], "record"
            if any(n not in h.finished for n in numbers):
                return None  # not all of its trials read here yet: wait for them
            # Else it names a trial that is not usable here or drawn from another basis (a
            # record of a process that had not yet seen an earlier record): not a choice.
        legacy = h.legacy.get(_TOLD.format(key, *label)) if h.legacy else None
        if isinstance(legacy, list):
            chosen = sorted({n for n in legacy if _is_int(n)})
            if all(n in pool for n in chosen):
                return [pool[n] for n in chosen], "legacy"
            if any(n not in h.finished for n in chosen):
                return None
        told = [pool[n] for n in sorted(pool)[:popsize]]
        legacy_only = all(b is None for t, _, b in drawn if t.number in pool)
        # Trials drawn by an earlier version were told in this order once no earlier one ran: final.
        return told, "legacy" if legacy_only else "candidate"

    def _advance(self, h: _History, run: _Run) -> None:
        """Tell every generation that can be told (see the module docstring)."""
        while True:
            label = (run.restart, run.generation)
            chosen = self._choose(h, run.key, label, run.basis, run.popsize)
            if chosen is None:
                return
            told, source = chosen
            numbers = tuple(t.number for t, _ in told)
            run.log[label] = (numbers, run.basis, run.popsize, source)
            if source == "candidate":
                run.unrecorded.add(label)
            run.optimizer.tell([(self._told_point(run, t), y) for t, y in told])
            run.basis = _chain(run.basis, label, numbers)
            run.generation += 1
            if self.restart_strategy == "ipop" and run.optimizer.should_stop():
                self._restart(run, told)

    def _verify(self, h: _History, run: _Run, space: dict[str, D.Distribution], sign: float) -> _Run:
        """``run``, or a replay of it from the start if a generation it told would now be told
        other trials (a record of another process came first, a smaller-numbered trial finished
        before any record): every process ends on the optimizer the storage determines."""
        stale = False
        for label in sorted(run.suspect):
            numbers, basis, popsize, _ = run.log[label]
            chosen = self._choose(h, run.key, label, basis, popsize)
            if chosen is None or tuple(t.number for t, _ in chosen[0]) != numbers:
                stale = True
                break
            run.log[label] = (numbers, basis, popsize, chosen[1])
            if chosen[1] != "candidate":
                run.unrecorded.discard(label)
        run.suspect.clear()
        if not stale:
            return run
        del h.runs[run.key]
        h.rebuilds += 1
        return self._run(h, space, sign)

    def _current(self, h: _History, space: dict[str, D.Distribution], study: StudyContext) -> _Run:
        """The run over ``space`` with every generation told that can be."""
        if h.has_legacy and h.legacy is None:  # once: records of an earlier version (study attrs)
            h.legacy = {k: v for k, v in study.system_attrs.items() if k.startswith("cmaes:told:")}
        sign = -1.0 if study.directions[0] == "maximize" else 1.0
        run = self._run(h, space, sign)
        if run.suspect:
            run = self._verify(h, run, space, sign)
        self._advance(h, run)
        return run

    def _told_point(self, run: _Run, t: FrozenTrial) -> np.ndarray:
        if self.with_margin:
            raw = t.system_attrs[GENERATION_ATTR].get("x")
            if isinstance(raw, list) and len(raw) == len(run.names):
                return np.array(raw, dtype=float)  # CMAwM learns from the point before rounding
        return run.encode(t.params)

    def _run(self, h: _History, space: dict[str, D.Distribution], sign: float) -> _Run:
        key = self._key(space)
        run = h.runs.get(key)
        if run is None:
            run = _Run(key, space, self.with_margin)
            if self.use_separable_cma and len(space) == 1 and "separable" not in self._warned:
                self._warned.add("separable")
                warnings.warn("use_separable_cma=True has no meaning with one parameter: plain CMA-ES is used",
                              UserWarning, stacklevel=5)
            self._start(run, sign)  # may refuse x0 or source_trials: then no run is kept
            h.runs[key] = run
        return run

    # ---- the sampler hooks ----------------------------------------------------------------
    def before_trial(self, study: StudyContext) -> None:
        if len(study.directions) != 1:
            raise ValueError(f"CmaEsSampler optimizes one objective; study {study.study_name!r} has "
                             f"{len(study.directions)}: use NSGAIISampler, TPESampler or AutoSampler")
        super().before_trial(study)
        self.independent_sampler.before_trial(study)

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        h = self._history(study)
        if h.n_usable < self.n_startup_trials:
            return {}
        space = self._space(h)
        if not space:
            return {}
        run = self._current(h, space, study)
        optimizer = run.optimizer
        optimizer.reseed_rng(int(self._rng.integers(1, 2**31 - 1)))
        if self.with_margin:
            x_eval, x_tell = optimizer.ask()
        else:
            x_eval = x_tell = optimizer.ask()
        params = run.decode(x_eval)
        if trial.fixed_params:  # an enqueued trial: its own values, not a draw of this generation
            return params
        tag: dict[str, Any] = {"space": run.key, "restart": run.restart, "generation": run.generation,
                               "basis": run.basis}
        if self.with_margin:
            tag["x"] = [float(v) for v in x_tell]
        claim = None
        # Generations told here from this process's own choice: recorded on the trial, with its
        # start (a trial already running would show its record late: it records nothing).
        if run.unrecorded and trial.trial_id is None:
            labels = sorted(run.unrecorded)
            tag["told"] = [{"restart": r, "generation": g, "trials": list(run.log[(r, g)][0])} for r, g in labels]
            key = _TOLD.format(run.key, *labels[-1])
            if key not in h.claims:  # once: refused, the study is read again and the winner's choice replayed
                h.claims.add(key)
                claim = key
        return Proposal(params, trial_attrs={GENERATION_ATTR: tag}, claim=claim)

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        if self.warn_independent_sampling and name not in self._warned and (distribution.n_values or 2) > 1:
            h = self._hist
            if h is not None and h.n_usable >= max(self.n_startup_trials, 1):
                self._warned.add(name)
                if isinstance(distribution, D.Categorical):
                    why = "CMA-ES searches numeric parameters only (as Optuna's CmaEsSampler)"
                elif name in h.why:
                    why = h.why[name]
                elif h.space is not None and name in h.space:
                    why = "this trial suggests it with another range than the earlier trials"
                else:
                    why = "no finished trial has it yet"
                warnings.warn(f"CmaEsSampler samples parameter {name!r} with its independent sampler "
                              f"({type(self.independent_sampler).__name__}): {why}", UserWarning, stacklevel=2)
        return self.independent_sampler.sample(study, trial, name, distribution)

    def after_trial(self, study: StudyContext, trial: FrozenTrial) -> None:
        if trial.constraints and "constraints" not in self._warned:
            self._warned.add("constraints")
            warnings.warn("the study has constraints, but CmaEsSampler does not use them (as Optuna's); "
                          "TPESampler, GPSampler and NSGAIISampler do", UserWarning, stacklevel=2)
        self.independent_sampler.after_trial(study, trial)

    def describe(self) -> dict[str, Any]:
        return {
            "name": "CmaEsSampler", "seed": self.seed, "x0": self.x0, "sigma0": self.sigma0,
            "n_startup_trials": self.n_startup_trials, "independent_sampler": self.independent_sampler.describe(),
            "warn_independent_sampling": self.warn_independent_sampling,
            "consider_pruned_trials": self.consider_pruned_trials, "restart_strategy": self.restart_strategy,
            "popsize": self.popsize, "inc_popsize": self.inc_popsize, "use_separable_cma": self.use_separable_cma,
            "with_margin": self.with_margin, "lr_adapt": self.lr_adapt,
            "n_source_trials": None if self.source_trials is None else len(self.source_trials),
        }

    def generation(self, study: StudyContext | Study) -> tuple[int, int] | None:
        """Where CMA-ES is in ``study``: ``(restart, generation)`` of the run over the current
        search space, rebuilt from the study's trials (None before CMA-ES has started)."""
        from tunewise.samplers._context import as_study_context

        ctx = as_study_context(study)
        h = self._history(ctx)
        space = self._space(h)
        if h.n_usable < self.n_startup_trials or not space:
            return None
        run = self._current(h, space, ctx)
        return run.restart, run.generation


def _tag(t: FrozenTrial) -> dict[str, Any] | None:
    """The trial's CMA-ES tag (:data:`GENERATION_ATTR`), or None if it has none."""
    tag = t.system_attrs.get(GENERATION_ATTR)
    return tag if isinstance(tag, dict) and isinstance(tag.get("space"), str) else None


def _chain(basis: str, label: _Label, numbers: tuple[int, ...]) -> str:
    """The basis after generation ``label`` was told trials ``numbers`` (a digest of every choice so far)."""
    return hashlib.sha1(json.dumps([basis, *label, numbers]).encode()).hexdigest()[:16]


def _signed_value(t: FrozenTrial, consider_pruned: bool, sign: float) -> float | None:
    """What CMA-ES is told for ``t`` (to minimize), or None if ``t`` is not told."""
    if t.state == TrialState.COMPLETE:
        v = t.value
        return None if v is None else sign * float(v)
    if t.state == TrialState.PRUNED and consider_pruned and t.reports:
        v = float(t.reports[max(t.reports)])
        return None if math.isnan(v) else sign * v
    return None
