"""s29 probe_rows_repro: today's default (AutoSampler, trace_runs.py rows) against the default's
stored rows behind s28's dev table (s27/probes_d_all.jsonl for probes 1-5, the
``tw-default+_integer_search=True`` rows of s27/probe_real_hpo6.jsonl for probe 6, as
s28/dev_rows.py reads them), loss by loss, per (problem, seed).

    .venv/bin/python benchmarks/history/s29/probe_rows_compare.py FRESH.jsonl [FRESH2.jsonl ...]

For each fresh row: identical (all 60 losses equal) or the first trial (1-based) whose loss differs,
the largest |difference| there, the first trial whose loss differs by more than 1e-4 (saga
objectives are not bit-deterministic, so for them a tiny difference is not a proposal change),
best loss at 30 and 60 stored / fresh, and how many of the fresh run's trials AutoSampler gave to TPE.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
D = "tw-default+_integer_search=True"


def stored() -> dict:
    out = {}
    for r in map(json.loads, open(os.path.join(HERE, "..", "s27", "probes_d_all.jsonl"))):
        out[(r["problem"], r["seed"])] = r
    for r in map(json.loads, open(os.path.join(HERE, "..", "s27", "probe_real_hpo6.jsonl"))):
        if r["method"] == D:
            out[(r["problem"], r["seed"])] = r
    return out


def compare(old: list[float], new: list[float]) -> tuple:
    k = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), None)
    big = next((i for i, (a, b) in enumerate(zip(old, new)) if abs(a - b) > 1e-4), None)
    maxd = max(abs(a - b) for a, b in zip(old, new))
    return k, big, maxd


def main() -> None:
    st = stored()
    rows = [json.loads(x) for p in sys.argv[1:] for x in open(p) if x.strip()]
    print("| problem | seed | verdict | first diff > 1e-4 | max abs diff | best@30 stored | fresh "
          "| best@60 stored | fresh | TPE trials (fresh) |")
    print("|--|--:|--|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        o = st[(r["problem"], r["seed"])]
        assert len(o["losses"]) == len(r["losses"]) == 60
        k, big, maxd = compare(o["losses"], r["losses"])
        verdict = "identical" if k is None else f"differs from trial {k + 1}"
        ntpe = sum(1 for u in r.get("used", []) if "TPE" in u)
        print(
            f"| {r['problem']} | {r['seed']} | {verdict} | {'-' if big is None else big + 1} | {maxd:.1e} | "
            f"{min(o['losses'][:30]):.4f} | {min(r['losses'][:30]):.4f} | "
            f"{min(o['losses']):.4f} | {min(r['losses']):.4f} | {ntpe} |"
        )


if __name__ == "__main__":
    main()
