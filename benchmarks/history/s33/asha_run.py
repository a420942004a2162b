"""Session 33, issue 19 (asha33), candidate O (ASHAScheduler._outlier_gap, a gross-outlier cut at cheap rungs
that would pass a trial uncut): paired runs of the candidate and the default (tw-asha-stop) from one
snapshot, seed-major, one JSON line per run. Adapted from benchmarks/history/s31/asha_run.py (candidate D).

Runs ``benchmarks/curves.py``'s own ``run_one`` (same problems, methods and accounting) from a
snapshot of one commit (``--root``). For each (seed, budget factor, family) the candidate runs
first, with a counter on ``ASHAScheduler._outlier_cut``: ``fired`` is how many times the candidate cut a
trial that the default would have passed uncut. The candidate's decisions are the default's
up to the first such time, so a run with ``fired == 0`` *is* the default's run (same decisions, same sampler
stream, same rows); then the default's row is that row under the default's name
(``"same_as": "candidate"``) and the default is not run again. Otherwise the default runs too.

  nice -n 19 .venv/bin/python benchmarks/history/s33/asha_run.py --root /tmp/asha33/snap \\
      --commit <sha> --candidate "tw-asha-stop+sched._outlier_gap=0.25" --first-seed 20 --seeds 20 \\
      --budget-factors 10 --families <dev families> --out benchmarks/history/s33/asha_dev --skip-done
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

DEFAULT = "tw-asha-stop"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--commit", required=True)
    ap.add_argument("--candidate", required=True)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--budget-factors", type=float, nargs="+", default=[10.0])
    ap.add_argument("--families", nargs="+", required=True)
    ap.add_argument("--out", required=True, help="prefix: {out}_b{factor}.jsonl")
    ap.add_argument("--skip-done", action="store_true")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    sys.path.insert(0, os.path.join(root, "src"))
    sys.path.insert(0, os.path.join(root, "benchmarks"))
    import curves  # noqa: E402

    import tunewise
    from tunewise.schedulers._asha import ASHAScheduler

    assert os.path.dirname(tunewise.__file__).startswith(root), tunewise.__file__
    CANDIDATE = args.candidate
    fired = [0]
    outlier_cut = ASHAScheduler._outlier_cut

    def counting(self: Any, ctx: Any, rung: int, trial: Any) -> bool:
        out = bool(outlier_cut(self, ctx, rung, trial))
        fired[0] += out
        return out

    ASHAScheduler._outlier_cut = counting  # type: ignore[method-assign]
    paths = {bf: f"{args.out}_b{bf:g}.jsonl" for bf in args.budget_factors}
    done: set[tuple[str, str, int, float]] = set()
    if args.skip_done:
        for bf, path in paths.items():
            if os.path.exists(path):
                with open(path) as fh:
                    done |= {(r["family"], r["method"], r["seed"], bf) for r in map(json.loads, filter(str.strip, fh))}

    def store(r: dict[str, Any], bf: float) -> None:
        r["commit"] = args.commit
        with open(paths[bf], "a") as fh:
            fh.write(json.dumps(r) + "\n")

    t0 = time.time()
    n = 0
    for s in range(args.first_seed, args.first_seed + args.seeds):
        for bf in args.budget_factors:
            for fam in args.families:
                if (fam, DEFAULT, s, bf) in done:
                    continue
                if (fam, CANDIDATE, s, bf) in done:  # resumed between the two runs: run the default
                    store(curves.run_one((fam, DEFAULT, s, bf)), bf)
                    continue
                fired[0] = 0
                r = curves.run_one((fam, CANDIDATE, s, bf))
                r["fired"] = fired[0]
                store(r, bf)
                if fired[0]:
                    store(curves.run_one((fam, DEFAULT, s, bf)), bf)
                else:
                    store(dict(r, method=DEFAULT, same_as="candidate", wall=0.0), bf)
                n += 1
                print(f"  {n} seed {s} b{bf:g} {fam}: fired {r['fired']}, {time.time() - t0:.0f} s", flush=True)
    print(f"total wall {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
