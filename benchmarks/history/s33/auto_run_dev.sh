#!/bin/bash
# s33 auto33: dev rows (rule auto_decision.txt), from /tmp/auto33/wt_cand (git archive 5f4e4d0), one process, nice 19.
cd /tmp/auto33/wt_cand
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
P="kr-friedman2,sgd-classif,friedman3-model-cond,mlc-model-cond,reg-select-cond,digits-svc-cond"
nice -n 19 /work/main/.venv/bin/python benchmarks/history/s33/auto_trace33.py /tmp/auto33/dev_rows.jsonl "tw-default,tw-default+auto._branch_gp=True" $P 10-19
date -u +"dev done %H:%M:%S"
