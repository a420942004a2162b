"""The Gaussian-process model of ``BOHBSampler(model="gp")``: one GP over (configuration, budget).

Every observation of a configuration ``x`` at budget ``b`` is a point ``(x, z)`` with
``z = log(b / b_min) / log(b_top / b_min)`` on a ladder of budgets at least a factor 2 apart,
each with more observations than the one above (the successive-halving rungs), so ``z = 1`` is
the largest budget observed. One Matérn-5/2 ARD
kernel covers the parameters and ``z``; its fitted length scale on ``z`` says how alike the
budgets are (long: cheap observations stand in for expensive ones; short: they are ignored away
from the top budget). This is the continuous-fidelity GP of BOCA (Kandasamy et al. 2017,
"Multi-fidelity Bayesian optimisation with continuous approximations"), with the fidelity
chosen by the scheduler instead of the model: the proposal maximizes log expected improvement
at ``z = 1`` over the best predicted top-budget value of the configurations seen so far, so the
many cheap rung-1 observations shape the model wherever they agree with the full budget.

At most ``max_points`` observations are modelled (top budgets first; within the budget that
does not fit, its best half and a random rest), which bounds a proposal's cost.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from tunewise import distributions as D
from tunewise._interior import SEPARATION, is_open, open_bounds, open_value
from tunewise.samplers._base import running_params
from tunewise.trial import TrialState

if TYPE_CHECKING:
    from tunewise.samplers._context import StudyContext, TrialContext

_INCUMBENTS = 5  # local acquisition starts around the best predicted configurations
# Plain standardization of the raw losses of every budget (the power transform was measured too,
# with the global model alone on 9 seeds of mfh6: it did not fix the seed that stalled;
# benchmarks/history/schedulers.md, session 4).
_OUTPUT_TRANSFORM = "standardize"


def budget_ladder(counts: dict[float, int]) -> list[float]:
    """The budgets to model, largest first: from the top, a budget is kept when it is at least a
    factor 2 below the last one kept and has more observations than it (a successive-halving rung
    below; a step reported every epoch by the same configurations adds nothing new)."""
    ladder: list[float] = []
    for b in sorted(counts, reverse=True):
        if not ladder or (b <= ladder[-1] / 2 and counts[b] > counts[ladder[-1]]):
            ladder.append(b)
    return ladder


def category_codes(X: np.ndarray, cat: list[int], names: list[str], dists: dict[str, D.Distribution]) -> np.ndarray:
    """Category indices of the categorical columns ``cat`` of unit-cube points ``X``."""
    cols = []
    for j in cat:
        k = len(dists[names[j]].choices)  # type: ignore[union-attr]
        cols.append(np.minimum(np.floor(X[:, j] * k), k - 1))
    return np.column_stack(cols) if cols else np.zeros((len(X), 0))


_MIN_SURVIVAL = 0.05  # a proposal below this probability of winning at the first rung is futile
_FUTILE_RETRIES = 3


def _first_rung_cut(obs: dict[float, tuple[np.ndarray, np.ndarray]], ladder: list[float],
                    by_scaled: dict[float, float], raw: np.ndarray, y: np.ndarray) -> float | None:
    """The modelled loss (in the GP's output units) a new configuration must beat at the lowest
    budget to be continued: the worst lowest-budget loss of a configuration that was continued
    to the next budget up (None without two budgets or a continued configuration). Read from
    what the scheduler did, not from its rule, so a scheduler whose promotions are not by
    first-rung rank (brackets, a later rung that disagrees) loosens the cut by itself."""
    if len(ladder) < 2 or len(raw) < 2:
        return None
    x_low, y_low = obs[by_scaled[ladder[-1]]]
    continued = {tuple(np.round(x, 12)) for x in obs[by_scaled[ladder[-2]]][0]}
    kept = [float(v) for x, v in zip(x_low, y_low, strict=True) if tuple(np.round(x, 12)) in continued]
    if not kept:
        return None
    order = np.argsort(raw, kind="stable")
    return float(np.interp(max(kept), raw[order], y[order]))  # the output transform keeps the order


def _first_rung_survival(model: Any, cand_num: np.ndarray, cand_cat: np.ndarray, zi: int, cut: float) -> float:
    """The GP's probability that the candidate's loss at the lowest budget beats ``cut``."""
    from scipy.special import ndtr

    low = cand_num[None, :].copy()
    low[:, zi] = 0.0
    mu, sd = model.predict(low, cand_cat[None, :])
    noise = math.exp(float(model.theta[model.layout.n_ls + 1]))
    return float(ndtr((cut - mu[0]) / math.sqrt(float(sd[0]) ** 2 + noise)))


class FidelityGP:
    """Fits the (configuration, budget) GP and proposes the next configuration; keeps the
    hyperparameters between proposals as warm starts."""

    def __init__(self, max_points: int, local: bool = True) -> None:
        self.max_points = max_points
        self.local = local
        self._theta: dict[tuple[str, int], np.ndarray] = {}  # per model (global, local) and layout size
        self._fits: dict[str, int] = {}
        self._calls = 0
        self._global_ls: np.ndarray | None = None  # the global model's length scales (parameters)
        self.last_box: tuple[np.ndarray, np.ndarray] | None = None  # the local step's box (unit cube)
        self.last_fidelity_lengthscale: float | None = None

    def propose(self, study: StudyContext, trial: TrialContext, names: list[str], dists: dict[str, D.Distribution],
                obs: dict[float, tuple[np.ndarray, np.ndarray]], n_min: int,
                rng: np.random.Generator) -> tuple[dict[str, Any], float] | None:
        """The proposal and the budget ``z = 1`` stands for; None while there are too few points."""
        from tunewise._blas import single_threaded_blas
        from tunewise._gp_model import GPModel, transform_outputs
        from tunewise.samplers._gp import _snapper
        from tunewise.samplers._gp_acq import AcquisitionOptimizer

        # last_fidelity_lengthscale keeps the last global fit's value (a local fit's budget
        # length scale describes its box only).
        finite = [b for b in obs if math.isfinite(b)]
        # A plain objective (no reports) counts at a budget above every reported one.
        scale = {b: (b if math.isfinite(b) else 2.0 * max(finite, default=1.0)) for b in obs}
        ladder = budget_ladder({scale[b]: len(obs[b][1]) for b in obs})
        by_scaled = {scale[b]: b for b in obs}
        if sum(len(obs[by_scaled[s]][1]) for s in ladder) < n_min + 2:
            return None
        top, low = ladder[0], ladder[-1]
        cat = [j for j, n in enumerate(names) if isinstance(dists[n], D.Categorical)]
        num = [j for j in range(len(names)) if j not in cat]
        X = np.vstack([obs[by_scaled[s]][0] for s in ladder])
        raw = np.concatenate([obs[by_scaled[s]][1] for s in ladder])
        z = np.concatenate([np.full(len(obs[by_scaled[s]][1]),
                                    1.0 if top == low else math.log(s / low) / math.log(top / low))
                            for s in ladder])
        pend = self._pending(study, trial, names, dists)
        lo, hi = np.zeros(len(num)), np.ones(len(num))
        self.last_box = None
        n_top = len(obs[by_scaled[top]][1])
        self._calls += 1
        if self.local and num and n_top >= n_min + 2 and self._calls % 2 == 0:
            # Every other proposal: a local GP in a box around the best top-budget configuration
            # (a trust region, as TuRBO; Eriksson et al. 2019), with the incumbent's categories
            # kept. Fitted on the nearby points only, its length scales are the local ones, which
            # refine an optimum that the global model's (fitted mostly to far-away points) blur.
            inc = X[int(np.argmin(np.where(z == 1.0, raw, np.inf)))]
            dist = np.sqrt(np.sum((X[:, num] - inc[num]) ** 2, axis=1))
            near = np.argsort(dist, kind="stable")[: 10 * (len(num) + 1)]
            # The box's size is the spread of the points nearest to it; TuRBO's shape: the side
            # along each parameter grows with the global model's length scale, so a parameter
            # that matters little is searched widely (its optimum is not where the search
            # happened to fix it).
            width = np.maximum(X[near][:, num].max(axis=0) - X[near][:, num].min(axis=0), 0.02)
            if self._global_ls is not None and len(self._global_ls) == len(num):
                ls = self._global_ls
                width = np.exp(np.mean(np.log(width))) * ls / np.exp(np.mean(np.log(ls)))
            width = np.clip(width, 0.02, 1.0)
            lo = np.clip(inc[num] - 0.5 * width, 0.0, 1.0)
            hi = np.clip(inc[num] + 0.5 * width, 0.0, 1.0)
            inside = np.all((X[:, num] >= lo) & (X[:, num] <= hi), axis=1)
            inside[near[:1]] = True
            X, raw, z = X[inside], raw[inside], z[inside]
            pend = pend[np.all((pend[:, num] >= lo) & (pend[:, num] <= hi), axis=1)]
            key = "local"
            self.last_box = (lo, hi)
            fixed_cat = dict(enumerate(category_codes(inc[None, :], cat, names, dists)[0].astype(int).tolist()))
        else:
            key = "global"
            fixed_cat = {}
        X, raw, z = self._subsample(X, raw, z, rng)
        span = hi - lo
        x_num = np.column_stack([(X[:, num] - lo) / span, z])  # the box as the model's unit cube
        x_cat = category_codes(X, cat, names, dists)
        y = transform_outputs(raw, _OUTPUT_TRANSFORM)
        zi = len(num)
        with single_threaded_blas(), np.errstate(all="ignore"):
            model = GPModel(x_num, x_cat, y, warp=False)
            lay = model.layout
            prev = self._theta.get((key, lay.size))
            if prev is not None and self._fits.get(key, 0) % (1 if len(y) < 50 else 4):
                model.set_theta(prev)
            else:
                starts = [prev] if prev is not None else [lay.default(), lay.random(rng)]
                self._theta[(key, lay.size)] = model.fit(starts, maxiter=100)
            self._fits[key] = self._fits.get(key, 0) + 1
            assert model.theta is not None
            # The configurations seen, at the top budget: the best predicted one is EI's reference.
            top_num = x_num.copy()
            top_num[:, zi] = 1.0
            mu = model.predict(top_num, x_cat)[0]
            best = float(np.min(mu))
            if len(pend):
                # The believed values count as observed: no improvement is expected where a
                # running trial already is.
                pend_num = np.column_stack([(pend[:, num] - lo) / span, np.ones(len(pend))])
                pend_cat = category_codes(pend, cat, names, dists)
                model.set_theta(model.theta, pend_num, pend_cat)
                best = min(best, float(np.min(model.believed_targets())))
            ls = np.exp(model.theta[: lay.n_num])
            if key == "global":
                self.last_fidelity_lengthscale = float(ls[zi])
                self._global_ls = ls[:zi]
            order = np.argsort(mu)[:_INCUMBENTS]
            snap_unit = _snapper([dists[names[j]] for j in num])

            def snap(u: np.ndarray) -> np.ndarray:  # discrete values, in the box's coordinates
                out = u.copy()
                out[:, :zi] = (snap_unit(lo + u[:, :zi] * span) - lo) / span
                return out

            # Continuous ranges are searched in their open interior (tunewise._interior),
            # in the box's coordinates; the budget coordinate is fixed.
            unit_box = open_bounds([dists[names[j]] for j in num])
            box = np.vstack([np.clip((unit_box - lo[:, None]) / span[:, None], 0.0, 1.0), [[0.0, 1.0]]])
            acq = AcquisitionOptimizer(model, best,
                                       [len(dists[names[j]].choices) for j in cat],  # type: ignore[union-attr]
                                       snap, rng, {zi: 1.0}, fixed_cat, bounds=box)
            best_num, best_cat, _ = acq.optimize(top_num[order], x_cat[order], np.minimum(ls, 1.0))
            # A new configuration is first observed at the lowest rung, and its top-budget value
            # only if it wins there. A proposal the GP already knows would lose at the first rung
            # teaches nothing about the top budget, so EI there never drops and the search
            # returns to it (seen with two workers: 5 of the last 8 proposals next to one bad
            # cheap point). Such a proposal is believed at the top budget, like a running trial
            # (the kriging believer), and the acquisition runs again; the first-rung test is
            # BOCA's rule that a cheap query must be informative (Kandasamy et al. 2017, Sec. 3).
            cut = _first_rung_cut(obs, ladder, by_scaled, raw, y)
            believed_num = [np.column_stack([(pend[:, num] - lo) / span, np.ones(len(pend))])]
            believed_cat = [category_codes(pend, cat, names, dists)]
            for _ in range(_FUTILE_RETRIES):
                if cut is None or _first_rung_survival(model, best_num, best_cat, zi, cut) >= _MIN_SURVIVAL:
                    break
                believed_num.append(best_num[None, :])
                believed_cat.append(best_cat[None, :])
                model.set_theta(model.theta, np.vstack(believed_num), np.vstack(believed_cat))
                best_num, best_cat, _ = acq.optimize(top_num[order], x_cat[order], np.minimum(ls, 1.0))
            else:
                if cut is not None and _first_rung_survival(model, best_num, best_cat, zi, cut) < _MIN_SURVIVAL:
                    return {}, by_scaled[top]  # nowhere informative: a uniformly random configuration
            best_num = lo + best_num[:zi] * span
        out: dict[str, Any] = {}
        for k, j in enumerate(num):
            out[names[j]] = open_value(dists[names[j]], float(best_num[k]))
        for k, j in enumerate(cat):
            out[names[j]] = dists[names[j]].choices[int(best_cat[k])]  # type: ignore[union-attr]
        # A configuration already seen is the scheduler's to continue, not a new one: in a
        # discrete space the GP's optimum can be one (its top-budget value is still uncertain
        # after a cheap observation), and proposing it again would only repeat the cheap rung.
        code = np.array([dists[n].to_unit(out[n]) for n in names])
        tol = np.array([SEPARATION if is_open(dists[n]) else 1e-9 for n in names])
        if any(bool(np.any(np.all(np.abs(Xb - code) <= tol, axis=1))) for Xb in [*(x for x, _ in obs.values()), pend]):
            return {}, by_scaled[top]
        return out, by_scaled[top]

    def _subsample(self, X: np.ndarray, raw: np.ndarray, z: np.ndarray, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At most ``max_points`` observations: top budgets first; of the budget that does not
        fit, its best half and a random rest."""
        if len(raw) <= self.max_points:
            return X, raw, z
        keep: list[np.ndarray] = []
        room = self.max_points
        for level in sorted(set(z.tolist()), reverse=True):
            idx = np.flatnonzero(z == level)
            if len(idx) > room:
                order = idx[np.argsort(raw[idx], kind="stable")]
                k = room // 2
                idx = np.concatenate([order[:k], rng.choice(order[k:], room - k, replace=False)])
            keep.append(idx)
            room -= len(idx)
            if room <= 0:
                break
        sel = np.concatenate(keep)
        return X[sel], raw[sel], z[sel]

    @staticmethod
    def _pending(study: StudyContext, trial: TrialContext, names: list[str],
                 dists: dict[str, D.Distribution]) -> np.ndarray:
        """Unit-cube configurations of other running trials (the kriging believer: the GP believes
        its own prediction at the top budget there, so parallel workers propose apart)."""
        rows = []
        for t in study.get_trials(states=(TrialState.RUNNING,)):
            if t.number == trial.number:
                continue
            params = running_params(t)
            try:
                rows.append([float(dists[n].to_unit(params[n])) for n in names])
            except (KeyError, ValueError, TypeError):
                continue
        return np.asarray(rows, dtype=float).reshape(len(rows), len(names))
