from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import open_value
from tunewise.samplers._base import Sampler
from tunewise.samplers._optuna_options import WithIndependentSampler, check_optional_flag

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext


# From this many parameters, all numeric, AutoSampler's and GPSampler's start-up designs put the
# centre of the space (every range's midpoint, on the log scale for a log range) at trial 1, as
# Ax's default generation strategy starts at the centre (SMAC at the space's default
# configuration). In a few dimensions a handful of Sobol points cover the box as well as the centre
# would; in many, none of them comes near a random optimum and the centre is closer to it than
# almost any (concentration of measure). Trial 0, drawn before the space is known, cannot depend on
# d. Dev split of benchmarks/sample_efficiency.py (issue 18, session 12; benchmarks/history/gp.md):
# on all 24 bbob functions, regret at 30 / 60 trials with the centre as trial 0 in every dimension
# against without it: d = 2 1.09x / 1.12x, d = 3 1.00x / 0.83x, d = 5 0.76x / 0.86x, d = 10 0.42x /
# 0.60x, d = 20 0.46x / 0.35x; on the dev learning curves (d = 3) 1.16x the compute to target; on
# the dev HPO tasks (9 parameters, categorical ones among them, where a category has no centre)
# 0.99x [0.72, 1.38] at 30 and 1.38x [0.95, 2.01] at 60 (40 cells): spaces with a categorical
# parameter keep the plain design.
CENTRE_MIN_DIMS = 5

_QMC_TYPES = frozenset({"sobol", "halton"})


def design_slot(number: int, d: int, numeric: bool, centre_min_dims: int | None) -> tuple[int, bool]:
    """``(index, centre)``: the Sobol point trial ``number`` takes in a start-up design over ``d``
    parameters (``numeric``: none of them categorical), and whether it is the centre instead
    (trial 1, from ``centre_min_dims`` numeric parameters; ``None``: never; the centre draws no
    point). After the centre, trial ``n`` takes point ``n - 1``, so no Sobol point is skipped.

    >>> [design_slot(n, 3, True, CENTRE_MIN_DIMS) for n in range(4)]
    [(0, False), (1, False), (2, False), (3, False)]
    >>> [design_slot(n, 8, True, CENTRE_MIN_DIMS) for n in range(4)]
    [(0, False), (0, True), (1, False), (2, False)]
    >>> design_slot(1, 8, False, CENTRE_MIN_DIMS)
    (1, False)
    """
    if centre_min_dims is None or not numeric or d < centre_min_dims or number < 1:
        return number, False
    return number - 1, number == 1


def all_numeric(names: Sequence[str], dists: Mapping[str, D.Distribution]) -> bool:
    """Whether none of ``names`` is a categorical parameter."""
    return not any(isinstance(dists[n], D.Categorical) for n in names)


class QMCSampler(WithIndependentSampler):
    """Quasi-random search: a scrambled Sobol sequence (scipy) over the study's search space.

    Trial ``n`` takes point ``n`` of the sequence, so parallel workers cover it without
    coordination. Parameters first seen in a trial are drawn at random in that trial (by
    ``independent_sampler`` if one is given).

    Optuna's keywords: ``qmc_type`` (``"sobol"``, or ``"halton"`` for scipy's Halton sequence),
    ``independent_sampler``, and ``warn_asynchronous_seeding`` / ``warn_independent_sampling``,
    which change nothing (tunewise shares one scramble seed between workers and does not warn).
    ``scramble`` defaults to True, where Optuna's defaults to False.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.QMCSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=8)
    """

    def __init__(self, seed: int | None = None, scramble: bool = True, *, qmc_type: str = "sobol",
                 independent_sampler: Sampler | None = None, warn_asynchronous_seeding: bool = True,
                 warn_independent_sampling: bool = True) -> None:
        if qmc_type not in _QMC_TYPES:
            raise ValueError(f"qmc_type must be one of {sorted(_QMC_TYPES)}, got {qmc_type!r}")
        check_optional_flag("warn_asynchronous_seeding", warn_asynchronous_seeding)  # nothing to warn about
        check_optional_flag("warn_independent_sampling", warn_independent_sampling)
        self.qmc_type = qmc_type
        self._take_independent_sampler(independent_sampler, seed)
        self.seed = seed
        self.scramble = scramble
        self._rng = np.random.default_rng(seed)
        self._engines: dict[tuple[str, ...], tuple[Any, int]] = {}
        # One fixed scramble seed shared by every worker, so the sequence is the same everywhere.
        self._qmc_seed = seed if seed is not None else int(np.random.default_rng().integers(2**31))
        # AutoSampler's design (not QMCSampler's own) puts the centre at trial 1 from
        # CENTRE_MIN_DIMS numeric parameters (design_slot); None: the plain sequence.
        self._centre_min_dims: int | None = None

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def _point(self, names: tuple[str, ...], index: int) -> np.ndarray:
        engine, pos = self._engines.get(names, (None, 0))
        if engine is None or pos > index:
            from scipy.stats import qmc  # imported here: scipy.stats costs ~0.5 s at startup

            engine_type = qmc.Halton if self.qmc_type == "halton" else qmc.Sobol
            engine, pos = engine_type(len(names), scramble=self.scramble, seed=self._qmc_seed), 0
        if index > pos:
            engine.fast_forward(index - pos)
        point = engine.random(1)[0]
        self._engines[names] = (engine, index + 1)
        return point

    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any]:
        dists = study.distributions
        names = tuple(sorted(n for n, d in dists.items() if not (isinstance(d, D.Categorical) and d.grid)))
        if not names:
            return {}
        index, centre = design_slot(trial.number, len(names), all_numeric(names, dists), self._centre_min_dims)
        u = np.full(len(names), 0.5) if centre else self._point(names, index)
        return {n: open_value(dists[n], float(x)) for n, x in zip(names, u)}

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        if self.independent_sampler is not None:
            return self.independent_sampler.sample(study, trial, name, distribution)
        return open_value(distribution, self._rng.random())

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": "QMCSampler", "seed": self.seed, "scramble": self.scramble}
        if self.qmc_type != "sobol":
            out["qmc_type"] = self.qmc_type
        if self.independent_sampler is not None:
            out["independent_sampler"] = self.independent_sampler.describe()
        return out
