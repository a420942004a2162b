"""Session 30 (auto18): the report of rule ``auto_decision.txt`` for candidate C (dev or probe 8).

Pairs (problem, seed): the default's row and C's; where C was not run (the default's run never meets
the plateau signal at a trial i >= 2), C's row is the default's (identical by construction). Each C
row is checked against its default row: identical losses up to the first trial C proposed by
QMCSampler after TPE took over (rows from ``auto_trace.py`` carry ``used``; probe rows do not, then
up to the first trial where the signal holds). Regret: best so far minus the reference, floor 1e-3;
ratios summarised by the geometric mean, with a seed-bootstrap interval (2,000 resamples, seed 0).

    .venv/bin/python benchmarks/history/s30/auto_report.py dev DEFAULT_ROWS C_ROWS [FRESH_DEFAULT_ROWS]
    .venv/bin/python benchmarks/history/s30/auto_report.py probe8 PROBE8_ROWS
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import numpy as np

C = "tw-default+auto._conditional_tie_fill=True"
PLATEAU = (0.2119, 0.2126)
DEV = ["kr-friedman2", "cond-clf", "sgd-classif", "svc-circles", "pipe-cond", "text-pipe-cond", "tabular-pipe-cond"]
P8 = ["digits-pipe-cond", "bc-model-cond", "diabetes-reg-cond", "lowrank-linear-cond", "gbc-breast",
      "gpr-matern-diabetes", "mlpreg-diabetes"]
P8_COND = P8[:4]


def signal_at(losses: list[float]) -> int | None:
    seen: set[float] = set()
    rep = []
    for v in losses:
        rep.append(v in seen)
        seen.add(v)
    return next((i for i in range(2, len(losses)) if sum(rep[max(0, i - 4):i]) >= 2), None)


def first_fill(row: dict[str, Any]) -> int | None:
    used = row.get("used")
    if not used:
        return signal_at(row["losses"])
    tpe = next((i for i, u in enumerate(used) if u == "TPESampler"), None)
    if tpe is None:
        return None
    return next((i for i in range(tpe, len(used)) if used[i] == "QMCSampler"), None)


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
           problems: list[str], refs: dict[str, float], title: str, extra: list[dict[str, Any]] | None = None) -> None:
    print(f"## {title}")
    bad = []
    for k, r in cand.items():
        if k not in default:
            continue
        f = first_fill(r)
        n = f if f is not None else len(r["losses"])
        if r["losses"][:n] != default[k]["losses"][:n]:
            bad.append(k)
    print(f"C rows run: {len(cand)}; prefix checks failed: {bad or 'none'}")
    ratios: dict[int, dict[tuple[str, int], float]] = {30: {}, 60: {}}
    print("| problem | pairs | C ran | C / default at 30 | at 60 | plateau ends default / C |")
    print("|---|--:|--:|--:|--:|--:|")
    for p in problems:
        keys = sorted(k for k in default if k[0] == p)
        per = {30: [], 60: []}
        ends = [0, 0]
        for k in keys:
            d = default[k]["losses"]
            c = cand[k]["losses"] if k in cand else d
            for b in (30, 60):
                r = regret(c, b, refs[p]) / regret(d, b, refs[p])
                per[b].append(r)
                ratios[b][k] = r
            ends[0] += PLATEAU[0] <= min(d) <= PLATEAU[1]
            ends[1] += PLATEAU[0] <= min(c) <= PLATEAU[1]
        n_c = sum(k in cand for k in keys)
        pl = f"{ends[0]} / {ends[1]}" if p == "pipe-cond" else ""
        print(f"| {p} | {len(keys)} | {n_c} | {gmean(per[30]):.3f} | {gmean(per[60]):.3f} | {pl} |")
    for b in (30, 60):
        lo, hi = boot(ratios[b])
        print(f"all {len(ratios[b])} pairs at {b}: {gmean(list(ratios[b].values())):.3f} [{lo:.3f}, {hi:.3f}]")


def load(path: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in open(path) if x.strip()]


def main() -> None:
    mode = sys.argv[1]
    if mode == "dev":
        default = {(r["problem"], r["seed"]): r for r in load(sys.argv[2])}
        cand = {(r["problem"], r["seed"]): r for r in load(sys.argv[3]) if r["method"] == C}
        fresh = {(r["problem"], r["seed"]): r for r in load(sys.argv[4])} if len(sys.argv) > 4 else {}
        for k, r in fresh.items():  # rule: cond-clf both arms fresh; svc-blobs-acc identity check
            default[k] = r
        refs = {p: min(min(r["losses"]) for k, r in {**default, **cand}.items() if k[0] == p) for p in DEV}
        dev = {k: v for k, v in default.items() if k[0] in DEV and k[1] < 10}
        report(dev, {k: v for k, v in cand.items() if k in dev}, DEV, refs,
               "bar 1: 7 conditional dev problems, seeds 0-9")
        pipe = {k: v for k, v in default.items() if k[0] == "pipe-cond"}
        report(pipe, {k: v for k, v in cand.items() if k in pipe}, ["pipe-cond"], refs, "bar 2: pipe-cond, seeds 0-19")
        if ("svc-blobs-acc", 0) in cand and ("svc-blobs-acc", 0) in fresh:
            same = cand[("svc-blobs-acc", 0)]["losses"] == fresh[("svc-blobs-acc", 0)]["losses"]
            print(f"bar 4 identity, svc-blobs-acc seed 0 (unconditional): {'identical' if same else 'DIFFERENT'}")
        cc = [k for k in cand if k[0] == "cond-clf" and k in fresh]
        if cc:
            ratio = np.mean([cand[k]["opt_cpu_ms"] for k in cc]) / np.mean([fresh[k]["opt_cpu_ms"] for k in cc])
            print(f"bar 5 CPU, cond-clf fresh pairs ({len(cc)}): C / default opt_cpu_ms {ratio:.3f}")
    else:
        rows = load(sys.argv[2])
        default = {(r["problem"], r["seed"]): r for r in rows if r["method"] == "tw-default"}
        cand = {(r["problem"], r["seed"]): r for r in rows if r["method"] == C}
        opt = {(r["problem"], r["seed"]): r for r in rows if r["method"] == "optuna-tpe"}
        refs = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in P8}
        report(default, cand, P8, refs, "probe 8 (held out until this run): all problems, seeds 0-9")
        report({k: v for k, v in default.items() if k[0] in P8_COND}, {k: v for k, v in cand.items()
               if k[0] in P8_COND}, P8_COND, refs, "probe 8: the 4 conditional problems")
        unc = [k for k in cand if k[0] not in P8_COND]
        same = [cand[k]["losses"] == default[k]["losses"] for k in unc]
        print(f"identity runs on unconditional problems: {sum(same)} of {len(same)} identical")
        ran = [k for k in cand if k in default]
        if ran:
            ratio = np.mean([cand[k]["opt_cpu_ms"] for k in ran]) / np.mean([default[k]["opt_cpu_ms"] for k in ran])
            print(f"CPU: C / default opt_cpu_ms over the {len(ran)} pairs C ran: {ratio:.3f}")
        print("| problem | default / optuna-tpe at 30 | at 60 | C / optuna-tpe at 30 | at 60 |")
        print("|---|--:|--:|--:|--:|")
        for group, probs in (("all", P8), ("conditional", P8_COND), *((p, [p]) for p in P8)):
            out = []
            for arm in (default, {**default, **cand}):
                for b in (30, 60):
                    rs = [regret(arm[k]["losses"], b, refs[k[0]]) / regret(opt[k]["losses"], b, refs[k[0]])
                          for k in default if k[0] in probs and k in opt]
                    out.append(gmean(rs))
            print(f"| {group} | {out[0]:.3f} | {out[1]:.3f} | {out[2]:.3f} | {out[3]:.3f} |")


if __name__ == "__main__":
    main()
