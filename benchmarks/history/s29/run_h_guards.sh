#!/bin/bash
# Session 29, rule tpe_h_decision.txt criteria 4 (unconditional identity), 6 (cost) and 3 (dev HPO
# guard), from the worktree of main + H's switch, one process at a time, nice 10. Arms: H=0 / H=1
# through h_switch.py (the class attribute).
WT=${WT:-/tmp/s29h/wt}; OUT=${OUT:-/tmp/s29h/guards}; PY=/work/main/.venv/bin/python
mkdir -p $OUT; cd $WT
SW=benchmarks/history/s29/h_switch.py
if [ "${SKIP4:-0}" != 1 ]; then
for h in 0 1; do
  H=$h nice -n 10 $PY $SW benchmarks/sample_efficiency.py --split dev --functions 1 8 15 21 --dims 3 --hpo \
    --seeds 1 --max-budget 60 --methods tw-auto tw-tpe --workers 1 --no-overhead --json $OUT/bbob_identity_H$h.json \
    --html $OUT/bbob_identity_H$h.html > $OUT/bbob_identity_H$h.log 2>&1
  H=$h nice -n 10 $PY $SW benchmarks/curves.py --families crossing-81 plateau-27 --methods tw-tpe-asha-stop \
    --seeds 1 --budget-factor 10 -j 1 --out $OUT/curves_identity_H$h.jsonl > $OUT/curves_identity_H$h.log 2>&1
done
date -u +"criterion 4 done %H:%M:%S"
fi
if [ "${SKIP6:-0}" != 1 ]; then
nice -n 10 $PY benchmarks/history/s29/tpe_h_cost.py > $OUT/cost.txt 2>&1
date -u +"criterion 6 done %H:%M:%S"
fi
if [ "${RUN3:-0}" = 1 ]; then
for h in 0 1; do
  H=$h nice -n 10 $PY $SW benchmarks/sample_efficiency.py --split dev --functions --hpo clf-breast_cancer clf-wine \
    clf-synth-gauss clf-synth-clusters --seeds 3 --max-budget 60 --methods tw-auto --tag H$h --workers 1 --no-overhead \
    --json $OUT/hpo_H$h.json --html $OUT/hpo_H$h.html > $OUT/hpo_H$h.log 2>&1
done
date -u +"criterion 3 done %H:%M:%S"
fi
