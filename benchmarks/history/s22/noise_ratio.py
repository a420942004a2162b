"""Issue 18, session 22: the default GP's fitted noise share (noise / (signal + noise), standardized
outputs) at each proposal, on the dev bbob split (instance 1, all 24 functions) and on the real model
tuning problems of probes 1 and 2 (already read: dev data). Diagnostic for a noise-gated plug-in
incumbent; prints quantiles per problem group. With NOISE_RATIO_WHAT=loo it records the GP's
leave-one-out Kendall tau on the better half of the trials instead (``_loo_rank_score``).

    nice .venv/bin/python benchmarks/history/s22/noise_ratio.py --dims 2 3 5 --trials 60 --out noise_ratio.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from multiprocessing import Pool
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "src"))
sys.path.insert(0, os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))


WHAT = os.environ.get("NOISE_RATIO_WHAT", "noise")


def _record() -> list[tuple[int, float]]:
    from tunewise.samplers import _gp

    out: list[tuple[int, float]] = []
    orig = _gp.GPSampler._fit_best_transform

    def fit(self: Any, raw: Any, *a: Any, **k: Any) -> Any:
        y, model = orig(self, raw, *a, **k)
        if WHAT == "loo":  # the GP's leave-one-out rank agreement on the better half
            out.append((len(raw), _gp._loo_rank_score(model, y)))
        else:
            out.append((len(raw), model._noise / (model._s2 + model._noise)))
        return y, model

    _gp.GPSampler._fit_best_transform = fit
    return out


def bbob_job(job: tuple[int, int, int]) -> dict[str, Any]:
    fid, dim, trials = job
    import sample_efficiency as se

    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.ERROR)
    rec = _record()
    prob = se.bbob_problem(fid, dim)
    se.run_tunewise("tw-auto", prob.space, se._bbob_objective(prob, 1), trials, 0)
    return {"group": f"bbob-d{dim}", "problem": prob.name, "ratios": rec}


def real_job(job: tuple[str, int]) -> dict[str, Any]:
    name, trials = job
    import probe_real_hpo as p1
    import probe_real_hpo2 as p2

    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.ERROR)
    rec = _record()
    fn = {**p1.PROBLEMS, **p2.PROBLEMS}[name]
    study = tw.create_study(sampler=tw.samplers.AutoSampler(seed=0))
    study.optimize(fn, n_trials=trials)
    return {"group": "real", "problem": name, "ratios": rec}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dims", type=int, nargs="*", default=[2, 3, 5])
    ap.add_argument("--trials", type=int, default=60)
    ap.add_argument("--out", required=True)
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    import probe_real_hpo as p1
    import probe_real_hpo2 as p2

    with Pool(a.j) as pool, open(a.out, "w") as f:
        jobs_b = [(fid, d, a.trials) for d in a.dims for fid in range(1, 25)]
        jobs_r = [(n, a.trials) for n in [*p1.PROBLEMS, *p2.PROBLEMS]]
        for r in [*pool.imap_unordered(real_job, jobs_r), *pool.imap_unordered(bbob_job, jobs_b)]:
            f.write(json.dumps(r) + "\n")
    import numpy as np

    rows = [json.loads(x) for x in open(a.out)]
    for g in sorted({r["group"] for r in rows}):
        for r in [r for r in rows if r["group"] == g]:
            v = np.array([x for n, x in r["ratios"] if n >= 15])
            if len(v):
                print(f"{g:8s} {r['problem']:22s} median {np.median(v):.4f} p10 {np.quantile(v, .1):.4f} "
                      f"p90 {np.quantile(v, .9):.4f} share>0.01 {np.mean(v > .01):.2f} >0.03 {np.mean(v > .03):.2f} "
                      f">0.1 {np.mean(v > .1):.2f} <0.3 {np.mean(v < .3):.2f}")


if __name__ == "__main__":
    main()
