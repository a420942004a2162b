"""Tree-structured Parzen Estimator (Bergstra et al. 2011), multivariate and group-decomposed.

The design follows Watanabe (2023), "Tree-Structured Parzen Estimator: Understanding Its
Algorithm Components and Their Roles for Better Empirical Performance":

- past trials are split into the top ``gamma(n)`` ("below", l) and the rest ("above", g);
- each set gets a Parzen estimator: a weighted mixture of one kernel per observation plus a
  wide prior kernel, multivariate over a group of co-occurring parameters (Sec. 3.1, 3.5);
- numeric parameters live in the unit cube of ``Distribution.to_unit``; kernels are Gaussians
  truncated to ``[0, 1]``; integer / stepped parameters use the Gaussian's mass on their cell;
  categorical parameters use an Aitchison-Aitken kernel (Sec. 3.3);
- ``n_ei_candidates`` points drawn from l are ranked by ``log l(x) - log g(x)``, which orders them
  like expected improvement (Bergstra 2011, Eq. 4-5);
- in a conditional space (a parameter missing from some trials) the split is the study's, not the
  branch's, and the estimators are Bergstra's / optuna's (neighbour-gap bandwidths, categorical
  kernels that sharpen with data, older bad trials down-weighted); in an unconditional one the
  bandwidths are neighbour gaps clipped at a floor that also shrinks with the study's trials:
  see ``TPESampler``.

Past trials are kept as a numpy observation matrix that grows incrementally (finished trials
never change), so one suggestion costs a few vectorized passes over the matrix and no Python
loop over past trials.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._constraints import violation
from tunewise._continuation import CONTINUES_ATTR
from tunewise._interior import MARGIN, SEPARATION, is_open, open_value, taken_mask
from tunewise._pareto import pareto_rank
from tunewise.samplers._base import Sampler, running_params
from tunewise.samplers._context import Proposal, StudyContext, TrialContext, TrialCursor, as_study_context
from tunewise.samplers._mo import order_rows
from tunewise.samplers._optuna_options import check_optional_flag, warn_not_honoured
from tunewise.samplers._pruned_trust import PrunedCalibration
from tunewise.samplers._search_space import group_decompose
from tunewise.samplers._segments import stitch
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.study import Study
    from tunewise.trial import FrozenTrial

__all__ = ["TPESampler", "default_gamma", "hyperopt_gamma"]


# scipy.special is imported on first use, not with the module: it costs ~0.7 s, which every
# `import tunewise` (CLI start-up, n_jobs worker zygote) paid although only the model needs it.
# Each is looked up once, then kept (an import statement on every call cost ~1 us, dozens of times per
# suggestion).
_SPECIAL: dict[str, Any] = {}


def _special(name: str) -> Any:
    f = _SPECIAL.get(name)
    if f is None:
        import scipy.special

        f = _SPECIAL[name] = getattr(scipy.special, name)
    return f


def log_ndtr(x: Any) -> Any:
    return _special("log_ndtr")(x)


def ndtr(x: Any) -> Any:
    return _special("ndtr")(x)


def ndtri(x: Any) -> Any:
    return _special("ndtri")(x)


_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# Below these arguments exp(x) is exactly 0.0 and expm1(x) exactly -1.0 in double precision (exp(-746)
# is under half the smallest subnormal; e^-40 is under half an ulp of 1). libm reaches those values
# through a slow underflow path, so the model skips the calls there (test_tpe_identity: same proposals).
_EXP_ZERO = -746.0
_EXPM1_MINUS_ONE = -40.0
_CONT, _DISC, _LOGINT, _CAT = 0, 1, 2, 3
# Smallest bandwidth of a one-dimensional Scott's-rule estimator, as a fraction of the range before
# the n^(-1/5) shrink: alone, a dimension freezes on a tight cluster of good points. Joint estimators
# need no such floor (measured on sphere / Rosenbrock / Rastrigin, 100 trials: univariate geometric
# mean regret 1.6 -> 0.6 on the sphere, 106 -> 23 on Rosenbrock; multivariate is best without it).
# Since s28 only BOHBSampler's model uses Scott's rule; TPESampler clips neighbour gaps instead
# (univariate TPE on dev bbob d 2-5: 0.77x / 0.49x the regret with this floor, at 30 / 60 trials).
_BW_FLOOR_1D = 0.2


def default_gamma(n: int) -> int:
    """Size of the "below" (good) set for ``n`` observations: 10%, at most 25 (Watanabe 2023, Sec. 3.2)."""
    return min(int(math.ceil(0.1 * n)), 25)


def hyperopt_gamma(n: int) -> int:
    """hyperopt's good-set size: ``ceil(0.25 * sqrt(n))``, at most 25 (Bergstra et al. 2013)."""
    return min(int(math.ceil(0.25 * math.sqrt(n))), 25)


def _optuna_options(consider_prior: bool | None, consider_magic_clip: bool | None, consider_endpoints: bool | None,
                    weights: Callable[[int], Any] | None, warn_independent_sampling: bool | None,
                    categorical_distance_func: Mapping[str, Callable[[Any, Any], float]] | None) -> None:
    """Check Optuna's TPE keywords and warn about the values tunewise's estimators cannot honour."""
    consider_prior = check_optional_flag("consider_prior", consider_prior)
    consider_magic_clip = check_optional_flag("consider_magic_clip", consider_magic_clip)
    consider_endpoints = check_optional_flag("consider_endpoints", consider_endpoints)
    check_optional_flag("warn_independent_sampling", warn_independent_sampling)  # no warning to silence
    if weights is not None and not callable(weights):
        raise TypeError(f"weights must be a function n -> array of n weights or None, got {weights!r}")
    if categorical_distance_func is not None and (
            not isinstance(categorical_distance_func, Mapping)
            or not all(callable(f) for f in categorical_distance_func.values())):
        raise TypeError("categorical_distance_func must be a dict {parameter name: function (a, b) -> distance}, "
                        f"got {categorical_distance_func!r}")
    if consider_prior is False:
        warn_not_honoured("TPESampler", "consider_prior", False, "every Parzen estimator keeps its prior kernel "
                          "(Optuna >= 4.3 ignores consider_prior=False as well); weaken it with prior_weight",
                          stacklevel=4)
    if consider_magic_clip is False:
        warn_not_honoured("TPESampler", "consider_magic_clip", False,
                          "kernel bandwidths are always clipped below (the magic clip)", stacklevel=4)
    if consider_endpoints is True:
        warn_not_honoured("TPESampler", "consider_endpoints", True, "a range's bounds count as neighbours of "
                          "the outermost kernels only while fewer than two trials are observed", stacklevel=4)
    if weights is not None:
        warn_not_honoured("TPESampler", "weights", weights, "observations weigh the same, except that in a "
                          "conditional space the bad trials older than the last 25 weigh less (linearly)",
                          stacklevel=4)
    if categorical_distance_func is not None:
        warn_not_honoured("TPESampler", "categorical_distance_func", categorical_distance_func,
                          "categorical kernels put the same mass on every other choice (Aitchison-Aitken), "
                          "without distances", stacklevel=4)


def _log_gauss_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(Phi(b) - Phi(a))`` for ``a <= b``, stable in both tails."""
    flip = a > 0  # use Phi(-a) - Phi(-b) in the upper tail, where Phi(.) ~ 1 loses precision
    lo = np.where(flip, -b, a)
    hi = np.where(flip, -a, b)
    lh = log_ndtr(hi)
    ll = log_ndtr(lo)
    gap = np.minimum(ll - lh, -1e-300)
    # expm1 is exactly -1.0 below _EXPM1_MINUS_ONE, where libm's underflow path costs ~20x a normal
    # call: computed only above it (the same values, issue 18's cost).
    em1 = np.full_like(gap, -1.0)
    np.expm1(gap, out=em1, where=~(gap <= _EXPM1_MINUS_ONE))
    with np.errstate(divide="ignore"):
        out = lh + np.log(-em1)
    clipped: np.ndarray = np.maximum(out, -1e4)
    return clipped


def _kind(dist: D.Distribution) -> int:
    if isinstance(dist, D.Categorical):
        return _CAT
    if isinstance(dist, D.Int) and dist.log:
        return _LOGINT
    if dist.n_values is not None:
        return _DISC
    return _CONT


class _Space:
    """The dimensions of one group, with vectorized snapping of unit values to discrete cells."""

    def __init__(self, names: Sequence[str], dists: Sequence[D.Distribution]) -> None:
        self.names = list(names)
        self.dists = list(dists)
        kinds = np.array([_kind(d) for d in dists], dtype=int)
        self.num = np.flatnonzero(kinds != _CAT)  # positions within the group
        self.cat = np.flatnonzero(kinds == _CAT)
        nk = kinds[self.num]
        self.num_kind = nk
        self.n_cells = np.array([float(dists[int(i)].n_values or 0) for i in self.num])
        lo = np.zeros(len(self.num))
        hi = np.ones(len(self.num))
        ilo = np.zeros(len(self.num))
        ihi = np.ones(len(self.num))
        for j, i in enumerate(self.num):
            d = dists[int(i)]
            if isinstance(d, D.Int) and nk[j] == _LOGINT:
                lo[j], hi[j] = math.log(d.low - 0.5), math.log(d.high + 0.5)
                ilo[j], ihi[j] = d.low, d.high
        self.log_lo, self.log_hi, self.int_lo, self.int_hi = lo, hi, ilo, ihi
        self.n_choices = [d.n_values for d in (dists[int(i)] for i in self.cat) if isinstance(d, D.Categorical)]
        self.discrete = nk != _CONT
        # Fixed per space, looked up on every suggestion (see cells / centres / _Parzen.log_pdf).
        self.cont = ~self.discrete
        self.any_discrete = bool(self.discrete.any())
        self.all_cont = bool(self.cont.all())
        self._dm = nk == _DISC
        self._lm = nk == _LOGINT
        self._any_dm, self._any_lm = bool(self._dm.any()), bool(self._lm.any())
        self._n_dm = self.n_cells[self._dm]
        self._lo_lm, self._hi_lm = lo[self._lm], hi[self._lm]
        self._width_lm = self._hi_lm - self._lo_lm
        self._ilo_lm, self._ihi_lm = ilo[self._lm], ihi[self._lm]
        # Continuous ranges are open: kernels are truncated to [MARGIN, 1 - MARGIN] on them
        # (tunewise._interior), so no draw lands on a bound the user did not ask for.
        self.open = np.array([is_open(dists[int(i)]) for i in self.num], dtype=bool)
        self.u_lo = np.where(self.open, MARGIN, 0.0)
        self.u_hi = np.where(self.open, 1.0 - MARGIN, 1.0)
        # Smallest sensible bandwidth of a discrete dimension: half a cell.
        self.cell_floor = np.where(nk == _DISC, 0.5 / np.maximum(self.n_cells, 1), 0.0)
        if np.any(nk == _LOGINT):
            span = hi - lo
            cells = np.log((ihi + 0.5) / np.maximum(ihi - 0.5, 0.5)) / np.where(span > 0, span, 1.0)
            self.cell_floor = np.where(nk == _LOGINT, 0.5 * cells, self.cell_floor)

    def cells(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Snap unit values (rows x numeric dims) to (cell centre, lower edge, upper edge)."""
        u = np.clip(u, 0.0, 1.0)
        centre, left, right = u.copy(), u.copy(), u.copy()
        if self._any_dm:
            dm, n = self._dm, self._n_dm
            k = np.minimum(np.floor(u[:, dm] * n), n - 1)
            left[:, dm] = k / n
            right[:, dm] = (k + 1) / n
            centre[:, dm] = (k + 0.5) / n
        if self._any_lm:
            lm, lo, span = self._lm, self._lo_lm, self._width_lm
            v = np.clip(np.round(np.exp(lo + u[:, lm] * span)), self._ilo_lm, self._ihi_lm)
            left[:, lm] = (np.log(v - 0.5) - lo) / span
            right[:, lm] = (np.log(v + 0.5) - lo) / span
            centre[:, lm] = (np.log(v) - lo) / span
        return centre, np.clip(left, 0.0, 1.0), np.clip(right, 0.0, 1.0)

    def centres(self, u: np.ndarray) -> np.ndarray:
        """``cells(u)[0]`` alone (the same numbers, without the edges)."""
        centre = np.clip(u, 0.0, 1.0).copy()
        if self._any_dm:
            dm, n = self._dm, self._n_dm
            centre[:, dm] = (np.minimum(np.floor(centre[:, dm] * n), n - 1) + 0.5) / n
        if self._any_lm:
            lm, lo, span = self._lm, self._lo_lm, self._width_lm
            v = np.clip(np.round(np.exp(lo + centre[:, lm] * span)), self._ilo_lm, self._ihi_lm)
            centre[:, lm] = (np.log(v) - lo) / span
        return centre


class _Points:
    """Rows to score (candidates), prepared once for the log densities of a group's two estimators:
    clipped numeric values, the products the continuous dimensions need, the distinct cells of each
    discrete dimension, the categorical indices."""

    def __init__(self, space: _Space, x: np.ndarray) -> None:
        self.n = x.shape[0]
        xn = np.clip(x[:, space.num], 0.0, 1.0)
        self.has_cont = len(space.num) > 0 and not bool(space.discrete.all())
        if self.has_cont:
            xc = xn if space.all_cont else xn[:, space.cont]
            self.xc2_t = (xc * xc).T
            self.xc_t = xc.T
        self.cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        if len(space.num) and space.any_discrete:
            dm = space.discrete
            _, left, right = space.cells(xn)
            left, right = left[:, dm], right[:, dm]
            self.cells = [_distinct_pairs(left[:, j], right[:, j]) for j in range(left.shape[1])]
        self.cat_idx = [x[:, j].astype(int) for j in space.cat]


class _Parzen:
    """A Parzen estimator over one group: one kernel per observation plus a prior kernel.

    Bandwidths follow Scott's rule in ``d`` dimensions (``1.06 * sd * n^(-1/(d+4))``), clipped
    below by a floor shrinking like ``1/n`` (the "magic clip" of Bergstra 2011 / Watanabe 2023 Sec. 3.4)
    so that a tight cluster of good points still leaves room to explore.

    ``adaptive=True`` (conditional spaces, see ``TPESampler``) is the Bergstra / optuna estimator
    instead: each kernel's bandwidth in each dimension is the larger gap to its neighbours (the
    outermost ones use their inner gap), clipped below by ``1 / (n + 2)``; a categorical kernel
    spreads ``prior_weight / (n + 1)`` over the choices (sharper as data accumulate); and past 25
    kernels the oldest observations (rows in trial order) weigh less, linearly (``ramp``).

    ``n_split`` (unconditional spaces, see ``TPESampler``): the numeric bandwidths are the
    neighbour gaps too, clipped below by ``1 / sqrt((n + 2) (n_split + 2))``, where ``n_split`` is
    the number of trials split into the good and bad sets: the geometric mean of the magic clip
    counted on this estimator's own kernels (``1 / (n + 2)``, wide for a small good set) and on the
    study's trials (``1 / (n_split + 2)``). Categorical kernels stay as without it.
    """

    def __init__(self, space: _Space, obs: np.ndarray, prior_weight: float, cat_smoothing: float,
                 adaptive: bool = False, ramp: bool = False, n_split: int | None = None) -> None:
        self.space = space
        n = obs.shape[0]
        d = len(space.names)
        xn = obs[:, space.num]
        n_num = xn.shape[1]
        # Prior kernel: centred, as wide as the space (Watanabe 2023, Sec. 3.3 "prior").
        # (np.concatenate, not an array filled in place: its memory order decides the order in which
        # the reductions below add, so it stays the one the proposals were made with.)
        self.mu = np.concatenate([xn, np.full((1, n_num), 0.5)])
        if n >= 1 and (n_split is not None or adaptive):
            clip = 1.0 / min(100.0, math.sqrt((n + 2.0) * (n_split + 2.0))) if n_split is not None else None
            self.sigma = np.concatenate([_neighbour_bandwidths(xn, space.cell_floor, clip), np.ones((1, n_num))])
        else:
            sd = xn.std(axis=0) if n >= 2 else np.zeros(n_num)
            shrink = max(n, 1) ** (-1.0 / (d + 4))
            base_floor = max(0.5 / min(100.0, n + 1.0), (_BW_FLOOR_1D if d == 1 else 0.0) * shrink)
            floor = np.maximum(base_floor, space.cell_floor)
            sigma = np.clip(1.059 * sd * shrink, floor, 1.0)
            self.sigma = np.vstack([np.broadcast_to(sigma, (n, n_num)), np.ones((1, n_num))])
        w = np.ones(n + 1)
        if ramp and n > 25:
            w[: n - 25] = np.linspace(1.0 / n, 1.0, n - 25)
        w[-1] = prior_weight
        self.w = w / w.sum()
        self.log_w = np.log(self.w)
        # log of each truncated kernel's mass on [0, 1].
        # Every centre lies in [0, 1], so the mass is at least ~1/3 and a plain difference is exact enough.
        self.log_z = np.log(ndtr((1.0 - self.mu) / self.sigma) - ndtr(-self.mu / self.sigma))
        self._all_cont = space.all_cont
        # Boolean-indexed copies even when every dimension is continuous: their memory order (that
        # of the copies, not of the arrays) fixes the order of the sums over dimensions below.
        cont = space.cont
        sc, mc, zc = self.sigma[:, cont], self.mu[:, cont], self.log_z[:, cont]
        self._inv_var = 1.0 / (sc * sc)
        self._mu_inv = mc * self._inv_var
        self._mu_quad = (mc ** 2 * self._inv_var).sum(axis=1)
        self._cont_const = -(np.log(sc) + _LOG_SQRT_2PI + zc).sum(axis=1)
        self._kernel_pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None  # see _cell_log_mass
        self._w_cdf: np.ndarray | None = None  # see _choice
        self.cat_logp: list[np.ndarray] = []
        for j, k in zip(space.cat, space.n_choices, strict=False):
            idx = obs[:, j].astype(int)
            # A kernel's row depends on its observed choice only: the k distinct rows are computed
            # (the same operations on the same numbers as row by row) and copied to the kernels.
            if adaptive:
                p = np.full((k, k), prior_weight / (n + 1))
                p[np.arange(k), np.arange(k)] += 1.0
                p /= p.sum(axis=1, keepdims=True)
            else:
                p = np.full((k, k), cat_smoothing / k)
                p[np.arange(k), np.arange(k)] += 1.0 - cat_smoothing
            logp = np.empty((n + 1, k))
            logp[:n] = np.log(p)[idx]
            logp[n] = np.log(np.full((1, k), 1.0 / k))
            self.cat_logp.append(logp)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sp = self.space
        comp = _choice(rng, self._cdf(), size)
        out = np.empty((size, len(sp.names)))
        if len(sp.num):
            mu, sg = self.mu[comp], self.sigma[comp]
            a, b = ndtr((sp.u_lo - mu) / sg), ndtr((sp.u_hi - mu) / sg)
            q = a + rng.random(mu.shape) * (b - a)
            x = mu + sg * ndtri(np.clip(q, 1e-300, 1.0 - 1e-16))
            out[:, sp.num] = sp.centres(np.clip(x, sp.u_lo, sp.u_hi))
        for j, logp in zip(sp.cat, self.cat_logp, strict=False):
            cdf = np.cumsum(np.exp(logp[comp]), axis=1)
            r = rng.random(size)[:, None] * cdf[:, -1:]
            out[:, j] = np.minimum((cdf < r).sum(axis=1), cdf.shape[1] - 1)
        return out

    def _cdf(self) -> np.ndarray:
        if self._w_cdf is None:
            self._w_cdf = self.w.cumsum()
            self._w_cdf /= self._w_cdf[-1]
        return self._w_cdf

    def _cell_log_mass(self, cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_rows: int) -> np.ndarray:
        """``[kernel, row, dim]``: log mass of each kernel on each row's cell of each discrete
        dimension (``cells``: per dimension, the rows' distinct cells as ``_distinct_pairs`` gives them).

        Kernels share few (centre, bandwidth) pairs on a discrete dimension and candidates few cells,
        so the Gaussian masses (``log_ndtr``, the slow part) are computed once per distinct pair and
        cell and spread back: the same numbers as computing them kernel by kernel, at a fraction of
        the cost (issue 18).
        """
        if self._kernel_pairs is None:
            dm = self.space.discrete
            self._kernel_pairs = [_distinct_pairs(mu, sg) for mu, sg in zip(self.mu[:, dm].T, self.sigma[:, dm].T,
                                                                             strict=True)]
        out = np.empty((len(self.w), n_rows, len(cells)))
        for j, ((mu, sg, k_of), (lo, hi, c_of)) in enumerate(zip(self._kernel_pairs, cells, strict=True)):
            mass = _log_gauss_mass((lo[None, :] - mu[:, None]) / sg[:, None], (hi[None, :] - mu[:, None]) / sg[:, None])
            out[:, :, j] = mass.take(c_of, axis=1).take(k_of, axis=0)
        return out

    def log_pdf(self, x: np.ndarray, points: _Points | None = None) -> np.ndarray:
        """Log density (log mass on discrete dimensions) of each row of ``x`` (``points``: the same
        rows prepared by ``_Points``, when another estimator of the space scores them too)."""
        sp = self.space
        pts = _Points(sp, x) if points is None else points
        # The terms are added to the (kernels x rows, C-ordered) total in the order of the
        # one-array-per-term formula (continuous, discrete, categorical, weight): the same sums to
        # the last bit, with fewer passes over the array.
        if pts.has_cont:
            # Sum of squared standardized distances as two matrix products (no kernels x
            # candidates x dims array): sum_j (x_j - mu_ij)^2 / s_ij^2.
            total = self._inv_var @ pts.xc2_t - 2.0 * (self._mu_inv @ pts.xc_t)
            total += self._mu_quad[:, None]
            total *= -0.5
            total += self._cont_const[:, None]
        else:
            total = np.zeros((len(self.w), pts.n))
        if pts.cells:
            mass = self._cell_log_mass(pts.cells, pts.n).sum(axis=2)
            mass -= self.log_z[:, sp.discrete].sum(axis=1)[:, None]
            total += mass
        for idx, logp in zip(pts.cat_idx, self.cat_logp, strict=False):
            total += logp[:, idx]
        total += self.log_w[:, None]
        peak = total.max(axis=0)
        total -= peak
        e = np.zeros_like(total)
        np.exp(total, out=e, where=~(total <= _EXP_ZERO))  # most far kernels underflow to 0: see _EXP_ZERO
        return peak + np.log(e.sum(axis=0))  # type: ignore[no-any-return]


def _choice(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """``rng.choice(len(cdf), size, p=p)`` for ``cdf = p.cumsum() / p.cumsum()[-1]``: the same draws and
    the same stream (numpy's own steps), without the checks of ``p`` that cost ~40 us a call.

    >>> p = np.array([0.2, 0.5, 0.3])
    >>> a = np.random.default_rng(1).choice(3, size=8, p=p)
    >>> bool((a == _choice(np.random.default_rng(1), p.cumsum() / p.cumsum()[-1], 8)).all())
    True
    """
    idx: np.ndarray = cdf.searchsorted(rng.random(size), side="right")
    return idx


def _distinct_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct pairs ``(a[i], b[i])`` as two arrays, and the index of each ``i``'s pair in them.

    >>> _distinct_pairs(np.array([0.5, 0.25, 0.5]), np.array([1.0, 1.0, 1.0]))
    (array([0.25, 0.5 ]), array([1., 1.]), array([1, 0, 1]))
    """
    key = np.empty(len(a), dtype=complex)  # ordered by a, then b
    key.real, key.imag = a, b
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    index = np.empty(len(key), dtype=np.intp)
    index[order] = np.cumsum(first) - 1
    pairs = key[first]
    return pairs.real.copy(), pairs.imag.copy(), index


def _neighbour_bandwidths(xn: np.ndarray, cell_floor: np.ndarray, clip: float | None = None) -> np.ndarray:
    """Per-kernel bandwidths (rows x numeric dims) from the gaps between sorted observations in each
    dimension: the larger gap to a neighbour (the bounds 0 and 1 count as neighbours of the outermost
    kernels only when fewer than two observations exist), clipped to ``[clip, 1]`` (default
    ``1 / (n + 2)``: Bergstra et al. 2011's "magic clip", as optuna) and to half a cell of a discrete
    dimension."""
    n, d = xn.shape
    # Sorted per dimension along contiguous rows (dims x n): the same stable order as along the
    # columns of xn, faster on every suggestion.
    xt = np.ascontiguousarray(xn.T)
    order = np.argsort(xt, axis=1, kind="stable")
    dims = np.arange(d)[:, None]
    ext = np.empty((d, n + 2))
    ext[:, 0], ext[:, -1] = 0.0, 1.0
    ext[:, 1:-1] = xt[dims, order]
    step = ext[:, 1:] - ext[:, :-1]
    gaps = np.maximum(step[:, :-1], step[:, 1:])
    if n >= 2:  # the outermost kernels look inwards, not at the bound
        gaps[:, 0] = step[:, 1]
        gaps[:, -1] = step[:, -2]
    out = np.empty_like(gaps)
    out[dims, order] = gaps
    low = 1.0 / min(100.0, n + 2.0) if clip is None else clip
    clipped: np.ndarray = np.clip(out.T, np.maximum(low, cell_floor), 1.0)
    return clipped


class _History:
    """Incremental observation matrix of one study's finished trials (finished trials never change),
    read through ``cursor`` (which knows the study it reads: ``TrialCursor.follows``)."""

    def __init__(self, cursor: TrialCursor, directions: list[str]) -> None:
        self.cursor = cursor
        n_objectives = len(directions)
        self.signs = np.array([1.0 if d == "minimize" else -1.0 for d in directions])  # minimize everything
        self.cols: dict[str, int] = {}
        self.dists: list[D.Distribution] = []
        self.X = np.full((64, 8), np.nan)
        self.n = 0
        self.m = n_objectives
        self.values = np.full((64, n_objectives), np.nan)
        self.tier = np.zeros(64)  # 0 complete, 1 pruned
        self.step = np.zeros(64)
        self.viol = np.zeros(64)  # constraint violation (0: feasible; see tunewise._constraints)
        self.sig = np.zeros(64, dtype=int)
        # Per proposal, per row: a PRUNED trial's value on the final scale, minimized, where its last
        # step ranks like the end (NaN elsewhere; None: optuna's order). See TPESampler._calibrated.
        self.calibrated: np.ndarray | None = None
        self.calibration = PrunedCalibration()  # reads the complete trials as they are added
        # PRUNED trials by number -> (row, params, curve): a promote-mode segment that continues one
        # with the same parameters takes its row (one row per configuration, at its deepest step)
        # and its curve (steps are absolute; the calibration reads whole curves). See _segments.
        self.paused: dict[int, tuple[int, dict[str, Any], Mapping[int, float]]] = {}
        self.sigs: list[frozenset[str]] = []
        self.sig_index: dict[frozenset[str], int] = {}
        # The last proposal's Parzen estimators (TPESampler._estimator): reused when a group's rows recur.
        self.estimators: dict[tuple[Any, ...], _Parzen] = {}

    def _col(self, name: str, dist: D.Distribution) -> int:
        c = self.cols.get(name)
        if c is None:
            c = len(self.cols)
            if c >= self.X.shape[1]:
                self.X = np.hstack([self.X, np.full((self.X.shape[0], self.X.shape[1]), np.nan)])
            self.cols[name] = c
            self.dists.append(dist)
        return c

    def _grow(self) -> None:
        cap = self.X.shape[0] * 2
        self.X = np.vstack([self.X, np.full(self.X.shape, np.nan)])
        self.values = np.vstack([self.values, np.full(self.values.shape, np.nan)])
        self.tier = np.resize(self.tier, cap)
        self.step = np.resize(self.step, cap)
        self.viol = np.resize(self.viol, cap)
        self.sig = np.resize(self.sig, cap)

    def signature(self, names: frozenset[str]) -> int:
        s = self.sig_index.get(names)
        if s is None:
            s = self.sig_index[names] = len(self.sigs)
            self.sigs.append(names)
        return s

    def encode(self, params: dict[str, Any],
               dists: dict[str, D.Distribution]) -> tuple[dict[int, float], frozenset[str]]:
        row: dict[int, float] = {}
        names = []
        for name, value in params.items():
            dist = dists.get(name)
            if dist is None or (isinstance(dist, D.Categorical) and dist.grid) or not dist.contains(value):
                continue
            c = self._col(name, dist)
            row[c] = float(dist.index(value)) if isinstance(dist, D.Categorical) else dist.to_unit(value)
            names.append(name)
        return row, frozenset(names)

    def add(self, t: FrozenTrial, dists: dict[str, D.Distribution], signs: np.ndarray) -> None:
        if t.state == TrialState.COMPLETE:
            if t.values is None or len(t.values) != self.m:
                return
            vals = np.asarray(t.values, dtype=float) * signs
            vals[~np.isfinite(vals)] = np.inf  # a non-finite value ranks last among complete trials
            tier, step = 0.0, 0.0
        elif t.state == TrialState.PRUNED:
            # A pruned trial ranks after every complete one: further steps first, then by its last value
            # (Watanabe 2023, Sec. 3.6).
            iv = t.intermediate_values
            if iv:
                last = max(iv)
                v = float(iv[last]) * signs[0]
                vals = np.full(self.m, v if math.isfinite(v) else np.inf)
                step = float(last)
            else:
                vals, step = np.full(self.m, np.inf), -1.0
            tier = 1.0
        else:
            return
        link = self.paused.get(t.system_attrs.get(CONTINUES_ATTR, -1))
        if link is not None and link[1] == t.params:
            del self.paused[t.system_attrs[CONTINUES_ATTR]]
            i, curve = link[0], stitch([link[2], t.reports])
            self.values[i], self.tier[i], self.step[i], self.viol[i] = vals, tier, step, violation(t)
            if t.state == TrialState.COMPLETE:
                whole = copy.copy(t)
                whole.intermediate_values = curve
                self.calibration.add(whole)
            else:
                self.paused[t.number] = (i, t.params, curve)
            return
        row, names = self.encode(t.params, dists)
        if not row:
            return
        if self.n >= self.X.shape[0]:
            self._grow()
        i = self.n
        cols = list(row)
        self.X[i, cols] = [row[c] for c in cols]
        self.values[i] = vals
        self.tier[i] = tier
        self.step[i] = step
        self.viol[i] = violation(t)
        self.sig[i] = self.signature(names)
        if t.state == TrialState.COMPLETE:
            self.calibration.add(t)
        else:
            self.paused[t.number] = (i, t.params, t.reports)
        self.n += 1

    def order(self, rows: np.ndarray, n_below: int | None = None) -> np.ndarray:
        """Rows sorted best first: complete by value (Pareto rank for several objectives), then pruned.
        With several objectives or constraints, see ``_mo.order_rows`` (``n_below``: the good set's size)."""
        v = self.values[rows]
        if self.m > 1 or self.viol[rows].any():
            return rows[order_rows(v, self.tier[rows], self.step[rows], self.viol[rows], n_below)]  # type: ignore[no-any-return]
        tier, step = self.tier[rows], self.step[rows]
        if self.calibrated is not None:  # trusted pruned trials rank among the complete ones
            c = self.calibrated[rows]
            hit = ~np.isnan(c)
            if hit.any():
                v = v.copy()
                v[hit, 0] = c[hit]
                tier, step = np.where(hit, 0.0, tier), np.where(hit, 0.0, step)
        if self.m == 1 and not tier.any():
            fast: np.ndarray = rows[np.argsort(v[:, 0], kind="stable")]  # all complete: by value
            return fast
        if self.m == 1:
            primary = v[:, 0]
            secondary = np.zeros(len(rows))
        else:
            primary = _pareto_rank(v).astype(float)
            # Break ties inside a front by the sum of per-objective ranks.
            secondary = np.argsort(np.argsort(v, axis=0), axis=0).sum(axis=1).astype(float)
        pruned = tier == 1
        primary = np.where(pruned, v[:, 0], primary)
        secondary = np.where(pruned, 0.0, secondary)
        idx = np.lexsort((secondary, primary, -step, tier))
        ordered: np.ndarray = rows[idx]
        return ordered


def _pareto_rank(v: np.ndarray) -> np.ndarray:
    """Non-dominated sorting: 0 for the Pareto front, 1 for the next front, ... (moocore)."""
    return pareto_rank(v)


def _matches(space: _Space, cand: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """Which candidates decode to the same values as one of the ``taken`` rows."""
    return np.asarray(_pair_matches(space, cand, taken).any(axis=1))


def _pair_matches(space: _Space, cand: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """``[i, r]``: candidate ``i`` decodes to the values of ``taken`` row ``r`` (NaN: no value)."""
    a, b = cand.copy(), taken.copy()
    if len(space.num):
        # Continuous dims compare exactly; discrete ones by cell (both are cell centres after snapping).
        a[:, space.num] = space.centres(a[:, space.num])
        b[:, space.num] = space.centres(np.nan_to_num(b[:, space.num], nan=-1.0))
    same: np.ndarray = np.all(np.isclose(a[:, None, :], b[None, :, :], rtol=0, atol=1e-12), axis=2)
    return same


def _from_uniform(space: _Space, u: np.ndarray) -> np.ndarray:
    """Uniform unit draws -> encoded points (cell centres, category indices)."""
    out = u.copy()
    if len(space.num):
        out[:, space.num] = space.centres(np.clip(u[:, space.num], space.u_lo, space.u_hi))
    for j, k in zip(space.cat, space.n_choices, strict=False):
        out[:, j] = np.minimum(np.floor(u[:, j] * k), k - 1)
    return out


class TPESampler(Sampler):
    """Tree-structured Parzen Estimator: model good and bad regions, propose where good/bad is high.

    Multivariate by default (one joint kernel density per group of co-occurring parameters,
    so conditional spaces are modelled branch by branch); integer, stepped, log-scaled and
    categorical parameters are handled natively. In a conditional space the good set is the
    best ``gamma(n)`` trials of the whole study, so a branch none of whose trials is good is
    explored (its prior against its bad trials) rather than refined around its own best, bad,
    trial; there the kernels are Bergstra's / optuna's (bandwidth: the larger gap to a
    neighbouring observation, at least ``1 / (n + 2)``; categorical kernels put
    ``prior_weight / (n + 1)`` on the other choices; past 25 bad trials the oldest weigh less).
    In an unconditional space the bandwidths are the neighbour gaps as well, but clipped below at
    ``1 / sqrt((n + 2) (N + 2))`` (``n`` the estimator's observations, ``N`` the trials split): the
    good set's kernels narrow as the study grows, while the bad set's track where trials have been
    (session 28, dev curves and dev bbob; Scott's rule before).
    ``constant_liar`` counts the proposals of RUNNING trials as bad results, so parallel
    workers spread out instead of proposing the same point. PRUNED trials rank after all
    COMPLETE ones, by how far they got and their last reported value; FAILED trials are
    ignored. With several objectives the good set is the best Pareto fronts, the last one split
    by hypervolume (MO-TPE, Ozaki et al. 2022); with constraints (``trial.set_constraint`` /
    ``constraints_func``) infeasible trials rank after the feasible ones, least violation first
    (see ``_mo``).

    Args:
        n_startup_trials: finished trials sampled at random before the model is used.
        n_ei_candidates: candidates drawn from the good-region model per suggestion.
        multivariate: one joint model per parameter group (False: one model per parameter).
        group: split conditional spaces into groups of co-occurring parameters (with
            ``multivariate=True``); False models the parameters every trial has jointly and the
            rest one by one.
        constant_liar: treat RUNNING trials as bad results (for parallel workers).
        seed: seed of the sampler's random stream.
        gamma: ``n -> size of the good set``; default 10% of the trials, at most 25.
        prior_weight: weight of the wide prior kernel relative to one observation.
        categorical_smoothing: mass an Aitchison-Aitken kernel spreads over the other choices.
        max_above_kernels: most kernels in the "bad" density; beyond it a rank-stratified subset
            of the bad trials is used, so the cost per suggestion stays flat at 10,000+ trials.

    Optuna's other keywords are taken as well, so ``TPESampler(**kwargs)`` of an Optuna script
    runs: ``warn_independent_sampling`` (tunewise's TPE models every parameter, conditional ones
    included, and has nothing to warn about) and ``consider_prior=True``,
    ``consider_magic_clip=True``, ``consider_endpoints=False`` (what tunewise does) change
    nothing. ``consider_prior=False``, ``consider_magic_clip=False``, ``consider_endpoints=True``,
    ``weights`` and Optuna 4's ``categorical_distance_func`` have no counterpart in tunewise's
    estimators: they are accepted with a warning that names them. ``multivariate=None`` (Optuna's
    default) is ``True``, ``prior_weight=None`` is ``1.0``.

    >>> import tunewise as tw
    >>> study = tw.create_study(sampler=tw.samplers.TPESampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=40)
    >>> abs(study.best_params["x"] - 1) < 0.5
    True
    """

    def __init__(
        self,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        multivariate: bool | None = True,
        group: bool = True,
        constant_liar: bool = True,
        seed: int | None = None,
        *,
        gamma: Callable[[int], int] | None = None,
        prior_weight: float | None = 1.0,
        categorical_smoothing: float = 0.2,
        max_above_kernels: int = 1000,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        consider_prior: bool | None = None,
        consider_magic_clip: bool | None = None,
        consider_endpoints: bool | None = None,
        weights: Callable[[int], Any] | None = None,
        warn_independent_sampling: bool | None = None,
        categorical_distance_func: Mapping[str, Callable[[Any, Any], float]] | None = None,
    ) -> None:
        self.constraints_func = constraints_func  # Optuna's place for the study's constraints_func
        if multivariate is None:  # Optuna's default: multivariate
            multivariate = True
        if prior_weight is None:  # Optuna 5's default: 1.0
            prior_weight = 1.0
        _optuna_options(consider_prior, consider_magic_clip, consider_endpoints, weights, warn_independent_sampling,
                        categorical_distance_func)
        for name, value, low in (("n_startup_trials", n_startup_trials, 0), ("n_ei_candidates", n_ei_candidates, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        for name, flag in (("multivariate", multivariate), ("group", group), ("constant_liar", constant_liar)):
            if not isinstance(flag, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an integer or None, got {seed!r}")
        if gamma is not None and not callable(gamma):
            raise TypeError(f"gamma must be a function n -> int or None, got {gamma!r}")
        if isinstance(prior_weight, bool) or not isinstance(prior_weight, (int, float)) or not prior_weight > 0:
            raise ValueError(f"prior_weight must be a number > 0, got {prior_weight!r}")
        if not isinstance(categorical_smoothing, (int, float)) or not 0 < categorical_smoothing <= 1:
            raise ValueError(f"categorical_smoothing must be in (0, 1], got {categorical_smoothing!r}")
        if isinstance(max_above_kernels, bool) or not isinstance(max_above_kernels, (int, np.integer)) \
                or max_above_kernels < 1:
            raise ValueError(f"max_above_kernels must be an integer >= 1, got {max_above_kernels!r}")
        self.max_above_kernels = int(max_above_kernels)
        self.n_startup_trials = int(n_startup_trials)
        self.n_ei_candidates = int(n_ei_candidates)
        self.multivariate = bool(multivariate)
        self.group = bool(group)
        self.constant_liar = bool(constant_liar)
        self.seed = seed
        self.gamma = gamma or default_gamma
        self.prior_weight = float(prior_weight)
        self.categorical_smoothing = float(categorical_smoothing)
        self._rng = np.random.default_rng(seed)
        self._hist: _History | None = None
        self._rank_trusted_pruned = True  # see _trusted_pruned_rows
        self._groups_cache: tuple[int, list[frozenset[str]]] | None = None

    def reseed(self, seed: int | None) -> None:
        super().reseed(seed)
        self._rng = np.random.default_rng(seed)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_hist"] = None  # a worker rebuilds the cache from its own storage
        state["_groups_cache"] = None
        state.pop("_spaces", None)
        return state

    # ---- history -------------------------------------------------------------------------
    def _history(self, study: StudyContext | Study, dists: dict[str, D.Distribution] | None = None
                 ) -> tuple[_History, list[FrozenTrial]]:
        study = as_study_context(study)
        h = self._hist
        if h is None or not h.cursor.follows(study):  # another study, or other trials of this one
            h = self._hist = _History(TrialCursor(study), study.directions)
            self._groups_cache = None
        # Only the trials finished since the last proposal are new (finished trials never change).
        finished, running = study.read_new(h.cursor)
        if finished:
            dists = study.distributions if dists is None else dists
            for t in finished:
                h.add(t, dists, h.signs)
        return h, running

    def _groups(self, h: _History, names: list[str]) -> list[frozenset[str]]:
        if not self.multivariate:
            return [frozenset([n]) for n in names]
        if self._groups_cache is None or self._groups_cache[0] != len(h.sigs):
            sigs = h.sigs
            if self.group:
                groups = group_decompose(sigs)
            else:
                common = frozenset.intersection(*sigs) if sigs else frozenset()
                rest = frozenset().union(*sigs) - common
                groups = ([common] if common else []) + [frozenset([n]) for n in sorted(rest)]
            self._groups_cache = (len(sigs), groups)
        groups = self._groups_cache[1]
        known = set().union(*groups) if groups else set()
        return groups + [frozenset([n]) for n in names if n not in known]

    # ---- the sampler hooks -------------------------------------------------------------
    def propose(self, study: StudyContext, trial: TrialContext) -> dict[str, Any] | Proposal:
        dists = study.distributions
        names = sorted(n for n, d in dists.items() if not (isinstance(d, D.Categorical) and d.grid))
        h, running = self._history(study, dists)
        h.calibrated = self._calibrated(h) if getattr(self, "_rank_trusted_pruned", True) else None
        out: dict[str, Any] = {}
        if h.n < self.n_startup_trials:
            for n in names:
                out[n] = open_value(dists[n], self._rng.random())
        else:
            out = self._model_proposal(trial, h, running, names, dists)
        if self.constant_liar and out:
            return Proposal(out, publish=True)  # other workers' constant liar counts it as a bad result
        return out

    @staticmethod
    def _calibrated(h: _History) -> np.ndarray | None:
        """Per row, the value of a PRUNED trial whose last step ranks configurations like their
        final values, put on the final scale (``tunewise.samplers._pruned_trust``), minimized; NaN
        for every other row (None if there is none).

        Optuna's order puts every pruned trial after every complete one; where the step they were
        stopped at is measured to rank like the end, their rank there is what they are worth, and
        on curves that cross (no trust) they keep optuna's place (issue 19). One objective only.
        """
        n = h.n
        pruned = (h.tier[:n] == 1) & np.isfinite(h.values[:n, 0]) if h.m == 1 else np.zeros(n, dtype=bool)
        if not pruned.any():
            return None
        out = np.full(n, np.nan)
        steps, sign = h.step[:n], float(h.signs[0])
        for at in np.unique(steps[pruned]).tolist():
            trusted, line = h.calibration.step(at)
            if trusted and line is not None:
                rows = pruned & (steps == at)
                out[rows] = (line[0] + line[1] * h.values[:n][rows, 0] * sign) * sign  # rows hold value * sign
        return out if not np.isnan(out).all() else None

    def _model_proposal(self, trial: TrialContext, h: _History, running: list[FrozenTrial],
                        names: list[str], dists: dict[str, D.Distribution]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        n = h.n
        X = h.X[:n]
        sig_ok_cache: dict[frozenset[str], np.ndarray] = {}
        liar_rows: list[tuple[dict[int, float], frozenset[str]]] = []
        if self.constant_liar:
            for t in running:
                if t.trial_id == trial.trial_id:  # by id: a trial proposed before its start has no number yet
                    continue
                params = running_params(t)
                if params:
                    liar_rows.append(h.encode(params, dists))
        name_set = set(names)
        estimators: dict[tuple[Any, ...], _Parzen] = {}  # this proposal's, for the next one (see _estimator)
        # A conditional space (some parameter missing from some trials): Bergstra's / optuna's
        # estimator (one good set for the study, neighbour bandwidths, sharpening categorical
        # kernels, older bad trials down-weighted). Dev HPO tasks (issue 18, 19 paired cells):
        # 0.94x / 0.66x the previous regret at 30 / 60 trials; the global split alone was 1.41x /
        # 1.81x and the neighbour bandwidths alone 1.40x / 1.42x (worse).
        conditional = len(h.sigs) > 1
        good: np.ndarray | None = None
        # (space, columns, candidates, scores, chosen) of each group without a continuous dimension,
        # for the whole configuration's no-repeat rule below (None once a group has one). In a
        # conditional space the rule on active parameters (s32 candidate R) failed its dev bars:
        # benchmarks/history/s32/auto_candidate_r.patch, auto_norepeat.md.
        finite: list[tuple[_Space, np.ndarray, np.ndarray, np.ndarray, int]] | None = None if conditional else []
        for g in self._groups(h, names):
            g_names = sorted(n_ for n_ in g if n_ in name_set and n_ in h.cols)
            for n_ in g:
                if n_ in name_set and n_ not in h.cols:
                    out[n_] = open_value(dists[n_], self._rng.random())  # never observed yet
            # Constant dimensions carry no information: propose their only value.
            model_names = [n_ for n_ in g_names if (dists[n_].n_values or 2) > 1]
            for n_ in g_names:
                if n_ not in model_names:
                    out[n_] = dists[n_].from_unit(0.5)
            if not model_names:
                continue
            gset = frozenset(g_names)
            ok = sig_ok_cache.get(gset)
            if ok is None:
                ok = sig_ok_cache[gset] = np.array([gset <= s for s in h.sigs], dtype=bool)
            rows = np.flatnonzero(ok[h.sig[:n]]) if len(ok) else np.empty(0, dtype=int)
            cols = np.array([h.cols[n_] for n_ in model_names], dtype=int)
            space = self._space(model_names, dists)
            if len(rows) == 0:
                for n_ in model_names:
                    out[n_] = open_value(dists[n_], self._rng.random())
                continue
            if conditional:
                # The study's good set, not the branch's: a branch none of whose trials is among
                # the best is modelled by the prior against its bad trials (it explores), instead
                # of exploiting its own best trial (which may be bad).
                if good is None:
                    nb_all = max(1, min(int(self.gamma(n)), n))
                    good = np.zeros(n, dtype=bool)
                    good[h.order(np.arange(n), nb_all)[:nb_all]] = True
                below_rows = rows[good[rows]]
                above_rows = rows[~good[rows]]  # in trial order (oldest first), for the ramp
            else:
                n_below = max(1, min(int(self.gamma(len(rows))), len(rows)))
                ordered = h.order(rows, n_below)
                below_rows = ordered[:n_below]
                above_rows = ordered[n_below:]
            if len(above_rows) > self.max_above_kernels:
                # A rank-stratified subset (every k-th bad trial from best to worst) keeps the shape
                # of the "bad" density at a fixed cost, so a suggestion's cost stops growing with the
                # trials (the good set is capped by gamma already). Deterministic: no draw is used.
                pick = np.linspace(0, len(above_rows) - 1, self.max_above_kernels).round().astype(int)
                above_rows = above_rows[pick]
            liars = [[r[h.cols[n_]] for n_ in model_names] for r, s in liar_rows if gset <= s]
            # Unconditional spaces: neighbour-gap bandwidths with the clip between the estimator's and
            # the study's count (n_split; see TPESampler). Against Scott's rule (s28, dev): TPE + ASHA
            # compute to target 0.93x / 0.82x at 10·R / 30·R on 11 curve families, bbob regret 0.94x /
            # 0.88x at 30 / 60 trials (benchmarks/history/s28/tpe_bandwidth.md).
            # The same clip in a conditional space, counted per group (s29 candidate H) failed its dev
            # bars; it is kept as benchmarks/history/s31/mends_switch_H.patch.
            n_split = None if conditional else len(rows)
            l_est = self._estimator(h, estimators, space, X, below_rows, cols, None, conditional, False, n_split)
            g_est = self._estimator(h, estimators, space, X, above_rows, cols,
                                    np.asarray(liars, dtype=float) if liars else None, conditional, conditional,
                                    n_split)
            cand = l_est.sample(self._rng, self.n_ei_candidates)
            pts = _Points(space, cand)  # scored by both estimators
            score = l_est.log_pdf(cand, pts) - g_est.log_pdf(cand, pts)
            if liars:
                # Never hand a parallel worker the point another RUNNING trial is evaluating (this
                # matters on small discrete spaces, where the lie alone may not move the argmax).
                taken = np.asarray(liars, dtype=float)
                dup = _matches(space, cand, taken)
                if dup.all():
                    extra = self._rng.random((max(64, 4 * self.n_ei_candidates), len(model_names)))
                    extra = _from_uniform(space, extra)
                    free = extra[~_matches(space, extra, taken)]
                    if len(free):
                        pts = _Points(space, free)
                        cand, score = free, l_est.log_pdf(free, pts) - g_est.log_pdf(free, pts)
                        dup = np.zeros(len(free), dtype=bool)
                score = np.where(dup, -np.inf, score) if not dup.all() else score
            best = cand[int(np.argmax(score))]
            if space.open.any():
                # A space with a continuous parameter never repeats a point already evaluated or
                # running (tunewise._interior): the best candidate that is new.
                finite = None
                taken = X[np.ix_(rows, cols)]
                if liars:
                    taken = np.vstack([taken, np.asarray(liars, dtype=float)])
                best = self._untaken(space, cand, score, taken, l_est, g_est)
            elif finite is not None:
                finite.append((space, cols, cand, score, int(np.argmax(score))))
            self._set(out, space, best, dists)
        if finite:
            # Nor does a finite space while it has configurations left (session 17: TPE took its
            # best configuration again and again, 30-45 repeats in 60 trials and 3-8x optuna TPE's
            # regret on held-out categorical spaces): where the proposal is one already evaluated
            # or running, the group's candidate that costs least score makes it new.
            taken_all = X[:n] if not liar_rows else np.vstack([X[:n], np.array(
                [[r.get(c, np.nan) for c in range(X.shape[1])] for r, _ in liar_rows], dtype=float)])
            self._untaken_configuration(finite, taken_all, out, dists)
        h.estimators = estimators
        return out

    def _estimator(self, h: _History, estimators: dict[tuple[Any, ...], _Parzen], space: _Space, X: np.ndarray,
                   rows: np.ndarray, cols: np.ndarray, extra: np.ndarray | None, adaptive: bool, ramp: bool,
                   n_split: int | None) -> _Parzen:
        """The Parzen estimator of ``X``'s ``rows`` (in this order) and ``cols``, then the ``extra`` rows
        (constant liar), as the previous proposal built it if it built the same one.

        A finished trial's row never changes, so an estimator is a function of the rows it reads and of
        the settings below: in a conditional space most groups' good and bad sets stay as they were from
        one proposal to the next (a new trial joins one branch; the study's good set rarely moves), and
        their estimators are taken as they are instead of being built again (issue 18's cost).
        """
        # the space object itself, not its id: the key keeps it alive, so no freed space's id is reused
        key = (space, cols.tobytes(), rows.tobytes(), None if extra is None else extra.tobytes(), adaptive, ramp,
               n_split, self.prior_weight, self.categorical_smoothing)
        est = h.estimators.get(key)
        if est is None:
            obs = X[np.ix_(rows, cols)]
            if extra is not None:
                obs = np.vstack([obs, extra])
            est = _Parzen(space, obs, self.prior_weight, self.categorical_smoothing, adaptive=adaptive, ramp=ramp,
                          n_split=n_split)
        estimators[key] = est
        return est

    def _untaken_configuration(self, finite: list[tuple[_Space, np.ndarray, np.ndarray, np.ndarray, int]],
                               taken: np.ndarray, out: dict[str, Any], dists: dict[str, D.Distribution]) -> None:
        """Change ``out`` (in place) to a configuration no ``taken`` row holds, if it holds it."""
        match = [_pair_matches(sp, cand, taken[:, cols]) for sp, cols, cand, _, _ in finite]  # cand x taken
        chosen = [m[i] for m, (_, _, _, _, i) in zip(match, finite, strict=True)]
        if not np.logical_and.reduce(chosen).any():
            return  # new already (the usual case)
        best: tuple[float, int, int] | None = None  # (score given up, group, candidate)
        for g, (m, (_, _, _, score, i)) in enumerate(zip(match, finite, strict=True)):
            others = np.logical_and.reduce([c for k, c in enumerate(chosen) if k != g]) if len(chosen) > 1 \
                else np.ones(taken.shape[0], dtype=bool)
            free = ~(m & others[None, :]).any(axis=1)
            if free.any():
                j = int(np.flatnonzero(free)[np.argmax(score[free])])
                loss = float(score[i] - score[j])
                if best is None or loss < best[0]:
                    best = (loss, g, j)
        if best is not None:
            space, _, cand, _, _ = finite[best[1]]
            self._set(out, space, cand[best[2]], dists)
            return
        # Every candidate repeats: the first new one of uniform draws (none: the space may be exhausted).
        draws = [_from_uniform(sp, self._rng.random((256, len(sp.names)))) for sp, _, _, _, _ in finite]
        hit = np.logical_and.reduce([_pair_matches(sp, u, taken[:, cols])
                                     for u, (sp, cols, _, _, _) in zip(draws, finite, strict=True)]).any(axis=1)
        if not hit.all():
            k = int(np.argmin(hit))
            for u, (sp, _, _, _, _) in zip(draws, finite, strict=True):
                self._set(out, sp, u[k], dists)

    def _space(self, names: list[str], dists: dict[str, D.Distribution]) -> _Space:
        """``_Space`` of these parameters, kept across proposals (it depends on the distributions only)."""
        key = tuple((n_, type(dists[n_]), dists[n_]) for n_ in names)
        cache: dict[tuple[Any, ...], _Space] | None = self.__dict__.get("_spaces")
        if cache is None or len(cache) > 256:
            cache = self.__dict__["_spaces"] = {}
        space = cache.get(key)
        if space is None:
            space = cache[key] = _Space(names, [dists[n_] for n_ in names])
        return space

    @staticmethod
    def _set(out: dict[str, Any], space: _Space, row: np.ndarray, dists: dict[str, D.Distribution]) -> None:
        for k, n_ in enumerate(space.names):
            d = dists[n_]
            out[n_] = d.choices[int(row[k])] if isinstance(d, D.Categorical) else open_value(d, float(row[k]))

    def _untaken(self, space: _Space, cand: np.ndarray, score: np.ndarray, taken: np.ndarray,
                 l_est: _Parzen, g_est: _Parzen) -> np.ndarray:
        """The best-scoring candidate that repeats no ``taken`` row (looked for lazily: the best
        one almost always is new), else the best of fresh uniform draws that is."""
        open_cols = space.num[space.open]

        def is_taken(x: np.ndarray) -> np.ndarray:
            # First the continuous coordinates alone (cheap, no copies): few taken rows come close.
            near = np.ones((len(x), len(taken)), dtype=bool)
            for j in open_cols:
                near &= np.abs(x[:, j, None] - taken[None, :, j]) <= SEPARATION
            rows = np.flatnonzero(near.any(axis=0))
            if len(rows) == 0:
                return np.zeros(len(x), dtype=bool)
            xs, ts = x.copy(), taken[rows]
            if len(space.num):  # discrete dimensions compare by cell
                xs[:, space.num] = space.centres(xs[:, space.num])
                ts[:, space.num] = space.centres(ts[:, space.num])
            return taken_mask(xs[:, space.num], xs[:, space.cat], ts[:, space.num], ts[:, space.cat], space.open)

        i = int(np.argmax(score))
        if not is_taken(cand[i:i + 1])[0]:
            return cand[i]  # type: ignore[no-any-return]
        free = ~is_taken(cand)
        if not free.any():
            cand = _from_uniform(space, self._rng.random((max(64, 4 * self.n_ei_candidates), cand.shape[1])))
            free = ~is_taken(cand)
            pts = _Points(space, cand)
            score = l_est.log_pdf(cand, pts) - g_est.log_pdf(cand, pts)
            if not free.any():  # pragma: no cover - a continuous space always has a new point
                return cand[int(np.argmax(score))]  # type: ignore[no-any-return]
        return cand[int(np.flatnonzero(free)[np.argmax(score[free])])]  # type: ignore[no-any-return]

    def sample(self, study: StudyContext, trial: TrialContext, name: str, distribution: D.Distribution) -> Any:
        return open_value(distribution, self._rng.random())

    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """Keywords that configure this sampler like hyperopt's TPE defaults, as Optuna's
        ``TPESampler.hyperopt_parameters()`` (the same keys): 20 random start-up trials, 24
        candidates, the good set ``ceil(0.25 * sqrt(n))`` trials (at most 25), a prior kernel of
        weight 1, bandwidths clipped below, the bounds not counted as neighbours.

        What differs from hyperopt: tunewise stays multivariate (pass ``multivariate=False`` for
        hyperopt's one model per parameter); in unconditional spaces the gaps to neighbouring
        observations are clipped below at ``1 / sqrt((n + 2) (N + 2))`` (``N`` the trials split) instead
        of ``1 / (n + 2)``; and only the bad trials of a
        conditional space are down-weighted with age (hyperopt's ``weights`` ramp; Optuna's dict
        also holds ``weights``, which tunewise does not take without a warning, so it is left out).

        >>> import tunewise as tw
        >>> sampler = tw.samplers.TPESampler(**tw.samplers.TPESampler.hyperopt_parameters(), seed=0)
        >>> sampler.n_startup_trials, sampler.gamma(100)
        (20, 3)
        """
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_gamma,
        }

    def describe(self) -> dict[str, Any]:
        return {
            "name": "TPESampler", "seed": self.seed, "n_startup_trials": self.n_startup_trials,
            "n_ei_candidates": self.n_ei_candidates, "multivariate": self.multivariate, "group": self.group,
            "constant_liar": self.constant_liar, "prior_weight": self.prior_weight,
            "max_above_kernels": self.max_above_kernels,
        }
