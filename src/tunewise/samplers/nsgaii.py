"""Optuna's ``optuna.samplers.nsgaii`` operators, as settings of tunewise's NSGA-II / NSGA-III.

tunewise's :class:`~tunewise.samplers.NSGAIISampler` breeds numeric parameters by simulated
binary crossover (SBX) and polynomial mutation, and categorical ones by uniform crossover
(``swapping_prob``) and random reset. Optuna's operator objects configure it:

- ``crossover=SBXCrossover(eta=...)`` sets ``eta_crossover`` (``eta=None``: 20, Optuna's value for
  several objectives; Optuna uses 2 with one). tunewise's SBX always takes a child's gene, where
  Optuna's keeps a parent's with probability ``1 - use_child_gene_prob``.
- ``mutation=PolynomialMutation(eta=...)`` sets ``eta_mutation``.
- The other crossovers (``UniformCrossover`` on numeric parameters, ``BLXAlphaCrossover``,
  ``SPXCrossover``, ``UNDXCrossover``, ``VSBXCrossover``) and operators of one's own
  (``BaseCrossover`` / ``BaseMutation`` subclasses) are accepted with a warning: tunewise's
  sampler keeps SBX and polynomial mutation.

>>> import tunewise as tw
>>> from tunewise.samplers.nsgaii import PolynomialMutation, SBXCrossover
>>> sampler = tw.samplers.NSGAIISampler(crossover=SBXCrossover(eta=10), mutation=PolynomialMutation(eta=5))
>>> sampler.eta_crossover, sampler.eta_mutation
(10.0, 5.0)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BLXAlphaCrossover", "BaseCrossover", "BaseMutation", "PolynomialMutation", "SBXCrossover", "SPXCrossover",
    "UNDXCrossover", "UniformCrossover", "VSBXCrossover",
]


def _check_probability(name: str, value: Any, *, open_low: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (
        0.0 < value <= 1.0 if open_low else 0.0 <= value <= 1.0)
    if not ok:
        raise ValueError(f"{name} must be a probability in {'(0, 1]' if open_low else '[0, 1]'}, got {value!r}")
    return float(value)


def _check_eta(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"eta must be a number >= 0, got {value!r}")
    return float(value)


class BaseCrossover:
    """Optuna's base class of crossover operators; ``n_parents`` is how many parents one takes.

    A subclass of one's own is accepted by the NSGA samplers with a warning (tunewise's sampler
    keeps its SBX crossover)."""

    n_parents: int = 2

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class BaseMutation:
    """Optuna's base class of mutation operators (a subclass of one's own: see ``BaseCrossover``)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class SBXCrossover(BaseCrossover):
    """Simulated binary crossover (Deb and Agrawal 1995): tunewise's own, with ``eta`` as
    ``eta_crossover`` (None: 20)."""

    def __init__(self, eta: float | None = None, uniform_crossover_prob: float = 0.5,
                 use_child_gene_prob: float = 0.5) -> None:
        self.eta = None if eta is None else _check_eta(eta)
        self.uniform_crossover_prob = _check_probability("uniform_crossover_prob", uniform_crossover_prob)
        self.use_child_gene_prob = _check_probability("use_child_gene_prob", use_child_gene_prob, open_low=True)


class VSBXCrossover(SBXCrossover):
    """Optuna's modified SBX (Pan et al. 2021); tunewise's sampler keeps plain SBX, with a warning."""


class UniformCrossover(BaseCrossover):
    """Each parameter from either parent (``swapping_prob``): tunewise uses it for categorical
    parameters only (the sampler's ``swapping_prob``), with a warning."""

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self.swapping_prob = _check_probability("swapping_prob", swapping_prob)


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover (Eshelman and Schaffer 1993); not in tunewise's sampler (a warning)."""

    def __init__(self, alpha: float = 0.5) -> None:
        self.alpha = alpha


class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui et al. 1999), three parents; not in tunewise's sampler (a warning)."""

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        self.epsilon = epsilon


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono et al. 1997), three parents; not in tunewise's
    sampler (a warning)."""

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self.sigma_xi = sigma_xi
        self.sigma_eta = sigma_eta


class PolynomialMutation(BaseMutation):
    """Polynomial mutation (Deb and Goyal 1996): tunewise's own, with ``eta`` as ``eta_mutation``."""

    def __init__(self, eta: float = 20.0) -> None:
        self.eta = _check_eta(eta)
