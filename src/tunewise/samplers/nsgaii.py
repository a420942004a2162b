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

Each operator can also be called on its own, as Optuna's can:
``crossover(parents_params, rng, study, search_space_bounds)`` takes an
``n_parents x n_params`` array, a ``numpy.random.RandomState`` and the ``n_params x 2`` bounds
and returns one child (``PolynomialMutation.mutation(param, rng, study, (low, high))`` one value).
The child follows the operator's published distribution, not Optuna's random stream: the same
seed gives other numbers. As in Optuna, a child may leave the bounds (BLX-alpha, SPX, UNDX,
vSBX); ``study`` is only read for its number of objectives (``eta=None``).

>>> import tunewise as tw
>>> from tunewise.samplers.nsgaii import PolynomialMutation, SBXCrossover
>>> sampler = tw.samplers.NSGAIISampler(crossover=SBXCrossover(eta=10), mutation=PolynomialMutation(eta=5))
>>> sampler.eta_crossover, sampler.eta_mutation
(10.0, 5.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tunewise.samplers._nsga import polynomial_shift, sbx_spread

__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "BaseMutation",
    "PolynomialMutation",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]


def _check_probability(name: str, value: Any, *, open_low: bool = False) -> float:
    ok = (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (0.0 < value <= 1.0 if open_low else 0.0 <= value <= 1.0)
    )
    if not ok:
        raise ValueError(f"{name} must be a probability in {'(0, 1]' if open_low else '[0, 1]'}, got {value!r}")
    return float(value)


def _check_eta(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"eta must be a number >= 0, got {value!r}")
    return float(value)


def _eta_for(eta: float | None, study: Any) -> float:
    """Optuna's default distribution index when ``eta`` is None: 2 for one objective, 20 for several."""
    if eta is not None:
        return eta
    directions = getattr(study, "directions", None)
    return 20.0 if directions is not None and len(directions) > 1 else 2.0


def _as_parents(
    operator: BaseCrossover, parents_params: Any, search_space_bounds: Any
) -> tuple[np.ndarray, np.ndarray]:
    parents = np.asarray(parents_params, dtype=float)
    bounds = np.asarray(search_space_bounds, dtype=float)
    name = type(operator).__name__
    if parents.ndim != 2 or parents.shape[0] != operator.n_parents:
        raise ValueError(
            f"{name}.crossover: parents_params must be an array of {operator.n_parents} rows (one per "
            f"parent) x n_params columns, got shape {parents.shape}"
        )
    if bounds.shape != (parents.shape[1], 2):
        raise ValueError(
            f"{name}.crossover: search_space_bounds must be an n_params x 2 array of (low, high) "
            f"({parents.shape[1]} x 2 here), got shape {bounds.shape}"
        )
    return parents, bounds


def _one_of_two_children(
    rng: np.random.RandomState,
    c1: np.ndarray,
    c2: np.ndarray,
    x1: np.ndarray,
    x2: np.ndarray,
    uniform_crossover_prob: float,
    use_child_gene_prob: float,
) -> np.ndarray:
    """Optuna's way of returning one child of a two-child operator: each gene comes from the
    children (probability ``use_child_gene_prob``) or else from the parents, the pair swapped
    with probability ``uniform_crossover_prob``; then one of the two offspring, at random."""
    take_child = rng.rand(len(c1)) < use_child_gene_prob
    swap = rng.rand(len(c1)) < uniform_crossover_prob
    first, second = np.where(take_child, c1, x1), np.where(take_child, c2, x2)
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    return first if rng.rand() < 0.5 else second


class BaseCrossover:
    """Optuna's base class of crossover operators; ``n_parents`` is how many parents one takes.

    A subclass of one's own is accepted by the NSGA samplers with a warning (tunewise's sampler
    keeps its SBX crossover); ``crossover`` is what a subclass implements."""

    n_parents: int = 2

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """One child (``n_params`` values) of ``n_parents`` parents (``n_parents x n_params``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement crossover()")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class BaseMutation:
    """Optuna's base class of mutation operators (a subclass of one's own: see ``BaseCrossover``)."""

    def mutation(self, param: float, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray) -> float:
        """``param`` mutated within ``search_space_bounds`` (``(low, high)``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mutation()")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class SBXCrossover(BaseCrossover):
    """Simulated binary crossover (Deb and Agrawal 1995): tunewise's own, with ``eta`` as
    ``eta_crossover`` (None: 20)."""

    def __init__(
        self, eta: float | None = None, uniform_crossover_prob: float = 0.5, use_child_gene_prob: float = 0.5
    ) -> None:
        self.eta = None if eta is None else _check_eta(eta)
        self.uniform_crossover_prob = _check_probability("uniform_crossover_prob", uniform_crossover_prob)
        self.use_child_gene_prob = _check_probability("use_child_gene_prob", use_child_gene_prob, open_low=True)

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """One child by bounded SBX, equations (3)-(5) of Raghuwanshi and Kakde's SBX summary.

        >>> import numpy as np, tunewise as tw
        >>> child = SBXCrossover(eta=2).crossover(np.array([[1.0, 1.0], [3.0, 3.0]]), np.random.RandomState(0),
        ...                                       tw.create_study(), np.array([[0.0, 4.0], [0.0, 4.0]]))
        >>> child.shape
        (2,)
        """
        parents, bounds = _as_parents(self, parents_params, search_space_bounds)
        eta = _eta_for(self.eta, study)
        low, high = parents.min(axis=0), parents.max(axis=0)
        gap = np.maximum(high - low, 1e-10)
        u = rng.rand(parents.shape[1])
        c1 = 0.5 * (low + high - sbx_spread(u, eta, low - bounds[:, 0], gap) * gap)
        c2 = 0.5 * (low + high + sbx_spread(u, eta, bounds[:, 1] - high, gap) * gap)
        return _one_of_two_children(
            rng, c1, c2, parents[0], parents[1], self.uniform_crossover_prob, self.use_child_gene_prob
        )


class VSBXCrossover(SBXCrossover):
    """Optuna's vSBX (Ballester and Carter 2003); tunewise's sampler keeps plain SBX, with a warning."""

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """One child by vSBX (Ballester and Carter 2003, section 3.2): SBX's spread without the gap
        around the parents' midpoint; the children are not bounded."""
        parents, _ = _as_parents(self, parents_params, search_space_bounds)
        eta = _eta_for(self.eta, study)
        x1, x2 = parents
        u = rng.rand(parents.shape[1])
        b1 = (1.0 / np.maximum(2.0 * u, 1e-10)) ** (1.0 / (eta + 1.0))
        b2 = (1.0 / np.maximum(2.0 * (1.0 - u), 1e-10)) ** (1.0 / (eta + 1.0))
        # The paper's two children, each from one of two branches chosen by a coin.
        if rng.rand() <= 0.5:
            c1 = 0.5 * ((1.0 + b1) * x1 + (1.0 - b2) * x2)
        else:
            c1 = 0.5 * ((1.0 - b1) * x1 + (1.0 + b2) * x2)
        if rng.rand() <= 0.5:
            c2 = 0.5 * ((3.0 - b1) * x1 - (1.0 - b2) * x2)
        else:
            c2 = 0.5 * ((3.0 - b2) * x2 - (1.0 - b1) * x1)
        return _one_of_two_children(rng, c1, c2, x1, x2, self.uniform_crossover_prob, self.use_child_gene_prob)


class UniformCrossover(BaseCrossover):
    """Each parameter from either parent (``swapping_prob``): tunewise uses it for categorical
    parameters only (the sampler's ``swapping_prob``), with a warning."""

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self.swapping_prob = _check_probability("swapping_prob", swapping_prob)

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """The second parent's genes, each swapped for the first parent's with probability
        ``swapping_prob`` (Optuna's reading of Syswerda 1989)."""
        parents, _ = _as_parents(self, parents_params, search_space_bounds)
        return np.where(rng.rand(parents.shape[1]) < self.swapping_prob, parents[0], parents[1])


class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover (Eshelman and Schaffer 1993); not in tunewise's sampler (a warning)."""

    def __init__(self, alpha: float = 0.5) -> None:
        self.alpha = alpha

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """Each gene uniform on the parents' interval widened by ``alpha`` times its length on each side."""
        parents, _ = _as_parents(self, parents_params, search_space_bounds)
        low, high = parents.min(axis=0), parents.max(axis=0)
        reach = self.alpha * (high - low)
        return rng.uniform(low - reach, high + reach)


class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui et al. 1999), three parents; not in tunewise's sampler (a warning)."""

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        self.epsilon = epsilon

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """A point uniform in the parents' simplex expanded ``epsilon`` times about its centroid
        (Tsutsui et al. 1999, equations (3)-(5); ``epsilon=None``: sqrt(n_params + 2))."""
        parents, _ = _as_parents(self, parents_params, search_space_bounds)
        epsilon = np.sqrt(parents.shape[1] + 2.0) if self.epsilon is None else self.epsilon
        centroid = parents.mean(axis=0)
        vertices = centroid + epsilon * (parents - centroid)
        offset = np.zeros(parents.shape[1])
        for k in range(1, len(vertices)):
            offset = rng.rand() ** (1.0 / k) * (vertices[k - 1] - vertices[k] + offset)
        result: np.ndarray = vertices[-1] + offset
        return result


class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono et al. 1997), three parents; not in tunewise's
    sampler (a warning)."""

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self.sigma_xi = sigma_xi
        self.sigma_eta = sigma_eta

    def crossover(
        self, parents_params: np.ndarray, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray
    ) -> np.ndarray:
        """A child about the first two parents' midpoint (Ono and Kobayashi 1997): along the line
        through them a normal multiple of their distance, across it normal multiples of the third
        parent's distance from that line. As in Optuna, ``sigma_xi`` and ``sigma_eta`` (None:
        0.35 / sqrt(n_params)) parametrize these normals through their squares, which are the
        scales drawn with (the paper's standard deviations are sigma_xi and sigma_eta)."""
        parents, _ = _as_parents(self, parents_params, search_space_bounds)
        x1, x2, x3 = parents
        n = parents.shape[1]
        sigma_eta = 0.35 / np.sqrt(n) if self.sigma_eta is None else self.sigma_eta
        axis = x2 - x1
        length = float(np.linalg.norm(axis))
        if length > 0.0:
            direction = axis / length
            # Rows 1.. of V from the SVD of the axis span the subspace orthogonal to it.
            across = np.linalg.svd(direction[None, :])[2][1:]
            from_line = x3 - x1 - np.dot(x3 - x1, direction) * direction
        else:
            across = np.eye(n)
            from_line = x3 - x1
        distance = float(np.linalg.norm(from_line))
        along = rng.normal(0.0, self.sigma_xi**2)
        sideways = rng.normal(0.0, sigma_eta**2, size=len(across))
        result: np.ndarray = 0.5 * (x1 + x2) + along * axis + distance * (sideways @ across)
        return result


class PolynomialMutation(BaseMutation):
    """Polynomial mutation (Deb and Goyal 1996): tunewise's own, with ``eta`` as ``eta_mutation``."""

    def __init__(self, eta: float = 20.0) -> None:
        self.eta = _check_eta(eta)

    def mutation(self, param: float, rng: np.random.RandomState, study: Any, search_space_bounds: np.ndarray) -> float:
        """``param`` moved by a polynomial perturbation that stays within ``(low, high)``.

        >>> import numpy as np
        >>> 0.0 <= PolynomialMutation(eta=5).mutation(0.9, np.random.RandomState(1), None, np.array([0.0, 1.0])) <= 1.0
        True
        """
        low, high = (float(b) for b in np.asarray(search_space_bounds, dtype=float).ravel()[:2])
        width = high - low
        if width <= 0.0:
            return float(param)
        # The bounded form: the perturbation's reach shrinks with the distance to the bound on its side.
        shift = polynomial_shift(rng.rand(), (param - low) / width, self.eta)
        return float(param + shift * width)
