#!/bin/bash
# s32 auto32: probe 10 run once (rule auto_decision.txt, J1-J2), from /tmp/auto32/wt_cand
# (git archive 0e3c1ae + auto_candidate_r.patch), one process (-j 1), nice 19, seed-major.
cd /tmp/auto32/wt_cand
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
R="tw-default+tpe._conditional_no_repeat=True"
OUT=/tmp/auto32/probe10_rows.jsonl
P="nice -n 19 /work/main/.venv/bin/python benchmarks/history/s32/probe_real_hpo10.py -j 1 --out $OUT"
COND="bc-discrete-cond friedman3-model-cond mlc-model-cond hastie-boost-cond reg-select-cond digits-svc-cond"
for n in 1 2 3 4 5 6 7 8 9 10; do
  $P --seeds $n --methods tw-default "$R" optuna-tpe --problems $COND
  $P --seeds $n --methods tw-default optuna-tpe --problems rf-digits sgd-diabetes
  [ $n -eq 1 ] && $P --seeds 1 --methods "$R" --problems rf-digits
  date -u +"seed $((n - 1)) done %H:%M:%S"
done
