#!/bin/bash
# Session 29, rule tpe_h_decision.txt: H's dev rows on the 5 conditional problems of probes 1-6,
# seed by seed, from the worktree of main + H's switch (WT); the default's seed-0 reproduction
# checks first. One process at a time, nice 10.
WT=${WT:-/tmp/s29h/wt}; OUT=${OUT:-/tmp/s29h/dev}; PY=/work/main/.venv/bin/python
mkdir -p $OUT; cd $WT
for p in kr-friedman2 cond-clf sgd-classif svc-circles; do
  nice -n 10 $PY benchmarks/history/s28/trace_runs.py $OUT/default_check.jsonl tw-default $p 0
done
for s in 0 1 2 3 4 5 6 7 8 9; do
  for p in pipe-cond kr-friedman2 svc-circles sgd-classif cond-clf; do
    nice -n 10 $PY benchmarks/history/s28/trace_runs.py $OUT/h_rows.jsonl "tw-default+tpe._conditional_gap_clip=True" $p $s
  done
  date -u +"seed $s done %H:%M:%S"
done
