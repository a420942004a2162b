"""Samplers: what to try next.

>>> import tunewise as tw
>>> tw.samplers.RandomSampler(seed=0)  # doctest: +ELLIPSIS
<tunewise.samplers._random.RandomSampler object at ...>
"""

from typing import TYPE_CHECKING

from tunewise.samplers._auto import AutoSampler
from tunewise.samplers._base import Sampler
from tunewise.samplers._bohb import BOHBSampler
from tunewise.samplers._brute_force import BruteForceSampler
from tunewise.samplers._cmaes import CmaEsSampler
from tunewise.samplers._context import Budget, Proposal, StudyContext, TrialContext, TrialCursor
from tunewise.samplers._grid import GridSampler
from tunewise.samplers._nsga import NSGAIIISampler, NSGAIISampler
from tunewise.samplers._optuna_base import BaseGASampler, BaseSampler
from tunewise.samplers._partial_fixed import PartialFixedSampler
from tunewise.samplers._qmc import QMCSampler
from tunewise.samplers._random import RandomSampler
from tunewise.samplers._tpe import TPESampler
from tunewise.samplers._warm_start import WarmStartSampler

if TYPE_CHECKING:  # imported on first use (see __getattr__); typed for mypy either way
    from tunewise.samplers._gp import GPSampler

__all__ = [
    "AutoSampler", "BaseGASampler", "BaseSampler", "BOHBSampler", "BruteForceSampler", "Budget", "CmaEsSampler",
    "GPSampler", "GridSampler", "NSGAIIISampler", "NSGAIISampler", "PartialFixedSampler", "Proposal", "QMCSampler",
    "RandomSampler", "Sampler", "StudyContext", "TPESampler", "TrialContext", "TrialCursor", "WarmStartSampler",
]


def __getattr__(name: str) -> object:
    # GPSampler pulls in scipy.stats/optimize (~1 s); import it only when asked for.
    if name == "GPSampler":
        from tunewise.samplers._gp import GPSampler

        return GPSampler
    if name == "nsgaii":  # Optuna's operator objects for the NSGA samplers
        import importlib

        return importlib.import_module("tunewise.samplers.nsgaii")
    raise AttributeError(f"module 'tunewise.samplers' has no attribute {name!r}")

