"""Session 32, issue 19 (dev only): why the default (tw-asha-stop) runs clearly bad configurations to R
on a family: per trial, the verdict of each rung it passed (ASHAScheduler._verdicts at the decision:
None = not measured, "unknown", "misleads", "trusted") and whether it was cut; summed over runs, the
epochs spent up to the first run that reaches the target, by the reason rung 0 passed the trial.

  .venv/bin/python benchmarks/history/s32/asha_verdicts.py <family> <first seed> <seeds> [<out.jsonl>]
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".."))  # benchmarks/


def main() -> None:
    import curves
    from _curve_families import family_instance

    import tunewise as tw
    from tunewise.schedulers._asha import ASHAScheduler, _audited

    logging.getLogger("tunewise").setLevel(logging.ERROR)
    family, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    out = sys.argv[4] if len(sys.argv) > 4 else None
    log: dict[int, dict[int, str]] = {}
    orig = ASHAScheduler._uncut

    def traced(self: Any, ctx: Any, rung: int, trial: Any) -> bool:
        passed = orig(self, ctx, rung, trial)
        v = self._verdicts(ctx).get(rung)
        why = "cuts" if not passed else ("audit" if self._cuts(rung, v) and _audited(
            trial.number, self.reduction_factor ** (2 if v == "trusted" else 1)) else
            "repeat" if self._cuts(rung, v) else f"verdict {v}")
        log.setdefault(trial.number, {})[rung] = why
        return passed

    ASHAScheduler._uncut = traced  # type: ignore[method-assign]
    captured: dict[str, Any] = {}
    create = tw.create_study

    def capture(*a: Any, **k: Any) -> Any:
        captured["study"] = study = create(*a, **k)
        return study

    curves.tw.create_study = capture
    epochs: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    total = 0.0
    for seed in range(first, first + n):
        log.clear()
        b = curves.make_bench(family, seed, 10.0)
        curves.run_tunewise(b, "tw-asha-stop", b.seed)
        inst = family_instance(family, seed)
        rows = []
        for t in captured["study"].get_trials():
            if not t.intermediate_values:
                continue
            last = max(t.intermediate_values)
            fin = inst.loss(t.params, b.R)
            rows.append({"number": t.number, "last": last, "rung0": log.get(t.number, {}).get(0, "-"),
                         "verdicts": log.get(t.number, {}), "d_final": fin - b.target})
        hit = next((i for i, r in enumerate(rows) if r["d_final"] <= 0 and r["last"] >= b.R), len(rows) - 1)
        for r in rows[: hit + 1]:
            epochs[r["rung0"]] += r["last"]
            total += r["last"]
            if r["d_final"] >= 0.1:
                bad[r["rung0"]] += r["last"]
        if out:
            with open(out, "a") as fh:
                fh.write(json.dumps({"family": family, "seed": seed, "trials": rows}, default=str) + "\n")
    print(f"{family}, seeds {first}-{first + n - 1}: epochs up to the first run that reaches the target, by why "
          f"rung 0 passed the trial (share of all; of which in configurations finishing 0.1+ above the target)")
    for k, v in epochs.most_common():
        print(f"  {k:18s} {v / total:6.1%}  (clearly bad {bad[k] / total:6.1%})")


if __name__ == "__main__":
    main()
