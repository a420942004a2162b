#!/bin/bash
# s33 auto33: probe 11 run once (rule auto_decision.txt with revision 1: the conditional problems'
# seeds 0-9 first, then the unconditional), from /tmp/auto33/wt_cand (git archive 5f4e4d0: candidate
# B behind its off switch), one process (-j 1), nice 19, seed-major.
cd /tmp/auto33/wt_cand
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
B="tw-default+auto._branch_gp=True"
OUT=/tmp/auto33/probe11_rows.jsonl
P="nice -n 19 /work/main/.venv/bin/python benchmarks/history/s33/probe_real_hpo11.py -j 1 --out $OUT"
COND="iris-noisycv-cond gq-svc-nested-cond sparse-linear-cond swissroll-kernel-cond circles-featmap-cond blobs-cov-cond"
for n in 1 2 3 4 5 6 7 8 9 10; do
  $P --seeds $n --methods tw-default "$B" optuna-tpe --problems $COND
  date -u +"conditional seed $((n - 1)) done %H:%M:%S"
done
for n in 1 2 3 4 5 6 7 8 9 10; do
  $P --seeds $n --methods tw-default optuna-tpe --problems gbr-friedman2 rf-quantiles
  date -u +"unconditional seed $((n - 1)) done %H:%M:%S"
done
