"""Session 24: the GP dev candidates against the current default (decision rule:
gp_candidates_decision.txt).

Probes 1-4 (24 problems): the default's rows as ``probes_all.py`` builds them, optuna's TPE and GP
rows, and each candidate's rows (``probes_*.jsonl`` written by ``probes_jobs.py``); regret as in
``../s19/probe_real_hpo.py --report`` (best loss any row reached, floor 1e-3). Paired ratios
candidate / reference per problem and overall (geometric mean, 95% bootstrap over seeds), restricted
to the (problem, seed) cells every compared method has.

    .venv/bin/python benchmarks/history/s24/gp_candidates_report.py probes CAND.jsonl [CAND.jsonl ...]
    .venv/bin/python benchmarks/history/s24/gp_candidates_report.py bbob REF.json F7REF.json CAND.json
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FLOOR, BUDGETS = 1e-3, (30, 60)


def _ratio_table(reg: dict, methods: list[str], ref: str, problems: list[str], seeds: list[int]) -> None:
    rng = np.random.default_rng(0)
    print(f"\n## ratio to {ref}\n")
    print("| method | budget | " + " | ".join(problems) + " | **all** [95% CI] | problems > 1.30 |")
    print("|---|--:|" + "--:|" * len(problems) + "--:|--:|")
    for m in methods:
        if m == ref:
            continue
        for b in BUDGETS:
            cells = {p: {s: math.log(reg[(p, m, s, b)] / reg[(p, ref, s, b)]) for s in seeds
                         if (p, m, s, b) in reg and (p, ref, s, b) in reg} for p in problems}
            per = {p: math.exp(np.mean(list(c.values()))) for p, c in cells.items() if c}
            flat = [(s, v) for c in cells.values() for s, v in c.items()]
            if not flat:
                continue
            by_seed = {s: [v for t, v in flat if t == s] for s in seeds}
            allv = math.exp(np.mean([v for _, v in flat]))
            boots = []
            for _ in range(4000):
                pick = rng.integers(0, len(seeds), len(seeds))
                vals = [v for i in pick for v in by_seed[seeds[i]]]
                boots.append(math.exp(np.mean(vals)))
            lo, hi = np.percentile(boots, [2.5, 97.5])
            worse = sum(v > 1.30 for v in per.values())
            print(f"| {m} | {b} | " + " | ".join(f"{per[p]:.2f}" if p in per else "" for p in problems)
                  + f" | **{allv:.3f}x** [{lo:.2f}, {hi:.2f}] ({len(flat)} runs) | {worse} |")


def probes(cands: list[str]) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "probes_all.py"), path], check=True)
    rows = [json.loads(x) for x in open(path)]
    for c in cands:
        rows += [json.loads(x) for x in open(c) if x.strip()]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg = {}
    for r in rows:
        for b in BUDGETS:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], FLOOR)
    seeds = sorted({r["seed"] for r in rows})
    print(f"# probes 1-4: {len(rows)} rows; methods {methods}")
    _ratio_table(reg, methods, "tw-default", problems, seeds)
    _ratio_table(reg, methods, "optuna-gp", problems, seeds)


def bbob(ref_path: str, f7_path: str, cand_path: str) -> None:
    ref = json.load(open(ref_path))["results"]
    f7 = [r for r in json.load(open(f7_path))["results"] if r["method"] == "tw-auto"]
    ref = [r for r in ref if not r["problem"].startswith("bbob-f7-")] + f7
    cand = json.load(open(cand_path))["results"]
    key = lambda r: (r["problem"], r["seed"])  # noqa: E731
    refd = {key(r): r for r in ref if r.get("error") is None}
    for m in sorted({r["method"] for r in cand}):
        cd = {key(r): r for r in cand if r["method"] == m and r.get("error") is None}
        common = sorted(set(refd) & set(cd))
        same = sum(refd[k]["trace"] == cd[k]["trace"] for k in common)
        print(f"\n## bbob {m} / default: {len(common)} cells, identical traces in {same}")
        for b in BUDGETS:
            logs = [math.log(max(cd[k]["trace"][b - 1], 1e-8) / max(refd[k]["trace"][b - 1], 1e-8)) for k in common]
            by_dim: dict[int, list[float]] = {}
            for k, v in zip(common, logs, strict=True):
                by_dim.setdefault(refd[k]["dim"], []).append(v)
            dims = ", ".join(f"d={d}: {math.exp(np.mean(v)):.3f}" for d, v in sorted(by_dim.items()))
            print(f"  at {b}: {math.exp(np.mean(logs)):.3f}x ({dims})")


if __name__ == "__main__":
    if sys.argv[1] == "probes":
        probes(sys.argv[2:])
    else:
        bbob(*sys.argv[2:5])
