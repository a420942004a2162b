"""Session 28: the dev rows of issue 18 with candidate D as the default (probes 1-6, 39 problems).

Writes one JSONL file with, per (problem, seed): ``tw-default`` = D's stored rows (probes 1-5:
``../s27/probes_d_all.jsonl``; probe 6: the ``tw-default+_integer_search=True`` rows of
``../s27/probe_real_hpo6.jsonl``), ``old-default`` = the default before D (probes 1-4 as
``../s24/probes_all.py`` builds them, probe 5 ``../s25/probe_real_hpo5.jsonl``, probe 6), and
optuna's ``optuna-tpe`` / ``optuna-gp`` rows from the same files. Every row gets ``probe``.

    .venv/bin/python benchmarks/history/s28/dev_rows.py /tmp/s28e/dev_rows.jsonl
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
D = "tw-default+_integer_search=True"
PEERS = ("optuna-tpe", "optuna-gp")
PROBE_OF = {}
for n, names in {
    1: "svr-friedman1 kr-friedman2 xgb-wine mlp-moons cond-clf enet-poly",
    2: "lgbm-classif nusvr-friedman2 sgd-classif rf-friedman1 logreg-poly-moons",
    3: "hgb-hastie knn-classif gbr-regression svc-circles rff-ridge tree-regression",
    4: "et-sparse ada-quantiles svc-blobs-acc lgbm-regression spline-ridge dtc-classif-acc logreg-enet",
    5: "gbr-swissroll rfc-multiclass-acc xgb-scurve lgbm-binary-acc nystroem-spirals svr-lowrank svc-poly-acc",
    6: "xgb-interact lgbm-bagging-imbal et-multiclass-acc hgbr-piecewise bagknn-bacc gpr-rq sgd-huber pipe-cond",
}.items():
    for p in names.split():
        PROBE_OF[p] = n


def main() -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        path = fh.name
    subprocess.run([sys.executable, os.path.join(HERE, "..", "s24", "probes_all.py"), path], check=True)
    rows = [json.loads(x) for x in open(path)]
    os.unlink(path)
    rows += [json.loads(x) for x in open(os.path.join(HERE, "..", "s25", "probe_real_hpo5.jsonl"))]
    out = []
    for r in rows:
        if r["method"] in PEERS:
            out.append(r)
        elif r["method"] == "tw-default":
            out.append({**r, "method": "old-default"})
    out += [
        {**r, "method": "tw-default"}
        for r in map(json.loads, open(os.path.join(HERE, "..", "s27", "probes_d_all.jsonl")))
    ]
    for r in map(json.loads, open(os.path.join(HERE, "..", "s27", "probe_real_hpo6.jsonl"))):
        m = {"tw-default": "old-default", D: "tw-default"}.get(r["method"], r["method"])
        out.append({**r, "method": m})
    out = [{**r, "probe": PROBE_OF[r["problem"]]} for r in out if r["method"] in (*PEERS, "tw-default", "old-default")]
    keys = [(r["problem"], r["method"], r["seed"]) for r in out]
    assert len(keys) == len(set(keys)), "duplicate cell"
    with open(sys.argv[1], "w") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in out)
    import collections

    print(len(out), "rows;", dict(collections.Counter(r["method"] for r in out)), len(PROBE_OF), "problems")


if __name__ == "__main__":
    main()
