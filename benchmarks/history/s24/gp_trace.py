"""Session 24, issue 18 diagnosis: per-trial traces of the default (AutoSampler) and of optuna's
GPSampler on probe-4 problems (dev data since probe 4 was read).

For every model-based proposal of the default's GP it records the fitted hyperparameters (length
scales on the unit scale, noise, signal variance), the output transform chosen, the log EI of the
proposal, and the best log EI a coordinate-wise exhaustive search over the integer grid (optuna's
acquisition search for discrete parameters, started from the incumbent and the proposal) finds under
the same model. For optuna's GP: its fitted length scales and noise per proposal. Both: the
parameters, the loss, whether the configuration repeats an earlier one.

    nice -n 10 .venv/bin/python benchmarks/history/s24/gp_trace.py OUT.jsonl METHOD PROBLEM:SEED[,SEED...] ...
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s23"))
import probe_real_hpo4  # noqa: E402

base = probe_real_hpo4.base
LOG: list[dict[str, Any]] = []


def _patch_tunewise() -> None:
    from tunewise.samplers import _gp, _gp_acq

    orig_opt = _gp_acq.AcquisitionOptimizer.optimize

    def optimize(self: Any, inc_num: np.ndarray, inc_cat: np.ndarray, scales: np.ndarray) -> Any:
        x, c, v = orig_opt(self, inc_num, inc_cat, scales)
        m = self.model
        lay = m.layout
        th = np.asarray(m.theta)
        rec: dict[str, Any] = {"ls": np.exp(th[: lay.n_ls]).round(4).tolist(),
                               "s2": round(math.exp(th[lay.n_ls]), 4), "noise": float(math.exp(th[lay.n_ls + 1])),
                               "logei": v, "x": np.asarray(x).round(4).tolist(), "inc": inc_num[0].round(4).tolist()}
        # A coordinate-wise exhaustive search over each discrete dimension's cells (and a 65-point grid on
        # continuous ones), from the incumbent and from the proposal, under the same model.
        try:
            grids = []
            for j in range(inc_num.shape[1]):
                cells = np.unique(self.snap(np.tile(np.linspace(0, 1, 201)[:, None], (1, inc_num.shape[1])))[:, j])
                grids.append(cells if len(cells) < 150 else np.linspace(0.005, 0.995, 65))
            best_v, best_x = -np.inf, None
            for start_num, start_cat in ((inc_num[0], inc_cat[0]), (np.asarray(x), np.asarray(c))):
                cur = start_num.copy()
                cv = float(self.value(cur[None, :], start_cat[None, :])[0])
                for _ in range(4):
                    changed = False
                    for j, g in enumerate(grids):
                        cand = np.tile(cur, (len(g), 1))
                        cand[:, j] = g
                        vals = self.value(cand, np.tile(start_cat, (len(g), 1)))
                        if self.taken is not None:
                            vals = np.where(self._is_taken(cand, np.tile(start_cat, (len(g), 1))), -np.inf, vals)
                        k = int(np.argmax(vals))
                        if vals[k] > cv + 1e-9:
                            cur, cv, changed = cand[k].copy(), float(vals[k]), True
                    if not changed:
                        break
                if cv > best_v:
                    best_v, best_x = cv, cur
            rec["coord_logei"] = best_v
            rec["coord_x"] = None if best_x is None else np.asarray(best_x).round(4).tolist()
        except Exception as e:  # noqa: BLE001
            rec["coord_err"] = repr(e)
        LOG.append(rec)
        return x, c, v

    _gp_acq.AcquisitionOptimizer.optimize = optimize  # type: ignore[method-assign]
    orig_fbt = _gp.GPSampler._fit_best_transform

    def fbt(self: Any, *a: Any, **k: Any) -> Any:
        out = orig_fbt(self, *a, **k)
        LOG.append({"transform": self._chosen.get(a[-1])})
        return out

    _gp.GPSampler._fit_best_transform = fbt  # type: ignore[method-assign]


def _patch_optuna() -> None:
    from optuna._gp import gp

    orig = gp.fit_kernel_params

    def fit(*a: Any, **k: Any) -> Any:
        g = orig(*a, **k)
        LOG.append({"ls": (1.0 / np.sqrt(g.inverse_squared_lengthscales.detach().numpy())).round(4).tolist(),
                    "s2": round(float(g.kernel_scale), 4), "noise": float(g.noise_var)})
        return g

    gp.fit_kernel_params = fit
    import optuna.samplers._gp.sampler as s

    s.gp.fit_kernel_params = fit


def run(problem: str, method: str, seed: int) -> dict[str, Any]:
    LOG.clear()
    fn = probe_real_hpo4.PROBLEMS[problem]
    study = probe_real_hpo4.make_study(method, seed)
    # A trial's model records are written while it is asked for (before or inside the objective):
    # those logged since the previous trial ended.
    marks: list[int] = [0]

    def obj2(trial: Any) -> float:
        v = fn(trial)
        marks.append(len(LOG))
        return v

    study.optimize(obj2, n_trials=60)
    trials = study.trials
    out = []
    seen: set[str] = set()
    for i, t in enumerate(trials):
        key = json.dumps(t.params, sort_keys=True, default=str)
        recs = LOG[marks[i]:marks[i + 1]]
        merged: dict[str, Any] = {}
        for r in recs:
            merged.update(r)
        out.append({"params": t.params, "loss": t.value, "repeat": key in seen, **merged})
        seen.add(key)
    return {"problem": problem, "method": method, "seed": seed, "trials": out}


def main() -> None:
    out, method = sys.argv[1], sys.argv[2]
    if method.startswith("tw-"):
        _patch_tunewise()
    else:
        _patch_optuna()
    with open(out, "a") as fh:
        for spec in sys.argv[3:]:
            problem, _, seeds = spec.partition(":")
            for s in seeds.split(","):
                r = run(problem, method, int(s))
                fh.write(json.dumps(r, default=float) + "\n")
                fh.flush()
                print(problem, method, s, min(t["loss"] for t in r["trials"]), flush=True)


if __name__ == "__main__":
    main()
