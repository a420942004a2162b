"""Session 26: probe 5's runs with every trial's parameters (the probe rows keep only the losses), to
see where a method's run of a probe-5 problem goes. Run from the checkout whose src is to be traced
(the probe scripts put that checkout's src first on sys.path); one JSON line per run.

    nice -n 10 .venv/bin/python benchmarks/history/s26/svc_poly_trace.py OUT.jsonl METHOD PROBLEM SEED [SEED ...]
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s24"))
import probe_real_hpo5 as p5  # noqa: E402

base = p5.base


def main() -> None:
    out, method, problem = sys.argv[1:4]
    make_study = p5.with_variants(base.make_study)
    import tunewise as tw

    for seed in map(int, sys.argv[4:]):
        study = make_study(method, seed)
        study.optimize(lambda t: p5.PROBLEMS[problem](t), n_trials=60)
        trials = [{"n": t.number, "value": t.value, "params": t.params} for t in study.trials]
        with open(out, "a") as fh:
            fh.write(
                json.dumps({"problem": problem, "method": method, "seed": seed, "src": tw.__file__, "trials": trials})
                + "\n"
            )
        print(method, seed, min(t["value"] for t in trials), flush=True)


if __name__ == "__main__":
    main()
