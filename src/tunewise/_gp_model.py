"""The Gaussian-process surrogate behind :class:`~tunewise.samplers.GPSampler` (numpy/scipy only).

Shared by the GP samplers and the terminator's regret-bound evaluators, so it sits at the
package's top level (as ``_blas.py``): neither package imports the other's private modules
(``tests/test_layering.py``).

- Kernel: Matérn-5/2 with one length scale per dimension (ARD, Rasmussen & Williams 2006, eq. 4.17)
  on numeric dimensions, and a Hamming (overlap) distance on categorical dimensions, combined in one
  scaled distance (a Euclidean distance between scaled one-hot codes, so the kernel stays positive
  definite).
- Input warping (optional): a Kumaraswamy CDF per numeric dimension, fitted jointly with the kernel
  (Snoek et al. 2014, "Input warping for Bayesian optimization"; as HEBO, Cowen-Rivers et al. 2022).
- Output transform: Yeo-Johnson power transform anchored at the best value, then standardize
  (HEBO's recipe, anchored), or plain standardization, or normal scores of the ranks.
- Hyperparameters: maximum a posteriori by L-BFGS-B on the log marginal likelihood (R&W eq. 5.8,
  gradient eq. 5.9) plus log-normal priors; the length-scale prior is the dimension-scaled one of
  Hvarfner et al. 2024 ("Vanilla Bayesian optimization performs great in high dimensions"; BoTorch's
  default since 0.12), centred where BoTorch's MAP puts it (see ``_LS_PRIOR_SHIFT``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.special
import scipy.stats

_SQRT5 = math.sqrt(5.0)
_EPS_X = 1e-6  # keep warped inputs away from 0 and 1, where the Kumaraswamy derivative blows up

# Bounds (natural log) of the hyperparameters; inputs live in [0, 1], outputs are standardized.
_LOG_LS_BOUNDS = (math.log(5e-3), math.log(50.0))
_LOG_S2_BOUNDS = (math.log(5e-2), math.log(20.0))
_LOG_NOISE_BOUNDS = (math.log(1e-6), math.log(0.5))
_LOG_WARP_BOUNDS = (math.log(0.25), math.log(4.0))

# Log-normal priors (mean, std of the log). Signal variance near 1 (outputs are standardized);
# noise small but free (objectives may be deterministic or noisy); warping near the identity.
_S2_PRIOR = (0.0, 1.5)
# Length scales: log l ~ N(sqrt(2) - 3 + log(d)/2, 1), i.e. l ~ 0.2 sqrt(d) at the centre, for every d.
# Hvarfner et al. 2024 (BoTorch >= 0.12) put LogNormal(sqrt(2) + log(d)/2, sqrt(3)) on l and add its
# density *on l* to the MAP objective; in log l that density carries the Jacobian l, so the log-space
# centre BoTorch's fit actually sees is mu - sigma^2 = sqrt(2) - 3 + log(d)/2. (An earlier reading
# took sqrt(2) + log(d)/2 as the log-space centre, l ~ 4 sqrt(d), found it 2x worse and settled on
# -0.8 + log(min(d, 5))/2.) Width 1 instead of sqrt(3): on the dev split of
# benchmarks/sample_efficiency.py (bbob instances 1-2 of all 24 functions, d = 3 and 10, GP alone),
# against the previous prior, geometric-mean regret 0.79x / 0.57x at 30 / 50 trials (d = 3) and
# 0.82x / 0.90x (d = 10); width sqrt(3) gave 0.93x / 1.16x and 0.98x / 1.13x
# (benchmarks/results/gp_prior_dev.json).
_LS_PRIOR_SHIFT, _LS_PRIOR_SD = math.sqrt(2.0) - 3.0, 1.0
# Noise around 0.3% of the (standardized) variance (the mode of optuna's Gamma(1.1, 30) noise prior):
# even for deterministic objectives a little noise regularizes the fit and keeps EI interested in
# the neighbourhood of the incumbent. The earlier centre, 1%, let the first fits (10-30 points)
# explain real structure as noise: on held-out bbob functions (f2, f3, f7, f12, f17, f20,
# d = 2, 5, 10) the geometric-mean regret after 30 trials fell to 0.55x with 0.3%
# (benchmarks/history/gp.md, session 5).
_NOISE_PRIOR = (math.log(3e-3), 1.5)
_WARP_PRIOR = (0.0, 0.75)


# ---------------------------------------------------------------------------------------------
# Output transforms
# ---------------------------------------------------------------------------------------------
def _yeo_johnson(x: np.ndarray, lmbda: float) -> np.ndarray:
    # Yeo & Johnson 2000, eq. 2.1: a power transform defined for every real number.
    out = np.empty_like(x)
    pos = x >= 0
    if abs(lmbda) < 1e-8:
        out[pos] = np.log1p(x[pos])
    else:
        out[pos] = (np.power(x[pos] + 1.0, lmbda) - 1.0) / lmbda
    if abs(lmbda - 2.0) < 1e-8:
        out[~pos] = -np.log1p(-x[~pos])
    else:
        out[~pos] = -(np.power(1.0 - x[~pos], 2.0 - lmbda) - 1.0) / (2.0 - lmbda)
    return out


_LAMBDA_GRID = np.linspace(-2.0, 3.0, 101)


def _yeo_johnson_lambda(x: np.ndarray) -> float:
    """Maximum-likelihood lambda (Yeo & Johnson 2000, eq. 3.1) on a grid over [-2, 3].

    A grid (vectorized, ~0.05 resolution) instead of a scalar optimizer: as accurate as the
    transform needs, ten times cheaper, and the clipping keeps a few outliers from choosing an
    extreme map.
    """
    lam = _LAMBDA_GRID[:, None]
    pos = x >= 0
    xp, xn = np.where(pos, x, 0.0)[None, :], np.where(pos, 0.0, x)[None, :]
    with np.errstate(all="ignore"):
        lam_p = np.where(np.abs(lam) < 1e-8, 1.0, lam)
        tp = np.where(np.abs(lam) < 1e-8, np.log1p(xp), (np.power(1.0 + xp, lam) - 1.0) / lam_p)
        lam_n = np.where(np.abs(lam - 2.0) < 1e-8, 1.0, 2.0 - lam)
        tn = np.where(np.abs(lam - 2.0) < 1e-8, -np.log1p(-xn), -(np.power(1.0 - xn, 2.0 - lam) - 1.0) / lam_n)
        t = np.where(pos[None, :], tp, tn)
        var = np.var(t, axis=1)
        llf = -0.5 * len(x) * np.log(var) + (_LAMBDA_GRID - 1.0) * float(np.sum(np.sign(x) * np.log1p(np.abs(x))))
    llf[~np.isfinite(llf)] = -np.inf
    if not np.any(np.isfinite(llf)):  # pragma: no cover - overflow everywhere
        return 1.0
    return float(_LAMBDA_GRID[int(np.argmax(llf))])


def _standardize(y: np.ndarray) -> np.ndarray:
    sd = float(np.std(y))
    return (y - float(np.mean(y))) / (sd if sd > 1e-12 else 1.0)


def transform_outputs(y: np.ndarray, method: str) -> np.ndarray:
    """Map objective values (to minimize) to a well-behaved GP target; order is preserved.

    ``"power"``: shift to the best value, scale by the median gap, Yeo-Johnson with the
    maximum-likelihood lambda (in [-2, 3], so that a few outliers cannot produce an extreme map),
    standardize (HEBO's power transform, anchored at the incumbent).
    ``"rank"``: normal scores of the ranks, for very heavy tails. ``"standardize"``: mean 0, std 1.
    """
    return transform_outputs_with_jacobian(y, method)[0]


def transform_outputs_with_jacobian(y: np.ndarray, method: str) -> tuple[np.ndarray, float]:
    """The transformed targets and sum_i log |dt/dy|(y_i), which makes GP marginal likelihoods
    under different transforms comparable (warped GPs, Snelson et al. 2004). The rank transform
    has no Jacobian (it is not smooth); its value is reported as 0."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    sd = float(np.std(y))
    z = _standardize(y)
    log_jac_std = -n * math.log(sd) if sd > 1e-12 else 0.0
    if method == "standardize" or n < 3 or float(np.ptp(y)) == 0.0:
        return z, log_jac_std
    if method == "rank":
        ranks = scipy.stats.rankdata(y, method="average")
        return _standardize(scipy.stats.norm.ppf((ranks - 0.5) / n)), 0.0
    if method == "power":
        # Anchored at the incumbent and scaled by the median gap, the values near the best (the
        # ones expected improvement must resolve) are O(1) and large, rare values lie far out in
        # the tail, which the power transform then compresses (lambda < 1) or not.
        gap = y - float(np.min(y))
        scale = float(np.median(gap))
        if scale <= 0.0:
            scale = float(np.mean(gap)) or 1.0
        x = gap / scale
        lmbda = _yeo_johnson_lambda(x)
        t = _yeo_johnson(x, lmbda)
        sd_t = float(np.std(t))
        if not np.all(np.isfinite(t)) or sd_t <= 1e-12:  # pragma: no cover - overflow / degenerate
            return z, log_jac_std
        # x >= 0, so dt/dx = (1 + x)^(lambda - 1).
        log_jac = (lmbda - 1.0) * float(np.sum(np.log1p(x))) - n * math.log(scale) - n * math.log(sd_t)
        return (t - float(np.mean(t))) / sd_t, log_jac
    raise ValueError(f"output_transform must be 'power', 'rank' or 'standardize', got {method!r}")


# ---------------------------------------------------------------------------------------------
# Kumaraswamy input warping: w(x) = 1 - (1 - x^a)^b
# ---------------------------------------------------------------------------------------------
def _warp(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    x = np.clip(x, _EPS_X, 1.0 - _EPS_X)
    return 1.0 - np.power(1.0 - np.power(x, a), b)


def _warp_with_param_grads(
    x: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """w, dw/dlog(a), dw/dlog(b)."""
    x = np.clip(x, _EPS_X, 1.0 - _EPS_X)
    u = np.power(x, a)
    one_u = 1.0 - u
    pow_b1 = np.power(one_u, b - 1.0)
    w = 1.0 - pow_b1 * one_u
    dw_dloga = a * b * pow_b1 * u * np.log(x)
    dw_dlogb = -b * pow_b1 * one_u * np.log(one_u)
    return w, dw_dloga, dw_dlogb


def _warp_dx(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w and dw/dx (zero where x is clipped)."""
    inside = (x > _EPS_X) & (x < 1.0 - _EPS_X)
    xc = np.clip(x, _EPS_X, 1.0 - _EPS_X)
    u = np.power(xc, a)
    pow_b1 = np.power(1.0 - u, b - 1.0)
    w = 1.0 - pow_b1 * (1.0 - u)
    dw = a * b * np.power(xc, a - 1.0) * pow_b1
    return w, np.where(inside, dw, 0.0)


# ---------------------------------------------------------------------------------------------
# Matérn 5/2 as a function of the squared scaled distance q = sum_d (x_d - x'_d)^2 / l_d^2
# ---------------------------------------------------------------------------------------------
def _matern52(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k(q) and dk/dq for unit signal variance; smooth at q = 0 (dk/dq = -5/6 there)."""
    t = np.sqrt(5.0 * np.maximum(q, 0.0))
    e = np.exp(-t)
    return (1.0 + t + t * t / 3.0) * e, -(5.0 / 6.0) * (1.0 + t) * e


@dataclass
class _Layout:
    """Where each hyperparameter sits in the flat vector theta (all in natural log)."""

    n_num: int
    n_cat: int
    warp: bool

    @property
    def n_ls(self) -> int:
        return self.n_num + self.n_cat

    @property
    def size(self) -> int:
        return self.n_ls + 2 + (2 * self.n_num if self.warp else 0)

    def split(self, theta: np.ndarray) -> tuple[np.ndarray, float, float, np.ndarray, np.ndarray]:
        k = self.n_ls
        log_ls = theta[:k]
        log_s2, log_noise = float(theta[k]), float(theta[k + 1])
        if self.warp:
            la = theta[k + 2 : k + 2 + self.n_num]
            lb = theta[k + 2 + self.n_num :]
        else:
            la = lb = np.zeros(self.n_num)
        return log_ls, log_s2, log_noise, la, lb

    def bounds(self) -> list[tuple[float, float]]:
        out = [_LOG_LS_BOUNDS] * self.n_ls + [_LOG_S2_BOUNDS, _LOG_NOISE_BOUNDS]
        if self.warp:
            out += [_LOG_WARP_BOUNDS] * (2 * self.n_num)
        return out

    def ls_prior(self) -> tuple[float, float]:
        return _LS_PRIOR_SHIFT + 0.5 * math.log(max(self.n_ls, 1)), _LS_PRIOR_SD

    def default(self) -> np.ndarray:
        mu, _ = self.ls_prior()
        theta = np.zeros(self.size)
        theta[: self.n_ls] = mu
        theta[self.n_ls] = 0.0
        theta[self.n_ls + 1] = _NOISE_PRIOR[0]
        return theta

    def random(self, rng: np.random.Generator) -> np.ndarray:
        mu, sd = self.ls_prior()
        theta = self.default()
        theta[: self.n_ls] = rng.normal(mu, sd, self.n_ls)
        theta[self.n_ls + 1] = rng.uniform(math.log(1e-4), math.log(1e-1))
        if self.warp:
            theta[self.n_ls + 2 :] = rng.normal(0.0, 0.3, 2 * self.n_num)
        lo, hi = np.array(self.bounds()).T
        return np.clip(theta, lo, hi)


def _log_prior(theta: np.ndarray, layout: _Layout) -> tuple[float, np.ndarray]:
    """log p(theta) up to a constant, and its gradient (independent log-normal priors)."""
    mus = np.empty(layout.size)
    sds = np.empty(layout.size)
    mus[: layout.n_ls], sds[: layout.n_ls] = layout.ls_prior()
    mus[layout.n_ls], sds[layout.n_ls] = _S2_PRIOR
    mus[layout.n_ls + 1], sds[layout.n_ls + 1] = _NOISE_PRIOR
    if layout.warp:
        mus[layout.n_ls + 2 :], sds[layout.n_ls + 2 :] = _WARP_PRIOR
    z = (theta - mus) / sds
    return float(-0.5 * np.sum(z * z)), -z / sds


class GPModel:
    """A zero-mean GP on standardized outputs with fitted Matérn-5/2 ARD kernel and input warping.

    ``x_num`` holds numeric dimensions in [0, 1]; ``x_cat`` holds categorical codes (integers as
    floats). ``y`` is the (already transformed) target to minimize.
    """

    def __init__(self, x_num: np.ndarray, x_cat: np.ndarray, y: np.ndarray, warp: bool) -> None:
        self.x_num = np.asarray(x_num, dtype=float)
        self.x_cat = np.asarray(x_cat, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.layout = _Layout(self.x_num.shape[1], self.x_cat.shape[1], warp)
        # Hamming distance per categorical dimension is fixed: compute once.
        self._cat_d = (self.x_cat.T[:, :, None] != self.x_cat.T[:, None, :]).astype(float)  # c x n x n
        self.theta: np.ndarray | None = None
        self.fitted_objective = math.inf  # -(log marginal likelihood + log prior) at the fit

    # ---- marginal likelihood ------------------------------------------------------------------
    def neg_log_posterior(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """-(log marginal likelihood + log prior) and its gradient (R&W eqs. 5.8-5.9).

        Every sum over pairs is written with matrix products (sum_ij G_ij (w_i - w_j)^2 =
        2 w^2 . G1 - 2 w . Gw for symmetric G), so no n x n x d tensor is ever formed.
        """
        lay = self.layout
        log_ls, log_s2, log_noise, la, lb = lay.split(theta)
        inv_l2 = np.exp(-2.0 * log_ls)
        s2, noise = math.exp(log_s2), math.exp(log_noise)
        n, p = len(self.y), lay.n_num
        if lay.warp:
            w, dwa, dwb = _warp_with_param_grads(self.x_num, np.exp(la), np.exp(lb))
        else:
            w = self.x_num
        A = w * np.sqrt(inv_l2[:p])
        sq_norm = np.sum(A * A, axis=1)
        q = sq_norm[:, None] + sq_norm[None, :] - 2.0 * (A @ A.T)
        np.maximum(q, 0.0, out=q)
        if lay.n_cat:
            q += np.tensordot(inv_l2[p:], self._cat_d, axes=1)
        k0, dk0 = _matern52(q)
        K = s2 * k0
        K[np.diag_indices(n)] += noise + 1e-9
        try:
            L = scipy.linalg.cholesky(K, lower=True, check_finite=False)
        except (np.linalg.LinAlgError, ValueError):
            return 1e10, np.zeros_like(theta)
        alpha = scipy.linalg.cho_solve((L, True), self.y, check_finite=False)
        nll = 0.5 * float(self.y @ alpha) + float(np.sum(np.log(np.diag(L)))) + 0.5 * n * math.log(2 * math.pi)
        Kinv = _chol_inverse(L)
        W = np.outer(alpha, alpha) - Kinv  # dLML/dtheta = 0.5 tr(W dK/dtheta)
        grad = np.zeros_like(theta)
        G = W * (s2 * dk0)  # symmetric
        g1 = G.sum(axis=1)
        Gw = G @ w
        # dK/dlog l_d = s2 k'(q) (-2 sq_d / l_d^2)  =>  dnll/dlog l_d = sum_ij G_ij sq_d,ij / l_d^2
        grad[:p] = (2.0 * ((w * w).T @ g1) - 2.0 * np.sum(w * Gw, axis=0)) * inv_l2[:p]
        if lay.n_cat:
            grad[p : lay.n_ls] = (self._cat_d.reshape(lay.n_cat, -1) @ G.ravel()) * inv_l2[p:]
        grad[lay.n_ls] = -0.5 * (float(np.sum(W * K)) - (noise + 1e-9) * float(np.trace(W)))
        grad[lay.n_ls + 1] = -0.5 * noise * float(np.trace(W))
        if lay.warp:
            # dK_ij/dv = s2 k'(q) 2 (w_i - w_j)(v_i - v_j) / l^2 with v = dw/dlog(a or b); since
            # G is symmetric the pair sum is 2 sum_i v_i R_i, R_i = sum_j G_ij (w_i - w_j).
            R = w * g1[:, None] - Gw
            scale = -2.0 * inv_l2[:p]
            grad[lay.n_ls + 2 : lay.n_ls + 2 + p] = scale * np.sum(R * dwa, axis=0)
            grad[lay.n_ls + 2 + p :] = scale * np.sum(R * dwb, axis=0)
        lp, dlp = _log_prior(theta, lay)
        return nll - lp, grad - dlp

    def fit(self, starts: list[np.ndarray], maxiter: int = 200) -> np.ndarray:
        """MAP hyperparameters by L-BFGS-B from each start; keeps the best. Returns theta."""
        bounds = self.layout.bounds()
        lo, hi = np.array(bounds).T
        best_val, best_theta = math.inf, None
        for s in starts:
            x0 = np.clip(np.asarray(s, dtype=float), lo, hi)
            try:
                res = scipy.optimize.minimize(self.neg_log_posterior, x0, jac=True, method="L-BFGS-B",
                                              bounds=bounds, options={"maxiter": maxiter})
                val, theta = float(res.fun), np.asarray(res.x)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError):  # pragma: no cover
                val, theta = self.neg_log_posterior(x0)[0], x0
            if math.isfinite(val) and val < best_val:
                best_val, best_theta = val, theta
        if best_theta is None:  # pragma: no cover - every start failed: fall back to the default
            best_theta = self.layout.default()
            best_val = self.neg_log_posterior(best_theta)[0]
        self.fitted_objective = float(best_val)
        self.set_theta(best_theta)
        return best_theta

    # ---- posterior ---------------------------------------------------------------------------
    def set_theta(self, theta: np.ndarray, extra_num: np.ndarray | None = None,
                  extra_cat: np.ndarray | None = None) -> None:
        """Condition on the data (plus ``extra`` points whose targets are the posterior mean: the
        kriging believer of Ginsbourger et al. 2010, for trials still running)."""
        self.theta = np.asarray(theta, dtype=float)
        log_ls, log_s2, log_noise, la, lb = self.layout.split(self.theta)
        self._inv_l2 = np.exp(-2.0 * log_ls)
        self._s2 = math.exp(log_s2)
        self._noise = math.exp(log_noise)
        self._a, self._b = np.exp(la), np.exp(lb)
        self._train_num, self._train_cat, self._train_y = self.x_num, self.x_cat, self.y
        self._diag = np.full(len(self.y), self._noise)
        self._factor()
        if extra_num is not None and extra_cat is not None and len(extra_num):
            mu = self.predict(extra_num, extra_cat)[0]
            self._train_num = np.vstack([self.x_num, extra_num])
            self._train_cat = np.vstack([self.x_cat, extra_cat])
            self._train_y = np.concatenate([self.y, mu])
            # Fantasies are believed exactly (no noise): the posterior variance collapses there,
            # so the next proposal moves away by about a length scale rather than a noise level.
            self._diag = np.concatenate([self._diag, np.full(len(mu), 1e-6)])
            self._factor()

    def mean_at_observed(self) -> np.ndarray:
        """Posterior means of the latent function at the training points: the targets less what the
        fitted noise explains (``y - noise * K^-1 y``)."""
        n = len(self.y)
        return self.y - self._diag[:n] * self._alpha[:n]  # type: ignore[no-any-return]

    def believed_targets(self) -> np.ndarray:
        """The targets :meth:`set_theta` gave the extra (running) points: empty without them."""
        return self._train_y[len(self.y):]

    def _factor(self) -> None:
        self._train_w = _warp(self._train_num, self._a, self._b) if self.layout.warp else self._train_num
        K = self._s2 * self._kernel0(self._train_w, self._train_cat, self._train_w, self._train_cat)
        jitter = 1e-9
        for _ in range(6):
            Kj = K.copy()
            Kj[np.diag_indices(len(K))] += self._diag + jitter
            try:
                self._L = scipy.linalg.cholesky(Kj, lower=True, check_finite=False)
                break
            except (np.linalg.LinAlgError, ValueError):
                jitter *= 10.0
        else:  # pragma: no cover - numerically hopeless
            raise np.linalg.LinAlgError("GP kernel matrix is not positive definite")
        self._alpha = scipy.linalg.cho_solve((self._L, True), self._train_y, check_finite=False)
        # Explicit L^-1: predictions become matrix products (fast for the many small batches of the
        # acquisition search) and var = s2 - |L^-1 k|^2 keeps the accuracy of the triangular solve.
        linv, info = scipy.linalg.lapack.dtrtri(self._L, lower=1)
        if info != 0:  # pragma: no cover - singular factor
            linv = scipy.linalg.solve_triangular(self._L, np.eye(len(self._L)), lower=True)
        self._Linv_T = np.ascontiguousarray(np.tril(linv).T)

    def loo_mean(self) -> np.ndarray:
        """Leave-one-out posterior means of the training targets (no running trials conditioned
        on), in closed form: ``y_i - [K^-1 y]_i / [K^-1]_ii`` (Rasmussen & Williams, eq. 5.12)."""
        n = len(self.y)
        kinv_diag = np.einsum("ij,ij->i", self._Linv_T[:n, :n], self._Linv_T[:n, :n])
        return self.y - self._alpha[:n] / kinv_diag

    def _kernel0(self, wa: np.ndarray, ca: np.ndarray, wb: np.ndarray, cb: np.ndarray) -> np.ndarray:
        """Unit-variance kernel between warped numeric inputs (+ categorical codes), via dot products."""
        s = np.sqrt(self._inv_l2[: self.layout.n_num])
        A, B = wa * s, wb * s
        q = np.sum(A * A, 1)[:, None] + np.sum(B * B, 1)[None, :] - 2.0 * (A @ B.T)
        np.maximum(q, 0.0, out=q)
        for j in range(self.layout.n_cat):
            q += (ca[:, j][:, None] != cb[:, j][None, :]) * self._inv_l2[self.layout.n_num + j]
        return _matern52(q)[0]

    def predict(self, x_num: np.ndarray, x_cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and standard deviation of the latent function (no noise)."""
        w = _warp(x_num, self._a, self._b) if self.layout.warp else x_num
        ks = self._s2 * self._kernel0(w, x_cat, self._train_w, self._train_cat)
        mu = ks @ self._alpha
        v = ks @ self._Linv_T
        var = np.maximum(self._s2 - np.sum(v * v, axis=1), 1e-12)
        return mu, np.sqrt(var)

    def predict_joint(self, x_num: np.ndarray, x_cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and covariance matrix of the latent function at the given points (no noise):
        ``K** - K*X (K + noise)^-1 KX*`` (Rasmussen & Williams, eq. 2.24)."""
        w = _warp(x_num, self._a, self._b) if self.layout.warp else x_num
        ks = self._s2 * self._kernel0(w, x_cat, self._train_w, self._train_cat)
        v = ks @ self._Linv_T
        cov = self._s2 * self._kernel0(w, x_cat, w, x_cat) - v @ v.T
        return ks @ self._alpha, cov

    def cross_kernel_with_grad(self, x_num: np.ndarray, x_cat: np.ndarray
                               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Warped inputs ``w``, the warp's derivative ``dw``, and the scaled Matern-5/2 kernel
        between the points and the training points with its derivative in the squared distance."""
        if self.layout.warp:
            w, dw = _warp_dx(x_num, self._a, self._b)
        else:
            # Identity: no clipping, so the gradient stays exact on the box's faces too (a zero
            # gradient there would stall the acquisition search on the boundary, where EI often
            # starts its searches).
            w, dw = x_num, np.ones_like(x_num)
        k0, dk0 = _matern52(self._sqdist(w, x_cat))
        return w, dw, self._s2 * k0, self._s2 * dk0

    def predict_with_grad(
        self, x_num: np.ndarray, x_cat: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, std and their gradients with respect to the numeric inputs (shape m x p)."""
        p = self.layout.n_num
        w, dw, ks, dks = self.cross_kernel_with_grad(x_num, x_cat)
        mu = ks @ self._alpha
        v = ks @ self._Linv_T
        beta = v @ self._Linv_T.T  # (K^-1 k)^T
        var = self._s2 - np.sum(v * v, axis=1)
        # dk_j/dx = k'(q_j) 2 (w - w_j) / l^2 dw/dx; sum_j c_j (w - w_j) = w sum_j c_j - c @ W.
        chain = 2.0 * self._inv_l2[:p] * dw
        c1 = dks * self._alpha[None, :]
        dmu = (c1.sum(axis=1)[:, None] * w - c1 @ self._train_w) * chain
        c2 = dks * beta
        dvar = -2.0 * (c2.sum(axis=1)[:, None] * w - c2 @ self._train_w) * chain
        small = var < 1e-12
        var = np.maximum(var, 1e-12)
        sd = np.sqrt(var)
        dsd = np.where(small[:, None], 0.0, dvar / (2.0 * sd[:, None]))
        return mu, sd, dmu, dsd

    def _sqdist(self, w: np.ndarray, x_cat: np.ndarray) -> np.ndarray:
        s = np.sqrt(self._inv_l2[: self.layout.n_num])
        A, B = w * s, self._train_w * s
        q = np.sum(A * A, 1)[:, None] + np.sum(B * B, 1)[None, :] - 2.0 * (A @ B.T)
        np.maximum(q, 0.0, out=q)
        p = self.layout.n_num
        for j in range(self.layout.n_cat):
            q += (x_cat[:, j][:, None] != self._train_cat[:, j][None, :]) * self._inv_l2[p + j]
        return q


def _chol_inverse(L: np.ndarray) -> np.ndarray:
    """K^-1 from the lower Cholesky factor (LAPACK potri: half the work of solving against I)."""
    inv, info = scipy.linalg.lapack.dpotri(L, lower=1)
    if info != 0:  # pragma: no cover - singular factor
        return scipy.linalg.cho_solve((L, True), np.eye(len(L)), check_finite=False)  # type: ignore[no-any-return]
    return np.tril(inv) + np.tril(inv, -1).T  # type: ignore[no-any-return]
