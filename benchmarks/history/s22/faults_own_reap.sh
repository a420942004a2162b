#!/bin/sh
# Usage: faults_own_reap.sh BEFORE_SRC  (the tree before, e.g. `git archive <commit> src | tar -x -C /tmp/x`)
# 3 runs per storage on the tree before and on this checkout.
cd "$(dirname "$0")/../../.."
for run in 1 2 3; do
  for s in sqlite postgresql; do
    PYTHONPATH="$1" nice -n 10 .venv/bin/python benchmarks/history/s22/faults_own_reap.py --storage $s
    nice -n 10 .venv/bin/python benchmarks/history/s22/faults_own_reap.py --storage $s
  done
done
