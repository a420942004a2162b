"""Session 23: run chosen (problem, method, seed) jobs of ``probe_ties.py`` (the runs a rule can
change: those whose default run repeats a result exactly; the others are identical).

    nice -n 5 .venv/bin/python benchmarks/history/s23/probe_ties_jobs.py OUT.jsonl METHOD PROBLEM:SEED[,SEED...] ...
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import probe_ties  # noqa: E402

base = probe_ties.base


def main() -> None:
    out, method = sys.argv[1], sys.argv[2]
    base.PROBLEMS.update(probe_ties.probe_real_hpo2.PROBLEMS)
    base.PROBLEMS.update(probe_ties.probe_real_hpo3.PROBLEMS)
    base.make_study = probe_ties.make_study
    jobs = []
    for spec in sys.argv[3:]:
        problem, _, seeds = spec.partition(":")
        jobs += [(problem, method, int(s)) for s in seeds.split(",")]
    with Pool(2) as pool, open(out, "a") as fh:
        for r in pool.imap_unordered(base.run_one, jobs):
            fh.write(json.dumps(r) + "\n")
            fh.flush()
            print(r["problem"], r["method"], r["seed"], f"{min(r['losses']):.4g}", flush=True)


if __name__ == "__main__":
    main()
