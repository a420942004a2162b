#!/bin/bash
# Session 31 (auto31), probe 9 run once, from a git archive of 2484b9b (WT), one process (-j 1), nice
# 10. Dev bars failed first (auto_decision.txt), so this run judges nothing; its order is seed-major
# with every arm (tw-default, I, optuna-tpe on the 5 conditional problems; tw-default and optuna-tpe
# on the 2 unconditional ones, where I is the default by construction), so a run cut short by the
# session's end still gives paired rows for both figures (I / default, default / optuna TPE).
WT=${WT:-/tmp/auto31/wt}; OUT=${OUT:-/tmp/auto31/probe9_rows.jsonl}; PY=/work/main/.venv/bin/python
I="tw-default+auto._conditional_gp=True"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
cd $WT
P="nice -n 10 $PY benchmarks/history/s31/probe_real_hpo9.py -j 1 --out $OUT"
COND="wine-pipe-cond logreg-solver-cond friedman1-featmap-cond scurve-svr-cond moons-model-cond"
for n in 1 2 3 4 5 6 7 8 9 10; do
  $P --seeds $n --methods tw-default "$I" optuna-tpe --problems $COND
  $P --seeds $n --methods tw-default optuna-tpe --problems hgb-wine mlpclf-iris-noise
  date -u +"seed $((n - 1)) done %H:%M:%S"
done
