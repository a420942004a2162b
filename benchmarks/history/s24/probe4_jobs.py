"""Session 24: run chosen (problem, seed) jobs of probe 4 (``../s23/probe_real_hpo4.py``) for one
method, and list the default's runs where the tie rule can fire.

    nice -n 5 .venv/bin/python benchmarks/history/s24/probe4_jobs.py OUT.jsonl METHOD PROBLEM:SEED[,SEED...] ...
    .venv/bin/python benchmarks/history/s24/probe4_jobs.py --fires ROWS.jsonl [W K]

A rule "k repeats among the last w results" changes a run only from the first trial whose history
already holds such a window; before it the run is the default's (same seeds, same proposals).
"""

from __future__ import annotations

import json
import os
import sys
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s23"))
import probe_real_hpo4  # noqa: E402

base = probe_real_hpo4.base


def fires(losses: list[float], w: int = 4, k: int = 2) -> int | None:
    """The first trial index whose proposal the rule would change (None: never within the run)."""
    seen: set[float] = set()
    rep: list[bool] = []
    for t, v in enumerate(losses):
        if sum(rep[-w:]) >= k:
            return t
        rep.append(v in seen)
        seen.add(v)
    return None


def main() -> None:
    if sys.argv[1] == "--fires":
        w, k = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (4, 2)
        for line in open(sys.argv[2]):
            r = json.loads(line)
            if r["method"] == "tw-default":
                t = fires(r["losses"], w, k)
                if t is not None:
                    print(r["problem"], r["seed"], t)
        return
    out, method = sys.argv[1], sys.argv[2]
    import tunewise

    # probe_real_hpo puts this checkout's src first on sys.path: a rule needs a checkout that has it.
    if "@tie=" in method and not hasattr(tunewise.samplers.AutoSampler(), "_tie_rule"):
        sys.exit(f"{tunewise.__file__} has no AutoSampler._tie_rule: run from a checkout with the rule")
    base.PROBLEMS.clear()
    base.PROBLEMS.update(probe_real_hpo4.PROBLEMS)
    base.make_study = probe_real_hpo4.make_study
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
