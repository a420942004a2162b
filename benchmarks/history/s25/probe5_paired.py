"""Session 25: probe 5's paired ratio of one method's regret to the default's (the rule of
``gp_integer_decision.txt``: geometric mean over the 70 (problem, seed) pairs, 95% bootstrap over
seeds), per problem and overall; regret as in ``../s19/probe_real_hpo.py --report`` (best loss any
row of the file reached, floor 1e-3).

    .venv/bin/python benchmarks/history/s25/probe5_paired.py benchmarks/history/s25/probe_real_hpo5.jsonl
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import gp_candidates_report as rep  # noqa: E402


def main() -> None:
    rows = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    problems = list(dict.fromkeys(r["problem"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    best = {p: min(min(r["losses"]) for r in rows if r["problem"] == p) for p in problems}
    reg = {}
    for r in rows:
        for b in rep.BUDGETS:
            reg[(r["problem"], r["method"], r["seed"], b)] = max(min(r["losses"][:b]) - best[r["problem"]], rep.FLOOR)
    seeds = sorted({r["seed"] for r in rows})
    print(f"# {sys.argv[1]}: {len(rows)} rows; methods {methods}")
    rep._ratio_table(reg, methods, "tw-default", problems, seeds)


if __name__ == "__main__":
    main()
