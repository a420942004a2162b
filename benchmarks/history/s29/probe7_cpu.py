"""Session 29: the cost bar of tpe_h_decision.txt on probe 7, H's sampler CPU per trial against the
default's, paired on (problem, seed); s27's probe6_cpu.py with the candidate's method name as an
argument (s27 hard-codes D's). The pair of the first problem's seed 0 is left out (first pool jobs).

    .venv/bin/python benchmarks/history/s29/probe7_cpu.py PROBE7.jsonl [CANDIDATE_METHOD]
"""

from __future__ import annotations

import json
import math
import statistics
import sys

CAND = sys.argv[2] if len(sys.argv) > 2 else "tw-default+tpe._conditional_gap_clip=True"


def main() -> None:
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    cpu = {(r["problem"], r["method"], r["seed"]): r["opt_cpu_ms"] for r in rows}
    skip = (problems[0], 0)
    print(f"# {len(rows)} rows; pair left out (first pool jobs): {skip}")
    print("| method | median opt_cpu_ms | mean |")
    print("|---|--:|--:|")
    for m in methods:
        v = [c for (p, mm, s), c in cpu.items() if mm == m and (p, s) != skip]
        print(f"| {m} | {statistics.median(v):.1f} | {statistics.fmean(v):.1f} |")
    print("\n| problem | D / default CPU per trial (gmean over seeds) | pairs |")
    print("|---|--:|--:|")
    logs: list[float] = []
    num = den = 0.0
    for p in problems:
        lp = []
        for s in sorted({s for (q, _, s) in cpu if q == p}):
            if (p, s) == skip or (p, CAND, s) not in cpu or (p, "tw-default", s) not in cpu:
                continue
            lp.append(math.log(cpu[(p, CAND, s)] / cpu[(p, "tw-default", s)]))
            num += cpu[(p, CAND, s)]
            den += cpu[(p, "tw-default", s)]
        logs += lp
        if lp:
            print(f"| {p} | {math.exp(statistics.fmean(lp)):.2f} | {len(lp)} |")
    if logs:
        print(
            f"\nD / default, all pairs: geometric mean {math.exp(statistics.fmean(logs)):.2f}x ({len(logs)} pairs); "
            f"ratio of means {num / den:.2f}x"
        )


if __name__ == "__main__":
    main()
