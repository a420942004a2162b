#!/bin/bash
# s32 auto32: candidate R's dev runs (rule auto_decision.txt, revision 1), from /tmp/auto32/wt_cand
# (git archive 0e3c1ae + auto_candidate_r.patch), one process at a time, nice 19.
cd /tmp/auto32/wt_cand
H=/work/main/benchmarks/history
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 AUTO32_MEMO=/tmp/auto32/memo.pkl
export AUTO32_REPLAY=$H/s30/auto_probe8_rows.jsonl,$H/s31/auto_probe9_rows.jsonl,$H/s30/auto_dev_default_rows.jsonl
R="tw-default+tpe._conditional_no_repeat=True"
T="nice -n 19 /work/main/.venv/bin/python benchmarks/history/s32/auto_trace32.py"
OUT=/tmp/auto32/dev_r_rows.jsonl
for s in 0 1 2 3 4 5 6 7 8 9; do
  P=diabetes-reg-cond,lowrank-linear-cond,digits-pipe-cond,pipe-cond
  [ $s -le 7 ] && P=$P,logreg-solver-cond
  [ $s -eq 6 ] && P=$P,moons-model-cond
  $T $OUT "$R" $P $s
  AUTO32_REPLAY= $T $OUT "tw-default,$R" cond-clf $s
  date -u +"seed $s done %H:%M:%S"
done
