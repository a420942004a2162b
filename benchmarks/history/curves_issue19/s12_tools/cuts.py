# ruff: noqa  (session 12 diagnostic scripts, kept as they were run)
"""Tally cuts (rung vs forecast) and wrong cuts (noise-free final would reach the target / beat the best so far)."""
import logging
import math
import os
import sys

sys.path.insert(0, os.environ.get("BENCH", "/work/main/benchmarks"))
import curves
from _curve_families import CurveShape

curves.DEV_SHAPES["crossing-36-nn"] = CurveShape("crossing", 36, 3, speed=0.75, tau_frac=0.25)
curves.DEV_SHAPES["noisy-36-mid"] = CurveShape("noisy", 36, 3, noise=0.03, speed=0.75, tau_frac=0.25)
import tunewise as tw

logging.getLogger("tunewise").setLevel(logging.ERROR)
fam, method, seeds = sys.argv[1], sys.argv[2], range(int(sys.argv[3]))
tot = {}
for seed in seeds:
    b = curves.make_bench(fam, seed, float(os.environ.get("BF", "10")))
    inst = curves.instance(curves.DEV_SHAPES[fam], seed)
    sampler, sched = curves.tw_setup(b, method, seed)
    tr = curves.Tracker(b)
    study = tw.create_study(sampler=sampler, scheduler=sched)
    best_truth = [math.inf]
    pend = []
    def objective(trial):
        cfg = curves._suggest(trial, b.space)
        start, state = 0, None
        for step in b.steps:
            if tr.exhausted:
                raise curves.StopBudget
            value, truth, state = b.advance(cfg, start, step, state)
            tr.add(step - start, truth, step)
            start = step
            trial.report(value, step)
            if trial.should_prune():
                fin = inst.loss(cfg, b.R)
                st = trial.study.get_trials()[trial.number].system_attrs.get("asha", {}) if False else None
                fc = "forecast" in study._storage_trial_attrs(trial) if False else None
                rr = {k: (kept, top, n, v) for k, j, kept, top, n, v in sched.rung_recall(study)}
                ks = [i for i, r in enumerate(sched.rungs(0)) if r == step]
                pend.append((trial.number, step, fin < b.target, fin < best_truth[0], rr.get(ks[0]) if ks else None))
                raise tw.TrialPruned()
        best_truth[0] = min(best_truth[0], truth)
        tot.setdefault("full", 0); tot["full"] += 1
        return value
    try:
        study.optimize(objective, n_trials=10000, callbacks=[lambda s, t: s.stop() if tr.exhausted else None])
    except curves.StopBudget:
        pass
    for n, step, wt, wb, rr in pend:
        kind = "fc" if "forecast" in study.trials[n].system_attrs.get("asha", {}) else "rung"
        if kind == "rung" and rr is not None:
            key = ("verdict", step, "top=%d" % min(rr[1], 3), rr[3])
            a = tot.setdefault(key, [0, 0]); a[0] += 1; a[1] += wt
        for key, flag in (("cuts", True), ("wrong_target", wt), ("wrong_best", wb)):
            if flag:
                tot[(key, kind, step)] = tot.get((key, kind, step), 0) + 1
for k in sorted(tot, key=str): print(k, tot[k])
