#!/bin/bash
# rule tpe_h_decision.txt: cond-clf's default seed 0 did not reproduce loss for loss (saga), so its
# default arm runs fresh on H's seeds (after run_h_dev.sh, one process at a time)
while pgrep -f run_h_dev.sh >/dev/null; do sleep 10; done
cd /tmp/s29h/wt
for s in 0 1 2 3 4 5 6 7 8 9; do
  nice -n 10 /work/main/.venv/bin/python benchmarks/history/s28/trace_runs.py /tmp/s29h/dev/default_fresh.jsonl tw-default cond-clf $s
done
