"""Session 25: optimizer CPU per trial (``opt_cpu_ms``, the sampler's time between objective calls)
of candidate C's probe rows against the default's rows as ``../s24/probes_all.py`` builds them, per
problem (median over seeds) and overall (mean over the paired runs), and C / default per seed on
one problem's final regret (regret as in ``../s19/probe_real_hpo.py --report``: best loss any of
the compared rows reached, floor 1e-3).

    .venv/bin/python benchmarks/history/s25/gp_integer_costs.py benchmarks/history/s25/probes_c.jsonl [PROBLEM]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s24", "probes_all.py"), path], check=True)
    rows = [json.loads(x) for x in open(path)]
    cand = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
    method = cand[0]["method"]
    default = {(r["problem"], r["seed"]): r for r in rows if r["method"] == "tw-default"}
    pairs = [(default[(r["problem"], r["seed"])], r) for r in cand if (r["problem"], r["seed"]) in default]
    print(f"# opt_cpu_ms per trial, {method} vs tw-default ({len(pairs)} paired runs)\n")
    print("| problem | default (median) | C (median) | C / default |")
    print("|---|--:|--:|--:|")
    for p in dict.fromkeys(r["problem"] for r in cand):
        d = [a["opt_cpu_ms"] for a, b in pairs if a["problem"] == p]
        c = [b["opt_cpu_ms"] for a, b in pairs if b["problem"] == p]
        print(f"| {p} | {np.median(d):.1f} | {np.median(c):.1f} | {np.median(c) / np.median(d):.2f} |")
    d_all = np.mean([a["opt_cpu_ms"] for a, _ in pairs])
    c_all = np.mean([b["opt_cpu_ms"] for _, b in pairs])
    print(f"| **all (mean)** | {d_all:.1f} | {c_all:.1f} | {c_all / d_all:.2f} |")
    if len(sys.argv) > 2:
        prob = sys.argv[2]
        peers = [r for r in rows if r["problem"] == prob] + [r for r in cand if r["problem"] == prob]
        best = min(min(r["losses"]) for r in peers)
        print(f"\n# {prob}: regret at 30 / 60 per seed (best loss {best:.6f})\n")
        print("| seed | tw-default | C | optuna-gp |")
        print("|--:|--:|--:|--:|")
        by: dict[int, dict[str, dict]] = {}
        for r in peers:
            by.setdefault(r["seed"], {})[r["method"]] = r
        for s in sorted(by):
            cells = []
            for m in ("tw-default", method, "optuna-gp"):
                r = by[s].get(m)
                cells.append(
                    "" if r is None else " / ".join(f"{max(min(r['losses'][:b]) - best, 1e-3):.4f}" for b in (30, 60))
                )
            print(f"| {s} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
