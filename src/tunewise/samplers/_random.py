from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import open_value
from tunewise.samplers._base import Sampler

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext


class RandomSampler(Sampler):
    """Independent uniform sampling of each parameter (log-uniform for ``log=True``).

    Continuous ranges are sampled in their open interior (never exactly ``low`` or ``high``).

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=5)
    >>> len(study.trials)
    5
    """

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return open_value(distribution, self._rng.random())

    def describe(self) -> dict[str, Any]:
        return {"name": "RandomSampler", "seed": self.seed}
