"""Session 30, issue 19: do the stored reference rows (optuna TPE + HyperbandPruner and tunewise's
default in three modes, s28's test rows) reproduce at today's code? One seed per family, rerun
with curves.py's own ``run_one`` from a checkout (``--root``), compared with the stored record on
compute to target, final loss and trials. Prints one line per run and appends the rerun records
(with the stored numbers) to ``--out``.

  nice -n 10 .venv/bin/python benchmarks/history/s30/peers_check_ref.py --root /tmp/peers19/snap \\
      --stored benchmarks/results/curves_test_s28_b10.jsonl --budget-factor 10 --seed 1 --out <jsonl>
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

FAMILIES = ["crossing-9-eta2", "noisy-27-heavy", "plateau-81-eta4", "diverge-81", "uninformative-81",
            "mfh6", "crossing-243-steep"]
METHODS = ["optuna-hb-tpe", "tw-none", "tw-asha-stop", "tw-asha-promote"]


def same(a: float, b: float) -> bool:
    return a == b or (math.isinf(a) and math.isinf(b)) or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="checkout whose benchmarks/curves.py (and src/) to run")
    ap.add_argument("--stored", required=True)
    ap.add_argument("--budget-factor", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--families", nargs="*", default=FAMILIES)
    ap.add_argument("--methods", nargs="*", default=METHODS)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sys.path.insert(0, f"{args.root}/benchmarks")
    import curves  # noqa: PLC0415

    with open(args.stored) as fh:
        stored = {(r["family"], r["method"], r["seed"]): r for r in map(json.loads, filter(str.strip, fh))}
    for fam in args.families:
        for m in args.methods:
            want = stored.get((fam, m, args.seed))
            if want is None:
                print(f"{fam} {m} s{args.seed}: no stored record", flush=True)
                continue
            t0 = time.time()
            got = curves.run_one((fam, m, args.seed, args.budget_factor))
            keys = ["ctt", "final", "trials"]
            diff = [k for k in keys if not same(float(want[k]), float(got[k]))]
            verdict = "reproduced" if not diff else "differs " + ", ".join(
                f"{k}: stored {want[k]:.6g} now {got[k]:.6g}" for k in diff)
            print(f"{fam} {m} s{args.seed} b{args.budget_factor:g}: {verdict} ({time.time() - t0:.0f} s)", flush=True)
            with open(args.out, "a") as fh:
                fh.write(json.dumps({**got, "stored": {k: want[k] for k in keys}, "verdict": verdict}) + "\n")


if __name__ == "__main__":
    main()
