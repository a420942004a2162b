"""Session 29, rule tpe_h_decision.txt criterion 3: H / default on the dev HPO tasks of
sample_efficiency.py (both arms this session; run_h_guards.sh). Regret as sample_efficiency.py's:
the run's best clean loss so far (``trace``) minus the best clean loss any run of the task reached,
floored at 1e-3 (HPO_FLOOR); geometric mean of the paired ratios over (task, seed).

    .venv/bin/python benchmarks/history/s29/h_hpo_report.py hpo_H0.json hpo_H1.json
"""

from __future__ import annotations

import json
import math
import sys

FLOOR = 1e-3


def main() -> None:
    rows = [r for f in sys.argv[1:3] for r in json.load(open(f))["results"] if not r.get("error")]
    arms = {}
    for r in rows:
        arms[(r["problem"], r["seed"], r["method"].rsplit("@", 1)[1])] = r
    ref: dict[str, float] = {}
    for r in rows:
        ref[r["problem"]] = min(ref.get(r["problem"], math.inf), min(r["trace"]))
    cells = sorted({(p, s) for p, s, _ in arms if (p, s, "H0") in arms and (p, s, "H1") in arms})
    print(f"# {len(cells)} paired cells")
    for b in (30, 60):
        logs = []
        for p, s in cells:
            h, d = (max(arms[(p, s, a)]["trace"][b - 1] - ref[p], FLOOR) for a in ("H1", "H0"))
            logs.append(math.log(h / d))
            print(f"  {p} seed {s} at {b}: H {h:.4f} default {d:.4f} ratio {h / d:.2f}")
        print(f"H / default at {b}: {math.exp(sum(logs) / len(logs)):.3f}x ({len(logs)} pairs)")


if __name__ == "__main__":
    main()
