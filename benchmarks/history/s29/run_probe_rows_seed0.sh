#!/bin/bash
# s29 probe_rows_repro step 1: the default (AutoSampler) on seed 0 of every problem of probes 1-6
# whose stored seed-0 run took <= 90 s, cheapest first (stored wall of s27's rows), at a detached
# worktree of HEAD (/tmp/s29r, made by `git worktree add /tmp/s29r HEAD --detach`), one process at a time.
OUT=${OUT:-/tmp/s29r_out/seed0.jsonl}
cd /tmp/s29r
for p in sgd-huber pipe-cond gpr-rq kr-friedman2 svc-poly-acc tree-regression svc-blobs-acc svc-circles \
         sgd-classif svr-lowrank dtc-classif-acc bagknn-bacc enet-poly spline-ridge logreg-enet rff-ridge \
         nystroem-spirals nusvr-friedman2 knn-classif cond-clf logreg-poly-moons hgbr-piecewise \
         lgbm-bagging-imbal mlp-moons et-multiclass-acc svr-friedman1 xgb-interact lgbm-regression \
         xgb-scurve xgb-wine et-sparse lgbm-classif hgb-hastie; do
  PYTHONPATH=/tmp/s29r/src nice -n 10 /work/main/.venv/bin/python benchmarks/history/s28/trace_runs.py "$OUT" tw-default "$p" 0
done
