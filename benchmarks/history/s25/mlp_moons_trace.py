"""Session 25: one probe run with its trials' parameters (the probe rows keep only the losses), to
see where a method's run of a probe problem ends. Run from the checkout whose src is to be traced
(it puts that checkout's src first on sys.path, as the probes do); one JSON line per run.

    nice -n 15 .venv/bin/python benchmarks/history/s25/mlp_moons_trace.py OUT.jsonl METHOD PROBLEM SEED [SEED ...]
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import probes_jobs  # noqa: E402

base = probes_jobs.base


def main() -> None:
    out, method, problem = sys.argv[1:4]
    base.PROBLEMS.update(probes_jobs.probe_ties.probe_real_hpo2.PROBLEMS)
    base.PROBLEMS.update(probes_jobs.probe_ties.probe_real_hpo3.PROBLEMS)
    base.PROBLEMS.update(probes_jobs.probe_real_hpo4.PROBLEMS)
    import tunewise as tw

    for seed in map(int, sys.argv[4:]):
        study = probes_jobs.probe_ties.make_study(method, seed)
        study.optimize(lambda t: base.PROBLEMS[problem](t), n_trials=60)
        trials = [{"n": t.number, "value": t.value, "params": t.params} for t in study.trials]
        with open(out, "a") as fh:
            fh.write(
                json.dumps({"problem": problem, "method": method, "seed": seed, "src": tw.__file__, "trials": trials})
                + "\n"
            )
        print(method, seed, min(t["value"] for t in trials), flush=True)


if __name__ == "__main__":
    main()
