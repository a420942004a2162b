"""s33 par33: paired ratios from par_diag.py / curves.py rows: per family the geometric mean over
seeds of num/den (penalized: a run that never reaches the target counts as twice the budget), then
the geometric mean over families, 95% bootstrap over seeds (seeds resampled jointly across
families).

    .venv/bin/python benchmarks/history/s33/par_table.py FILE [FILE...] --pair NUM DEN [--pair ...] [--field ctt|oracle]
    NUM / DEN: method names; "METHOD:oracle" takes that method's oracle compute (par_diag.py)
"""
from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict

import numpy as np


def load(paths: list[str]) -> dict[tuple[str, str, int], dict]:
    rows: dict[tuple[str, str, int], dict] = {}
    for p in paths:
        with open(p) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    rows[(r["family"], r["method"], r["seed"])] = r
    return rows


def value(r: dict, field: str) -> float:
    v = r[field]
    return float(v) if math.isfinite(v) else 2.0 * float(r["budget"])


def pair(rows: dict, num: str, den: str, seeds: set[int] | None = None):
    def spec(s: str) -> tuple[str, str]:
        m, _, f = s.partition(":")
        return m, f or "ctt"
    (mn, fn), (md, fd) = spec(num), spec(den)
    logs: dict[str, dict[int, float]] = defaultdict(dict)
    for (fam, m, seed), r in rows.items():
        if m != mn or (seeds is not None and seed not in seeds):
            continue
        d = rows.get((fam, md, seed))
        if d is not None:
            logs[fam][seed] = math.log(value(r, fn) / value(d, fd))
    return logs


def summarize(logs: dict[str, dict[int, float]], rng: np.random.Generator, n_boot: int = 2000):
    fams = sorted(logs)
    per = {f: math.exp(np.mean(list(logs[f].values()))) for f in fams}
    geo = math.exp(np.mean([math.log(per[f]) for f in fams])) if fams else math.nan
    seeds = sorted({s for f in fams for s in logs[f]})
    boots = []
    for _ in range(n_boot):
        pick = rng.choice(seeds, size=len(seeds), replace=True)
        fm = []
        for f in fams:
            v = [logs[f][s] for s in pick if s in logs[f]]
            if v:
                fm.append(np.mean(v))
        boots.append(math.exp(np.mean(fm)))
    lo, hi = np.percentile(boots, [2.5, 97.5]) if boots else (math.nan, math.nan)
    n = min(len(v) for v in logs.values()) if logs else 0
    return per, geo, lo, hi, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--pair", nargs=2, action="append", required=True)
    ap.add_argument("--seeds", default=None, help="e.g. 100-109")
    args = ap.parse_args()
    rows = load(args.files)
    seeds = None
    if args.seeds:
        lo, _, hi = args.seeds.partition("-")
        seeds = set(range(int(lo), int(hi or lo) + 1))
    rng = np.random.default_rng(0)
    for num, den in args.pair:
        per, geo, lo, hi, n = summarize(pair(rows, num, den, seeds), rng)
        print(f"{num} / {den}: {geo:.3f} [{lo:.3f}, {hi:.3f}]  (>= {n} seeds per family)")
        print("   " + "  ".join(f"{f} {v:.2f}" for f, v in sorted(per.items())))


if __name__ == "__main__":
    main()
