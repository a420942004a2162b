#!/bin/bash
# s29 probe_rows_repro step 2: the default on the given seeds of the given problems, in the order
# given (cheapest first), at the detached worktree /tmp/s29r, one process at a time.
# Usage: OUT=... run_probe_rows_seeds.sh PROBLEM:SEED,SEED,... [PROBLEM:SEEDS ...]
OUT=${OUT:-/tmp/s29r_out/seeds.jsonl}
cd /tmp/s29r
for arg in "$@"; do
  p=${arg%%:*}; seeds=${arg#*:}
  PYTHONPATH=/tmp/s29r/src nice -n 10 /work/main/.venv/bin/python benchmarks/history/s28/trace_runs.py "$OUT" tw-default "$p" ${seeds//,/ }
done
