"""Session 23, issue 18: the default sampler's GP on objectives that repeat a result exactly (piecewise
constant in the parameters: trees, forests, k-NN), with a dev rule: when ``k`` of the last ``w``
results repeat an earlier result exactly, the next proposal comes from a fallback sampler instead
of the GP (``AutoSampler._tie_rule = (w, k, "tpe" | "qmc")``).

Runs the problems of the three probes of real model tuning (``../s19/probe_real_hpo.py``,
``probe_real_hpo2.py``, ``../s22/probe_real_hpo3.py``), which have all been run and read: their
development set here, not a held-out check. Methods: ``tw-default``, ``tw-default@tie=W,K,F`` and
``tw-default+KEY=VAL`` (an attribute of the default's GP, e.g. ``+_plateau_boxes=True``);
the report merges the stored rows of the probes (the default there reruns identically), so the
reference best loss per problem is the same for every method.

    nice -n 10 .venv/bin/python benchmarks/history/s23/probe_ties.py --seeds 10 -j 2 \\
        --problems knn-classif rf-friedman1 tree-regression \\
        --methods tw-default@tie=4,2,tpe tw-default@tie=4,2,qmc --out benchmarks/history/s23/probe_ties.jsonl
    .venv/bin/python benchmarks/history/s23/probe_ties.py --merged-report benchmarks/history/s23/probe_ties.jsonl
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "s19"))
sys.path.insert(0, os.path.join(HERE, "..", "s22"))
import probe_real_hpo as base  # noqa: E402
import probe_real_hpo2  # noqa: E402
import probe_real_hpo3  # noqa: E402

STORED = [os.path.join(HERE, "..", "s19", "probe_real_hpo.jsonl"),
          os.path.join(HERE, "..", "s19", "probe_real_hpo2.jsonl"),
          os.path.join(HERE, "..", "s22", "probe_real_hpo3.jsonl")]
_make = base.make_study


def make_study(method: str, seed: int) -> Any:
    head, _, rule = method.partition("@tie=")
    if not rule:  # tw-default+KEY=VAL sets attributes of the default's GP (../s22/probe_real_hpo3.py)
        return probe_real_hpo3.with_variants(_make)(method, seed)
    import tunewise as tw

    tw.logging.set_verbosity(tw.logging.ERROR)
    sampler = tw.samplers.AutoSampler(seed=seed)
    sampler._tie_rule = rule
    return tw.create_study(sampler=sampler)


def main() -> None:
    base.PROBLEMS.update(probe_real_hpo2.PROBLEMS)
    base.PROBLEMS.update(probe_real_hpo3.PROBLEMS)
    base.make_study = make_study
    if sys.argv[1:2] == ["--merged-report"]:
        new = [json.loads(x) for p in sys.argv[2:] for x in open(p) if x.strip()]
        problems = {r["problem"] for r in new}
        rows = [json.loads(x) for p in STORED for x in open(p) if x.strip()]
        peers = ("tw-default", "optuna-tpe")
        rows = [r for r in rows if r["problem"] in problems and r["method"] in peers]
        keep = {(r["problem"], r["method"], r["seed"]) for r in new}
        rows = [r for r in rows if (r["problem"], r["method"], r["seed"]) not in keep] + new
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
            fh.writelines(json.dumps(r) + "\n" for r in rows)
        base.report(fh.name)
        return
    base.main()


if __name__ == "__main__":
    main()
