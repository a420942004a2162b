"""Session 26: the probes' ``opt_cpu_ms`` of the same job run twice in one process, to see how much
of a fresh process's figure is its first trial's imports. Run from the checkout to be measured.

    nice -n 10 .venv/bin/python benchmarks/history/s26/opt_cpu_first_job.py PROBLEM METHOD SEED
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import probes_jobs  # noqa: E402

base = probes_jobs.base


def main() -> None:
    problem, method, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    base.PROBLEMS.update(probes_jobs.probe_ties.probe_real_hpo2.PROBLEMS)
    base.PROBLEMS.update(probes_jobs.probe_ties.probe_real_hpo3.PROBLEMS)
    base.PROBLEMS.update(probes_jobs.probe_real_hpo4.PROBLEMS)
    base.make_study = probes_jobs.probe_ties.make_study
    for run in ("first job in the process", "same job again"):
        r = base.run_one((problem, method, seed))
        print(f"{problem} {method} seed {seed}, {run}: opt_cpu_ms {r['opt_cpu_ms']:.1f}, best {min(r['losses']):.6f}")


if __name__ == "__main__":
    main()
