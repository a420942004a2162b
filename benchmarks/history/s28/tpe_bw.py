"""Dev variants of TPESampler's Parzen bandwidths in unconditional spaces (issues 18 / 19, session 28).

Installs a patched ``tunewise.samplers._tpe._Parzen`` in this process (and, through fork, in the
benchmark's worker processes), then runs ``benchmarks/curves.py`` or
``benchmarks/sample_efficiency.py`` unchanged. A sampler picks a variant through an attribute:
``tw-tpe-asha-stop+_bw=NAME`` (curves.py) or ``tw-tpe@set:_bw=NAME`` (sample_efficiency.py).
Without ``_bw`` (or with ``_bw=scott``) TPE is today's; conditional spaces are never changed.
Written against ``_tpe.py`` before 02e29be (Scott's rule in unconditional spaces). 02e29be switched
variant "A_fG" (candidate G) on and passes ``n_split`` to ``_Parzen``, which this patch does not
take: run it from a worktree of 4ff354d (``PYTHONPATH=<worktree>/src``).

    .venv/bin/python benchmarks/history/s28/tpe_bw.py curves --families ... --methods "tw-tpe-asha-stop+_bw=A" ...
    .venv/bin/python benchmarks/history/s28/tpe_bw.py se --split dev --methods "tw-tpe@set:_bw=A" ...

Variants (l: the good-set estimator, g: the bad-set one; n: observations in that estimator,
N: finished trials of the study; "gap": the larger gap to a neighbouring observation per kernel and
dimension, as ``_neighbour_bandwidths``; "scott": today's shared ``1.059 sd n^(-1/(d+4))``):
  A          gap for l and g, clipped below at 1/(n+2) (s27's candidate A, optuna's estimator)
  Al         gap for l only (g: scott)
  Ag         gap for g only (l: scott)
  A_fs       gap for l and g, clipped below at today's Scott floor 0.5/min(100, n+1)
  A_fN       gap for l and g, clipped below at 1/(N+2) (the study's count, not the estimator's)
  Ag_fN      Ag with the gap floor at 1/(N+2)
  minS       per kernel min(gap, scott) for l and g, clipped at the estimator's floor
  Ag_minS    l scott, g min(gap, scott)
  A_fG       gap for l and g, clipped below at 1/sqrt((n+2)(N+2)) (between A's and A_fN's floors)
  SgN        l scott with its floor counted on the study's trials, 0.5/min(100, N+1) instead of
             0.5/min(100, n+1); g gap (as Ag)
Where the variant does not list categorical kernels they stay as today (bbob and the curve families
have none).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))

from tunewise.samplers import _tpe  # noqa: E402

_Base = _tpe._Parzen
_state = threading.local()
_UNSET: Any = object()
# Optional trace: each estimator's numeric bandwidths (mean over kernels, per dimension), one line per
# estimator, appended to this file (diagnosis only).
TRACE = os.environ.get("TPE_BW_TRACE")


def _scott(n: int, d: int, xn: np.ndarray, cell_floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sd = xn.std(axis=0) if n >= 2 else np.zeros(xn.shape[1])
    shrink = max(n, 1) ** (-1.0 / (d + 4))
    base_floor = max(0.5 / min(100.0, n + 1.0), (_tpe._BW_FLOOR_1D if d == 1 else 0.0) * shrink)
    floor = np.maximum(base_floor, cell_floor)
    return np.clip(1.059 * sd * shrink, floor, 1.0), floor


def _gap(xn: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Neighbour gaps (as _tpe._neighbour_bandwidths, with the floor given)."""
    n = xn.shape[0]
    order = np.argsort(xn, axis=0, kind="stable")
    srt = np.take_along_axis(xn, order, axis=0)
    ext = np.vstack([np.zeros((1, xn.shape[1])), srt, np.ones((1, xn.shape[1]))])
    gaps = np.maximum(ext[1:-1] - ext[:-2], ext[2:] - ext[1:-1])
    if n >= 2:
        gaps[0] = ext[2] - ext[1]
        gaps[-1] = ext[-2] - ext[-3]
    out = np.empty_like(gaps)
    np.put_along_axis(out, order, gaps, axis=0)
    return np.clip(out, floor, 1.0)


class _VParzen(_Base):
    def __init__(self, space: Any, obs: np.ndarray, prior_weight: float, cat_smoothing: float,
                 adaptive: bool = False, ramp: Any = _UNSET) -> None:
        role = "l" if ramp is _UNSET else "g"
        ramp = False if ramp is _UNSET else ramp
        bw = getattr(_state, "bw", None)
        if adaptive or bw in (None, "scott"):  # conditional spaces and today's: untouched
            super().__init__(space, obs, prior_weight, cat_smoothing, adaptive=adaptive, ramp=ramp)
            self._trace(role, bw or "scott")
            return
        if bw == "A" or (bw == "Al" and role == "l") or (bw == "Ag" and role == "g"):
            super().__init__(space, obs, prior_weight, cat_smoothing, adaptive=True, ramp=False)
            self._trace(role, bw)
            return
        super().__init__(space, obs, prior_weight, cat_smoothing, adaptive=False, ramp=False)
        n = obs.shape[0]
        if n == 0 or not len(space.num):
            return
        xn = obs[:, space.num]
        d = len(space.names)
        scott, sfloor = _scott(n, d, xn, space.cell_floor)
        opt_floor = np.maximum(1.0 / min(100.0, n + 2.0), space.cell_floor)
        big_n = getattr(_state, "n_total", n)
        n_floor = np.maximum(1.0 / min(100.0, big_n + 2.0), space.cell_floor)
        sig: np.ndarray | None = None
        if bw == "A_fs":
            sig = _gap(xn, sfloor)
        elif bw == "A_fN":
            sig = _gap(xn, n_floor)
        elif bw == "A_fG":
            sig = _gap(xn, np.maximum(1.0 / min(100.0, float(np.sqrt((n + 2.0) * (big_n + 2.0)))), space.cell_floor))
        elif bw == "Ag_fN":
            sig = _gap(xn, n_floor) if role == "g" else None
        elif bw == "minS":
            sig = np.maximum(np.minimum(_gap(xn, 0.0 * sfloor), scott[None, :]), sfloor)
        elif bw == "Ag_minS":
            sig = np.maximum(np.minimum(_gap(xn, 0.0 * sfloor), scott[None, :]), sfloor) if role == "g" else None
        elif bw == "SgN":
            if role == "g":
                sig = _gap(xn, opt_floor)
            else:
                sd = xn.std(axis=0) if n >= 2 else np.zeros(xn.shape[1])
                shrink = n ** (-1.0 / (d + 4))
                floor = np.maximum(max(0.5 / min(100.0, big_n + 1.0), (_tpe._BW_FLOOR_1D if d == 1 else 0.0) * shrink),
                                   space.cell_floor)
                sig = np.broadcast_to(np.clip(1.059 * sd * shrink, floor, 1.0), (n, xn.shape[1])).copy()
        elif bw not in ("Al", "Ag"):
            raise ValueError(f"unknown bandwidth variant {bw!r}")
        if sig is not None:
            self._set_sigma(np.vstack([sig, np.ones((1, sig.shape[1]))]))
        self._trace(role, bw)

    def _set_sigma(self, sigma: np.ndarray) -> None:
        self.sigma = sigma
        self.log_z = np.log(_tpe.ndtr((1.0 - self.mu) / self.sigma) - _tpe.ndtr(-self.mu / self.sigma))
        cont = ~self.space.discrete
        sc = self.sigma[:, cont]
        self._inv_var = 1.0 / (sc * sc)
        self._mu_inv = self.mu[:, cont] * self._inv_var
        self._mu_quad = (self.mu[:, cont] ** 2 * self._inv_var).sum(axis=1)
        self._cont_const = -(np.log(sc) + _tpe._LOG_SQRT_2PI + self.log_z[:, cont]).sum(axis=1)

    def _trace(self, role: str, bw: str) -> None:
        if not TRACE:
            return
        s = self.sigma[:-1]
        mu = self.mu[:-1]
        with open(TRACE, "a") as fh:
            fh.write(f"{bw} {role} N={getattr(_state, 'n_total', -1)} n={s.shape[0]} d={s.shape[1]} "
                     f"sig_mean={np.exp(np.log(s).mean()) if s.size else float('nan'):.4f} "
                     f"sig_min={s.min() if s.size else float('nan'):.4f} "
                     f"spread={mu.std(axis=0).mean() if s.size else float('nan'):.4f}\n")


_orig_model_proposal = _tpe.TPESampler._model_proposal


CALLS = os.environ.get("TPE_BW_CALLS")  # optional: one line per model proposal of a sampler with a variant


def _model_proposal(self: Any, trial: Any, h: Any, *args: Any, **kwargs: Any) -> Any:
    _state.bw = getattr(self, "_bw", None)
    _state.n_total = h.n
    if CALLS and _state.bw is not None:
        with open(CALLS, "a") as fh:
            fh.write(f"{_state.bw} pid={os.getpid()} seed={self.seed} N={h.n}\n")
    try:
        return _orig_model_proposal(self, trial, h, *args, **kwargs)
    finally:
        _state.bw = None


_tpe._Parzen = _VParzen  # type: ignore[misc]
_tpe.TPESampler._model_proposal = _model_proposal  # type: ignore[method-assign]


if __name__ == "__main__":
    which = sys.argv.pop(1)
    if which == "curves":
        import curves

        curves.main()
    elif which == "se":
        import sample_efficiency

        sample_efficiency.main()
    else:
        raise SystemExit("usage: tpe_bw.py {curves|se} ARGS")
