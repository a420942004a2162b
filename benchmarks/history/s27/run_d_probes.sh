#!/bin/sh
# Session 27: D's fresh probe rows (run from the worktree /tmp/wt_s27d = 9c6d58a + gp_candidate_d.patch).
# Probes 1-4: one process per job; 8 problems with a categorical x 10 seeds, logreg-enet (not
# bit-deterministic) x 10, the other 15 x seeds 0-1. Probe 5: rfc-multiclass-acc x 10, the other 6 x 2.
set -e
cd /tmp/wt_s27d
OUT=/work/main/benchmarks/history/s27
S10=0,1,2,3,4,5,6,7,8,9
M="tw-default+_integer_search=True"
date -u
nice -n 10 /work/main/.venv/bin/python benchmarks/history/s25/probes_jobs_fresh.py $OUT/probes_d.jsonl "$M" -j 2 \
  mlp-moons:$S10 kr-friedman2:$S10 cond-clf:$S10 sgd-classif:$S10 knn-classif:$S10 svc-circles:$S10 \
  tree-regression:$S10 dtc-classif-acc:$S10 logreg-enet:$S10 \
  svr-friedman1:0,1 xgb-wine:0,1 enet-poly:0,1 lgbm-classif:0,1 nusvr-friedman2:0,1 logreg-poly-moons:0,1 \
  rf-friedman1:0,1 gbr-regression:0,1 hgb-hastie:0,1 rff-ridge:0,1 lgbm-regression:0,1 \
  et-sparse:0,1 svc-blobs-acc:0,1 spline-ridge:0,1 ada-quantiles:0,1
date -u
nice -n 10 /work/main/.venv/bin/python benchmarks/history/s24/probe_real_hpo5.py --seeds 10 -j 2 \
  --methods "$M" --problems rfc-multiclass-acc --out $OUT/probe_real_hpo5_d.jsonl
date -u
nice -n 10 /work/main/.venv/bin/python benchmarks/history/s24/probe_real_hpo5.py --seeds 2 -j 2 \
  --methods "$M" --problems gbr-swissroll xgb-scurve lgbm-binary-acc nystroem-spirals svr-lowrank svc-poly-acc \
  --out $OUT/probe_real_hpo5_d.jsonl
date -u
