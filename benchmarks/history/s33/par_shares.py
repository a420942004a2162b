"""s33 par33: the 4-worker loss split into shares (dev families, par_diag.py rows with per-trial data).

Per (family, seed) where both the sequential default (tw-asha-stop) and 4 workers (tw-asha-stop@4)
reach the target (10·R):
  total      = 4-worker compute to target / sequential
  accounting = 4-worker compute / its oracle (sequential-equivalent of the same trials, par_diag.py)
  start-up   = the 4-worker scheduler's epochs on trials 0-3 (the first wave, proposed before any
               feedback; the same Sobol configurations as the sequential run's trials 0-3) instead
               of the sequential run's, for those before the sequential target trial:
               (seq + delta_0-3) / seq
  rungs      = the same for trials 4-6 (the rest of the shared Sobol design, judged on thinner
               rungs): (seq + delta_0-6) / (seq + delta_0-3)
  sampler    = the rest: oracle / (seq + delta_0-6) (later trials' proposals with 3 pending, and
               which trial reaches the target)
Each share is also given as its part of log(total). Geometric means over all pairs.

    .venv/bin/python benchmarks/history/s33/par_shares.py [--seeds=100-112] \
        benchmarks/history/s33/par_diag_dev_b10.jsonl
"""
from __future__ import annotations

import json
import math
import sys
from collections import defaultdict

import numpy as np

SHARED = 7  # the Sobol design's trials both runs share (the default sampler's start-up, d = 3)
WAVE = 4


def main() -> None:
    args = sys.argv[1:]
    seeds = None
    if args and args[0].startswith("--seeds="):  # e.g. --seeds=100-112: only these seeds
        lo, _, hi = args.pop(0).split("=")[1].partition("-")
        seeds = set(range(int(lo), int(hi or lo) + 1))
    rows = {}
    for path in args:
        with open(path) as fh:
            for line in fh:
                r = json.loads(line)
                if seeds is not None and r["seed"] not in seeds:
                    continue
                rows[(r["family"], r["method"], r["seed"])] = r
    logs: dict[str, list[float]] = defaultdict(list)
    fams: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    n_both = n_pairs = 0
    wave: dict[str, list[float]] = defaultdict(list)  # all pairs: epochs (units of R) on the shared trials
    for (fam, m, seed), s in rows.items():
        if m != "tw-asha-stop" or "per_trial" not in s:
            continue
        p = rows.get((fam, "tw-asha-stop@4", seed))
        if p is None or "per_trial" not in p:
            continue
        n_pairs += 1
        R = float(s["budget"]) / 10.0
        es_all = [t[0] for t in s["per_trial"]]
        e4_all = [t[0] for t in p["per_trial"]]
        if len(es_all) >= SHARED and len(e4_all) >= SHARED:
            wave["seq 0-3"].append(sum(es_all[:WAVE]) / R)
            wave["4w 0-3"].append(sum(e4_all[:WAVE]) / R)
            wave["seq 4-6"].append(sum(es_all[WAVE:SHARED]) / R)
            wave["4w 4-6"].append(sum(e4_all[WAVE:SHARED]) / R)
            wave["seq 0-3 full"].append(sum(t[1] == "C" for t in s["per_trial"][:WAVE]))
            wave["4w 0-3 full"].append(sum(t[1] == "C" for t in p["per_trial"][:WAVE]))
        if not (math.isfinite(s["ctt"]) and math.isfinite(p["ctt"])):
            continue
        n_both += 1
        js = s["target_idx"]
        es = [t[0] for t in s["per_trial"]]
        e4 = [t[0] for t in p["per_trial"]]
        d03 = sum(e4[i] - es[i] for i in range(min(WAVE, js, len(e4))))
        d06 = sum(e4[i] - es[i] for i in range(min(SHARED, js, len(e4))))
        seq, orc, ctt = s["ctt"], p["oracle"], p["ctt"]
        parts = {"total": ctt / seq, "accounting": ctt / orc, "start-up": (seq + d03) / seq,
                 "rungs": (seq + d06) / (seq + d03), "sampler": orc / (seq + d06)}
        for k, v in parts.items():
            logs[k].append(math.log(v))
            fams[fam][k].append(math.log(v))
    print(f"pairs {n_pairs}, both reach the target {n_both}")
    tot = float(np.mean(logs["total"]))
    for k in ("total", "accounting", "start-up", "rungs", "sampler"):
        mu = float(np.mean(logs[k]))
        rng = np.random.default_rng(0)
        arr = np.array(logs[k])
        boots = [math.exp(float(np.mean(rng.choice(arr, len(arr))))) for _ in range(2000)]
        lo, hi = np.percentile(boots, [2.5, 97.5])
        share = "" if k == "total" else f"  {100 * mu / tot:5.1f}% of log(total)"
        print(f"{k:11s} {math.exp(mu):.3f} [{lo:.3f}, {hi:.3f}]{share}")
    print("all pairs (units of R; the budget is 10 R): mean epochs on the shared Sobol trials, and how many "
          "of trials 0-3 ran to R:")
    print("  " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in wave.items()) + f"  (n={len(wave['seq 0-3'])})")
    print("per family (total / accounting / start-up / rungs / sampler):")
    for fam in sorted(fams):
        f = fams[fam]
        print(f"  {fam:22s} n={len(f['total']):2d}  " + " / ".join(f"{math.exp(np.mean(f[k])):.2f}" for k in
                                                         ("total", "accounting", "start-up", "rungs", "sampler")))


if __name__ == "__main__":
    main()
