from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise.samplers._base import Sampler
from tunewise.samplers._interior import open_value

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext


class QMCSampler(Sampler):
    """Quasi-random search: a scrambled Sobol sequence (scipy) over the study's search space.

    Trial ``n`` takes point ``n`` of the sequence, so parallel workers cover it without
    coordination. Parameters first seen in a trial are drawn at random in that trial.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.QMCSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_float("y", 0, 1), n_trials=8)
    """

    def __init__(self, seed: int | None = None, scramble: bool = True) -> None:
        self.seed = seed
        self.scramble = scramble
        self._rng = np.random.default_rng(seed)
        self._engines: dict[tuple[str, ...], tuple[Any, int]] = {}
        # One fixed scramble seed shared by every worker, so the sequence is the same everywhere.
        self._qmc_seed = seed if seed is not None else int(np.random.default_rng().integers(2**31))

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def _point(self, names: tuple[str, ...], index: int) -> np.ndarray:
        engine, pos = self._engines.get(names, (None, 0))
        if engine is None or pos > index:
            from scipy.stats import qmc  # imported here: scipy.stats costs ~0.5 s at startup

            engine, pos = qmc.Sobol(len(names), scramble=self.scramble, seed=self._qmc_seed), 0
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
        u = self._point(names, trial.number)
        return {n: open_value(dists[n], float(x)) for n, x in zip(names, u)}

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return open_value(distribution, self._rng.random())

    def describe(self) -> dict[str, Any]:
        return {"name": "QMCSampler", "seed": self.seed, "scramble": self.scramble}
