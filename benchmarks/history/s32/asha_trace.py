"""Session 32, issue 19 (dev only): per trial of a tunewise run of benchmarks/curves.py, in order: its
configuration, last epoch, why it stopped, noise-free loss there and at R, and whether the default
sampler's GP counted it when the run ended (a PRUNED trial counts only where its step was measured to
rank like the end, or at the scheduler's estimate when stopped as hopeless: samplers/_pruned_trust.py);
plus a summary comparing where proposals go in one parameter with Hyper-Tune's traces
(asha_ht_trace.py).

  .venv/bin/python benchmarks/history/s32/asha_trace.py run <family> <first seed> <seeds> <method> <out.jsonl>
  .venv/bin/python benchmarks/history/s32/asha_trace.py summary <param> <tw traces.jsonl> <ht _trials.jsonl>
  .venv/bin/python benchmarks/history/s32/asha_trace.py compute <tw traces.jsonl> <ht _trials.jsonl>
"""

from __future__ import annotations

import json
import logging
import math
import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/


def run(family: str, first: int, n: int, method: str, out: str) -> None:
    import curves
    from _curve_families import family_instance

    import tunewise as tw
    from tunewise.samplers._pruned_trust import PrunedCalibration

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    captured: dict[str, Any] = {}
    create = tw.create_study

    def capture(*a: Any, **k: Any) -> Any:
        captured["study"] = study = create(*a, **k)
        return study

    curves.tw.create_study = capture
    for seed in range(first, first + n):
        b = curves.make_bench(family, seed, 10.0)
        tr = curves.run_tunewise(b, method, b.seed)
        study = captured["study"]
        inst = family_instance(family, seed)
        all_trials = study.get_trials()
        counted = PrunedCalibration()(all_trials, calibrate=True, hopeless=True)
        trials = []
        for t in all_trials:
            if not t.intermediate_values:
                continue
            a = t.system_attrs.get("asha", {})
            last = max(t.intermediate_values)
            why = "full" if last >= b.R else "budget" if t.state.name == "FAIL" else (
                "forecast" if "forecast" in a else "cut")
            fed = "complete" if t.state.name == "COMPLETE" else (
                "pruned-counted" if t.trial_id in counted
                else "pruned-left-out" if t.state.name == "PRUNED" else "other")
            trials.append({"params": dict(t.params), "last": last, "why": why, "fed": fed,
                           "loss_last": inst.loss(t.params, last), "loss_R": inst.loss(t.params, b.R)})
        rec = {"family": family, "seed": seed, "method": method, "ctt": tr.compute_to_target(),
               "target": b.target, "opt": inst.opt.tolist(), "trials": trials}
        with open(out, "a") as fh:
            fh.write(json.dumps(rec) + "\n")
        print(seed, rec["ctt"], len(trials), flush=True)


def _unit(param: str, v: float) -> float:
    return {"lr": lambda x: (math.log10(x) + 4) / 4, "width": lambda x: x,
            "reg": lambda x: (math.log10(x) + 6) / 5}[param](v)


def summary(param: str, tw_path: str, ht_path: str) -> None:
    from _curve_families import family_instance

    dim = {"lr": 0, "width": 1, "reg": 2}[param]
    for label, path in (("default", tw_path), ("Hyper-Tune", ht_path)):
        rows = [json.loads(line) for line in open(path) if line.strip()]
        d_first, d_later, low, n_tr = [], [], [], []
        for r in rows:
            inst = family_instance(r["family"], r["seed"])
            opt = float(inst.opt[dim]) if param == "width" else _unit(param, 10 ** float(inst.opt[dim]))
            if "params" in (r["trials"][0] if r["trials"] and isinstance(r["trials"][0], dict) else {}):
                cfgs = [t["params"] for t in r["trials"]]
            else:
                cfgs = [t[2] for t in r["trials"]]
            us = [_unit(param, c[param]) for c in cfgs]
            n_tr.append(len(us))
            d_first += [u - opt for u in us[:5]]
            d_later += [u - opt for u in us[5:]]
            low += [u < 0.2 for u in us[5:]]
        print(f"{label:10s} {len(rows)} runs, trials/run {np.mean(n_tr):.1f}; {param} (unit cube) minus optimum: "
              f"first 5 trials mean {np.mean(d_first):+.3f} (|.| {np.mean(np.abs(d_first)):.3f}); "
              f"trials 6+ mean {np.mean(d_later):+.3f} (|.| {np.mean(np.abs(d_later)):.3f}), "
              f"share below 0.2: {np.mean(low):.2f}")


def compute(tw_path: str, ht_path: str) -> None:
    """Where the epochs go, per run, up to the trial that first reaches the target (the whole run
    if none does): runs to R / stopped at 27 / stopped below 27, and epochs in configurations
    whose final loss is at least 0.1 above the target (clearly bad ones)."""
    from _curve_families import family_instance

    for label, path in (("default", tw_path), ("Hyper-Tune", ht_path)):
        rows = [json.loads(line) for line in open(path) if line.strip()]
        full, at27, low, bad, tot, ntr = [], [], [], [], [], []
        for r in rows:
            inst = family_instance(r["family"], r["seed"])
            target = inst.target()
            tri = [(t["last"], t["params"]) if isinstance(t, dict) else (t[0], t[2]) for t in r["trials"]]
            ep = np.array([last for last, _ in tri], dtype=float)
            fin = np.array([inst.loss(c, inst.shape.max_resource) for _, c in tri])
            hit = next((i for i, (e, f) in enumerate(zip(ep, fin)) if f <= target and e >= inst.shape.max_resource),
                       len(tri) - 1)
            ep, fin = ep[: hit + 1], fin[: hit + 1]
            R = inst.shape.max_resource
            tot.append(ep.sum())
            full.append(ep[ep >= R].sum())
            at27.append(ep[(ep >= 27) & (ep < R)].sum())
            low.append(ep[ep < 27].sum())
            bad.append(ep[fin >= target + 0.1].sum())
            ntr.append(hit + 1)
        T = np.sum(tot)
        print(f"{label:10s} {len(rows)} runs: up to the first run to R that reaches the target, "
              f"{np.mean(ntr):.1f} trials "
              f"and {np.mean(tot):.0f} epochs per run: runs to R {np.sum(full) / T:.0%}, stopped at 27-80 "
              f"{np.sum(at27) / T:.0%}, below 27 {np.sum(low) / T:.0%}; in configurations finishing 0.1+ "
              f"above the target {np.sum(bad) / T:.0%}")


if __name__ == "__main__":
    if sys.argv[1] == "compute":
        compute(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        summary(sys.argv[2], sys.argv[3], sys.argv[4])
