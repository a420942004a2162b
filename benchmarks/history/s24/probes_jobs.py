"""Session 24: run one method on (problem, seed) jobs of any of the four probes of real model tuning
(``../s19/probe_real_hpo.py``, ``probe_real_hpo2.py``, ``../s22/probe_real_hpo3.py``,
``../s23/probe_real_hpo4.py``; 24 problems, all dev data now). ``tw-default+KEY=VAL`` sets an
attribute of the default's GP; run it from a checkout whose src has the attribute (the probes put
that checkout's src first on sys.path). ``--all`` runs every problem on seeds 0-9.

    nice -n 10 .venv/bin/python benchmarks/history/s24/probes_jobs.py OUT.jsonl METHOD -j 1 --all
    nice -n 10 .venv/bin/python benchmarks/history/s24/probes_jobs.py OUT.jsonl METHOD -j 2 PROBLEM:SEED[,SEED...] ...
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s23"))
import probe_real_hpo4  # noqa: E402
import probe_ties  # noqa: E402

base = probe_ties.base


def main() -> None:
    out, method = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    workers = 1
    if args[:1] == ["-j"]:
        workers, args = int(args[1]), args[2:]
    base.PROBLEMS.update(probe_ties.probe_real_hpo2.PROBLEMS)
    base.PROBLEMS.update(probe_ties.probe_real_hpo3.PROBLEMS)
    base.PROBLEMS.update(probe_real_hpo4.PROBLEMS)
    base.make_study = probe_ties.make_study
    done = set()
    if os.path.exists(out):  # resume: skip the jobs already written
        done = {(r["problem"], r["method"], r["seed"]) for r in map(json.loads, open(out))}
    if args == ["--all"]:
        args = [f"{p}:{','.join(map(str, range(10)))}" for p in base.PROBLEMS]
    jobs = []
    for spec in args:
        problem, _, seeds = spec.partition(":")
        jobs += [(problem, method, int(s)) for s in seeds.split(",") if (problem, method, int(s)) not in done]
    # the expensive problems first, so the last jobs are short ones
    cost = {"ada-quantiles": 9, "mlp-moons": 8, "gbr-regression": 7}
    jobs.sort(key=lambda j: -cost.get(j[0], 0))
    with Pool(workers) as pool, open(out, "a") as fh:
        for r in pool.imap_unordered(base.run_one, jobs):
            fh.write(json.dumps(r) + "\n")
            fh.flush()
            print(r["problem"], r["method"], r["seed"], flush=True)


if __name__ == "__main__":
    main()
