"""Session 28: the issue-19 test table of BENCHMARKS.md rerun on the new test problem seeds, seed-major.

Runs ``benchmarks/curves.py``'s own ``run_one`` (same problems, methods and accounting) from a
snapshot of one commit (``--root``, e.g. ``git archive <commit> | tar -x -C /tmp/s28_snap``), so
that the rows belong to that commit and not to the shared working tree other sessions edit. Jobs go
seed by seed (both budget factors, every family and method of a seed before the next seed), so a
run cut short by time has whole seeds; ``--skip-done`` resumes. One JSON line per run, in
``{out}_b{factor}.jsonl``, in curves.py's record format plus the snapshot's ``commit``.

  nice -n 10 .venv/bin/python benchmarks/history/s28/curve_test_rerun.py --root /tmp/s28_snap \\
      --commit <sha> --seeds 60 -j 2 --out benchmarks/results/curves_test_s28 --skip-done
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

FAMILIES = [
    "crossing-243-steep",
    "crossing-9-eta2",
    "plateau-81-eta4",
    "diverge-81",
    "uninformative-81",
    "noisy-27-heavy",
    "mfh6",
]
METHODS = ["optuna-hb-tpe", "tw-none", "tw-asha-stop", "tw-tpe-asha-stop", "tw-asha-promote", "tw-asha-stop@4"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="a checkout or snapshot of the commit to measure")
    ap.add_argument("--commit", required=True, help="its hash, stored with every row")
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--budget-factors", type=float, nargs="+", default=[10.0, 30.0])
    ap.add_argument("--families", nargs="+", default=FAMILIES)
    ap.add_argument("--methods", nargs="+", default=METHODS)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--out", required=True, help="prefix: {out}_b{factor}.jsonl")
    ap.add_argument("--skip-done", action="store_true")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    sys.path.insert(0, os.path.join(root, "src"))
    sys.path.insert(0, os.path.join(root, "benchmarks"))
    import curves  # noqa: E402  (inserts root/src first on sys.path too)

    import tunewise

    assert os.path.dirname(tunewise.__file__).startswith(root), tunewise.__file__
    paths = {bf: f"{args.out}_b{bf:g}.jsonl" for bf in args.budget_factors}
    done: set[tuple[str, str, int, float]] = set()
    if args.skip_done:
        for bf, path in paths.items():
            if os.path.exists(path):
                with open(path) as fh:
                    done |= {(r["family"], r["method"], r["seed"], bf) for r in map(json.loads, filter(str.strip, fh))}
    jobs = [
        (f, m, s, bf)
        for s in range(args.first_seed, args.first_seed + args.seeds)
        for bf in args.budget_factors
        for f in args.families
        for m in args.methods
        if (f, m, s, bf) not in done
    ]
    print(f"{len(jobs)} runs to do ({len(done)} done), tunewise from {tunewise.__file__}", flush=True)
    t0 = time.time()

    def store(r: dict[str, Any], bf: float) -> None:
        r["commit"] = args.commit
        with open(paths[bf], "a") as fh:
            fh.write(json.dumps(r) + "\n")

    import multiprocessing as mp

    with mp.get_context("fork").Pool(args.jobs) as pool:
        for i, (job, r) in enumerate(zip(jobs, pool.imap(curves.run_one, jobs))):
            store(r, job[3])
            if (i + 1) % 20 == 0:
                print(f"  {i + 1}/{len(jobs)} runs, seed {job[2]}, {time.time() - t0:.0f} s", flush=True)
    print(f"total wall {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
