"""Session 30, issue 19 (dev only): what ASHA stop mode does per trial on one family, and its rung
verdicts at the end of each run.

  .venv/bin/python benchmarks/history/s30/hedge_diag.py <snapshot> <family> <budget factor> <seeds: 0,1> [method]
"""

from __future__ import annotations

import os
import sys
from typing import Any


def main() -> None:
    root = sys.argv[1]
    sys.path.insert(0, os.path.join(root, "src"))
    sys.path.insert(0, os.path.join(root, "benchmarks"))
    import curves
    from _curve_families import family_instance

    import tunewise as tw

    fam, factor = sys.argv[2], float(sys.argv[3])
    seeds = [int(s) for s in sys.argv[4].split(",")]
    method = sys.argv[5] if len(sys.argv) > 5 else "tw-asha-stop"
    captured: dict[str, Any] = {}
    create = tw.create_study

    def capture(*a: Any, **k: Any) -> Any:
        captured["study"] = study = create(*a, **k)
        return study

    curves.tw.create_study = capture
    for seed in seeds:
        b = curves.make_bench(fam, seed, factor)
        tr = curves.run_tunewise(b, method, b.seed)
        study = captured["study"]
        sched = study.scheduler
        print(f"== {fam} seed {seed} {method}: compute to target {tr.compute_to_target()}, trials {tr.trials}, "
              f"budget {b.compute}, target {b.target:.4f}")
        try:
            inst = family_instance(fam, seed)
        except ValueError:
            inst = None
        spent = 0
        for t in study.get_trials():
            a = t.system_attrs.get("asha", {})
            last = max(t.intermediate_values) if t.intermediate_values else 0
            spent += last
            truth = inst.loss(t.params, b.R) if inst is not None else float("nan")
            print(f"  #{t.number:3d} {t.state.name[:4]} last={last:3d} spent={spent:5d} "
                  f"rungs={len(a.get('rungs', {}))} uncut={a.get('uncut', [])} forecast={'forecast' in a} "
                  f"noise-free final={truth:.4f}")
        print("  rung_recall (k, level, kept, top, n, verdict):", sched.rung_recall(study),
              "first_trusted_rung", sched.first_trusted_rung(study))


if __name__ == "__main__":
    main()
