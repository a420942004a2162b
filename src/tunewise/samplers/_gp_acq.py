"""Log expected improvement and its optimization for :class:`~tunewise.samplers.GPSampler`.

logEI follows Ament et al. 2023 ("Unexpected improvements to expected improvement for Bayesian
optimization"): EI = sigma * h(z) with h(z) = phi(z) + z Phi(z) underflows far from the incumbent,
which leaves a flat, zero-gradient acquisition; its logarithm, computed without forming h(z),
stays finite and informative everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.special

from tunewise._gp_model import GPModel
from tunewise.samplers._feasibility import ConstraintModel, log_feasibility, log_feasibility_with_grad

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_SQRT_PI_2 = 0.5 * math.log(math.pi / 2.0)
_SQRT2 = math.sqrt(2.0)


def _log1mexp(x: np.ndarray) -> np.ndarray:
    """log(1 - exp(x)) for x < 0, accurate on both sides of -log 2 (Mächler 2012)."""
    x = np.minimum(x, -1e-300)
    return np.where(x > -math.log(2.0), np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


def log_h(z: np.ndarray) -> np.ndarray:
    """log(phi(z) + z Phi(z)), the log of EI for unit posterior std, stable for every z."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    big = z > -1.0
    zb = z[big]
    out[big] = np.log(np.exp(-0.5 * zb * zb - _LOG_SQRT_2PI) + zb * scipy.special.ndtr(zb))
    zs = z[~big]
    # h(z) = phi(z) [1 - |z| sqrt(pi/2) erfcx(|z|/sqrt2)] for z < 0; erfcx avoids the underflow.
    mid = zs > -1e3
    tail = np.empty_like(zs)
    zm = zs[mid]
    tail[mid] = _log1mexp(np.log(-zm) + np.log(scipy.special.erfcx(-zm / _SQRT2)) + _LOG_SQRT_PI_2)
    # Far tail: the bracket is 1/z^2 - 3/z^4 + ... (asymptotic series of erfcx), cancellation-free.
    zt = zs[~mid]
    tail[~mid] = -2.0 * np.log(-zt) + np.log1p(-3.0 / (zt * zt))
    out[~big] = -0.5 * zs * zs - _LOG_SQRT_2PI + tail
    return out


def log_ei(mu: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
    """log E[max(best - f, 0)] for f ~ N(mu, sd^2) (minimization)."""
    return log_h((best - mu) / sd) + np.log(sd)


def log_ei_with_grad(mu: np.ndarray, sd: np.ndarray, best: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """logEI and its partial derivatives in mu and sd.

    dEI/dmu = -Phi(z) and dEI/dsd = phi(z); divided by EI = sd h(z) in log space, so the ratios
    Phi/h and phi/h are finite even where h underflows.
    """
    z = (best - mu) / sd
    lh = log_h(z)
    val = lh + np.log(sd)
    d_mu = -np.exp(scipy.special.log_ndtr(z) - lh) / sd
    d_sd = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - lh) / sd
    return val, d_mu, d_sd


class Fantasies:
    """Expected improvement of a point in a batch with the points running trials evaluate.

    The values the running (pending) trials will return are unknown. ``n_samples`` joint posterior
    draws f_s of them are taken once per proposal; given a draw, f(x) is normal with mean mu_s(x)
    (the model conditioned on the data and on f_s) and the standard deviation conditioned on the
    pending points (the same for every draw), and the incumbent is min(best, min f_s). The
    acquisition is the mean over draws of the closed-form EI, in log space:

        log (1/S) sum_s EI(mu_s(x), sd(x); min(best, min f_s)),

    the marginal gain of x in a batch with the pending points (q-EI with fixed pending points, as
    BoTorch's ``X_pending``, with the inner expectation exact, so the estimate is smooth and its
    gradient exact for the fixed draws). Compared with the kriging believer (one draw, at the
    posterior mean), it keeps x near a pending point worth something when that point may turn out
    poor, and worth little when the point may well become the new incumbent.

    Conditions ``model`` on the pending points (their posterior means, believed exactly) as the
    kriging believer does: its ``predict`` then gives mu(x) and the conditioned sd(x), and each
    draw adds k(x)^T K^-1 (0, f_s - mean) to the mean.
    """

    def __init__(
        self,
        model: GPModel,
        pending_num: np.ndarray,
        pending_cat: np.ndarray,
        rng: np.random.Generator,
        n_samples: int = 32,
    ) -> None:
        from tunewise._gp_model import _warp

        assert model.theta is not None
        wp = _warp(pending_num, model._a, model._b) if model.layout.warp else pending_num
        ks = model._s2 * model._kernel0(wp, pending_cat, model._train_w, model._train_cat)
        mean = ks @ model._alpha
        v = ks @ model._Linv_T
        cov = model._s2 * model._kernel0(wp, pending_cat, wp, pending_cat) - v @ v.T
        k = len(mean)
        cov = 0.5 * (cov + cov.T) + (1e-9 * model._s2 + 1e-12) * np.eye(k)
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:  # pending points (nearly) on top of each other
            chol = np.diag(np.sqrt(np.maximum(np.diag(cov), 0.0)))
        half = rng.standard_normal((k, max(n_samples // 2, 1)))
        draws = mean[:, None] + chol @ np.hstack([half, -half])  # antithetic pairs: the mean is exact
        model.set_theta(model.theta, pending_num, pending_cat)  # the believer: pending at their means
        n = len(model.y)
        e = np.zeros((n + k, draws.shape[1]))
        e[n:] = draws - mean[:, None]
        self.model = model
        self.delta = scipy.linalg.cho_solve((model._L, True), e, check_finite=False)
        self.draw_min = draws.min(axis=0)
        self.n_samples = draws.shape[1]

    def log_ei(self, x_num: np.ndarray, x_cat: np.ndarray, mu: np.ndarray, sd: np.ndarray, best: float) -> np.ndarray:
        """The acquisition at points where the conditioned model predicts ``mu`` and ``sd``."""
        from tunewise._gp_model import _warp

        m = self.model
        w = _warp(x_num, m._a, m._b) if m.layout.warp else x_num
        ks = m._s2 * m._kernel0(w, x_cat, m._train_w, m._train_cat)
        vals = log_ei(mu[:, None] + ks @ self.delta, sd[:, None], np.minimum(best, self.draw_min)[None, :])
        return scipy.special.logsumexp(vals, axis=1) - math.log(self.n_samples)  # type: ignore[no-any-return]

    def log_ei_with_grad(
        self,
        x_num: np.ndarray,
        x_cat: np.ndarray,
        mu: np.ndarray,
        sd: np.ndarray,
        dmu: np.ndarray,
        dsd: np.ndarray,
        best: float,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The acquisition and its gradient in the numeric inputs (given the conditioned model's)."""
        m = self.model
        w, dw, ks, dks = m.cross_kernel_with_grad(x_num, x_cat)
        chain = 2.0 * m._inv_l2[: m.layout.n_num] * dw
        c1 = dks[:, :, None] * self.delta[None, :, :]  # m x n x S
        dmu_s = (w[:, None, :] * c1.sum(axis=1)[:, :, None] - np.einsum("mns,np->msp", c1, m._train_w)) * chain[
            :, None, :
        ]
        vals, d_mu, d_sd = log_ei_with_grad(
            mu[:, None] + ks @ self.delta, sd[:, None], np.minimum(best, self.draw_min)[None, :]
        )  # type: ignore[arg-type]
        grads = d_mu[:, :, None] * (dmu[:, None, :] + dmu_s) + d_sd[:, :, None] * dsd[:, None, :]
        total = scipy.special.logsumexp(vals, axis=1)
        weights = np.exp(vals - total[:, None])
        return total - math.log(self.n_samples), np.einsum("ms,msp->mp", weights, grads)


class AcquisitionOptimizer:
    """Maximizes logEI over the encoded space.

    Numeric dimensions are continuous in [0, 1] (discrete ones are snapped to their cell centres at
    the end); categorical dimensions hold integer codes. Starts come from a scrambled Sobol sweep and
    from perturbations of the best observed points; the best few starts are refined together by one
    L-BFGS-B run on their summed logEI (the starts do not interact, so the sum's optimum is each
    start's optimum), then categorical dimensions are improved by a greedy one-coordinate search.

    ``bounds`` (one ``(lower, upper)`` row per numeric dimension, default ``[0, 1]``) keeps the
    search inside the open interior of continuous ranges (see ``tunewise._interior``).
    ``taken`` (numeric and categorical codes of the points already evaluated or running, with
    ``open_dims`` marking the continuous columns) is never proposed again: the best refined point
    that is not taken wins, else the best start that is not (the model has converged onto a
    known point, and a nearby untaken one is the useful next trial); only when every candidate is
    taken (a small discrete space, exhausted) is a taken point returned.

    ``fantasies`` (trials still running): logEI is replaced by its average over draws of their
    values (see :class:`Fantasies`); ``model`` must be the one ``Fantasies`` conditioned.
    """

    def __init__(
        self,
        model: GPModel,
        best: float,
        n_choices: list[int],
        snap: Callable[[np.ndarray], np.ndarray],
        rng: np.random.Generator,
        fixed_num: dict[int, float] | None = None,
        fixed_cat: dict[int, int] | None = None,
        n_sweep: int = 1024,
        n_local: int = 256,
        n_restarts: int = 8,
        maxiter: int = 100,
        *,
        bounds: np.ndarray | None = None,
        taken: tuple[np.ndarray, np.ndarray] | None = None,
        open_dims: np.ndarray | None = None,
        fantasies: Fantasies | None = None,
    ) -> None:
        self.model = model
        self.best = best
        self.fantasies = fantasies
        self.n_choices = n_choices
        self.snap = snap
        self.rng = rng
        self.fixed_num = fixed_num or {}
        self.fixed_cat = fixed_cat or {}
        self.n_sweep = n_sweep
        self.n_local = n_local
        self.n_restarts = n_restarts
        self.maxiter = maxiter
        self.bounds = None if bounds is None else np.asarray(bounds, dtype=float).reshape(-1, 2)
        self.taken = taken
        self.open_dims = open_dims

    # Under constraints (set by GPSampler): the feasibility models, and whether any trial is
    # feasible yet (else the acquisition is the probability of feasibility alone); see _feasibility.
    constraints: Sequence[ConstraintModel] = ()
    use_ei: bool = True
    # Set by GPSampler (``_integer_search``, on by default; else None, and the search below is the
    # relaxed one): per numeric dimension, None for a continuous one, else a function from the
    # rows' unit coordinates on it to the unit coordinates of the cells the coordinate search tries
    # there (see ``_optimize_cells``). Spaces with neither a discrete numeric dimension nor a
    # categorical one keep the unchanged search.
    cells: list[Callable[[np.ndarray], np.ndarray] | None] | None = None
    n_cell_seeds: int = 4

    def value(self, x_num: np.ndarray, x_cat: np.ndarray) -> np.ndarray:
        mu, sd = self.model.predict(x_num, x_cat)
        ei = (
            log_ei(mu, sd, self.best)
            if self.fantasies is None
            else self.fantasies.log_ei(x_num, x_cat, mu, sd, self.best)
        )
        if not self.constraints:
            return ei
        out = ei if self.use_ei else np.zeros(len(mu))
        return out + log_feasibility(self.constraints, x_num, x_cat)  # type: ignore[no-any-return]

    def _bounds(self, p: int) -> np.ndarray:
        return np.tile([0.0, 1.0], (p, 1)) if self.bounds is None else self.bounds

    def _apply_fixed(self, x_num: np.ndarray, x_cat: np.ndarray) -> None:
        for j, u in self.fixed_num.items():
            x_num[:, j] = u
        for j, c in self.fixed_cat.items():
            x_cat[:, j] = c

    def _starts(
        self, incumbents_num: np.ndarray, incumbents_cat: np.ndarray, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        from scipy.stats import qmc

        p, c = incumbents_num.shape[1], len(self.n_choices)
        box = self._bounds(p)
        sweep_num = (
            qmc.Sobol(p, scramble=True, seed=self.rng).random(self.n_sweep) if p else np.zeros((self.n_sweep, 0))
        )
        sweep_num = box[:, 0] + sweep_num * (box[:, 1] - box[:, 0])
        sweep_cat = (
            np.column_stack([self.rng.integers(0, k, self.n_sweep) for k in self.n_choices]).astype(float)
            if c
            else np.zeros((self.n_sweep, 0))
        )
        parts_num, parts_cat = [sweep_num], [sweep_cat]
        k = len(incumbents_num)
        if k:
            # Local perturbations of the incumbents, scaled to the fitted length scales (a trust
            # region in the model's own units), over a few radii.
            idx = np.arange(self.n_local) % k
            radius = np.array([0.02, 0.1, 0.3])[self.rng.integers(0, 3, self.n_local)]
            step = self.rng.normal(size=(self.n_local, p)) * scales[None, :] * radius[:, None]
            # Perturb only a random subset of the dimensions half of the time (helps in higher d).
            if p > 2:
                mask = (
                    self.rng.random((self.n_local, p))
                    < np.where(self.rng.random(self.n_local) < 0.5, 1.0, min(1.0, 3.0 / p))[:, None]
                )
                mask[np.arange(self.n_local), self.rng.integers(0, p, self.n_local)] = True
                step *= mask
            local_num = np.clip(incumbents_num[idx] + step, box[:, 0], box[:, 1])
            local_cat = incumbents_cat[idx].copy()
            for j, kj in enumerate(self.n_choices):  # occasionally switch one category
                flip = self.rng.random(self.n_local) < 0.15
                local_cat[flip, j] = self.rng.integers(0, kj, int(flip.sum()))
            parts_num.append(local_num)
            parts_cat.append(local_cat)
        x_num, x_cat = np.vstack(parts_num), np.vstack(parts_cat)
        self._apply_fixed(x_num, x_cat)
        return x_num, x_cat

    def optimize(
        self, incumbents_num: np.ndarray, incumbents_cat: np.ndarray, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        if self.cells is not None and (any(c is not None for c in self.cells) or self.n_choices):
            return self._optimize_cells(incumbents_num, incumbents_cat, scales)
        x_num, x_cat = self._starts(incumbents_num, incumbents_cat, scales)
        vals = self.value(x_num, x_cat)
        order = np.argsort(-vals)[: self.n_restarts]
        s_num, s_cat = self._polish(x_num[order].copy(), x_cat[order].copy())
        final_num = self.snap(s_num)
        final_vals = self.value(final_num, s_cat)
        if self.taken is None:
            i = int(np.argmax(final_vals))
            return final_num[i], s_cat[i], float(final_vals[i])
        new = ~self._is_taken(final_num, s_cat)
        if new.any():
            i = int(np.flatnonzero(new)[np.argmax(final_vals[new])])
            return final_num[i], s_cat[i], float(final_vals[i])
        # Every refined point is one already tried: the best start that is not.
        start_num = self.snap(x_num[np.argsort(-vals)])
        start_cat = x_cat[np.argsort(-vals)]
        start_free = np.flatnonzero(~self._is_taken(start_num, start_cat))
        if len(start_free):
            j = int(start_free[0])
            return start_num[j], start_cat[j], float(self.value(start_num[j : j + 1], start_cat[j : j + 1])[0])
        i = int(np.argmax(final_vals))  # nothing untaken left to propose (an exhausted discrete space)
        return final_num[i], s_cat[i], float(final_vals[i])

    def _polish(self, s_num: np.ndarray, s_cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Refine the starts' free continuous coordinates, add each refined point snapped to its
        discrete cells (the refined one stays if it is better), then search the categoricals."""
        free = [j for j in range(s_num.shape[1]) if j not in self.fixed_num]
        if free and self.maxiter > 0:
            s_num = self._refine(s_num, s_cat, free)
        s_num = np.vstack([s_num, self.snap(s_num)])
        s_cat = np.vstack([s_cat, s_cat])
        if self.n_choices:
            s_num, s_cat = self._categorical_search(s_num, s_cat)
        return s_num, s_cat

    def _optimize_cells(
        self, incumbents_num: np.ndarray, incumbents_cat: np.ndarray, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, float]:
        """The search on spaces with discrete or categorical dimensions (issue 18, sessions 25-27;
        the default since session 28).

        Ranked on the continuous relaxation, the best starts sit inside or next to the incumbent's
        cells and snap back onto tried points or poor neighbours, while untried cells the model
        rates far higher are never refined (benchmarks/history/s24/gp_vs_optuna_gp.md). Here the
        starts are ranked at their snapped points, tried ones excluded; the best are refined and
        snapped as before; then, from the best few of those and the best untried start, a
        coordinate search tries every cell of each discrete dimension and every choice of each
        categorical one in turn (a spread of cells and the current one's neighbours on long
        ranges), keeps the best untried one, and re-refines the continuous dimensions, for at most
        two sweeps (the alternation of optuna's mixed search, there with line searches on long
        discrete ranges). Categoricals are in the sweep because the best choice can change once the
        numbers have moved. The proposal is the best untried point met.
        """
        x_num, x_cat = self._starts(incumbents_num, incumbents_cat, scales)
        x_num = self.snap(x_num)
        vals = self.value(x_num, x_cat)
        if self.taken is not None:
            vals = np.where(self._is_taken(x_num, x_cat), -np.inf, vals)
        rank = np.argsort(-vals, kind="stable")
        order = rank[: self.n_restarts]
        if self.n_choices:
            order = np.concatenate([order, self._start_per_choice(x_cat, vals, rank, order)])
        s_num, s_cat = self._polish(x_num[order].copy(), x_cat[order].copy())
        s_num = self.snap(s_num)
        s_vals = self.value(s_num, s_cat)
        seeds = np.argsort(-s_vals, kind="stable")[: self.n_cell_seeds]
        c_num, c_cat = s_num[seeds], s_cat[seeds]
        if np.isfinite(vals[rank[0]]):  # the best untried start
            c_num = np.vstack([c_num, x_num[rank[:1]]])
            c_cat = np.vstack([c_cat, x_cat[rank[:1]]])
        free = [j for j in range(c_num.shape[1]) if j not in self.fixed_num]
        met_num, met_cat = self._cell_search(c_num, c_cat, free)
        pool_num, pool_cat = np.vstack([s_num, met_num]), np.vstack([s_cat, met_cat])
        pool_vals = self.value(pool_num, pool_cat)
        if self.taken is not None:
            new = ~self._is_taken(pool_num, pool_cat)
            if new.any():
                i = int(np.flatnonzero(new)[np.argmax(pool_vals[new])])
                return pool_num[i], pool_cat[i], float(pool_vals[i])
            if np.isfinite(vals[rank[0]]):
                j = int(rank[0])
                return x_num[j], x_cat[j], float(vals[j])
        i = int(np.argmax(pool_vals))  # nothing untaken left to propose (an exhausted discrete space)
        return pool_num[i], pool_cat[i], float(pool_vals[i])

    def _start_per_choice(self, x_cat: np.ndarray, vals: np.ndarray, rank: np.ndarray, order: np.ndarray) -> np.ndarray:
        """For each choice of each free categorical that none of the best starts (``order``) has, the
        best untried start with that choice: it is refined with them, so every choice is searched
        at continuous values fitted to it, not only swapped in at values fitted to another one."""
        extra: list[int] = []
        for j, k in enumerate(self.n_choices):
            if j in self.fixed_cat:
                continue
            have = set(x_cat[np.concatenate([order, extra]).astype(int), j].astype(int).tolist())
            for c in range(k):
                if c in have:
                    continue
                hits = rank[(x_cat[rank, j] == c) & np.isfinite(vals[rank])]
                if len(hits):
                    extra.append(int(hits[0]))
        return np.array(extra, dtype=int)

    def _cell_search(self, x_num: np.ndarray, x_cat: np.ndarray, free: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Coordinate search over the discrete numeric and the categorical dimensions from each row
        (see ``_optimize_cells``); returns every point it moved to, the starting rows included."""
        assert self.cells is not None
        x_num, x_cat = x_num.copy(), x_cat.copy()
        discrete = [j for j in free if self.cells[j] is not None]
        categorical = [j for j in range(len(self.n_choices)) if j not in self.fixed_cat]
        continuous = [j for j in free if self.cells[j] is None]
        box = self._bounds(x_num.shape[1])
        r = len(x_num)
        cur = self.value(x_num, x_cat)
        if self.taken is not None:
            cur = np.where(self._is_taken(x_num, x_cat), -np.inf, cur)
        met_num, met_cat = [x_num.copy()], [x_cat.copy()]
        for _ in range(2):
            improved = False
            for j in discrete:
                cand = self.cells[j](x_num[:, j])  # type: ignore[misc]
                m = cand.shape[1]
                # In a trust region (many dimensions) only the cells inside it, and the current one.
                inside = ((cand >= box[j, 0]) & (cand <= box[j, 1])) | (cand == x_num[:, j, None])
                trial = np.repeat(x_num, m, axis=0)
                trial[:, j] = cand.ravel()
                trial_cat = np.repeat(x_cat, m, axis=0)
                v = self.value(trial, trial_cat)
                if self.taken is not None:
                    v = np.where(self._is_taken(trial, trial_cat), -np.inf, v)
                v = np.where(inside.ravel(), v, -np.inf).reshape(r, m)
                best = np.argmax(v, axis=1)
                best_v = v[np.arange(r), best]
                better = best_v > cur + 1e-12
                if better.any():
                    x_num[better, j] = cand[np.flatnonzero(better), best[better]]
                    cur[better] = best_v[better]
                    improved = True
            for j in categorical:  # every choice, the best untried one kept
                k = self.n_choices[j]
                trial = np.repeat(x_num, k, axis=0)
                trial_cat = np.repeat(x_cat, k, axis=0)
                trial_cat[:, j] = np.tile(np.arange(k, dtype=float), r)
                v = self.value(trial, trial_cat)
                if self.taken is not None:
                    v = np.where(self._is_taken(trial, trial_cat), -np.inf, v)
                v = v.reshape(r, k)
                best = np.argmax(v, axis=1)
                best_v = v[np.arange(r), best]
                better = best_v > cur + 1e-12
                if better.any():
                    x_cat[better, j] = best[better]
                    cur[better] = best_v[better]
                    improved = True
            if not improved:
                break
            if continuous and self.maxiter > 0:
                x_num = self._refine(x_num, x_cat, continuous)
                cur = self.value(x_num, x_cat)
                if self.taken is not None:
                    cur = np.where(self._is_taken(x_num, x_cat), -np.inf, cur)
            met_num.append(x_num.copy())
            met_cat.append(x_cat.copy())
        return np.vstack(met_num), np.vstack(met_cat)

    def _is_taken(self, x_num: np.ndarray, x_cat: np.ndarray) -> np.ndarray:
        from tunewise._interior import taken_mask

        assert self.taken is not None
        open_dims = self.open_dims if self.open_dims is not None else np.zeros(x_num.shape[1], dtype=bool)
        return taken_mask(x_num, x_cat, self.taken[0], self.taken[1], open_dims)

    def _refine(self, s_num: np.ndarray, s_cat: np.ndarray, free: list[int]) -> np.ndarray:
        r = len(s_num)
        base = s_num.copy()

        def fun(flat: np.ndarray) -> tuple[float, np.ndarray]:
            x = base.copy()
            x[:, free] = flat.reshape(r, len(free))
            mu, sd, dmu, dsd = self.model.predict_with_grad(x, s_cat)
            if self.fantasies is None:
                val, d_mu, d_sd = log_ei_with_grad(mu, sd, self.best)
                grad = d_mu[:, None] * dmu + d_sd[:, None] * dsd
            else:
                val, grad = self.fantasies.log_ei_with_grad(x, s_cat, mu, sd, dmu, dsd, self.best)
            if self.constraints:
                f_val, f_grad = log_feasibility_with_grad(self.constraints, x, s_cat)
                val, grad = (val + f_val, grad + f_grad) if self.use_ei else (f_val, f_grad)
            return -float(np.sum(val)), -grad[:, free].ravel()

        box = self._bounds(base.shape[1])[free]
        lower, upper = np.tile(box[:, 0], r), np.tile(box[:, 1], r)
        x0 = np.clip(base[:, free].ravel(), lower, upper)
        try:
            res = scipy.optimize.minimize(
                fun,
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=list(zip(lower, upper, strict=True)),
                options={"maxiter": self.maxiter},
            )
            out = base.copy()
            out[:, free] = np.clip(res.x, lower, upper).reshape(r, len(free))
        except (ValueError, FloatingPointError, np.linalg.LinAlgError):  # pragma: no cover
            return base
        # Keep a start's original position if refinement made it worse (a summed objective can trade).
        before, after = self.value(base, s_cat), self.value(out, s_cat)
        keep = ~(after >= before)
        out[keep] = base[keep]
        return out

    def _categorical_search(self, s_num: np.ndarray, s_cat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s_cat = s_cat.copy()
        cur = self.value(s_num, s_cat)
        for _ in range(2):
            improved = False
            for j, k in enumerate(self.n_choices):
                if j in self.fixed_cat:
                    continue
                for choice in range(k):
                    trial = s_cat.copy()
                    trial[:, j] = choice
                    v = self.value(s_num, trial)
                    better = v > cur + 1e-12
                    if better.any():
                        s_cat[better] = trial[better]
                        cur[better] = v[better]
                        improved = True
            if not improved:
                break
        return s_num, s_cat
