#!/bin/bash
cd /tmp/auto32/wt_base
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 AUTO32_MEMO=/tmp/auto32/memo.pkl
P=diabetes-reg-cond,lowrank-linear-cond,digits-pipe-cond,pipe-cond,logreg-solver-cond,moons-model-cond,cond-clf
T="nice -n 19 /work/main/.venv/bin/python benchmarks/history/s32/auto_trace32.py"
$T /tmp/auto32/dev_rows.jsonl tw-default,tw-tpe,optuna-tpe $P 0
date -u +"seed 0 done %H:%M:%S"
$T /tmp/auto32/dev_rows.jsonl tw-default $P 1-9
date -u +"default done %H:%M:%S"
