"""Session 24: the four probes of real model tuning in one report (24 problems, 10 seeds each),
with the default as it is after 8c4670b (the TPE fallback after repeated results).

The new default's rows: probes 1-3's stored default rows, except where the rule fires (rf-friedman1,
tree-regression, knn-classif: session 23's ``tw-default@tie=4,2,tpe`` rows, ``../s23/probe_ties.jsonl``;
elsewhere it never fires, so the run is the stored one), and probe 4's merged rows. Written to a
JSONL file that ``../s19/probe_real_hpo.py --report`` reads:

    .venv/bin/python benchmarks/history/s24/probes_all.py /tmp/probes_all.jsonl
    .venv/bin/python benchmarks/history/s19/probe_real_hpo.py --report /tmp/probes_all.jsonl
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STORED = [os.path.join(HERE, "..", "s19", "probe_real_hpo.jsonl"),
          os.path.join(HERE, "..", "s19", "probe_real_hpo2.jsonl"),
          os.path.join(HERE, "..", "s22", "probe_real_hpo3.jsonl")]
RULE = "tw-default@tie=4,2,tpe"
PEERS = ("optuna-tpe", "optuna-gp")


def main() -> None:
    rows = [json.loads(x) for p in STORED for x in open(p) if x.strip()]
    stored_ties = os.path.join(HERE, "..", "s23", "probe_ties.jsonl")
    ties = {(r["problem"], r["seed"]): r for r in map(json.loads, open(stored_ties)) if r["method"] == RULE}
    out = [r for r in rows if r["method"] in PEERS]
    for r in rows:
        if r["method"] == "tw-default":
            out.append({**ties.get((r["problem"], r["seed"]), r), "method": "tw-default"})
    for r in map(json.loads, open(os.path.join(HERE, "probe_real_hpo4_merged.jsonl"))):
        if r["method"] in PEERS:
            out.append(r)
        elif r["method"] == RULE:
            out.append({**r, "method": "tw-default"})
    with open(sys.argv[1], "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in out)
    print(len(out), "rows,", len({r["problem"] for r in out}), "problems")


if __name__ == "__main__":
    main()
