#!/bin/bash
# Session 29, rule tpe_h_decision.txt: probe 7 (held out until this run), run once for the default
# and candidate H, from the worktree of main + H's switch, -j 2, nice 10. The two conditional
# problems on every seed 0-9; the six unconditional ones seed 0 only (H's rows there are the
# default's by construction; seed 0 checks it).
WT=${WT:-/tmp/s29h/wt}; OUT=${OUT:-/tmp/s29h/probe7}; PY=/work/main/.venv/bin/python
H="tw-default+tpe._conditional_gap_clip=True"
mkdir -p $OUT; cd $WT
nice -n 10 $PY benchmarks/history/s28/probe_real_hpo7.py --seeds 10 -j 2 --methods tw-default "$H" \
  --problems text-pipe-cond tabular-pipe-cond --out $OUT/probe_real_hpo7_H.jsonl
date -u +"conditional done %H:%M:%S"
nice -n 10 $PY benchmarks/history/s28/probe_real_hpo7.py --seeds 1 -j 2 --methods tw-default "$H" \
  --problems lgbm-additive xgb-ints-multiclass torch-mlp-wave svc-holdout-noisy xgb-floats-imbal nystroem-checker \
  --out $OUT/probe_real_hpo7_H.jsonl
date -u +"unconditional seed 0 done %H:%M:%S"
