"""Session 31 (auto31): the report of rule ``auto_decision.txt`` for candidate I (dev or probe 9).

Pairs (problem, seed): the default's row and I's. Each I row is checked against its default row:
identical losses up to the first trial I's GP proposed (rows from ``auto_trace9.py`` carry ``used``;
probe rows do not, then up to trial 10, the end of the longest start-up). Regret: best so far minus
the reference, floor 1e-3; ratios summarised by the geometric mean, with a seed-bootstrap interval
(2,000 resamples, seed 0).

    .venv/bin/python benchmarks/history/s31/auto_report9.py dev I_ROWS DEFAULT_FRESH_ROWS
    .venv/bin/python benchmarks/history/s31/auto_report9.py probe9 PROBE9_ROWS
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CAND = "tw-default+auto._conditional_gp=True"
DEV = ["kr-friedman2", "cond-clf", "sgd-classif", "svc-circles", "pipe-cond", "text-pipe-cond", "tabular-pipe-cond",
       "digits-pipe-cond", "bc-model-cond", "diabetes-reg-cond", "lowrank-linear-cond"]
P9 = ["wine-pipe-cond", "logreg-solver-cond", "friedman1-featmap-cond", "scurve-svr-cond", "moons-model-cond",
      "hgb-wine", "mlpclf-iris-noise"]
P9_COND = P9[:5]


def first_model(row: dict[str, Any]) -> int:
    used = row.get("used")
    if not used:
        return 10
    return next((i for i, u in enumerate(used) if u == "GPSampler"), len(used))


def regret(losses: list[float], b: int, ref: float) -> float:
    return max(min(losses[:b]) - ref, 1e-3)


def gmean(x: list[float]) -> float:
    return math.exp(float(np.mean(np.log(x)))) if x else float("nan")


def boot(ratios: dict[tuple[str, int], float]) -> tuple[float, float]:
    """Seed bootstrap: resample seeds, each seed with its pairs on every problem."""
    rng = np.random.default_rng(0)
    seeds = sorted({s for _, s in ratios})
    by_seed = {s: [math.log(r) for (p, t), r in ratios.items() if t == s] for s in seeds}
    out = []
    for _ in range(2000):
        pick = rng.choice(seeds, len(seeds))
        logs = [x for s in pick for x in by_seed[s]]
        out.append(math.exp(float(np.mean(logs))))
    return float(np.percentile(out, 2.5)), float(np.percentile(out, 97.5))


def report(default: dict[tuple[str, int], dict[str, Any]], cand: dict[tuple[str, int], dict[str, Any]],
           problems: list[str], refs: dict[str, float], title: str) -> dict[int, float]:
    print(f"## {title}")
    bad = [k for k, r in cand.items() if k in default
           and r["losses"][:first_model(r)] != default[k]["losses"][:first_model(r)]]
    print(f"I rows: {len(cand)}; prefix checks failed: {bad or 'none'}")
    ratios: dict[int, dict[tuple[str, int], float]] = {30: {}, 60: {}}
    print("| problem | pairs | I / default at 30 | at 60 | default regret at 60 (geo) | I regret at 60 (geo) |")
    print("|---|--:|--:|--:|--:|--:|")
    for p in problems:
        keys = sorted(k for k in cand if k[0] == p and k in default)
        per: dict[int, list[float]] = {30: [], 60: []}
        for k in keys:
            for b in (30, 60):
                r = regret(cand[k]["losses"], b, refs[p]) / regret(default[k]["losses"], b, refs[p])
                per[b].append(r)
                ratios[b][k] = r
        if keys:
            dg = gmean([regret(default[k]["losses"], 60, refs[p]) for k in keys])
            ig = gmean([regret(cand[k]["losses"], 60, refs[p]) for k in keys])
            print(f"| {p} | {len(keys)} | {gmean(per[30]):.3f} | {gmean(per[60]):.3f} | {dg:.4f} | {ig:.4f} |")
    out = {}
    for b in (30, 60):
        if ratios[b]:
            lo, hi = boot(ratios[b])
            out[b] = gmean(list(ratios[b].values()))
            print(f"all {len(ratios[b])} pairs at {b}: {out[b]:.3f} [{lo:.3f}, {hi:.3f}]")
    return out


def load(path: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in open(path) if x.strip()]


def cpu(rows: list[dict[str, Any]]) -> float:
    return float(np.mean([r["opt_cpu_ms"] for r in rows])) if rows else float("nan")


def main() -> None:
    mode = sys.argv[1]
    if mode == "dev":
        s30 = os.path.join(HERE, "..", "s30")
        default = {(r["problem"], r["seed"]): r for r in load(os.path.join(s30, "auto_dev_default_rows.jsonl"))
                   if r["problem"] != "cond-clf"}
        default.update({(r["problem"], r["seed"]): r for r in load(os.path.join(s30, "auto_probe8_rows.jsonl"))
                        if r["method"] == "tw-default" and r["problem"] in DEV})
        fresh = {(r["problem"], r["seed"]): r for r in load(sys.argv[3])} if len(sys.argv) > 3 else {}
        default.update(fresh)  # rule: cond-clf both arms fresh; a pair failing its prefix check re-run
        cand = {(r["problem"], r["seed"]): r for r in load(sys.argv[2]) if r["method"] == CAND}
        refs = {p: min(min(r["losses"]) for k, r in [*default.items(), *cand.items()] if k[0] == p) for p in DEV
                if any(k[0] == p for k in default)}
        report(default, cand, [p for p in DEV if p in refs], refs,
               "dev (probes 1-8): conditional problems, I / default")
        ran = [k for k in cand if k in default]
        ci, cd = cpu([cand[k] for k in ran]), cpu([default[k] for k in ran])
        print(f"CPU (bar D4 <= 150 ms): I {ci:.1f} ms per trial, default {cd:.1f} ms (same pairs; I / default "
              f"{ci / cd:.2f})")
        return
    rows = load(sys.argv[2])
    default = {(r["problem"], r["seed"]): r for r in rows if r["method"] == "tw-default"}
    cand = {(r["problem"], r["seed"]): r for r in rows if r["method"] == CAND}
    opt = {(r["problem"], r["seed"]): r for r in rows if r["method"] == "optuna-tpe"}
    refs = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in P9 if any(
        r["problem"] == p for r in rows)}
    cond = {k: v for k, v in cand.items() if k[0] in P9_COND}
    report(default, cond, [p for p in P9_COND if p in refs], refs,
           "probe 9 (held out until this run): the 5 conditional problems, I / default (bar J1)")
    unc = [k for k in cand if k[0] not in P9_COND and k in default]
    print(f"identity runs on unconditional problems: {sum(cand[k]['losses'] == default[k]['losses'] for k in unc)}"
          f" of {len(unc)} identical")
    print(f"CPU (bar J2 <= 150 ms): I {cpu(list(cond.values())):.1f} ms per trial; default on the same pairs "
          f"{cpu([default[k] for k in cond if k in default]):.1f} ms")
    print("| problems | pairs | default / optuna-tpe at 30 | at 60 | I / optuna-tpe at 30 | at 60 |")
    print("|---|--:|--:|--:|--:|--:|")
    for group, probs in (("all", P9), ("conditional", P9_COND), ("unconditional", P9[5:]), *((p, [p]) for p in P9)):
        keys = [k for k in default if k[0] in probs and k in opt]
        out = []
        for arm in (default, {**default, **{k: v for k, v in cand.items() if k[0] in P9_COND}}):
            for b in (30, 60):
                out.append(gmean([regret(arm[k]["losses"], b, refs[k[0]]) / regret(opt[k]["losses"], b, refs[k[0]])
                                  for k in keys]))
        if keys:
            print(f"| {group} | {len(keys)} | {out[0]:.3f} | {out[1]:.3f} | {out[2]:.3f} | {out[3]:.3f} |")


if __name__ == "__main__":
    main()
