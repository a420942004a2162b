"""Samplers: what to try next.

>>> import tunewise as tw
>>> tw.samplers.RandomSampler(seed=0)  # doctest: +ELLIPSIS
<tunewise.samplers._random.RandomSampler object at ...>
"""

from tunewise.samplers._base import Sampler
from tunewise.samplers._grid import GridSampler
from tunewise.samplers._qmc import QMCSampler
from tunewise.samplers._random import RandomSampler

__all__ = ["GridSampler", "QMCSampler", "RandomSampler", "Sampler"]
