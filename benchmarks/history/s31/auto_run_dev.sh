#!/bin/bash
# Session 31 (auto31), rule auto_decision.txt: candidate I's dev rows (seeds 0-2 on the 11 conditional
# problems of probes 1-8), from a git archive of 2484b9b (WT; 619c02c before rule revision 1); cond-clf's default arm fresh, back to
# back. One process at a time, nice 10.
WT=${WT:-/tmp/auto31/wt}; OUT=${OUT:-/tmp/auto31/dev}; PY=/work/main/.venv/bin/python
I="tw-default+auto._conditional_gp=True"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p $OUT; cd $WT
T="nice -n 10 $PY benchmarks/history/s31/auto_trace9.py"
for s in 0 1 2; do
  for p in pipe-cond kr-friedman2 sgd-classif svc-circles text-pipe-cond tabular-pipe-cond digits-pipe-cond \
           bc-model-cond diabetes-reg-cond lowrank-linear-cond; do
    $T $OUT/i_rows.jsonl "$I" $p $s
  done
  $T $OUT/i_rows.jsonl "$I" cond-clf $s; $T $OUT/default_fresh.jsonl tw-default cond-clf $s
  date -u +"seed $s done %H:%M:%S"
done
