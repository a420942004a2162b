"""Session 27: the rule's cost bar on probe 6 (``gp_d_decision.txt``): D's sampler CPU per trial
against the default's, paired on (problem, seed), from the one probe-6 run (pooled workers, so only
each worker's first job pays the first imports). Written before probe 6 was run. The first job of
each of the 2 pool workers is the first problem's seed 0 (tw-default and optuna-tpe: the runner's
job order is seed, problem, method), so that (problem, seed) pair is left out of the paired ratio.
Prints, per method, the median and mean ``opt_cpu_ms``; then D / default per problem (geometric mean
over seeds) and overall (geometric mean over the pairs, and the ratio of the means). The bar (<= 1.6x)
is read on the geometric mean over the pairs, as the regret ratios are; the ratio of means is shown too.

    .venv/bin/python benchmarks/history/s27/probe6_cpu.py benchmarks/history/s27/probe_real_hpo6.jsonl
"""

from __future__ import annotations

import json
import math
import statistics
import sys

CAND = "tw-default+_integer_search=True"


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
