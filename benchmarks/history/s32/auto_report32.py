"""Session 32 (auto32), issue 18: candidate R against the default (rule auto_decision.txt).

    .venv/bin/python benchmarks/history/s32/auto_report32.py dev R_ROWS [FRESH_ROWS ...]
    .venv/bin/python benchmarks/history/s32/auto_report32.py probe10 PROBE10_ROWS

dev: default rows are the stored ones of rule revision 1 (cond-clf: the fresh tw-default rows in
R_ROWS); R's rows are R_ROWS; a repeat-capable pair without an R row counts 1.00 (its default row
never repeats a loss); the 9 problems where R cannot act count 1.00 (10 pairs each). Reference: the
best loss of any row of the problem among the rows read (stored default rows of the problem, R rows,
FRESH_ROWS). probe10: every row of the file; reference the best loss of any row of the problem.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
from collections import defaultdict
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
H = os.path.join(HERE, "..")
R = "tw-default+tpe._conditional_no_repeat=True"
CAPABLE = ("cond-clf", "pipe-cond", "digits-pipe-cond", "diabetes-reg-cond", "lowrank-linear-cond",
           "logreg-solver-cond", "moons-model-cond")
CANNOT = ("kr-friedman2", "sgd-classif", "svc-circles", "text-pipe-cond", "tabular-pipe-cond", "bc-model-cond",
          "wine-pipe-cond", "friedman1-featmap-cond", "scurve-svr-cond")
STORED = {"diabetes-reg-cond": "s30/auto_probe8_rows.jsonl", "lowrank-linear-cond": "s30/auto_probe8_rows.jsonl",
          "digits-pipe-cond": "s30/auto_probe8_rows.jsonl", "logreg-solver-cond": "s31/auto_probe9_rows.jsonl",
          "moons-model-cond": "s31/auto_probe9_rows.jsonl", "pipe-cond": "s30/auto_dev_default_rows.jsonl"}
SEEDS = {"logreg-solver-cond": range(8), "moons-model-cond": range(8)}
FLOOR = 1e-3


def regret(losses: list[float], ref: float, b: int) -> float:
    return max(min(losses[:b]) - ref, FLOOR)


def gmean(xs: list[float]) -> float:
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def boot(pairs: list[float], n: int = 2000) -> tuple[float, float]:
    rng = random.Random(0)
    ms = sorted(gmean([rng.choice(pairs) for _ in pairs]) for _ in range(n))
    return ms[int(0.025 * n)], ms[int(0.975 * n) - 1]


def load(path: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in open(path)]


def dev(r_path: str, fresh: list[str]) -> None:
    rrows = load(r_path)
    default: dict[tuple[str, int], list[float]] = {}
    default_cpu: dict[tuple[str, int], float] = {}
    for p, f in STORED.items():
        for r in load(os.path.join(H, f)):
            if r["problem"] == p and r["method"] == "tw-default" and r["seed"] in SEEDS.get(p, range(10)):
                default[(p, r["seed"])] = r["losses"]
                default_cpu[(p, r["seed"])] = r["opt_cpu_ms"]
    rr: dict[tuple[str, int], dict[str, Any]] = {}
    fresh_default: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rrows:
        if r["method"] == R:
            rr[(r["problem"], r["seed"])] = r
        elif r["method"] == "tw-default" and r["problem"] == "cond-clf":
            default[("cond-clf", r["seed"])] = r["losses"]
            fresh_default[("cond-clf", r["seed"])] = r
    ref: dict[str, float] = defaultdict(lambda: math.inf)
    for (p, _), L in default.items():
        ref[p] = min(ref[p], min(L))
    for (p, _), r in rr.items():
        ref[p] = min(ref[p], min(r["losses"]))
    for f in fresh:
        for r in load(f):
            if r["problem"] in CAPABLE:
                ref[r["problem"]] = min(ref[r["problem"]], min(r["losses"]))
    print("problem (dev)            pairs  R runs  R/def@30  R/def@60  def reg@60  R reg@60  R acted (mean)  "
          "def equal-loss trials  R repeats  checks")
    all30: list[float] = []
    all60: list[float] = []
    cap30: list[float] = []
    cap60: list[float] = []
    worst: list[tuple[float, str, int]] = []
    cpu_r: list[float] = []
    cpu_d: list[float] = []
    for p in CAPABLE:
        seeds = [s for s in SEEDS.get(p, range(10)) if (p, s) in default]
        q30, q60, d60, r60, acted, drep, rrep, bad, nrun = [], [], [], [], [], [], [], [], 0
        for s in seeds:
            D = default[(p, s)]
            r = rr.get((p, s))
            if r is None:
                if p == "cond-clf" or any(D[i] in D[:i] for i in range(len(D))):
                    continue  # a pair that needs an R run and has none yet: left out (incomplete)
                Rl = D
            else:
                nrun += 1
                Rl = r["losses"]
                acted.append(len(r["acted"]))
                rrep.append(r["repeats"])
                if r["acted"]:
                    # R's first action: the replayed trials' count (runs before the harness recorded the
                    # index right; -1 there), else the recorded index
                    k = r["replayed"] if p != "cond-clf" else r["acted"][0]
                    if p == "cond-clf":
                        fd = fresh_default[(p, s)]
                        first = next((i for i, (a, b) in enumerate(zip(fd["params"], r["params"])) if a != b), None)
                        keys = [json.dumps(x, sort_keys=True) for x in fd["params"]]
                        ok = first is None or keys[first] in keys[:first]
                        cpu_d.append(fd["opt_cpu_ms"])
                    else:
                        ok = D[:k] == Rl[:k] and D[k] in D[:k]
                    if not ok:
                        bad.append(s)
                cpu_r.append(r["opt_cpu_ms"])
                if p != "cond-clf":
                    cpu_d.append(default_cpu[(p, s)])
            a30 = regret(Rl, ref[p], 30) / regret(D, ref[p], 30)
            a60 = regret(Rl, ref[p], 60) / regret(D, ref[p], 60)
            q30.append(a30)
            q60.append(a60)
            d60.append(regret(D, ref[p], 60))
            r60.append(regret(Rl, ref[p], 60))
            drep.append(sum(D[i] in D[:i] for i in range(len(D))))
        all30 += q30
        all60 += q60
        cap30 += q30
        cap60 += q60
        g30, g60 = gmean(q30), gmean(q60)
        worst.append((max(g30, g60), p, len(q30)))
        print(f"{p:24s} {len(q30):5d} {nrun:7d} {g30:9.3f} {g60:9.3f} {gmean(d60):11.4f} {gmean(r60):9.4f} "
              f"{(sum(acted) / len(acted) if acted else 0):14.1f} {sum(drep) / max(len(drep), 1):21.1f} "
              f"{(sum(rrep) / len(rrep) if rrep else 0):10.1f}  {'prefix fails: ' + str(bad) if bad else 'ok'}")
    n_cannot = 10 * len(CANNOT)
    print(f"{len(CANNOT)} problems where R cannot act: {n_cannot} pairs at 1.000")
    lo30, hi30 = boot(cap30)
    lo60, hi60 = boot(cap60)
    print(f"7 repeat-capable problems, {len(cap30)} pairs: R/default {gmean(cap30):.3f} [{lo30:.3f}, {hi30:.3f}] "
          f"at 30, {gmean(cap60):.3f} [{lo60:.3f}, {hi60:.3f}] at 60")
    all30 += [1.0] * n_cannot
    all60 += [1.0] * n_cannot
    print(f"D1: 16 conditional problems, {len(all30)} pairs: R/default {gmean(all30):.3f} at 30, "
          f"{gmean(all60):.3f} at 60 (bar <= 0.97 at both)")
    print(f"D2: worst problem {max(worst)[1]} {max(worst)[0]:.3f} (bar <= 1.10)")
    print(f"D4: R's sampler CPU per trial {sum(cpu_r) / max(len(cpu_r), 1):.1f} ms over {len(cpu_r)} runs "
          f"(replayed trials included); the default's on the same pairs {sum(cpu_d) / max(len(cpu_d), 1):.1f} ms")


def probe10(path: str) -> None:
    rows = load(path)
    by: dict[tuple[str, str, int], list[float]] = {}
    cpu: dict[str, list[float]] = defaultdict(list)
    ref: dict[str, float] = defaultdict(lambda: math.inf)
    for r in rows:
        by[(r["problem"], r["method"], r["seed"])] = r["losses"]
        ref[r["problem"]] = min(ref[r["problem"]], min(r["losses"]))
    sys.path.insert(0, HERE)
    import probe_real_hpo10 as p10

    def ratios(a: str, b: str, probs: tuple[str, ...]) -> dict[str, tuple[list[float], list[float]]]:
        out: dict[str, tuple[list[float], list[float]]] = {}
        for p in probs:
            q30, q60 = [], []
            for s in range(10):
                A = by.get((p, a, s))
                if a == R and A is None and p not in p10.CONDITIONAL:
                    A = by.get((p, "tw-default", s))  # R is the default there by construction
                B = by.get((p, b, s))
                if B is None and b == R and p not in p10.CONDITIONAL:
                    B = by.get((p, "tw-default", s))
                if A is None or B is None:
                    continue
                q30.append(regret(A, ref[p], 30) / regret(B, ref[p], 30))
                q60.append(regret(A, ref[p], 60) / regret(B, ref[p], 60))
            out[p] = (q30, q60)
        return out

    for a, b in ((R, "tw-default"), ("tw-default", "optuna-tpe"), (R, "optuna-tpe")):
        res = ratios(a, b, tuple(p10.PROBLEMS))
        print(f"\n{a} / {b} (probe 10, held out until this run)")
        for p, (q30, q60) in res.items():
            print(f"  {p:24s} {len(q30):3d} pairs  {gmean(q30):.3f} at 30  {gmean(q60):.3f} at 60")
        for label, probs in (("6 conditional", p10.CONDITIONAL), ("all 8", tuple(p10.PROBLEMS)),
                             ("2 unconditional", tuple(p for p in p10.PROBLEMS if p not in p10.CONDITIONAL))):
            q30 = [x for p in probs for x in res[p][0]]
            q60 = [x for p in probs for x in res[p][1]]
            if q30:
                lo30, hi30 = boot(q30)
                lo60, hi60 = boot(q60)
                print(f"  {label:24s} {len(q30):3d} pairs  {gmean(q30):.3f} [{lo30:.3f}, {hi30:.3f}] at 30  "
                      f"{gmean(q60):.3f} [{lo60:.3f}, {hi60:.3f}] at 60")
    for r in rows:
        cpu[r["method"]].append(r["opt_cpu_ms"])
    for m, xs in cpu.items():
        print(f"CPU {m}: {sum(xs) / len(xs):.1f} ms per trial over {len(xs)} runs")
    rep: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        rep[(r["problem"], r["method"])].append(r.get("repeats", 0))
    print("\nrepeats per 60 trials (mean)")
    for (p, m), xs in sorted(rep.items()):
        print(f"  {p:24s} {m:45s} {sum(xs) / len(xs):5.1f} over {len(xs)} runs")


if __name__ == "__main__":
    if sys.argv[1] == "dev":
        dev(sys.argv[2], sys.argv[3:])
    else:
        probe10(sys.argv[2])
