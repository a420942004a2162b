#!/bin/bash
# Session 30 (auto18), rule auto_decision.txt: C's dev rows where the default's run meets the plateau
# signal (the others are identical by construction), from a copy of main at f8c924f (WT). cond-clf:
# both arms fresh, back to back. Identity check: svc-blobs-acc seed 0 (unconditional, ties), both arms.
# One process at a time, nice 10.
WT=${WT:-/tmp/auto18/wt2}; OUT=${OUT:-/tmp/auto18/dev}; PY=/work/main/.venv/bin/python
C="tw-default+auto._conditional_tie_fill=True"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p $OUT; cd $WT
T="nice -n 10 $PY benchmarks/history/s30/auto_trace.py"
for s in 0 1 2 3 5 6 7 8 10 11 12 13 14 15 17 18 19; do $T $OUT/c_rows.jsonl "$C" pipe-cond $s; done
date -u +"pipe-cond done %H:%M:%S"
for s in 0 1 2 4 5 6 9; do $T $OUT/c_rows.jsonl "$C" cond-clf $s; $T $OUT/default_fresh.jsonl tw-default cond-clf $s; done
date -u +"cond-clf done %H:%M:%S"
$T $OUT/c_rows.jsonl "$C" svc-blobs-acc 0; $T $OUT/default_fresh.jsonl tw-default svc-blobs-acc 0
$T $OUT/c_rows.jsonl "$C" kr-friedman2 0
date -u +"identity done %H:%M:%S"
